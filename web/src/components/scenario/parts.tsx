// Small pieces shared by the scenario screens: a titled result section and the stale-result warning.
import { Alert, Group, Paper, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../lib/queries.js';
import type { Run } from '../../lib/scenarios.js';

export function ResultSection({
  id,
  title,
  description,
  children,
  actions,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id} className="result-section">
      <Group justify="space-between" align="flex-start" gap="sm">
        <Title order={2} size="h4" id={id}>
          {title}
        </Title>
        {actions ? (
          <Group gap="xs" className="no-print">
            {actions}
          </Group>
        ) : null}
      </Group>
      {description ? (
        <Text size="sm" c="dimmed" mt={4} mb="sm" component="div">
          {description}
        </Text>
      ) : (
        <div style={{ height: 8 }} />
      )}
      {children}
    </Paper>
  );
}

/** Said when the model changed after the run: its figures may no longer hold. */
export function StaleWarning({ run, action }: { run: Run; action?: ReactNode }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (!run.stale) return null;
  return (
    <Alert color="yellow" title={t('runs.staleTitle')} role="status" mb="sm" data-testid="stale-warning">
      {t('runs.staleText', { version: run.modelVersion, date: format.dateTime(run.finishedAt ?? run.createdAt) })} {action}
    </Alert>
  );
}
