// The organisation's dependency graph as nodes and links: activities to applications, suppliers, sites and upstream activities.
import type { OrganisationModel } from '@shared/model/organisation.js';
import type { Language } from './prefs.js';
import { entityName } from './format.js';

export const NODE_KINDS = ['activity', 'application', 'supplier', 'site'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];
/** Kinds of link the user can hide (activities are always shown). */
export const LINK_KINDS = ['application', 'supplier', 'upstream', 'site'] as const;
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
  model: Pick<OrganisationModel, 'activities' | 'applications' | 'suppliers' | 'sites'>,
  options: GraphOptions,
): { nodes: GraphNode[]; links: GraphLink[]; truncated: boolean; activityCount: number } {
  const names = {
    application: new Map(model.applications.map((item) => [item.id, entityName(item, options.language)])),
    supplier: new Map(model.suppliers.map((item) => [item.id, entityName(item, options.language)])),
    site: new Map(model.sites.map((item) => [item.id, entityName(item, options.language)])),
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
  }
  return { nodes: [...nodes.values()], links, truncated, activityCount: model.activities.length };
}
