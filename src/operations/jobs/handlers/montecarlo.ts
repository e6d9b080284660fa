// Monte Carlo of a scenario on worker threads, in turns: each turn ends with a checkpoint (the runs so far), where
// the job gives way to another organisation's and any process may resume it.
import { summariseMonteCarlo, type MonteCarloPartial } from '../../../engine/montecarlo.js';
import { runMonteCarloResumable } from '../../montecarlo-workers.js';
import { handBack, type JobHandler } from '../handler.js';
import { finished, progressWriter, refusal, runOutcomes, startRun, type RunPayload } from './run-record.js';

/** What a turn keeps: the runs so far, and the model version they were computed on. */
interface Checkpoint {
  modelVersion: number;
  partial: MonteCarloPartial | null;
}

export const monteCarloJob: JobHandler<RunPayload> = {
  kind: 'runs.montecarlo',
  maxAttempts: 3,
  backoff: { baseMs: 2_000, maxMs: 60_000 },
  ...runOutcomes,
  async run(job) {
    const saved = job.state as Checkpoint | null;
    const started = await startRun(job);
    if (!started) return;
    const { input, model, modelVersion } = started;
    // Runs computed on another version of the model cannot be merged with runs on this one: start again.
    const resumeFrom = saved && saved.modelVersion === modelVersion ? saved.partial : null;
    if (saved?.partial && !resumeFrom) await startRun(job, true);
    const progress = progressWriter(job);
    let outcome;
    try {
      outcome = await runMonteCarloResumable(model, input.scenarios[0], {
        runs: input.params.runs ?? 1000,
        seed: input.params.seed ?? 1,
        workers: job.workers,
        signal: job.signal,
        resumeFrom,
        checkpointMs: job.turnMs,
        onProgress: (doneRuns, total) => progress.report(doneRuns / total),
        onCheckpoint: (partial) => job.endOfTurn({ modelVersion, partial } satisfies Checkpoint),
      });
    } catch (error) {
      await progress.settled();
      return refusal(error, job);
    }
    await progress.settled();
    if (!outcome.complete) return handBack({ modelVersion, partial: outcome.partial } satisfies Checkpoint);
    return finished(job, summariseMonteCarlo(outcome.partial!));
  },
};
