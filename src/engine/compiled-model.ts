// Indexing an organisation model for the simulation kernel (typed arrays, topological and priority orders).
import type { OrganisationModel } from '../model/organisation.js';
import { EngineInputError } from './validate.js';

/** Capacities closer than this are equal (§4.7, also used for binding ties and pool overflow). */
export const TOLERANCE = 1e-9;

/**
 * A model indexed for fast simulation; build once with `compileModel`, reuse for many scenarios.
 * Activities are renumbered in topological order ("internal" index: upstream before downstream)
 * so the capacity pass of §4.6 walks memory in order; `order[i]` is the model index of internal i.
 */
export interface CompiledModel {
  readonly model: OrganisationModel;
  /** Activity ids in model order. */
  readonly activityIds: readonly string[];
  readonly siteIndex: ReadonlyMap<string, number>;
  readonly poolIndex: ReadonlyMap<string, number>;
  readonly applicationIndex: ReadonlyMap<string, number>;
  readonly supplierIndex: ReadonlyMap<string, number>;
  readonly strategyIndex: ReadonlyMap<string, number>;
  readonly siteCount: number;
  readonly poolCount: number;
  readonly applicationCount: number;
  readonly supplierCount: number;
  readonly strategyCount: number;
  readonly activityCount: number;
  /** Internal index → model index (a topological order). */
  readonly order: Int32Array;
  /** Model index → internal index. */
  readonly internal: Int32Array;
  // Activities, internal order.
  readonly mtpd: Float64Array;
  readonly rto: Float64Array;
  /** mbco − 1e-9: the activity is disrupted when its capacity is below this (§4.7). */
  readonly disruptedBelow: Float64Array;
  readonly headcount: Float64Array;
  /** 1 when the staff term is worked/headcount, 0 when it is the constant 1. */
  readonly staffed: Uint8Array;
  /**
   * Non-staff terms of §4.6 per activity, as indices into the workspace's `shares` array laid out
   * [applications | suppliers | activity capacities], in tie order: applications, suppliers, upstream.
   */
  readonly termStart: Int32Array;
  readonly termList: Int32Array;
  // Staff entries, in priority order of their activity (mtpd, rto, id), then listed order.
  readonly entryCount: number;
  readonly entryActivity: Int32Array;
  /** Per activity (internal order): its entries are `entryFirst[i] <= e < entryEnd[i]` (contiguous in priority order). */
  readonly entryFirst: Int32Array;
  readonly entryEnd: Int32Array;
  readonly entrySite: Int32Array;
  readonly entryHeadcount: Float64Array;
  readonly entryRemote: Float64Array;
  readonly accessStart: Int32Array;
  readonly accessList: Int32Array;
  // Resources.
  readonly poolBase: Float64Array;
  readonly applicationRto: Float64Array;
  /** Number of alternateSite effects (numbered in model order of their strategies). */
  readonly seatCount: number;
  /** For each site, the alternateSite effects that cover it, in model order. */
  readonly siteSeatStart: Int32Array;
  readonly siteSeatList: Int32Array;
  /** Per strategy: the pool, application, supplier or seat index its effect targets. */
  readonly effectTarget: Int32Array;
}

function indexIds(items: ReadonlyArray<{ id: string }>, kind: string): Map<string, number> {
  const map = new Map<string, number>();
  items.forEach((item, i) => {
    if (map.has(item.id)) throw new EngineInputError([{ path: kind, rule: 'duplicate_id', value: item.id, message: `duplicate ${kind} id "${item.id}"` }]);
    map.set(item.id, i);
  });
  return map;
}

/** The index of `id` in `map`; an unknown id throws `EngineInputError` at `path` (a function: built only then). */
export function lookup(map: ReadonlyMap<string, number>, id: string, path: string | (() => string)): number {
  const index = map.get(id);
  if (index === undefined) {
    const where = typeof path === 'string' ? path : path();
    throw new EngineInputError([{ path: where, rule: 'unknown_reference', value: id, message: `unknown id "${id}"` }]);
  }
  return index;
}

/** Compares ids by UTF-16 code units: the same order on every machine and locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Indexes a model for `simulateCompiled`. Assumes a model that `validateModel` accepts; an
 * unresolvable reference or a cycle still throws `EngineInputError` rather than computing nonsense.
 */
export function compileModel(model: OrganisationModel): CompiledModel {
  const sites = model.sites ?? [];
  const pools = model.pools ?? [];
  const applications = model.applications ?? [];
  const suppliers = model.suppliers ?? [];
  const activities = model.activities ?? [];
  const strategies = model.strategies ?? [];
  const siteIndex = indexIds(sites, 'site');
  const poolIndex = indexIds(pools, 'pool');
  const applicationIndex = indexIds(applications, 'application');
  const supplierIndex = indexIds(suppliers, 'supplier');
  const activityIndex = indexIds(activities, 'activity');
  const strategyIndex = indexIds(strategies, 'strategy');
  const n = activities.length;
  const A = applications.length;
  const S = suppliers.length;

  // Upstream lists in model indices, then a topological order (Kahn).
  const upstream = activities.map((activity, a) =>
    (activity.dependsOn ?? []).map((id, i) => lookup(activityIndex, id, () => `activities[${a}].dependsOn[${i}]`)),
  );
  const dependents: number[][] = activities.map(() => []);
  const pending = new Int32Array(n);
  upstream.forEach((list, a) => {
    pending[a] = list.length;
    for (const u of list) dependents[u].push(a);
  });
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let a = 0; a < n; a++) if (pending[a] === 0) order[tail++] = a;
  while (head < tail) for (const d of dependents[order[head++]]) if (--pending[d] === 0) order[tail++] = d;
  if (tail < n) {
    const stuck = activities.filter((_, a) => pending[a] > 0).map((activity) => activity.id);
    throw new EngineInputError([
      { path: 'activities', rule: 'dependency_cycle', value: stuck.slice(0, 20), message: `dependsOn has a cycle among ${stuck.slice(0, 20).join(', ')}` },
    ]);
  }
  const internal = new Int32Array(n);
  order.forEach((a, i) => (internal[a] = i));

  const mtpd = new Float64Array(n);
  const rto = new Float64Array(n);
  const disruptedBelow = new Float64Array(n);
  const headcount = new Float64Array(n);
  const staffed = new Uint8Array(n);
  const termStart = new Int32Array(n + 1);
  const terms: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = order[i];
    const activity = activities[a];
    mtpd[i] = activity.mtpd;
    rto[i] = activity.rto;
    disruptedBelow[i] = activity.mbco - TOLERANCE;
    let total = 0;
    for (const entry of activity.staff ?? []) total += entry.headcount;
    headcount[i] = total;
    // An activity whose staff entries all have 0 people needs nobody: like no entries, share 1.
    staffed[i] = total > 0 ? 1 : 0;
    termStart[i] = terms.length;
    (activity.applications ?? []).forEach((id, k) => terms.push(lookup(applicationIndex, id, () => `activities[${a}].applications[${k}]`)));
    (activity.suppliers ?? []).forEach((id, k) => terms.push(A + lookup(supplierIndex, id, () => `activities[${a}].suppliers[${k}]`)));
    for (const u of upstream[a]) terms.push(A + S + internal[u]);
  }
  termStart[n] = terms.length;

  // Priority order of §4.2: mtpd ascending, then rto ascending, then id.
  const priority = Int32Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => activities[x].mtpd - activities[y].mtpd || activities[x].rto - activities[y].rto || compareIds(activities[x].id, activities[y].id),
  );
  let entries = 0;
  let accesses = 0;
  for (const activity of activities)
    for (const entry of activity.staff ?? []) {
      entries++;
      accesses += (entry.access ?? []).length;
    }
  const entryActivity = new Int32Array(entries);
  const entrySite = new Int32Array(entries);
  const entryHeadcount = new Float64Array(entries);
  const entryRemote = new Float64Array(entries);
  const accessStart = new Int32Array(entries + 1);
  const accessList = new Int32Array(accesses);
  const entryFirst = new Int32Array(n);
  const entryEnd = new Int32Array(n);
  let e = 0;
  let k = 0;
  for (const a of priority) {
    entryFirst[internal[a]] = e;
    (activities[a].staff ?? []).forEach((entry, s) => {
      entryActivity[e] = internal[a];
      entrySite[e] = lookup(siteIndex, entry.site, () => `activities[${a}].staff[${s}].site`);
      entryHeadcount[e] = entry.headcount;
      entryRemote[e] = entry.remote;
      accessStart[e] = k;
      (entry.access ?? []).forEach((id, i) => (accessList[k++] = lookup(poolIndex, id, () => `activities[${a}].staff[${s}].access[${i}]`)));
      e++;
    });
    entryEnd[internal[a]] = e;
  }
  accessStart[entries] = k;

  const perSite: number[][] = sites.map(() => []);
  const effectTarget = new Int32Array(strategies.length).fill(-1);
  let seats = 0;
  strategies.forEach((strategy, s) => {
    const effect = strategy.effect;
    if (effect.type === 'poolCapacity') effectTarget[s] = lookup(poolIndex, effect.pool, `strategies[${s}].effect.pool`);
    else if (effect.type === 'workaround') effectTarget[s] = lookup(applicationIndex, effect.application, `strategies[${s}].effect.application`);
    else if (effect.type === 'alternateSupplier') effectTarget[s] = lookup(supplierIndex, effect.supplier, `strategies[${s}].effect.supplier`);
    else if (effect.type === 'alternateSite') {
      const seat = seats++;
      effectTarget[s] = seat;
      if (effect.sites === undefined) perSite.forEach((list) => list.push(seat));
      else {
        // A site listed twice must not give its staff two turns at the same seats.
        const covered = new Set(effect.sites.map((id, i) => lookup(siteIndex, id, `strategies[${s}].effect.sites[${i}]`)));
        for (const site of covered) perSite[site].push(seat);
      }
    }
  });
  const siteSeatStart = new Int32Array(sites.length + 1);
  perSite.forEach((list, s) => (siteSeatStart[s + 1] = siteSeatStart[s] + list.length));

  return {
    model,
    activityIds: activities.map((activity) => activity.id),
    siteIndex,
    poolIndex,
    applicationIndex,
    supplierIndex,
    strategyIndex,
    siteCount: sites.length,
    poolCount: pools.length,
    applicationCount: A,
    supplierCount: S,
    strategyCount: strategies.length,
    activityCount: n,
    order,
    internal,
    mtpd,
    rto,
    disruptedBelow,
    headcount,
    staffed,
    termStart,
    termList: Int32Array.from(terms),
    entryCount: entries,
    entryActivity,
    entryFirst,
    entryEnd,
    entrySite,
    entryHeadcount,
    entryRemote,
    accessStart,
    accessList,
    poolBase: Float64Array.from(pools, (pool) => pool.capacity),
    applicationRto: Float64Array.from(applications, (app) => app.rto),
    seatCount: seats,
    siteSeatStart,
    siteSeatList: Int32Array.from(perSite.flat()),
    effectTarget,
  };
}
