// Baseline for the benchmarks only: simulate.ts as of commit 4b66542 (before issue 18), imports adjusted. Not used by the application.
// Hour-by-hour impact simulation of one scenario on an organisation model (scenario-model §3–§5).
//
// Speed: the model is indexed once into typed arrays (staff entries in priority order, activities
// renumbered in topological order), and the horizon is cut into segments between "change points"
// (an hour where a window opens or closes, an effect starts or an absenteeism curve moves). Every
// hour of a segment has the same inputs, hence the same outputs, so each segment is computed once
// and weighted by its length; segments are computed 16 at a time (see BATCH). simulate.test.ts
// checks all this against a literal hour-by-hour reference (simulate.reference.ts).
//
// Readings of the spec where it is silent (each also noted where it is implemented):
// - windows: a fractional `from`/`to` covers the whole hours t with from <= t < to; a window whose
//   `to` is not after its `from` covers nothing; effect start = first whole hour >= at + leadTime;
// - an absenteeism curve is read at the start of each hour t; points with the same `at` make a step;
// - a strategy activated several times takes effect from its earliest activation and is paid once;
// - an activity whose staff entries all have 0 people has a staff share of 1, like one without entries;
// - a site's `seats` is not used by the simulation (only alternateSite effects give seats);
// - ties within 1e-9 are ties: for disruption (capacity < mbco − 1e-9), binding terms and pool overflow;
// - pool peak demand: exact comparison, so the earliest of equal peaks is reported.
import type { OrganisationModel } from '../../../src/model/organisation.js';
import type { Scenario } from '../../../src/model/scenario.js';
import { isDistribution, meanOf, type DistributionSpec } from '../../../src/engine/random.js';
import { EngineInputError, validateModel, validateScenario } from '../../../src/engine/validate.js';

/** Capacities closer than this are equal (§4.7, also used for binding ties and pool overflow). */
export const TOLERANCE = 1e-9;
/** Hours in the year used to prorate fixed yearly costs (§5). */
export const HOURS_PER_YEAR = 8760;
/** Default scenario horizon: 90 days (§3). */
export const DEFAULT_HORIZON = 2160;

/**
 * Why a disrupted run started: the term of §4.6 that was the minimum at its first hour:
 * `staff`, `application:ID`, `supplier:ID` or `upstream:ID`. On a tie (within 1e-9) the first of
 * staff, applications, suppliers, upstream activities wins, each list in the activity's own order.
 */
export type BindingCause = 'staff' | `application:${string}` | `supplier:${string}` | `upstream:${string}`;

/** One disrupted run of an activity: `from` is the first hour of the run, `cause` what held the activity below its MBCO then. */
export interface Binding {
  from: number;
  cause: BindingCause;
}

/** Per-activity results (§5). */
export interface ActivityResult {
  id: string;
  /** Number of disrupted hours. */
  disruptedHours: number;
  /** Longest run of consecutive disrupted hours. */
  longestDisruption: number;
  /** First disrupted hour, or null. */
  firstDisrupted: number | null;
  /** First hour from which the activity stays undisrupted to the end; null if never disrupted or still disrupted in the last hour. */
  recoveredAt: number | null;
  /** `longestDisruption <= rto`. */
  rtoMet: boolean;
  /** `longestDisruption > mtpd`. */
  mtpdBreached: boolean;
  /** One entry per disrupted run, in time order: the run's first hour and its binding term. */
  binding: Binding[];
}

/** Per-pool results (§5). */
export interface PoolResult {
  id: string;
  /** Highest hourly demand (what entries still wanted on reaching the pool). */
  peakDemand: number;
  /** The pool's capacity (with active effects) at the earliest hour of peak demand. */
  capacityAtPeak: number;
  /** Hours with demand above capacity (by more than 1e-9). */
  unmetHours: number;
}

/** The result of one simulation (§5). Activities and pools are in model order. */
export interface SimulationResult {
  activities: ActivityResult[];
  pools: PoolResult[];
  /** Number of activities with `mtpdBreached`. */
  breached: number;
  /** Cost of the activated strategies over the horizon (fixed prorated + perDay × days in effect). */
  cost: number;
}

/** A disruption whose numbers have all been fixed (distributions drawn or replaced by their mean). */
export type ResolvedDisruption =
  | { type: 'siteUnavailable'; site: string; from: number; to?: number }
  | { type: 'lockdown'; from: number; to?: number; sites?: readonly string[] }
  | {
      type: 'absenteeism';
      from: number;
      to?: number;
      rate?: number;
      curve?: ReadonlyArray<{ at: number; rate: number }>;
      sites?: readonly string[];
    }
  | { type: 'applicationOutage'; application: string; from: number; to?: number }
  | { type: 'supplierOutage'; supplier: string; from: number; to?: number };

/** A scenario with plain numbers only. */
export interface ResolvedScenario {
  horizon: number;
  disruptions: ReadonlyArray<ResolvedDisruption>;
  activate: ReadonlyArray<{ strategy: string; at: number }>;
}

/** The valid range of a disruption field, used to clamp drawn values (§6: "clamped to the field's valid range"). */
export type FieldKind = 'hours' | 'rate';

/** Picks a number for a distribution (a draw, or the mean). */
export type Picker = (distribution: DistributionSpec, kind: FieldKind) => number;

function clampField(value: number, kind: FieldKind): number {
  if (kind === 'rate') return value < 0 ? 0 : value > 1 ? 1 : value;
  return value < 0 ? 0 : value;
}

/**
 * Replaces every distribution of a scenario's disruptions by `pick(distribution)`, clamped to the
 * field's range. Fields are visited in a fixed order (disruptions in order; from, to, rate, then each
 * curve point's at and rate), so a seeded `pick` gives the same scenario every time.
 */
export function resolveScenario(scenario: Scenario, pick: Picker): ResolvedScenario {
  const value = (v: unknown, kind: FieldKind): number =>
    isDistribution(v) ? clampField(pick(v, kind), kind) : (v as number);
  const optional = (v: unknown, kind: FieldKind): number | undefined => (v === undefined ? undefined : value(v, kind));
  const disruptions = (scenario.disruptions ?? []).map((d): ResolvedDisruption => {
    const from = value(d.from, 'hours');
    const to = optional(d.to, 'hours');
    switch (d.type) {
      case 'siteUnavailable':
        return { type: d.type, site: d.site, from, to };
      case 'lockdown':
        return { type: d.type, from, to, sites: d.sites };
      case 'applicationOutage':
        return { type: d.type, application: d.application, from, to };
      case 'supplierOutage':
        return { type: d.type, supplier: d.supplier, from, to };
      case 'absenteeism': {
        const rate = optional(d.rate, 'rate');
        const curve = d.curve?.map((point) => ({ at: value(point.at, 'hours'), rate: value(point.rate, 'rate') }));
        return { type: d.type, from, to, rate, curve, sites: d.sites };
      }
    }
  });
  return {
    horizon: scenario.horizon ?? DEFAULT_HORIZON,
    disruptions,
    activate: (scenario.activate ?? []).map((a) => ({ strategy: a.strategy, at: a.at })),
  };
}

/** The deterministic reading of an uncertain scenario: every distribution replaced by its mean. */
export function meanScenario(scenario: Scenario): ResolvedScenario {
  return resolveScenario(scenario, (distribution) => meanOf(distribution));
}

// ---------------------------------------------------------------------------------------------
// Model indexing

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

function lookup(map: ReadonlyMap<string, number>, id: string, path: string): number {
  const index = map.get(id);
  if (index === undefined) throw new EngineInputError([{ path, rule: 'unknown_reference', value: id, message: `unknown id "${id}"` }]);
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
  const upstream = activities.map((activity, a) => (activity.dependsOn ?? []).map((id, i) => lookup(activityIndex, id, `activities[${a}].dependsOn[${i}]`)));
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
    (activity.applications ?? []).forEach((id, k) => terms.push(lookup(applicationIndex, id, `activities[${a}].applications[${k}]`)));
    (activity.suppliers ?? []).forEach((id, k) => terms.push(A + lookup(supplierIndex, id, `activities[${a}].suppliers[${k}]`)));
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
  let e = 0;
  let k = 0;
  for (const a of priority) {
    (activities[a].staff ?? []).forEach((entry, s) => {
      entryActivity[e] = internal[a];
      entrySite[e] = lookup(siteIndex, entry.site, `activities[${a}].staff[${s}].site`);
      entryHeadcount[e] = entry.headcount;
      entryRemote[e] = entry.remote;
      accessStart[e] = k;
      (entry.access ?? []).forEach((id, i) => (accessList[k++] = lookup(poolIndex, id, `activities[${a}].staff[${s}].access[${i}]`)));
      e++;
    });
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

// ---------------------------------------------------------------------------------------------
// Scenario indexing

/** First whole hour `t` with `t >= x`, kept within [0, horizon]. */
function hourAtOrAfter(x: number, horizon: number): number {
  const t = Math.ceil(x);
  return t < 0 ? 0 : t > horizon ? horizon : t;
}

/**
 * Rate of an absenteeism curve at hour `t` (points sorted by `at`): linear between points,
 * constant before the first and after the last. The curve is read at the start of the hour, `t`:
 * the whole hour `[t, t+1)` then has one rate, which a manager can check against the curve.
 * Two points at the same `at` make a step: from that hour on, the later point applies.
 */
export function curveRate(points: ReadonlyArray<{ at: number; rate: number }>, t: number): number {
  const last = points.length - 1;
  if (t < points[0].at) return points[0].rate;
  if (t >= points[last].at) return points[last].rate;
  let i = 0;
  while (points[i + 1].at <= t) i++;
  const p = points[i];
  const q = points[i + 1];
  return p.rate + ((q.rate - p.rate) * (t - p.at)) / (q.at - p.at);
}

/** A disruption as hour indices: it covers hours `start <= t < end`. */
export interface HourWindow {
  type: ResolvedDisruption['type'];
  start: number;
  end: number;
  /** Sites it applies to (all when null), site index for siteUnavailable. */
  sites: Int32Array | null;
  target: number;
  rate: number;
  curve: ReadonlyArray<{ at: number; rate: number }> | null;
}

/** A resolved scenario indexed against a compiled model. */
export interface CompiledScenario {
  readonly horizon: number;
  /** Segment starts (ascending, first is 0); segment k covers [starts[k], starts[k+1] or horizon). */
  readonly segmentStarts: Int32Array;
  readonly windows: readonly HourWindow[];
  /** Per strategy, the first hour its effect is in force (horizon or more: never). */
  readonly effectStart: Float64Array;
  /** Applications and suppliers that have at least one outage (only they can be down). */
  readonly outageApplications: Int32Array;
  readonly outageSuppliers: Int32Array;
  /**
   * The model's §4.6 terms without the applications and suppliers that have no outage here: their
   * share is 1 every hour, and min(c, 1) = c for the shares (<= 1) they would be compared with.
   */
  readonly termStart: Int32Array;
  readonly termList: Int32Array;
}

/**
 * Indexes a resolved scenario: hour windows, strategy effect starts and the change points that cut
 * the horizon into segments of identical hours. A strategy activated several times takes effect from
 * its earliest activation (it "stays in effect to the end of the horizon", §3).
 */
export function compileScenario(cm: CompiledModel, scenario: ResolvedScenario): CompiledScenario {
  // A fractional horizon (refused by validateScenario) would cover the hours t < horizon.
  const horizon = Math.max(0, Math.ceil(scenario.horizon));
  const changes: number[] = [0];
  const windows: HourWindow[] = [];
  const outageApps = new Set<number>();
  const outageSups = new Set<number>();
  const siteList = (ids: readonly string[] | undefined, path: string): Int32Array | null =>
    ids === undefined ? null : Int32Array.from(ids, (id, j) => lookup(cm.siteIndex, id, `${path}.sites[${j}]`));

  scenario.disruptions.forEach((d, i) => {
    const path = `disruptions[${i}]`;
    const start = hourAtOrAfter(d.from, horizon);
    let end = d.to === undefined ? horizon : hourAtOrAfter(d.to, horizon);
    const w: HourWindow = { type: d.type, start, end, sites: null, target: -1, rate: 0, curve: null };
    switch (d.type) {
      case 'siteUnavailable':
        w.target = lookup(cm.siteIndex, d.site, `${path}.site`);
        break;
      case 'lockdown':
        w.sites = siteList(d.sites, path);
        break;
      case 'applicationOutage':
        w.target = lookup(cm.applicationIndex, d.application, `${path}.application`);
        // §3: without `to`, the application comes back when its IT recovery (rto) is done.
        if (d.to === undefined) end = hourAtOrAfter(d.from + cm.applicationRto[w.target], horizon);
        outageApps.add(w.target);
        break;
      case 'supplierOutage':
        w.target = lookup(cm.supplierIndex, d.supplier, `${path}.supplier`);
        outageSups.add(w.target);
        break;
      case 'absenteeism':
        w.sites = siteList(d.sites, path);
        if (d.curve !== undefined && d.curve.length > 0) {
          // Stable sort: drawn `at`s may come out of order; equal ones keep their listed order.
          w.curve = [...d.curve].sort((p, q) => p.at - q.at);
        } else w.rate = d.rate ?? 0;
        break;
    }
    w.end = end;
    if (w.end <= w.start) return; // covers no hour (also a drawn `to` before `from`)
    windows.push(w);
    changes.push(w.start, w.end);
    if (w.curve) {
      const first = Math.max(w.start + 1, Math.ceil(w.curve[0].at));
      const last = Math.min(w.end - 1, Math.ceil(w.curve[w.curve.length - 1].at));
      let previous = curveRate(w.curve, first - 1);
      for (let t = first; t <= last; t++) {
        const rate = curveRate(w.curve, t);
        if (rate !== previous) changes.push(t);
        previous = rate;
      }
    }
  });

  const effectStart = new Float64Array(cm.strategyCount).fill(Infinity);
  scenario.activate.forEach((activation, j) => {
    const s = lookup(cm.strategyIndex, activation.strategy, `activate[${j}].strategy`);
    const start = hourAtOrAfter(activation.at + cm.model.strategies[s].leadTime, Infinity);
    if (start < effectStart[s]) effectStart[s] = start;
  });
  for (const start of effectStart) if (start < horizon) changes.push(start);

  const varies = new Uint8Array(cm.applicationCount + cm.supplierCount);
  for (const app of outageApps) varies[app] = 1;
  for (const sup of outageSups) varies[cm.applicationCount + sup] = 1;
  const termStart = new Int32Array(cm.activityCount + 1);
  const termList = new Int32Array(cm.termList.length);
  let terms = 0;
  for (let i = 0; i < cm.activityCount; i++) {
    termStart[i] = terms;
    for (let k = cm.termStart[i]; k < cm.termStart[i + 1]; k++) {
      const term = cm.termList[k];
      if (term >= varies.length || varies[term] === 1) termList[terms++] = term;
    }
  }
  termStart[cm.activityCount] = terms;

  const sorted = Int32Array.from(changes.filter((t) => t < horizon)).sort();
  let count = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[count++] = sorted[i];
  return {
    horizon,
    segmentStarts: horizon === 0 ? new Int32Array(0) : sorted.slice(0, count),
    windows,
    effectStart,
    outageApplications: Int32Array.from(outageApps),
    outageSuppliers: Int32Array.from(outageSups),
    termStart,
    termList: termList.slice(0, terms),
  };
}

// ---------------------------------------------------------------------------------------------
// The hour computation

/**
 * Segments computed together. Each staff entry and each activity is visited once per batch and
 * handles the batch's segments in an inner loop: its data is loaded once and the branches it takes
 * repeat from one segment to the next, which the CPU predicts. Per-segment arrays are laid out
 * `[item × BATCH + slot]` so that an item's slots are contiguous.
 */
export const BATCH = 16;

/** Scratch arrays reused across segments and runs (no allocation in the hour loop). */
export class Workspace {
  readonly siteAvailable: Uint8Array;
  readonly siteLockdown: Uint8Array;
  readonly siteAbsence: Float64Array;
  readonly sitePresence: Float64Array;
  /**
   * The terms of §4.6 per slot: [application shares | supplier shares | activity capacities
   * (internal order)], each item's BATCH slots together.
   */
  readonly shares: Float64Array;
  readonly poolCapacity: Float64Array;
  readonly poolRemaining: Float64Array;
  readonly poolDemand: Float64Array;
  readonly seatRemaining: Float64Array;
  readonly seatsLeft: Uint8Array;
  readonly worked: Float64Array;
  /** Entries waiting for alternate seats: `entry × BATCH + slot`, and what they still need. */
  readonly pendingKey: Int32Array;
  readonly pendingNeed: Float64Array;
  readonly slotStart: Int32Array;
  readonly slotLength: Int32Array;
  // Per-activity statistics of the current run (internal order).
  readonly disruptedHours: Float64Array;
  readonly longest: Float64Array;
  readonly current: Float64Array;
  readonly first: Float64Array;
  readonly lastDisrupted: Float64Array;
  readonly breachedFlag: Uint8Array;
  // Per-pool statistics.
  readonly peakDemand: Float64Array;
  readonly capacityAtPeak: Float64Array;
  readonly unmetHours: Float64Array;

  constructor(cm: CompiledModel) {
    const n = cm.activityCount;
    const K = BATCH;
    this.siteAvailable = new Uint8Array(cm.siteCount * K);
    this.siteLockdown = new Uint8Array(cm.siteCount * K);
    this.siteAbsence = new Float64Array(cm.siteCount * K);
    this.sitePresence = new Float64Array(cm.siteCount);
    this.shares = new Float64Array((cm.applicationCount + cm.supplierCount + n) * K).fill(1);
    this.poolCapacity = new Float64Array(cm.poolCount * K);
    this.poolRemaining = new Float64Array(cm.poolCount * K);
    this.poolDemand = new Float64Array(cm.poolCount * K);
    this.seatRemaining = new Float64Array(cm.seatCount * K);
    this.seatsLeft = new Uint8Array(K);
    this.worked = new Float64Array(n * K);
    // Only models with alternate sites ever queue entries for seats.
    const pending = cm.seatCount > 0 ? cm.entryCount * K : 0;
    this.pendingKey = new Int32Array(pending);
    this.pendingNeed = new Float64Array(pending);
    this.slotStart = new Int32Array(K);
    this.slotLength = new Int32Array(K);
    this.disruptedHours = new Float64Array(n);
    this.longest = new Float64Array(n);
    this.current = new Float64Array(n);
    this.first = new Float64Array(n);
    this.lastDisrupted = new Float64Array(n);
    this.breachedFlag = new Uint8Array(n);
    this.peakDemand = new Float64Array(cm.poolCount);
    this.capacityAtPeak = new Float64Array(cm.poolCount);
    this.unmetHours = new Float64Array(cm.poolCount);
  }
}

/**
 * Loads the state of hour t (sites, applications, suppliers, pools, seats) into `slot`.
 * Returns true when nothing is disrupted at all (every capacity is then 1).
 */
function loadState(cm: CompiledModel, cs: CompiledScenario, ws: Workspace, t: number, slot: number): boolean {
  const K = BATCH;
  const { siteAvailable, siteLockdown, sitePresence, siteAbsence, shares } = ws;
  const sites = cm.siteCount;
  const A = cm.applicationCount;
  for (let s = 0; s < sites; s++) {
    siteAvailable[s * K + slot] = 1;
    siteLockdown[s * K + slot] = 0;
  }
  sitePresence.fill(1);
  let quiet = true;
  let absence = false;
  const downApps = cs.outageApplications;
  const downSups = cs.outageSuppliers;
  for (let i = 0; i < downApps.length; i++) shares[downApps[i] * K + slot] = 1;
  for (let i = 0; i < downSups.length; i++) shares[(A + downSups[i]) * K + slot] = 1;
  for (const w of cs.windows) {
    if (t < w.start || t >= w.end) continue;
    switch (w.type) {
      case 'siteUnavailable':
        siteAvailable[w.target * K + slot] = 0;
        quiet = false;
        break;
      case 'lockdown':
        quiet = false;
        if (w.sites === null)
          for (let s = 0; s < sites; s++) {
            siteAvailable[s * K + slot] = 0;
            siteLockdown[s * K + slot] = 1;
          }
        else
          for (let i = 0; i < w.sites.length; i++) {
            siteAvailable[w.sites[i] * K + slot] = 0;
            siteLockdown[w.sites[i] * K + slot] = 1;
          }
        break;
      case 'absenteeism': {
        const keep = 1 - (w.curve ? curveRate(w.curve, t) : w.rate);
        if (keep === 1) break;
        quiet = false;
        absence = true;
        if (w.sites === null) for (let s = 0; s < sites; s++) sitePresence[s] *= keep;
        else for (let i = 0; i < w.sites.length; i++) sitePresence[w.sites[i]] *= keep;
        break;
      }
      case 'applicationOutage':
        shares[w.target * K + slot] = 0;
        quiet = false;
        break;
      case 'supplierOutage':
        shares[(A + w.target) * K + slot] = 0;
        quiet = false;
        break;
    }
  }
  // Overlapping absenteeism on one site combines as 1 - (1-r1)(1-r2) (§3).
  for (let s = 0; s < sites; s++) siteAbsence[s * K + slot] = absence ? 1 - sitePresence[s] : 0;

  for (let p = 0; p < cm.poolCount; p++) ws.poolCapacity[p * K + slot] = cm.poolBase[p];
  for (let x = 0; x < cm.seatCount; x++) ws.seatRemaining[x * K + slot] = 0;
  let seats = false;
  const strategies = cm.model.strategies;
  for (let s = 0; s < strategies.length; s++) {
    if (!(t >= cs.effectStart[s])) continue;
    const effect = strategies[s].effect;
    const target = cm.effectTarget[s];
    if (effect.type === 'alternateSite') {
      ws.seatRemaining[target * K + slot] = effect.seats;
      if (effect.seats > 0) seats = true;
    } else if (effect.type === 'poolCapacity') ws.poolCapacity[target * K + slot] += effect.amount;
    // §4.5: a down application runs at the largest active workaround factor.
    else if (effect.type === 'workaround') {
      const at = target * K + slot;
      if (shares[at] < 1 && effect.factor > shares[at]) shares[at] = effect.factor;
    } else if (effect.type === 'alternateSupplier') shares[(A + target) * K + slot] = 1;
  }
  ws.seatsLeft[slot] = seats ? 1 : 0;
  return quiet;
}

/** §4.1–4.3 for the first `count` slots: fills ws.worked and ws.poolDemand. */
function allocateStaff(cm: CompiledModel, ws: Workspace, count: number): void {
  const K = BATCH;
  const { siteAvailable, siteLockdown, siteAbsence, worked, poolRemaining, poolDemand, seatRemaining, seatsLeft, pendingKey, pendingNeed } = ws;
  const { entryActivity, entrySite, entryHeadcount, entryRemote, accessStart, accessList } = cm;
  worked.fill(0);
  poolRemaining.set(ws.poolCapacity);
  poolDemand.fill(0);
  let anySeats = false;
  for (let j = 0; j < count; j++) if (seatsLeft[j] === 1) anySeats = true;
  let pending = 0;

  // Steps 1–2: present staff; remote seats for entries at unavailable sites, in priority order.
  const entries = cm.entryCount;
  for (let e = 0; e < entries; e++) {
    const siteBase = entrySite[e] * K;
    const headcount = entryHeadcount[e];
    const remote = entryRemote[e];
    const activityBase = entryActivity[e] * K;
    const firstAccess = accessStart[e];
    const endAccess = accessStart[e + 1];
    for (let j = 0; j < count; j++) {
      const present = headcount * (1 - siteAbsence[siteBase + j]);
      if (siteAvailable[siteBase + j] === 1) {
        worked[activityBase + j] += present;
        continue;
      }
      const ask = present * remote;
      let want = ask;
      for (let k = firstAccess; k < endAccess; k++) {
        if (!(want > 0)) break;
        const at = accessList[k] * K + j;
        poolDemand[at] += want;
        const left = poolRemaining[at];
        const take = want < left ? want : left;
        poolRemaining[at] = left - take;
        want -= take;
      }
      const granted = ask - want;
      worked[activityBase + j] += granted;
      if (anySeats && seatsLeft[j] === 1 && siteLockdown[siteBase + j] === 0) {
        pendingKey[pending] = e * K + j;
        pendingNeed[pending++] = present - granted;
      }
    }
  }

  // Step 3: alternate seats, after all remote allocation, same order; effects in model order.
  const { siteSeatStart, siteSeatList } = cm;
  for (let i = 0; i < pending; i++) {
    const e = (pendingKey[i] / K) | 0;
    const j = pendingKey[i] - e * K;
    const site = entrySite[e];
    let need = pendingNeed[i];
    for (let k = siteSeatStart[site], end = siteSeatStart[site + 1]; k < end && need > 0; k++) {
      const at = siteSeatList[k] * K + j;
      const left = seatRemaining[at];
      const take = need < left ? need : left;
      seatRemaining[at] = left - take;
      need -= take;
    }
    worked[entryActivity[e] * K + j] += pendingNeed[i] - need;
  }
}

/** The binding term (§5) of internal activity i in slot j, whose state and capacities are in ws. */
function bindingCause(cm: CompiledModel, ws: Workspace, i: number, j: number): BindingCause {
  const K = BATCH;
  const C = cm.applicationCount + cm.supplierCount;
  const limit = ws.shares[(C + i) * K + j] + TOLERANCE;
  const staff = cm.staffed[i] === 1 ? ws.worked[i * K + j] / cm.headcount[i] : 1;
  if (staff <= limit) return 'staff';
  const A = cm.applicationCount;
  for (let k = cm.termStart[i]; k < cm.termStart[i + 1]; k++) {
    const term = cm.termList[k];
    if (ws.shares[term * K + j] > limit) continue;
    if (term < A) return `application:${cm.model.applications[term].id}`;
    if (term < C) return `supplier:${cm.model.suppliers[term - A].id}`;
    return `upstream:${cm.activityIds[cm.order[term - C]]}`;
  }
  return 'staff'; // unreachable: the capacity is one of the terms
}

/**
 * §4.4–4.7 for the first `count` slots, whose staff allocation is done: capacities in topological
 * order, then the run statistics, slot after slot (time order). Returns the number of activities
 * that newly breached their MTPD.
 */
function evaluateActivities(cm: CompiledModel, cs: CompiledScenario, ws: Workspace, count: number, bindings: Binding[][] | null): number {
  const K = BATCH;
  const { disruptedHours, longest, current, first, lastDisrupted, breachedFlag, shares, worked, slotStart, slotLength } = ws;
  const { disruptedBelow, mtpd, staffed, headcount } = cm;
  const { termStart, termList } = cs;
  const C = cm.applicationCount + cm.supplierCount;
  const n = cm.activityCount;
  let breached = 0;
  for (let i = 0; i < n; i++) {
    const own = (C + i) * K;
    if (staffed[i] === 1) {
      const total = headcount[i];
      for (let j = 0; j < count; j++) shares[own + j] = worked[i * K + j] / total;
    } else for (let j = 0; j < count; j++) shares[own + j] = 1;
    for (let k = termStart[i], end = termStart[i + 1]; k < end; k++) {
      const term = termList[k] * K;
      for (let j = 0; j < count; j++) {
        const v = shares[term + j];
        if (v < shares[own + j]) shares[own + j] = v;
      }
    }
    // Run statistics in locals (registers), written back once per activity.
    const below = disruptedBelow[i];
    let run = current[i];
    let hours = disruptedHours[i];
    let best = longest[i];
    let last = lastDisrupted[i];
    for (let j = 0; j < count; j++) {
      if (!(shares[own + j] < below)) {
        run = 0;
        continue;
      }
      const t = slotStart[j];
      const length = slotLength[j];
      if (run === 0) {
        if (first[i] < 0) first[i] = t;
        if (bindings !== null) bindings[i].push({ from: t, cause: bindingCause(cm, ws, i, j) });
      }
      run += length;
      hours += length;
      last = t + length - 1;
      if (run > best) best = run;
    }
    current[i] = run;
    disruptedHours[i] = hours;
    lastDisrupted[i] = last;
    if (best > longest[i]) {
      longest[i] = best;
      if (breachedFlag[i] === 0 && best > mtpd[i]) {
        breachedFlag[i] = 1;
        breached++;
      }
    }
  }
  return breached;
}

/** Pool statistics of §5 for slot j: peak (earliest on a tie) and hours above capacity. */
function recordPools(ws: Workspace, j: number, length: number, quiet: boolean): void {
  const K = BATCH;
  const { poolDemand, poolCapacity, peakDemand, capacityAtPeak, unmetHours } = ws;
  for (let p = 0; p < peakDemand.length; p++) {
    const demand = quiet ? 0 : poolDemand[p * K + j];
    const capacity = poolCapacity[p * K + j];
    if (demand > peakDemand[p]) {
      peakDemand[p] = demand;
      capacityAtPeak[p] = capacity;
    }
    if (demand > capacity + TOLERANCE) unmetHours[p] += length;
  }
}

/** What a run produces; `bindings` and pool statistics only with `detail`. */
export interface RunOutput {
  /** Per activity (internal order), in the workspace: disruptedHours, longest, first (-1: none), lastDisrupted. */
  workspace: Workspace;
  /** Per activity, internal order. */
  bindings: Binding[][] | null;
  breached: number;
}

/**
 * Runs the segments of a compiled scenario. Statistics land in the workspace (overwritten by the
 * next run). `stopAfterBreaches`: stop as soon as more activities than this breach their MTPD
 * (the recommender only needs to know that a set fails); `breached` is then a lower bound.
 */
export function runCompiled(
  cm: CompiledModel,
  cs: CompiledScenario,
  ws: Workspace,
  options: { detail?: boolean; stopAfterBreaches?: number } = {},
): RunOutput {
  const detail = options.detail ?? true;
  const stopAfter = options.stopAfterBreaches ?? Infinity;
  // Applications and suppliers are only reset where this scenario has outages: clear what an
  // earlier scenario run in this workspace may have left.
  ws.shares.fill(1, 0, (cm.applicationCount + cm.supplierCount) * BATCH);
  ws.disruptedHours.fill(0);
  ws.longest.fill(0);
  ws.current.fill(0);
  ws.first.fill(-1);
  ws.lastDisrupted.fill(-1);
  ws.breachedFlag.fill(0);
  ws.peakDemand.fill(-1);
  ws.capacityAtPeak.fill(0);
  ws.unmetHours.fill(0);
  const bindings: Binding[][] | null = detail ? Array.from({ length: cm.activityCount }, () => []) : null;
  let breached = 0;
  let count = 0;
  const flush = (): void => {
    if (count === 0) return;
    allocateStaff(cm, ws, count);
    breached += evaluateActivities(cm, cs, ws, count, bindings);
    if (detail) for (let j = 0; j < count; j++) recordPools(ws, j, ws.slotLength[j], false);
    count = 0;
  };
  const starts = cs.segmentStarts;
  for (let seg = 0; seg < starts.length && breached <= stopAfter; seg++) {
    const t = starts[seg];
    const length = (seg + 1 < starts.length ? starts[seg + 1] : cs.horizon) - t;
    if (loadState(cm, cs, ws, t, count)) {
      // Nothing disrupted anywhere: every capacity is 1 (never below an mbco <= 1), no pool is asked.
      const slot = count;
      flush();
      if (slot !== 0) loadState(cm, cs, ws, t, 0);
      ws.current.fill(0);
      if (detail) recordPools(ws, 0, length, true);
      continue;
    }
    ws.slotStart[count] = t;
    ws.slotLength[count] = length;
    if (++count === BATCH) flush();
  }
  if (breached <= stopAfter) flush();
  if (detail && starts.length === 0) {
    // No hour at all: report the pools at rest.
    loadState(cm, cs, ws, 0, 0);
    for (let p = 0; p < cm.poolCount; p++) {
      ws.peakDemand[p] = 0;
      ws.capacityAtPeak[p] = ws.poolCapacity[p * BATCH];
    }
  }
  return { workspace: ws, bindings, breached };
}

/** §5 cost: Σ fixed × horizon/8760 + perDay × (hours in effect within the horizon)/24, each activated strategy once. */
export function scenarioCost(cm: CompiledModel, cs: CompiledScenario): number {
  let cost = 0;
  cm.model.strategies.forEach((strategy, s) => {
    const start = cs.effectStart[s];
    if (start === Infinity) return;
    const hours = Math.max(0, cs.horizon - start);
    cost += (strategy.cost.fixed * cs.horizon) / HOURS_PER_YEAR + (strategy.cost.perDay * hours) / 24;
  });
  return cost;
}

/** Builds the §5 result from a detailed run. */
export function toResult(cm: CompiledModel, cs: CompiledScenario, output: RunOutput): SimulationResult {
  const ws = output.workspace;
  const horizon = cs.horizon;
  const activities = cm.activityIds.map((id, a): ActivityResult => {
    const i = cm.internal[a];
    const longest = ws.longest[i];
    const last = ws.lastDisrupted[i];
    return {
      id,
      disruptedHours: ws.disruptedHours[i],
      longestDisruption: longest,
      firstDisrupted: ws.first[i] < 0 ? null : ws.first[i],
      recoveredAt: last < 0 || last >= horizon - 1 ? null : last + 1,
      rtoMet: longest <= cm.rto[i],
      mtpdBreached: longest > cm.mtpd[i],
      binding: output.bindings ? output.bindings[i] : [],
    };
  });
  const pools = cm.model.pools.map(
    (pool, p): PoolResult => ({
      id: pool.id,
      peakDemand: ws.peakDemand[p],
      capacityAtPeak: ws.capacityAtPeak[p],
      unmetHours: ws.unmetHours[p],
    }),
  );
  return { activities, pools, breached: activities.filter((a) => a.mtpdBreached).length, cost: scenarioCost(cm, cs) };
}

/** Simulates a resolved scenario on a compiled model (no validation: see `simulate`). */
export function simulateCompiled(cm: CompiledModel, scenario: ResolvedScenario, workspace?: Workspace): SimulationResult {
  const cs = compileScenario(cm, scenario);
  const ws = workspace ?? new Workspace(cm);
  return toResult(cm, cs, runCompiled(cm, cs, ws, { detail: true }));
}

/** Throws `EngineInputError` listing every problem of the model and the scenario, if any. */
export function assertValid(model: OrganisationModel, scenarios: ReadonlyArray<Scenario>): void {
  const problems = validateModel(model);
  scenarios.forEach((scenario, i) => {
    const found = validateScenario(model, scenario);
    problems.push(...(scenarios.length === 1 ? found : found.map((p) => ({ ...p, path: `scenarios[${i}].${p.path}` }))));
  });
  if (problems.length > 0) throw new EngineInputError(problems);
}

/**
 * Simulates one scenario (§3–§5). Validates both inputs first and throws `EngineInputError` with
 * every problem. A distribution in the scenario is read as its mean (use `monteCarlo` for the spread).
 */
export function simulate(model: OrganisationModel, scenario: Scenario): SimulationResult {
  assertValid(model, [scenario]);
  return simulateCompiled(compileModel(model), meanScenario(scenario));
}
