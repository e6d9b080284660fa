// Import and export: the BIA spreadsheet (CSV/XLSX, with its template) and the whole model (JSON).
import { Alert, Anchor, Button, FileInput, Group, List, Modal, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { LoadError, PageHeader, usePageTitle } from '../components/Page.js';
import { ProblemTable } from '../components/Problems.js';
import { NoImport, SheetUploadForm, SheetUploadOutcome, useSheetUpload } from '../components/SheetUpload.js';
import { useAbilities } from '../lib/abilities.js';
import { api, isApiError, orgPath } from '../lib/api.js';
import { errorSentence } from '../lib/problems.js';
import { invalidateOrganisation, keys, useFormat, useOrgId, useTotals } from '../lib/queries.js';

export default function Interchange() {
  const { t } = useTranslation();
  const org = useOrgId();
  // Everyone who reads the programme may export it; importing is the organisation's ability (GET /api/auth/me).
  const { can } = useAbilities(org);
  usePageTitle(t('exchange.title'));
  return (
    <Stack gap="lg">
      <PageHeader title={t('exchange.title')} description={t('exchange.description')} />
      <SpreadsheetSection canImport={can('activities', 'import')} />
      <RiskSheetSection canImport={can('risks', 'import')} />
      <ModelSection canImport={can('model', 'import')} />
    </Stack>
  );
}

function SpreadsheetSection({ canImport }: { canImport: boolean }) {
  const { t } = useTranslation();
  const org = useOrgId();
  const state = useSheetUpload<{ created: number; updated: number; modelVersion: number }>('/activities.sheet');
  const sheet = (format: 'csv' | 'xlsx') => orgPath(org, `/activities.sheet?format=${format}`);
  const template = (format: 'csv' | 'xlsx') => orgPath(org, `/activities.template?format=${format}`);

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="sheet-title">
      <Title order={2} size="h3" id="sheet-title">
        {t('exchange.sheetTitle')}
      </Title>
      <Text size="sm" c="dimmed" mt={4} mb="md">
        {t('exchange.sheetText')}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap="xs">
          <Title order={3} size="h5">
            {t('exchange.download')}
          </Title>
          <Group gap="xs">
            <Button component="a" href={sheet('xlsx')} download variant="default">
              {t('exchange.exportXlsx')}
            </Button>
            <Button component="a" href={sheet('csv')} download variant="default">
              {t('exchange.exportCsv')}
            </Button>
          </Group>
          <Text size="sm">
            {t('exchange.templateText')}{' '}
            <Anchor href={template('xlsx')} download>
              {t('exchange.templateXlsx')}
            </Anchor>
            {' · '}
            <Anchor href={template('csv')} download>
              {t('exchange.templateCsv')}
            </Anchor>
          </Text>
          <List size="xs" c="dimmed" spacing={2}>
            <List.Item>{t('exchange.formatLists')}</List.Item>
            <List.Item>{t('exchange.formatStaff')}</List.Item>
            <List.Item>{t('exchange.formatImpacts')}</List.Item>
          </List>
        </Stack>
        {canImport ? (
          <SheetUploadForm state={state} label={t('exchange.sheetFile')} description={t('exchange.sheetFileHelp')} submit={t('exchange.importSheet')} />
        ) : (
          <NoImport />
        )}
      </SimpleGrid>
      <SheetUploadOutcome
        state={state}
        done={t('exchange.sheetDone')}
        counts={(result) => t('exchange.sheetCounts', { created: result.created, updated: result.updated })}
      />
    </Paper>
  );
}

/** The risk register as a spreadsheet: export, and import with every refused row named by row and column. */
function RiskSheetSection({ canImport }: { canImport: boolean }) {
  const { t } = useTranslation();
  const org = useOrgId();
  const { hash } = useLocation();
  const state = useSheetUpload<{ created: number; updated: number; rerated: number }>('/risks.sheet');
  const sheet = (format: 'csv' | 'xlsx') => orgPath(org, `/risks.sheet?format=${format}`);
  // The risk register links here: show this section first.
  useEffect(() => {
    if (hash === '#risk-sheet-title') document.getElementById('risk-sheet-title')?.scrollIntoView({ block: 'start' });
  }, [hash]);

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="risk-sheet-title" style={{ scrollMarginTop: 72 }}>
      <Title order={2} size="h3" id="risk-sheet-title">
        {t('exchange.riskTitle')}
      </Title>
      <Text size="sm" c="dimmed" mt={4} mb="md">
        {t('exchange.riskText')}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap="xs">
          <Title order={3} size="h5">
            {t('exchange.download')}
          </Title>
          <Group gap="xs">
            <Button component="a" href={sheet('xlsx')} download variant="default">
              {t('exchange.riskExportXlsx')}
            </Button>
            <Button component="a" href={sheet('csv')} download variant="default">
              {t('exchange.riskExportCsv')}
            </Button>
          </Group>
          <List size="xs" c="dimmed" spacing={2}>
            <List.Item>{t('exchange.riskFormatAssets')}</List.Item>
            <List.Item>{t('exchange.riskFormatRatings')}</List.Item>
            <List.Item>{t('exchange.riskFormatTreatments')}</List.Item>
          </List>
        </Stack>
        {canImport ? (
          <SheetUploadForm state={state} label={t('exchange.riskFile')} description={t('exchange.riskFileHelp')} submit={t('exchange.riskImport')} />
        ) : (
          <NoImport />
        )}
      </SimpleGrid>
      <SheetUploadOutcome
        state={state}
        done={t('exchange.riskDone')}
        counts={(result) => t('exchange.riskCounts', { created: result.created, updated: result.updated, rerated: result.rerated })}
      />
    </Paper>
  );
}

interface ImportSummary {
  organisation: string;
  created: boolean;
  counts: Record<string, number>;
  modelVersion: number;
}

function ModelSection({ canImport }: { canImport: boolean }) {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const client = useQueryClient();
  const totals = useTotals(org);
  const [file, setFile] = useState<File | null>(null);
  const [parsed, setParsed] = useState<{ document: unknown; counts: Record<string, number> } | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const replace = useMutation({
    mutationFn: (document: unknown) => api<ImportSummary>(orgPath(org, '/model'), { method: 'PUT', body: document }),
    onSuccess: async () => {
      setParsed(null);
      await invalidateOrganisation(client, org);
      await client.invalidateQueries({ queryKey: keys.orgs });
    },
    onError: () => setParsed(null),
  });
  const error = isApiError(replace.error) ? replace.error : undefined;

  const read = async () => {
    if (!file) return;
    setReadError(null);
    replace.reset();
    try {
      const document = JSON.parse(await file.text()) as Record<string, unknown>;
      const counts = Object.fromEntries(
        ['sites', 'pools', 'applications', 'suppliers', 'activities', 'strategies'].map((collection) => [
          collection,
          Array.isArray(document?.[collection]) ? (document[collection] as unknown[]).length : 0,
        ]),
      );
      setParsed({ document, counts });
    } catch (failure) {
      setReadError(t('exchange.notJson', { message: (failure as Error).message }));
    }
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="model-title">
      <Title order={2} size="h3" id="model-title">
        {t('exchange.modelTitle')}
      </Title>
      <Text size="sm" c="dimmed" mt={4} mb="md">
        {t('exchange.modelText')}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap="xs">
          <Title order={3} size="h5">
            {t('exchange.download')}
          </Title>
          <Group>
            <Button component="a" href={orgPath(org, '/model')} download={`${org}-model.json`} variant="default">
              {t('exchange.exportJson')}
            </Button>
          </Group>
        </Stack>
        {canImport ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void read();
            }}
          >
            <Stack gap="xs">
              <Title order={3} size="h5">
                {t('exchange.upload')}
              </Title>
              <FileInput
                label={t('exchange.modelFile')}
                description={t('exchange.modelFileHelp')}
                placeholder={t('exchange.chooseFile')}
                accept=".json,application/json"
                value={file}
                onChange={(next) => {
                  setFile(next);
                  setReadError(null);
                  replace.reset();
                }}
                error={readError}
                clearable
              />
              <Group>
                <Button type="submit" disabled={!file} loading={replace.isPending} color="red" variant="outline">
                  {t('exchange.importModel')}
                </Button>
              </Group>
            </Stack>
          </form>
        ) : (
          <NoImport />
        )}
      </SimpleGrid>
      <div aria-live="polite">
        {replace.isSuccess ? (
          <Alert color="teal" mt="md" title={t('exchange.modelDone')} role="status">
            {Object.entries(replace.data.counts)
              .map(([collection, count]) => `${t(`collections.${collection}.title`)}: ${format.number(count)}`)
              .join(' · ')}
          </Alert>
        ) : null}
        {replace.error ? (
          <Stack mt="md" gap="xs">
            <Alert color="red" title={t('exchange.modelRefused', { count: error?.details.length ?? 0 })} role="alert">
              {errorSentence(replace.error, t)} {t('exchange.nothingImported')}
            </Alert>
            {error && error.details.length > 0 ? <ProblemTable problems={error.details} caption={t('exchange.problemsCaption')} /> : null}
          </Stack>
        ) : null}
      </div>
      <Modal opened={parsed !== null && canImport} onClose={() => setParsed(null)} title={t('exchange.confirmTitle')}>
        <Text size="sm">{t('exchange.confirmText', { org })}</Text>
        {parsed ? (
          <List size="sm" mt="xs">
            {Object.entries(parsed.counts).map(([collection, count]) => (
              <List.Item key={collection}>
                {t(`collections.${collection}.title`)}: {format.number(totals.data?.[collection as keyof typeof totals.data])} → {format.number(count)}
              </List.Item>
            ))}
          </List>
        ) : null}
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setParsed(null)}>
            {t('common.cancel')}
          </Button>
          <Button color="red" onClick={() => parsed && replace.mutate(parsed.document)} loading={replace.isPending}>
            {t('exchange.confirmReplace')}
          </Button>
        </Group>
      </Modal>
      {totals.isError ? <LoadError error={totals.error} /> : null}
    </Paper>
  );
}
