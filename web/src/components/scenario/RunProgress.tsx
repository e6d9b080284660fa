// A queued or running job: its progress bar (also read out), and a button to cancel it; its end state once over.
import { Alert, Button, Group, Progress, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { allows } from '../../lib/abilities.js';
import { api, orgPath } from '../../lib/api.js';
import { errorSentence } from '../../lib/problems.js';
import { useFormat } from '../../lib/queries.js';
import { scenarioKeys, TERMINAL_STATUSES } from '../../lib/scenario-queries.js';
import type { Run } from '../../lib/scenarios.js';

export function RunProgress({ org, run, label }: { org: string; run: Run; label: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => api<Run>(orgPath(org, `/runs/${encodeURIComponent(run.id)}/cancel`), { method: 'POST' }),
    onSuccess: (updated) => {
      client.setQueryData(scenarioKeys.run(org, run.id), updated);
      void client.invalidateQueries({ queryKey: scenarioKeys.runs(org) });
    },
  });
  const running = !TERMINAL_STATUSES.has(run.status);
  if (run.status === 'failed') {
    const error = run.error as { code?: string; message?: string } | null;
    return (
      <Alert color="red" title={t('runs.failedTitle')} role="alert">
        {error ? errorSentence(error, t) : t('runs.failedText')}
      </Alert>
    );
  }
  if (run.status === 'cancelled')
    return (
      <Alert color="gray" title={t('runs.cancelledTitle')} role="status">
        {t('runs.cancelledText', { progress: format.percent(run.progress) })}
      </Alert>
    );
  if (!running) return null;
  const percent = Math.round(run.progress * 1000) / 10;
  return (
    <Stack gap={6} role="status" aria-live="polite">
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          {run.status === 'queued' ? t('runs.queued', { label }) : t('runs.running', { label, progress: format.percent(run.progress) })}
        </Text>
        {allows(run, 'cancel') ? (
          <Button size="xs" variant="default" color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
            {t('runs.cancel')}
          </Button>
        ) : null}
      </Group>
      <Progress value={percent} size="lg" animated={run.status === 'running'} aria-label={t('runs.progressLabel', { label })} />
      {cancel.error ? (
        <Text size="sm" c="red.9">
          {errorSentence(cancel.error, t)}
        </Text>
      ) : null}
    </Stack>
  );
}
