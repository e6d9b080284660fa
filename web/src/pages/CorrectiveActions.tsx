// Corrective actions (ISO 22301 10.1): every nonconformity and improvement, from incidents, exercises, audits and
// reviews, filtered by status, source and lateness; owners report progress, managers raise actions, and someone
// other than the owner verifies their effectiveness. Every control follows the server's abilities.
import { Alert, Badge, Button, EmptyState, Group, Modal, NativeSelect, Paper, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CorrectiveActionList, CorrectiveActionView } from '@shared/model/contract/corrective-actions.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { allows } from '../lib/abilities.js';
import { api, orgPath, query } from '../lib/api.js';
import { errorSentence } from '../lib/problems.js';
import { useSearchParam } from '../lib/search-params.js';
import { useFormat, useOrgId } from '../lib/queries.js';

const STATUSES = ['open', 'inProgress', 'done', 'verified', 'cancelled'] as const;
const SETTABLE = ['open', 'inProgress', 'done', 'cancelled'] as const;
const SOURCES = ['incident', 'exercise', 'audit', 'review', 'other'] as const;

export default function CorrectiveActions() {
  const { t } = useTranslation();
  const org = useOrgId();
  const [params, setParam] = useSearchParam();
  const filters = { status: params.get('status') ?? '', source: params.get('source') ?? '', overdue: params.get('overdue') ?? '' };
  const list = useQuery({
    queryKey: ['corrective-actions', org, filters],
    queryFn: () => api<CorrectiveActionList>(orgPath(org, `/corrective-actions${query({ ...filters, limit: 500 })}`)),
  });
  const [raising, setRaising] = useState(false);
  usePageTitle(t('correctiveActions.title'));
  if (list.isError) return <LoadError error={list.error} />;
  const canCreate = allows(list.data, 'create');
  const counts = list.data?.counts;
  return (
    <Stack gap="md">
      <PageHeader
        title={t('correctiveActions.title')}
        description={t('correctiveActions.description')}
        actions={canCreate ? <Button onClick={() => setRaising(true)}>{t('correctiveActions.raise')}</Button> : undefined}
      />
      {counts ? (
        <Group gap="xs">
          {STATUSES.map((status) => (
            <Badge key={status} variant="light" color="gray" tt="none">
              {t(`actionStatus.${status}`)}: {counts[status]}
            </Badge>
          ))}
          <Badge variant="light" color={counts.overdue ? 'red' : 'gray'} tt="none">
            {t('correctiveActions.overdue')}: {counts.overdue}
          </Badge>
        </Group>
      ) : null}
      <Group gap="sm" align="flex-end">
        <NativeSelect
          label={t('correctiveActions.status')}
          value={filters.status}
          onChange={(event) => setParam('status', event.currentTarget.value || null)}
          data={[{ value: '', label: t('correctiveActions.all') }, ...STATUSES.map((value) => ({ value, label: t(`actionStatus.${value}`) }))]}
        />
        <NativeSelect
          label={t('correctiveActions.source')}
          value={filters.source}
          onChange={(event) => setParam('source', event.currentTarget.value || null)}
          data={[{ value: '', label: t('correctiveActions.all') }, ...SOURCES.map((value) => ({ value, label: t(`correctiveActions.sources.${value}`) }))]}
        />
        <NativeSelect
          label={t('correctiveActions.lateness')}
          value={filters.overdue}
          onChange={(event) => setParam('overdue', event.currentTarget.value || null)}
          data={[
            { value: '', label: t('correctiveActions.all') },
            { value: 'true', label: t('correctiveActions.overdueOnly') },
          ]}
        />
      </Group>
      {!list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Paper withBorder p="xl">
          <EmptyState title={t('correctiveActions.emptyTitle')} description={canCreate ? t('correctiveActions.emptyText') : t('abilities.nothingYet')} />
        </Paper>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table striped withTableBorder aria-label={t('correctiveActions.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('correctiveActions.action')}</Table.Th>
                <Table.Th>{t('correctiveActions.source')}</Table.Th>
                <Table.Th>{t('correctiveActions.owner')}</Table.Th>
                <Table.Th>{t('correctiveActions.due')}</Table.Th>
                <Table.Th>{t('correctiveActions.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((action) => (
                <ActionRow key={action.id} org={org} action={action} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {canCreate ? <RaiseForm org={org} opened={raising} onClose={() => setRaising(false)} /> : null}
    </Stack>
  );
}

function ActionRow({ org, action }: { org: string; action: CorrectiveActionView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const [evidence, setEvidence] = useState(action.evidence ?? '');
  const refresh = () => client.invalidateQueries({ queryKey: ['corrective-actions', org] });
  const change = useMutation({
    mutationFn: (body: Record<string, unknown>) => api(orgPath(org, `/corrective-actions/${action.id}`), { method: 'PATCH', body }),
    onSuccess: refresh,
  });
  const verify = useMutation({
    mutationFn: (effective: boolean) => api(orgPath(org, `/corrective-actions/${action.id}/verify`), { method: 'POST', body: { effective } }),
    onSuccess: refresh,
  });
  const error = change.error ?? verify.error;
  return (
    <Table.Tr data-corrective-action={action.id}>
      <Table.Td>
        <Text fw={600}>{action.title}</Text>
        {action.rootCause ? (
          <Text size="xs" c="dimmed">
            {t('correctiveActions.rootCause')}: {action.rootCause}
          </Text>
        ) : null}
        {action.verification ? (
          <Text size="xs">
            {t(action.verification.effective ? 'correctiveActions.verifiedBy' : 'correctiveActions.notEffectiveBy', {
              by: action.verification.by,
              date: format.date(action.verification.at),
            })}
          </Text>
        ) : null}
        {allows(action, 'update') ? (
          <Group gap="xs" mt={4} align="flex-end">
            <Textarea
              size="xs"
              autosize
              minRows={1}
              label={t('correctiveActions.evidence')}
              value={evidence}
              onChange={(event) => setEvidence(event.currentTarget.value)}
            />
            <Button
              size="xs"
              variant="light"
              disabled={evidence === (action.evidence ?? '')}
              onClick={() => change.mutate({ evidence: evidence.trim() || null })}
            >
              {t('correctiveActions.saveEvidence')}
            </Button>
          </Group>
        ) : action.evidence ? (
          <Text size="xs">
            {t('correctiveActions.evidence')}: {action.evidence}
          </Text>
        ) : null}
        {error ? (
          <Alert color="red" role="alert" p="xs" mt={4}>
            {errorSentence(error, t)}
          </Alert>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{t(`correctiveActions.sources.${action.source.kind}`)}</Text>
        <Text size="xs" c="dimmed">
          {action.source.label ?? action.source.id ?? ''}
        </Text>
      </Table.Td>
      <Table.Td>{action.owner ?? '—'}</Table.Td>
      <Table.Td>
        {action.due ? format.date(action.due) : '—'}
        {action.overdue ? (
          <Text span c="red.8" fw={700} ml={6}>
            {t('correctiveActions.overdue')}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        {allows(action, 'update') ? (
          <NativeSelect
            size="xs"
            aria-label={t('incident.review.actionStatus', { title: action.title })}
            value={action.status}
            onChange={(event) => change.mutate({ status: event.currentTarget.value })}
            data={SETTABLE.map((value) => ({ value, label: t(`actionStatus.${value}`) }))}
          />
        ) : (
          <Text size="sm">{t(`actionStatus.${action.status}`)}</Text>
        )}
        {allows(action, 'verify') ? (
          <Group gap={4} mt={4}>
            <Button size="compact-xs" color="green" onClick={() => verify.mutate(true)}>
              {t('correctiveActions.verifyEffective')}
            </Button>
            <Button size="compact-xs" variant="light" color="orange" onClick={() => verify.mutate(false)}>
              {t('correctiveActions.verifyNotEffective')}
            </Button>
          </Group>
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

function RaiseForm({ org, opened, onClose }: { org: string; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form, setForm] = useState({ title: '', kind: 'nonconformity', source: 'audit', reference: '', rootCause: '', owner: '', due: '' });
  const set = (key: keyof typeof form) => (event: { currentTarget: { value: string } }) => setForm({ ...form, [key]: event.currentTarget.value });
  const raise = useMutation({
    mutationFn: () =>
      api(orgPath(org, '/corrective-actions'), {
        method: 'POST',
        body: {
          title: form.title,
          kind: form.kind,
          source: { kind: form.source, ...(form.reference.trim() ? { id: form.reference.trim() } : {}) },
          ...(form.rootCause.trim() ? { rootCause: form.rootCause } : {}),
          ...(form.owner.trim() ? { owner: form.owner } : {}),
          ...(form.due ? { due: form.due } : {}),
        },
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['corrective-actions', org] });
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('correctiveActions.raise')}>
      <Stack gap="sm">
        <TextInput label={t('correctiveActions.action')} required value={form.title} onChange={set('title')} />
        <NativeSelect
          label={t('correctiveActions.kind')}
          value={form.kind}
          onChange={set('kind')}
          data={['nonconformity', 'improvement'].map((value) => ({ value, label: t(`correctiveActions.kinds.${value}`) }))}
        />
        <NativeSelect
          label={t('correctiveActions.source')}
          value={form.source}
          onChange={set('source')}
          data={SOURCES.map((value) => ({ value, label: t(`correctiveActions.sources.${value}`) }))}
        />
        <TextInput
          label={t('correctiveActions.reference')}
          description={t('correctiveActions.referenceHelp')}
          value={form.reference}
          onChange={set('reference')}
        />
        <Textarea label={t('correctiveActions.rootCause')} value={form.rootCause} onChange={set('rootCause')} autosize minRows={2} />
        <TextInput label={t('correctiveActions.owner')} value={form.owner} onChange={set('owner')} />
        <TextInput type="date" label={t('correctiveActions.due')} value={form.due} onChange={set('due')} />
        {raise.error ? (
          <Alert color="red" role="alert">
            {errorSentence(raise.error, t)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('correctiveActions.cancel')}
          </Button>
          <Button loading={raise.isPending} disabled={!form.title.trim()} onClick={() => raise.mutate()}>
            {t('correctiveActions.raise')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
