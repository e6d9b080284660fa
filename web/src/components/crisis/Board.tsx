// The situation board: per affected activity, its status since when and the time left before its MTPD, counting
// down every second from the server's clock; activity owners (and the crisis team) change the status of theirs.
import { Alert, NativeSelect, Paper, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { allows } from '../../lib/abilities.js';
import { api } from '../../lib/api.js';
import { countdown, hoursLeftAt, pick, urgency, type BoardLine, type IncidentView, type SituationBoard } from '../../lib/crisis.js';
import { crisisKeys, incidentPath, useBoard, useNow } from '../../lib/crisis-queries.js';
import { errorSentence } from '../../lib/problems.js';
import { useFormat, useLanguage } from '../../lib/queries.js';
import { LoadError, Loading } from '../Page.js';
import { ActivityStatusBadge } from './Badges.js';

export function Board({ org, incident }: { org: string; incident: IncidentView }) {
  const { t } = useTranslation();
  const board = useBoard(org, incident.id);
  const now = useNow(1000);
  const client = useQueryClient();
  const change = useMutation({
    mutationFn: (input: { activity: string; status: BoardLine['status'] }) =>
      api<SituationBoard>(incidentPath(org, incident.id, `/activities/${encodeURIComponent(input.activity)}`), {
        method: 'PUT',
        body: { status: input.status },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: crisisKeys.incident(org, incident.id) }),
  });
  if (board.isError) return <LoadError error={board.error} />;
  if (!board.data) return <Loading />;
  // The server's clock, kept as the page's time passes; a closed incident's clocks stand still at its end.
  const skew = Date.parse(board.data.now) - board.dataUpdatedAt;
  const clock = incident.status === 'closed' ? Date.parse(board.data.now) : now + skew;
  const lines = board.data.activities;
  return (
    <Stack gap="sm">
      {change.error ? (
        <Alert color="red" role="alert">
          {errorSentence(change.error, t)}
        </Alert>
      ) : null}
      {lines.length === 0 ? (
        <Paper withBorder p="lg">
          <Text size="sm">{t('incident.board.empty')}</Text>
        </Paper>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table withTableBorder striped aria-label={t('incident.tabs.board')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('incident.board.activity')}</Table.Th>
                <Table.Th>{t('incident.board.status')}</Table.Th>
                <Table.Th>{t('terms.mtpd.name')}</Table.Th>
                <Table.Th>{t('incident.board.deadline')}</Table.Th>
                <Table.Th>{t('incident.board.left')}</Table.Th>
                <Table.Th>{t('incident.board.change')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lines.map((line) => (
                <BoardRow
                  key={line.activity}
                  line={line}
                  clock={clock}
                  editable={incident.status === 'open' && allows(line, 'update')}
                  pending={change.isPending && change.variables?.activity === line.activity}
                  onChange={(status) => change.mutate({ activity: line.activity, status })}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function BoardRow({
  line,
  clock,
  editable,
  pending,
  onChange,
}: {
  line: BoardLine;
  clock: number;
  editable: boolean;
  pending: boolean;
  onChange: (status: BoardLine['status']) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const language = useLanguage();
  const left = hoursLeftAt(line.deadline, clock);
  const colour = urgency(left, line.mtpd);
  const name = pick(line.name, line.names, language);
  return (
    <Table.Tr data-activity={line.activity}>
      <Table.Td>
        <Text fw={600} size="sm">
          {name}
        </Text>
        {line.owner ? (
          <Text size="xs" c="dimmed">
            {line.owner}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        <ActivityStatusBadge status={line.status} />
        <Text size="xs" c="dimmed">
          {t('incident.board.since', { date: format.dateTime(line.since) })}
        </Text>
      </Table.Td>
      <Table.Td>{format.duration(line.mtpd)}</Table.Td>
      <Table.Td>{line.deadline ? format.dateTime(line.deadline) : '—'}</Table.Td>
      <Table.Td>
        {left === null ? (
          <Text size="sm" c="dimmed">
            {t('incident.board.noClock')}
          </Text>
        ) : (
          <Text
            ff="monospace"
            fw={700}
            c={colour === 'teal' ? 'teal.9' : colour === 'orange' ? 'orange.9' : 'red.9'}
            data-testid="countdown"
            data-seconds={Math.round(left * 3600)}
            aria-label={
              left < 0
                ? t('incident.board.pastBy', { name, time: countdown(left, t('incident.board.dayUnit')) })
                : t('incident.board.leftFor', { name, time: countdown(left, t('incident.board.dayUnit')) })
            }
          >
            {countdown(left, t('incident.board.dayUnit'))}
            {left < 0 ? ` ${t('incident.board.breached')}` : ''}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {editable ? (
          <NativeSelect
            aria-label={t('incident.board.statusOf', { name })}
            value={line.status}
            disabled={pending}
            onChange={(event) => onChange(event.currentTarget.value as BoardLine['status'])}
            data={(['operating', 'degraded', 'stopped'] as const).map((value) => ({ value, label: t(`activityStatus.${value}`) }))}
          />
        ) : (
          '—'
        )}
      </Table.Td>
    </Table.Tr>
  );
}
