// A Monte Carlo job computed in turns (stopped at a checkpoint, resumed from it, possibly elsewhere) gives the
// uninterrupted job's result: what lets the job runner hand long jobs over between organisations and processes.
import { describe, expect, it } from 'vitest';
import { monteCarlo, summariseMonteCarlo, type MonteCarloPartial } from '../../src/engine/montecarlo.js';
import { activity, model, scenario, staff } from '../../src/engine/testing.js';
import type { Scenario } from '../../src/model/scenario.js';
import { runMonteCarloParallel, runMonteCarloResumable } from '../../src/operations/montecarlo-workers.js';

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
  ],
  { horizon: 120 },
);

describe('runMonteCarloResumable', () => {
  // Thousands of runs three times over: seconds on a quiet machine, far more when others share its two cores.
  it('stops at a checkpoint and, resumed from it in turns, gives the uninterrupted result', { timeout: 180_000 }, async () => {
    const options = { runs: 2000, seed: 99, workers: 1, sliceSize: 100 };
    const expected = monteCarlo(m, uncertain, { runs: options.runs, seed: options.seed });
    let checkpoint: MonteCarloPartial | null = null;
    const turns: number[] = [];
    for (let turn = 0; turn < 200; turn++) {
      const progress: number[] = [];
      // Each turn stops at its first checkpoint (as soon as it has runs to keep), as a job does when another
      // organisation is waiting; whatever the machine's speed, every turn does a few slices only.
      const outcome = await runMonteCarloResumable(m, uncertain, {
        ...options,
        resumeFrom: checkpoint,
        checkpointMs: 1,
        onCheckpoint: () => false,
        onProgress: (done) => progress.push(done),
      });
      const covered = outcome.partial ? outcome.partial.slices.reduce((sum, [, count]) => sum + count, 0) : 0;
      // A resumed turn counts the runs done before it, and never covers less than it was given.
      if (checkpoint) expect(progress[0]).toBeGreaterThan(checkpoint.slices[0][1]);
      expect(covered).toBeGreaterThanOrEqual(checkpoint ? checkpoint.slices[0][1] : 0);
      expect(outcome.partial?.slices ?? []).toEqual(covered > 0 ? [[0, covered]] : []);
      turns.push(covered);
      checkpoint = outcome.partial;
      if (outcome.complete) break;
    }
    // At least one hand-over (usually many: a turn keeps a few slices of 100 runs).
    expect(turns.length).toBeGreaterThanOrEqual(2);
    expect(turns.at(-1)).toBe(options.runs);
    expect(await runMonteCarloParallel(m, uncertain, { ...options })).toEqual(expected);
    expect(summariseMonteCarlo(checkpoint!)).toEqual(expected);
  });

  it('goes on past checkpoints while told to, and a complete checkpoint needs no thread', async () => {
    const seen: number[] = [];
    const outcome = await runMonteCarloResumable(m, uncertain, {
      runs: 3000,
      seed: 5,
      workers: 1,
      sliceSize: 100,
      checkpointMs: 20,
      onCheckpoint: (partial) => {
        seen.push(partial ? partial.slices[0][1] : 0);
        return true;
      },
    });
    expect(outcome.complete).toBe(true);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    const again = await runMonteCarloResumable(m, uncertain, { runs: 3000, seed: 5, workers: 1, resumeFrom: outcome.partial });
    expect(again).toEqual(outcome);
  });

  it('refuses a checkpoint of another job or with a gap', async () => {
    const part = (await runMonteCarloResumable(m, uncertain, { runs: 100, seed: 1, workers: 1 })).partial!;
    await expect(runMonteCarloResumable(m, uncertain, { runs: 200, seed: 1, workers: 1, resumeFrom: part })).rejects.toThrow(/another job/);
    const gap: MonteCarloPartial = { ...part, runs: 200, slices: [[10, 90]] };
    await expect(runMonteCarloResumable(m, uncertain, { runs: 200, seed: 1, workers: 1, resumeFrom: gap })).rejects.toThrow(/gap at run 0/);
  });
});
