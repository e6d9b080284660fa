// A simulation's result: totals, the timeline of disrupted periods against MTPD marks, the breached activities with
// their causes in plain words, and remote-access demand against capacity.
import { Anchor, Badge, Group, Paper, SimpleGrid, Table, Text } from '@mantine/core';
import type { OrganisationModel } from '@shared/model/organisation.js';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { EChart } from '../EChart.js';
import type { Formatter, Translate } from '../../lib/format.js';
import { useFormat } from '../../lib/queries.js';
import { causeText, explainCause, timelineRows, type NameOf, type SimulationResult, type StoredScenario, type TimelineRow } from '../../lib/scenarios.js';

const loadCharts = () => import('../../charts/scenario.js');

export const COLOURS = {
  within: '#e8590c',
  beyond: '#c92a2a',
  approximate: '#868e96',
  mark: '#1a1b1e',
  capacity: '#1864ab',
  demandOk: '#2b8a3e',
  demandOver: '#c92a2a',
};
const DEFAULT_HORIZON = 2160;

/** Rows of the timeline and the causes of their runs, computed once per result. */
export function useTimeline(result: SimulationResult, model: OrganisationModel, scenario: StoredScenario, name: NameOf) {
  const { t } = useTranslation();
  const format = useFormat();
  return useMemo(() => {
    const horizon = scenario.horizon ?? DEFAULT_HORIZON;
    const rows = timelineRows(result, model.activities, horizon);
    const cause = (row: TimelineRow, index: number) =>
      causeText(explainCause(row.id, row.result.binding[index], { model, scenario, result }), t as Translate, format, name);
    return { horizon, rows, cause };
  }, [result, model, scenario, name, t, format]);
}

/** "day 3" for an hour of the scenario (hours counted from its start). */
export function dayText(hours: number | null | undefined, t: Translate, format: Formatter): string {
  if (hours === null || hours === undefined) return '—';
  return t('timeline.dayOf', { day: format.number(hours / 24, 1) });
}

export function Totals({ result, rows, model }: { result: SimulationResult; rows: TimelineRow[]; model: OrganisationModel }) {
  const { t } = useTranslation();
  const format = useFormat();
  const disrupted = rows.filter((row) => row.result.disruptedHours > 0).length;
  const short = result.pools.filter((pool) => pool.unmetHours > 0).length;
  const first = rows.find((row) => row.breachAt !== null);
  // Results stored before costs of downtime have none; an organisation that values no activity has nothing to show.
  const valued = model.activities.filter((activity) => activity.downtimeCostPerHour !== undefined).length;
  const downtime = valued > 0 && result.downtimeCost !== undefined && result.yearlyDowntimeCost !== undefined;
  return (
    <SimpleGrid cols={{ base: 2, lg: downtime ? 5 : 4 }} spacing="sm">
      <Figure
        value={format.number(result.breached)}
        label={t('results.breached', { count: result.breached })}
        tone={result.breached > 0 ? 'bad' : 'good'}
        testId="breached-count"
      />
      <Figure
        value={format.number(disrupted)}
        label={t('results.disrupted', { count: disrupted, total: format.number(model.activities.length) })}
        tone={disrupted > 0 ? 'warn' : 'good'}
      />
      <Figure value={first ? dayText(first.breachAt, t as Translate, format) : '—'} label={t('results.firstBreach')} tone={first ? 'bad' : 'good'} />
      <Figure value={format.money(result.cost)} label={t('results.cost')} note={short > 0 ? t('results.poolsShort', { count: short }) : undefined} />
      {downtime ? (
        <Figure
          value={format.money(result.downtimeCost)}
          label={t('results.downtimeCost')}
          note={t('results.downtimeCostNote', {
            yearly: format.money(result.yearlyDowntimeCost),
            valued: format.number(valued),
            total: format.number(model.activities.length),
          })}
          tone={result.downtimeCost! > 0 ? 'warn' : 'good'}
          testId="downtime-cost"
        />
      ) : null}
    </SimpleGrid>
  );
}

function Figure({ value, label, note, tone, testId }: { value: string; label: string; note?: string; tone?: 'good' | 'bad' | 'warn'; testId?: string }) {
  const colour = tone === 'bad' ? 'red.9' : tone === 'warn' ? 'orange.9' : tone === 'good' ? 'teal.9' : undefined;
  return (
    <Paper withBorder p="md">
      <Text fz={28} fw={700} lh={1.1} c={colour} data-testid={testId}>
        {value}
      </Text>
      <Text size="sm" fw={600} mt={4}>
        {label}
      </Text>
      {note ? (
        <Text size="xs" c="dimmed" mt={2}>
          {note}
        </Text>
      ) : null}
    </Paper>
  );
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Disrupted periods per activity (breached first), each split at its MTPD, with a mark where the MTPD runs out. */
export function Timeline({
  rows,
  horizon,
  name,
  cause,
}: {
  rows: TimelineRow[];
  horizon: number;
  name: NameOf;
  cause: (row: TimelineRow, run: number) => string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const shown = useMemo(() => rows.filter((row) => row.result.disruptedHours > 0), [rows]);
  const option = useMemo(() => {
    const names = shown.map((row) => name('activities', row.id));
    const bars: Array<{ value: [number, number, number]; itemStyle: { color: string }; tip: string }> = [];
    const marks: Array<{ value: [number, number]; tip: string }> = [];
    shown.forEach((row, index) => {
      row.runs.forEach((run, runIndex) => {
        const because = cause(row, runIndex);
        const base = `<b>${escapeHtml(names[index])}</b><br/>`;
        if (!run.exact) {
          bars.push({
            value: [index, run.from, run.to],
            itemStyle: { color: COLOURS.approximate },
            tip:
              base +
              escapeHtml(t('timeline.approximate', { from: dayText(run.from, t as Translate, format), to: dayText(run.to, t as Translate, format) })) +
              '<br/>' +
              escapeHtml(because),
          });
          return;
        }
        const period = escapeHtml(
          t('timeline.period', {
            from: dayText(run.from, t as Translate, format),
            to: dayText(run.to, t as Translate, format),
            length: format.durationLong(run.to - run.from),
          }),
        );
        if (run.breachAt !== null) {
          bars.push({ value: [index, run.from, run.breachAt], itemStyle: { color: COLOURS.within }, tip: base + period + '<br/>' + escapeHtml(because) });
          bars.push({
            value: [index, run.breachAt, run.to],
            itemStyle: { color: COLOURS.beyond },
            tip:
              base +
              period +
              '<br/>' +
              escapeHtml(t('timeline.beyond', { at: dayText(run.breachAt, t as Translate, format), mtpd: format.duration(row.mtpd) })) +
              '<br/>' +
              escapeHtml(because),
          });
        } else bars.push({ value: [index, run.from, run.to], itemStyle: { color: COLOURS.within }, tip: base + period + '<br/>' + escapeHtml(because) });
        const mark = run.from + row.mtpd;
        if (mark < horizon && Number.isFinite(mark))
          marks.push({
            value: [mark, index],
            tip: base + escapeHtml(t('timeline.mark', { mtpd: format.duration(row.mtpd), at: dayText(mark, t as Translate, format) })),
          });
      });
    });
    const step = horizon > 24 * 40 ? 168 : horizon > 24 * 6 ? 24 : 4;
    return {
      aria: { enabled: true },
      animation: false,
      tooltip: { trigger: 'item', formatter: (params: { data?: { tip?: string } }) => params.data?.tip ?? '' },
      grid: { left: 8, right: 24, top: 12, bottom: 36, containLabel: true },
      xAxis: {
        type: 'value',
        min: 0,
        max: horizon,
        interval: step,
        axisLabel: {
          color: '#343a40',
          formatter: (hours: number) => (step >= 24 ? t('timeline.dayTick', { day: format.number(hours / 24, 0) }) : format.duration(hours)),
        },
        splitLine: { lineStyle: { color: '#e9ecef' } },
        name: '',
      },
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { color: '#1a1b1e', width: 200, overflow: 'truncate' }, axisTick: { show: false } },
      series: [
        {
          type: 'custom',
          name: t('timeline.disrupted'),
          encode: { x: [1, 2], y: 0 },
          renderItem: (
            _params: unknown,
            api: {
              value: (i: number) => number;
              coord: (v: [number, number]) => [number, number];
              size: (v: [number, number]) => [number, number];
              style: () => object;
            },
          ) => {
            const row = api.value(0);
            const start = api.coord([api.value(1), row]);
            const end = api.coord([api.value(2), row]);
            const height = api.size([0, 1])[1] * 0.56;
            return { type: 'rect', shape: { x: start[0], y: start[1] - height / 2, width: Math.max(2, end[0] - start[0]), height }, style: api.style() };
          },
          data: bars,
        },
        { type: 'scatter', name: t('terms.mtpd.name'), symbol: 'rect', symbolSize: [3, 22], itemStyle: { color: COLOURS.mark }, data: marks, z: 5 },
      ],
    };
  }, [shown, horizon, name, cause, t, format]);
  if (shown.length === 0) return <Text size="sm">{t('timeline.nothing')}</Text>;
  return (
    <div>
      <EChart load={loadCharts} option={option} height={Math.max(140, shown.length * 30 + 60)} label={t('timeline.chartLabel', { count: shown.length })} />
      <Group gap="lg" mt={4} role="list" aria-label={t('timeline.legend')}>
        <Legend colour={COLOURS.within} text={t('timeline.legendWithin')} />
        <Legend colour={COLOURS.beyond} text={t('timeline.legendBeyond')} />
        <Legend colour={COLOURS.mark} text={t('timeline.legendMark')} narrow />
        {shown.some((row) => row.runs.some((run) => !run.exact)) ? <Legend colour={COLOURS.approximate} text={t('timeline.legendApproximate')} /> : null}
      </Group>
    </div>
  );
}

export function Legend({ colour, text, narrow = false }: { colour: string; text: string; narrow?: boolean }) {
  return (
    <Group gap={6} wrap="nowrap" role="listitem">
      <span aria-hidden style={{ display: 'inline-block', width: narrow ? 3 : 14, height: 12, background: colour, borderRadius: 1 }} />
      <Text size="xs">{text}</Text>
    </Group>
  );
}

/** The activities that breach their MTPD (or, with `all`, every disrupted one), with when and why. */
export function BreachTable({
  org,
  rows,
  name,
  cause,
  all = false,
  caption,
}: {
  org: string;
  rows: TimelineRow[];
  name: NameOf;
  cause: (row: TimelineRow, run: number) => string;
  all?: boolean;
  caption?: string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const shown = rows.filter((row) => (all ? row.result.disruptedHours > 0 : row.result.mtpdBreached));
  const base = `/orgs/${encodeURIComponent(org)}`;
  if (shown.length === 0) return <Text size="sm">{all ? t('timeline.nothing') : t('results.noBreach')}</Text>;
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped withTableBorder aria-label={caption} data-testid={all ? 'disrupted-table' : 'breach-table'}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('graph.kinds.activity')}</Table.Th>
            <Table.Th w={80}>{t('terms.mtpd.name')}</Table.Th>
            <Table.Th w={120}>{t('results.breachAt')}</Table.Th>
            <Table.Th w={110}>{t('results.longest')}</Table.Th>
            <Table.Th w={120}>{t('results.recovered')}</Table.Th>
            <Table.Th>{t('results.why')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((row) => {
            const causes = [...new Set(row.result.binding.map((_binding, index) => cause(row, index)))];
            return (
              <Table.Tr key={row.id} data-activity={row.id}>
                <Table.Td>
                  <Anchor component={Link} to={`${base}/activities/${encodeURIComponent(row.id)}`} size="sm">
                    {name('activities', row.id)}
                  </Anchor>
                  {row.result.mtpdBreached ? null : (
                    <Badge ml={6} size="xs" variant="light" color="gray">
                      {t('results.withinMtpd')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{format.duration(row.mtpd)}</Table.Td>
                <Table.Td>{row.breachAt === null ? '—' : dayText(row.breachAt, t as Translate, format)}</Table.Td>
                <Table.Td>{format.duration(row.result.longestDisruption)}</Table.Td>
                <Table.Td>{row.result.recoveredAt === null ? t('results.notRecovered') : dayText(row.result.recoveredAt, t as Translate, format)}</Table.Td>
                <Table.Td>
                  {causes.map((text) => (
                    <Text key={text} size="sm">
                      {text}
                    </Text>
                  ))}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Remote-access pools: peak demand against the capacity at that hour, and the hours with unmet demand. */
export function PoolDemand({ result, name }: { result: SimulationResult; name: NameOf }) {
  const { t } = useTranslation();
  const format = useFormat();
  const option = useMemo(() => {
    const names = result.pools.map((pool) => name('pools', pool.id));
    return {
      aria: { enabled: true },
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (value: number) => format.number(value, 0) },
      legend: { bottom: 0, textStyle: { color: '#1a1b1e' } },
      grid: { left: 8, right: 24, top: 12, bottom: 40, containLabel: true },
      xAxis: { type: 'value', axisLabel: { color: '#343a40' }, splitLine: { lineStyle: { color: '#e9ecef' } } },
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { color: '#1a1b1e' } },
      series: [
        {
          type: 'bar',
          name: t('pools.capacity'),
          data: result.pools.map((pool) => Math.round(pool.capacityAtPeak)),
          itemStyle: { color: COLOURS.capacity },
          label: { show: true, position: 'right', color: '#1a1b1e' },
        },
        {
          type: 'bar',
          name: t('pools.demand'),
          data: result.pools.map((pool) => ({
            value: Math.round(pool.peakDemand),
            itemStyle: { color: pool.peakDemand > pool.capacityAtPeak + 1e-9 ? COLOURS.demandOver : COLOURS.demandOk },
          })),
          itemStyle: { color: COLOURS.demandOver },
          label: { show: true, position: 'right', color: '#1a1b1e' },
        },
      ],
    };
  }, [result, name, t, format]);
  if (result.pools.length === 0) return <Text size="sm">{t('pools.none')}</Text>;
  return (
    <div>
      <EChart load={loadCharts} option={option} height={Math.max(140, result.pools.length * 70 + 60)} label={t('pools.chartLabel')} />
      <Table striped withTableBorder mt="sm" aria-label={t('pools.title')} data-testid="pool-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('collections.pools.one')}</Table.Th>
            <Table.Th className="num">{t('pools.demand')}</Table.Th>
            <Table.Th className="num">{t('pools.capacity')}</Table.Th>
            <Table.Th className="num">{t('pools.short')}</Table.Th>
            <Table.Th className="num">{t('pools.unmetHours')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {result.pools.map((pool) => {
            const short = Math.max(0, pool.peakDemand - pool.capacityAtPeak);
            return (
              <Table.Tr key={pool.id} data-pool={pool.id}>
                <Table.Td>{name('pools', pool.id)}</Table.Td>
                <Table.Td className="num">{format.number(pool.peakDemand, 0)}</Table.Td>
                <Table.Td className="num">{format.number(pool.capacityAtPeak, 0)}</Table.Td>
                <Table.Td className="num">
                  {short > 0 ? (
                    <Text span size="sm" fw={700} c="red.9">
                      {format.number(short, 0)}
                    </Text>
                  ) : (
                    '0'
                  )}
                </Table.Td>
                <Table.Td className="num">{pool.unmetHours > 0 ? format.durationLong(pool.unmetHours) : '—'}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </div>
  );
}
