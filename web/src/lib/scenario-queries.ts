// Server state of scenarios and their runs; a queued or running job is polled until it ends.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, orgPath, query, type ListPage } from './api.js';
import { entityName } from './format.js';
import { useLanguage, useNames } from './queries.js';
import type { NameOf, Run, RunStatus, StoredScenario } from './scenarios.js';

/** A run in one of these states will not change any more. */
export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set(['done', 'failed', 'cancelled']);

export const scenarioKeys = {
  list: (org: string) => ['org', org, 'scenarios', 'list'] as const,
  one: (org: string, id: string) => ['org', org, 'scenarios', 'one', id] as const,
  runs: (org: string, scenario?: string) => ['org', org, 'runs', 'list', scenario ?? '*'] as const,
  run: (org: string, id: string) => ['org', org, 'runs', 'one', id] as const,
};

/** How often a running job is read again. */
export const POLL_MS = 400;

/** The organisation's scenarios (up to 500, in the order of the library). */
export function useScenarios(org: string) {
  return useQuery({
    queryKey: scenarioKeys.list(org),
    enabled: Boolean(org),
    queryFn: () => api<ListPage<StoredScenario>>(orgPath(org, `/scenarios${query({ limit: 500 })}`)),
    staleTime: 15_000,
  });
}

export function useScenario(org: string, id: string) {
  return useQuery({
    queryKey: scenarioKeys.one(org, id),
    queryFn: () => api<StoredScenario>(orgPath(org, `/scenarios/${encodeURIComponent(id)}`)),
    enabled: Boolean(org && id),
  });
}

/** Display names of the scenarios by id. */
export function useScenarioNames(org: string) {
  const language = useLanguage();
  const list = useScenarios(org);
  return useMemo(() => {
    const map = new Map((list.data?.items ?? []).map((scenario) => [scenario.id, entityName(scenario, language)]));
    return (id: string) => map.get(id) ?? id;
  }, [list.data, language]);
}

/** Recent runs (newest first, without results), of one scenario or of all. */
export function useRuns(org: string, scenario?: string, limit = 50) {
  return useQuery({
    queryKey: [...scenarioKeys.runs(org, scenario), limit],
    enabled: Boolean(org),
    queryFn: () => api<{ items: Run[] }>(orgPath(org, `/runs${query({ scenario, limit })}`)),
    // A job still running in the list is refreshed until it ends.
    refetchInterval: (current) => (current.state.data?.items.some((run) => !TERMINAL_STATUSES.has(run.status)) ? 2000 : false),
  });
}

/** One run with its result; polled while it is queued or running. */
export function useRun<R>(org: string, id: string | null | undefined) {
  return useQuery({
    queryKey: scenarioKeys.run(org, id ?? ''),
    enabled: Boolean(org && id),
    queryFn: () => api<Run<R>>(orgPath(org, `/runs/${encodeURIComponent(id!)}`)),
    refetchInterval: (current) => (current.state.data && !TERMINAL_STATUSES.has(current.state.data.status) ? POLL_MS : false),
    staleTime: (current) => (current.state.data && TERMINAL_STATUSES.has(current.state.data.status) ? 60_000 : 0),
  });
}

/** Display names of every collection a scenario or a result names. */
export function useNameOf(org: string): NameOf {
  const sites = useNames(org, 'sites');
  const pools = useNames(org, 'pools');
  const applications = useNames(org, 'applications');
  const suppliers = useNames(org, 'suppliers');
  const activities = useNames(org, 'activities');
  const strategies = useNames(org, 'strategies');
  return useMemo(() => {
    const lookups = { sites, pools, applications, suppliers, activities, strategies };
    return (collection, id) => lookups[collection](id);
  }, [sites, pools, applications, suppliers, activities, strategies]);
}
