// Baseline for the benchmarks only: montecarlo-workers.ts as of commit 4b66542 (before issue 18), imports adjusted. Not used by the application.
// Monte Carlo on several threads (node:worker_threads): slices of runs handed out to workers, partials merged.
import { Worker } from 'node:worker_threads';
import type { OrganisationModel } from '../../../src/model/organisation.js';
import type { Scenario } from '../../../src/model/scenario.js';
import { mergeMonteCarlo, summariseMonteCarlo, type MonteCarloPartial, type MonteCarloResult } from '../engine/montecarlo.js';
import { assertValid } from '../engine/simulate.js';
import { EngineAbortedError } from '../../../src/engine/validate.js';
import type { MonteCarloRequest, MonteCarloWorkerData } from './montecarlo-worker.js';

export interface ParallelMonteCarloOptions {
  runs: number;
  seed: number;
  /** Worker threads (at least 1; never more than there are slices). */
  workers: number;
  /** Called after each slice with the runs done so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting terminates the workers and rejects with `EngineAbortedError`. */
  signal?: AbortSignal;
  /** Runs per slice handed to a worker (default: about 16 slices per worker, at most 1000 runs). */
  sliceSize?: number;
}

/**
 * Starts a worker on the entry file beside this one. Built JavaScript runs montecarlo-worker.js
 * directly. From TypeScript sources (tsx, vitest) the worker is montecarlo-worker.ts and needs tsx's
 * loader in its own thread: on Node 20, `execArgv: ['--import', 'tsx']` does not reach worker
 * threads ("Unknown file extension .ts"), so a one-line bootstrap registers tsx's ESM hooks in the
 * worker and then imports the entry. tsx is resolved from this file, not from the working directory.
 */
function startWorker(workerData: MonteCarloWorkerData): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./montecarlo-worker.js', self), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./montecarlo-worker.ts', self).href;
  const bootstrap =
    `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })` +
    `.catch((error) => { console.error(error); process.exit(1); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * Monte Carlo of scenario-model §6 on `workers` threads. Run i always draws from the stream
 * (seed, i), so the result is the same as `monteCarlo(model, scenario, {runs, seed})` whatever the
 * number of workers and however the slices fall. Rejects with `EngineInputError` for invalid
 * inputs (checked here, before any thread starts) and `EngineAbortedError` when aborted.
 */
export async function runMonteCarloParallel(model: OrganisationModel, scenario: Scenario, options: ParallelMonteCarloOptions): Promise<MonteCarloResult> {
  const { runs, seed, signal } = options;
  if (!Number.isSafeInteger(runs) || runs < 1) throw new RangeError(`runs must be a positive integer, got ${runs}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`workers must be a positive integer, got ${options.workers}`);
  assertValid(model, [scenario]);
  if (signal?.aborted) throw new EngineAbortedError();

  const workerCount = Math.min(options.workers, runs);
  const sliceSize = options.sliceSize ?? Math.max(1, Math.min(1000, Math.ceil(runs / (workerCount * 16))));
  const slices: Array<[number, number]> = [];
  for (let first = 0; first < runs; first += sliceSize) slices.push([first, Math.min(sliceSize, runs - first)]);

  const data: MonteCarloWorkerData = { model, scenario, runs, seed };
  const workers: Worker[] = [];
  const partials: MonteCarloPartial[] = [];
  let next = 0;
  let done = 0;

  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      const onAbort = (): void => fail(new EngineAbortedError());
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (): void => {
        signal?.removeEventListener('abort', onAbort);
        if (settled) return;
        settled = true;
        resolve();
      };
      const feed = (worker: Worker): void => {
        if (next < slices.length) {
          const [firstRun, runCount] = slices[next++];
          worker.postMessage({ type: 'slice', firstRun, runCount } satisfies MonteCarloRequest);
        } else worker.postMessage({ type: 'stop' } satisfies MonteCarloRequest);
      };
      for (let w = 0; w < workerCount; w++) {
        const worker = startWorker(data);
        workers.push(worker);
        worker.on('message', (message: { type: 'partial'; partial: MonteCarloPartial } | { type: 'error'; message: string }) => {
          if (settled) return;
          if (message.type === 'error') return fail(new Error(`Monte Carlo worker failed: ${message.message}`));
          partials.push(message.partial);
          done += message.partial.slices.reduce((sum, [, count]) => sum + count, 0);
          options.onProgress?.(done, runs);
          if (done === runs) finish();
          else feed(worker);
        });
        worker.on('error', (error) => fail(error));
        worker.on('exit', (code) => {
          if (code !== 0) fail(new Error(`Monte Carlo worker exited with code ${code}`));
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return summariseMonteCarlo(mergeMonteCarlo(partials));
}
