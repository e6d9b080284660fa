// Server state of plans and incidents, and the incident's live events: every change another person makes (a task
// ticked, a log entry, a status) arrives over Server-Sent Events and refreshes what the page shows.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, orgPath, query, type ListPage } from './api.js';
import type {
  CorrectiveAction,
  CrisisLog,
  IncidentReview,
  IncidentView,
  PlanTemplate,
  PlanVersionView,
  PlanView,
  Projection,
  SituationBoard,
  TaskList,
} from './crisis.js';

export const crisisKeys = {
  plans: (org: string) => ['org', org, 'plans'] as const,
  plan: (org: string, id: string) => ['org', org, 'plans', 'one', id] as const,
  incidents: (org: string) => ['org', org, 'incidents'] as const,
  incident: (org: string, id: string) => ['org', org, 'incidents', 'one', id] as const,
};

const planPath = (org: string, id: string, rest = '') => orgPath(org, `/plans/${encodeURIComponent(id)}${rest}`);
const incidentPath = (org: string, id: string, rest = '') => orgPath(org, `/incidents/${encodeURIComponent(id)}${rest}`);
export { incidentPath, planPath };

export function usePlans(org: string, params: { status?: string; q?: string } = {}) {
  return useQuery({
    queryKey: [...crisisKeys.plans(org), 'list', params],
    enabled: Boolean(org),
    queryFn: () => api<ListPage<PlanView>>(orgPath(org, `/plans${query(params)}`)),
  });
}

export function usePlanTemplates(org: string, enabled = true) {
  return useQuery({
    queryKey: [...crisisKeys.plans(org), 'templates'],
    enabled: Boolean(org) && enabled,
    staleTime: 5 * 60_000,
    queryFn: () => api<{ items: PlanTemplate[] }>(orgPath(org, '/plan-templates')),
  });
}

/** One plan; read again every two seconds while a Monte Carlo validation is awaited. */
export function usePlan(org: string, id: string, awaitingMonteCarlo = false) {
  return useQuery({
    queryKey: crisisKeys.plan(org, id),
    enabled: Boolean(org && id),
    queryFn: () => api<PlanView>(planPath(org, id)),
    refetchInterval: awaitingMonteCarlo ? 2000 : false,
  });
}

export function usePlanVersions(org: string, id: string) {
  return useQuery({
    queryKey: [...crisisKeys.plan(org, id), 'versions'],
    enabled: Boolean(org && id),
    queryFn: () => api<{ plan: string; items: Array<Omit<PlanVersionView, 'content'>> }>(planPath(org, id, '/versions')),
  });
}

export function useIncidents(org: string, params: { status?: string; exercise?: string } = {}) {
  return useQuery({
    queryKey: [...crisisKeys.incidents(org), 'list', params],
    enabled: Boolean(org),
    queryFn: () => api<ListPage<IncidentView>>(orgPath(org, `/incidents${query({ limit: 200, ...params })}`)),
  });
}

export function useIncident(org: string, id: string) {
  return useQuery({ queryKey: crisisKeys.incident(org, id), enabled: Boolean(org && id), queryFn: () => api<IncidentView>(incidentPath(org, id)) });
}

/** The incident's board, tasks, log, review and corrective actions: one key each under the incident's. */
function useIncidentPart<T>(org: string, id: string, part: string, path: string, enabled = true) {
  return useQuery({
    queryKey: [...crisisKeys.incident(org, id), part],
    enabled: Boolean(org && id) && enabled,
    queryFn: () => api<T>(incidentPath(org, id, path)),
  });
}

export const useBoard = (org: string, id: string) => useIncidentPart<SituationBoard>(org, id, 'board', '/board');
export const useTasks = (org: string, id: string) => useIncidentPart<TaskList>(org, id, 'tasks', '/tasks');
export const useCrisisLog = (org: string, id: string) => useIncidentPart<CrisisLog>(org, id, 'log', '/log');
export const useProjection = (org: string, id: string, enabled: boolean) => useIncidentPart<Projection>(org, id, 'projection', '/projection', enabled);
export const useReview = (org: string, id: string, enabled: boolean) => useIncidentPart<IncidentReview>(org, id, 'review', '/review', enabled);

export function useCorrectiveActions(org: string, incident: string, enabled: boolean) {
  return useQuery({
    queryKey: [...crisisKeys.incident(org, incident), 'actions'],
    enabled: Boolean(org && incident) && enabled,
    queryFn: () => api<ListPage<CorrectiveAction>>(orgPath(org, `/corrective-actions${query({ incident })}`)),
  });
}

/** The event types of an incident's stream (GET …/incidents/{id}/events, topic `incident:<id>`). */
export const INCIDENT_EVENTS = [
  'declare',
  'update',
  'activate_plan',
  'task',
  'log',
  'activity_status',
  'close',
  // Alerts: sent, a wave, deliveries, check-ins (batched), the end, the follow-up queue.
  'alert',
  'wave',
  'delivery',
  'checkins',
  'alert-ended',
  'follow-up',
] as const;

/**
 * Follows the incident's live events while the page is open: each one refreshes the incident's queries (and the
 * list). The browser reconnects by itself with Last-Event-ID, so nothing is missed. Returns whether it is connected.
 */
export function useIncidentEvents(org: string, id: string): boolean {
  const client = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!org || !id || typeof EventSource === 'undefined') return;
    const source = new EventSource(incidentPath(org, id, '/events'));
    const refresh = () => {
      void client.invalidateQueries({ queryKey: crisisKeys.incident(org, id) });
      void client.invalidateQueries({ queryKey: [...crisisKeys.incidents(org), 'list'] });
    };
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    for (const type of INCIDENT_EVENTS) source.addEventListener(type, refresh);
    return () => {
      source.close();
      setConnected(false);
    };
  }, [org, id, client]);
  return connected;
}

/** The current time, ticking every `ms` (countdowns). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
