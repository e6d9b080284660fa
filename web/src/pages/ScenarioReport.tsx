// A printable report of a scenario for the executive committee: what happens, what breaks and why, how likely,
// and what to buy. The browser's print (or "save as PDF") gives the document; the navigation is not printed.
import { Anchor, Breadcrumbs, Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import type { OrganisationModel } from '@shared/model/organisation.js';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { LoadError, Loading, usePageTitle } from '../components/Page.js';
import { MonteCarloResultView } from '../components/scenario/MonteCarloPanel.js';
import { RecommendationView } from '../components/scenario/RecommendationPanel.js';
import { entityName, type Translate } from '../lib/format.js';
import { useFormat, useLanguage, useModel, useOrganisation, useOrgId } from '../lib/queries.js';
import { useNameOf, useRun, useRuns, useScenario, useScenarios } from '../lib/scenario-queries.js';
import {
  blockedByLockdown,
  describeDisruption,
  joinList,
  timelineRows,
  type MonteCarloResult,
  type NameOf,
  type Recommendation,
  type Run,
  type SimulationResult,
  type StoredScenario,
} from '../lib/scenarios.js';
import { SimulationView } from './ScenarioPage.js';

export default function ScenarioReport() {
  const org = useOrgId();
  const { id = '' } = useParams();
  const scenario = useScenario(org, id);
  const model = useModel(org);
  if (scenario.isError) return <LoadError error={scenario.error} />;
  if (model.isError) return <LoadError error={model.error} />;
  if (!scenario.data || !model.data) return <Loading />;
  return <Report org={org} scenario={scenario.data} model={model.data} />;
}

function Report({ org, scenario, model }: { org: string; scenario: StoredScenario; model: OrganisationModel }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const format = useFormat();
  const [params] = useSearchParams();
  const organisation = useOrganisation(org);
  const scenarios = useScenarios(org);
  const runs = useRuns(org, scenario.id, 100);
  const name = useNameOf(org);
  const latest = (kind: Run['kind']) => runs.data?.items.find((run) => run.kind === kind && run.status === 'done')?.id ?? null;
  const simulation = useRun<SimulationResult>(org, params.get('run') ?? latest('simulation'));
  const montecarlo = useRun<MonteCarloResult>(org, params.get('mc') ?? latest('montecarlo'));
  const recommendation = useRun<Recommendation>(org, params.get('rec') ?? latest('recommendation'));
  const title = entityName(scenario, language);
  const base = `/orgs/${encodeURIComponent(org)}`;
  const rto = (application: string) => model.applications.find((item) => item.id === application)?.rto;
  usePageTitle(t('report.title', { name: title }));
  if (runs.isPending) return <Loading />;

  return (
    <Stack gap="md" className="report">
      <Breadcrumbs className="no-print">
        <Anchor component={Link} to={`${base}/scenarios`} size="sm">
          {t('scenarios.title')}
        </Anchor>
        <Anchor component={Link} to={`${base}/scenarios/${encodeURIComponent(scenario.id)}`} size="sm">
          {title}
        </Anchor>
        <Text size="sm">{t('report.crumb')}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start">
        <div>
          <Text size="sm" c="dimmed">
            {organisation.data ? entityName(organisation.data, language) : org} · {t('report.kind')}
          </Text>
          <Title order={1} size="h2">
            {title}
          </Title>
          <Text size="sm" c="dimmed">
            {t('report.printed', { date: format.dateTime(new Date().toISOString()) })}
          </Text>
        </div>
        <Button className="no-print" onClick={() => window.print()}>
          {t('report.print')}
        </Button>
      </Group>
      <Summary
        model={model}
        scenario={scenario}
        simulation={simulation.data?.result ?? undefined}
        montecarlo={montecarlo.data?.result ?? undefined}
        recommendation={recommendation.data?.status === 'done' ? (recommendation.data.result ?? undefined) : undefined}
        recommendationScenarios={recommendation.data?.scenarios ?? []}
        scenarios={scenarios.data?.items ?? [scenario]}
        name={name}
      />
      <Paper withBorder p="md" component="section" aria-labelledby="report-scenario">
        <Title order={2} size="h4" id="report-scenario">
          {t('report.scenario')}
        </Title>
        <Text size="sm" mt={4}>
          {scenario.descriptions?.[language] ?? scenario.description}
        </Text>
        <List size="sm" mt="xs">
          {scenario.disruptions.map((disruption, index) => (
            <List.Item key={index}>{describeDisruption(disruption, t as Translate, format, name, rto)}</List.Item>
          ))}
        </List>
      </Paper>
      {simulation.data?.result ? (
        <SimulationView org={org} scenario={scenario} model={model} name={name} run={simulation.data as Run<SimulationResult>} printable />
      ) : (
        <Paper withBorder p="md">
          <Text size="sm">{t('report.noSimulation')}</Text>
        </Paper>
      )}
      {montecarlo.data?.result ? <MonteCarloResultView run={montecarlo.data as Run<MonteCarloResult>} model={model} name={name} /> : null}
      {recommendation.data?.result ? (
        <RecommendationView run={recommendation.data as Run<Recommendation>} scenarios={scenarios.data?.items ?? [scenario]} model={model} name={name} />
      ) : (
        <Paper withBorder p="md" className="no-print">
          <Text size="sm">
            {t('report.noRecommendation')}{' '}
            <Anchor component={Link} to={`${base}/scenarios/${encodeURIComponent(scenario.id)}?tab=strategies`} size="sm">
              {t('report.noRecommendationLink')}
            </Anchor>
          </Text>
        </Paper>
      )}
    </Stack>
  );
}

/** The report in a few sentences: what breaks first and why, how likely, and what to buy for how much. */
function Summary({
  model,
  scenario,
  simulation,
  montecarlo,
  recommendation,
  recommendationScenarios,
  scenarios,
  name,
}: {
  model: OrganisationModel;
  scenario: StoredScenario;
  simulation?: SimulationResult;
  montecarlo?: MonteCarloResult;
  recommendation?: Recommendation;
  recommendationScenarios: string[];
  scenarios: StoredScenario[];
  name: NameOf;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const points: string[] = [];
  if (simulation) {
    const rows = timelineRows(simulation, model.activities, scenario.horizon);
    const first = rows.find((row) => row.breachAt !== null);
    points.push(
      first
        ? t('report.summaryBreached', {
            count: simulation.breached,
            total: model.activities.length,
            first: name('activities', first.id),
            day: format.number(first.breachAt! / 24, 1),
          })
        : t('report.summaryNoBreach'),
    );
    for (const pool of simulation.pools.filter((item) => item.unmetHours > 0))
      points.push(
        t('report.summaryPool', { pool: name('pools', pool.id), demand: format.number(pool.peakDemand, 0), capacity: format.number(pool.capacityAtPeak, 0) }),
      );
  }
  if (montecarlo) {
    const likely = montecarlo.activities.filter((activity) => activity.breachProbability >= 0.5).length;
    points.push(t('report.summaryMonteCarlo', { count: likely, runs: format.number(montecarlo.runs) }));
  }
  if (recommendation) {
    const chosen = joinList(
      recommendation.strategies.map((id) => name('strategies', id)),
      t as Translate,
    );
    points.push(
      recommendation.strategies.length
        ? t(recommendation.feasible ? 'report.summaryRecommend' : 'report.summaryRecommendPartial', {
            strategies: chosen,
            cost: format.money(recommendation.cost),
            count: recommendation.remainingBreaches.length,
          })
        : t('report.summaryNothing'),
    );
    const used = recommendationScenarios.map((id) => scenarios.find((item) => item.id === id)).filter((item): item is StoredScenario => item !== undefined);
    const blocked = [
      ...new Set(
        used.flatMap((item) =>
          blockedByLockdown(
            model.strategies.filter((strategy) => !recommendation.strategies.includes(strategy.id)),
            item,
          ),
        ),
      ),
    ];
    if (blocked.length)
      points.push(
        t('report.summaryBlocked', {
          strategies: joinList(
            blocked.map((id) => name('strategies', id)),
            t as Translate,
          ),
        }),
      );
  }
  if (points.length === 0) return null;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="report-summary" style={{ borderLeft: '4px solid var(--mantine-color-blue-8)' }}>
      <Title order={2} size="h4" id="report-summary">
        {t('report.summary')}
      </Title>
      <List size="sm" mt="xs" spacing={4} data-testid="report-summary">
        {points.map((point) => (
          <List.Item key={point}>{point}</List.Item>
        ))}
      </List>
    </Paper>
  );
}
