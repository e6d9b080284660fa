// Monte Carlo over uncertain scenarios (scenario-model §6): seeded runs, mergeable partial results, percentiles.
import type { OrganisationModel } from '../model/organisation.js';
import type { Scenario } from '../model/scenario.js';
import { createRandom, isDistribution, sample } from './random.js';
import { compileModel, type CompiledModel } from './compiled-model.js';
import { compileScenario, ScenarioScratch } from './compiled-scenario.js';
import { runCompiled, Workspace } from './kernel.js';
import { resolveScenario } from './resolve.js';
import { assertValid } from './simulate.js';
import { EngineAbortedError } from './validate.js';

/** What to compute: `runs` in all, with `seed`; optionally only the slice `[firstRun, firstRun + runCount)`. */
export interface MonteCarloOptions {
  runs: number;
  seed: number;
  firstRun?: number;
  runCount?: number;
  /** Called now and then with the runs done in this slice and the slice's size. */
  onProgress?: (done: number, total: number) => void;
  /** Checked before every run; returning true throws `EngineAbortedError`. */
  shouldAbort?: () => boolean;
}

/**
 * The raw outcome of a slice of runs, mergeable with other slices of the same job: per activity,
 * how many runs breached its MTPD and a histogram of `longestDisruption` (sorted `[hours, runs]`
 * pairs, lossless for percentiles and much smaller than one value per run). Plain data: it can be
 * posted between threads or stored as JSON.
 */
export interface MonteCarloPartial {
  /** Runs of the whole job and its seed. */
  runs: number;
  seed: number;
  /** Run slices covered, as [first, count] pairs. */
  slices: Array<[number, number]>;
  activityIds: string[];
  breaches: number[];
  longest: Array<Array<[number, number]>>;
  /**
   * For the convergence of the breach probabilities: at each point g of `convergenceRuns(runs)`
   * strictly inside this partial's span of runs, the breaches per activity among its runs numbered
   * below g (additive over partials). Absent in checkpoints written before it existed.
   */
  convergence?: Array<[number, number[]]>;
}

/** Nearest-rank percentiles of `longestDisruption` over the runs. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/** Runs per bin of `longestDisruption`: bin j counts the runs with j × binHours <= longest < (j + 1) × binHours. */
export interface Histogram {
  binHours: number;
  runs: number[];
}

/** The breach probability after the first `runs` runs, with its 95 % Wilson score interval [low, high]. */
export interface ConvergencePoint {
  runs: number;
  breachProbability: number;
  low: number;
  high: number;
}

/** One activity's figures over the runs. */
export interface MonteCarloActivity {
  id: string;
  breachProbability: number;
  longestDisruption: Percentiles;
  /** Distribution of the longest disruption over the runs (at most about 30 bins of a round number of hours). */
  histogram: Histogram;
  /**
   * The breach probability as runs accumulate (runs 0..k−1 in run order, k on a 1-2-5 log scale and
   * the last run), when the runs summarised are a prefix of the job's; empty otherwise.
   */
  convergence: ConvergencePoint[];
}

/** The result of §6. */
export interface MonteCarloResult {
  /** Runs summarised (all of the job's once the slices are merged). */
  runs: number;
  seed: number;
  activities: MonteCarloActivity[];
}

/** The run counts k at which the convergence is reported for a job of `runs` runs: 1, 2, 5, 10, 20, 50… and `runs`. */
export function convergenceRuns(runs: number): number[] {
  const points: number[] = [];
  for (let decade = 1; decade < runs; decade *= 10) for (const step of [1, 2, 5]) if (step * decade < runs) points.push(step * decade);
  points.push(runs);
  return points;
}

/** The 95 % Wilson score interval of `successes` out of `trials`. */
export function wilsonInterval(successes: number, trials: number, z = 1.959963984540054): { low: number; high: number } {
  if (trials === 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Bin widths a reader can take in (hours). */
const BIN_HOURS = [1, 2, 4, 6, 12, 24, 48, 72, 168, 336, 720, 1440, 2160, 4320, 8760];

/** Bins a lossless histogram of `[hours, runs]` pairs into at most about 30 bins of a round width. */
function binHistogram(histogram: ReadonlyArray<[number, number]>): Histogram {
  const max = histogram.length > 0 ? histogram[histogram.length - 1][0] : 0;
  const binHours = BIN_HOURS.find((width) => max / width < 30) ?? Math.ceil(max / 30);
  const runs = new Array<number>(Math.floor(max / binHours) + 1).fill(0);
  for (const [hours, count] of histogram) runs[Math.floor(hours / binHours)] += count;
  return { binHours, runs };
}

/** True when some number of a disruption is a distribution (otherwise every run is the same). */
export function hasDistributions(scenario: Scenario): boolean {
  for (const d of scenario.disruptions ?? []) {
    if (isDistribution(d.from) || isDistribution(d.to)) return true;
    if (d.type === 'absenteeism') {
      if (isDistribution(d.rate)) return true;
      for (const point of d.curve ?? []) if (isDistribution(point.at) || isDistribution(point.rate)) return true;
    }
  }
  return false;
}

function checkRuns(options: MonteCarloOptions): { first: number; count: number } {
  const { runs, seed } = options;
  if (!Number.isSafeInteger(runs) || runs < 1) throw new RangeError(`runs must be a positive integer, got ${runs}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const first = options.firstRun ?? 0;
  const count = options.runCount ?? runs - first;
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(count) || first < 0 || count < 0 || first + count > runs)
    throw new RangeError(`run slice [${first}, ${first + count}) is not within [0, ${runs})`);
  return { first, count };
}

/**
 * A model and a scenario validated and indexed once, to compute any slices of runs (a worker
 * thread keeps one). Throws `EngineInputError` when either input is invalid.
 */
export class MonteCarloSession {
  private readonly cm: CompiledModel;
  private readonly ws: Workspace;
  private readonly scratch = new ScenarioScratch();
  private readonly uncertain: boolean;

  constructor(
    model: OrganisationModel,
    private readonly scenario: Scenario,
    options: { validated?: boolean } = {},
  ) {
    if (!options.validated) assertValid(model, [scenario]);
    this.cm = compileModel(model);
    this.ws = new Workspace(this.cm);
    this.uncertain = hasDistributions(scenario);
  }

  /** Runs a slice. Run i draws from the stream (seed, i) only: any split of the runs gives the same runs. */
  run(options: MonteCarloOptions): MonteCarloPartial {
    const { first, count } = checkRuns(options);
    const { cm, ws } = this;
    const n = cm.activityCount;
    const breaches = new Array<number>(n).fill(0);
    const histograms = Array.from({ length: n }, () => new Map<number, number>());
    // Most activities repeat their value from run to run: a run of equal values is counted here and
    // added to the histogram when the value changes (sums of whole numbers: the same counts).
    const lastValue = new Float64Array(n).fill(NaN);
    const lastCount = new Float64Array(n);
    const flush = (a: number): void => {
      if (lastCount[a] === 0) return;
      const histogram = histograms[a];
      histogram.set(lastValue[a], (histogram.get(lastValue[a]) ?? 0) + lastCount[a]);
      lastCount[a] = 0;
    };
    const every = Math.max(1, Math.floor(count / 100));
    // Convergence points strictly inside this slice: breaches of its runs numbered below each.
    const points = convergenceRuns(options.runs).filter((g) => g > first && g < first + count);
    const convergence: Array<[number, number[]]> = [];
    let nextPoint = 0;
    // Without distributions every run is the same simulation: compute it once, count it `count` times.
    const distinct = this.uncertain ? count : Math.min(count, 1);
    const weight = this.uncertain ? 1 : count;
    for (let r = 0; r < distinct; r++) {
      if (options.shouldAbort?.()) throw new EngineAbortedError();
      const random = createRandom(options.seed, first + r);
      const resolved = resolveScenario(this.scenario, (distribution) => sample(distribution, random));
      runCompiled(cm, compileScenario(cm, resolved, this.scratch), ws, { detail: false });
      for (let a = 0; a < n; a++) {
        const i = cm.internal[a];
        const longest = ws.longest[i];
        if (longest !== lastValue[a]) {
          flush(a);
          lastValue[a] = longest;
        }
        lastCount[a] += weight;
        if (longest > cm.mtpd[i]) breaches[a] += weight;
      }
      if (this.uncertain) while (nextPoint < points.length && points[nextPoint] === first + r + 1) convergence.push([points[nextPoint++], [...breaches]]);
      if ((r + 1) % every === 0 || r + 1 === distinct) options.onProgress?.(this.uncertain ? r + 1 : count, count);
    }
    for (let a = 0; a < n; a++) flush(a);
    // Every run the same: the runs below g are g − first copies of the one run.
    if (!this.uncertain) for (const g of points) convergence.push([g, breaches.map((b) => (count === 0 ? 0 : (b / count) * (g - first)))]);
    return {
      runs: options.runs,
      seed: options.seed,
      slices: count > 0 ? [[first, count]] : [],
      activityIds: [...cm.activityIds],
      breaches,
      longest: histograms.map((h) => [...h.entries()].sort((x, y) => x[0] - y[0])),
      convergence,
    };
  }
}

/** The span [start, end) of runs a partial covers (gaps included). */
function span(partial: MonteCarloPartial): [number, number] {
  if (partial.slices.length === 0) return [0, 0];
  let start = Infinity;
  let end = 0;
  for (const [first, count] of partial.slices) {
    start = Math.min(start, first);
    end = Math.max(end, first + count);
  }
  return [start, end];
}

/** Breaches per activity of a partial's runs numbered below g (null when the partial cannot tell). */
function breachesBelow(partial: MonteCarloPartial, g: number): readonly number[] | null {
  const [start, end] = span(partial);
  if (g <= start) return partial.breaches.map(() => 0);
  if (g >= end) return partial.breaches;
  return partial.convergence?.find(([point]) => point === g)?.[1] ?? null;
}

/** Merges partial results of one job (same seed, runs and activities; slices must not overlap). */
export function mergeMonteCarlo(partials: ReadonlyArray<MonteCarloPartial>): MonteCarloPartial {
  if (partials.length === 0) throw new RangeError('nothing to merge');
  const [head] = partials;
  for (const p of partials) {
    if (p.seed !== head.seed || p.runs !== head.runs) throw new RangeError('partials of different Monte Carlo jobs (seed or runs differ)');
    if (p.activityIds.length !== head.activityIds.length || p.activityIds.some((id, i) => id !== head.activityIds[i]))
      throw new RangeError('partials of different models (activities differ)');
  }
  const slices = partials.flatMap((p) => p.slices).sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < slices.length; i++)
    if (slices[i][0] < slices[i - 1][0] + slices[i - 1][1]) throw new RangeError(`run slices overlap at run ${slices[i][0]}`);
  const n = head.activityIds.length;
  const breaches = new Array<number>(n).fill(0);
  const longest = Array.from({ length: n }, (_, a) => {
    const merged = new Map<number, number>();
    for (const p of partials) {
      breaches[a] += p.breaches[a];
      for (const [hours, count] of p.longest[a]) merged.set(hours, (merged.get(hours) ?? 0) + count);
    }
    return [...merged.entries()].sort((x, y) => x[0] - y[0]);
  });
  const merged: MonteCarloPartial = { runs: head.runs, seed: head.seed, slices, activityIds: [...head.activityIds], breaches, longest };
  // Convergence points inside the merged span, each the sum over the partials (dropped if one cannot tell).
  const [start, end] = span(merged);
  const convergence: Array<[number, number[]]> = [];
  for (const g of convergenceRuns(head.runs)) {
    if (g <= start || g >= end) continue;
    const sum = new Array<number>(n).fill(0);
    let known = true;
    for (const p of partials) {
      const below = breachesBelow(p, g);
      if (below === null) {
        known = false;
        break;
      }
      for (let a = 0; a < n; a++) sum[a] += below[a];
    }
    if (!known) return merged;
    convergence.push([g, sum]);
  }
  merged.convergence = convergence;
  return merged;
}

/** Nearest-rank percentile p (0 < p <= 100) of a sorted histogram of `total` values. */
function nearestRank(histogram: ReadonlyArray<[number, number]>, total: number, p: number): number {
  // Integer arithmetic: ceil(p/100 × n) without a rounding error pushing an exact rank up.
  const rank = Math.max(1, Math.ceil((p * total) / 100));
  let seen = 0;
  for (const [value, count] of histogram) {
    seen += count;
    if (seen >= rank) return value;
  }
  return histogram.length > 0 ? histogram[histogram.length - 1][0] : 0;
}

/** §6 figures of the runs in a partial (all of the job's once merged), with histograms and convergence. */
export function summariseMonteCarlo(partial: MonteCarloPartial): MonteCarloResult {
  const total = partial.slices.reduce((sum, [, count]) => sum + count, 0);
  const [start, end] = span(partial);
  // The convergence reads runs 0..k−1: only for a prefix of the job's runs without gaps.
  const prefix = start === 0 && end === total;
  const points = prefix ? convergenceRuns(partial.runs).filter((g) => g <= total) : [];
  const below = points.map((g) => breachesBelow(partial, g));
  const convergenceKnown = below.every((b) => b !== null);
  return {
    runs: total,
    seed: partial.seed,
    activities: partial.activityIds.map((id, a) => ({
      id,
      breachProbability: total === 0 ? 0 : partial.breaches[a] / total,
      longestDisruption: {
        p50: nearestRank(partial.longest[a], total, 50),
        p90: nearestRank(partial.longest[a], total, 90),
        p99: nearestRank(partial.longest[a], total, 99),
      },
      histogram: binHistogram(partial.longest[a]),
      convergence: convergenceKnown
        ? points.map((g, j) => {
            const breaches = below[j]![a];
            return { runs: g, breachProbability: breaches / g, ...wilsonInterval(breaches, g) };
          })
        : [],
    })),
  };
}

/**
 * Monte Carlo of §6 on one thread: `runs` runs (or the slice `firstRun`, `runCount`), each drawing
 * every distribution of the scenario once, from the seeded stream of its run number.
 * Throws `EngineInputError` for invalid inputs, `EngineAbortedError` when `shouldAbort` says so.
 */
export function monteCarlo(model: OrganisationModel, scenario: Scenario, options: MonteCarloOptions): MonteCarloResult {
  return summariseMonteCarlo(new MonteCarloSession(model, scenario).run(options));
}
