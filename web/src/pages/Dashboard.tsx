// Readiness at a glance: the BIA findings that matter, each linking to the list behind it, and the model's size.
import { Anchor, Button, Card, EmptyState, Group, List, Paper, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { ProgrammeHealth } from '../components/ProgrammeHealth.js';
import { useAbilities } from '../lib/abilities.js';
import { entityName } from '../lib/format.js';
import { activitiesByRule, READINESS_RULES } from '../lib/findings.js';
import { COLLECTION_LIST, useFindings, useFormat, useLanguage, useNames, useOrganisation, useOrgId, useTotals } from '../lib/queries.js';
import { useAttention, useRiskCount } from '../lib/risk-queries.js';
import { useRun, useRuns, useScenarioNames } from '../lib/scenario-queries.js';
import type { SimulationResult } from '../lib/scenarios.js';

export default function Dashboard() {
  const { t } = useTranslation();
  const org = useOrgId();
  const language = useLanguage();
  const format = useFormat();
  const organisation = useOrganisation(org);
  const findings = useFindings(org);
  const totals = useTotals(org);
  const base = `/orgs/${encodeURIComponent(org)}`;
  const name = organisation.data ? entityName(organisation.data, language) : org;
  // Asked only for an empty organisation: the first steps shown are those the caller may take.
  const { can } = useAbilities(org, totals.data?.activities === 0);
  usePageTitle(t('dashboard.title'));

  if (findings.isError || totals.isError) return <LoadError error={findings.error ?? totals.error} />;
  if (!findings.data || !totals.data) return <Loading />;

  const activityCount = totals.data.activities;
  const byRule = activitiesByRule(findings.data.items);
  const notAssessed = byRule.no_impact_assessment ?? 0;
  const partial = byRule.incomplete_impact_assessment ?? 0;
  const complete = Math.max(0, activityCount - notAssessed - partial);
  const problems = findings.data.counts.error ?? 0;

  return (
    <Stack gap="lg">
      <PageHeader title={name} description={t('dashboard.subtitle')} />
      {activityCount > 0 ? <ProgrammeHealth org={org} /> : null}

      {activityCount === 0 ? (
        <Paper withBorder p="xl">
          <EmptyState
            title={t('dashboard.emptyTitle')}
            description={can('activities', 'import') || can('activities', 'create') ? t('dashboard.emptyText') : t('abilities.nothingYet')}
          >
            <Group justify="center" mt="md">
              {can('activities', 'import') ? (
                <Button component={Link} to={`${base}/exchange`}>
                  {t('dashboard.emptyImport')}
                </Button>
              ) : null}
              {can('activities', 'create') ? (
                <Button component={Link} to={`${base}/activities?new=1`} variant="default">
                  {t('dashboard.emptyCreate')}
                </Button>
              ) : null}
            </Group>
          </EmptyState>
        </Paper>
      ) : (
        <section aria-labelledby="readiness">
          <Group justify="space-between" align="baseline" mb="xs">
            <Title order={2} size="h3" id="readiness">
              {t('dashboard.readiness')}
            </Title>
            {findings.data.items.length > 0 ? (
              <Anchor component={Link} to={`${base}/findings`} size="sm">
                {t('dashboard.allFindings', { count: findings.data.items.length })}
              </Anchor>
            ) : null}
          </Group>
          <Paper withBorder p="md" mb="md">
            <Text size="sm" mb={6}>
              {t('dashboard.assessed', { complete: format.number(complete), total: format.number(activityCount) })}
            </Text>
            <Progress.Root size="lg" aria-label={t('dashboard.assessedLabel')}>
              <Progress.Section value={(complete / activityCount) * 100} color="teal.8" aria-label={t('dashboard.complete')} />
              <Progress.Section value={(partial / activityCount) * 100} color="yellow.5" aria-label={t('dashboard.partial')} />
            </Progress.Root>
            <Group gap="lg" mt={6}>
              <Legend colour="var(--mantine-color-teal-8)" text={t('dashboard.legendComplete', { count: complete })} />
              <Legend colour="var(--mantine-color-yellow-5)" text={t('dashboard.legendPartial', { count: partial })} />
              <Legend colour="var(--mantine-color-gray-2)" text={t('dashboard.legendNone', { count: notAssessed })} />
            </Group>
          </Paper>
          <SimpleGrid cols={{ base: 2, md: 3, lg: 5 }} spacing="sm">
            {READINESS_RULES.map((rule) => {
              const count = byRule[rule] ?? 0;
              const ok = count === 0;
              // No aria-label on the cards: their name is what they show (figure, title, hint), as WCAG 2.5.3 asks; a
              // shorter label that left out the hint failed axe's label-content-name-mismatch.
              return (
                <Card
                  key={rule}
                  component={Link}
                  to={`${base}/findings?rule=${rule}`}
                  withBorder
                  padding="md"
                  style={{ borderColor: ok ? undefined : 'var(--mantine-color-red-7)', borderWidth: ok ? undefined : 2 }}
                  data-rule={rule}
                >
                  <Text fz={32} fw={700} c={ok ? 'teal.9' : 'red.9'} lh={1.1}>
                    {format.number(count)}
                  </Text>
                  <Text fw={600} size="sm" mt={4}>
                    {t(`dashboard.rules.${rule}.label`)}
                  </Text>
                  <Text size="xs" c="dimmed" mt={4}>
                    {ok ? t(`dashboard.rules.${rule}.ok`) : t(`dashboard.rules.${rule}.hint`)}
                  </Text>
                </Card>
              );
            })}
          </SimpleGrid>
          {problems === 0 && notAssessed === 0 && partial === 0 ? (
            <Paper withBorder p="md" mt="md">
              <Text fw={600}>{t('dashboard.allClearTitle')}</Text>
              <Text size="sm" mt={4}>
                {t('dashboard.allClearText')}{' '}
                <Anchor component={Link} to={`${base}/graph`}>
                  {t('dashboard.allClearLink')}
                </Anchor>
              </Text>
            </Paper>
          ) : null}
        </section>
      )}

      <RisksAndScenarios org={org} />

      <section aria-labelledby="model">
        <Title order={2} size="h3" id="model" mb="xs">
          {t('dashboard.model')}
        </Title>
        <SimpleGrid cols={{ base: 3, lg: 6 }} spacing="sm">
          {COLLECTION_LIST.map((collection) => (
            <Card key={collection} component={Link} to={`${base}/${collection}`} withBorder padding="sm" data-collection={collection}>
              <Text fz={24} fw={700} lh={1.1}>
                {format.number(totals.data[collection])}
              </Text>
              <Text size="sm">{t(`collections.${collection}.title`)}</Text>
            </Card>
          ))}
        </SimpleGrid>
      </section>

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Paper withBorder p="md" component="section" aria-labelledby="terms">
          <Title order={2} size="h4" id="terms" mb="xs">
            {t('dashboard.termsTitle')}
          </Title>
          <List size="sm" spacing={6}>
            {(['bia', 'mtpd', 'rto', 'rpo', 'mbco', 'finding'] as const).map((term) => (
              <List.Item key={term}>
                <Text span fw={700}>
                  {t(`terms.${term}.name`)}
                </Text>{' '}
                — {t(`terms.${term}.text`)}
              </List.Item>
            ))}
          </List>
        </Paper>
        <Paper withBorder p="md" component="section" aria-labelledby="next">
          <Title order={2} size="h4" id="next" mb="xs">
            {t('dashboard.nextTitle')}
          </Title>
          <List size="sm" spacing={6}>
            <List.Item>
              <Anchor component={Link} to={`${base}/activities`} size="sm">
                {t('dashboard.nextRate')}
              </Anchor>
            </List.Item>
            <List.Item>
              <Anchor component={Link} to={`${base}/exchange`} size="sm">
                {t('dashboard.nextImport')}
              </Anchor>
            </List.Item>
            <List.Item>
              <Anchor component={Link} to={`${base}/graph`} size="sm">
                {t('dashboard.nextGraph')}
              </Anchor>
            </List.Item>
            <List.Item>
              <Anchor component={Link} to={`${base}/scenarios`} size="sm">
                {t('dashboard.nextScenarios')}
              </Anchor>
            </List.Item>
            <List.Item>
              <Anchor component={Link} to={`${base}/risks/heatmap`} size="sm">
                {t('dashboard.nextRisks')}
              </Anchor>
            </List.Item>
          </List>
          {organisation.data ? (
            <Text size="xs" c="dimmed" mt="md">
              {t('dashboard.updated', { date: format.dateTime(organisation.data.updatedAt), version: organisation.data.modelVersion })}
            </Text>
          ) : null}
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}

function Legend({ colour, text }: { colour: string; text: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      <span
        aria-hidden
        style={{ display: 'inline-block', width: 12, height: 12, borderRadius: 2, background: colour, border: '1px solid var(--mantine-color-gray-6)' }}
      />
      <Text size="xs">{text}</Text>
    </Group>
  );
}

/** The risk register's attention figures and the last simulation's breached activities, each linking to its list. */
function RisksAndScenarios({ org }: { org: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const attention = useAttention(org);
  const above = useRiskCount(org, { aboveAppetite: 'true' });
  const runs = useRuns(org, undefined, 30);
  const last = runs.data?.items.find((run) => run.kind === 'simulation' && run.status === 'done');
  const run = useRun<SimulationResult>(org, last?.id);
  const scenarioName = useScenarioNames(org);
  const activityName = useNames(org, 'activities');
  const base = `/orgs/${encodeURIComponent(org)}`;
  const figure = (key: string, count: number | undefined, to: string, hint: string, okHint: string) => {
    const ok = count === 0;
    return (
      <Card
        component={Link}
        to={to}
        withBorder
        padding="md"
        data-figure={key}
        style={{ borderColor: ok || count === undefined ? undefined : 'var(--mantine-color-red-7)', borderWidth: ok || count === undefined ? undefined : 2 }}
      >
        <Text fz={32} fw={700} c={count === undefined ? undefined : ok ? 'teal.9' : 'red.9'} lh={1.1}>
          {count === undefined ? '…' : format.number(count)}
        </Text>
        <Text fw={600} size="sm" mt={4}>
          {t(`dashboard.risk.${key}`)}
        </Text>
        <Text size="xs" c="dimmed" mt={4}>
          {ok ? okHint : hint}
        </Text>
      </Card>
    );
  };
  const breached = run.data?.result?.activities.filter((activity) => activity.mtpdBreached) ?? [];
  const scenario = last?.scenarios[0];
  const resultLink = last && scenario ? `${base}/scenarios/${encodeURIComponent(scenario)}?tab=results&run=${last.id}` : `${base}/scenarios`;
  return (
    <section aria-labelledby="risks-scenarios">
      <Group justify="space-between" align="baseline" mb="xs">
        <Title order={2} size="h3" id="risks-scenarios">
          {t('dashboard.risksTitle')}
        </Title>
        <Anchor component={Link} to={`${base}/risks/attention`} size="sm">
          {t('dashboard.allAttention')}
        </Anchor>
      </Group>
      <SimpleGrid cols={{ base: 2, md: 3, lg: 5 }} spacing="sm">
        {figure(
          'untreated',
          attention.data?.aboveAppetiteWithoutTreatment.length,
          `${base}/risks/attention#untreated`,
          t('dashboard.risk.untreatedHint'),
          t('dashboard.risk.untreatedOk'),
        )}
        {figure('above', above.data, `${base}/risks?aboveAppetite=true`, t('dashboard.risk.aboveHint'), t('dashboard.risk.aboveOk'))}
        {figure(
          'overdue',
          attention.data?.overdueTreatments.length,
          `${base}/risks/attention#overdue`,
          t('dashboard.risk.overdueHint'),
          t('dashboard.risk.overdueOk'),
        )}
        {figure(
          'reviews',
          attention.data?.notReviewed.length,
          `${base}/risks/attention#reviews`,
          t('dashboard.risk.reviewsHint'),
          t('dashboard.risk.reviewsOk'),
        )}
        <Card
          component={Link}
          to={resultLink}
          withBorder
          padding="md"
          data-figure="breached"
          style={{ borderColor: breached.length > 0 ? 'var(--mantine-color-red-7)' : undefined, borderWidth: breached.length > 0 ? 2 : undefined }}
        >
          <Text fz={32} fw={700} c={!last ? undefined : breached.length > 0 ? 'red.9' : 'teal.9'} lh={1.1}>
            {!last ? '—' : run.data?.result ? format.number(breached.length) : '…'}
          </Text>
          <Text fw={600} size="sm" mt={4}>
            {t('dashboard.risk.breached')}
          </Text>
          <Text size="xs" c="dimmed" mt={4}>
            {last && scenario
              ? t('dashboard.risk.breachedIn', { scenario: scenarioName(scenario), date: format.dateTime(last.finishedAt ?? last.createdAt) })
              : t('dashboard.risk.noSimulation')}
          </Text>
          {breached.length > 0 ? (
            <Text size="xs" mt={4} lineClamp={2}>
              {breached
                .slice(0, 3)
                .map((activity) => activityName(activity.id))
                .join(', ')}
              {breached.length > 3 ? ` ${t('dashboard.risk.andMore', { count: breached.length - 3 })}` : ''}
            </Text>
          ) : null}
        </Card>
      </SimpleGrid>
    </section>
  );
}
