// The risk register: searchable, filterable (family, band, appetite, asset), sorted by severity; new risks in a drawer.
import { Alert, Anchor, Badge, Button, Drawer, EmptyState, Group, NativeSelect, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { ProblemSummary } from '../components/Problems.js';
import { BandBadge } from '../components/risk/BandBadge.js';
import { RISK_FIELDS, RiskForm } from '../components/risk/RiskForm.js';
import { allows, useAbilities } from '../lib/abilities.js';
import { api, isApiError, orgPath } from '../lib/api.js';
import { entityName } from '../lib/format.js';
import { errorSentence, groupByField, unclaimedProblems } from '../lib/problems.js';
import { invalidateOrganisation, useFormat, useLanguage, useOrgId } from '../lib/queries.js';
import { useAssetOptions, useRiskList, useRiskMatrix, useThreats } from '../lib/risk-queries.js';
import {
  bandName,
  emptyRisk,
  familyName,
  readRiskFilters,
  RISK_SORTS,
  toRiskBody,
  type RiskDraft,
  type RiskMatrix,
  type RiskView,
  type ThreatList,
} from '../lib/risks.js';

export default function Risks() {
  const { t } = useTranslation();
  const org = useOrgId();
  const language = useLanguage();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const filters = readRiskFilters(params);
  const [q, setQ] = useState(filters.q);
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const matrix = useRiskMatrix(org);
  const threats = useThreats(org);
  const assets = useAssetOptions(org);
  const list = useRiskList(org, { ...filters, q: debouncedQ });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const total = list.data?.pages[0]?.total ?? 0;
  // The register says whether the caller may add to it; importing is the organisation's ability (GET /api/auth/me).
  const canCreate = allows(list.data?.pages[0], 'create');
  const canImport = useAbilities(org).can('risks', 'import');
  const creating = params.get('new') === '1' && canCreate;
  const base = `/orgs/${encodeURIComponent(org)}`;
  usePageTitle(t('risks.title'));

  const setParam = (key: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: key === 'q' },
    );
  useEffect(() => {
    if (debouncedQ !== filters.q) setParam('q', debouncedQ || null);
  }, [debouncedQ]);

  const filtered = Boolean(filters.family || filters.band || filters.aboveAppetite || filters.asset || debouncedQ);
  const clear = () => {
    setQ('');
    setParams((current) => {
      const next = new URLSearchParams();
      if (current.get('sort')) next.set('sort', current.get('sort')!);
      return next;
    });
  };

  if (matrix.isError) return <LoadError error={matrix.error} />;
  if (!matrix.data) return <Loading />;

  return (
    <Stack gap="sm">
      <PageHeader
        title={t('risks.title')}
        description={t('risks.description')}
        actions={
          <>
            <Button component={Link} to={`${base}/risks/heatmap`} variant="default">
              {t('risks.openHeatmap')}
            </Button>
            {canCreate ? <Button onClick={() => setParam('new', '1')}>{t('risks.new')}</Button> : null}
          </>
        }
      />
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TextInput
          label={t('common.search')}
          placeholder={t('risks.searchPlaceholder')}
          type="search"
          value={q}
          onChange={(event) => setQ(event.currentTarget.value)}
          w={220}
        />
        <NativeSelect
          label={t('risks.family')}
          value={filters.family ?? ''}
          onChange={(event) => setParam('family', event.currentTarget.value || null)}
          data={[
            { value: '', label: t('risks.allFamilies') },
            ...(threats.data?.families ?? []).map((family) => ({ value: family.id, label: entityName(family, language) })),
          ]}
          w={190}
        />
        <NativeSelect
          label={t('risks.band')}
          value={filters.band ?? ''}
          onChange={(event) => setParam('band', event.currentTarget.value || null)}
          data={[{ value: '', label: t('risks.allBands') }, ...matrix.data.bands.map((band) => ({ value: band.id, label: bandName(band, language) }))]}
          w={140}
        />
        {filters.band ? (
          <NativeSelect
            label={t('risks.bandOf')}
            value={filters.rating}
            onChange={(event) => setParam('rating', event.currentTarget.value === 'inherent' ? 'inherent' : null)}
            data={[
              { value: 'residual', label: t('risks.residual') },
              { value: 'inherent', label: t('risks.inherent') },
            ]}
            w={150}
          />
        ) : null}
        <NativeSelect
          label={t('risks.appetite')}
          value={filters.aboveAppetite ?? ''}
          onChange={(event) => setParam('aboveAppetite', event.currentTarget.value || null)}
          data={[
            { value: '', label: t('risks.appetiteAll') },
            { value: 'true', label: t('risks.appetiteAbove') },
            { value: 'false', label: t('risks.appetiteWithin') },
          ]}
          w={170}
        />
        <Select
          label={t('risks.asset')}
          placeholder={t('risks.allAssets')}
          data={assets.groups}
          value={filters.asset}
          onChange={(value) => setParam('asset', value)}
          searchable
          clearable
          limit={100}
          w={220}
          nothingFoundMessage={t('common.nothingFound')}
        />
        <NativeSelect
          label={t('common.sortBy')}
          value={filters.sort}
          onChange={(event) => setParam('sort', event.currentTarget.value === 'severity' ? null : event.currentTarget.value)}
          data={RISK_SORTS.map((sort) => ({ value: sort, label: t(`risks.sorts.${sort}`) }))}
          w={170}
        />
        {filtered ? (
          <Button variant="subtle" onClick={clear}>
            {t('risks.clearFilters')}
          </Button>
        ) : null}
      </Group>
      <Text size="sm" c="dimmed" aria-live="polite">
        {list.isPending ? t('common.loading') : t('risks.count', { count: total, formatted: format.number(total) })}
        {list.isFetching && !list.isPending ? ' …' : ''}
      </Text>
      {list.isError ? <LoadError error={list.error} /> : null}
      {list.isPending ? (
        <Loading />
      ) : total === 0 ? (
        <Paper withBorder p="xl">
          <EmptyState
            title={filtered ? t('risks.noMatchTitle') : t('risks.emptyTitle')}
            description={filtered ? t('risks.noMatchText') : canCreate || canImport ? t('risks.emptyText') : t('abilities.nothingYet')}
          >
            <Group justify="center" mt="md">
              {filtered ? (
                <Button variant="default" onClick={clear}>
                  {t('risks.clearFilters')}
                </Button>
              ) : (
                <>
                  {canCreate ? <Button onClick={() => setParam('new', '1')}>{t('risks.new')}</Button> : null}
                  {canImport ? (
                    <Button component={Link} to={`${base}/exchange#risk-sheet-title`} variant="default">
                      {t('risks.import')}
                    </Button>
                  ) : null}
                </>
              )}
            </Group>
          </EmptyState>
        </Paper>
      ) : (
        <RiskTable org={org} matrix={matrix.data} threats={threats.data} rows={rows} />
      )}
      {list.hasNextPage ? (
        <Group justify="center">
          <Button variant="default" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </Group>
      ) : null}
      <Text size="sm">
        <Anchor component={Link} to={`${base}/exchange#risk-sheet-title`}>
          {canImport ? t('risks.importExport') : t('risks.export')}
        </Anchor>
        {' · '}
        <Anchor component={Link} to={`${base}/risk-matrix`}>
          {allows(matrix.data, 'update') ? t('risks.editMatrix') : t('risks.viewMatrix')}
        </Anchor>
      </Text>
      <Drawer opened={creating} onClose={() => setParam('new', null)} position="right" size="xl" title={t('risks.new')}>
        {creating ? <NewRisk org={org} matrix={matrix.data} threats={threats.data} onClose={() => setParam('new', null)} /> : null}
      </Drawer>
    </Stack>
  );
}

export function RiskTable({ org, matrix, threats, rows }: { org: string; matrix: RiskMatrix; threats: ThreatList | undefined; rows: RiskView[] }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const format = useFormat();
  const base = `/orgs/${encodeURIComponent(org)}`;
  return (
    <div style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4, overflow: 'auto' }}>
      <table className="data-table risk-table" aria-label={t('risks.title')}>
        <colgroup>
          <col style={{ width: '32%' }} />
          <col style={{ width: '14%' }} />
          <col style={{ width: '13%' }} />
          <col style={{ width: '13%' }} />
          <col style={{ width: '14%' }} />
          <col style={{ width: '14%' }} />
        </colgroup>
        <thead>
          <tr>
            <th>{t('risks.risk')}</th>
            <th>{t('risks.family')}</th>
            <th>{t('risks.inherent')}</th>
            <th>{t('risks.residual')}</th>
            <th>{t('riskForm.treatments')}</th>
            <th>{t('fields.owner')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((risk) => {
            const title = entityName({ id: risk.id, name: risk.title, names: risk.names }, language);
            const open = risk.treatments.filter((treatment) => treatment.status === 'planned' || treatment.status === 'in-progress').length;
            return (
              <tr key={risk.id} data-risk={risk.id}>
                <td title={title}>
                  <Anchor component={Link} to={`${base}/risks/${encodeURIComponent(risk.id)}`} size="sm" fw={600}>
                    {title}
                  </Anchor>
                  {risk.computed.treatmentRequired ? (
                    <Badge ml={6} size="xs" color="red" variant="light">
                      {t('risks.needsTreatment')}
                    </Badge>
                  ) : risk.computed.aboveAppetite ? (
                    <Badge ml={6} size="xs" color="orange" variant="light">
                      {t('risks.aboveAppetite')}
                    </Badge>
                  ) : null}
                </td>
                <td>{familyName(threats?.families, risk.computed.family, language)}</td>
                <td>
                  <BandBadge matrix={matrix} rated={risk.computed.inherent} compact />
                </td>
                <td>
                  <BandBadge matrix={matrix} rated={risk.computed.residual} compact />
                </td>
                <td>
                  {risk.treatments.length === 0
                    ? t('risks.noTreatments')
                    : t('risks.treatmentsOpen', { count: risk.treatments.length, open: format.number(open) })}
                </td>
                <td title={risk.owner}>{risk.owner ?? ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function NewRisk({ org, matrix, threats, onClose }: { org: string; matrix: RiskMatrix; threats: ThreatList | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<RiskDraft>(emptyRisk);
  const create = useMutation({
    mutationFn: () => api<RiskView>(orgPath(org, '/risks'), { method: 'POST', body: toRiskBody(draft) }),
    onSuccess: async (risk) => {
      await invalidateOrganisation(client, org);
      onClose();
      navigate(`/orgs/${encodeURIComponent(org)}/risks/${encodeURIComponent(risk.id)}?created=1`);
    },
  });
  const problems = isApiError(create.error) ? groupByField(create.error.details) : undefined;
  const rest = unclaimedProblems(problems, RISK_FIELDS);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <RiskForm org={org} matrix={matrix} threats={threats} draft={draft} onChange={setDraft} problems={problems} creating />
        {create.error ? <ProblemSummary title={t('form.refused')} message={errorSentence(create.error, t)} problems={rest} /> : null}
        {create.isError && problems?.size ? (
          <Alert color="red" variant="outline" role="status">
            {t('form.fixFields')}
          </Alert>
        ) : null}
        <Group justify="flex-end" style={{ position: 'sticky', bottom: 0, background: 'white', padding: '8px 0' }}>
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending}>
            {t('risks.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
