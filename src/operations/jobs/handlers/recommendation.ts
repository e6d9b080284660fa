// Strategy recommendation (the cheapest set of strategies that keeps every activity within its MTPD) on a worker
// thread: never on the event loop that serves HTTP. One turn: its search is bounded by 64 candidates.
import { recommendInWorker } from '../../recommend-workers.js';
import type { JobHandler } from '../handler.js';
import { finished, progressWriter, refusal, runOutcomes, startRun, type RunPayload } from './run-record.js';

export const recommendationJob: JobHandler<RunPayload> = {
  kind: 'runs.recommendation',
  maxAttempts: 3,
  backoff: { baseMs: 2_000, maxMs: 60_000 },
  ...runOutcomes,
  async run(job) {
    const started = await startRun(job);
    if (!started) return;
    const { input, model } = started;
    const progress = progressWriter(job);
    let result;
    try {
      result = await recommendInWorker(model, input.scenarios, {
        candidates: input.params.candidates ?? undefined,
        signal: job.signal,
        onProgress: (evaluated, total) => progress.report(total > 0 ? evaluated / total : 0),
      });
    } catch (error) {
      await progress.settled();
      return refusal(error, job);
    }
    await progress.settled();
    return finished(job, result);
  },
};
