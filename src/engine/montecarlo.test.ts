import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../model/scenario.js';
import { convergenceRuns, mergeMonteCarlo, monteCarlo, MonteCarloSession, summariseMonteCarlo, wilsonInterval, type MonteCarloPartial } from './montecarlo.js';
import { createRandom, sample } from './random.js';
import { compileModel, resolveScenario, simulate, simulateCompiled } from './simulate.js';
import { activity, model, scenario, staff } from './testing.js';
import { EngineAbortedError, EngineInputError } from './validate.js';

// a needs crm (down from hour 0 for an uncertain time) and has mtpd 24; b has 10 staff and mtpd 48.
const m = model({
  applications: [{ id: 'crm', rto: 4 }],
  activities: [activity('a', { mtpd: 24, rto: 8, applications: ['crm'] }), activity('b', { mtpd: 48, rto: 8, mbco: 0.8, staff: [staff('s1', 10)] })],
});
const uncertain: Scenario = scenario(
  [
    { type: 'applicationOutage', application: 'crm', from: 0, to: { uniform: [12, 36] } },
    { type: 'absenteeism', from: 0, to: { choice: [24, 72] }, rate: { triangular: [0, 0.2, 0.4] } },
  ],
  { horizon: 100 },
);

describe('percentiles and probabilities', () => {
  const partial = (values: number[], mtpd: number): MonteCarloPartial => {
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return {
      runs: values.length,
      seed: 1,
      slices: [[0, values.length]],
      activityIds: ['x'],
      breaches: [values.filter((v) => v > mtpd).length],
      longest: [[...counts.entries()].sort((p, q) => p[0] - q[0])],
    };
  };
  it.each([
    // 1..10: ranks ceil(5) = 5, ceil(9) = 9, ceil(9.9) = 10.
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], expected: { p50: 5, p90: 9, p99: 10 } },
    // One run: every percentile is its value.
    { values: [7], expected: { p50: 7, p90: 7, p99: 7 } },
    // 0 ×97, 5, 6, 7 over 100 runs: rank 50 → 0, rank 90 → 0, rank 99 → 6.
    { values: [...new Array(97).fill(0), 5, 6, 7], expected: { p50: 0, p90: 0, p99: 6 } },
    // 30 values 1..30: ranks ceil(15) = 15, ceil(27) = 27, ceil(29.7) = 30.
    { values: Array.from({ length: 30 }, (_, i) => i + 1), expected: { p50: 15, p90: 27, p99: 30 } },
  ])('nearest rank over $values.length runs', ({ values, expected }) => {
    expect(summariseMonteCarlo(partial(values, 1e9)).activities[0].longestDisruption).toEqual(expected);
  });
  it('breach probability is the share of runs with longest > mtpd', () => {
    // 3 of 4 runs above 24.
    expect(summariseMonteCarlo(partial([10, 25, 30, 40], 24)).activities[0].breachProbability).toBe(0.75);
  });
});

describe('monteCarlo', () => {
  it('without distributions every run is the deterministic simulation', () => {
    const sc = scenario([{ type: 'applicationOutage', application: 'crm', from: 0, to: 30 }], { horizon: 100 });
    const single = simulate(m, sc);
    const result = monteCarlo(m, sc, { runs: 50, seed: 1 });
    expect(result.runs).toBe(50);
    // a: 30 h > 24 → breached in every run; b untouched.
    expect(result.activities).toMatchObject([
      { id: 'a', breachProbability: 1, longestDisruption: { p50: 30, p90: 30, p99: 30 }, histogram: { binHours: 2, runs: [...new Array(15).fill(0), 50] } },
      { id: 'b', breachProbability: 0, longestDisruption: { p50: 0, p90: 0, p99: 0 }, histogram: { binHours: 1, runs: [50] } },
    ]);
    // Every run the same: the probability is 1 (or 0) from the first run on.
    expect(result.activities[0].convergence.map((p) => [p.runs, p.breachProbability])).toEqual([1, 2, 5, 10, 20, 50].map((k) => [k, 1]));
    expect(result.activities[1].convergence.every((p) => p.breachProbability === 0)).toBe(true);
    expect(single.activities[0].longestDisruption).toBe(30);
  });

  it('run i is the simulation of the scenario drawn from stream (seed, i)', () => {
    const runs = 40;
    const result = monteCarlo(m, uncertain, { runs, seed: 77 });
    const cm = compileModel(m);
    const longest: number[][] = [[], []];
    for (let i = 0; i < runs; i++) {
      const random = createRandom(77, i);
      const r = simulateCompiled(
        cm,
        resolveScenario(uncertain, (d) => sample(d, random)),
      );
      r.activities.forEach((a, k) => longest[k].push(a.longestDisruption));
    }
    const rank = (values: number[], p: number) => [...values].sort((x, y) => x - y)[Math.ceil((p * values.length) / 100) - 1];
    result.activities.forEach((a, k) => {
      expect(a.breachProbability).toBe(longest[k].filter((v) => v > [24, 48][k]).length / runs);
      expect(a.longestDisruption).toEqual({ p50: rank(longest[k], 50), p90: rank(longest[k], 90), p99: rank(longest[k], 99) });
    });
    // The outage lasts 12–36 h: a's longest run stays within it, and breaches happen in some runs only.
    expect(result.activities[0].longestDisruption.p50).toBeGreaterThanOrEqual(12);
    expect(result.activities[0].longestDisruption.p99).toBeLessThanOrEqual(36);
    expect(result.activities[0].breachProbability).toBeGreaterThan(0);
    expect(result.activities[0].breachProbability).toBeLessThan(1);
  });

  it('same seed, same result; any split of the runs merges to the same result', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 60 }), fc.array(fc.nat(), { maxLength: 4 }), (seed, runs, cuts) => {
        const whole = monteCarlo(m, uncertain, { runs, seed });
        expect(monteCarlo(m, uncertain, { runs, seed })).toEqual(whole);
        const bounds = [...new Set([0, runs, ...cuts.map((c) => c % runs)])].sort((x, y) => x - y);
        const session = new MonteCarloSession(m, uncertain);
        // Slices computed in reverse order, as workers might finish.
        const partials = bounds
          .slice(1)
          .map((end, i) => session.run({ runs, seed, firstRun: bounds[i], runCount: end - bounds[i] }))
          .reverse();
        expect(summariseMonteCarlo(mergeMonteCarlo(partials))).toEqual(whole);
      }),
      { numRuns: 30 },
    );
  });

  it('histograms: round bins that count every run, consistent with the percentiles', () => {
    const result = monteCarlo(m, uncertain, { runs: 300, seed: 5 });
    for (const a of result.activities) {
      expect(a.histogram.runs.reduce((x, y) => x + y, 0)).toBe(300);
      expect(a.histogram.runs.length).toBeLessThanOrEqual(31);
      // The bin of p99 is not empty, and no run lies beyond the last bin.
      expect(a.histogram.runs[Math.floor(a.longestDisruption.p99 / a.histogram.binHours)]).toBeGreaterThan(0);
    }
    expect(result.activities[0].histogram.binHours).toBe(2); // longest up to 36 h: 2-hour bins
  });

  it('convergence: the breach probability after k runs is the k-run job’s, on a 1-2-5 scale, with its Wilson interval', () => {
    expect(convergenceRuns(1)).toEqual([1]);
    expect(convergenceRuns(10)).toEqual([1, 2, 5, 10]);
    expect(convergenceRuns(10_000)).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000]);
    const result = monteCarlo(m, uncertain, { runs: 120, seed: 9 });
    const a = result.activities[0];
    expect(a.convergence.map((p) => p.runs)).toEqual([1, 2, 5, 10, 20, 50, 100, 120]);
    for (const point of a.convergence) {
      expect(point.breachProbability).toBe(monteCarlo(m, uncertain, { runs: point.runs, seed: 9 }).activities[0].breachProbability);
      expect(point.low).toBeLessThanOrEqual(point.breachProbability);
      expect(point.high).toBeGreaterThanOrEqual(point.breachProbability);
    }
    expect(a.convergence.at(-1)!.breachProbability).toBe(a.breachProbability);
  });

  it.each([
    // Known values of the 95 % Wilson score interval.
    { successes: 0, trials: 10, low: 0, high: 0.2775 },
    { successes: 5, trials: 10, low: 0.2366, high: 0.7634 },
    { successes: 10, trials: 10, low: 0.7225, high: 1 },
    { successes: 50, trials: 1000, low: 0.0381, high: 0.0653 },
  ])('Wilson interval of $successes / $trials', ({ successes, trials, low, high }) => {
    const interval = wilsonInterval(successes, trials);
    expect(interval.low).toBeCloseTo(low, 4);
    expect(interval.high).toBeCloseTo(high, 4);
  });

  it('a checkpoint without convergence (written before it existed) still merges; the convergence is then left out', () => {
    const session = new MonteCarloSession(m, uncertain);
    const old = session.run({ runs: 100, seed: 3, firstRun: 0, runCount: 40 });
    delete old.convergence;
    const rest = session.run({ runs: 100, seed: 3, firstRun: 40, runCount: 60 });
    const result = summariseMonteCarlo(mergeMonteCarlo([old, rest]));
    const whole = monteCarlo(m, uncertain, { runs: 100, seed: 3 });
    expect(result.activities.map((a) => a.breachProbability)).toEqual(whole.activities.map((a) => a.breachProbability));
    expect(result.activities[0].convergence).toEqual([]);
  });

  it('different seeds give different draws', () => {
    const a = monteCarlo(m, uncertain, { runs: 200, seed: 1 });
    const b = monteCarlo(m, uncertain, { runs: 200, seed: 2 });
    expect(a.activities[0].breachProbability).not.toBe(b.activities[0].breachProbability);
  });

  it('refuses overlapping slices and partials of other jobs', () => {
    const session = new MonteCarloSession(m, uncertain);
    const p1 = session.run({ runs: 10, seed: 1, firstRun: 0, runCount: 6 });
    const p2 = session.run({ runs: 10, seed: 1, firstRun: 5, runCount: 5 });
    expect(() => mergeMonteCarlo([p1, p2])).toThrow(/overlap/);
    expect(() => mergeMonteCarlo([p1, session.run({ runs: 10, seed: 2, firstRun: 6, runCount: 4 })])).toThrow(/different/);
  });

  it.each([
    { runs: 0, seed: 1 },
    { runs: 1.5, seed: 1 },
    { runs: 10, seed: 0.5 },
    { runs: 10, seed: 1, firstRun: 8, runCount: 5 },
  ])('refuses bad run options %j', (options) => {
    expect(() => monteCarlo(m, uncertain, options)).toThrow(RangeError);
  });

  it('refuses invalid inputs', () => {
    const bad = scenario([{ type: 'applicationOutage', application: 'crm', from: 0, to: { uniform: [5, 1] } }]);
    expect(() => monteCarlo(m, bad, { runs: 1, seed: 1 })).toThrow(EngineInputError);
  });

  it('reports progress and stops when asked', () => {
    const seen: number[] = [];
    monteCarlo(m, uncertain, { runs: 200, seed: 1, onProgress: (done) => seen.push(done) });
    expect(seen.at(-1)).toBe(200);
    expect(seen.length).toBe(100);
    let calls = 0;
    expect(() => monteCarlo(m, uncertain, { runs: 200, seed: 1, shouldAbort: () => ++calls > 10 })).toThrow(EngineAbortedError);
  });

  it('clamps a normal draw to the field range', () => {
    // rate ~ normal(0.5, 10): almost every draw falls outside [0, 1] and is clamped to 0 or 1.
    const sc = scenario([{ type: 'absenteeism', from: 0, rate: { normal: [0.5, 10] } }], { horizon: 10 });
    const random = createRandom(5);
    for (let i = 0; i < 50; i++) {
      const d = resolveScenario(sc, (x) => sample(x, random)).disruptions[0];
      expect(d.type === 'absenteeism' && d.rate! >= 0 && d.rate! <= 1).toBe(true);
    }
    // b (mbco 0.8) is therefore either untouched (rate 0) or stopped (rate 1) for the whole horizon.
    const result = monteCarlo(m, sc, { runs: 100, seed: 5 });
    expect([0, 10]).toContain(result.activities[1].longestDisruption.p50);
  });
});
