// A button that has the server generate one report (PDF or XLSX, in the interface language), shows its progress and
// then its download link: on the exercise and scenario pages. Shown only to those the server lets generate it.
import { Alert, Anchor, Button, Group, Loader, Menu, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAbilities } from '../lib/abilities.js';
import { errorSentence } from '../lib/problems.js';
import { useFormat, useLanguage } from '../lib/queries.js';
import { reportActive, useReport, useRequestReport, type ReportAsk } from '../lib/reports.js';

export function ReportButton({ org, ask, label, size = 'xs' }: { org: string; ask: ReportAsk; label: string; size?: 'xs' | 'sm' }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const format = useFormat();
  const { can } = useAbilities(org);
  const [id, setId] = useState<string | null>(null);
  const request = useRequestReport(org);
  const report = useReport(org, id);
  if (!can('reports', 'create')) return null;
  const generate = (fileFormat: 'pdf' | 'xlsx') =>
    request.mutate({ ...ask, format: fileFormat, lang: language } as Parameters<typeof request.mutate>[0], { onSuccess: (accepted) => setId(accepted.id) });
  const busy = request.isPending || (id !== null && (reportActive(report.data) || !report.data));
  return (
    <Group gap="xs" wrap="nowrap">
      <Menu position="bottom-start">
        <Menu.Target>
          <Button size={size} variant="default" loading={busy}>
            {label}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => generate('pdf')}>{t('reports.asPdf')}</Menu.Item>
          <Menu.Item onClick={() => generate('xlsx')}>{t('reports.asXlsx')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {busy ? (
        <Group gap={4} wrap="nowrap">
          <Loader size="xs" />
          <Text size="xs" c="dimmed" role="status">
            {t('reports.generating')}
          </Text>
        </Group>
      ) : null}
      {report.data?.status === 'done' && report.data.download ? (
        <Anchor size="sm" href={report.data.download} download={report.data.fileName ?? undefined}>
          {t('reports.download', { name: report.data.fileName, size: format.number((report.data.size ?? 0) / 1024, 0) })}
        </Anchor>
      ) : null}
      {report.data?.status === 'failed' ? (
        <Text size="xs" c="red.8" role="alert">
          {report.data.error?.message ?? t('reports.failed')}
        </Text>
      ) : null}
      {request.error ? (
        <Alert color="red" role="alert" p="xs">
          {errorSentence(request.error, t)}
        </Alert>
      ) : null}
    </Group>
  );
}
