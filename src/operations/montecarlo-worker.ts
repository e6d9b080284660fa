// Worker thread of runMonteCarloParallel, kept in a pool across jobs: for each job it is sent the (validated) model
// and scenario once, keeps one MonteCarloSession (the model compiled once, buffers reused), and computes the run
// slices it is sent until the next job.
import { parentPort } from 'node:worker_threads';
import type { OrganisationModel } from '../model/organisation.js';
import type { Scenario } from '../model/scenario.js';
import { MonteCarloSession } from '../engine/montecarlo.js';

/** A job: what every slice of it needs. */
export interface MonteCarloWorkerData {
  model: OrganisationModel;
  scenario: Scenario;
  runs: number;
  seed: number;
}

/** Parent → worker: start a job (its inputs, once), compute a slice of the current job, drop the job (back in the pool), or stop the thread. */
export type MonteCarloRequest =
  | ({ type: 'job'; job: number } & MonteCarloWorkerData)
  | { type: 'slice'; job: number; firstRun: number; runCount: number }
  | { type: 'idle' }
  | { type: 'stop' };

const port = parentPort;
if (port) {
  let current: { job: number; data: MonteCarloWorkerData; session: MonteCarloSession | null; failure: string | null } | null = null;
  port.on('message', (request: MonteCarloRequest) => {
    if (request.type === 'stop') {
      port.close();
      return;
    }
    if (request.type === 'idle') {
      current = null; // an idle thread keeps no model in memory
      return;
    }
    if (request.type === 'job') {
      const { model, scenario, runs, seed } = request;
      current = { job: request.job, data: { model, scenario, runs, seed }, session: null, failure: null };
      try {
        // The parent validated the inputs already.
        current.session = new MonteCarloSession(model, scenario, { validated: true });
      } catch (error) {
        current.failure = error instanceof Error ? error.message : String(error);
      }
      return;
    }
    try {
      if (current === null || current.job !== request.job) throw new Error(`slice of job ${request.job} before the job`);
      if (current.session === null) throw new Error(current.failure ?? 'no session');
      const { runs, seed } = current.data;
      const partial = current.session.run({ runs, seed, firstRun: request.firstRun, runCount: request.runCount });
      port.postMessage({ type: 'partial', job: request.job, partial });
    } catch (error) {
      port.postMessage({ type: 'error', job: request.job, message: error instanceof Error ? error.message : String(error) });
    }
  });
}
