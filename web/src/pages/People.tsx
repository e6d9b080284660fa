// The people directory: who to reach in a crisis, in which language, where they work and for which activities.
// Searched and filtered on the server and read a page at a time (the demo has 1,200 people, a large organisation
// 100,000); added, changed and removed one by one, or imported as a spreadsheet (all or nothing, every refused row
// named by row and column) and exported. Every control follows the server's abilities.
import { Alert, Button, Group, Modal, NativeSelect, Paper, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PeopleImportSummary, PersonView } from '@shared/model/contract/people.js';
import { EntityMultiSelect, EntitySelect } from '../components/EntityPicker.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { NoImport, SheetUploadForm, SheetUploadOutcome, useSheetUpload } from '../components/SheetUpload.js';
import { allows } from '../lib/abilities.js';
import { peopleKey, usePeople } from '../lib/alert-queries.js';
import { api, isApiError, orgPath } from '../lib/api.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../lib/problems.js';
import { useSearchParam } from '../lib/search-params.js';
import { useAll, useFormat, useNames, useOrgId } from '../lib/queries.js';

const PAGE = 100;
const FIELDS = ['id', 'name', 'email', 'mobile', 'language', 'site', 'activities', 'remoteCapable'];

export default function People() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const [params, setParam] = useSearchParam();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [q] = useDebouncedValue(search.trim(), 250);
  const filters = { q, site: params.get('site') ?? '', activity: params.get('activity') ?? '' };
  const list = usePeople(org, filters, PAGE);
  const sites = useAll(org, 'sites');
  const activities = useAll(org, 'activities');
  const siteName = useNames(org, 'sites');
  const activityName = useNames(org, 'activities');
  const [editing, setEditing] = useState<PersonView | 'new' | null>(null);
  const [removing, setRemoving] = useState<PersonView | null>(null);
  usePageTitle(t('people.title'));
  if (list.isError && !list.data) return <LoadError error={list.error} />;
  const first = list.data?.pages[0];
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const canCreate = allows(first, 'create');
  const canImport = allows(first, 'import');

  return (
    <Stack gap="md">
      <PageHeader
        title={t('people.title')}
        description={t('people.description')}
        actions={canCreate ? <Button onClick={() => setEditing('new')}>{t('people.add')}</Button> : undefined}
      />
      <Group gap="sm" align="flex-end">
        <TextInput
          label={t('people.search')}
          description={t('people.searchHelp')}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            setParam('q', event.currentTarget.value.trim() || null);
          }}
          w={320}
          type="search"
        />
        <NativeSelect
          label={t('people.site')}
          value={filters.site}
          onChange={(event) => setParam('site', event.currentTarget.value || null)}
          data={[{ value: '', label: t('people.allSites') }, ...(sites.data?.items ?? []).map((site) => ({ value: site.id, label: siteName(site.id) }))]}
        />
        <NativeSelect
          label={t('people.activity')}
          value={filters.activity}
          onChange={(event) => setParam('activity', event.currentTarget.value || null)}
          data={[
            { value: '', label: t('people.allActivities') },
            ...(activities.data?.items ?? []).map((activity) => ({ value: activity.id, label: activityName(activity.id) })),
          ]}
          maw={320}
        />
      </Group>
      {!first ? (
        <Loading />
      ) : (
        <>
          <Text size="sm" aria-live="polite" data-testid="people-count">
            {t('people.count', { shown: format.number(items.length), total: format.number(first.total ?? items.length) })}
          </Text>
          {items.length === 0 ? (
            <Paper withBorder p="md">
              <Text>{q || filters.site || filters.activity ? t('people.noMatch') : t('people.empty')}</Text>
            </Paper>
          ) : (
            <Table.ScrollContainer minWidth={960}>
              <Table striped withTableBorder aria-label={t('people.title')} style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('people.name')}</Table.Th>
                    <Table.Th>{t('people.contact')}</Table.Th>
                    <Table.Th>{t('people.language')}</Table.Th>
                    <Table.Th>{t('people.site')}</Table.Th>
                    <Table.Th>{t('people.activities')}</Table.Th>
                    <Table.Th>{t('people.remote')}</Table.Th>
                    <Table.Th>
                      <span className="visually-hidden">{t('people.actions')}</span>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((person) => (
                    <Table.Tr key={person.id} data-person={person.id}>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {person.name}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {person.id}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{person.email ?? ''}</Text>
                        <Text size="sm">{person.mobile ?? ''}</Text>
                      </Table.Td>
                      <Table.Td>{t(`languageNames.${person.language}`)}</Table.Td>
                      <Table.Td>{person.site ? siteName(person.site) : '—'}</Table.Td>
                      <Table.Td>
                        <Text size="sm" lineClamp={2}>
                          {person.activities.map(activityName).join(', ') || '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>{person.remoteCapable ? t('people.remoteYes') : t('people.remoteNo')}</Table.Td>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          {allows(person, 'update') ? (
                            <Button
                              size="compact-xs"
                              variant="default"
                              onClick={() => setEditing(person)}
                              aria-label={t('people.editOf', { name: person.name })}
                            >
                              {t('people.edit')}
                            </Button>
                          ) : null}
                          {allows(person, 'delete') ? (
                            <Button
                              size="compact-xs"
                              variant="subtle"
                              color="red"
                              onClick={() => setRemoving(person)}
                              aria-label={t('people.removeOf', { name: person.name })}
                            >
                              {t('people.remove')}
                            </Button>
                          ) : null}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {list.hasNextPage ? (
            <Group justify="center">
              <Button variant="default" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
                {t('people.more', { count: Math.min(PAGE, (first.total ?? 0) - items.length) })}
              </Button>
            </Group>
          ) : null}
        </>
      )}
      <SheetSection org={org} canImport={canImport} />
      {editing ? <PersonForm org={org} person={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} /> : null}
      {removing ? <RemovePerson org={org} person={removing} onClose={() => setRemoving(null)} /> : null}
    </Stack>
  );
}

function PersonForm({ org, person, onClose }: { org: string; person?: PersonView; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form, setForm] = useState({
    id: person?.id ?? '',
    name: person?.name ?? '',
    email: person?.email ?? '',
    mobile: person?.mobile ?? '',
    language: person?.language ?? 'fr',
    site: person?.site ?? undefined,
    activities: person?.activities ?? [],
    remoteCapable: person?.remoteCapable ?? false,
  });
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => setForm((current) => ({ ...current, [key]: value }));
  const save = useMutation({
    mutationFn: () => {
      const body = {
        ...(!person && form.id.trim() ? { id: form.id.trim() } : {}),
        name: form.name,
        email: form.email.trim() || null,
        mobile: form.mobile.trim() || null,
        language: form.language,
        site: form.site ?? null,
        activities: form.activities,
        remoteCapable: form.remoteCapable,
      };
      return person
        ? api<PersonView>(orgPath(org, `/people/${encodeURIComponent(person.id)}`), { method: 'PUT', body })
        : api<PersonView>(orgPath(org, '/people'), { method: 'POST', body });
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: peopleKey(org) });
      onClose();
    },
  });
  const problems = isApiError(save.error) ? groupByField(save.error.details) : undefined;
  const error = (field: string) => fieldErrorText(problemsAt(problems, field, true), t);
  const rest = unclaimedProblems(problems, FIELDS);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Modal
      opened
      onClose={onClose}
      title={person ? t('people.editOf', { name: person.name }) : t('people.add')}
      size="lg"
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {person ? null : (
            <TextInput
              label={t('people.id')}
              description={t('people.idHelp')}
              value={form.id}
              onChange={(event) => set('id', event.currentTarget.value)}
              error={error('id')}
            />
          )}
          <TextInput label={t('people.name')} required value={form.name} onChange={(event) => set('name', event.currentTarget.value)} error={error('name')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t('people.email')}
              type="email"
              value={form.email}
              onChange={(event) => set('email', event.currentTarget.value)}
              error={error('email')}
            />
            <TextInput
              label={t('people.mobile')}
              description={t('people.mobileHelp')}
              type="tel"
              value={form.mobile}
              onChange={(event) => set('mobile', event.currentTarget.value)}
              error={error('mobile')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NativeSelect
              label={t('people.language')}
              value={form.language}
              onChange={(event) => set('language', event.currentTarget.value as 'fr' | 'en')}
              data={(['fr', 'en'] as const).map((value) => ({ value, label: t(`languageNames.${value}`) }))}
              error={error('language')}
            />
            <EntitySelect org={org} collection="sites" label={t('people.site')} value={form.site} onChange={(id) => set('site', id)} error={error('site')} />
          </SimpleGrid>
          <EntityMultiSelect
            org={org}
            collection="activities"
            label={t('people.activities')}
            value={form.activities}
            onChange={(ids) => set('activities', ids)}
            error={error('activities')}
          />
          <Switch label={t('people.remoteCapable')} checked={form.remoteCapable} onChange={(event) => set('remoteCapable', event.currentTarget.checked)} />
          {save.error && (rest.length > 0 || !problems?.size) ? (
            <Alert color="red" role="alert">
              {rest.length > 0 ? fieldErrorText(rest, t) : errorSentence(save.error, t)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RemovePerson({ org, person, onClose }: { org: string; person: PersonView; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api<void>(orgPath(org, `/people/${encodeURIComponent(person.id)}`), { method: 'DELETE' }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: peopleKey(org) });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={t('people.removeOf', { name: person.name })} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack>
        <Text size="sm">{t('people.removeText')}</Text>
        {remove.error ? (
          <Alert color="red" role="alert">
            {errorSentence(remove.error, t)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" onClick={() => remove.mutate()} loading={remove.isPending}>
            {t('people.remove')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The directory as a spreadsheet: export, and import (adding to it, or making it exactly the file). */
function SheetSection({ org, canImport }: { org: string; canImport: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [mode, setMode] = useState<'upsert' | 'replace'>('upsert');
  const state = useSheetUpload<PeopleImportSummary>(`/people.sheet?mode=${mode}`, () => client.invalidateQueries({ queryKey: peopleKey(org) }));
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="people-sheet-title">
      <Title order={2} size="h3" id="people-sheet-title">
        {t('people.sheetTitle')}
      </Title>
      <Text size="sm" c="dimmed" mt={4} mb="md">
        {t('people.sheetText')}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap="xs">
          <Title order={3} size="h5">
            {t('exchange.download')}
          </Title>
          <Group gap="xs">
            <Button component="a" href={orgPath(org, '/people.xlsx')} download variant="default">
              {t('people.exportXlsx')}
            </Button>
            <Button component="a" href={orgPath(org, '/people.csv')} download variant="default">
              {t('people.exportCsv')}
            </Button>
            <Button component="a" href={orgPath(org, '/people.csv?separator=semicolon')} download variant="default">
              {t('people.exportCsvSemicolon')}
            </Button>
          </Group>
        </Stack>
        {canImport ? (
          <Stack gap="xs">
            <NativeSelect
              label={t('people.importMode')}
              value={mode}
              onChange={(event) => {
                setMode(event.currentTarget.value as 'upsert' | 'replace');
                state.upload.reset();
              }}
              data={[
                { value: 'upsert', label: t('people.modes.upsert') },
                { value: 'replace', label: t('people.modes.replace') },
              ]}
            />
            <SheetUploadForm state={state} label={t('people.sheetFile')} description={t('people.sheetFileHelp')} submit={t('people.import')} />
          </Stack>
        ) : (
          <NoImport />
        )}
      </SimpleGrid>
      <SheetUploadOutcome
        state={state}
        done={t('people.importDone')}
        counts={(result) =>
          t('people.importCounts', {
            created: result.created,
            updated: result.updated,
            unchanged: result.unchanged,
            removed: result.removed,
            total: result.total,
          })
        }
      />
    </Paper>
  );
}
