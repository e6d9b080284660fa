// The activity list: searchable, sortable, virtualised and paged by cursor as the user scrolls (fine at 10,000 rows).
import { Alert, Anchor, Badge, Button, Group, Loader, Modal, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { DurationInput } from '../components/DurationInput.js';
import { NumberField } from '../components/NumberField.js';
import { LoadError, PageHeader, usePageTitle } from '../components/Page.js';
import { ProblemSummary } from '../components/Problems.js';
import { allows } from '../lib/abilities.js';
import { api, isApiError, orgPath, type PresentedActivity } from '../lib/api.js';
import { entityName, ownerLabel } from '../lib/format.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../lib/problems.js';
import { invalidateOrganisation, useFormat, useInfiniteList, useLanguage, useOrgId, type SortKey } from '../lib/queries.js';

const PAGE = 200;
const ROW_HEIGHT = 40;

export default function Activities() {
  const { t } = useTranslation();
  const org = useOrgId();
  const language = useLanguage();
  const format = useFormat();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const sort = (['position', 'id', 'name'].includes(params.get('sort') ?? '') ? params.get('sort') : 'position') as SortKey;
  const creating = params.get('new') === '1';
  usePageTitle(t('activities.title'));

  useEffect(() => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (debouncedQ) next.set('q', debouncedQ);
        else next.delete('q');
        return next;
      },
      { replace: true },
    );
  }, [debouncedQ, setParams]);

  const list = useInfiniteList(org, 'activities', { q: debouncedQ, sort, limit: PAGE });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const total = list.data?.pages[0]?.total ?? 0;
  // The list says whether the caller may add to it.
  const canCreate = allows(list.data?.pages[0], 'create');

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: list.hasNextPage ? rows.length + 1 : rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
  });
  const virtualRows = virtualizer.getVirtualItems();
  const lastIndex = virtualRows.length ? virtualRows[virtualRows.length - 1].index : -1;

  // Load the next page a little before the user reaches the end of what is loaded.
  useEffect(() => {
    if (lastIndex >= rows.length - 40 && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
  }, [lastIndex, rows.length, list.hasNextPage, list.isFetchingNextPage, list.fetchNextPage]);

  // A new search or sort starts at the top.
  useEffect(() => {
    virtualizer.scrollToOffset(0);
  }, [debouncedQ, sort, virtualizer]);

  const setSort = (value: SortKey) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (value === 'position') next.delete('sort');
      else next.set('sort', value);
      return next;
    });
  const setCreating = (open: boolean) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (open) next.set('new', '1');
      else next.delete('new');
      return next;
    });

  const paddingTop = virtualRows.length ? virtualRows[0].start : 0;
  const paddingBottom = virtualRows.length ? virtualizer.getTotalSize() - virtualRows[virtualRows.length - 1].end : 0;
  const ariaSort = (key: SortKey) => (sort === key ? 'ascending' : undefined);

  return (
    <Stack gap="sm">
      <PageHeader
        title={t('activities.title')}
        description={t('activities.description')}
        actions={canCreate ? <Button onClick={() => setCreating(true)}>{t('activities.new')}</Button> : undefined}
      />
      <Group gap="sm" align="flex-end">
        <TextInput
          label={t('common.search')}
          placeholder={t('activities.searchPlaceholder')}
          value={q}
          onChange={(event) => setQ(event.currentTarget.value)}
          w={320}
          type="search"
        />
        <NativeSelect
          label={t('common.sortBy')}
          value={sort}
          onChange={(event) => setSort(event.currentTarget.value as SortKey)}
          data={[
            { value: 'position', label: t('common.sortPosition') },
            { value: 'id', label: t('common.sortId') },
            { value: 'name', label: t('common.sortName') },
          ]}
          w={200}
        />
        <Text size="sm" c="dimmed" pb={8} aria-live="polite">
          {list.isPending ? t('common.loading') : t('activities.count', { count: total, formatted: format.number(total) })}
          {list.isFetching && !list.isPending ? ' …' : ''}
        </Text>
      </Group>
      {list.isError ? <LoadError error={list.error} /> : null}
      {!list.isPending && total === 0 ? (
        <Alert color="gray" title={debouncedQ ? t('activities.noMatchTitle') : t('activities.emptyTitle')}>
          {debouncedQ ? (
            t('activities.noMatchText', { q: debouncedQ })
          ) : !canCreate ? (
            t('abilities.nothingYet')
          ) : (
            <>
              {t('activities.emptyText')}{' '}
              <Anchor component={Link} to={`/orgs/${encodeURIComponent(org)}/exchange`}>
                {t('activities.emptyLink')}
              </Anchor>
            </>
          )}
        </Alert>
      ) : (
        <div
          ref={scroller}
          style={{ height: 'calc(100vh - 250px)', minHeight: 320, overflow: 'auto', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }}
          data-testid="activity-scroller"
        >
          <table className="data-table" aria-rowcount={total + 1} aria-label={t('activities.title')}>
            <colgroup>
              <col style={{ width: '16%' }} />
              <col style={{ width: '26%' }} />
              <col style={{ width: '16%' }} />
              <col style={{ width: '9%' }} />
              <col style={{ width: '11%' }} />
              <col style={{ width: '9%' }} />
              <col style={{ width: '13%' }} />
            </colgroup>
            <thead>
              <tr aria-rowindex={1}>
                <th aria-sort={ariaSort('id')}>
                  <button type="button" className="sort-button" onClick={() => setSort('id')}>
                    {t('fields.id')} {sort === 'id' ? '▲' : ''}
                  </button>
                </th>
                <th aria-sort={ariaSort('name')}>
                  <button type="button" className="sort-button" onClick={() => setSort('name')}>
                    {t('fields.name')} {sort === 'name' ? '▲' : ''}
                  </button>
                </th>
                <th>{t('fields.owner')}</th>
                <th className="num">
                  <abbr title={t('terms.mtpd.long')}>{t('terms.mtpd.name')}</abbr>
                </th>
                <th className="num">{t('activities.suggested')}</th>
                <th className="num">
                  <abbr title={t('terms.rto.long')}>{t('terms.rto.name')}</abbr>
                </th>
                <th>{t('activities.assessment')}</th>
              </tr>
            </thead>
            <tbody>
              {paddingTop > 0 ? (
                <tr aria-hidden="true">
                  <td colSpan={7} style={{ height: paddingTop, padding: 0, border: 0 }} />
                </tr>
              ) : null}
              {virtualRows.map((virtualRow) => {
                const activity = rows[virtualRow.index] as PresentedActivity | undefined;
                if (!activity)
                  return (
                    <tr key="loader" aria-rowindex={virtualRow.index + 2}>
                      <td colSpan={7}>
                        <Group gap="xs">
                          <Loader size="xs" aria-hidden />
                          <Text size="sm">{t('common.loadingMore')}</Text>
                        </Group>
                      </td>
                    </tr>
                  );
                return (
                  <ActivityRow
                    key={activity.id}
                    activity={activity}
                    index={virtualRow.index}
                    href={`/orgs/${encodeURIComponent(org)}/activities/${encodeURIComponent(activity.id)}`}
                    name={entityName(activity, language)}
                    onOpen={(href) => navigate(href)}
                  />
                );
              })}
              {paddingBottom > 0 ? (
                <tr aria-hidden="true">
                  <td colSpan={7} style={{ height: paddingBottom, padding: 0, border: 0 }} />
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      )}
      {canCreate ? <NewActivity org={org} opened={creating} onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
}

function ActivityRow({
  activity,
  index,
  href,
  name,
  onOpen,
}: {
  activity: PresentedActivity;
  index: number;
  href: string;
  name: string;
  onOpen: (href: string) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const language = useLanguage();
  const { suggestedMtpd, assessment } = activity.computed;
  const late = activity.rto > activity.mtpd;
  return (
    <tr aria-rowindex={index + 2} onClick={(event) => !(event.target as HTMLElement).closest('a') && onOpen(href)} style={{ cursor: 'pointer' }}>
      <td>
        <code>{activity.id}</code>
      </td>
      <td title={name}>
        <Anchor component={Link} to={href} size="sm">
          {name}
        </Anchor>
      </td>
      <td title={ownerLabel(activity.owner, activity.ownerTitles, language)}>{ownerLabel(activity.owner, activity.ownerTitles, language)}</td>
      <td className="num">{format.duration(activity.mtpd)}</td>
      <td className="num">
        {suggestedMtpd === null ? (
          <Text span c="dimmed" size="sm">
            —
          </Text>
        ) : suggestedMtpd !== activity.mtpd ? (
          <Text span size="sm" fw={700} c="orange.9" title={t('activities.differs')}>
            {format.duration(suggestedMtpd)} ≠
          </Text>
        ) : (
          format.duration(suggestedMtpd)
        )}
      </td>
      <td className="num">
        {late ? (
          <Text span size="sm" fw={700} c="red.9" title={t('activities.rtoLate')}>
            {format.duration(activity.rto)} !
          </Text>
        ) : (
          format.duration(activity.rto)
        )}
      </td>
      <td>
        <AssessmentBadge state={assessment} />
      </td>
    </tr>
  );
}

export function AssessmentBadge({ state }: { state: 'none' | 'partial' | 'complete' }) {
  const { t } = useTranslation();
  const color = state === 'complete' ? 'teal' : state === 'partial' ? 'yellow' : 'gray';
  return (
    <Badge color={color} variant="light" size="sm" tt="none">
      {t(`assessment.${state}`)}
    </Badge>
  );
}

function NewActivity({ org, opened, onClose }: { org: string; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<{ id: string; name: string; mtpd?: number; rto?: number; mbco: number | '' }>({
    id: '',
    name: '',
    mtpd: 72,
    rto: 24,
    mbco: 50,
  });
  const create = useMutation({
    mutationFn: () =>
      api<PresentedActivity>(orgPath(org, '/activities'), {
        method: 'POST',
        body: { id: draft.id.trim(), name: draft.name, mtpd: draft.mtpd, rto: draft.rto, mbco: draft.mbco === '' ? undefined : draft.mbco / 100 },
      }),
    onSuccess: async (activity) => {
      await invalidateOrganisation(client, org);
      onClose();
      navigate(`/orgs/${encodeURIComponent(org)}/activities/${encodeURIComponent(activity.id)}`);
    },
  });
  const problems = isApiError(create.error) ? groupByField(create.error.details) : undefined;
  const fields = ['id', 'name', 'mtpd', 'rto', 'mbco'];
  const rest = unclaimedProblems(problems, fields);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('activities.new')} size="md">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('fields.id')}
            description={t('fields.idHelp')}
            required
            value={draft.id}
            onChange={(event) => setDraft({ ...draft, id: event.currentTarget.value })}
            error={fieldErrorText(problemsAt(problems, 'id'), t)}
            data-autofocus
          />
          <TextInput
            label={t('fields.name')}
            required
            value={draft.name}
            onChange={(event) => setDraft({ ...draft, name: event.currentTarget.value })}
            error={fieldErrorText(problemsAt(problems, 'name'), t)}
          />
          <Group grow align="flex-start">
            <DurationInput
              label={t('terms.mtpd.name')}
              value={draft.mtpd}
              onChange={(mtpd) => setDraft({ ...draft, mtpd })}
              error={fieldErrorText(problemsAt(problems, 'mtpd'), t)}
              required
            />
            <DurationInput
              label={t('terms.rto.name')}
              value={draft.rto}
              onChange={(rto) => setDraft({ ...draft, rto })}
              error={fieldErrorText(problemsAt(problems, 'rto'), t)}
              required
            />
          </Group>
          <NumberField
            label={t('fields.mbcoPercent')}
            description={t('terms.mbco.text')}
            min={0}
            max={100}
            suffix=" %"
            value={draft.mbco}
            onChange={(value) => setDraft({ ...draft, mbco: value === '' ? '' : Number(value) })}
            error={fieldErrorText(problemsAt(problems, 'mbco'), t)}
            required
          />
          {create.error && (rest.length > 0 || !problems?.size) ? (
            <ProblemSummary title={t('form.refused')} message={errorSentence(create.error, t)} problems={rest} />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('common.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
