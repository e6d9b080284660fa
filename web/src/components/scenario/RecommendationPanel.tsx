// Recommendation: the cheapest set of strategies that keeps every MTPD in the chosen scenarios, with progress and
// cancel; its names and costs, exact or heuristic, what still breaches and why, and what each option does alone.
import { Alert, Badge, Button, Group, List, MultiSelect, Paper, SimpleGrid, Stack, Table, Text, ThemeIcon } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { OrganisationModel, Strategy } from '@shared/model/organisation.js';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { LoadError } from '../Page.js';
import { ProblemSummary } from '../Problems.js';
import { api, orgPath } from '../../lib/api.js';
import { describeEffect } from '../../lib/entities.js';
import { entityName, type Translate } from '../../lib/format.js';
import { errorSentence } from '../../lib/problems.js';
import { useFormat, useLanguage, useOrgId } from '../../lib/queries.js';
import { ExportMenu } from '../ExportMenu.js';
import { scenarioKeys, useRun, useRuns } from '../../lib/scenario-queries.js';
import { blockedByLockdown, causeText, explainCause, joinList, type NameOf, type Recommendation, type Run, type StoredScenario } from '../../lib/scenarios.js';
import { whatIf } from '../../lib/whatif.js';
import { ResultSection, StaleWarning } from './parts.js';
import { RunProgress } from './RunProgress.js';

interface Props {
  org: string;
  scenario: StoredScenario;
  scenarios: StoredScenario[];
  model: OrganisationModel;
  name: NameOf;
  /** The caller may start runs (otherwise only the latest one is shown). */
  canRun: boolean;
}

export function RecommendationPanel({ org, scenario, scenarios, model, name, canRun }: Props) {
  const { t } = useTranslation();
  const language = useLanguage();
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [chosenScenarios, setChosenScenarios] = useState<string[]>([scenario.id]);
  const [candidates, setCandidates] = useState<string[]>([]);
  const history = useRuns(org, scenario.id);
  const chosen = params.get('rec') ?? history.data?.items.find((run) => run.kind === 'recommendation' && run.status !== 'failed')?.id ?? null;
  const run = useRun<Recommendation>(org, chosen);
  const start = useMutation({
    mutationFn: () =>
      api<Run>(orgPath(org, '/runs'), {
        method: 'POST',
        body: { kind: 'recommendation', scenarios: chosenScenarios, ...(candidates.length ? { candidates } : {}) },
      }),
    onSuccess: (created) => {
      client.setQueryData(scenarioKeys.run(org, created.id), created);
      void client.invalidateQueries({ queryKey: scenarioKeys.runs(org) });
      setParams((current) => {
        const next = new URLSearchParams(current);
        next.set('rec', created.id);
        return next;
      });
    },
  });
  const busy = run.data ? run.data.status === 'queued' || run.data.status === 'running' : false;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    start.mutate();
  };
  return (
    <Stack gap="md">
      <ResultSection id="rec-start" title={t('recommend.title')} description={t('recommend.description')}>
        {!canRun ? (
          <Text size="sm" c="dimmed">
            {t('abilities.cannotRun')}
          </Text>
        ) : null}
        {canRun ? (
          <form onSubmit={submit} noValidate>
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
              <MultiSelect
                label={t('recommend.scenarios')}
                description={t('recommend.scenariosHelp')}
                data={scenarios.map((item) => ({ value: item.id, label: entityName(item, language) }))}
                value={chosenScenarios}
                onChange={setChosenScenarios}
                searchable
                hidePickedOptions
                nothingFoundMessage={t('common.nothingFound')}
              />
              <MultiSelect
                label={t('recommend.candidates')}
                description={t('recommend.candidatesHelp')}
                data={model.strategies.map((strategy) => ({ value: strategy.id, label: entityName(strategy, language) }))}
                value={candidates}
                onChange={setCandidates}
                placeholder={candidates.length === 0 ? t('recommend.allStrategies', { count: model.strategies.length }) : undefined}
                searchable
                clearable
                hidePickedOptions
                nothingFoundMessage={t('common.nothingFound')}
              />
            </SimpleGrid>
            <Group mt="sm">
              <Button type="submit" loading={start.isPending} disabled={busy || chosenScenarios.length === 0}>
                {t('recommend.start')}
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
          <RunProgress org={org} run={run.data} label={t('recommend.label')} />
          {run.data.status === 'done' && run.data.result ? (
            <RecommendationView run={run.data as Run<Recommendation>} scenarios={scenarios} model={model} name={name} />
          ) : null}
        </>
      ) : !chosen ? (
        <Paper withBorder p="md">
          <Text size="sm">{t('recommend.none')}</Text>
        </Paper>
      ) : null}
    </Stack>
  );
}

export function RecommendationView({
  run,
  scenarios,
  model,
  name,
  showWhatIf = true,
}: {
  run: Run<Recommendation>;
  scenarios: StoredScenario[];
  model: OrganisationModel;
  name: NameOf;
  showWhatIf?: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const language = useLanguage();
  const org = useOrgId();
  const result = run.result!;
  const strategies = new Map(model.strategies.map((strategy) => [strategy.id, strategy]));
  const used = run.scenarios.map((id) => scenarios.find((item) => item.id === id)).filter((item): item is StoredScenario => item !== undefined);
  const lookup = (collection: 'pools' | 'sites' | 'applications' | 'suppliers', id: string) => name(collection, id);
  const candidateIds = (run.params.candidates as string[] | null | undefined) ?? model.strategies.map((strategy) => strategy.id);
  const blocked = [
    ...new Set(
      used.flatMap((item) =>
        blockedByLockdown(
          model.strategies.filter((strategy) => candidateIds.includes(strategy.id) && !result.strategies.includes(strategy.id)),
          item,
        ),
      ),
    ),
  ];
  const chosen = result.strategies.map((id) => strategies.get(id)).filter((item): item is Strategy => item !== undefined);
  const scenarioName = (id: string | undefined, index: number) =>
    id ? entityName(scenarios.find((item) => item.id === id) ?? { id }, language) : `#${index + 1}`;

  return (
    <ResultSection
      id="rec-result"
      title={t('recommend.resultTitle')}
      actions={<ExportMenu path={orgPath(org, `/runs/${run.id}/result.sheet`)} testId="export-recommendation" />}
      description={t('recommend.resultFor', {
        scenarios: joinList(
          run.scenarios.map((id, index) => scenarioName(id, index)),
          t as Translate,
        ),
      })}
    >
      <StaleWarning run={run} />
      <Group gap="sm" mb="sm">
        {result.feasible ? (
          <Badge color="teal" variant="filled" size="lg" tt="none">
            {t('recommend.feasible')}
          </Badge>
        ) : (
          <Badge color="red" variant="filled" size="lg" tt="none">
            {t('recommend.infeasible', { count: result.remainingBreaches.length })}
          </Badge>
        )}
        <Badge color={result.exact ? 'blue' : 'yellow'} variant="light" size="lg" tt="none">
          {result.exact ? t('recommend.exact') : t('recommend.heuristic')}
        </Badge>
        <Text size="sm" c="dimmed">
          {t('recommend.evaluated', { count: result.evaluated, formatted: format.number(result.evaluated) })}
        </Text>
      </Group>
      <SimpleGrid cols={{ base: 1, lg: 3 }} spacing="md">
        <Paper withBorder p="md" style={{ gridColumn: 'span 2' }}>
          <Text size="sm" fw={600} mb={6}>
            {chosen.length ? t('recommend.activate', { count: chosen.length }) : t('recommend.nothingNeeded')}
          </Text>
          <Stack gap="xs" data-testid="recommended-strategies">
            {chosen.map((strategy) => (
              <Group key={strategy.id} gap="sm" wrap="nowrap" align="flex-start" data-strategy={strategy.id}>
                <ThemeIcon color="teal.8" size="sm" radius="xl" aria-hidden>
                  ✓
                </ThemeIcon>
                <div>
                  <Text size="sm" fw={700}>
                    {entityName(strategy, language)}
                  </Text>
                  <Text size="xs">
                    {describeEffect(strategy.effect, t as never, format, lookup)} · {t('recommend.leadTime', { time: format.duration(strategy.leadTime) })} ·{' '}
                    {t('recommend.costs', { fixed: format.money(strategy.cost.fixed), perDay: format.money(strategy.cost.perDay) })}
                  </Text>
                </div>
              </Group>
            ))}
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Text fz={28} fw={700} lh={1.1} data-testid="recommended-cost">
            {format.money(result.cost)}
          </Text>
          <Text size="sm" fw={600} mt={4}>
            {t('recommend.yearlyCost')}
          </Text>
          <Text size="xs" c="dimmed" mt={2}>
            {t('recommend.yearlyCostHelp')}
          </Text>
        </Paper>
      </SimpleGrid>

      <DowntimeAvoided result={result} cost={result.cost} scenarioName={scenarioName} />

      {blocked.length > 0 ? (
        <Alert color="blue" mt="md" title={t('recommend.lessonTitle')} data-testid="lockdown-lesson">
          <List size="sm">
            {blocked.map((id) => {
              const strategy = strategies.get(id);
              return (
                <List.Item key={id}>
                  {t('recommend.blocked', {
                    name: strategy ? entityName(strategy, language) : id,
                    seats: strategy?.effect.type === 'alternateSite' ? format.number(strategy.effect.seats) : '',
                  })}
                </List.Item>
              );
            })}
          </List>
        </Alert>
      ) : null}

      {!result.feasible ? <RemainingBreaches result={result} scenarios={scenarios} run={run} model={model} name={name} /> : null}
      {showWhatIf ? <WhatIfTable model={model} scenarios={used} chosen={result.strategies} blocked={blocked} name={name} /> : null}
    </ResultSection>
  );
}

/**
 * The expected yearly cost of downtime without strategies and with the recommended set, beside what the set costs:
 * what the committee buys. Reported only; the set is chosen on its own cost (scenario-model §7).
 */
function DowntimeAvoided({
  result,
  cost,
  scenarioName,
}: {
  result: Recommendation;
  cost: number;
  scenarioName: (id: string | undefined, index: number) => string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const downtime = result.downtimeCost;
  // Recommendations computed before costs of downtime have none.
  if (!downtime) return null;
  if (downtime.valuedActivities === 0)
    return (
      <Text size="sm" c="dimmed" mt="md" data-testid="downtime-none">
        {t('recommend.downtimeNone')}
      </Text>
    );
  const avoided = downtime.withoutStrategies - downtime.withStrategies;
  return (
    <Paper withBorder p="md" mt="md" data-testid="downtime-avoided">
      <Text size="sm" fw={700}>
        {t('recommend.downtimeTitle')}
      </Text>
      <Text size="xs" c="dimmed" mb="sm">
        {t('recommend.downtimeHelp', { count: downtime.valuedActivities, formatted: format.number(downtime.valuedActivities) })}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <div>
          <Text fz={22} fw={700} data-testid="downtime-without">
            {format.money(downtime.withoutStrategies)}
          </Text>
          <Text size="xs">{t('recommend.downtimeWithout')}</Text>
        </div>
        <div>
          <Text fz={22} fw={700} data-testid="downtime-with">
            {format.money(downtime.withStrategies)}
          </Text>
          <Text size="xs">{t('recommend.downtimeWith')}</Text>
        </div>
        <div>
          <Text fz={22} fw={700} c={avoided > cost ? 'teal.9' : undefined} data-testid="downtime-avoided-amount">
            {format.money(avoided)}
          </Text>
          <Text size="xs">{t('recommend.downtimeAvoided', { cost: format.money(cost) })}</Text>
        </div>
      </SimpleGrid>
      {downtime.scenarios.length > 1 ? (
        <Table mt="sm" striped withTableBorder aria-label={t('recommend.downtimeTitle')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('recommend.scenario')}</Table.Th>
              <Table.Th className="num">{t('recommend.downtimeFrequency')}</Table.Th>
              <Table.Th className="num">{t('recommend.downtimeWithout')}</Table.Th>
              <Table.Th className="num">{t('recommend.downtimeWith')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {downtime.scenarios.map((item) => (
              <Table.Tr key={item.scenario.index}>
                <Table.Td>{scenarioName(item.scenario.id, item.scenario.index)}</Table.Td>
                <Table.Td className="num">{format.number(item.frequency)}</Table.Td>
                <Table.Td className="num">{format.money(item.withoutStrategies)}</Table.Td>
                <Table.Td className="num">{format.money(item.withStrategies)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </Paper>
  );
}

function RemainingBreaches({
  result,
  scenarios,
  run,
  model,
  name,
}: {
  result: Recommendation;
  scenarios: StoredScenario[];
  run: Run;
  model: OrganisationModel;
  name: NameOf;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const language = useLanguage();
  return (
    <Stack gap={4} mt="md">
      <Text size="sm" fw={700} c="red.9">
        {t('recommend.remaining', { count: result.remainingBreaches.length })}
      </Text>
      <Table striped withTableBorder aria-label={t('recommend.remainingTable')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('recommend.scenario')}</Table.Th>
            <Table.Th>{t('graph.kinds.activity')}</Table.Th>
            <Table.Th>{t('results.why')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {result.remainingBreaches.map((breach, index) => {
            const scenario = scenarios.find((item) => item.id === (breach.scenario.id ?? run.scenarios[breach.scenario.index]));
            const causes = scenario
              ? [
                  ...new Set(
                    breach.binding.map((binding) =>
                      causeText(explainCause(breach.activity, binding, { model, scenario, result: { pools: [] } }), t as Translate, format, name),
                    ),
                  ),
                ]
              : breach.binding.map((binding) => binding.cause);
            return (
              <Table.Tr key={index}>
                <Table.Td>{scenario ? entityName(scenario, language) : (breach.scenario.id ?? `#${breach.scenario.index + 1}`)}</Table.Td>
                <Table.Td>{name('activities', breach.activity)}</Table.Td>
                <Table.Td>{causes.join(' · ')}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** Breached activities with nothing, with each chosen or blocked strategy alone, and with the recommended set. */
function WhatIfTable({
  model,
  scenarios,
  chosen,
  blocked,
  name,
}: {
  model: OrganisationModel;
  scenarios: StoredScenario[];
  chosen: string[];
  blocked: string[];
  name: NameOf;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const language = useLanguage();
  const sets = useMemo(() => {
    const list: string[][] = [[]];
    if (chosen.length > 1) for (const id of chosen) list.push([id]);
    for (const id of blocked) list.push([id]);
    if (chosen.length > 0) list.push(chosen);
    return list;
  }, [chosen, blocked]);
  const rows = useMemo(() => whatIf(model, scenarios, sets), [model, scenarios, sets]);
  if (scenarios.length === 0) return null;
  const label = (strategies: string[]) =>
    strategies.length === 0
      ? t('recommend.whatIfNothing')
      : strategies === chosen
        ? t('recommend.whatIfChosen')
        : t('recommend.whatIfAlone', {
            name: joinList(
              strategies.map((id) => name('strategies', id)),
              t as Translate,
            ),
          });
  return (
    <Stack gap={4} mt="md">
      <Text size="sm" fw={700}>
        {t('recommend.whatIfTitle')}
      </Text>
      <Text size="xs" c="dimmed">
        {t('recommend.whatIfHelp')}
      </Text>
      <Table.ScrollContainer minWidth={520}>
        <Table striped withTableBorder aria-label={t('recommend.whatIfTitle')} data-testid="what-if">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('recommend.whatIfSet')}</Table.Th>
              {scenarios.map((scenario) => (
                <Table.Th key={scenario.id} className="num">
                  {t('recommend.whatIfBreached', { scenario: entityName(scenario, language) })}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row, index) => (
              <Table.Tr key={index} style={row.strategies === chosen ? { fontWeight: 700 } : undefined}>
                <Table.Td>{label(row.strategies)}</Table.Td>
                {row.breached.map((breached, at) => (
                  <Table.Td key={at} className="num" c={breached === null ? undefined : breached.length > 0 ? 'red.9' : 'teal.9'} fw={700}>
                    {breached === null ? '—' : format.number(breached.length)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
