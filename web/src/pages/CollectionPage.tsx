// Sites, pools, applications, suppliers and strategies: searchable sorted lists with a form in a drawer.
import { Alert, Autocomplete, Button, Drawer, EmptyState, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Collection, EntityOf, Strategy, StrategyEffect } from '@shared/model/organisation.js';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { DeleteDialog, InUse } from '../components/DeleteDialog.js';
import { DurationInput } from '../components/DurationInput.js';
import { Editable, ReadOnlyNotice } from '../components/Editable.js';
import { NumberField } from '../components/NumberField.js';
import { EntityMultiSelect, EntitySelect } from '../components/EntityPicker.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { ProblemSummary } from '../components/Problems.js';
import { allows, type WithAbilities } from '../lib/abilities.js';
import { api, isApiError, orgPath } from '../lib/api.js';
import { cleanEntity, describeEffect } from '../lib/entities.js';
import { entityName, localText } from '../lib/format.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt, unclaimedProblems, type FieldProblems } from '../lib/problems.js';
import { invalidateOrganisation, keys, useFormat, useInfiniteList, useLanguage, useNames, useOrgId, type SortKey } from '../lib/queries.js';

type Managed = Exclude<Collection, 'activities'>;
type Item = EntityOf<Managed> & { name?: string } & WithAbilities;
type Draft = Record<string, unknown>;

interface Column {
  label: string;
  render: (item: Item) => ReactNode;
  num?: boolean;
  width?: string;
}

const EMPTY: Record<Managed, Draft> = {
  sites: { id: '', name: '' },
  pools: { id: '', name: '', kind: 'vpn', capacity: 0 },
  applications: { id: '', name: '', rto: 24 },
  suppliers: { id: '', name: '' },
  strategies: { id: '', name: '', leadTime: 24, cost: { fixed: 0, perDay: 0 }, effect: { type: 'poolCapacity', pool: '', amount: 0 } },
};

/** The fields each form shows; problems on other paths are listed above the form. */
const FORM_FIELDS: Record<Managed, string[]> = {
  sites: ['id', 'name', 'names', 'seats', 'description', 'descriptions'],
  pools: ['id', 'name', 'names', 'kind', 'capacity', 'description', 'descriptions'],
  applications: ['id', 'name', 'names', 'rto', 'rpo', 'owner', 'description', 'descriptions'],
  suppliers: ['id', 'name', 'names', 'contact', 'description', 'descriptions'],
  strategies: ['id', 'name', 'names', 'leadTime', 'cost', 'effect', 'description', 'descriptions'],
};

export default function CollectionPage({ collection }: { collection: Managed }) {
  const { t } = useTranslation();
  const org = useOrgId();
  const language = useLanguage();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const [sort, setSort] = useState<SortKey>('position');
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Item | null>(null);
  const open = params.get('open');
  const list = useInfiniteList(org, collection, { q: debouncedQ, sort, limit: 200 });
  const items = (list.data?.pages.flatMap((page) => page.items) ?? []) as Item[];
  const total = list.data?.pages[0]?.total ?? 0;
  // What the server lets the caller do: add to the list; change and delete each item (its own abilities).
  const canCreate = allows(list.data?.pages[0], 'create');
  const opened = useItem(org, collection, open);
  const openEditable = allows(opened.data, 'update');
  const poolName = useNames(org, 'pools');
  // Two compact buttons: their words (about 1ch a letter), their padding and the cell's, whatever the language.
  const actionsWidth = `calc(${Math.max(t('common.edit').length, t('common.view').length) + t('common.delete').length}ch + 4.5rem)`;
  const siteName = useNames(org, 'sites');
  const applicationName = useNames(org, 'applications');
  const supplierName = useNames(org, 'suppliers');
  const lookup = (kind: 'pools' | 'sites' | 'applications' | 'suppliers', id: string) =>
    ({ pools: poolName, sites: siteName, applications: applicationName, suppliers: supplierName })[kind](id);
  const title = t(`collections.${collection}.title`);
  usePageTitle(title);

  useEffect(() => {
    setQ('');
    setSort('position');
  }, [collection]);

  const setOpen = (id: string | null) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (id) next.set('open', id);
      else next.delete('open');
      return next;
    });

  const nameColumn: Column = { label: t('fields.name'), render: (item) => entityName(item, language), width: '26%' };
  const columns: Record<Managed, Column[]> = {
    sites: [
      nameColumn,
      { label: t('fields.seats'), render: (item) => format.number((item as EntityOf<'sites'>).seats), num: true, width: '12%' },
      { label: t('fields.description'), render: (item) => localText(item.description, item.descriptions, language) },
    ],
    pools: [
      nameColumn,
      { label: t('fields.kind'), render: (item) => (item as EntityOf<'pools'>).kind, width: '14%' },
      { label: t('fields.capacity'), render: (item) => format.number((item as EntityOf<'pools'>).capacity), num: true, width: '14%' },
      { label: t('fields.description'), render: (item) => localText(item.description, item.descriptions, language) },
    ],
    applications: [
      nameColumn,
      { label: t('terms.rto.name'), render: (item) => format.duration((item as EntityOf<'applications'>).rto), num: true, width: '10%' },
      { label: t('terms.rpo.name'), render: (item) => format.duration((item as EntityOf<'applications'>).rpo), num: true, width: '10%' },
      { label: t('fields.owner'), render: (item) => (item as EntityOf<'applications'>).owner ?? '' },
    ],
    suppliers: [nameColumn, { label: t('fields.contact'), render: (item) => (item as EntityOf<'suppliers'>).contact ?? '' }],
    strategies: [
      { ...nameColumn, width: '24%' },
      { label: t('fields.effect'), render: (item) => describeEffect((item as Strategy).effect, t as never, format, lookup) },
      { label: t('fields.leadTime'), render: (item) => format.duration((item as Strategy).leadTime), num: true, width: '9%' },
      { label: t('fields.costFixedShort'), render: (item) => format.money((item as Strategy).cost.fixed), num: true, width: '9%' },
      { label: t('fields.costPerDayShort'), render: (item) => format.money((item as Strategy).cost.perDay), num: true, width: '9%' },
    ],
  };

  return (
    <Stack gap="sm">
      <PageHeader
        title={title}
        description={t(`collections.${collection}.description`)}
        actions={canCreate ? <Button onClick={() => setCreating(true)}>{t(`collections.${collection}.new`)}</Button> : undefined}
      />
      <Group gap="sm" align="flex-end">
        <TextInput
          label={t('common.search')}
          placeholder={t('common.searchIdName')}
          type="search"
          value={q}
          onChange={(event) => setQ(event.currentTarget.value)}
          w={300}
        />
        <NativeSelect
          label={t('common.sortBy')}
          value={sort}
          onChange={(event) => setSort(event.currentTarget.value as SortKey)}
          w={200}
          data={[
            { value: 'position', label: t('common.sortPosition') },
            { value: 'id', label: t('common.sortId') },
            { value: 'name', label: t('common.sortName') },
          ]}
        />
        <Text size="sm" c="dimmed" pb={8} aria-live="polite">
          {list.isPending ? t('common.loading') : t('common.itemCount', { count: total, formatted: format.number(total) })}
        </Text>
      </Group>
      {list.isError ? <LoadError error={list.error} /> : null}
      {list.isPending ? (
        <Loading />
      ) : total === 0 ? (
        <Paper withBorder p="xl">
          <EmptyState
            title={debouncedQ ? t('common.noMatch', { q: debouncedQ }) : t(`collections.${collection}.emptyTitle`)}
            description={debouncedQ ? undefined : canCreate ? t(`collections.${collection}.emptyText`) : t('abilities.nothingYet')}
          >
            {!debouncedQ && canCreate ? (
              <Group justify="center" mt="md">
                <Button onClick={() => setCreating(true)}>{t(`collections.${collection}.new`)}</Button>
              </Group>
            ) : null}
          </EmptyState>
        </Paper>
      ) : (
        <div style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4, overflow: 'auto', maxHeight: 'calc(100vh - 250px)' }}>
          <table className="data-table" aria-label={title}>
            <colgroup>
              <col style={{ width: collection === 'strategies' ? '13%' : '16%' }} />
              {columns[collection].map((column) => (
                <col key={column.label} style={column.width ? { width: column.width } : undefined} />
              ))}
              {/* Wide enough for both buttons' words in the interface language ("Modifier", "Supprimer" are longer). */}
              <col style={{ width: actionsWidth }} />
            </colgroup>
            <thead>
              <tr>
                <th aria-sort={sort === 'id' ? 'ascending' : undefined}>
                  <button type="button" className="sort-button" onClick={() => setSort('id')}>
                    {t('fields.id')} {sort === 'id' ? '▲' : ''}
                  </button>
                </th>
                {columns[collection].map((column, index) => (
                  <th key={column.label} className={column.num ? 'num' : undefined} aria-sort={index === 0 && sort === 'name' ? 'ascending' : undefined}>
                    {index === 0 ? (
                      <button type="button" className="sort-button" onClick={() => setSort('name')}>
                        {column.label} {sort === 'name' ? '▲' : ''}
                      </button>
                    ) : (
                      column.label
                    )}
                  </th>
                ))}
                <th>
                  <span style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>
                    <code>{item.id}</code>
                  </td>
                  {columns[collection].map((column) => {
                    const content = column.render(item);
                    return (
                      <td key={column.label} className={column.num ? 'num' : undefined} title={typeof content === 'string' ? content : undefined}>
                        {content}
                      </td>
                    );
                  })}
                  <td>
                    <Group gap={4} wrap="nowrap">
                      {allows(item, 'update') ? (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          onClick={() => setOpen(item.id)}
                          aria-label={t('common.editNamed', { name: entityName(item, language) })}
                        >
                          {t('common.edit')}
                        </Button>
                      ) : (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          onClick={() => setOpen(item.id)}
                          aria-label={t('common.viewNamed', { name: entityName(item, language) })}
                        >
                          {t('common.view')}
                        </Button>
                      )}
                      {allows(item, 'delete') ? (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          onClick={() => setDeleting(item)}
                          aria-label={t('common.deleteNamed', { name: entityName(item, language) })}
                        >
                          {t('common.delete')}
                        </Button>
                      ) : null}
                    </Group>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.hasNextPage ? (
            <Group justify="center" p="sm">
              <Button variant="default" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            </Group>
          ) : null}
        </div>
      )}
      <Drawer
        opened={(creating && canCreate) || Boolean(open)}
        onClose={() => {
          setCreating(false);
          setOpen(null);
        }}
        position="right"
        size="lg"
        title={
          creating && canCreate
            ? t(`collections.${collection}.new`)
            : t(opened.data && !openEditable ? 'common.viewTitle' : 'common.editTitle', { kind: t(`collections.${collection}.one`) })
        }
      >
        {creating && canCreate ? (
          <EntityForm org={org} collection={collection} initial={EMPTY[collection]} onDone={() => setCreating(false)} />
        ) : open ? (
          <EditLoader org={org} collection={collection} id={open} onDone={() => setOpen(null)} />
        ) : null}
      </Drawer>
      {deleting ? (
        <DeleteDialog
          org={org}
          collection={collection}
          id={deleting.id}
          name={entityName(deleting, language)}
          opened
          onClose={() => setDeleting(null)}
          onDeleted={() => setDeleting(null)}
        />
      ) : null}
    </Stack>
  );
}

/** One item of the collection, as the drawer shows it (with the caller's abilities). */
function useItem(org: string, collection: Managed, id: string | null) {
  return useQuery({
    queryKey: keys.entity(org, collection, id ?? ''),
    enabled: Boolean(id),
    queryFn: () => api<Item>(orgPath(org, `/${collection}/${encodeURIComponent(id!)}`)),
  });
}

function EditLoader({ org, collection, id, onDone }: { org: string; collection: Managed; id: string; onDone: () => void }) {
  const item = useItem(org, collection, id);
  if (item.isError) return <LoadError error={item.error} />;
  if (!item.data) return <Loading />;
  const { abilities: _abilities, ...stored } = item.data;
  return (
    <EntityForm
      key={id}
      org={org}
      collection={collection}
      initial={stored as unknown as Draft}
      editing={id}
      editable={allows(item.data, 'update')}
      onDone={onDone}
    />
  );
}

function EntityForm({
  org,
  collection,
  initial,
  editing,
  editable = true,
  onDone,
}: {
  org: string;
  collection: Managed;
  initial: Draft;
  editing?: string;
  editable?: boolean;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [draft, setDraft] = useState<Draft>(initial);
  const save = useMutation({
    mutationFn: () =>
      editing
        ? api<Item>(orgPath(org, `/${collection}/${encodeURIComponent(editing)}`), {
            method: 'PUT',
            body: cleanEntity(draft, { optionalName: collection === 'pools' }),
          })
        : api<Item>(orgPath(org, `/${collection}`), { method: 'POST', body: cleanEntity(draft, { optionalName: collection === 'pools' }) }),
    onSuccess: async () => {
      await invalidateOrganisation(client, org);
      onDone();
    },
  });
  const problems = isApiError(save.error) ? groupByField(save.error.details) : undefined;
  const inUse = isApiError(save.error) && save.error.code === 'in_use' ? save.error : undefined;
  const rest = inUse ? [] : unclaimedProblems(problems, FORM_FIELDS[collection]);
  const err = (field: string, nested = false) => fieldErrorText(problemsAt(problems, field, nested), t);
  const set = (key: string, value: unknown) => {
    if (editable) setDraft((current) => ({ ...current, [key]: value }));
  };
  const names = (draft.names ?? {}) as { en?: string; fr?: string };
  const descriptions = (draft.descriptions ?? {}) as { en?: string; fr?: string };
  const text = (key: string) => (draft[key] as string | undefined) ?? '';
  const num = (key: string) => (typeof draft[key] === 'number' ? (draft[key] as number) : '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (editable) save.mutate();
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {!editable ? <ReadOnlyNotice /> : null}
        <Editable editable={editable}>
          {save.error && inUse ? <InUse org={org} name={editing ?? ''} details={inUse.details} rename /> : null}
          {save.error && !inUse && (rest.length > 0 || !problems?.size) ? (
            <ProblemSummary title={t('form.refused')} message={errorSentence(save.error, t)} problems={rest} />
          ) : null}
          <SimpleGrid cols={2} spacing="md">
            <TextInput
              label={t('fields.id')}
              description={editing ? t('fields.idRename') : t('fields.idHelp')}
              required
              value={text('id')}
              onChange={(event) => set('id', event.currentTarget.value)}
              error={err('id')}
              data-autofocus
            />
            <TextInput
              label={t('fields.name')}
              required={collection !== 'pools'}
              value={text('name')}
              onChange={(event) => set('name', event.currentTarget.value)}
              error={err('name')}
            />
            <TextInput
              label={t('fields.nameFr')}
              lang="fr"
              value={names.fr ?? ''}
              onChange={(event) => set('names', { ...names, fr: event.currentTarget.value })}
              error={err('names.fr')}
            />
            <TextInput
              label={t('fields.nameEn')}
              lang="en"
              value={names.en ?? ''}
              onChange={(event) => set('names', { ...names, en: event.currentTarget.value })}
              error={err('names.en')}
            />
          </SimpleGrid>

          {collection === 'sites' ? (
            <NumberField
              label={t('fields.seats')}
              description={t('fields.seatsHelp')}
              min={0}
              allowDecimal={false}
              value={num('seats')}
              onChange={(value) => set('seats', value === '' ? undefined : Number(value))}
              error={err('seats')}
            />
          ) : null}

          {collection === 'pools' ? (
            <SimpleGrid cols={2} spacing="md">
              <Autocomplete
                label={t('fields.kind')}
                description={t('fields.kindHelp')}
                required
                data={['vpn', 'vdi', 'laptops']}
                value={text('kind')}
                onChange={(value) => set('kind', value)}
                error={err('kind')}
              />
              <NumberField
                label={t('fields.capacity')}
                description={t('fields.capacityHelp')}
                required
                min={0}
                value={num('capacity')}
                onChange={(value) => set('capacity', value === '' ? undefined : Number(value))}
                error={err('capacity')}
              />
            </SimpleGrid>
          ) : null}

          {collection === 'applications' ? (
            <>
              <SimpleGrid cols={2} spacing="md">
                <DurationInput
                  label={t('terms.rto.name')}
                  description={t('fields.appRtoHelp')}
                  required
                  value={draft.rto as number | undefined}
                  onChange={(hours) => set('rto', hours)}
                  error={err('rto')}
                />
                <DurationInput
                  label={t('terms.rpo.name')}
                  description={t('terms.rpo.long')}
                  value={draft.rpo as number | undefined}
                  onChange={(hours) => set('rpo', hours)}
                  error={err('rpo')}
                />
              </SimpleGrid>
              <TextInput label={t('fields.owner')} value={text('owner')} onChange={(event) => set('owner', event.currentTarget.value)} error={err('owner')} />
            </>
          ) : null}

          {collection === 'suppliers' ? (
            <TextInput
              label={t('fields.contact')}
              value={text('contact')}
              onChange={(event) => set('contact', event.currentTarget.value)}
              error={err('contact')}
            />
          ) : null}

          {collection === 'strategies' ? <StrategyFields org={org} draft={draft} set={set} problems={problems} /> : null}

          <Textarea
            label={t('fields.description')}
            autosize
            minRows={2}
            maxRows={8}
            value={text('description')}
            onChange={(event) => set('description', event.currentTarget.value)}
            error={err('description')}
          />
          <SimpleGrid cols={2} spacing="md">
            {(['fr', 'en'] as const).map((lang) => (
              <Textarea
                key={lang}
                lang={lang}
                label={t(lang === 'fr' ? 'fields.descriptionFr' : 'fields.descriptionEn')}
                autosize
                minRows={2}
                maxRows={8}
                value={descriptions[lang] ?? ''}
                onChange={(event) => set('descriptions', { ...descriptions, [lang]: event.currentTarget.value })}
                error={err(`descriptions.${lang}`)}
              />
            ))}
          </SimpleGrid>
        </Editable>
        {save.isError && !inUse ? (
          <Alert color="red" variant="outline" role="status">
            {t('form.fixFields')}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {editable ? t('common.cancel') : t('common.close')}
          </Button>
          {editable ? (
            <Button type="submit" loading={save.isPending}>
              {editing ? t('common.save') : t('common.create')}
            </Button>
          ) : null}
        </Group>
      </Stack>
    </form>
  );
}

const EFFECT_TYPES: StrategyEffect['type'][] = ['poolCapacity', 'alternateSite', 'workaround', 'alternateSupplier'];
const EFFECT_DEFAULTS: Record<StrategyEffect['type'], StrategyEffect> = {
  poolCapacity: { type: 'poolCapacity', pool: '', amount: 0 },
  alternateSite: { type: 'alternateSite', seats: 0 },
  workaround: { type: 'workaround', application: '', factor: 0.5 },
  alternateSupplier: { type: 'alternateSupplier', supplier: '' },
};

function StrategyFields({ org, draft, set, problems }: { org: string; draft: Draft; set: (key: string, value: unknown) => void; problems?: FieldProblems }) {
  const { t } = useTranslation();
  const { currency } = useFormat();
  const cost = (draft.cost ?? { fixed: 0, perDay: 0 }) as Strategy['cost'];
  const effect = (draft.effect ?? EFFECT_DEFAULTS.poolCapacity) as StrategyEffect;
  const err = (field: string, nested = false) => fieldErrorText(problemsAt(problems, field, nested), t);
  const setEffect = (patch: Partial<StrategyEffect>) => set('effect', { ...effect, ...patch });
  return (
    <Stack gap="md">
      <SimpleGrid cols={3} spacing="md">
        <DurationInput
          label={t('fields.leadTime')}
          description={t('fields.leadTimeHelp')}
          required
          value={draft.leadTime as number | undefined}
          onChange={(hours) => set('leadTime', hours)}
          error={err('leadTime')}
        />
        <NumberField
          label={`${t('fields.costFixed')} (${currency})`}
          min={0}
          required
          value={cost.fixed}
          onChange={(value) => set('cost', { ...cost, fixed: value === '' ? 0 : Number(value) })}
          error={err('cost.fixed')}
        />
        <NumberField
          label={`${t('fields.costPerDay')} (${currency})`}
          min={0}
          required
          value={cost.perDay}
          onChange={(value) => set('cost', { ...cost, perDay: value === '' ? 0 : Number(value) })}
          error={err('cost.perDay')}
        />
      </SimpleGrid>
      <Paper withBorder p="sm" component="fieldset" style={{ border: '1px solid var(--mantine-color-gray-4)' }}>
        <Text component="legend" size="sm" fw={600} px={4}>
          {t('fields.effect')}
        </Text>
        <Stack gap="sm">
          <NativeSelect
            label={t('effects.type')}
            value={effect.type}
            onChange={(event) => set('effect', EFFECT_DEFAULTS[event.currentTarget.value as StrategyEffect['type']])}
            data={EFFECT_TYPES.map((type) => ({ value: type, label: t(`effects.${type}`) }))}
            error={err('effect.type')}
          />
          {effect.type === 'poolCapacity' ? (
            <SimpleGrid cols={2} spacing="md">
              <EntitySelect
                org={org}
                collection="pools"
                label={t('effects.pool')}
                value={effect.pool || undefined}
                onChange={(pool) => setEffect({ pool: pool ?? '' })}
                error={err('effect.pool')}
                required
              />
              <NumberField
                label={t('effects.amount')}
                min={0}
                value={effect.amount}
                onChange={(value) => setEffect({ amount: value === '' ? 0 : Number(value) })}
                error={err('effect.amount')}
                required
              />
            </SimpleGrid>
          ) : null}
          {effect.type === 'alternateSite' ? (
            <SimpleGrid cols={2} spacing="md">
              <NumberField
                label={t('effects.seats')}
                min={0}
                value={effect.seats}
                onChange={(value) => setEffect({ seats: value === '' ? 0 : Number(value) })}
                error={err('effect.seats')}
                required
              />
              <EntityMultiSelect
                org={org}
                collection="sites"
                label={t('effects.forSites')}
                description={t('effects.forSitesHelp')}
                value={effect.sites ?? []}
                onChange={(sites) => setEffect({ sites: sites.length ? sites : undefined })}
                error={err('effect.sites', true)}
              />
            </SimpleGrid>
          ) : null}
          {effect.type === 'workaround' ? (
            <SimpleGrid cols={2} spacing="md">
              <EntitySelect
                org={org}
                collection="applications"
                label={t('effects.application')}
                value={effect.application || undefined}
                onChange={(application) => setEffect({ application: application ?? '' })}
                error={err('effect.application')}
                required
              />
              <NumberField
                label={t('effects.factor')}
                description={t('effects.factorHelp')}
                min={0}
                max={100}
                suffix=" %"
                value={Math.round(effect.factor * 1000) / 10}
                onChange={(value) => setEffect({ factor: value === '' ? 0 : Number(value) / 100 })}
                error={err('effect.factor')}
                required
              />
            </SimpleGrid>
          ) : null}
          {effect.type === 'alternateSupplier' ? (
            <EntitySelect
              org={org}
              collection="suppliers"
              label={t('effects.supplier')}
              value={effect.supplier || undefined}
              onChange={(supplier) => setEffect({ supplier: supplier ?? '' })}
              error={err('effect.supplier')}
              required
            />
          ) : null}
        </Stack>
      </Paper>
      {problemsAt(problems, 'effect').length ? (
        <Text size="sm" c="red.9">
          {err('effect')}
        </Text>
      ) : null}
    </Stack>
  );
}
