// Baseline for the benchmarks only: montecarlo-worker.ts as of commit 4b66542 (before issue 18), imports adjusted. Not used by the application.
// Worker thread of runMonteCarloParallel: keeps one validated MonteCarloSession and computes the run slices it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import type { OrganisationModel } from '../../../src/model/organisation.js';
import type { Scenario } from '../../../src/model/scenario.js';
import { MonteCarloSession } from '../engine/montecarlo.js';

/** What the parent passes at start-up. */
export interface MonteCarloWorkerData {
  model: OrganisationModel;
  scenario: Scenario;
  runs: number;
  seed: number;
}

/** Parent → worker: compute this slice (or stop). */
export type MonteCarloRequest = { type: 'slice'; firstRun: number; runCount: number } | { type: 'stop' };

const port = parentPort;
if (port) {
  const data = workerData as MonteCarloWorkerData;
  // The parent validated the inputs already.
  const session = new MonteCarloSession(data.model, data.scenario, { validated: true });
  port.on('message', (request: MonteCarloRequest) => {
    if (request.type === 'stop') {
      port.close();
      return;
    }
    try {
      const partial = session.run({ runs: data.runs, seed: data.seed, firstRun: request.firstRun, runCount: request.runCount });
      port.postMessage({ type: 'partial', partial });
    } catch (error) {
      port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  });
}
