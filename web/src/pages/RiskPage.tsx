// One risk: its ratings and band, the form to change it, and its rating history.
import { Alert, Anchor, Breadcrumbs, Button, Group, Modal, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LeaveDialog, SaveBar, useLeaveGuard } from '../components/EditorChrome.js';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { EChart } from '../components/EChart.js';
import { Editable, ReadOnlyNotice } from '../components/Editable.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { ProblemSummary } from '../components/Problems.js';
import { BandBadge } from '../components/risk/BandBadge.js';
import { RISK_FIELDS, RiskForm } from '../components/risk/RiskForm.js';
import { allows } from '../lib/abilities.js';
import { api, isApiError, orgPath } from '../lib/api.js';
import { canonical } from '../lib/equal.js';
import { entityName } from '../lib/format.js';
import { errorSentence, groupByField, unclaimedProblems, type FieldProblems } from '../lib/problems.js';
import { invalidateOrganisation, useFormat, useLanguage, useOrgId } from '../lib/queries.js';
import { riskKeys, useRisk, useRiskHistory, useRiskMatrix, useThreats } from '../lib/risk-queries.js';
import {
  bandById,
  familyName,
  toRiskBody,
  toRiskDraft,
  type RiskDraft,
  type RiskHistory,
  type RiskMatrix,
  type RiskView,
  type ThreatList,
} from '../lib/risks.js';

const loadLine = () => import('../charts/line.js');

export default function RiskPage() {
  const org = useOrgId();
  const { id = '' } = useParams();
  const risk = useRisk(org, id);
  const matrix = useRiskMatrix(org);
  const threats = useThreats(org);
  if (risk.isError) return <LoadError error={risk.error} />;
  if (matrix.isError) return <LoadError error={matrix.error} />;
  if (!risk.data || !matrix.data) return <Loading />;
  return <RiskEditor key={risk.data.id} org={org} saved={risk.data} matrix={matrix.data} threats={threats.data} />;
}

function RiskEditor({ org, saved, matrix, threats }: { org: string; saved: RiskView; matrix: RiskMatrix; threats: ThreatList | undefined }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const format = useFormat();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [draft, setDraft] = useState<RiskDraft>(() => toRiskDraft(saved));
  const [deleting, setDeleting] = useState(false);
  const baseline = useMemo(() => canonical(toRiskBody(toRiskDraft(saved))), [saved]);
  const dirty = canonical(toRiskBody(draft)) !== baseline;
  const title = entityName({ id: saved.id, name: saved.title, names: saved.names }, language);
  const base = `/orgs/${encodeURIComponent(org)}`;
  // What the server lets the caller do to this risk.
  const editable = allows(saved, 'update');
  const deletable = allows(saved, 'delete');
  const change = (next: RiskDraft) => {
    if (editable) setDraft(next);
  };
  usePageTitle(title);

  const save = useMutation({
    mutationFn: () => api<RiskView>(orgPath(org, `/risks/${encodeURIComponent(saved.id)}`), { method: 'PUT', body: toRiskBody(draft) }),
    onSuccess: async (response) => {
      client.setQueryData(riskKeys.one(org, response.id), response);
      setDraft(toRiskDraft(response));
      await invalidateOrganisation(client, org);
      if (response.id !== saved.id) navigate(`${base}/risks/${encodeURIComponent(response.id)}`, { replace: true });
    },
  });
  const remove = useMutation({
    mutationFn: () => api<void>(orgPath(org, `/risks/${encodeURIComponent(saved.id)}`), { method: 'DELETE' }),
    onSuccess: async () => {
      await invalidateOrganisation(client, org);
      navigate(`${base}/risks`, { replace: true });
    },
  });
  const problems: FieldProblems | undefined = isApiError(save.error) ? groupByField(save.error.details) : undefined;
  const rest = unclaimedProblems(problems, RISK_FIELDS);

  const blocker = useLeaveGuard(dirty && !save.isPending && !remove.isPending);
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const computed = saved.computed;
  return (
    <Stack gap="md" pb="md">
      <Breadcrumbs>
        <Anchor component={Link} to={`${base}/risks`} size="sm">
          {t('risks.title')}
        </Anchor>
        <Text size="sm">{saved.id}</Text>
      </Breadcrumbs>
      <PageHeader
        title={title}
        description={[
          familyName(threats?.families, computed.family, language),
          saved.owner ? t('activity.ownedBy', { owner: saved.owner }) : t('risks.noOwner'),
        ]
          .filter(Boolean)
          .join(' · ')}
        actions={
          deletable ? (
            <Button variant="default" color="red" onClick={() => setDeleting(true)}>
              {t('common.delete')}
            </Button>
          ) : undefined
        }
      />
      {!editable ? <ReadOnlyNotice /> : null}
      {params.get('created') === '1' ? (
        <Alert color="teal" role="status" withCloseButton onClose={() => setParams({}, { replace: true })}>
          {t('riskPage.created')}{' '}
          <Anchor component={Link} to={`${base}/risks/heatmap?rating=residual&cell=${computed.residual.likelihood}x${computed.residual.impact}`}>
            {t('riskPage.seeOnHeatmap')}
          </Anchor>
        </Alert>
      ) : null}
      <Paper
        withBorder
        p="md"
        component="section"
        aria-labelledby="risk-rating"
        style={{ borderLeft: `4px solid ${bandById(matrix, computed.residual.band)?.colour ?? '#868e96'}` }}
      >
        <Title order={2} size="h4" id="risk-rating">
          {t('riskPage.rating')}
        </Title>
        <Group gap="xl" mt="sm" align="flex-start">
          <Figure label={t('risks.inherent')}>
            <BandBadge matrix={matrix} rated={computed.inherent} />
          </Figure>
          <Figure label={t('risks.residual')}>
            <BandBadge matrix={matrix} rated={computed.residual} />
          </Figure>
          <Figure label={t('riskPage.target')}>
            <BandBadge matrix={matrix} rated={computed.target} />
          </Figure>
        </Group>
        <Text size="sm" mt="sm" data-testid="risk-appetite">
          {computed.treatmentRequired ? t('riskPage.treatmentRequired') : computed.aboveAppetite ? t('riskPage.aboveAppetite') : t('riskPage.withinAppetite')}
        </Text>
        <Group gap="md" mt={6}>
          <Anchor component={Link} to={`${base}/risks/heatmap?cell=${computed.residual.likelihood}x${computed.residual.impact}`} size="sm">
            {t('riskPage.seeOnHeatmap')}
          </Anchor>
          {computed.assessedAt ? (
            <Text size="xs" c="dimmed">
              {t('riskPage.assessed', { date: format.dateTime(computed.assessedAt), by: computed.assessedBy ?? t('riskPage.someone') })}
            </Text>
          ) : null}
        </Group>
      </Paper>

      {save.error ? <ProblemSummary title={t('form.refused')} message={errorSentence(save.error, t)} problems={rest} /> : null}
      {save.isSuccess && !dirty ? (
        <Alert color="teal" role="status" withCloseButton onClose={() => save.reset()}>
          {t('riskPage.saved')}
        </Alert>
      ) : null}

      <Editable editable={editable}>
        <RiskForm org={org} matrix={matrix} threats={threats} draft={draft} onChange={change} problems={problems} />
      </Editable>

      <History org={org} id={saved.id} matrix={matrix} />

      {editable ? <SaveBar dirty={dirty} saving={save.isPending} onDiscard={() => setDraft(toRiskDraft(saved))} onSave={() => save.mutate()} /> : null}

      <LeaveDialog blocker={blocker} text={t('riskPage.leaveText')} />
      <Modal opened={deleting && deletable} onClose={() => setDeleting(false)} title={t('delete.title', { name: title })}>
        <Text size="sm">{t('riskPage.deleteText', { name: title })}</Text>
        {remove.error ? (
          <Alert color="red" mt="sm" role="alert">
            {errorSentence(remove.error, t)}
          </Alert>
        ) : null}
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setDeleting(false)}>
            {t('common.cancel')}
          </Button>
          <Button color="red" onClick={() => remove.mutate()} loading={remove.isPending}>
            {t('common.delete')}
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" mb={4}>
        {label}
      </Text>
      {children}
    </div>
  );
}

/** Assessments over time: a small chart of the two scores and the table of each assessment. */
function History({ org, id, matrix }: { org: string; id: string; matrix: RiskMatrix }) {
  const { t } = useTranslation();
  const format = useFormat();
  const history = useRiskHistory(org, id);
  const items = history.data?.items ?? [];
  const option = useMemo(() => historyOption(items, matrix, t as never, format.dateTime), [items, matrix, t, format]);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="risk-history">
      <Title order={2} size="h4" id="risk-history">
        {t('riskPage.history')}
      </Title>
      <Text size="sm" c="dimmed" mt={4} mb="sm">
        {t('riskPage.historyHelp')}
      </Text>
      {history.isError ? <LoadError error={history.error} /> : null}
      {history.isPending ? (
        <Loading />
      ) : (
        <>
          {items.length > 1 ? <EChart load={loadLine} option={option} height={200} label={t('riskPage.historyChart')} /> : null}
          <Table.ScrollContainer minWidth={560}>
            <Table striped withTableBorder mt="sm" aria-label={t('riskPage.history')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('riskPage.when')}</Table.Th>
                  <Table.Th>{t('riskPage.why')}</Table.Th>
                  <Table.Th>{t('riskPage.who')}</Table.Th>
                  <Table.Th>{t('risks.inherent')}</Table.Th>
                  <Table.Th>{t('risks.residual')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...items].reverse().map((item) => (
                  <Table.Tr key={item.seq}>
                    <Table.Td>{format.dateTime(item.at)}</Table.Td>
                    <Table.Td>{t(`historyReasons.${item.reason}`)}</Table.Td>
                    <Table.Td>{item.by ?? '—'}</Table.Td>
                    <Table.Td>
                      <BandBadge matrix={matrix} rated={item.inherent} compact />
                    </Table.Td>
                    <Table.Td>
                      <BandBadge matrix={matrix} rated={item.residual} compact />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Paper>
  );
}

function historyOption(items: RiskHistory['items'], matrix: RiskMatrix, t: (key: string) => string, date: (iso: string) => string) {
  const max = matrix.likelihood.length * matrix.impact.length;
  return {
    aria: { enabled: true },
    animation: false,
    color: ['#1864ab', '#c2255c'],
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, textStyle: { color: '#1a1b1e' } },
    grid: { left: 40, right: 16, top: 16, bottom: 48 },
    xAxis: { type: 'category', data: items.map((item) => date(item.at)), axisLabel: { color: '#343a40' } },
    yAxis: { type: 'value', min: 0, max, axisLabel: { color: '#343a40' }, splitLine: { lineStyle: { color: '#e9ecef' } } },
    series: [
      { type: 'line', step: 'end', name: t('risks.inherent'), data: items.map((item) => item.inherent.score), symbolSize: 7 },
      { type: 'line', step: 'end', name: t('risks.residual'), data: items.map((item) => item.residual.score), symbolSize: 7 },
    ],
  };
}
