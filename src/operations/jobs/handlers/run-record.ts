// The run a Monte Carlo or recommendation job computes: its row in scenario_runs stays the user-visible record
// (its trigger publishes the live events), written only through the job's fenced writes.
import { sql, type Transaction, type UpdateObject } from 'kysely';
import { EngineInputError } from '../../../engine/validate.js';
import type { Scenario } from '../../../model/scenario.js';
import type { Database } from '../../../store/schema.js';
import { ModelRepository } from '../../../store/model-repository.js';
import { exportModel } from '../../model-writer.js';
import { done, type JobContext, type JobHandler, type JobOutcome } from '../handler.js';

/** A run's job has the run's id; the payload names it again for whoever reads the dead letters. */
export interface RunPayload {
  run: string;
}

export interface RunInput {
  scenarios: Scenario[];
  params: { runs?: number; seed?: number; candidates?: string[] | null };
}

/** Writes the job's run, stamped with the claim that wrote it. */
export function writeRun(trx: Transaction<Database>, job: { org: string | null; id: string }, set: UpdateObject<Database, 'scenario_runs'>) {
  return trx.updateTable('scenario_runs').set(set).where('org_id', '=', job.org!).where('id', '=', job.id).execute();
}

/** The run, the model it is computed on, and its version; the run marked running (by this claim). */
export async function startRun(job: JobContext<RunPayload>, restart = false) {
  const row = await job.db.selectFrom('scenario_runs').select(['status', 'input']).where('org_id', '=', job.org!).where('id', '=', job.id).executeTakeFirst();
  const org = await new ModelRepository(job.db).getOrganisation(job.org!);
  // The organisation or its run is gone (deleted with it): nothing is left to compute.
  if (!row || !org) return undefined;
  const model = await exportModel(job.db, job.org!);
  await job.fenced((trx) =>
    writeRun(trx, job, {
      status: 'running',
      attempt: job.attempt,
      model_version: org.modelVersion,
      started_at: sql`coalesce(started_at, now())`,
      ...(restart ? { progress: 0 } : {}),
    }),
  );
  return { input: row.input as RunInput, model, modelVersion: org.modelVersion };
}

/** Progress writes at most every 250 ms; each is fenced. Progress never goes back (a resumed turn recounts its runs). */
export function progressWriter(job: JobContext<RunPayload>) {
  const pending: Array<Promise<unknown>> = [];
  let last = 0;
  return {
    report(fraction: number): void {
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      pending.push(
        job
          .fenced((trx) => writeRun(trx, job, { progress: sql`greatest(progress, ${fraction}::double precision)`, attempt: job.attempt }))
          .catch(() => undefined),
      );
    },
    settled: () => Promise.all(pending),
  };
}

/** The engine refused the model or the scenario: the run failed for the user, the job itself is done (no retry helps). */
export function refusal(error: unknown, job: JobContext<RunPayload>): JobOutcome {
  if (!(error instanceof EngineInputError)) throw error;
  return done((trx) =>
    writeRun(trx, job, {
      status: 'failed',
      attempt: job.attempt,
      finished_at: sql`now()`,
      error: JSON.stringify({ code: 'model_invalid', message: error.message, details: error.problems }),
    }).then(() => undefined),
  );
}

export function finished(job: JobContext<RunPayload>, result: unknown): JobOutcome {
  return done((trx) =>
    writeRun(trx, job, { status: 'done', attempt: job.attempt, progress: 1, finished_at: sql`now()`, result: JSON.stringify(result), error: null }).then(
      () => undefined,
    ),
  );
}

/** What both run kinds do when cancelled, dead or retried. */
export const runOutcomes: Pick<JobHandler<RunPayload>, 'onCancelled' | 'onDead' | 'onRetried'> = {
  async onCancelled(trx, job) {
    await trx
      .updateTable('scenario_runs')
      .set({ status: 'cancelled', finished_at: sql`now()` })
      .where('org_id', '=', job.org!)
      .where('id', '=', job.id)
      .where('status', 'in', ['queued', 'running'])
      .execute();
  },
  async onDead(trx, job) {
    // The cause is in the dead letter, for administrators; the user is told it failed, not why inside the server.
    await writeRun(trx, job, {
      status: 'failed',
      finished_at: sql`now()`,
      error: JSON.stringify({
        code: 'internal',
        message: 'The run failed unexpectedly, several times; an administrator can see why and retry it.',
        details: [],
      }),
    });
  },
  async onRetried(trx, job) {
    await writeRun(trx, job, { status: 'queued', finished_at: null, error: null });
  },
};
