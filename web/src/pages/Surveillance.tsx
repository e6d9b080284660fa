// Surveillance (issue 13): the organisation's completed orientation questionnaires counted per day, by orientation,
// department and age range, with the small cells hidden as the server publishes them ("< k", never a figure); the
// CSV exports; the settings (k, retention, sharing with the network) for those the server allows; and the network view
// of the organisations that opt in.
import { Alert, Badge, Button, Checkbox, Group, NativeSelect, NumberInput, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NetworkSurveillanceView, SurveillanceDay, SurveillanceSettings, SurveillanceView } from '@shared/model/contract/surveillance.js';
import { EChart } from '../components/EChart.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { allows, type Abilities } from '../lib/abilities.js';
import { api, orgPath } from '../lib/api.js';
import { errorSentence } from '../lib/problems.js';
import { useFormat, useOrgId } from '../lib/queries.js';
import type { z } from 'zod';

type View = z.infer<typeof SurveillanceView>;
type NetworkView = z.infer<typeof NetworkSurveillanceView>;
type Day = z.infer<typeof SurveillanceDay>;
type SettingsView = SurveillanceSettings & { abilities: Abilities };

const ORIENTATIONS = [
  'less_15',
  'consultation_surveillance_1',
  'consultation_surveillance_2',
  'SAMU',
  'consultation_surveillance_3',
  'consultation_surveillance_4',
  'surveillance',
] as const;
const AGE_RANGES = ['inf_15', 'from_15_to_49', 'from_50_to_64', 'sup_65'] as const;
const COLORS = ['#1971c2', '#2f9e44', '#f08c00', '#c92a2a', '#7048e8', '#0c8599', '#5c940d'];
const load = () => import('../charts/bar.js');

/** Every day from `from` to `to` (ISO dates), so that a day without any record shows as one. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = new Date(`${from}T00:00:00Z`); day <= new Date(`${to}T00:00:00Z`); day.setUTCDate(day.getUTCDate() + 1))
    days.push(day.toISOString().slice(0, 10));
  return days;
}

export default function Surveillance() {
  const { t } = useTranslation();
  const org = useOrgId();
  usePageTitle(t('surveillance.title'));
  const view = useQuery({ queryKey: ['surveillance', org], queryFn: () => api<View>(orgPath(org, '/surveillance')) });
  const settings = useQuery({ queryKey: ['surveillance', org, 'settings'], queryFn: () => api<SettingsView>(orgPath(org, '/surveillance/settings')) });
  const network = useQuery({ queryKey: ['surveillance', 'network'], queryFn: () => api<NetworkView>('/api/surveillance/network') });

  if (view.isError) return <LoadError error={view.error} />;
  if (settings.isError) return <LoadError error={settings.error} />;
  if (!view.data || !settings.data) return <Loading />;
  const k = view.data.k;
  return (
    <Stack gap="md">
      <PageHeader
        title={t('surveillance.title')}
        description={t('surveillance.description')}
        badge={
          <Group gap={6}>
            <Badge variant="light" tt="none" data-testid="surveillance-k">
              {t('surveillance.threshold', { k })}
            </Badge>
            <Badge variant="light" color="gray" tt="none" data-testid="surveillance-retention">
              {t('surveillance.retention', { count: settings.data.retentionDays })}
            </Badge>
          </Group>
        }
        actions={
          <Group gap="xs">
            <Button component="a" variant="default" size="xs" href={orgPath(org, '/surveillance/aggregates.csv')} download>
              {t('surveillance.exportAggregates')}
            </Button>
            <Button component="a" variant="default" size="xs" href={orgPath(org, '/surveillance/records.csv')} download>
              {t('surveillance.exportRecords')}
            </Button>
          </Group>
        }
      />
      <Text size="sm" c="dimmed">
        {t('surveillance.suppressionHelp', { k })}
      </Text>
      {view.data.days.length === 0 ? (
        <Paper withBorder p="xl" data-testid="surveillance-empty">
          <Text>{t('surveillance.empty')}</Text>
        </Paper>
      ) : (
        <Aggregates view={view.data} idPrefix="org" />
      )}
      <SettingsForm org={org} settings={settings.data} />
      <Stack gap="xs" component="section" aria-labelledby="surveillance-network">
        <Title order={2} size="h3" id="surveillance-network">
          {t('surveillance.network')}
        </Title>
        {network.isError ? (
          <LoadError error={network.error} />
        ) : !network.data ? (
          <Loading />
        ) : (
          <>
            <Text size="sm" c="dimmed" data-testid="network-summary">
              {t('surveillance.networkSummary', { count: network.data.organisations, k: network.data.k })}
            </Text>
            {network.data.days.length === 0 ? <Text>{t('surveillance.networkEmpty')}</Text> : <Aggregates view={network.data} idPrefix="network" compact />}
          </>
        )}
      </Stack>
    </Stack>
  );
}

/** A part's published count (null when hidden, never a zero), or 0 when the day has no record of it. */
const publishedOrZero = (entry: { count: number | null } | undefined): number | null => (entry ? entry.count : 0);

/** A published count, or "< k" when the server hides it. */
function Count({ value, k }: { value: number | null; k: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (value === null)
    return (
      <Text span c="dimmed" title={t('surveillance.hidden', { k })} data-suppressed="true">
        {`< ${k}`}
      </Text>
    );
  return <>{format.number(value)}</>;
}

function Aggregates({ view, idPrefix, compact = false }: { view: View; idPrefix: string; compact?: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const latest = view.days[view.days.length - 1]!.day;
  const [selected, setSelected] = useState(latest);
  useEffect(() => setSelected(latest), [latest]);
  const day: Day | undefined = view.days.find((d) => d.day === selected) ?? view.days[view.days.length - 1];
  const orientationLabel = (code: string) => t(`surveillance.orientations.${code}`, { defaultValue: code });
  const option = useMemo(() => {
    const byDay = new Map(view.days.map((d) => [d.day, d]));
    const days = daysBetween(view.from, view.to);
    const present = ORIENTATIONS.filter((code) => view.days.some((d) => d.byOrientation.some((o) => o.orientation === code)));
    return {
      aria: { enabled: true },
      color: COLORS,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: days.map((d) => format.date(d)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        // The day's total, when published: the only figure left on a day whose parts are all hidden.
        { type: 'line', name: t('surveillance.total'), color: '#495057', symbolSize: 6, data: days.map((d) => (byDay.has(d) ? byDay.get(d)!.total : 0)) },
        ...present.map((code) => ({
          type: 'bar',
          stack: 'total',
          name: orientationLabel(code),
          // A hidden count is a gap, never a zero.
          data: days.map((d) => {
            const found = byDay.get(d);
            if (!found) return 0;
            return publishedOrZero(found.byOrientation.find((o) => o.orientation === code));
          }),
        })),
      ],
    };
  }, [view, format, t]);

  return (
    <Stack gap="sm">
      <Paper withBorder p="md">
        <Text fw={600} mb="xs">
          {t('surveillance.perDay')}
        </Text>
        <EChart
          load={load}
          option={option}
          height={compact ? 220 : 300}
          label={t('surveillance.chartLabel', { from: format.date(view.from), to: format.date(view.to) })}
        />
      </Paper>
      <Table.ScrollContainer minWidth={480}>
        <Table withTableBorder striped aria-label={t('surveillance.daysTable')} data-testid={`${idPrefix}-days`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('surveillance.day')}</Table.Th>
              <Table.Th>{t('surveillance.total')}</Table.Th>
              {ORIENTATIONS.map((code) => (
                <Table.Th key={code}>{orientationLabel(code)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...view.days].reverse().map((d) => (
              <Table.Tr key={d.day} data-day={d.day}>
                <Table.Td>{format.date(d.day)}</Table.Td>
                <Table.Td data-total>
                  <Count value={d.total} k={view.k} />
                </Table.Td>
                {ORIENTATIONS.map((code) => {
                  const found = d.byOrientation.find((o) => o.orientation === code);
                  return <Table.Td key={code}>{found ? <Count value={found.count} k={view.k} /> : format.number(0)}</Table.Td>;
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {compact || !day ? null : (
        <Stack gap="xs">
          <Group align="flex-end" gap="sm">
            <Text fw={600}>{t('surveillance.cells')}</Text>
            <NativeSelect
              label={t('surveillance.day')}
              value={day.day}
              onChange={(event) => setSelected(event.currentTarget.value)}
              data={[...view.days].reverse().map((d) => ({ value: d.day, label: format.date(d.day) }))}
            />
          </Group>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <SmallTable
              caption={t('surveillance.byDepartment')}
              head={t('surveillance.department')}
              rows={day.byDepartment.map((d) => ({ key: d.department ?? '', label: d.department ?? t('surveillance.unknownDepartment'), count: d.count }))}
              k={view.k}
            />
            <SmallTable
              caption={t('surveillance.byAgeRange')}
              head={t('surveillance.ageRange')}
              rows={AGE_RANGES.map((range) => ({
                key: range,
                label: t(`surveillance.ageRanges.${range}`),
                count: publishedOrZero(day.byAgeRange.find((a) => a.ageRange === range)),
              }))}
              k={view.k}
            />
          </SimpleGrid>
          <Table.ScrollContainer minWidth={640}>
            <Table withTableBorder striped aria-label={t('surveillance.cellsOf', { day: format.date(day.day) })} data-testid="surveillance-cells">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('surveillance.department')}</Table.Th>
                  <Table.Th>{t('surveillance.orientation')}</Table.Th>
                  <Table.Th>{t('surveillance.ageRange')}</Table.Th>
                  <Table.Th>{t('surveillance.count')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {day.cells.map((cell) => (
                  <Table.Tr key={`${cell.department}|${cell.orientation}|${cell.ageRange}`}>
                    <Table.Td>{cell.department ?? t('surveillance.unknownDepartment')}</Table.Td>
                    <Table.Td>{orientationLabel(cell.orientation)}</Table.Td>
                    <Table.Td>{t(`surveillance.ageRanges.${cell.ageRange}`, { defaultValue: cell.ageRange })}</Table.Td>
                    <Table.Td>
                      <Count value={cell.count} k={view.k} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      )}
    </Stack>
  );
}

function SmallTable({
  caption,
  head,
  rows,
  k,
}: {
  caption: string;
  head: string;
  rows: Array<{ key: string; label: string; count: number | null }>;
  k: number;
}) {
  const { t } = useTranslation();
  return (
    <Table withTableBorder aria-label={caption}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{head}</Table.Th>
          <Table.Th>{t('surveillance.count')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.key}>
            <Table.Td>{row.label}</Table.Td>
            <Table.Td>
              <Count value={row.count} k={k} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function SettingsForm({ org, settings }: { org: string; settings: SettingsView }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [k, setK] = useState<number | string>(settings.k);
  const [retentionDays, setRetentionDays] = useState<number | string>(settings.retentionDays);
  const [share, setShare] = useState(settings.shareWithNetwork);
  useEffect(() => {
    setK(settings.k);
    setRetentionDays(settings.retentionDays);
    setShare(settings.shareWithNetwork);
  }, [settings]);
  const save = useMutation({
    mutationFn: () =>
      api<SettingsView>(orgPath(org, '/surveillance/settings'), {
        method: 'PUT',
        body: { k: Number(k), retentionDays: Number(retentionDays), shareWithNetwork: share },
      }),
    onSuccess: async (result) => {
      client.setQueryData(['surveillance', org, 'settings'], result);
      await client.invalidateQueries({ queryKey: ['surveillance'] });
    },
  });
  if (!allows(settings, 'update'))
    return (
      <Text size="sm" c="dimmed" data-testid="surveillance-settings-readonly">
        {t(settings.shareWithNetwork ? 'surveillance.shared' : 'surveillance.notShared')}
      </Text>
    );
  const dirty = Number(k) !== settings.k || Number(retentionDays) !== settings.retentionDays || share !== settings.shareWithNetwork;
  return (
    <Paper withBorder p="md" maw={640} component="section" aria-labelledby="surveillance-settings">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={2} size="h4" id="surveillance-settings">
            {t('surveillance.settings')}
          </Title>
          <NumberInput label={t('surveillance.k')} description={t('surveillance.kHelp')} min={2} max={1000} allowDecimal={false} value={k} onChange={setK} />
          <NumberInput
            label={t('surveillance.retentionDays')}
            description={t('surveillance.retentionHelp')}
            min={1}
            max={3650}
            allowDecimal={false}
            value={retentionDays}
            onChange={setRetentionDays}
          />
          <Checkbox
            label={t('surveillance.share')}
            description={t('surveillance.shareHelp')}
            checked={share}
            onChange={(event) => setShare(event.currentTarget.checked)}
          />
          {save.error ? (
            <Alert color="red" role="alert">
              {errorSentence(save.error, t)}
            </Alert>
          ) : null}
          {save.isSuccess && !dirty ? (
            <Text size="sm" c="green.9" role="status">
              {t('admin.saved')}
            </Text>
          ) : null}
          <Group>
            <Button type="submit" loading={save.isPending} disabled={!dirty}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
