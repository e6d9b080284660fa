// Server state of mass notification: an incident's alerts with their delivery counts, the composer's templates, the
// follow-up queue and a case's notes, and the people directory. The incident's parts sit under the incident's key,
// so its live events (deliveries, check-ins, the follow-up queue) refresh them.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { AlertList, AlertTemplates, Availability, FollowUpCaseList, FollowUpNotes } from '@shared/model/contract/alerts.js';
import type { PeoplePage } from '@shared/model/contract/people.js';
import { api, orgPath, query } from './api.js';
import { crisisKeys, incidentPath } from './crisis-queries.js';

/** Read again every few seconds while the incident's live events are not connected and something is still moving. */
const FALLBACK_POLL_MS = 5000;

export function useAlerts(org: string, incident: string, options: { live?: boolean } = {}) {
  return useQuery({
    queryKey: [...crisisKeys.incident(org, incident), 'alerts'],
    enabled: Boolean(org && incident),
    queryFn: () => api<AlertList>(incidentPath(org, incident, '/alerts')),
    // Deliveries are announced on the live events; without them, the counts of an alert still sending are polled.
    refetchInterval: (current) =>
      options.live === false && current.state.data?.items.some((alert) => alert.status === 'sending' || alert.status === 'waiting') ? FALLBACK_POLL_MS : false,
  });
}

export function useAvailability(org: string, incident: string) {
  return useQuery({
    queryKey: [...crisisKeys.incident(org, incident), 'availability'],
    enabled: Boolean(org && incident),
    queryFn: () => api<Availability>(incidentPath(org, incident, '/availability')),
  });
}

export function useAlertTemplates(org: string, enabled = true) {
  return useQuery({
    queryKey: ['org', org, 'alert-templates'],
    enabled: Boolean(org) && enabled,
    staleTime: 5 * 60_000,
    queryFn: () => api<AlertTemplates>(orgPath(org, '/alert-templates')),
  });
}

export const followUpKey = (org: string, incident: string) => [...crisisKeys.incident(org, incident), 'follow-up'] as const;

export function useFollowUpCases(org: string, incident: string, status: string) {
  return useQuery({
    queryKey: [...followUpKey(org, incident), 'list', status],
    enabled: Boolean(org && incident),
    queryFn: () => api<FollowUpCaseList>(incidentPath(org, incident, `/follow-up${query({ status })}`)),
  });
}

/** A case's notes: asked only when the volunteer opens them, since every read is recorded in the audit trail. */
export function useCaseNotes(org: string, incident: string, id: string, enabled: boolean) {
  return useQuery({
    queryKey: [...followUpKey(org, incident), 'notes', id],
    enabled: Boolean(org && incident && id) && enabled,
    queryFn: () => api<FollowUpNotes>(incidentPath(org, incident, `/follow-up/${encodeURIComponent(id)}/notes`)),
    // Not refreshed by other changes of the incident: each read is audited.
    staleTime: Infinity,
  });
}

export const peopleKey = (org: string) => ['org', org, 'people'] as const;

export interface PeopleFilters {
  q: string;
  site: string;
  activity: string;
}

/** The directory a page at a time (cursor paging), filtered on the server. */
export function usePeople(org: string, filters: PeopleFilters, limit = 100, enabled = true) {
  return useInfiniteQuery({
    queryKey: [...peopleKey(org), 'list', filters, limit],
    enabled: Boolean(org) && enabled,
    initialPageParam: null as string | null,
    placeholderData: keepPreviousData,
    queryFn: ({ pageParam, signal }) => api<PeoplePage>(orgPath(org, `/people${query({ limit, ...filters, cursor: pageParam })}`), { signal }),
    getNextPageParam: (last) => last.nextCursor,
  });
}
