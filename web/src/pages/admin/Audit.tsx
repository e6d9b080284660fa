// The audit trail: who changed what and when, newest first, in words (actions and entity types in the interface
// language, entities by their names); filtered by entity type and entity (picked by name), actor and period; paged;
// exported as CSV or XLSX with the same filters.
import { Alert, Button, Code, Group, NativeSelect, Paper, Select, Stack, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { AUDIT_ENTITIES, PICKABLE_AUDIT_ENTITIES, auditActionLabel, auditEntityLabel } from '@shared/model/audit-labels.js';
import type { AuditEntryView } from '@shared/model/contract/access.js';
import { Fragment, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ExportMenu } from '../../components/ExportMenu.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../../components/Page.js';
import { dayBound } from '../../lib/admin.js';
import { api, orgPath, query, type Page } from '../../lib/api.js';
import { entityName } from '../../lib/format.js';
import type { Language } from '../../lib/prefs.js';
import { errorSentence } from '../../lib/problems.js';
import { useFormat, useLanguage, useOrgId } from '../../lib/queries.js';

const FILTERS = ['entity', 'entityId', 'actor', 'from', 'to'] as const;

/** Where the items of a pickable entity type are listed (members have their own list). */
const LISTS: Record<(typeof PICKABLE_AUDIT_ENTITIES)[number], string> = {
  site: '/sites?limit=500',
  pool: '/pools?limit=500',
  application: '/applications?limit=500',
  supplier: '/suppliers?limit=500',
  activity: '/activities?limit=500',
  strategy: '/strategies?limit=500',
  scenario: '/scenarios?limit=500',
  risk: '/risks?limit=500',
  member: '/members',
};

type Listed = { id?: string; userId?: string; name?: string; title?: string; names?: { en?: string; fr?: string }; displayName?: string; email?: string };

/** The items of one entity type, to pick by name; nothing for types that are not picked by name. */
function useEntityOptions(org: string, type: string, language: Language) {
  const path = (LISTS as Record<string, string>)[type];
  const list = useQuery({
    queryKey: ['org', org, 'audit-options', type],
    enabled: Boolean(path),
    staleTime: 30_000,
    queryFn: () => api<Page<Listed> | { items: Listed[] }>(orgPath(org, path)),
  });
  return useMemo(
    () =>
      (list.data?.items ?? []).map((item) => {
        if (item.userId) return { value: item.userId, label: item.displayName ? `${item.displayName} <${item.email}>` : (item.email ?? item.userId) };
        const id = item.id ?? '';
        const name = item.title ?? entityName({ id, name: item.name, names: item.names }, language);
        return { value: id, label: name === id ? id : `${name} (${id})` };
      }),
    [list.data, language],
  );
}

export default function Audit() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const language = useLanguage();
  const [params, setParams] = useSearchParams();
  const applied = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const [form, setForm] = useState(applied);
  const [open, setOpen] = useState<number | null>(null);
  usePageTitle(t('admin.audit.title'));
  const entityOptions = useEntityOptions(org, form.entity, language);
  const types = useMemo(
    () =>
      Object.keys(AUDIT_ENTITIES)
        .map((code) => ({ value: code, label: auditEntityLabel(code, language) }))
        .sort((a, b) => a.label.localeCompare(b.label, language)),
    [language],
  );
  const filters = {
    entity: applied.entity || undefined,
    entityId: applied.entity ? applied.entityId || undefined : undefined,
    actor: applied.actor || undefined,
    from: dayBound(applied.from, false),
    to: dayBound(applied.to, true),
  };
  const audit = useInfiniteQuery({
    queryKey: ['org', org, 'audit', filters, language],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      api<{ items: AuditEntryView[]; nextCursor: string | null }>(orgPath(org, `/audit${query({ ...filters, limit: 50, cursor: pageParam, lang: language })}`)),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of FILTERS) if (form[name].trim()) next.set(name, form[name].trim());
    setParams(next, { replace: true });
  };
  const clear = () => {
    setForm({ entity: '', entityId: '', actor: '', from: '', to: '' });
    setParams(new URLSearchParams(), { replace: true });
  };
  const items = audit.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack gap="md">
      <PageHeader
        title={t('admin.audit.title')}
        description={t('admin.audit.description')}
        actions={<ExportMenu path={orgPath(org, `/audit.sheet${query(filters)}`)} testId="export-audit" />}
      />
      <Paper withBorder p="md" component="form" onSubmit={submit} noValidate aria-label={t('admin.audit.filters')}>
        <Group align="flex-end" wrap="wrap">
          <NativeSelect
            label={t('admin.audit.entity')}
            data={[{ value: '', label: t('admin.audit.anyEntity') }, ...types]}
            value={form.entity}
            onChange={(event) => setForm({ ...form, entity: event.currentTarget.value, entityId: '' })}
            w={220}
          />
          {(PICKABLE_AUDIT_ENTITIES as readonly string[]).includes(form.entity) ? (
            <Select
              label={t('admin.audit.entityItem', { type: auditEntityLabel(form.entity, language) })}
              placeholder={t('admin.audit.anyItem')}
              data={entityOptions}
              value={form.entityId || null}
              onChange={(value) => setForm({ ...form, entityId: value ?? '' })}
              searchable
              clearable
              nothingFoundMessage={t('admin.audit.noItem')}
              w={280}
            />
          ) : null}
          <TextInput
            label={t('admin.audit.actor')}
            description={t('admin.audit.actorHelp')}
            value={form.actor}
            onChange={(event) => setForm({ ...form, actor: event.currentTarget.value })}
            w={220}
          />
          <TextInput
            type="date"
            label={t('admin.audit.from')}
            value={form.from}
            onChange={(event) => setForm({ ...form, from: event.currentTarget.value })}
            w={160}
          />
          <TextInput
            type="date"
            label={t('admin.audit.to')}
            value={form.to}
            onChange={(event) => setForm({ ...form, to: event.currentTarget.value })}
            w={160}
          />
          <Button type="submit">{t('admin.audit.apply')}</Button>
          <Button variant="default" onClick={clear}>
            {t('admin.audit.clear')}
          </Button>
        </Group>
      </Paper>
      {audit.isError && !audit.data ? (
        <LoadError error={audit.error} />
      ) : !audit.data ? (
        <Loading />
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('admin.audit.none')}
        </Text>
      ) : (
        <>
          <Table.ScrollContainer minWidth={820}>
            <Table striped withTableBorder aria-label={t('admin.audit.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={70}>#</Table.Th>
                  <Table.Th>{t('admin.audit.at')}</Table.Th>
                  <Table.Th>{t('admin.audit.actor')}</Table.Th>
                  <Table.Th>{t('admin.audit.action')}</Table.Th>
                  <Table.Th>{t('admin.audit.entity')}</Table.Th>
                  <Table.Th>{t('admin.audit.source')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((entry) => (
                  <Fragment key={entry.seq}>
                    <Table.Tr>
                      <Table.Td>
                        <UnstyledButton
                          aria-expanded={open === entry.seq}
                          aria-label={t('admin.audit.details', { seq: entry.seq })}
                          onClick={() => setOpen(open === entry.seq ? null : entry.seq)}
                          style={{ textDecoration: 'underline' }}
                        >
                          {entry.seq}
                        </UnstyledButton>
                      </Table.Td>
                      <Table.Td>{format.dateTime(entry.at)}</Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>{entry.actor.label}</Table.Td>
                      <Table.Td title={entry.action}>{auditActionLabel(entry.action, language)}</Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere' }} title={entry.entity.id ?? undefined}>
                        <Text span size="sm" c="dimmed">
                          {auditEntityLabel(entry.entity.type, language)}
                        </Text>
                        {entry.entity.id ? ` · ${entry.entity.name ?? entry.entity.id}` : ''}
                      </Table.Td>
                      <Table.Td>{entry.source ?? '—'}</Table.Td>
                    </Table.Tr>
                    {open === entry.seq ? (
                      <Table.Tr>
                        <Table.Td colSpan={6}>
                          <Group align="flex-start" grow>
                            <Stack gap={4}>
                              <Text size="xs" fw={700}>
                                {t('admin.audit.before')}
                              </Text>
                              <Code block style={{ maxHeight: 320, overflow: 'auto' }}>
                                {JSON.stringify(entry.before, null, 2) ?? 'null'}
                              </Code>
                            </Stack>
                            <Stack gap={4}>
                              <Text size="xs" fw={700}>
                                {t('admin.audit.after')}
                              </Text>
                              <Code block style={{ maxHeight: 320, overflow: 'auto' }}>
                                {JSON.stringify(entry.after, null, 2) ?? 'null'}
                              </Code>
                            </Stack>
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ) : null}
                  </Fragment>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {audit.isError ? (
            <Alert color="red" role="alert">
              {errorSentence(audit.error, t)}
            </Alert>
          ) : null}
          {audit.hasNextPage ? (
            <Group>
              <Button variant="default" onClick={() => audit.fetchNextPage()} loading={audit.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            </Group>
          ) : null}
        </>
      )}
    </Stack>
  );
}
