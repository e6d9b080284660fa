// The results of a simulation (scenario-model §5): their types, and how a kernel run becomes one.
import type { Activity } from '../model/organisation.js';
import type { CompiledModel } from './compiled-model.js';
import type { CompiledScenario } from './compiled-scenario.js';
import type { RunOutput } from './kernel.js';

/** Hours in the year used to prorate fixed yearly costs (§5). */
export const HOURS_PER_YEAR = 8760;
/**
 * Why a disrupted run started: the term of §4.6 that was the minimum at its first hour:
 * `staff`, `application:ID`, `supplier:ID` or `upstream:ID`. On a tie (within 1e-9) the first of
 * staff, applications, suppliers, upstream activities wins, each list in the activity's own order.
 */
export type BindingCause = 'staff' | `application:${string}` | `supplier:${string}` | `upstream:${string}`;

/**
 * One disrupted run of an activity: it covers the hours `from <= t < to` (like a scenario window;
 * `to` is the horizon when the run lasts to the end), and `cause` held the activity below its MBCO
 * at its first hour.
 */
export interface Binding {
  from: number;
  to: number;
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
  /** One entry per disrupted run, in time order: its hours and its binding term. */
  binding: Binding[];
  /** `disruptedHours × downtimeCostPerHour`, in the organisation's currency; null when the activity has no cost per hour. */
  downtimeCost: number | null;
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
  /** Cost of downtime of one occurrence of the scenario: Σ disruptedHours × downtimeCostPerHour over the activities that have one. */
  downtimeCost: number;
  /** Expected yearly cost of downtime: `downtimeCost × frequency` (the scenario's occurrences per year, 1 when not given). */
  yearlyDowntimeCost: number;
  /** Hour by hour capacities, only when asked for (`series` option). */
  series?: SimulationSeries;
}

/**
 * What the engine computed for each hour `t` of the horizon (index t): each activity's capacity
 * (§4.6, the share of normal output), each pool's demand and capacity (with the effects in force).
 */
export interface SimulationSeries {
  activities: Array<{ id: string; capacity: number[] }>;
  pools: Array<{ id: string; demand: number[]; capacity: number[] }>;
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

/**
 * Cost of downtime per activity (model order): its disrupted hours × its cost per hour; null when it has none. A
 * disrupted hour is one below the MBCO (§4.7), whatever the share still produced: the owner's cost per hour is what an
 * hour below the minimum costs.
 */
export function downtimeCosts(activities: ReadonlyArray<Pick<Activity, 'downtimeCostPerHour'>>, disruptedHours: (a: number) => number): Array<number | null> {
  return activities.map((activity, a) => (activity.downtimeCostPerHour === undefined ? null : disruptedHours(a) * activity.downtimeCostPerHour));
}

/** The sum of the costs that are known. */
export function totalDowntime(costs: ReadonlyArray<number | null>): number {
  let total = 0;
  for (const cost of costs) if (cost !== null) total += cost;
  return total;
}

/** Per-segment values `[segment × width + item]` spread over the hours of each segment. */
function hourly(cs: CompiledScenario, values: Float64Array, width: number, item: number): number[] {
  const out = new Array<number>(cs.horizon);
  const starts = cs.segmentStarts;
  for (let k = 0; k < starts.length; k++) {
    const end = k + 1 < starts.length ? starts[k + 1] : cs.horizon;
    out.fill(values[k * width + item], starts[k], end);
  }
  return out;
}

/** Builds the §5 result from a detailed run (with its series when the run kept them). */
export function toResult(cm: CompiledModel, cs: CompiledScenario, output: RunOutput, frequency = 1): SimulationResult {
  const ws = output.workspace;
  const horizon = cs.horizon;
  const downtime = downtimeCosts(cm.model.activities, (a) => ws.disruptedHours[cm.internal[a]]);
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
      downtimeCost: downtime[a],
    };
  });
  const pools = cm.model.pools.map((pool, p): PoolResult => ({
    id: pool.id,
    peakDemand: ws.peakDemand[p],
    capacityAtPeak: ws.capacityAtPeak[p],
    unmetHours: ws.unmetHours[p],
  }));
  const downtimeCost = totalDowntime(downtime);
  const result: SimulationResult = {
    activities,
    pools,
    breached: activities.filter((a) => a.mtpdBreached).length,
    cost: scenarioCost(cm, cs),
    downtimeCost,
    yearlyDowntimeCost: downtimeCost * frequency,
  };
  const series = output.series;
  if (series !== null) {
    const n = cm.activityCount;
    const P = cm.poolCount;
    result.series = {
      activities: cm.activityIds.map((id, a) => ({ id, capacity: hourly(cs, series.capacity, n, cm.internal[a]) })),
      pools: cm.model.pools.map((pool, p) => ({ id: pool.id, demand: hourly(cs, series.poolDemand, P, p), capacity: hourly(cs, series.poolCapacity, P, p) })),
    };
  }
  return result;
}
