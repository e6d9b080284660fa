// Strategy recommendation on a worker thread (node:worker_threads): a search of up to 2^16 sets never holds the
// server's event loop, and aborting it terminates the thread.
import { Worker } from 'node:worker_threads';
import type { Recommendation } from '../engine/recommend.js';
import { EngineAbortedError, EngineInputError } from '../engine/validate.js';
import type { OrganisationModel } from '../model/organisation.js';
import type { Scenario } from '../model/scenario.js';
import type { RecommendWorkerData, RecommendWorkerMessage } from './recommend-worker.js';

/** Starts the worker entry beside this file, as montecarlo-workers.ts does (tsx's loader registered in the thread when run from sources). */
function startWorker(workerData: RecommendWorkerData): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./recommend-worker.js', self), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./recommend-worker.ts', self).href;
  const bootstrap =
    `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })` +
    `.catch((error) => { console.error(error); process.exit(1); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

export interface RecommendInWorkerOptions {
  candidates?: string[];
  onProgress?: (evaluated: number, total: number) => void;
  /** Aborting terminates the thread and rejects with `EngineAbortedError`. */
  signal?: AbortSignal;
}

/** `recommend(model, scenarios, {candidates})` on a thread of its own; rejects with `EngineInputError` as it would. */
export async function recommendInWorker(model: OrganisationModel, scenarios: Scenario[], options: RecommendInWorkerOptions = {}): Promise<Recommendation> {
  if (options.signal?.aborted) throw new EngineAbortedError();
  const worker = startWorker({ model, scenarios, candidates: options.candidates });
  try {
    return await new Promise<Recommendation>((resolve, reject) => {
      const onAbort = (): void => reject(new EngineAbortedError());
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => options.signal?.removeEventListener('abort', onAbort);
      worker.on('message', (message: RecommendWorkerMessage) => {
        if (message.type === 'progress') return options.onProgress?.(message.evaluated, message.total);
        settle();
        if (message.type === 'done') resolve(message.result as Recommendation);
        else if (message.type === 'invalid') reject(new EngineInputError(message.problems as never));
        else reject(new Error(`recommendation worker failed: ${message.message}`));
      });
      worker.on('error', (error) => {
        settle();
        reject(error);
      });
      worker.on('exit', (code) => {
        settle();
        if (code !== 0) reject(new Error(`recommendation worker exited with code ${code}`));
      });
    });
  } finally {
    await worker.terminate();
  }
}
