// Monte Carlo: many runs drawing the uncertain numbers; progress with cancel, then the probability of breach per
// activity and percentiles of its longest disruption; for one activity, the histogram of its longest disruption and
// how its probability of breach settles as runs accumulate (with a 95 % Wilson interval).
import { Alert, Anchor, Button, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { OrganisationModel } from '@shared/model/organisation.js';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { EChart } from '../EChart.js';
import { NumberField } from '../NumberField.js';
import { LoadError } from '../Page.js';
import { ProblemSummary } from '../Problems.js';
import { api, orgPath } from '../../lib/api.js';
import { errorSentence } from '../../lib/problems.js';
import { useFormat, useOrgId } from '../../lib/queries.js';
import { ExportMenu } from '../ExportMenu.js';
import { scenarioKeys, useRun, useRuns } from '../../lib/scenario-queries.js';
import { isUncertain, type MonteCarloResult, type NameOf, type Run, type StoredScenario } from '../../lib/scenarios.js';
import { ResultSection, StaleWarning } from './parts.js';
import { RunProgress } from './RunProgress.js';

const loadCharts = () => import('../../charts/scenario.js');
const loadDetailCharts = () => import('../../charts/montecarlo.js');

/** Starts a Monte Carlo run (only with `canRun`) and shows the latest one. */
export function MonteCarloPanel({
  org,
  scenario,
  model,
  name,
  canRun,
}: {
  org: string;
  scenario: StoredScenario;
  model: OrganisationModel;
  name: NameOf;
  canRun: boolean;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [runs, setRuns] = useState<number | ''>(10_000);
  const [seed, setSeed] = useState<number | ''>(1);
  const history = useRuns(org, scenario.id);
  const chosen = params.get('mc') ?? history.data?.items.find((run) => run.kind === 'montecarlo' && run.status !== 'failed')?.id ?? null;
  const run = useRun<MonteCarloResult>(org, chosen);
  const start = useMutation({
    mutationFn: () =>
      api<Run>(orgPath(org, '/runs'), {
        method: 'POST',
        body: { kind: 'montecarlo', scenario: scenario.id, ...(runs === '' ? {} : { runs }), seed: seed === '' ? 1 : seed },
      }),
    onSuccess: (created) => {
      client.setQueryData(scenarioKeys.run(org, created.id), created);
      void client.invalidateQueries({ queryKey: scenarioKeys.runs(org) });
      setParams((current) => {
        const next = new URLSearchParams(current);
        next.set('mc', created.id);
        return next;
      });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    start.mutate();
  };
  const busy = run.data ? run.data.status === 'queued' || run.data.status === 'running' : false;
  const uncertain = isUncertain(scenario);
  const base = `/orgs/${encodeURIComponent(org)}`;
  return (
    <Stack gap="md">
      <ResultSection id="mc-start" title={t('montecarlo.title')} description={t('montecarlo.description')}>
        {!uncertain && canRun ? (
          <Alert color="blue" mb="sm" role="status">
            {t('montecarlo.certain')}{' '}
            <Anchor component={Link} to={`${base}/scenarios/${encodeURIComponent(scenario.id)}?tab=edit`} size="sm">
              {t('montecarlo.certainLink')}
            </Anchor>
          </Alert>
        ) : null}
        {!canRun ? (
          <Text size="sm" c="dimmed">
            {t('abilities.cannotRun')}
          </Text>
        ) : null}
        {canRun ? (
          <form onSubmit={submit} noValidate>
            <Group align="flex-end" gap="sm">
              <NumberField
                label={t('montecarlo.runs')}
                description={t('montecarlo.runsHelp')}
                min={1}
                max={1_000_000}
                allowDecimal={false}
                value={runs}
                onChange={(value) => setRuns(value === '' ? '' : Number(value))}
                w={200}
              />
              <NumberField
                label={t('montecarlo.seed')}
                description={t('montecarlo.seedHelp')}
                min={0}
                allowDecimal={false}
                thousandSeparator=""
                value={seed}
                onChange={(value) => setSeed(value === '' ? '' : Number(value))}
                w={200}
              />
              <Button type="submit" loading={start.isPending} disabled={busy}>
                {t('montecarlo.start')}
              </Button>
            </Group>
          </form>
        ) : null}
        {start.error ? (
          <ProblemSummary title={t('runs.refused')} message={errorSentence(start.error, t)} problems={(start.error as { details?: [] }).details ?? []} />
        ) : null}
      </ResultSection>
      {run.isError ? <LoadError error={run.error} /> : null}
      {run.data ? (
        <>
          <RunProgress org={org} run={run.data} label={t('montecarlo.label')} />
          {run.data.status === 'done' && run.data.result ? <MonteCarloResultView run={run.data as Run<MonteCarloResult>} model={model} name={name} /> : null}
        </>
      ) : !chosen ? (
        <Paper withBorder p="md">
          <Text size="sm">{t('montecarlo.none')}</Text>
        </Paper>
      ) : null}
    </Stack>
  );
}

export function MonteCarloResultView({ run, model, name }: { run: Run<MonteCarloResult>; model: OrganisationModel; name: NameOf }) {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const result = run.result!;
  const mtpd = useMemo(() => new Map(model.activities.map((activity) => [activity.id, activity.mtpd])), [model]);
  const rows = useMemo(
    () => [...result.activities].sort((a, b) => b.breachProbability - a.breachProbability || b.longestDisruption.p99 - a.longestDisruption.p99),
    [result],
  );
  const atRisk = rows.filter((row) => row.breachProbability > 0);
  const shown = rows.filter((row) => row.breachProbability > 0 || row.longestDisruption.p99 > 0);
  const option = useMemo(
    () => ({
      aria: { enabled: true },
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (value: number) => format.percent(value / 100) },
      grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
      xAxis: {
        type: 'value',
        min: 0,
        max: 100,
        axisLabel: { color: '#343a40', formatter: (value: number) => format.percent(value / 100) },
        splitLine: { lineStyle: { color: '#e9ecef' } },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: atRisk.map((row) => name('activities', row.id)),
        axisLabel: { color: '#1a1b1e', width: 220, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          name: t('montecarlo.probability'),
          data: atRisk.map((row) => ({
            value: Math.round(row.breachProbability * 1000) / 10,
            itemStyle: { color: row.breachProbability >= 0.5 ? '#c92a2a' : row.breachProbability >= 0.1 ? '#e8590c' : '#f08c00' },
          })),
          label: { show: true, position: 'right', color: '#1a1b1e', formatter: (params: { value: number }) => format.percent(params.value / 100) },
        },
      ],
    }),
    [atRisk, name, t, format],
  );
  return (
    <ResultSection
      id="mc-result"
      title={t('montecarlo.resultTitle')}
      actions={<ExportMenu path={orgPath(org, `/runs/${run.id}/result.sheet`)} testId="export-montecarlo" />}
      description={t('montecarlo.resultText', { runs: format.number(result.runs), seed: result.seed, count: atRisk.length })}
    >
      <StaleWarning run={run} />
      {atRisk.length > 0 ? (
        <EChart
          load={loadCharts}
          option={option}
          height={Math.max(120, atRisk.length * 26 + 40)}
          label={t('montecarlo.chartLabel', { count: atRisk.length })}
        />
      ) : (
        <Text size="sm" fw={600} c="teal.9">
          {t('montecarlo.noBreach')}
        </Text>
      )}
      {shown.length > 0 ? (
        <Table.ScrollContainer minWidth={640}>
          <Table striped withTableBorder mt="sm" aria-label={t('montecarlo.tableLabel')} data-testid="montecarlo-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('graph.kinds.activity')}</Table.Th>
                <Table.Th className="num">{t('terms.mtpd.name')}</Table.Th>
                <Table.Th className="num">{t('montecarlo.probability')}</Table.Th>
                <Table.Th className="num">{t('montecarlo.p50')}</Table.Th>
                <Table.Th className="num">{t('montecarlo.p90')}</Table.Th>
                <Table.Th className="num">{t('montecarlo.p99')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((row) => (
                <Table.Tr key={row.id}>
                  <Table.Td>{name('activities', row.id)}</Table.Td>
                  <Table.Td className="num">{format.duration(mtpd.get(row.id))}</Table.Td>
                  <Table.Td className="num" fw={row.breachProbability > 0 ? 700 : undefined}>
                    {format.percent(row.breachProbability)}
                  </Table.Td>
                  <Table.Td className="num">{format.duration(row.longestDisruption.p50)}</Table.Td>
                  <Table.Td className="num">{format.duration(row.longestDisruption.p90)}</Table.Td>
                  <Table.Td className="num">{format.duration(row.longestDisruption.p99)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      <Text size="xs" c="dimmed" mt="xs">
        {t('montecarlo.untouched', { count: rows.length - shown.length })}
      </Text>
      {/* Results stored before histograms and convergence existed have neither. */}
      {shown.length > 0 && shown[0].histogram ? <MonteCarloDetail result={result} activities={shown} mtpd={mtpd} name={name} /> : null}
    </ResultSection>
  );
}

type MonteCarloActivity = MonteCarloResult['activities'][number];

/** One activity over the runs: the histogram of its longest disruption and the convergence of its probability of breach. */
function MonteCarloDetail({
  result,
  activities,
  mtpd,
  name,
}: {
  result: MonteCarloResult;
  activities: MonteCarloActivity[];
  mtpd: Map<string, number>;
  name: NameOf;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const [chosen, setChosen] = useState<string | null>(null);
  // By default the activity whose breach is the least certain (probability nearest 50 %): the most to learn from.
  const uncertainMost = useMemo(
    () => activities.reduce((best, item) => (Math.abs(item.breachProbability - 0.5) < Math.abs(best.breachProbability - 0.5) ? item : best)),
    [activities],
  );
  const activity = activities.find((item) => item.id === chosen) ?? uncertainMost;
  const limit = mtpd.get(activity.id) ?? Number.POSITIVE_INFINITY;
  const label = name('activities', activity.id);
  const histogram = useMemo(() => {
    const { binHours, runs } = activity.histogram;
    return {
      aria: { enabled: true },
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 16, top: 24, bottom: 24, containLabel: true },
      xAxis: {
        type: 'category',
        name: t('montecarlo.histogramAxis'),
        nameLocation: 'middle',
        nameGap: 28,
        data: runs.map((_, bin) => (binHours === 1 ? format.duration(bin) : `${format.duration(bin * binHours)} – ${format.duration((bin + 1) * binHours)}`)),
        axisLabel: { color: '#343a40' },
      },
      yAxis: { type: 'value', name: t('montecarlo.histogramRuns'), axisLabel: { color: '#343a40' }, splitLine: { lineStyle: { color: '#e9ecef' } } },
      series: [
        {
          type: 'bar',
          name: t('montecarlo.histogramRuns'),
          barCategoryGap: '8%',
          // Bins wholly beyond the MTPD are runs that breach it.
          data: runs.map((count, bin) => ({ value: count, itemStyle: { color: bin * binHours > limit ? '#c92a2a' : '#1971c2' } })),
        },
      ],
    };
  }, [activity, limit, t, format]);
  const convergence = useMemo(() => {
    const points = activity.convergence;
    const percent = (value: number) => Math.round(value * 10000) / 100;
    return {
      aria: { enabled: true },
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: (value: number) => format.percent(value / 100) },
      legend: { top: 0, data: [t('montecarlo.convergenceEstimate'), t('montecarlo.convergenceInterval')] },
      grid: { left: 8, right: 24, top: 32, bottom: 24, containLabel: true },
      xAxis: {
        type: 'log',
        name: t('montecarlo.convergenceRuns'),
        nameLocation: 'middle',
        nameGap: 28,
        min: 1,
        max: result.runs,
        axisLabel: { color: '#343a40', formatter: (value: number) => format.number(value) },
      },
      yAxis: {
        type: 'value',
        min: 0,
        max: 100,
        axisLabel: { color: '#343a40', formatter: (value: number) => format.percent(value / 100) },
        splitLine: { lineStyle: { color: '#e9ecef' } },
      },
      series: [
        // The interval as a band: its low end (invisible), then its width stacked on top.
        {
          type: 'line',
          name: 'low',
          stack: 'interval',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          tooltip: { show: false },
          data: points.map((p) => [p.runs, percent(p.low)]),
        },
        {
          type: 'line',
          name: t('montecarlo.convergenceInterval'),
          stack: 'interval',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          areaStyle: { color: 'rgba(25, 113, 194, 0.18)' },
          itemStyle: { color: 'rgba(25, 113, 194, 0.35)' },
          data: points.map((p) => [p.runs, percent(p.high - p.low)]),
        },
        {
          type: 'line',
          name: t('montecarlo.convergenceEstimate'),
          symbolSize: 5,
          itemStyle: { color: '#c92a2a' },
          data: points.map((p) => [p.runs, percent(p.breachProbability)]),
        },
      ],
    };
  }, [activity, result.runs, t, format]);
  const last = activity.convergence.at(-1);
  return (
    <Stack gap="xs" mt="lg" data-testid="montecarlo-detail">
      <Group align="flex-end" justify="space-between">
        <Title order={4}>{t('montecarlo.detailTitle')}</Title>
        <Select
          label={t('montecarlo.detailActivity')}
          data={activities.map((item) => ({ value: item.id, label: name('activities', item.id) }))}
          value={activity.id}
          onChange={setChosen}
          allowDeselect={false}
          w={320}
        />
      </Group>
      <Text size="sm" fw={600}>
        {t('montecarlo.histogramTitle', { name: label })}
      </Text>
      <div data-testid="montecarlo-histogram">
        <EChart
          load={loadDetailCharts}
          option={histogram}
          height={240}
          label={t('montecarlo.histogramLabel', { name: label, runs: format.number(result.runs), mtpd: format.duration(mtpd.get(activity.id)) })}
        />
      </div>
      {last ? (
        <>
          <Text size="sm" fw={600}>
            {t('montecarlo.convergenceTitle')}
          </Text>
          <div data-testid="montecarlo-convergence">
            <EChart
              load={loadDetailCharts}
              option={convergence}
              height={240}
              label={t('montecarlo.convergenceLabel', { name: label, runs: format.number(result.runs) })}
            />
          </div>
          <Text size="sm">
            {t('montecarlo.convergenceText', {
              runs: format.number(last.runs),
              probability: format.percent(last.breachProbability),
              low: format.percent(last.low),
              high: format.percent(last.high),
            })}
          </Text>
        </>
      ) : null}
    </Stack>
  );
}
