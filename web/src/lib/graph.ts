// The organisation's dependency graph as nodes and links: activities to applications, suppliers, sites, the remote-access
// pools their staff work through and upstream activities; laid out in columns so that no two labels overlap; and what
// a scenario breaks.
import type { OrganisationModel } from '@shared/model/organisation.js';
import type { Scenario } from '@shared/model/scenario.js';
import type { Language } from './prefs.js';
import { entityName } from './format.js';

export const NODE_KINDS = ['activity', 'application', 'supplier', 'site', 'pool'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];
/** Kinds of link the user can hide (activities are always shown). */
export const LINK_KINDS = ['application', 'supplier', 'upstream', 'site', 'pool'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export interface GraphNode {
  key: string;
  kind: NodeKind;
  id: string;
  name: string;
}
export interface GraphLink {
  source: string;
  target: string;
  kind: LinkKind;
}

export interface GraphOptions {
  /** Show only this activity, what it depends on and the activities that depend on it. */
  focus?: string | null;
  kinds: ReadonlySet<LinkKind>;
  /** Most activities drawn when no activity is chosen. */
  limit: number;
  language: Language;
}

export const nodeKey = (kind: NodeKind, id: string) => `${kind}:${id}`;

export function buildGraph(
  model: Pick<OrganisationModel, 'activities' | 'applications' | 'suppliers' | 'sites'> & Partial<Pick<OrganisationModel, 'pools'>>,
  options: GraphOptions,
): { nodes: GraphNode[]; links: GraphLink[]; truncated: boolean; activityCount: number } {
  const names = {
    application: new Map(model.applications.map((item) => [item.id, entityName(item, options.language)])),
    supplier: new Map(model.suppliers.map((item) => [item.id, entityName(item, options.language)])),
    site: new Map(model.sites.map((item) => [item.id, entityName(item, options.language)])),
    pool: new Map((model.pools ?? []).map((item) => [item.id, entityName(item, options.language)])),
    activity: new Map(model.activities.map((item) => [item.id, entityName(item, options.language)])),
  };
  let activities = model.activities;
  let truncated = false;
  if (options.focus) {
    const focus = options.focus;
    const self = model.activities.find((activity) => activity.id === focus);
    const upstream = new Set(self?.dependsOn ?? []);
    activities = model.activities.filter((activity) => activity.id === focus || upstream.has(activity.id) || activity.dependsOn.includes(focus));
  } else if (activities.length > options.limit) {
    activities = activities.slice(0, options.limit);
    truncated = true;
  }

  const nodes = new Map<string, GraphNode>();
  const links: GraphLink[] = [];
  const add = (kind: NodeKind, id: string) => {
    const key = nodeKey(kind, id);
    if (!nodes.has(key)) nodes.set(key, { key, kind, id, name: names[kind].get(id) ?? id });
    return key;
  };
  const shown = new Set(activities.map((activity) => activity.id));
  for (const activity of activities) add('activity', activity.id);
  for (const activity of activities) {
    const from = nodeKey('activity', activity.id);
    // Around a chosen activity, other activities show only their link to it, not their own dependencies.
    const expand = !options.focus || activity.id === options.focus;
    if (options.kinds.has('upstream'))
      for (const id of activity.dependsOn)
        if (shown.has(id) && (expand || id === options.focus)) links.push({ source: from, target: add('activity', id), kind: 'upstream' });
    if (!expand) continue;
    if (options.kinds.has('application'))
      for (const id of activity.applications) links.push({ source: from, target: add('application', id), kind: 'application' });
    if (options.kinds.has('supplier')) for (const id of activity.suppliers) links.push({ source: from, target: add('supplier', id), kind: 'supplier' });
    if (options.kinds.has('site'))
      for (const site of new Set(activity.staff.map((entry) => entry.site))) links.push({ source: from, target: add('site', site), kind: 'site' });
    // The pools people work through from home: in a lockdown, their capacity decides who can work.
    if (options.kinds.has('pool'))
      for (const pool of new Set(activity.staff.filter((entry) => entry.remote > 0).flatMap((entry) => entry.access)))
        links.push({ source: from, target: add('pool', pool), kind: 'pool' });
  }
  return { nodes: [...nodes.values()], links, truncated, activityCount: model.activities.length };
}

/** Vertical distance between two nodes of a column, in pixels: more than a label's line, so labels never overlap. */
export const ROW_HEIGHT = 30;
/** Columns, left to right: where people work, the activities, what they need. */
const COLUMN: Record<NodeKind, number> = { site: 0, pool: 0, activity: 1, application: 2, supplier: 2 };

export interface PlacedNode extends GraphNode {
  column: number;
  /** Row within its column, from 0 at the top. */
  row: number;
}

/**
 * Places the nodes in three columns (sites and pools | activities | applications and suppliers), one row each, so that
 * labels (one line, shorter than a row) cannot overlap whatever the zoom. Activities keep their order; the other
 * columns are ordered by the mean row of the activities they serve, which keeps most links short and uncrossed.
 */
export function layoutGraph(nodes: readonly GraphNode[], links: readonly GraphLink[]): { nodes: PlacedNode[]; rows: number } {
  const activities = nodes.filter((node) => node.kind === 'activity');
  const rowOf = new Map(activities.map((node, index) => [node.key, index]));
  const neighbours = new Map<string, number[]>();
  for (const link of links) {
    const row = rowOf.get(link.source);
    if (row === undefined || rowOf.has(link.target)) continue;
    neighbours.set(link.target, [...(neighbours.get(link.target) ?? []), row]);
  }
  const mean = (key: string) => {
    const rows = neighbours.get(key) ?? [];
    return rows.length ? rows.reduce((sum, row) => sum + row, 0) / rows.length : Number.MAX_SAFE_INTEGER;
  };
  const placed: PlacedNode[] = activities.map((node, row) => ({ ...node, column: 1, row }));
  let rows = activities.length;
  for (const column of [0, 2]) {
    const members = nodes
      .filter((node) => node.kind !== 'activity' && COLUMN[node.kind] === column)
      .sort((a, b) => mean(a.key) - mean(b.key) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
    // Centred against the activities when the column is shorter, so that its links fan out evenly.
    const offset = Math.max(0, Math.floor((activities.length - members.length) / 2));
    members.forEach((node, index) => placed.push({ ...node, column, row: offset + index }));
    rows = Math.max(rows, offset + members.length);
  }
  return { nodes: placed, rows };
}

export interface ScenarioImpact {
  /** Node keys of what the scenario takes away (sites, applications, suppliers, every site in a lockdown) and of the pools it overloads. */
  hit: Set<string>;
  /** Activities disrupted, and those beyond their MTPD. */
  disrupted: Set<string>;
  breached: Set<string>;
}

/** What a scenario breaks, from its disruptions and the simulation's result (activities disrupted and breached). */
export function scenarioImpact(
  scenario: Pick<Scenario, 'disruptions'>,
  model: Pick<OrganisationModel, 'sites' | 'activities'>,
  result: {
    activities: ReadonlyArray<{ id: string; disruptedHours: number; mtpdBreached: boolean }>;
    pools?: ReadonlyArray<{ id: string; unmetHours: number }>;
  } | null,
): ScenarioImpact {
  const hit = new Set<string>();
  const allSites = () => model.sites.map((site) => site.id);
  for (const disruption of scenario.disruptions) {
    switch (disruption.type) {
      case 'siteUnavailable':
        hit.add(nodeKey('site', disruption.site));
        break;
      case 'lockdown':
        for (const site of disruption.sites?.length ? disruption.sites : allSites()) hit.add(nodeKey('site', site));
        break;
      case 'applicationOutage':
        hit.add(nodeKey('application', disruption.application));
        break;
      case 'supplierOutage':
        hit.add(nodeKey('supplier', disruption.supplier));
        break;
      case 'absenteeism':
        break;
    }
  }
  // No disruption names a pool: it breaks when more people need it than it carries (the lockdown's bottleneck).
  for (const pool of result?.pools ?? []) if (pool.unmetHours > 0) hit.add(nodeKey('pool', pool.id));
  const disrupted = new Set((result?.activities ?? []).filter((activity) => activity.disruptedHours > 0).map((activity) => activity.id));
  const breached = new Set((result?.activities ?? []).filter((activity) => activity.mtpdBreached).map((activity) => activity.id));
  return { hit, disrupted, breached };
}
