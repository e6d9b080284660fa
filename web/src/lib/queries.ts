// Server state: one TanStack Query key space per organisation, invalidated whole after any write.
import { keepPreviousData, useInfiniteQuery, useQuery, type QueryClient } from '@tanstack/react-query';
import type { Collection, OrganisationModel } from '@shared/model/organisation.js';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, orgPath, query, type FindingsResponse, type ListPage, type Organisation, type OrganisationView, type Page, type Presented } from './api.js';
import { createFormatter, entityName, type Formatter } from './format.js';
import type { Language } from './prefs.js';

export const COLLECTION_LIST: readonly Collection[] = ['sites', 'pools', 'applications', 'suppliers', 'activities', 'strategies'];

export const keys = {
  orgs: ['orgs'] as const,
  org: (org: string) => ['org', org] as const,
  details: (org: string) => ['org', org, 'details'] as const,
  findings: (org: string) => ['org', org, 'findings'] as const,
  totals: (org: string) => ['org', org, 'totals'] as const,
  model: (org: string) => ['org', org, 'model'] as const,
  all: (org: string, collection: Collection) => ['org', org, 'all', collection] as const,
  list: (org: string, collection: Collection, params: object) => ['org', org, 'list', collection, params] as const,
  entity: (org: string, collection: Collection, id: string) => ['org', org, 'entity', collection, id] as const,
};

/** After a write, everything read from the organisation may have changed (findings, totals, lists). */
export function invalidateOrganisation(client: QueryClient, org: string): Promise<void> {
  return client.invalidateQueries({ queryKey: keys.org(org) });
}

/** The organisation id of the current page (`/orgs/:org/…`). */
export function useOrgId(): string {
  return useParams().org ?? '';
}

export function useOrganisations() {
  return useQuery({ queryKey: keys.orgs, queryFn: () => api<{ items: Organisation[] }>('/api/orgs'), staleTime: 30_000 });
}

const organisationQuery = (org: string) => ({ queryKey: keys.details(org), queryFn: () => api<OrganisationView>(orgPath(org)), staleTime: 30_000 });
const findingsQuery = (org: string) => ({ queryKey: keys.findings(org), queryFn: () => api<FindingsResponse>(orgPath(org, '/findings')) });
const totalsQuery = (org: string) => ({
  queryKey: keys.totals(org),
  queryFn: async () => {
    const pages = await Promise.all(COLLECTION_LIST.map((collection) => api<Page<unknown>>(orgPath(org, `/${collection}${query({ limit: 1 })}`))));
    return Object.fromEntries(COLLECTION_LIST.map((collection, index) => [collection, pages[index].total])) as Record<Collection, number>;
  },
});

/**
 * Asks for what the shell and the dashboard of an organisation show, before their code has loaded: on a first visit
 * the requests then run beside the download of the page's chunks instead of after it.
 */
export function prefetchOrganisation(client: QueryClient, org: string): void {
  for (const options of [organisationQuery(org), findingsQuery(org), totalsQuery(org)]) void client.prefetchQuery(options as never);
}

// Read by most components (formats use the organisation's currency): a refusal (a follow-up volunteer may not read the
// organisation) is not asked again by each component that mounts; an invalidation or a reload asks again.
export function useOrganisation(org: string) {
  return useQuery({ ...organisationQuery(org), enabled: Boolean(org), retryOnMount: false });
}

export function useFindings(org: string) {
  return useQuery({ ...findingsQuery(org), enabled: Boolean(org), retryOnMount: false });
}

/** The number of items in each collection (one small request each). */
export function useTotals(org: string, enabled = true) {
  return useQuery({ ...totalsQuery(org), enabled: Boolean(org) && enabled });
}

export function useModel(org: string, enabled = true) {
  return useQuery({ queryKey: keys.model(org), queryFn: () => api<OrganisationModel>(orgPath(org, '/model')), enabled: Boolean(org) && enabled });
}

/** Up to `cap` items of a collection (pages of 500), for pickers and name look-ups. */
export function useAll<C extends Collection>(org: string, collection: C, cap = 2000) {
  return useQuery({
    queryKey: [...keys.all(org, collection), cap],
    enabled: Boolean(org),
    staleTime: 15_000,
    queryFn: async () => {
      const items: Array<Presented<C>> = [];
      let cursor: string | null = null;
      let total: number;
      do {
        const page: Page<Presented<C>> = await api<Page<Presented<C>>>(orgPath(org, `/${collection}${query({ limit: 500, cursor })}`));
        items.push(...page.items);
        total = page.total;
        cursor = page.nextCursor;
      } while (cursor && items.length < cap);
      return { items, total, complete: items.length >= total };
    },
  });
}

export type SortKey = 'position' | 'id' | 'name';

/** A collection read page by page as the user scrolls (cursor paging). */
export function useInfiniteList<C extends Collection>(org: string, collection: C, params: { q: string; sort: SortKey; limit: number }) {
  return useInfiniteQuery({
    queryKey: keys.list(org, collection, params),
    enabled: Boolean(org),
    initialPageParam: null as string | null,
    placeholderData: keepPreviousData,
    queryFn: ({ pageParam, signal }) =>
      api<ListPage<Presented<C>>>(orgPath(org, `/${collection}${query({ limit: params.limit, q: params.q, sort: params.sort, cursor: pageParam })}`), {
        signal,
      }),
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return i18n.language === 'fr' ? 'fr' : 'en';
}

/** Formatting for the interface language, with the current organisation's currency for amounts. */
export function useFormat(): Formatter {
  const { t, i18n } = useTranslation();
  const language: Language = i18n.language === 'fr' ? 'fr' : 'en';
  const org = useOrgId();
  const currency = useOrganisation(org).data?.currency ?? 'EUR';
  return useMemo(() => createFormatter(language, t as never, currency), [language, t, currency]);
}

/** Display names of a collection's items by id (falls back to the id for items not loaded). */
export function useNames(org: string, collection: Collection) {
  const language = useLanguage();
  const all = useAll(org, collection);
  return useMemo(() => {
    const map = new Map<string, string>();
    for (const item of all.data?.items ?? []) map.set(item.id, entityName(item as { id: string; name?: string }, language));
    return (id: string) => map.get(id) ?? id;
  }, [all.data, language]);
}
