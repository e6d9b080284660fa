// Worker thread of recommendInWorker: searches the strategy sets off the server's event loop, posting its progress.
import { parentPort, workerData } from 'node:worker_threads';
import { recommend } from '../engine/recommend.js';
import { EngineInputError } from '../engine/validate.js';
import type { OrganisationModel } from '../model/organisation.js';
import type { Scenario } from '../model/scenario.js';

/** What the parent passes at start-up. */
export interface RecommendWorkerData {
  model: OrganisationModel;
  scenarios: Scenario[];
  candidates?: string[];
}

/** Worker → parent. */
export type RecommendWorkerMessage =
  | { type: 'progress'; evaluated: number; total: number }
  | { type: 'done'; result: unknown }
  | { type: 'invalid'; message: string; problems: unknown }
  | { type: 'error'; message: string };

const port = parentPort;
if (port) {
  const data = workerData as RecommendWorkerData;
  let last = 0;
  try {
    const result = recommend(data.model, data.scenarios, {
      candidates: data.candidates,
      // A message per evaluated set would flood the parent: a few a second are enough for a progress bar.
      onProgress: ({ evaluated, total }) => {
        const now = Date.now();
        if (now - last < 100) return;
        last = now;
        port.postMessage({ type: 'progress', evaluated, total } satisfies RecommendWorkerMessage);
      },
    });
    port.postMessage({ type: 'done', result } satisfies RecommendWorkerMessage);
  } catch (error) {
    if (error instanceof EngineInputError)
      port.postMessage({ type: 'invalid', message: error.message, problems: error.problems } satisfies RecommendWorkerMessage);
    else port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies RecommendWorkerMessage);
  }
}
