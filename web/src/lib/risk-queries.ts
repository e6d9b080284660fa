// Server state of the risk register: matrix, threats, lists, heat map, attention lists and history, under the organisation's key.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { WithAbilities } from './abilities.js';
import { api, orgPath, query, type ListPage, type Page } from './api.js';
import { entityName } from './format.js';
import { useAll, useLanguage } from './queries.js';
import {
  ASSET_COLLECTION,
  ASSET_TYPES,
  assetKey,
  type AssetType,
  type Heatmap,
  type RiskAttention,
  type RiskFilters,
  type RiskHistory,
  type RiskMatrix,
  type RiskView,
  type ThreatList,
  riskListQuery,
} from './risks.js';

export const riskKeys = {
  all: (org: string) => ['org', org, 'risks'] as const,
  list: (org: string, params: object) => ['org', org, 'risks', 'list', params] as const,
  one: (org: string, id: string) => ['org', org, 'risks', 'one', id] as const,
  heatmap: (org: string, params: object) => ['org', org, 'risks', 'heatmap', params] as const,
  attention: (org: string) => ['org', org, 'risks', 'attention'] as const,
  history: (org: string, id: string) => ['org', org, 'risks', 'history', id] as const,
  names: (org: string) => ['org', org, 'risks', 'names'] as const,
  count: (org: string, params: object) => ['org', org, 'risks', 'count', params] as const,
  matrix: (org: string) => ['org', org, 'risk-matrix'] as const,
  threats: (org: string) => ['org', org, 'threats'] as const,
};

export function useRiskMatrix(org: string) {
  return useQuery({
    queryKey: riskKeys.matrix(org),
    queryFn: () => api<RiskMatrix & WithAbilities>(orgPath(org, '/risk-matrix')),
    enabled: Boolean(org),
    staleTime: 30_000,
  });
}

export function useThreats(org: string) {
  return useQuery({ queryKey: riskKeys.threats(org), queryFn: () => api<ThreatList>(orgPath(org, '/threats')), enabled: Boolean(org), staleTime: 60_000 });
}

export function useRiskList(org: string, filters: RiskFilters, limit = 100) {
  const params = { ...riskListQuery(filters), limit };
  return useInfiniteQuery({
    queryKey: riskKeys.list(org, params),
    enabled: Boolean(org),
    initialPageParam: null as string | null,
    placeholderData: keepPreviousData,
    queryFn: ({ pageParam, signal }) => api<ListPage<RiskView>>(orgPath(org, `/risks${query({ ...params, cursor: pageParam })}`), { signal }),
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** How many risks match a filter (one small request), for dashboard figures. */
export function useRiskCount(org: string, params: Record<string, string>) {
  return useQuery({
    queryKey: riskKeys.count(org, params),
    enabled: Boolean(org),
    queryFn: async () => (await api<Page<RiskView>>(orgPath(org, `/risks${query({ ...params, limit: 1 })}`))).total,
  });
}

export function useRisk(org: string, id: string) {
  return useQuery({
    queryKey: riskKeys.one(org, id),
    queryFn: () => api<RiskView>(orgPath(org, `/risks/${encodeURIComponent(id)}`)),
    enabled: Boolean(org && id),
  });
}

export function useHeatmap(org: string, params: { rating: 'inherent' | 'residual'; family?: string; assetType?: string; assetId?: string }) {
  return useQuery({
    queryKey: riskKeys.heatmap(org, params),
    enabled: Boolean(org),
    placeholderData: keepPreviousData,
    queryFn: () => api<Heatmap>(orgPath(org, `/risks/heatmap${query(params)}`)),
  });
}

export function useAttention(org: string) {
  return useQuery({ queryKey: riskKeys.attention(org), queryFn: () => api<RiskAttention>(orgPath(org, '/risks/attention')), enabled: Boolean(org) });
}

export function useRiskHistory(org: string, id: string) {
  return useQuery({
    queryKey: riskKeys.history(org, id),
    queryFn: () => api<RiskHistory>(orgPath(org, `/risks/${encodeURIComponent(id)}/history`)),
    enabled: Boolean(org && id),
  });
}

/** Every risk of the register (pages of 500), for names and the heat map's cell lists. */
export function useAllRisks(org: string) {
  return useQuery({
    queryKey: riskKeys.names(org),
    enabled: Boolean(org),
    staleTime: 15_000,
    queryFn: async () => {
      const items: RiskView[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<RiskView> = await api<Page<RiskView>>(orgPath(org, `/risks${query({ limit: 500, cursor })}`));
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && items.length < 10_000);
      return items;
    },
  });
}

/** The organisation's sites, activities, applications, suppliers and pools as grouped options (`type:id`). */
export function useAssetOptions(org: string) {
  const { t } = useTranslation();
  const language = useLanguage();
  const sites = useAll(org, 'sites');
  const activities = useAll(org, 'activities');
  const applications = useAll(org, 'applications');
  const suppliers = useAll(org, 'suppliers');
  const pools = useAll(org, 'pools');
  const byType: Record<AssetType, typeof sites.data> = {
    site: sites.data,
    activity: activities.data as never,
    application: applications.data as never,
    supplier: suppliers.data as never,
    pool: pools.data as never,
  };
  return useMemo(() => {
    const names = new Map<string, string>();
    const groups = ASSET_TYPES.map((type) => ({
      group: t(`collections.${ASSET_COLLECTION[type]}.title`),
      items: (byType[type]?.items ?? []).map((item) => {
        const key = assetKey({ type, id: item.id });
        const label = entityName(item as { id: string; name?: string }, language);
        names.set(key, label);
        return { value: key, label };
      }),
    }));
    return { groups, name: (key: string) => names.get(key) ?? key.slice(key.indexOf(':') + 1) };
  }, [sites.data, activities.data, applications.data, suppliers.data, pools.data, language, t]);
}
