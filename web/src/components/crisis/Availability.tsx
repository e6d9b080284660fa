// The live availability board of an incident: per activity, the people available on site and remotely against its
// minimum; per remote-access pool, the remote workers against its capacity; per site; and the alerts sent with their
// delivery and answer counts. Every check-in arrives through the incident's live events and refreshes it.
import { Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AlertView, Availability } from '@shared/model/contract/alerts.js';
import { api, type ListPage } from '../../lib/api.js';
import { pick } from '../../lib/crisis.js';
import { crisisKeys, incidentPath } from '../../lib/crisis-queries.js';
import { useFormat, useLanguage } from '../../lib/queries.js';
import { LoadError, Loading } from '../Page.js';
import { useQuery } from '@tanstack/react-query';

function useIncidentData<T>(org: string, id: string, part: string, path: string) {
  return useQuery({ queryKey: [...crisisKeys.incident(org, id), part], enabled: Boolean(org && id), queryFn: () => api<T>(incidentPath(org, id, path)) });
}

export function AvailabilityPanel({ org, incident }: { org: string; incident: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const format = useFormat();
  const board = useIncidentData<Availability>(org, incident, 'availability', '/availability');
  const alerts = useIncidentData<ListPage<AlertView>>(org, incident, 'alerts', '/alerts');
  if (board.isError) return <LoadError error={board.error} />;
  if (!board.data) return <Loading />;
  const data = board.data;
  const n = (value: number) => format.number(value);
  if (data.people === 0)
    return (
      <Paper withBorder p="md">
        <Text>{t('availability.empty')}</Text>
      </Paper>
    );
  return (
    <Stack gap="lg">
      <Text aria-live="polite" data-testid="availability-summary">
        {t('availability.summary', { answered: n(data.answered), people: n(data.people), unanswered: n(data.unanswered) })}
      </Text>
      <Table.ScrollContainer minWidth={820}>
        <Table withTableBorder striped aria-label={t('availability.activities')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('availability.activity')}</Table.Th>
              <Table.Th ta="right">{t('availability.minimum')}</Table.Th>
              <Table.Th ta="right">{t('availability.onSite')}</Table.Th>
              <Table.Th ta="right">{t('availability.remote')}</Table.Th>
              <Table.Th ta="right">{t('availability.unavailable')}</Table.Th>
              <Table.Th ta="right">{t('availability.needHelp')}</Table.Th>
              <Table.Th ta="right">{t('availability.unanswered')}</Table.Th>
              <Table.Th>{t('availability.state')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.activities
              .filter((activity) => activity.people > 0)
              .map((activity) => (
                <Table.Tr key={activity.id} data-activity={activity.id}>
                  <Table.Td>{pick(activity.name, activity.names, language)}</Table.Td>
                  <Table.Td ta="right">{n(activity.minimum)}</Table.Td>
                  <Table.Td ta="right">{n(activity.availableOnSite)}</Table.Td>
                  <Table.Td ta="right">{n(activity.availableRemote)}</Table.Td>
                  <Table.Td ta="right">{n(activity.unavailable)}</Table.Td>
                  <Table.Td ta="right">{n(activity.needHelp)}</Table.Td>
                  <Table.Td ta="right">{n(activity.unanswered)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={600} c={activity.belowMinimum ? 'red.8' : 'green.8'} style={{ whiteSpace: 'nowrap' }}>
                      {activity.belowMinimum ? t('availability.below') : t('availability.enough')}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {data.pools.length > 0 ? (
        <Stack gap="xs">
          <Title order={3} size="h5">
            {t('availability.pools')}
          </Title>
          {data.pools.map((pool) => (
            <Stack key={pool.id} gap={2} data-pool={pool.id}>
              <Text size="sm">{t('availability.pool', { name: pool.name ?? pool.id, workers: n(pool.remoteWorkers), capacity: n(pool.capacity) })}</Text>
              <Progress
                value={pool.capacity > 0 ? Math.min(100, (pool.remoteWorkers / pool.capacity) * 100) : 100}
                color={pool.overCapacity ? 'red' : 'blue'}
                aria-label={pool.name ?? pool.id}
              />
            </Stack>
          ))}
        </Stack>
      ) : null}
      {alerts.data && alerts.data.items.length > 0 ? (
        <Stack gap="xs">
          <Title order={3} size="h5">
            {t('availability.alerts')}
          </Title>
          <Table withTableBorder aria-label={t('availability.alerts')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('availability.sentAt')}</Table.Th>
                <Table.Th ta="right">{t('availability.recipients')}</Table.Th>
                <Table.Th ta="right">{t('availability.sent')}</Table.Th>
                <Table.Th ta="right">{t('availability.delivered')}</Table.Th>
                <Table.Th ta="right">{t('availability.failed')}</Table.Th>
                <Table.Th ta="right">{t('availability.answered')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {alerts.data.items.map((alert) => (
                <Table.Tr key={alert.id}>
                  <Table.Td>{format.dateTime(alert.createdAt)}</Table.Td>
                  <Table.Td ta="right">{n(alert.recipients)}</Table.Td>
                  <Table.Td ta="right">{n(alert.sent)}</Table.Td>
                  <Table.Td ta="right">{n(alert.delivered)}</Table.Td>
                  <Table.Td ta="right">{n(alert.failed)}</Table.Td>
                  <Table.Td ta="right">{n(alert.answered)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      ) : null}
    </Stack>
  );
}
