// All BIA findings grouped by severity, each explained in plain words, filterable by rule and activity.
import { Anchor, Button, Chip, EmptyState, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { FindingItem } from '../components/FindingItem.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { countByRule, filterFindings, groupBySeverity, KNOWN_RULES, SEVERITIES, type ExplainContext } from '../lib/findings.js';
import { useFindings, useFormat, useNames, useOrgId } from '../lib/queries.js';

const STEP = 200;

export default function Findings() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const findings = useFindings(org);
  const activityName = useNames(org, 'activities');
  const applicationName = useNames(org, 'applications');
  usePageTitle(t('findings.title'));
  const rule = params.get('rule');
  const activity = params.get('activity');
  const base = `/orgs/${encodeURIComponent(org)}`;

  if (findings.isError) return <LoadError error={findings.error} />;
  if (!findings.data) return <Loading />;

  const all = findings.data.items;
  const scoped = filterFindings(all, { activity });
  const counts = countByRule(scoped);
  const shown = filterFindings(scoped, { rule });
  const groups = groupBySeverity(shown);
  const context: ExplainContext = {
    t: t as never,
    format,
    name: (type, id) => (type === 'activity' ? activityName(id) : applicationName(id)),
  };
  const setParam = (key: string, value: string | null) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    });
  const rulesPresent = KNOWN_RULES.filter((known) => counts[known] || known === rule);

  return (
    <Stack gap="md">
      <PageHeader title={t('findings.title')} description={t('findings.description')} />
      {all.length === 0 ? (
        <Paper withBorder p="xl">
          <EmptyState title={t('findings.noneTitle')} description={t('findings.noneText')}>
            <Group justify="center" mt="md">
              <Button component={Link} to={`${base}/activities`} variant="default">
                {t('findings.noneNext')}
              </Button>
            </Group>
          </EmptyState>
        </Paper>
      ) : (
        <>
          {activity ? (
            <Group gap="xs">
              <Text size="sm">{t('findings.onlyActivity', { activity: activityName(activity) })}</Text>
              <Anchor component="button" size="sm" onClick={() => setParam('activity', null)}>
                {t('findings.showAll')}
              </Anchor>
            </Group>
          ) : null}
          <Chip.Group multiple={false} value={rule ?? 'all'} onChange={(value) => setParam('rule', value === 'all' ? null : (value as string))}>
            <Group gap="xs" role="radiogroup" aria-label={t('findings.filter')}>
              <Chip value="all" size="sm">
                {t('findings.all')} ({format.number(scoped.length)})
              </Chip>
              {rulesPresent.map((known) => (
                <Chip key={known} value={known} size="sm">
                  {t(`findings.rules.${known}`)} ({format.number(counts[known] ?? 0)})
                </Chip>
              ))}
            </Group>
          </Chip.Group>
          {shown.length === 0 ? (
            <Paper withBorder p="lg">
              <Text>{t('findings.noneOfKind')}</Text>
              <Anchor component="button" size="sm" mt="xs" onClick={() => setParam('rule', null)}>
                {t('findings.showAll')}
              </Anchor>
            </Paper>
          ) : null}
          {SEVERITIES.map((severity) =>
            groups[severity].length > 0 ? <SeverityGroup key={severity} severity={severity} items={groups[severity]} org={org} context={context} /> : null,
          )}
        </>
      )}
    </Stack>
  );
}

function SeverityGroup({
  severity,
  items,
  org,
  context,
}: {
  severity: (typeof SEVERITIES)[number];
  items: ReturnType<typeof groupBySeverity>['error'];
  org: string;
  context: ExplainContext;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const [limit, setLimit] = useState(STEP);
  return (
    <section aria-labelledby={`severity-${severity}`}>
      <Title order={2} size="h3" id={`severity-${severity}`}>
        {t(`severity.${severity}.group`)} ({format.number(items.length)})
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t(`severity.${severity}.meaning`)}
      </Text>
      <Stack gap="xs" component="ul" p={0} m={0}>
        {items.slice(0, limit).map((finding, index) => (
          <FindingItem key={`${finding.rule}-${finding.activity}-${index}`} finding={finding} org={org} context={context} />
        ))}
      </Stack>
      {items.length > limit ? (
        <Button variant="default" size="xs" mt="xs" onClick={() => setLimit(limit + STEP)}>
          {t('common.showMore', { count: Math.min(STEP, items.length - limit) })}
        </Button>
      ) : null}
    </section>
  );
}
