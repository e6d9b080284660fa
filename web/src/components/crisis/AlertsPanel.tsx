// The alerts of an incident and how each is going: people reached, messages queued, sent, delivered and failed,
// answers, the current wave; refreshed by the incident's live events (deliveries and check-ins are announced), and
// read again every few seconds while those are not connected. The composer opens from here for those who may send.
import { Alert, Anchor, Badge, Button, Group, Paper, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CHECKIN_STATUSES } from '@shared/model/alert-texts.js';
import type { AlertView } from '@shared/model/contract/alerts.js';
import { allows } from '../../lib/abilities.js';
import { useAlerts } from '../../lib/alert-queries.js';
import { api } from '../../lib/api.js';
import { crisisKeys, incidentPath } from '../../lib/crisis-queries.js';
import { errorSentence } from '../../lib/problems.js';
import { useFormat } from '../../lib/queries.js';
import { LoadError, Loading } from '../Page.js';
import { AlertComposer } from './AlertComposer.js';

const STATUS_COLOURS: Record<AlertView['status'], string> = { sending: 'orange', waiting: 'blue', done: 'gray', stopped: 'gray' };

export function AlertsPanel({
  org,
  incident,
  open,
  live,
  canPickPeople,
}: {
  org: string;
  incident: string;
  open: boolean;
  live: boolean;
  canPickPeople: boolean;
}) {
  const { t } = useTranslation();
  const alerts = useAlerts(org, incident, { live });
  const [composing, setComposing] = useState(false);
  if (alerts.isError) return <LoadError error={alerts.error} />;
  if (!alerts.data) return <Loading />;
  const canSend = allows(alerts.data, 'create') && open;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={720}>
          {t('alerts.intro')}
        </Text>
        {canSend ? (
          <Button color="red" onClick={() => setComposing(true)}>
            {t('alerts.compose')}
          </Button>
        ) : null}
      </Group>
      {alerts.data.items.length === 0 ? (
        <Paper withBorder p="md">
          <Text>{canSend ? t('alerts.none') : t('abilities.nothingYet')}</Text>
        </Paper>
      ) : (
        alerts.data.items.map((alert) => <AlertProgress key={alert.id} org={org} alert={alert} />)
      )}
      {canSend ? (
        <AlertComposer
          org={org}
          incident={incident}
          canPickPeople={canPickPeople}
          opened={composing}
          onClose={() => setComposing(false)}
          onSent={() => setComposing(false)}
        />
      ) : null}
    </Stack>
  );
}

function AlertProgress({ org, alert }: { org: string; alert: AlertView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const stop = useMutation({
    mutationFn: () => api<AlertView>(incidentPath(org, alert.incident, `/alerts/${alert.id}/stop`), { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: crisisKeys.incident(org, alert.incident) }),
  });
  const n = (value: number) => format.number(value);
  const share = (value: number) => (alert.recipients > 0 ? (value / alert.recipients) * 100 : 0);
  // Each recipient counted once, in their furthest state: answered, else delivered, else sent, else failed, else queued.
  const delivered = Math.max(0, alert.delivered - alert.answered);
  const sentOnly = Math.max(0, alert.sent - alert.delivered - alert.answered);
  const segments = [
    { key: 'answered', value: alert.answered, color: 'teal' },
    { key: 'delivered', value: delivered, color: 'blue' },
    { key: 'sent', value: sentOnly, color: 'cyan' },
    { key: 'failed', value: alert.failed, color: 'red' },
  ];
  const counts = [
    { key: 'recipients', value: alert.recipients },
    { key: 'queued', value: alert.queued },
    { key: 'sent', value: alert.sent },
    { key: 'delivered', value: alert.delivered },
    { key: 'failed', value: alert.failed },
    { key: 'answered', value: alert.answered },
  ];
  const moving = alert.status === 'sending' || alert.status === 'waiting';
  return (
    <Paper withBorder p="md" component="section" aria-label={t('alerts.alertOf', { date: format.dateTime(alert.createdAt) })} data-alert={alert.id}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Group gap="xs">
              <Title order={3} size="h5">
                {alert.message.subject ?? alert.message.text.slice(0, 80)}
              </Title>
              <Badge color={STATUS_COLOURS[alert.status]} variant="light" tt="none" data-testid="alert-status">
                {t(`alerts.status.${alert.status}`)}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed">
              {t('alerts.sentBy', { by: alert.createdBy, date: format.dateTime(alert.createdAt) })} ·{' '}
              {alert.channels.map((channel) => t(`alerts.channel.${channel}`)).join(', ')} ·{' '}
              {t('alerts.waveOf', { wave: alert.wave, count: alert.waves.count })}
              {alert.stopReason ? ` · ${alert.stopReason}` : ''}
            </Text>
          </Stack>
          <Group gap="xs">
            <Anchor href={incidentPath(org, alert.incident, `/alerts/${alert.id}/cap.xml`)} download size="sm">
              {t('alerts.cap')}
            </Anchor>
            {allows(alert, 'update') && moving ? (
              <Button size="compact-sm" variant="default" onClick={() => stop.mutate()} loading={stop.isPending}>
                {t('alerts.stop')}
              </Button>
            ) : null}
          </Group>
        </Group>
        <Progress.Root size="xl" aria-hidden>
          {segments.map((segment) => (segment.value > 0 ? <Progress.Section key={segment.key} value={share(segment.value)} color={segment.color} /> : null))}
        </Progress.Root>
        <SimpleGrid cols={{ base: 3, sm: 6 }} spacing="xs" role="list" aria-live="polite">
          {counts.map((count) => (
            <Stack key={count.key} gap={0} role="listitem" data-count={count.key}>
              <Text size="xs" c="dimmed">
                {t(`alerts.counts.${count.key}`)}
              </Text>
              <Text fw={700}>{n(count.value)}</Text>
            </Stack>
          ))}
        </SimpleGrid>
        <Group gap="xs">
          {CHECKIN_STATUSES.map((status) => (
            <Badge key={status} variant="outline" color="gray" tt="none">
              {t(`alerts.answers.${status}`)}: {n(alert.answers[status] ?? 0)}
            </Badge>
          ))}
        </Group>
        {Object.keys(alert.channelsDetail).length > 0 ? (
          <Table withTableBorder fz="sm" aria-label={t('alerts.perChannel')} maw={560}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('alerts.channels')}</Table.Th>
                {(['queued', 'sent', 'delivered', 'failed'] as const).map((state) => (
                  <Table.Th key={state} ta="right">
                    {t(`alerts.counts.${state}`)}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {Object.entries(alert.channelsDetail).map(([channel, detail]) => (
                <Table.Tr key={channel}>
                  <Table.Td>{t(`alerts.channel.${channel}`)}</Table.Td>
                  <Table.Td ta="right">{n(detail.queued)}</Table.Td>
                  <Table.Td ta="right">{n(detail.sent)}</Table.Td>
                  <Table.Td ta="right">{n(detail.delivered)}</Table.Td>
                  <Table.Td ta="right">{n(detail.failed)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
        {stop.error ? (
          <Alert color="red" role="alert">
            {errorSentence(stop.error, t)}
          </Alert>
        ) : null}
      </Stack>
    </Paper>
  );
}
