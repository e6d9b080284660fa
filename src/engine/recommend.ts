// Recommends the cheapest set of continuity strategies that keeps every activity within its MTPD (scenario-model §7).
import type { OrganisationModel } from '../model/organisation.js';
import { problem, type Problem } from '../model/problem.js';
import type { Scenario } from '../model/scenario.js';
import {
  assertValid,
  compareIds,
  compileModel,
  compileScenario,
  meanScenario,
  runCompiled,
  toResult,
  downtimeCosts,
  totalDowntime,
  Workspace,
  ScenarioScratch,
  type Binding,
  type CompiledModel,
  type ResolvedScenario,
} from './simulate.js';
import { EngineAbortedError, EngineInputError } from './validate.js';

/** Candidates up to this number are searched exactly; above, a heuristic is used. */
export const EXACT_LIMIT = 16;

export interface RecommendOptions {
  /** Strategy ids to choose from (default: all of the model's). */
  candidates?: readonly string[];
  /** Called after each evaluated set. */
  onProgress?: (progress: RecommendProgress) => void;
  /** Checked before each evaluation; returning true throws `EngineAbortedError`. */
  shouldAbort?: () => boolean;
  /**
   * `auto` (default): exact up to EXACT_LIMIT candidates, the heuristic above. `heuristic` forces the
   * heuristic at any size (the benchmark measures its gap to the exact optimum this way).
   */
  method?: 'auto' | 'heuristic';
}

/** Progress of a search: sets evaluated so far, and the most there could be (2^n exact, n + 1 heuristic). */
export interface RecommendProgress {
  evaluated: number;
  total: number;
}

/** An (activity, scenario) pair still breaching the MTPD with the recommended set, and why. */
export interface RemainingBreach {
  /** The scenario's position in the list, and its id when it has one. */
  scenario: { index: number; id?: string };
  activity: string;
  binding: Binding[];
}

/** A scenario's expected yearly cost of downtime, without strategies and with the recommended set. */
export interface ScenarioDowntime {
  scenario: { index: number; id?: string };
  /** The scenario's occurrences per year (1 when not given). */
  frequency: number;
  /** frequency × Σ disruptedHours × downtimeCostPerHour with no strategy in effect. */
  withoutStrategies: number;
  /** The same with the recommended set activated at the scenario's first disruption (as §7 counts its cost). */
  withStrategies: number;
}

/**
 * The expected yearly cost of downtime, reported beside the strategies' cost so that a committee sees what they
 * avoid. It never takes part in the choice of the set (§7 minimises the strategies' cost under the MTPD constraint).
 */
export interface DowntimeCost {
  /** Σ over scenarios of their `withoutStrategies`. */
  withoutStrategies: number;
  /** Σ over scenarios of their `withStrategies`. */
  withStrategies: number;
  /** Activities with a cost of downtime per hour: the others count for nothing in these figures. */
  valuedActivities: number;
  scenarios: ScenarioDowntime[];
}

/** The result of §7. */
export interface Recommendation {
  /** Strategy ids, sorted. */
  strategies: string[];
  /** Expected yearly cost of the set (§7 formula). */
  cost: number;
  /** True when the set is proven optimal (exhaustive search with pruning, up to 16 candidates). */
  exact: boolean;
  /** True when the set comes from the heuristic (more than 16 candidates): good, not proven best. */
  heuristic: boolean;
  /** True when no activity breaches its MTPD in any scenario with the set. */
  feasible: boolean;
  /** Distinct candidate sets simulated (each over its scenarios until the count of breaches exceeds the target). */
  evaluated: number;
  /** With an infeasible result: the breaches that remain, with their binding terms. */
  remainingBreaches: RemainingBreach[];
  /** Expected yearly cost of downtime without strategies and with this set (reported, not used to choose it). */
  downtimeCost: DowntimeCost;
}

interface Prepared {
  cm: CompiledModel;
  ws: Workspace;
  scratch: ScenarioScratch;
  candidates: number[]; // strategy indices, sorted by id
  scenarios: Array<{ resolved: ResolvedScenario; first: number | null; frequency: number; index: number; id?: string }>;
  unitCost: number[]; // expected yearly cost of each candidate alone
}

/** Hours of `horizon` at or after `start` (§5), as days. */
function daysInEffect(horizon: number, start: number): number {
  const first = Math.max(0, Math.ceil(start));
  return Math.max(0, horizon - first) / 24;
}

function prepare(model: OrganisationModel, scenarios: ReadonlyArray<Scenario>, options: RecommendOptions): Prepared {
  assertValid(model, scenarios);
  const cm = compileModel(model);
  const ids = options.candidates ?? model.strategies.map((s) => s.id);
  const problems: Problem[] = [];
  const chosen = new Set<number>();
  ids.forEach((id, i) => {
    const s = cm.strategyIndex.get(id);
    if (s === undefined) problems.push(problem(['candidates', i], 'unknown_reference', id, `no strategy with id "${id}"`));
    else chosen.add(s);
  });
  if (problems.length > 0) throw new EngineInputError(problems);
  const candidates = [...chosen].sort((x, y) => compareIds(model.strategies[x].id, model.strategies[y].id));

  const prepared = scenarios.map((scenario, index) => {
    const resolved = meanScenario(scenario);
    // §7: every chosen strategy is activated at the scenario's first disruption; a scenario without
    // disruptions triggers nothing, so its strategies are never activated (no cost per day).
    const first = resolved.disruptions.length === 0 ? null : Math.min(...resolved.disruptions.map((d) => d.from));
    return { resolved, first, frequency: scenario.frequency ?? 1, index, ...(scenario.id === undefined ? {} : { id: scenario.id }) };
  });
  const unitCost = candidates.map((s) => {
    const strategy = model.strategies[s];
    let cost = strategy.cost.fixed;
    for (const sc of prepared)
      if (sc.first !== null) cost += sc.frequency * strategy.cost.perDay * daysInEffect(Math.ceil(sc.resolved.horizon), sc.first + strategy.leadTime);
    return cost;
  });
  return { cm, ws: new Workspace(cm), scratch: new ScenarioScratch(), candidates, scenarios: prepared, unitCost };
}

/** Strategy indices of the candidates in `mask`. */
function members(p: Prepared, mask: number): number[] {
  return p.candidates.filter((_, k) => mask & (1 << k));
}

function scenarioWith(p: Prepared, sc: Prepared['scenarios'][number], strategies: readonly number[]): ResolvedScenario {
  const first = sc.first;
  const activate = first === null ? [] : strategies.map((s) => ({ strategy: p.cm.model.strategies[s].id, at: first }));
  return { ...sc.resolved, activate };
}

/** (activity, scenario) pairs breaching the MTPD with these strategies; stops counting above `limit`. */
function breaches(p: Prepared, strategies: readonly number[], limit: number): number {
  let total = 0;
  for (const sc of p.scenarios) {
    const cs = compileScenario(p.cm, scenarioWith(p, sc, strategies), p.scratch);
    total += runCompiled(p.cm, cs, p.ws, { detail: false, stopAfterBreaches: limit - total }).breached;
    if (total > limit) break;
  }
  return total;
}

/** The breaches left with these strategies, and their binding terms. */
function remaining(p: Prepared, strategies: readonly number[]): RemainingBreach[] {
  const out: RemainingBreach[] = [];
  for (const sc of p.scenarios) {
    const cs = compileScenario(p.cm, scenarioWith(p, sc, strategies), p.scratch);
    const result = toResult(p.cm, cs, runCompiled(p.cm, cs, p.ws, { detail: true }));
    for (const a of result.activities)
      if (a.mtpdBreached) out.push({ scenario: { index: sc.index, ...(sc.id === undefined ? {} : { id: sc.id }) }, activity: a.id, binding: a.binding });
  }
  return out;
}

/** Expected yearly cost of downtime of each scenario with these strategies; no run when no activity has a cost per hour. */
function yearlyDowntime(p: Prepared, strategies: readonly number[], valued: boolean): number[] {
  return p.scenarios.map((sc) => {
    if (!valued || sc.frequency === 0) return 0;
    const cs = compileScenario(p.cm, scenarioWith(p, sc, strategies), p.scratch);
    const ws = runCompiled(p.cm, cs, p.ws, { detail: false }).workspace;
    return sc.frequency * totalDowntime(downtimeCosts(p.cm.model.activities, (a) => ws.disruptedHours[p.cm.internal[a]]));
  });
}

function downtimeOf(p: Prepared, strategies: readonly number[]): DowntimeCost {
  const valuedActivities = p.cm.model.activities.filter((activity) => activity.downtimeCostPerHour !== undefined).length;
  const without = yearlyDowntime(p, [], valuedActivities > 0);
  const withSet = strategies.length === 0 ? without : yearlyDowntime(p, strategies, valuedActivities > 0);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return {
    withoutStrategies: sum(without),
    withStrategies: sum(withSet),
    valuedActivities,
    scenarios: p.scenarios.map((sc, i) => ({
      scenario: { index: sc.index, ...(sc.id === undefined ? {} : { id: sc.id }) },
      frequency: sc.frequency,
      withoutStrategies: without[i],
      withStrategies: withSet[i],
    })),
  };
}

function costOf(p: Prepared, mask: number): number {
  let cost = 0;
  p.unitCost.forEach((c, k) => {
    if (mask & (1 << k)) cost += c;
  });
  return cost;
}

/** Costs within a millionth of a currency unit are ties (sums in another order differ in the last bits). */
const costKey = (cost: number): number => Math.round(cost * 1e6);

function popcount(x: number): number {
  let count = 0;
  for (; x; x &= x - 1) count++;
  return count;
}

function result(p: Prepared, strategies: readonly number[], cost: number, target: number, exact: boolean, evaluated: number): Recommendation {
  return {
    strategies: strategies.map((s) => p.cm.model.strategies[s].id).sort(compareIds),
    cost,
    exact,
    heuristic: !exact,
    feasible: target === 0,
    evaluated,
    remainingBreaches: target === 0 ? [] : remaining(p, strategies),
    downtimeCost: downtimeOf(p, strategies),
  };
}

/** Heuristic search (more than EXACT_LIMIT candidates): reverse deletion from the full set. */
function* heuristic(p: Prepared): Generator<RecommendProgress, Recommendation, void> {
  const n = p.candidates.length;
  const total = n + 1;
  const member = new Array<boolean>(n).fill(true);
  const chosen = (): number[] => p.candidates.filter((_, k) => member[k]);
  let evaluated = 1;
  const target = breaches(p, chosen(), Infinity);
  yield { evaluated, total };
  // Most expensive first; on equal cost the larger id goes first, keeping the smaller ids (§7 ties).
  const ids = p.candidates.map((s) => p.cm.model.strategies[s].id);
  const order = [...p.candidates.keys()].sort((x, y) => p.unitCost[y] - p.unitCost[x] || compareIds(ids[y], ids[x]));
  for (const k of order) {
    member[k] = false;
    if (breaches(p, chosen(), target) > target) member[k] = true;
    evaluated++;
    yield { evaluated, total };
  }
  const cost = p.unitCost.reduce((sum, c, k) => sum + (member[k] ? c : 0), 0);
  return result(p, chosen(), cost, target, false, evaluated);
}

/**
 * The search of §7 as a generator: it yields its progress after each evaluated set and returns
 * the recommendation, so that a server can run it in slices (yielding to its event loop) and
 * cancel it between two steps. `recommend` runs it to the end.
 *
 * Target. Breaches only decrease when strategies are added (the engine is monotone in strategies:
 * more capacity, seats, workarounds or suppliers never lengthen a disruption; see the property
 * tests), so the full candidate set has the fewest (activity, scenario) breaches B* any set can
 * reach. The answer is the cheapest set reaching B* (B* = 0: feasible), ties to fewer strategies,
 * then to the smallest sorted id list.
 *
 * Exact search (up to 16 candidates): the empty set is tried first (often enough), then the full
 * set gives B*. All 2^n sets are ordered by (expected yearly cost, size, sorted ids) and evaluated
 * in that order; the first one reaching B* is the optimum, so the search stops there and no
 * superset of it (costlier, or as costly but larger) is ever evaluated. Pruning: a set that misses
 * the target proves that all its subsets miss it too. Cost order alone never exploits that (subsets
 * come first), so once the search has evaluated n sets in vain it tests each "full set minus one
 * candidate": a failure shows that candidate is required, and every set without it is skipped.
 *
 * Heuristic (more than 16 candidates): from the full set, drop candidates one at a time, the most
 * expensive first, whenever the set without it still reaches B*. The result is irredundant (no
 * strategy can be removed) after n + 1 evaluations, but not necessarily the cheapest: reported
 * with `heuristic: true`, `exact: false`.
 */
export function* recommendSteps(
  model: OrganisationModel,
  scenarios: ReadonlyArray<Scenario>,
  options: RecommendOptions = {},
): Generator<RecommendProgress, Recommendation, void> {
  const p = prepare(model, scenarios, options);
  const n = p.candidates.length;
  if (n > EXACT_LIMIT || options.method === 'heuristic') return yield* heuristic(p);
  const total = 2 ** n;
  const full = total - 1;
  // mask → breaches counted with a limit: the count is exact when <= limit, a lower bound above.
  const known = new Map<number, { count: number; limit: number }>();
  let evaluated = 0;

  /** Breaches of a set, or a lower bound above `limit`; each set is simulated at most once per limit. */
  function* evaluate(mask: number, limit: number): Generator<RecommendProgress, number, void> {
    const cached = known.get(mask);
    if (cached !== undefined && (cached.count <= cached.limit || limit <= cached.limit)) return cached.count;
    const count = breaches(p, members(p, mask), limit);
    known.set(mask, { count, limit });
    // Distinct sets: the empty set may be simulated again with a higher limit when nothing suffices.
    if (cached === undefined) evaluated++;
    yield { evaluated, total };
    return count;
  }
  const finish = (mask: number, target: number): Recommendation => result(p, members(p, mask), costOf(p, mask), target, true, evaluated);

  // The empty set only needs to be known to fail (limit 0), unless it is also the full set.
  if ((yield* evaluate(0, n === 0 ? Infinity : 0)) === 0) return finish(0, 0);
  const target = yield* evaluate(full, Infinity);

  // Every set, in the order of §7's preference.
  const keys = new Float64Array(total);
  for (let mask = 0; mask <= full; mask++) keys[mask] = costKey(costOf(p, mask));
  const order = Int32Array.from({ length: total }, (_, i) => i).sort((x, y) => {
    if (keys[x] !== keys[y]) return keys[x] - keys[y];
    const size = popcount(x) - popcount(y);
    if (size !== 0) return size;
    // Equal sizes: the sorted id lists first differ at the lowest candidate in exactly one set.
    const diff = x ^ y;
    return diff === 0 ? 0 : x & diff & -diff ? -1 : 1;
  });

  let required = 0;
  let failures = 0;
  let probed = false;
  for (let i = 0; i < order.length; i++) {
    const mask = order[i];
    if ((mask & required) !== required) continue; // a subset of a set known to miss the target
    if ((yield* evaluate(mask, target)) <= target) return finish(mask, target);
    if (++failures >= n && !probed) {
      probed = true;
      for (let k = 0; k < n; k++) if ((yield* evaluate(full & ~(1 << k), target)) > target) required |= 1 << k;
    }
  }
  return finish(full, target); // not reached: the full set reaches the target
}

/**
 * Recommends strategies for a list of scenarios (§7): the candidate set with the least expected
 * yearly cost `Σ fixed + Σ_scenarios frequency × Σ perDay × days in effect` that keeps every activity
 * within its MTPD in every scenario, each chosen strategy activated at the scenario's first
 * disruption hour (the scenarios' own `activate` lists are ignored; distributions are read as their
 * means). When no set suffices: the set with the fewest (activity, scenario) breaches, then the
 * least cost, with the breaches that remain. See `recommendSteps` for the search.
 * Throws `EngineInputError` (invalid model, scenario or candidate) and `EngineAbortedError`.
 */
export function recommend(model: OrganisationModel, scenarios: ReadonlyArray<Scenario>, options: RecommendOptions = {}): Recommendation {
  const steps = recommendSteps(model, scenarios, options);
  for (;;) {
    if (options.shouldAbort?.()) throw new EngineAbortedError();
    const step = steps.next();
    if (step.done) return step.value;
    options.onProgress?.(step.value);
  }
}
