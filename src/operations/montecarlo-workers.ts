// Monte Carlo on several threads (node:worker_threads): slices of runs handed out to workers, partials merged; a run
// can resume from a checkpoint and stop at one, so a long job can be computed in turns by any process.
//
// The threads are kept in a pool across jobs: starting one costs tens of milliseconds from built JavaScript and
// about a second of CPU under tsx (which compiles the TypeScript again in every thread), more than computing
// 10,000 runs of a small model. A job takes warm threads, sends each the model and scenario once, then slices;
// at its end they go back to the pool, unreferenced (they never keep the process alive), and drop the job's data.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { OrganisationModel } from '../model/organisation.js';
import type { Scenario } from '../model/scenario.js';
import { mergeMonteCarlo, summariseMonteCarlo, type MonteCarloPartial, type MonteCarloResult } from '../engine/montecarlo.js';
import { assertValid } from '../engine/simulate.js';
import { EngineAbortedError } from '../engine/validate.js';
import type { MonteCarloRequest, MonteCarloWorkerData } from './montecarlo-worker.js';

export interface ParallelMonteCarloOptions {
  runs: number;
  seed: number;
  /** Worker threads (at least 1; never more than there are slices). */
  workers: number;
  /** Called after each slice with the runs done so far (resumed ones included) and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting terminates the workers and rejects with `EngineAbortedError`. */
  signal?: AbortSignal;
  /** Runs per slice handed to a worker (default: about 16 slices per worker, at most 1000 runs). */
  sliceSize?: number;
}

export interface ResumableMonteCarloOptions extends ParallelMonteCarloOptions {
  /** Runs already computed, as a contiguous prefix [0, n) of the job (a checkpoint): they are not computed again. */
  resumeFrom?: MonteCarloPartial | null;
  /** How often `onCheckpoint` is called (ms); never before the first runs of this call are done, so every turn moves the job on. */
  checkpointMs?: number;
  /**
   * Gets the contiguous prefix of runs done so far while the workers go on. Resolving `false` stops the job
   * there: the workers are terminated (slices in flight are lost, at most one per worker) and the prefix is returned.
   */
  onCheckpoint?: (partial: MonteCarloPartial | null) => boolean | Promise<boolean>;
}

/** What a resumable run returns: the runs [0, n) done so far, merged (null: none yet), and whether they are all of the job's. */
export interface MonteCarloProgress {
  partial: MonteCarloPartial | null;
  complete: boolean;
}

/**
 * Starts a worker on the entry file beside this one. Built JavaScript runs montecarlo-worker.js
 * directly. From TypeScript sources (tsx, vitest) the worker is montecarlo-worker.ts and needs tsx's
 * loader in its own thread: on Node 20, `execArgv: ['--import', 'tsx']` does not reach worker
 * threads ("Unknown file extension .ts"), so a one-line bootstrap registers tsx's ESM hooks in the
 * worker and then imports the entry. tsx is resolved from this file, not from the working directory.
 */
function startWorker(): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./montecarlo-worker.js', self));
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./montecarlo-worker.ts', self).href;
  const bootstrap =
    `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })` +
    `.catch((error) => { console.error(error); process.exit(1); });`;
  return new Worker(bootstrap, { eval: true });
}

/** Warm threads waiting for the next job, and what removes one from the pool if it dies there. */
const idle = new Map<Worker, () => void>();
/** Idle threads kept at most (more are terminated when their job ends). */
const MAX_IDLE = Math.max(2, availableParallelism());
/** Jobs are numbered so that a thread never mixes two. */
let jobs = 0;

/** A thread from the pool, or a new one. */
function takeWorker(): Worker {
  for (const [worker, onExit] of idle) {
    idle.delete(worker);
    worker.off('exit', onExit);
    worker.off('error', onExit);
    worker.ref();
    return worker;
  }
  return startWorker();
}

/** Back to the pool (its listeners for the job removed by the caller), or terminated when the pool is full. */
function releaseWorker(worker: Worker): void {
  if (idle.size >= MAX_IDLE) {
    void worker.terminate();
    return;
  }
  const onExit = (): void => void idle.delete(worker);
  worker.on('exit', onExit);
  worker.on('error', onExit);
  worker.postMessage({ type: 'idle' } satisfies MonteCarloRequest);
  worker.unref();
  idle.set(worker, onExit);
}

/** Starts threads in the pool ahead of the first job (a server or job worker can call it at start-up). */
export function warmMonteCarloWorkers(count: number): void {
  for (let i = idle.size; i < Math.min(count, MAX_IDLE); i++) releaseWorker(startWorker());
}

/** Terminates the pool's idle threads. */
export async function closeMonteCarloWorkers(): Promise<void> {
  const workers = [...idle.keys()];
  idle.clear();
  await Promise.all(workers.map((worker) => worker.terminate()));
}

/** Idle threads in the pool (for tests and benchmarks). */
export function idleMonteCarloWorkers(): number {
  return idle.size;
}

/**
 * Monte Carlo of scenario-model §6 on `workers` threads. Run i always draws from the stream
 * (seed, i), so the result is the same as `monteCarlo(model, scenario, {runs, seed})` whatever the
 * number of workers and however the slices fall. Rejects with `EngineInputError` for invalid
 * inputs (checked here, before any thread starts) and `EngineAbortedError` when aborted.
 */
export async function runMonteCarloParallel(model: OrganisationModel, scenario: Scenario, options: ParallelMonteCarloOptions): Promise<MonteCarloResult> {
  // Without a checkpoint hook the run goes to the end: the partial covers every run.
  return summariseMonteCarlo((await runMonteCarloResumable(model, scenario, options)).partial!);
}

/** The end of a contiguous prefix [0, n) of runs, or a RangeError when the slices leave a gap. */
function prefixEnd(partial: MonteCarloPartial): number {
  let end = 0;
  for (const [first, count] of [...partial.slices].sort((x, y) => x[0] - y[0])) {
    if (first !== end) throw new RangeError(`the checkpoint is not a prefix of the runs: it has a gap at run ${end}`);
    end += count;
  }
  return end;
}

/**
 * `runMonteCarloParallel` that can start from a checkpoint and stop at one: the job runner computes a long job in
 * turns (each ends at a checkpoint) and another process may finish it. The merged result of all the turns equals
 * the uninterrupted run's, because run i depends only on (seed, i).
 */
export async function runMonteCarloResumable(model: OrganisationModel, scenario: Scenario, options: ResumableMonteCarloOptions): Promise<MonteCarloProgress> {
  const { runs, seed, signal } = options;
  if (!Number.isSafeInteger(runs) || runs < 1) throw new RangeError(`runs must be a positive integer, got ${runs}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`workers must be a positive integer, got ${options.workers}`);
  const resumed = options.resumeFrom ?? undefined;
  if (resumed && (resumed.runs !== runs || resumed.seed !== seed)) throw new RangeError('the checkpoint belongs to another job (runs or seed differ)');
  const start = resumed ? prefixEnd(resumed) : 0;
  assertValid(model, [scenario]);
  if (signal?.aborted) throw new EngineAbortedError();

  // The contiguous prefix of runs done: slices finish out of order and wait in `waiting` until the gap before them fills.
  let prefix: MonteCarloPartial | undefined = resumed && start > 0 ? resumed : undefined;
  let covered = start;
  const waiting = new Map<number, MonteCarloPartial>();
  const snapshot = (): MonteCarloPartial | null => prefix ?? null;
  if (covered === runs) return { partial: snapshot(), complete: true };

  const remaining = runs - start;
  const workerCount = Math.min(options.workers, remaining);
  const sliceSize = options.sliceSize ?? Math.max(1, Math.min(1000, Math.ceil(runs / (workerCount * 16))));
  const slices: Array<[number, number]> = [];
  for (let first = start; first < runs; first += sliceSize) slices.push([first, Math.min(sliceSize, runs - first)]);

  const data: MonteCarloWorkerData = { model, scenario, runs, seed };
  const job = ++jobs;
  /** Threads of this job, with their listeners and whether a slice is in flight. */
  const workers = new Map<Worker, { busy: boolean; off: () => void }>();
  let next = 0;
  let done = start;
  let timer: NodeJS.Timeout | undefined;
  // The caller's checkpoint write in progress: returning before it ends would let it land after the caller's next write.
  let checkpointing: Promise<unknown> | undefined;

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
      const checkpoint = (): void => {
        if (settled) return;
        timer = setTimeout(() => {
          if (settled) return;
          // A turn shorter than starting the threads must still move the job on: no checkpoint before its first runs.
          if (covered === start) return checkpoint();
          checkpointing = Promise.resolve(options.onCheckpoint!(snapshot())).then(
            (goOn) => (goOn ? checkpoint() : finish()),
            (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
          );
        }, options.checkpointMs ?? 5000);
        timer.unref();
      };
      if (options.onCheckpoint) checkpoint();
      const feed = (worker: Worker): void => {
        const state = workers.get(worker)!;
        if (next < slices.length) {
          const [firstRun, runCount] = slices[next++];
          state.busy = true;
          worker.postMessage({ type: 'slice', job, firstRun, runCount } satisfies MonteCarloRequest);
        } else {
          // Nothing left for it: back to the pool now.
          state.off();
          workers.delete(worker);
          releaseWorker(worker);
        }
      };
      for (let w = 0; w < workerCount; w++) {
        const worker = takeWorker();
        const onMessage = (message: { type: 'partial'; job: number; partial: MonteCarloPartial } | { type: 'error'; job: number; message: string }): void => {
          if (settled || message.job !== job) return;
          workers.get(worker)!.busy = false;
          if (message.type === 'error') return fail(new Error(`Monte Carlo worker failed: ${message.message}`));
          const partial = message.partial;
          waiting.set(partial.slices[0][0], partial);
          for (let ready = waiting.get(covered); ready; ready = waiting.get(covered)) {
            waiting.delete(covered);
            covered += ready.slices[0][1];
            // The prefix is contiguous from run 0: one slice says so, and keeps a checkpoint small.
            prefix = { ...(prefix ? mergeMonteCarlo([prefix, ready]) : ready), slices: [[0, covered]] };
          }
          done += partial.slices.reduce((sum, [, count]) => sum + count, 0);
          options.onProgress?.(done, runs);
          if (covered === runs) finish();
          else feed(worker);
        };
        const onError = (error: Error): void => {
          workers.get(worker)!.busy = true; // dying: terminated, not pooled
          fail(error);
        };
        const onExit = (code: number): void => {
          workers.delete(worker);
          fail(new Error(`Monte Carlo worker exited with code ${code}`));
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        const off = (): void => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        workers.set(worker, { busy: false, off });
        worker.postMessage({ type: 'job', job, ...data } satisfies MonteCarloRequest);
        feed(worker);
      }
    });
  } finally {
    clearTimeout(timer);
    // Threads with a slice in flight (an abort, an error, a stop at a checkpoint) are terminated; the others go back to the pool.
    const busy: Worker[] = [];
    for (const [worker, state] of workers) {
      state.off();
      if (state.busy) busy.push(worker);
      else releaseWorker(worker);
    }
    workers.clear();
    await Promise.all(busy.map((worker) => worker.terminate()));
    await checkpointing;
  }
  return { partial: snapshot(), complete: covered === runs };
}
