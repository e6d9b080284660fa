// The live availability board of an incident: per activity, the people available on site and remotely against its
// minimum; per site; per remote-access pool, the remote workers against its capacity. Charts with the same figures
// in tables beside them (for screen readers and for copying). Every check-in arrives through the incident's live
// events and refreshes it.
import { Paper, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Availability } from '@shared/model/contract/alerts.js';
import { useAvailability } from '../../lib/alert-queries.js';
import { pick } from '../../lib/crisis.js';
import { useFormat, useLanguage } from '../../lib/queries.js';
import { EChart } from '../EChart.js';
import { LoadError, Loading } from '../Page.js';

const loadCharts = () => import('../../charts/availability.js');

/** The answers in the order the board stacks them, with their colours (available first, no answer last). */
const TALLIES = [
  { key: 'availableOnSite', label: 'availability.onSite', color: '#2b8a3e' },
  { key: 'availableRemote', label: 'availability.remote', color: '#1971c2' },
  { key: 'unavailable', label: 'availability.unavailable', color: '#868e96' },
  { key: 'needHelp', label: 'availability.needHelp', color: '#e03131' },
  { key: 'unanswered', label: 'availability.unanswered', color: '#dee2e6' },
] as const;

type Tally = Pick<Availability['activities'][number], (typeof TALLIES)[number]['key']>;

/** Stacked horizontal bars of the answers per row, with the minimum (when given) as a marker. */
function tallyChart(
  rows: Array<{ name: string; tally: Tally; minimum?: number }>,
  labels: { tally: (key: string) => string; minimum: string },
): EChartsCoreOption {
  const names = rows.map((row) => row.name);
  const withMinimum = rows.some((row) => row.minimum !== undefined);
  return {
    aria: { enabled: true },
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { bottom: 0 },
    grid: { left: 8, right: 24, top: 8, bottom: 36, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: 220, overflow: 'truncate' } },
    series: [
      ...TALLIES.map((tally) => ({
        type: 'bar',
        name: labels.tally(tally.label),
        stack: 'answers',
        itemStyle: { color: tally.color },
        data: rows.map((row) => row.tally[tally.key]),
      })),
      ...(withMinimum
        ? [
            {
              type: 'scatter',
              name: labels.minimum,
              symbol: 'rect',
              symbolSize: [4, 22],
              itemStyle: { color: '#000' },
              z: 5,
              data: rows.map((row) => row.minimum ?? null),
            },
          ]
        : []),
    ],
  };
}

export function AvailabilityPanel({ org, incident }: { org: string; incident: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const format = useFormat();
  const board = useAvailability(org, incident);
  const data = board.data;
  const activities = useMemo(() => (data?.activities ?? []).filter((activity) => activity.people > 0), [data]);
  const sites = useMemo(() => (data?.sites ?? []).filter((site) => site.people > 0), [data]);
  const labels = useMemo(() => ({ tally: (key: string) => t(key), minimum: t('availability.minimum') }), [t]);
  const activityChart = useMemo(
    () =>
      tallyChart(
        activities.map((activity) => ({ name: pick(activity.name, activity.names, language), tally: activity, minimum: activity.minimum })),
        labels,
      ),
    [activities, language, labels],
  );
  const siteChart = useMemo(
    () =>
      tallyChart(
        sites.map((site) => ({ name: site.name, tally: site })),
        labels,
      ),
    [sites, labels],
  );
  if (board.isError) return <LoadError error={board.error} />;
  if (!data) return <Loading />;
  const n = (value: number) => format.number(value);
  if (data.people === 0)
    return (
      <Paper withBorder p="md">
        <Text>{t('availability.empty')}</Text>
      </Paper>
    );
  const below = activities.filter((activity) => activity.belowMinimum).length;
  return (
    <Stack gap="lg">
      <Stack gap={2}>
        <Text aria-live="polite" data-testid="availability-summary">
          {t('availability.summary', { answered: n(data.answered), people: n(data.people), unanswered: n(data.unanswered) })}
        </Text>
        <Text size="sm" c={below > 0 ? 'red.9' : 'green.9'} fw={600} data-testid="availability-below">
          {below > 0 ? t('availability.belowCount', { count: below }) : t('availability.allReached')}
        </Text>
      </Stack>

      <Stack gap="xs" component="section" aria-labelledby="availability-activities">
        <Title order={3} size="h5" id="availability-activities">
          {t('availability.activities')}
        </Title>
        <EChart load={loadCharts} option={activityChart} height={Math.max(140, activities.length * 34 + 70)} label={t('availability.activitiesChart')} />
        <Table.ScrollContainer minWidth={820}>
          <Table withTableBorder striped aria-label={t('availability.activities')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('availability.activity')}</Table.Th>
                <Table.Th ta="right">{t('availability.minimum')}</Table.Th>
                {TALLIES.map((tally) => (
                  <Table.Th key={tally.key} ta="right">
                    {t(tally.label)}
                  </Table.Th>
                ))}
                <Table.Th>{t('availability.state')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {activities.map((activity) => (
                <Table.Tr key={activity.id} data-activity={activity.id}>
                  <Table.Td>{pick(activity.name, activity.names, language)}</Table.Td>
                  <Table.Td ta="right">{n(activity.minimum)}</Table.Td>
                  {TALLIES.map((tally) => (
                    <Table.Td key={tally.key} ta="right" data-tally={tally.key}>
                      {n(activity[tally.key])}
                    </Table.Td>
                  ))}
                  <Table.Td>
                    <Text size="sm" fw={600} c={activity.belowMinimum ? 'red.9' : 'green.9'} style={{ whiteSpace: 'nowrap' }}>
                      {activity.belowMinimum ? t('availability.below') : t('availability.enough')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        {sites.length > 0 ? (
          <Stack gap="xs" component="section" aria-labelledby="availability-sites">
            <Title order={3} size="h5" id="availability-sites">
              {t('availability.sites')}
            </Title>
            <EChart load={loadCharts} option={siteChart} height={Math.max(120, sites.length * 34 + 70)} label={t('availability.sitesChart')} />
            <Table withTableBorder striped fz="sm" aria-label={t('availability.sites')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('availability.site')}</Table.Th>
                  {TALLIES.map((tally) => (
                    <Table.Th key={tally.key} ta="right">
                      {t(tally.label)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sites.map((site) => (
                  <Table.Tr key={site.id} data-site={site.id}>
                    <Table.Td>{site.name}</Table.Td>
                    {TALLIES.map((tally) => (
                      <Table.Td key={tally.key} ta="right">
                        {n(site[tally.key])}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        ) : null}
        {data.pools.length > 0 ? (
          <Stack gap="xs" component="section" aria-labelledby="availability-pools">
            <Title order={3} size="h5" id="availability-pools">
              {t('availability.pools')}
            </Title>
            {data.pools.map((pool) => (
              <Stack key={pool.id} gap={2} data-pool={pool.id}>
                <Text size="sm" c={pool.overCapacity ? 'red.9' : undefined} fw={pool.overCapacity ? 700 : undefined}>
                  {t('availability.pool', { name: pool.name ?? pool.id, workers: n(pool.remoteWorkers), capacity: n(pool.capacity) })}
                  {pool.overCapacity ? ` ${t('availability.overCapacity')}` : ''}
                </Text>
                <Progress
                  size="lg"
                  value={pool.capacity > 0 ? Math.min(100, (pool.remoteWorkers / pool.capacity) * 100) : 100}
                  color={pool.overCapacity ? 'red' : 'blue'}
                  aria-label={pool.name ?? pool.id}
                />
              </Stack>
            ))}
          </Stack>
        ) : null}
      </SimpleGrid>
    </Stack>
  );
}
