import { describe, expect, it } from 'vitest';
import type { Scenario } from '../model/scenario.js';
import { monteCarlo } from '../engine/montecarlo.js';
import { activity, model, scenario, staff } from '../engine/testing.js';
import { EngineAbortedError, EngineInputError } from '../engine/validate.js';
import { runMonteCarloParallel } from './montecarlo-workers.js';

const m = model({
  pools: [{ id: 'vpn', capacity: 12 }],
  applications: [{ id: 'crm', rto: 4 }],
  activities: [
    activity('a', { mtpd: 24, rto: 8, applications: ['crm'], staff: [staff('s1', 10, 1, ['vpn'])] }),
    activity('b', { mtpd: 48, rto: 8, mbco: 0.6, staff: [staff('s1', 10, 1, ['vpn'])], dependsOn: ['a'] }),
  ],
});
const uncertain: Scenario = scenario(
  [
    { type: 'lockdown', from: { uniform: [0, 10] }, to: { triangular: [20, 40, 90] } },
    { type: 'applicationOutage', application: 'crm', from: 5, to: { choice: [10, 30, 60] } },
    {
      type: 'absenteeism',
      from: 0,
      curve: [
        { at: 0, rate: 0 },
        { at: { uniform: [10, 30] }, rate: { normal: [0.3, 0.1] } },
        { at: 80, rate: 0 },
      ],
    },
  ],
  { horizon: 120 },
);

describe('runMonteCarloParallel', () => {
  it('gives the same result with 1 and 2 workers, and as the single-threaded engine', async () => {
    const options = { runs: 500, seed: 2024 };
    const progress: number[] = [];
    const one = await runMonteCarloParallel(m, uncertain, { ...options, workers: 1 });
    const two = await runMonteCarloParallel(m, uncertain, { ...options, workers: 2, sliceSize: 37, onProgress: (done) => progress.push(done) });
    expect(two).toEqual(one);
    expect(one).toEqual(monteCarlo(m, uncertain, options));
    expect(one.runs).toBe(500);
    expect(progress.at(-1)).toBe(500);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
  });

  it('refuses invalid input before starting any thread', async () => {
    const bad = scenario([{ type: 'siteUnavailable', site: 'nowhere', from: 0 }]);
    await expect(runMonteCarloParallel(m, bad, { runs: 10, seed: 1, workers: 2 })).rejects.toBeInstanceOf(EngineInputError);
    await expect(runMonteCarloParallel(m, uncertain, { runs: 0, seed: 1, workers: 2 })).rejects.toBeInstanceOf(RangeError);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const pending = runMonteCarloParallel(m, uncertain, { runs: 1_000_000, seed: 1, workers: 2, sliceSize: 100, signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(pending).rejects.toBeInstanceOf(EngineAbortedError);
  });
});
