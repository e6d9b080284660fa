// One scenario: what it disrupts; simulate it (timeline, causes, pool demand, export); measure the uncertainty
// (Monte Carlo); get the cheapest strategies (recommendation); its runs; and the editor.
import { Alert, Anchor, Breadcrumbs, Button, Group, List, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { OrganisationModel } from '@shared/model/organisation.js';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { MonteCarloPanel } from '../components/scenario/MonteCarloPanel.js';
import { ResultSection, StaleWarning } from '../components/scenario/parts.js';
import { RecommendationPanel } from '../components/scenario/RecommendationPanel.js';
import { RunsHistory } from '../components/scenario/RunsHistory.js';
import { ScenarioEditor } from '../components/scenario/ScenarioEditor.js';
import { BreachTable, PoolDemand, Timeline, Totals, useTimeline } from '../components/scenario/SimulationResults.js';
import { allows, useAbilities } from '../lib/abilities.js';
import { api, isApiError, orgPath } from '../lib/api.js';
import { entityName, type Translate } from '../lib/format.js';
import { errorSentence } from '../lib/problems.js';
import { useFormat, useLanguage, useModel, useOrgId } from '../lib/queries.js';
import { ReportButton } from '../components/ReportButton.js';
import { useAllRisks } from '../lib/risk-queries.js';
import { scenarioKeys, useNameOf, useRun, useRuns, useScenario, useScenarios } from '../lib/scenario-queries.js';
import { describeDisruption, download, resultCsv, type NameOf, type Run, type SimulationResult, type StoredScenario } from '../lib/scenarios.js';

const TABS = ['results', 'uncertainty', 'strategies', 'runs', 'edit'] as const;
type Tab = (typeof TABS)[number];

export default function ScenarioPage() {
  const org = useOrgId();
  const { id = '' } = useParams();
  const scenario = useScenario(org, id);
  const model = useModel(org);
  if (scenario.isError) return <LoadError error={scenario.error} />;
  if (model.isError) return <LoadError error={model.error} />;
  if (!scenario.data || !model.data) return <Loading />;
  return <ScenarioView org={org} scenario={scenario.data} model={model.data} />;
}

/** Simulates the scenario now and opens the result. */
export function useSimulate(org: string, scenario: string) {
  const client = useQueryClient();
  const [, setParams] = useSearchParams();
  return useMutation({
    mutationFn: () => api<Run<SimulationResult>>(orgPath(org, `/scenarios/${encodeURIComponent(scenario)}/simulate`), { method: 'POST' }),
    onSuccess: (run) => {
      client.setQueryData(scenarioKeys.run(org, run.id), run);
      void client.invalidateQueries({ queryKey: scenarioKeys.runs(org) });
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          next.set('tab', 'results');
          next.set('run', run.id);
          return next;
        },
        { replace: true },
      );
    },
  });
}

function ScenarioView({ org, scenario, model }: { org: string; scenario: StoredScenario; model: OrganisationModel }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const scenarios = useScenarios(org);
  const risks = useAllRisks(org);
  const name = useNameOf(org);
  const simulate = useSimulate(org, scenario.id);
  // Starting runs is the organisation's ability (GET /api/auth/me); the scenario says whether it may be changed.
  const canRun = useAbilities(org).can('runs', 'create');
  const canEdit = allows(scenario, 'update');
  const tab: Tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as Tab) : 'results';
  const title = entityName(scenario, language);
  const base = `/orgs/${encodeURIComponent(org)}`;
  const description = scenario.descriptions?.[language] ?? scenario.description;
  const linked = (risks.data ?? []).filter((risk) => risk.scenarios.includes(scenario.id));
  const rto = (application: string) => model.applications.find((item) => item.id === application)?.rto;
  usePageTitle(title);

  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to={`${base}/scenarios`} size="sm">
          {t('scenarios.title')}
        </Anchor>
        <Text size="sm">{scenario.id}</Text>
      </Breadcrumbs>
      <PageHeader
        title={title}
        actions={
          <>
            <Button component={Link} to={`${base}/scenarios/${encodeURIComponent(scenario.id)}/report`} variant="default">
              {t('scenario.report')}
            </Button>
            <ReportButton org={org} ask={{ kind: 'committee', scenario: scenario.id }} label={t('reports.committeePack')} size="sm" />
            {canRun ? (
              <Button onClick={() => simulate.mutate()} loading={simulate.isPending}>
                {t('scenario.simulate')}
              </Button>
            ) : null}
          </>
        }
      />
      <Paper withBorder p="md" component="section" aria-labelledby="scenario-what">
        <Title order={2} size="h4" id="scenario-what" className="visually-hidden">
          {t('scenario.what')}
        </Title>
        {description ? (
          <Text size="sm" maw={900}>
            {description}
          </Text>
        ) : null}
        <List size="sm" mt="xs" spacing={2}>
          {scenario.disruptions.map((disruption, index) => (
            <List.Item key={index}>{describeDisruption(disruption, t as Translate, format, name, rto)}</List.Item>
          ))}
          {scenario.activate.map((activation, index) => (
            <List.Item key={`a${index}`}>
              {t('scenario.activation', { strategy: name('strategies', activation.strategy), at: format.duration(activation.at) })}
            </List.Item>
          ))}
        </List>
        <Text size="xs" c="dimmed" mt="xs">
          {t('scenario.horizon', { horizon: format.durationLong(scenario.horizon) })}
          {scenario.frequency !== undefined
            ? ` · ${t('scenario.frequency', { frequency: format.number(scenario.frequency, 4), years: scenario.frequency > 0 ? format.number(1 / scenario.frequency, 0) : '∞' })}`
            : ''}
          {linked.length > 0 ? ` · ${t('scenario.risks')} ` : ''}
          {linked.map((risk, index) => (
            <span key={risk.id}>
              {index > 0 ? ', ' : ''}
              <Anchor component={Link} to={`${base}/risks/${encodeURIComponent(risk.id)}`} size="xs">
                {entityName({ id: risk.id, name: risk.title, names: risk.names }, language)}
              </Anchor>
            </span>
          ))}
        </Text>
      </Paper>
      {simulate.error ? (
        <Alert color="red" title={t('scenario.simulateRefused')} role="alert">
          {errorSentence(simulate.error, t)}
          {isApiError(simulate.error) && simulate.error.details.length ? (
            <List size="sm" mt="xs">
              {simulate.error.details.map((problem, index) => (
                <List.Item key={index}>
                  <code>{problem.path}</code> {problem.message}
                </List.Item>
              ))}
            </List>
          ) : null}
        </Alert>
      ) : null}
      <Tabs
        value={tab}
        onChange={(next) =>
          setParams((current) => {
            const updated = new URLSearchParams(current);
            updated.set('tab', next ?? 'results');
            return updated;
          })
        }
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="results">{t('scenario.tabs.results')}</Tabs.Tab>
          <Tabs.Tab value="uncertainty">{t('scenario.tabs.uncertainty')}</Tabs.Tab>
          <Tabs.Tab value="strategies">{t('scenario.tabs.strategies')}</Tabs.Tab>
          <Tabs.Tab value="runs">{t('scenario.tabs.runs')}</Tabs.Tab>
          <Tabs.Tab value="edit">{canEdit ? t('scenario.tabs.edit') : t('scenario.tabs.definition')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="results" pt="md">
          <SimulationPanel
            org={org}
            scenario={scenario}
            model={model}
            name={name}
            onSimulate={canRun ? () => simulate.mutate() : undefined}
            simulating={simulate.isPending}
          />
        </Tabs.Panel>
        <Tabs.Panel value="uncertainty" pt="md">
          <MonteCarloPanel org={org} scenario={scenario} model={model} name={name} canRun={canRun} />
        </Tabs.Panel>
        <Tabs.Panel value="strategies" pt="md">
          <RecommendationPanel org={org} scenario={scenario} scenarios={scenarios.data?.items ?? [scenario]} model={model} name={name} canRun={canRun} />
        </Tabs.Panel>
        <Tabs.Panel value="runs" pt="md">
          <RunsHistory org={org} scenario={scenario.id} />
        </Tabs.Panel>
        <Tabs.Panel value="edit" pt="md">
          <ScenarioEditor key={scenario.id} org={org} saved={scenario} editable={canEdit} deletable={allows(scenario, 'delete')} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

/** The latest simulation; `onSimulate` is left out when the caller may not start runs. */
function SimulationPanel({
  org,
  scenario,
  model,
  name,
  onSimulate,
  simulating,
}: {
  org: string;
  scenario: StoredScenario;
  model: OrganisationModel;
  name: NameOf;
  onSimulate?: () => void;
  simulating: boolean;
}) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const runs = useRuns(org, scenario.id);
  const chosen = params.get('run') ?? runs.data?.items.find((run) => run.kind === 'simulation' && run.status === 'done')?.id ?? null;
  const run = useRun<SimulationResult>(org, chosen);
  if (run.isError) return <LoadError error={run.error} />;
  if (!chosen && runs.isPending) return <Loading />;
  if (!chosen)
    return (
      <Paper withBorder p="xl">
        <Stack align="center" gap="sm">
          <Text fw={600}>{t('results.notYetTitle')}</Text>
          <Text size="sm" ta="center" maw={600}>
            {onSimulate ? t('results.notYetText') : t('abilities.cannotRun')}
          </Text>
          {onSimulate ? (
            <Button onClick={onSimulate} loading={simulating}>
              {t('scenario.simulate')}
            </Button>
          ) : null}
        </Stack>
      </Paper>
    );
  if (!run.data?.result) return <Loading />;
  return (
    <SimulationView
      org={org}
      scenario={scenario}
      model={model}
      name={name}
      run={run.data as Run<SimulationResult>}
      onSimulate={onSimulate}
      simulating={simulating}
    />
  );
}

export function SimulationView({
  org,
  scenario,
  model,
  name,
  run,
  onSimulate,
  simulating,
  printable = false,
}: {
  org: string;
  scenario: StoredScenario;
  model: OrganisationModel;
  name: NameOf;
  run: Run<SimulationResult>;
  onSimulate?: () => void;
  simulating?: boolean;
  printable?: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const language = useLanguage();
  const result = run.result!;
  const { horizon, rows, cause } = useTimeline(result, model, scenario, name);
  const base = `/orgs/${encodeURIComponent(org)}`;
  const file = `${scenario.id}-${(run.finishedAt ?? run.createdAt).slice(0, 10)}`;
  const disruptedOnly = rows.filter((row) => row.result.disruptedHours > 0 && !row.result.mtpdBreached).length;
  return (
    <Stack gap="md">
      <Group justify="space-between" align="center">
        <Text size="sm" c="dimmed">
          {t('results.ranOn', { date: format.dateTime(run.finishedAt ?? run.createdAt), version: run.modelVersion })}
        </Text>
        {!printable ? (
          <Group gap="xs" className="no-print">
            <Button size="xs" variant="default" onClick={() => download(`${file}.csv`, resultCsv(rows, name, cause, t as Translate), 'text/csv;charset=utf-8')}>
              {t('results.downloadCsv')}
            </Button>
            <Button
              size="xs"
              variant="default"
              onClick={() =>
                download(
                  `${file}.json`,
                  JSON.stringify(
                    {
                      scenario: { id: scenario.id, name: entityName(scenario, language) },
                      run: { id: run.id, modelVersion: run.modelVersion, finishedAt: run.finishedAt, stale: run.stale },
                      result,
                    },
                    null,
                    2,
                  ),
                  'application/json',
                )
              }
            >
              {t('results.downloadJson')}
            </Button>
            <Button size="xs" variant="default" component={Link} to={`${base}/scenarios/${encodeURIComponent(scenario.id)}/report?run=${run.id}`}>
              {t('scenario.report')}
            </Button>
          </Group>
        ) : null}
      </Group>
      <StaleWarning
        run={run}
        action={
          onSimulate ? (
            <Button size="xs" variant="white" onClick={onSimulate} loading={simulating}>
              {t('results.simulateAgain')}
            </Button>
          ) : null
        }
      />
      <Totals result={result} rows={rows} model={model} />
      <ResultSection id="timeline" title={t('timeline.title')} description={t('timeline.description')}>
        <Timeline rows={rows} horizon={horizon} name={name} cause={cause} />
      </ResultSection>
      <ResultSection id="breaches" title={t('results.breachesTitle', { count: result.breached })} description={t('results.breachesText')}>
        <BreachTable org={org} rows={rows} name={name} cause={cause} caption={t('results.breachesTitle', { count: result.breached })} />
        {disruptedOnly > 0 ? (
          printable ? null : (
            <details style={{ marginTop: 12 }}>
              <summary style={{ cursor: 'pointer', fontWeight: 600, fontSize: 14 }}>{t('results.disruptedWithin', { count: disruptedOnly })}</summary>
              <div style={{ marginTop: 8 }}>
                <BreachTable
                  org={org}
                  rows={rows.filter((row) => !row.result.mtpdBreached)}
                  name={name}
                  cause={cause}
                  all
                  caption={t('results.disruptedWithin', { count: disruptedOnly })}
                />
              </div>
            </details>
          )
        ) : null}
      </ResultSection>
      <ResultSection id="pools" title={t('pools.title')} description={t('pools.description')}>
        <PoolDemand result={result} name={name} />
      </ResultSection>
    </Stack>
  );
}
