// The follow-up queue of an incident: people who answered "I need help" and those no wave reached. A volunteer claims
// a case (it becomes theirs), calls the person, keeps notes, and closes it with its outcome. Notes may be health
// data: the server lets only the followUp role read them, and records each read; this page asks for them only when
// the server says the caller may, and only when a volunteer opens them. Live through the incident's events.
import { Alert, Anchor, Badge, Button, Group, Modal, NativeSelect, Paper, Stack, Table, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FollowUpCaseView } from '@shared/model/contract/alerts.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { allows, useAbilities } from '../lib/abilities.js';
import { followUpKey, useCaseNotes, useFollowUpCases } from '../lib/alert-queries.js';
import { api, isApiError } from '../lib/api.js';
import { incidentPath, useIncidentEvents, useIncidents } from '../lib/crisis-queries.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt } from '../lib/problems.js';
import { useSearchParam } from '../lib/search-params.js';
import { useFormat, useOrgId } from '../lib/queries.js';

const STATUSES = ['open', 'claimed', 'closed'] as const;
const OUTCOMES = ['reached', 'unreachable', 'referred', 'no_longer_needed'] as const;

export default function FollowUp() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const [params, setParam] = useSearchParam();
  const incidents = useIncidents(org, { status: 'open' });
  usePageTitle(t('followUp.title'));
  const open = incidents.data?.items ?? [];
  // The newest open incident unless one is chosen (an incident closed since stays reachable through the address).
  const incident = params.get('incident') ?? open[0]?.id ?? '';
  const status = params.get('status') ?? '';
  const live = useIncidentEvents(org, incident);
  const { can } = useAbilities(org);
  const cases = useFollowUpCases(org, incident, status);
  if (incidents.isError) return <LoadError error={incidents.error} />;
  const choices = open.map((item) => ({ value: item.id, label: `${item.title} (${format.dateTime(item.start)})` }));
  if (incident && !choices.some((choice) => choice.value === incident)) choices.push({ value: incident, label: incident });
  return (
    <Stack gap="md">
      <PageHeader title={t('followUp.title')} description={t('followUp.description')} />
      {!incidents.data ? (
        <Loading />
      ) : !incident ? (
        <Paper withBorder p="md">
          <Text>{t('followUp.noIncident')}</Text>
        </Paper>
      ) : (
        <>
          <Group align="flex-end">
            <NativeSelect
              label={t('followUp.incident')}
              value={incident}
              onChange={(event) => setParam('incident', event.currentTarget.value)}
              data={choices}
            />
            <NativeSelect
              label={t('followUp.status')}
              value={status}
              onChange={(event) => setParam('status', event.currentTarget.value || null)}
              data={[{ value: '', label: t('followUp.all') }, ...STATUSES.map((value) => ({ value, label: t(`followUp.statuses.${value}`) }))]}
            />
            <Text size="xs" c={live ? 'teal.9' : 'dimmed'} role="status" pb={8}>
              {live ? t('incident.live') : t('incident.notLive')}
            </Text>
          </Group>
          {cases.isError ? (
            <LoadError error={cases.error} />
          ) : !cases.data ? (
            <Loading />
          ) : cases.data.items.length === 0 ? (
            <Paper withBorder p="md">
              <Text>{t('followUp.empty')}</Text>
            </Paper>
          ) : (
            <Table.ScrollContainer minWidth={900}>
              <Table withTableBorder aria-label={t('followUp.title')} verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('followUp.person')}</Table.Th>
                    <Table.Th>{t('followUp.reason')}</Table.Th>
                    <Table.Th>{t('followUp.contact')}</Table.Th>
                    <Table.Th>{t('followUp.status')}</Table.Th>
                    <Table.Th>{t('followUp.actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {cases.data.items.map((item) => (
                    <CaseRow key={item.id} org={org} item={item} canReadNotes={can('followUpNotes', 'read')} canWriteNotes={can('followUpNotes', 'create')} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </>
      )}
    </Stack>
  );
}

function CaseRow({ org, item, canReadNotes, canWriteNotes }: { org: string; item: FollowUpCaseView; canReadNotes: boolean; canWriteNotes: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const [closing, setClosing] = useState(false);
  const [notesOpen, setNotesOpen] = useState(false);
  const change = useMutation({
    mutationFn: (body: { action: 'claim' | 'release' } | { action: 'close'; outcome: string }) =>
      api<FollowUpCaseView>(incidentPath(org, item.incident, `/follow-up/${item.id}`), { method: 'POST', body }),
    onSuccess: async () => {
      setClosing(false);
      await client.invalidateQueries({ queryKey: followUpKey(org, item.incident) });
    },
  });
  const name = item.person.name ?? item.person.id;
  const canChange = allows(item, 'update');
  return (
    <Table.Tr data-case={item.id}>
      <Table.Td>
        <Text fw={600}>{name}</Text>
        <Text size="xs" c="dimmed">
          {item.person.id}
          {item.person.site ? ` · ${item.person.site}` : ''} · {t(`languageNames.${item.person.language}`, { defaultValue: item.person.language })}
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge color={item.reason === 'need_help' ? 'red' : 'orange'} variant="light" tt="none">
          {t(`followUp.reasons.${item.reason}`)}
        </Badge>
        {item.lastAnswer ? (
          <Text size="xs" c="dimmed" mt={2}>
            {t('followUp.lastAnswer', { answer: t(`alerts.answers.${item.lastAnswer.status}`), date: format.dateTime(item.lastAnswer.at) })}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          {item.person.mobile ? (
            <Anchor href={`tel:${item.person.mobile}`} aria-label={t('followUp.call', { name, number: item.person.mobile })}>
              {item.person.mobile}
            </Anchor>
          ) : null}
          {item.person.email ? (
            <Anchor href={`mailto:${item.person.email}`} size="sm">
              {item.person.email}
            </Anchor>
          ) : null}
        </Stack>
      </Table.Td>
      <Table.Td>
        <Text size="sm" data-testid="case-status">
          {t(`followUp.statuses.${item.status}`)}
        </Text>
        {item.claimedBy && item.status !== 'open' ? (
          <Text size="xs" c="dimmed">
            {t('followUp.claimedBy', { by: item.claimedBy, date: item.claimedAt ? format.dateTime(item.claimedAt) : '' })}
          </Text>
        ) : null}
        {item.outcome ? (
          <Text size="xs" c="dimmed">
            {t(`followUp.outcomes.${item.outcome}`)}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Group gap="xs">
          {canChange && item.status === 'open' ? (
            <Button size="compact-sm" onClick={() => change.mutate({ action: 'claim' })} loading={change.isPending}>
              {t('followUp.claim', { name })}
            </Button>
          ) : null}
          {canChange && item.status === 'claimed' ? (
            <>
              <Button size="compact-sm" variant="default" onClick={() => change.mutate({ action: 'release' })} loading={change.isPending}>
                {t('followUp.release')}
              </Button>
              <Button size="compact-sm" color="dark" onClick={() => setClosing(true)}>
                {t('followUp.close')}
              </Button>
            </>
          ) : null}
          {canReadNotes ? (
            <Button size="compact-sm" variant="light" onClick={() => setNotesOpen(true)}>
              {t('followUp.notes', { count: item.notes })}
            </Button>
          ) : null}
        </Group>
        {change.error ? (
          <Alert color="red" role="alert" p="xs" mt={4}>
            {errorSentence(change.error, t)}
          </Alert>
        ) : null}
        {closing ? (
          <CloseCase
            name={name}
            pending={change.isPending}
            onClose={() => setClosing(false)}
            onSubmit={(outcome) => change.mutate({ action: 'close', outcome })}
          />
        ) : null}
        {canReadNotes && notesOpen ? (
          <CaseNotes org={org} item={item} name={name} canWrite={canWriteNotes && item.status !== 'closed'} onClose={() => setNotesOpen(false)} />
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

function CloseCase({ name, pending, onClose, onSubmit }: { name: string; pending: boolean; onClose: () => void; onSubmit: (outcome: string) => void }) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<string>('reached');
  return (
    <Modal opened onClose={onClose} title={t('followUp.closeTitle', { name })} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit(outcome);
        }}
      >
        <Stack>
          <NativeSelect
            label={t('followUp.outcome')}
            value={outcome}
            onChange={(event) => setOutcome(event.currentTarget.value)}
            data={OUTCOMES.map((value) => ({ value, label: t(`followUp.outcomes.${value}`) }))}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="dark" loading={pending}>
              {t('followUp.closeCase')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The notes of a case, read when opened (each read is audited), and a new note. */
function CaseNotes({ org, item, name, canWrite, onClose }: { org: string; item: FollowUpCaseView; name: string; canWrite: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const notes = useCaseNotes(org, item.incident, item.id, true);
  const [text, setText] = useState('');
  const add = useMutation({
    mutationFn: () => api(incidentPath(org, item.incident, `/follow-up/${item.id}/notes`), { method: 'POST', body: { text } }),
    onSuccess: async (saved) => {
      setText('');
      client.setQueryData([...followUpKey(org, item.incident), 'notes', item.id], saved);
      await client.invalidateQueries({ queryKey: [...followUpKey(org, item.incident), 'list'] });
    },
  });
  const problems = isApiError(add.error) ? groupByField(add.error.details) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <Modal opened onClose={onClose} title={t('followUp.notesOf', { name })} size="lg" closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack>
        <Text size="xs" c="dimmed">
          {t('followUp.notesPrivacy')}
        </Text>
        {notes.isError ? <LoadError error={notes.error} /> : null}
        {!notes.data && !notes.isError ? <Loading /> : null}
        {notes.data && notes.data.items.length === 0 ? <Text size="sm">{t('followUp.noNotes')}</Text> : null}
        {notes.data && notes.data.items.length > 0 ? (
          <Stack gap="xs" data-testid="case-notes">
            {notes.data.items.map((note) => (
              <Paper key={note.id} withBorder p="xs">
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {note.text}
                </Text>
                <Text size="xs" c="dimmed">
                  {note.author} · {format.dateTime(note.at)}
                </Text>
              </Paper>
            ))}
          </Stack>
        ) : null}
        {canWrite ? (
          <form onSubmit={submit}>
            <Stack gap="xs">
              <Textarea
                label={t('followUp.newNote')}
                autosize
                minRows={2}
                maxLength={4000}
                value={text}
                onChange={(event) => setText(event.currentTarget.value)}
                error={fieldErrorText(problemsAt(problems, 'text'), t)}
              />
              <Group justify="flex-end">
                <Button type="submit" disabled={!text.trim()} loading={add.isPending}>
                  {t('followUp.addNote')}
                </Button>
              </Group>
            </Stack>
          </form>
        ) : null}
        {add.error && !problems?.size ? (
          <Alert color="red" role="alert">
            {errorSentence(add.error, t)}
          </Alert>
        ) : null}
      </Stack>
    </Modal>
  );
}
