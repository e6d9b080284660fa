// The report pack: request a report (kind, format, language and the kind's parameter), follow its generation and
// download it; the organisation's reports, newest first. Controls follow the server's abilities.
import { Alert, Anchor, Badge, Button, EmptyState, Group, NativeSelect, Paper, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ManagementReviewSummary } from '@shared/model/contract/assurance.js';
import type { ExerciseView } from '@shared/model/contract/exercises.js';
import type { ReportList } from '@shared/model/contract/reports.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { allows } from '../lib/abilities.js';
import { api, orgPath, type ListPage } from '../lib/api.js';
import { entityName } from '../lib/format.js';
import { errorSentence } from '../lib/problems.js';
import { useFormat, useLanguage, useOrgId } from '../lib/queries.js';
import { reportActive, useRequestReport, type ReportView } from '../lib/reports.js';
import { useScenarios } from '../lib/scenario-queries.js';

const KINDS = ['bia', 'riskRegister', 'exercise', 'committee', 'managementReview'] as const;
type Kind = (typeof KINDS)[number];
const DEFAULT_SCENARIO = 'pandemic-lockdown';

export default function Reports() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const list = useQuery({
    queryKey: ['reports', org, 'list'],
    queryFn: () => api<ReportList>(orgPath(org, '/reports?limit=50')),
    // Followed while one is being generated, so its line turns into a download by itself.
    refetchInterval: (query) => (query.state.data?.items.some(reportActive) ? 1000 : false),
  });
  usePageTitle(t('reports.title'));
  if (list.isError) return <LoadError error={list.error} />;
  return (
    <Stack gap="md">
      <PageHeader title={t('reports.title')} description={t('reports.description')} />
      {allows(list.data, 'create') ? <RequestForm org={org} /> : null}
      {!list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Paper withBorder p="xl">
          <EmptyState title={t('reports.emptyTitle')} description={allows(list.data, 'create') ? t('reports.emptyText') : t('abilities.nothingYet')} />
        </Paper>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped withTableBorder aria-label={t('reports.list')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('reports.report')}</Table.Th>
                <Table.Th>{t('reports.format')}</Table.Th>
                <Table.Th>{t('reports.requested')}</Table.Th>
                <Table.Th>{t('reports.status')}</Table.Th>
                <Table.Th>{t('reports.file')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((report) => (
                <Table.Tr key={report.id} data-report={report.id}>
                  <Table.Td>
                    <Text fw={600}>{report.title ?? t(`reports.kinds.${report.kind}`)}</Text>
                    <Text size="xs" c="dimmed">
                      {t(`reports.kinds.${report.kind}`)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {report.format.toUpperCase()} · {report.lang.toUpperCase()}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{format.dateTime(report.createdAt)}</Text>
                    <Text size="xs" c="dimmed">
                      {report.createdBy ?? ''}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Status report={report} />
                  </Table.Td>
                  <Table.Td>
                    {report.download ? (
                      <Anchor href={report.download} download={report.fileName ?? undefined}>
                        {t('reports.download', { name: report.fileName, size: format.number((report.size ?? 0) / 1024, 0) })}
                      </Anchor>
                    ) : report.status === 'done' ? (
                      <Text size="sm" c="dimmed">
                        {t('reports.deleted')}
                      </Text>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function Status({ report }: { report: ReportView }) {
  const { t } = useTranslation();
  const colour = { queued: 'gray', running: 'blue', done: 'green', failed: 'red' }[report.status];
  return (
    <Stack gap={2}>
      <Badge color={colour} variant="light" tt="none">
        {t(`reports.statuses.${report.status}`)}
      </Badge>
      {report.error ? (
        <Text size="xs" c="red.8">
          {report.error.message}
        </Text>
      ) : null}
    </Stack>
  );
}

function RequestForm({ org }: { org: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const language = useLanguage();
  const [kind, setKind] = useState<Kind>('bia');
  const [fileFormat, setFileFormat] = useState<'pdf' | 'xlsx'>('pdf');
  const [lang, setLang] = useState<'en' | 'fr'>(language);
  const [exercise, setExercise] = useState('');
  const [scenario, setScenario] = useState(DEFAULT_SCENARIO);
  const [review, setReview] = useState('');
  const reviews = useQuery({
    queryKey: ['management-reviews', org],
    queryFn: () => api<ListPage<ManagementReviewSummary>>(orgPath(org, '/management-reviews')),
    enabled: kind === 'managementReview',
  });
  const exercises = useQuery({
    queryKey: ['exercises', org],
    queryFn: () => api<ListPage<ExerciseView>>(orgPath(org, '/exercises')),
    enabled: kind === 'exercise',
  });
  const scenarios = useScenarios(kind === 'committee' ? org : '');
  const request = useRequestReport(org);
  const params = kind === 'exercise' ? { exercise } : kind === 'committee' ? { scenario } : kind === 'managementReview' ? { review } : {};
  const missing = (kind === 'exercise' && !exercise) || (kind === 'managementReview' && !review);
  return (
    <Paper withBorder p="md">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          request.mutate({ kind, format: fileFormat, lang, ...params } as Parameters<typeof request.mutate>[0]);
        }}
      >
        <Group align="flex-end" gap="sm">
          <NativeSelect
            label={t('reports.kind')}
            value={kind}
            onChange={(event) => setKind(event.currentTarget.value as Kind)}
            data={KINDS.map((value) => ({ value, label: t(`reports.kinds.${value}`) }))}
          />
          {kind === 'exercise' ? (
            <NativeSelect
              label={t('reports.exercise')}
              value={exercise}
              onChange={(event) => setExercise(event.currentTarget.value)}
              data={[
                { value: '', label: t('reports.chooseExercise') },
                ...(exercises.data?.items ?? []).map((item) => ({ value: item.id, label: `${item.title} (${t(`exercises.statuses.${item.status}`)})` })),
              ]}
            />
          ) : null}
          {kind === 'managementReview' ? (
            <NativeSelect
              label={t('reports.review')}
              value={review}
              onChange={(event) => setReview(event.currentTarget.value)}
              data={[
                { value: '', label: t('reports.chooseReview') },
                ...(reviews.data?.items ?? []).map((item) => ({ value: item.id, label: `${item.title} (${format.date(item.heldOn)})` })),
              ]}
            />
          ) : null}
          {kind === 'committee' ? (
            <NativeSelect
              label={t('reports.scenario')}
              value={scenario}
              onChange={(event) => setScenario(event.currentTarget.value)}
              data={(scenarios.data?.items ?? [{ id: DEFAULT_SCENARIO, name: DEFAULT_SCENARIO }]).map((item) => ({
                value: item.id,
                label: entityName(item, language),
              }))}
            />
          ) : null}
          <NativeSelect
            label={t('reports.format')}
            value={fileFormat}
            onChange={(event) => setFileFormat(event.currentTarget.value as 'pdf' | 'xlsx')}
            data={[
              { value: 'pdf', label: t('reports.pdf') },
              { value: 'xlsx', label: t('reports.xlsx') },
            ]}
          />
          <NativeSelect
            label={t('reports.language')}
            value={lang}
            onChange={(event) => setLang(event.currentTarget.value as 'en' | 'fr')}
            data={[
              { value: 'en', label: 'English' },
              { value: 'fr', label: 'Français' },
            ]}
          />
          <Button type="submit" loading={request.isPending} disabled={missing}>
            {t('reports.generate')}
          </Button>
        </Group>
        {request.error ? (
          <Alert color="red" role="alert" mt="sm">
            {errorSentence(request.error, t)}
          </Alert>
        ) : null}
      </form>
    </Paper>
  );
}
