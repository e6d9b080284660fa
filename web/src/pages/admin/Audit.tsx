// The audit trail: who changed what and when, newest first; filtered by entity type, actor and period; paged.
import { Alert, Button, Code, Group, Paper, Stack, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Fragment, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { LoadError, Loading, PageHeader, usePageTitle } from '../../components/Page.js';
import { dayBound, type AuditEntry } from '../../lib/admin.js';
import { api, orgPath, query } from '../../lib/api.js';
import { errorSentence } from '../../lib/problems.js';
import { useFormat, useOrgId } from '../../lib/queries.js';

const FILTERS = ['entity', 'actor', 'from', 'to'] as const;

export default function Audit() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const applied = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const [form, setForm] = useState(applied);
  const [open, setOpen] = useState<number | null>(null);
  usePageTitle(t('admin.audit.title'));
  const filters = {
    entity: applied.entity || undefined,
    actor: applied.actor || undefined,
    from: dayBound(applied.from, false),
    to: dayBound(applied.to, true),
  };
  const audit = useInfiniteQuery({
    queryKey: ['org', org, 'audit', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      api<{ items: AuditEntry[]; nextCursor: string | null }>(orgPath(org, `/audit${query({ ...filters, limit: 50, cursor: pageParam })}`)),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of FILTERS) if (form[name].trim()) next.set(name, form[name].trim());
    setParams(next, { replace: true });
  };
  const clear = () => {
    setForm({ entity: '', actor: '', from: '', to: '' });
    setParams(new URLSearchParams(), { replace: true });
  };
  const items = audit.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack gap="md">
      <PageHeader title={t('admin.audit.title')} description={t('admin.audit.description')} />
      <Paper withBorder p="md" component="form" onSubmit={submit} noValidate aria-label={t('admin.audit.filters')}>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={t('admin.audit.entity')}
            description={t('admin.audit.entityHelp')}
            value={form.entity}
            onChange={(event) => setForm({ ...form, entity: event.currentTarget.value })}
            w={180}
          />
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
                      <Table.Td>
                        <code>{entry.action}</code>
                      </Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>
                        <code>{entry.entity.type}</code> {entry.entity.id ?? ''}
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
