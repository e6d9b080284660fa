// Runs queued Monte Carlo and recommendation jobs. Jobs are rows: any server process may claim one
// (FOR UPDATE SKIP LOCKED), a job whose process died is claimed again, and cancellation is a flag.
//
// Fairness. Every organisation shares one queue, so a claim does not take the oldest job: it takes the oldest
// job of the organisation served least recently (the organisation whose latest claim is oldest, one never served
// first). A Monte Carlo job runs in turns of `turnSeconds`: at the end of each turn it writes a checkpoint (its
// runs so far, merged) and, when a job of another organisation is waiting, hands its job back (still `running`,
// held by no process) and claims again, which now picks the waiting organisation; the job resumes from its
// checkpoint at its next turn, in this process or another. So however many jobs one organisation queues, another
// organisation's job waits at most one turn for a runner (the first busy runner to reach the end of its turn
// takes it). Recommendations are not cut into turns (their search keeps state that is not worth storing): each
// is one turn, bounded by its 64 candidates. How many jobs an organisation may have queued or running at once,
// and how many runs a Monte Carlo job may ask for, are limited where jobs are queued (`enqueueRun`, the route).
//
// Fencing. A process paused longer than `staleAfterSeconds` (SIGSTOP, a VM frozen, a long GC) looks dead, and
// another process claims its job. Every claim increments the row's `attempt`, and the claim keeps that number
// as its token: each later write (heartbeat, progress, checkpoint, hand-back, finish) applies only while the row
// still carries it. When such a write touches no row the job belongs to someone else: the worker aborts its
// computation (terminating its Monte Carlo threads) and writes nothing more.
import { availableParallelism } from 'node:os';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { summariseMonteCarlo, type MonteCarloPartial } from '../engine/montecarlo.js';
import { recommendSteps } from '../engine/recommend.js';
import { EngineAbortedError, EngineInputError } from '../engine/validate.js';
import type { Scenario } from '../model/scenario.js';
import type { Database } from '../store/schema.js';
import { exportModel } from './model-writer.js';
import { runMonteCarloResumable } from './montecarlo-workers.js';
import { ModelRepository } from '../store/model-repository.js';

export interface JobRunnerOptions {
  /** Worker threads for a Monte Carlo job (default: the machine's cores). */
  workers?: number;
  /** How often an idle runner looks for work (ms). */
  pollMs?: number;
  /** A running job whose heartbeat is older than this is presumed orphaned and claimed again (s, default 60). */
  staleAfterSeconds?: number;
  /** Longest a Monte Carlo job computes between checkpoints, where it gives way to another organisation's job (s, default 5). */
  turnSeconds?: number;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

export const JOB_RUNNER_DEFAULTS = Object.freeze({ staleAfterSeconds: 60, turnSeconds: 5 });

interface ClaimedJob {
  org_id: string;
  id: string;
  kind: 'simulation' | 'montecarlo' | 'recommendation';
  input: unknown;
  /** The fencing token: this claim's attempt number. */
  attempt: number;
  checkpoint: MonteCarloPartial | null;
  cancel_requested: boolean;
  /** The model version the job's checkpoint was computed on. */
  model_version: number;
}

/** Time a recommendation computes before yielding the event loop to HTTP requests. */
const EVENT_LOOP_SLICE_MS = 40;
/** Heartbeats (which carry progress and read the cancellation flag) at most this often. */
const BEAT_MS = 250;

export class JobRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Jobs this runner is computing: stopping aborts them, and they are handed back for any process to resume. */
  private readonly active = new Set<AbortController>();
  private readonly workers: number;
  private readonly pollMs: number;
  private readonly staleAfterSeconds: number;
  private readonly turnSeconds: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: JobRunnerOptions = {},
  ) {
    this.workers = options.workers ?? Math.max(1, availableParallelism());
    this.pollMs = options.pollMs ?? 500;
    this.staleAfterSeconds = options.staleAfterSeconds ?? JOB_RUNNER_DEFAULTS.staleAfterSeconds;
    this.turnSeconds = options.turnSeconds ?? JOB_RUNNER_DEFAULTS.turnSeconds;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops claiming; a job being computed is aborted and handed back (from its last checkpoint) for any process. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const controller of this.active) controller.abort();
    await this.running;
  }

  /** Claims and runs jobs (one turn each) until none is left; returns how many turns ran (tests call it directly). */
  async drain(): Promise<number> {
    let count = 0;
    while (!this.stopped) {
      const job = await this.claim();
      if (!job) return count;
      await this.execute(job);
      count++;
    }
    return count;
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

  /** Rows a runner may claim: queued, handed back between turns (no heartbeat), or held by a process gone silent. */
  private claimable(alias: string): RawBuilder<boolean> {
    const column = (name: string) => sql.ref(`${alias}.${name}`);
    return sql<boolean>`(${column('status')} = 'queued' or (${column('status')} = 'running' and (${column('heartbeat_at')} is null or ${column('heartbeat_at')} < now() - make_interval(secs => ${this.staleAfterSeconds}))))`;
  }

  private async claim(): Promise<ClaimedJob | undefined> {
    const result = await sql<ClaimedJob>`
      update scenario_runs
      set status = 'running', attempt = attempt + 1, claimed_at = now(), heartbeat_at = now(), started_at = coalesce(started_at, now())
      where (org_id, id) = (
        select r.org_id, r.id from scenario_runs r
        where ${this.claimable('r')}
        order by (select max(s.claimed_at) from scenario_runs s where s.org_id = r.org_id) asc nulls first, r.created_at, r.id
        limit 1
        for update of r skip locked)
      returning org_id, id, kind, input, attempt, checkpoint, cancel_requested, model_version`.execute(this.db);
    return result.rows[0];
  }

  /** An update of the job that applies only while this claim still holds it (same attempt, still running). */
  private fenced(job: ClaimedJob) {
    return this.db
      .updateTable('scenario_runs')
      .where('org_id', '=', job.org_id)
      .where('id', '=', job.id)
      .where('attempt', '=', job.attempt)
      .where('status', '=', 'running');
  }

  private async execute(job: ClaimedJob): Promise<void> {
    const input = job.input as { scenarios: Scenario[]; params: { runs?: number; seed?: number; candidates?: string[] | null } };
    let cancelRequested = job.cancel_requested;
    let lost = false;
    let lastBeat = 0;
    let lastProgress = 0;
    const abort = new AbortController();
    const lose = (): void => {
      if (lost) return;
      lost = true;
      abort.abort();
      this.options.log?.('job claimed by another process: this one stops and writes nothing more', { job: job.id, attempt: job.attempt });
    };
    const readFlags = (row: { cancel_requested: boolean } | undefined): boolean => {
      if (!row) {
        lose();
        return false;
      }
      if (row.cancel_requested) {
        cancelRequested = true;
        abort.abort();
      }
      return !abort.signal.aborted;
    };
    // Progress never goes back (unless the job starts again on a changed model): a job resumed from its checkpoint
    // recomputes the runs its previous holder did after it.
    const beat = async (progress: number, force = false): Promise<void> => {
      lastProgress = progress;
      const now = Date.now();
      if (lost || (!force && now - lastBeat < BEAT_MS)) return;
      lastBeat = now;
      readFlags(
        await this.fenced(job)
          .set({ progress: sql`greatest(progress, ${progress}::double precision)`, heartbeat_at: sql`now()` })
          .returning('cancel_requested')
          .executeTakeFirst(),
      );
    };

    if (cancelRequested) return this.finish(job, 'cancelled', {});
    this.active.add(abort);
    if (this.stopped) abort.abort();
    // Beats also come from a clock, not only from finished slices: a slow slice on a loaded machine must not make
    // a live process look dead. A paused process's clock stops too, which is what lets another one take over.
    const beats: Array<Promise<void>> = [];
    const pulse = setInterval(() => beats.push(beat(lastProgress, true).catch(() => undefined)), Math.max(BEAT_MS, (this.staleAfterSeconds * 1000) / 4));
    // The last write (finish or hand-back) waits until no beat is in flight: one landing after it would be refused
    // and read as a lost claim.
    let ending: (() => Promise<void>) | undefined;
    try {
      const org = await new ModelRepository(this.db).getOrganisation(job.org_id);
      const model = await exportModel(this.db, job.org_id);
      // Runs computed on another version of the model cannot be merged with runs on this one: start again.
      const resumeFrom = job.checkpoint && job.model_version === org!.modelVersion ? job.checkpoint : null;
      const restart = job.checkpoint !== null && resumeFrom === null ? { checkpoint: null, progress: 0 } : {};
      if (!readFlags(await this.fenced(job).set({ model_version: org!.modelVersion, ...restart }).returning('cancel_requested').executeTakeFirst()))
        throw new EngineAbortedError();
      let result: unknown;
      if (job.kind === 'montecarlo') {
        const pending: Array<Promise<void>> = [];
        const outcome = await runMonteCarloResumable(model, input.scenarios[0], {
          runs: input.params.runs ?? 1000,
          seed: input.params.seed ?? 1,
          workers: this.workers,
          signal: abort.signal,
          resumeFrom,
          checkpointMs: this.turnSeconds * 1000,
          onProgress: (done, total) => {
            pending.push(beat(done / total));
          },
          // The end of a turn: keep the runs so far, and give way when another organisation waits.
          onCheckpoint: async (partial) => {
            const row = await this.fenced(job)
              .set({ checkpoint: partial ? JSON.stringify(partial) : null, heartbeat_at: sql`now()` })
              .returning(['cancel_requested', sql<boolean>`exists(select 1 from scenario_runs other where other.org_id <> scenario_runs.org_id and ${this.claimable('other')})`.as('contended')])
              .executeTakeFirst();
            return readFlags(row) && !row!.contended;
          },
        });
        await Promise.all(pending);
        if (outcome.complete) result = summariseMonteCarlo(outcome.partial!);
        // The turn ended for another organisation's job: this one resumes from here at its next turn.
        else ending = () => this.handBack(job, outcome.partial);
      } else {
        const steps = recommendSteps(model, input.scenarios, {
          candidates: input.params.candidates ?? undefined,
          shouldAbort: () => abort.signal.aborted,
        });
        let step = steps.next();
        while (!step.done) {
          const sliceEnd = performance.now() + EVENT_LOOP_SLICE_MS;
          while (!step.done && performance.now() < sliceEnd) step = steps.next();
          if (!step.done) {
            await beat(step.value.total > 0 ? step.value.evaluated / step.value.total : 0);
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
        result = step.value;
      }
      ending ??= () => this.finish(job, 'done', { result });
    } catch (error) {
      if (cancelRequested) ending = () => this.finish(job, 'cancelled', {});
      else if (error instanceof EngineAbortedError && this.stopped) ending = () => this.handBack(job);
      else if (error instanceof EngineAbortedError) ending = () => this.finish(job, 'cancelled', {});
      else if (error instanceof EngineInputError)
        ending = () => this.finish(job, 'failed', { error: { code: 'model_invalid', message: error.message, details: error.problems } });
      else {
        this.options.log?.('job failed', { job: job.id, error: String(error) });
        ending = () => this.finish(job, 'failed', { error: { code: 'internal', message: 'The run failed unexpectedly; it has been logged.', details: [] } });
      }
    } finally {
      clearInterval(pulse);
      this.active.delete(abort);
      await Promise.all(beats);
    }
    // Another process holds the job: write nothing more.
    if (!lost) await ending?.();
  }

  /**
   * Releases the job between two turns: still `running` (its progress stays), held by no process (no heartbeat),
   * with its checkpoint when one is given (otherwise the last one saved stays).
   */
  private async handBack(job: ClaimedJob, checkpoint?: MonteCarloPartial | null): Promise<void> {
    const released = await this.fenced(job)
      .set({ heartbeat_at: null, ...(checkpoint ? { checkpoint: JSON.stringify(checkpoint) } : {}) })
      .executeTakeFirst();
    if (Number(released.numUpdatedRows) === 0)
      this.options.log?.('job claimed by another process before it was handed back', { job: job.id, attempt: job.attempt });
  }

  private async finish(job: ClaimedJob, status: 'done' | 'failed' | 'cancelled', outcome: { result?: unknown; error?: unknown }): Promise<void> {
    const finished = await this.fenced(job)
      .set({
        status,
        finished_at: sql`now()`,
        checkpoint: null,
        ...(status === 'done' ? { progress: 1 } : {}),
        result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
        error: outcome.error === undefined ? null : JSON.stringify(outcome.error),
      })
      .executeTakeFirst();
    if (Number(finished.numUpdatedRows) === 0)
      this.options.log?.('job claimed by another process before it finished: its outcome is not written', { job: job.id, attempt: job.attempt });
  }
}
