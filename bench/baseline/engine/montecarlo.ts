// Baseline for the benchmarks only: montecarlo.ts as of commit 4b66542 (before issue 18), imports adjusted. Not used by the application.
// Monte Carlo over uncertain scenarios (scenario-model §6): seeded runs, mergeable partial results, percentiles.
import type { OrganisationModel } from '../../../src/model/organisation.js';
import type { Scenario } from '../../../src/model/scenario.js';
import { createRandom, isDistribution, sample } from '../../../src/engine/random.js';
import { assertValid, compileModel, compileScenario, resolveScenario, runCompiled, Workspace, type CompiledModel } from './simulate.js';
import { EngineAbortedError } from '../../../src/engine/validate.js';

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
}

/** Nearest-rank percentiles of `longestDisruption` over the runs. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/** The result of §6. */
export interface MonteCarloResult {
  /** Runs summarised (all of the job's once the slices are merged). */
  runs: number;
  seed: number;
  activities: Array<{ id: string; breachProbability: number; longestDisruption: Percentiles }>;
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
    const every = Math.max(1, Math.floor(count / 100));
    // Without distributions every run is the same simulation: compute it once, count it `count` times.
    const distinct = this.uncertain ? count : Math.min(count, 1);
    const weight = this.uncertain ? 1 : count;
    for (let r = 0; r < distinct; r++) {
      if (options.shouldAbort?.()) throw new EngineAbortedError();
      const random = createRandom(options.seed, first + r);
      const resolved = resolveScenario(this.scenario, (distribution) => sample(distribution, random));
      runCompiled(cm, compileScenario(cm, resolved), ws, { detail: false });
      for (let a = 0; a < n; a++) {
        const i = cm.internal[a];
        const longest = ws.longest[i];
        const histogram = histograms[a];
        histogram.set(longest, (histogram.get(longest) ?? 0) + weight);
        if (longest > cm.mtpd[i]) breaches[a] += weight;
      }
      if ((r + 1) % every === 0 || r + 1 === distinct) options.onProgress?.(this.uncertain ? r + 1 : count, count);
    }
    return {
      runs: options.runs,
      seed: options.seed,
      slices: count > 0 ? [[first, count]] : [],
      activityIds: [...cm.activityIds],
      breaches,
      longest: histograms.map((h) => [...h.entries()].sort((x, y) => x[0] - y[0])),
    };
  }
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
  return { runs: head.runs, seed: head.seed, slices, activityIds: [...head.activityIds], breaches, longest };
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

/** §6 figures of the runs in a partial (all of the job's once merged). */
export function summariseMonteCarlo(partial: MonteCarloPartial): MonteCarloResult {
  const total = partial.slices.reduce((sum, [, count]) => sum + count, 0);
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
