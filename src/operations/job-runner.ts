// Runs queued Monte Carlo and recommendation jobs. Jobs are rows: any server process may claim one
// (FOR UPDATE SKIP LOCKED), a job whose process died is claimed again, and cancellation is a flag.
import { availableParallelism } from 'node:os';
import { sql, type Kysely } from 'kysely';
import { recommendSteps } from '../engine/recommend.js';
import { EngineAbortedError, EngineInputError } from '../engine/validate.js';
import type { Scenario } from '../model/scenario.js';
import type { Database } from '../store/schema.js';
import { exportModel } from './model-writer.js';
import { runMonteCarloParallel } from './montecarlo-workers.js';
import { ModelRepository } from '../store/model-repository.js';

export interface JobRunnerOptions {
  /** Worker threads for a Monte Carlo job (default: the machine's cores). */
  workers?: number;
  /** How often an idle runner looks for work (ms). */
  pollMs?: number;
  /** A running job whose heartbeat is older than this is presumed orphaned and claimed again (s). */
  staleAfterSeconds?: number;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

interface ClaimedJob {
  org_id: string;
  id: string;
  kind: 'simulation' | 'montecarlo' | 'recommendation';
  input: unknown;
}

/** Time slice a recommendation computes before yielding the event loop to HTTP requests. */
const SLICE_MS = 40;

export class JobRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly workers: number;
  private readonly pollMs: number;
  private readonly staleAfterSeconds: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: JobRunnerOptions = {},
  ) {
    this.workers = options.workers ?? Math.max(1, availableParallelism());
    this.pollMs = options.pollMs ?? 500;
    this.staleAfterSeconds = options.staleAfterSeconds ?? 60;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Claims and runs jobs until none is left; returns how many ran (tests call it directly). */
  async drain(): Promise<number> {
    let count = 0;
    for (;;) {
      const job = await this.claim();
      if (!job) return count;
      await this.execute(job);
      count++;
    }
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.drain()
        .then(() => undefined)
        .catch((error: unknown) => this.options.log?.('job runner error', { error: String(error) }))
        .finally(() => this.schedule(this.pollMs));
    }, delay);
    this.timer.unref();
  }

  private async claim(): Promise<ClaimedJob | undefined> {
    const result = await sql<ClaimedJob>`
      update scenario_runs set status = 'running', started_at = coalesce(started_at, now()), heartbeat_at = now(), progress = 0
      where (org_id, id) = (
        select org_id, id from scenario_runs
        where status = 'queued'
           or (status = 'running' and heartbeat_at < now() - make_interval(secs => ${this.staleAfterSeconds}))
        order by created_at
        limit 1
        for update skip locked)
      returning org_id, id, kind, input`.execute(this.db);
    return result.rows[0];
  }

  private async execute(job: ClaimedJob): Promise<void> {
    const input = job.input as { scenarios: Scenario[]; params: { runs?: number; seed?: number; candidates?: string[] | null } };
    let cancelRequested = false;
    let lastBeat = 0;
    const abort = new AbortController();
    // Progress and heartbeat at most every 250 ms; the same round trip reads the cancellation flag.
    const beat = async (progress: number, force = false) => {
      const now = Date.now();
      if (!force && now - lastBeat < 250) return;
      lastBeat = now;
      const row = await this.db
        .updateTable('scenario_runs')
        .set({ progress, heartbeat_at: sql`now()` })
        .where('org_id', '=', job.org_id)
        .where('id', '=', job.id)
        .returning('cancel_requested')
        .executeTakeFirst();
      if (row?.cancel_requested) {
        cancelRequested = true;
        abort.abort();
      }
    };

    try {
      const org = await new ModelRepository(this.db).getOrganisation(job.org_id);
      const model = await exportModel(this.db, job.org_id);
      await this.db
        .updateTable('scenario_runs')
        .set({ model_version: org!.modelVersion })
        .where('org_id', '=', job.org_id)
        .where('id', '=', job.id)
        .execute();
      let result: unknown;
      if (job.kind === 'montecarlo') {
        const pending: Array<Promise<void>> = [];
        result = await runMonteCarloParallel(model, input.scenarios[0], {
          runs: input.params.runs ?? 1000,
          seed: input.params.seed ?? 1,
          workers: this.workers,
          signal: abort.signal,
          onProgress: (done, total) => {
            pending.push(beat(done / total));
          },
        });
        await Promise.all(pending);
      } else {
        const steps = recommendSteps(model, input.scenarios, {
          candidates: input.params.candidates ?? undefined,
          shouldAbort: () => cancelRequested,
        });
        let step = steps.next();
        while (!step.done) {
          const sliceEnd = performance.now() + SLICE_MS;
          while (!step.done && performance.now() < sliceEnd) step = steps.next();
          if (!step.done) {
            await beat(step.value.total > 0 ? step.value.evaluated / step.value.total : 0);
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
        result = step.value;
      }
      await this.finish(job, 'done', { result });
    } catch (error) {
      if (error instanceof EngineAbortedError || cancelRequested) await this.finish(job, 'cancelled', {});
      else if (error instanceof EngineInputError)
        await this.finish(job, 'failed', { error: { code: 'model_invalid', message: error.message, details: error.problems } });
      else {
        this.options.log?.('job failed', { job: job.id, error: String(error) });
        await this.finish(job, 'failed', { error: { code: 'internal', message: 'The run failed unexpectedly; it has been logged.', details: [] } });
      }
    }
  }

  private async finish(job: ClaimedJob, status: 'done' | 'failed' | 'cancelled', outcome: { result?: unknown; error?: unknown }): Promise<void> {
    await this.db
      .updateTable('scenario_runs')
      .set({
        status,
        finished_at: sql`now()`,
        ...(status === 'done' ? { progress: 1 } : {}),
        result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
        error: outcome.error === undefined ? null : JSON.stringify(outcome.error),
      })
      .where('org_id', '=', job.org_id)
      .where('id', '=', job.id)
      .execute();
  }
}
