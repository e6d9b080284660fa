// Management reviews (ISO 22301 9.3): the reviews, and one review's agenda as the server drew it from the programme's
// state (figures and records per item, what needs a decision flagged), minutes per item, decisions that become
// corrective actions, and the signature that closes it. Controls follow the server's abilities.
import { Alert, Anchor, Badge, Button, EmptyState, Group, List, Modal, Paper, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ManagementReviewView } from '@shared/model/contract/assurance.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { allows } from '../lib/abilities.js';
import { api, orgPath, type ListPage } from '../lib/api.js';
import { errorSentence } from '../lib/problems.js';
import { useSearchParam } from '../lib/search-params.js';
import { useFormat, useOrgId } from '../lib/queries.js';

type Summary = Omit<ManagementReviewView, 'attendees' | 'agenda' | 'decisions'>;
type AgendaItem = ManagementReviewView['agenda'][number];

export default function ManagementReviews() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const [params, setParam] = useSearchParam();
  const selected = params.get('review');
  const reviews = useQuery({ queryKey: ['reviews', org], queryFn: () => api<ListPage<Summary>>(orgPath(org, '/management-reviews')) });
  const [creating, setCreating] = useState(false);
  usePageTitle(t('reviews.title'));
  if (reviews.isError) return <LoadError error={reviews.error} />;
  const canCreate = allows(reviews.data, 'create');
  return (
    <Stack gap="md">
      <PageHeader
        title={t('reviews.title')}
        description={t('reviews.description')}
        actions={canCreate ? <Button onClick={() => setCreating(true)}>{t('reviews.create')}</Button> : undefined}
      />
      {!reviews.data ? (
        <Loading />
      ) : reviews.data.items.length === 0 ? (
        <Paper withBorder p="xl">
          <EmptyState title={t('reviews.emptyTitle')} description={canCreate ? t('reviews.emptyText') : t('abilities.nothingYet')} />
        </Paper>
      ) : (
        <Table striped withTableBorder aria-label={t('reviews.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('reviews.review')}</Table.Th>
              <Table.Th>{t('reviews.heldOn')}</Table.Th>
              <Table.Th>{t('reviews.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {reviews.data.items.map((review) => (
              <Table.Tr key={review.id}>
                <Table.Td>
                  <Anchor component="button" fw={600} onClick={() => setParam('review', review.id)}>
                    {review.title}
                  </Anchor>
                </Table.Td>
                <Table.Td>{format.date(review.heldOn)}</Table.Td>
                <Table.Td>{review.status === 'closed' ? t('reviews.signedBy', { name: review.signature }) : t('reviews.open')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {selected ? <ReviewDetail org={org} id={selected} /> : null}
      {canCreate ? <CreateForm org={org} opened={creating} onClose={() => setCreating(false)} onCreated={(id) => setParam('review', id)} /> : null}
    </Stack>
  );
}

function ReviewDetail({ org, id }: { org: string; id: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const review = useQuery({ queryKey: ['reviews', org, id], queryFn: () => api<ManagementReviewView>(orgPath(org, `/management-reviews/${id}`)) });
  const [signature, setSignature] = useState('');
  const refresh = () => client.invalidateQueries({ queryKey: ['reviews', org] });
  const close = useMutation({
    mutationFn: () => api(orgPath(org, `/management-reviews/${id}/close`), { method: 'POST', body: { signature } }),
    onSuccess: refresh,
  });
  const redraw = useMutation({ mutationFn: () => api(orgPath(org, `/management-reviews/${id}/agenda`), { method: 'POST' }), onSuccess: refresh });
  if (review.isError) return <LoadError error={review.error} />;
  if (!review.data) return <Loading />;
  const view = review.data;
  const editable = allows(view, 'update');
  return (
    <Paper withBorder p="md" data-review={id}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h3">
          {view.title}
        </Title>
        {editable ? (
          <Button variant="default" size="compact-sm" loading={redraw.isPending} onClick={() => redraw.mutate()}>
            {t('reviews.redraw')}
          </Button>
        ) : null}
      </Group>
      <Text size="sm">
        {t('reviews.heldOnLine', { date: format.date(view.heldOn) })}
        {view.since ? ` · ${t('reviews.sinceLine', { date: format.date(view.since) })}` : ''}
      </Text>
      {view.attendees.length ? (
        <Text size="sm" mb="sm">
          {t('reviews.attendees')}: {view.attendees.map((attendee) => (attendee.role ? `${attendee.name} (${attendee.role})` : attendee.name)).join(', ')}
        </Text>
      ) : null}
      <Stack gap="md">
        {view.agenda.map((item, index) => (
          <AgendaSection key={item.key} org={org} id={id} item={item} index={index + 1} editable={editable} />
        ))}
      </Stack>
      <Title order={3} size="h4" mt="lg" mb="xs">
        {t('reviews.decisions')}
      </Title>
      {view.decisions.length === 0 ? (
        <Text size="sm">{t('reviews.noDecision')}</Text>
      ) : (
        <List size="sm">
          {view.decisions.map((decision) => (
            <List.Item key={decision.id}>
              <Anchor component={Link} to={`/orgs/${encodeURIComponent(org)}/corrective-actions?source=review`}>
                {decision.title}
              </Anchor>{' '}
              — {decision.owner ?? t('reviews.noOwner')}
              {decision.due ? `, ${format.date(decision.due)}` : ''} ({t(`actionStatus.${decision.status}`)})
            </List.Item>
          ))}
        </List>
      )}
      {editable ? <DecisionForm org={org} id={id} agenda={view.agenda} /> : null}
      {view.status === 'closed' ? (
        <Alert color="green" mt="md">
          {t('reviews.closedLine', { name: view.signature, by: view.closedBy, date: view.closedAt ? format.date(view.closedAt) : '' })}
        </Alert>
      ) : allows(view, 'sign') ? (
        <Group mt="md" align="flex-end">
          <TextInput label={t('reviews.signature')} value={signature} onChange={(e) => setSignature(e.currentTarget.value)} />
          <Button disabled={!signature.trim()} loading={close.isPending} onClick={() => close.mutate()}>
            {t('reviews.sign')}
          </Button>
        </Group>
      ) : null}
      {(close.error ?? redraw.error) ? (
        <Alert color="red" role="alert" mt="xs">
          {errorSentence(close.error ?? redraw.error, t)}
        </Alert>
      ) : null}
    </Paper>
  );
}

function AgendaSection({ org, id, item, index, editable }: { org: string; id: string; item: AgendaItem; index: number; editable: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [minutes, setMinutes] = useState(item.minutes ?? '');
  const save = useMutation({
    mutationFn: () => api(orgPath(org, `/management-reviews/${id}`), { method: 'PATCH', body: { minutes: { [item.key]: minutes.trim() || null } } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['reviews', org, id] }),
  });
  const facts = Object.entries(item.facts).filter(([, value]) => value !== null);
  // Notes are a status, an exercise kind, a count or a completion rate; a risk band's id is the organisation's own word.
  const noteText = (key: string, note: string) =>
    key === 'training' ? `${Math.round(Number(note) * 100)} %` : t(`reviews.notes.${note}`, { defaultValue: note });
  return (
    <section aria-labelledby={`agenda-${item.key}`} data-agenda={item.key}>
      <Group gap="xs">
        <Title order={3} size="h5" id={`agenda-${item.key}`}>
          {index}. {t(`reviews.agenda.${item.key}`)}
        </Title>
        {item.attention ? (
          <Badge color="orange" variant="light" tt="none">
            {t('reviews.attention')}
          </Badge>
        ) : null}
      </Group>
      <Group gap={6} my={4}>
        {facts.map(([key, value]) => (
          <Badge key={key} variant="outline" color="gray" tt="none">
            {t(`reviews.facts.${key}`)}: {key === 'rate' && typeof value === 'number' ? `${Math.round(value * 100)} %` : String(value)}
          </Badge>
        ))}
      </Group>
      {item.entries.length ? (
        <List size="sm">
          {item.entries.slice(0, 20).map((entry) => (
            <List.Item key={`${entry.id}-${entry.note}`}>
              {entry.label}
              {entry.note ? ` (${noteText(item.key, entry.note)})` : ''}
            </List.Item>
          ))}
        </List>
      ) : null}
      {editable ? (
        <Group align="flex-end" mt={4}>
          <Textarea style={{ flex: 1 }} label={t('reviews.minutes')} value={minutes} onChange={(e) => setMinutes(e.currentTarget.value)} autosize minRows={1} />
          <Button size="compact-sm" variant="light" disabled={minutes === (item.minutes ?? '')} loading={save.isPending} onClick={() => save.mutate()}>
            {t('reviews.saveMinutes')}
          </Button>
        </Group>
      ) : item.minutes ? (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {item.minutes}
        </Text>
      ) : null}
      {save.error ? (
        <Alert color="red" role="alert" p="xs">
          {errorSentence(save.error, t)}
        </Alert>
      ) : null}
    </section>
  );
}

function DecisionForm({ org, id, agenda }: { org: string; id: string; agenda: AgendaItem[] }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState('');
  const [due, setDue] = useState('');
  const [item, setItem] = useState<string | null>(null);
  const decide = useMutation({
    mutationFn: () =>
      api(orgPath(org, `/management-reviews/${id}/decisions`), {
        method: 'POST',
        body: { title, ...(owner.trim() ? { owner: owner.trim() } : {}), ...(due ? { due } : {}), ...(item ? { agendaItem: item } : {}) },
      }),
    onSuccess: async () => {
      setTitle('');
      setOwner('');
      setDue('');
      await client.invalidateQueries({ queryKey: ['reviews', org, id] });
    },
  });
  return (
    <Stack gap="xs" mt="sm">
      <Group grow align="flex-end">
        <TextInput label={t('reviews.decision')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <Select
          label={t('reviews.agendaItem')}
          value={item}
          onChange={setItem}
          clearable
          data={agenda.map((entry) => ({ value: entry.key, label: t(`reviews.agenda.${entry.key}`) }))}
        />
      </Group>
      <Group grow align="flex-end">
        <TextInput label={t('reviews.owner')} value={owner} onChange={(e) => setOwner(e.currentTarget.value)} />
        <TextInput type="date" label={t('reviews.due')} value={due} onChange={(e) => setDue(e.currentTarget.value)} />
        <Button disabled={!title.trim()} loading={decide.isPending} onClick={() => decide.mutate()}>
          {t('reviews.addDecision')}
        </Button>
      </Group>
      {decide.error ? (
        <Alert color="red" role="alert">
          {errorSentence(decide.error, t)}
        </Alert>
      ) : null}
    </Stack>
  );
}

function CreateForm({ org, opened, onClose, onCreated }: { org: string; opened: boolean; onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [title, setTitle] = useState('');
  const [heldOn, setHeldOn] = useState('');
  const [attendees, setAttendees] = useState('');
  const create = useMutation({
    mutationFn: () =>
      api<ManagementReviewView>(orgPath(org, '/management-reviews'), {
        method: 'POST',
        body: {
          title,
          heldOn,
          attendees: attendees
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean)
            .map((line) => {
              const [name, ...role] = line.split(',');
              return role.length ? { name: name.trim(), role: role.join(',').trim() } : { name: name.trim() };
            }),
        },
      }),
    onSuccess: async (view) => {
      await client.invalidateQueries({ queryKey: ['reviews', org] });
      onCreated(view.id);
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('reviews.create')} size="lg">
      <Stack gap="sm">
        <TextInput label={t('reviews.review')} required value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <TextInput type="date" label={t('reviews.heldOn')} required value={heldOn} onChange={(e) => setHeldOn(e.currentTarget.value)} />
        <Textarea
          label={t('reviews.attendees')}
          description={t('reviews.attendeesHint')}
          value={attendees}
          onChange={(e) => setAttendees(e.currentTarget.value)}
          autosize
          minRows={2}
        />
        {create.error ? (
          <Alert color="red" role="alert">
            {errorSentence(create.error, t)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('reviews.cancel')}
          </Button>
          <Button loading={create.isPending} disabled={!title.trim() || !heldOn} onClick={() => create.mutate()}>
            {t('reviews.create')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
