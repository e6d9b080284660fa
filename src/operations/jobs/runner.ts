// Runs the jobs of the kinds it has handlers for. Jobs are rows (src/operations/jobs/queue.ts): any process may
// claim one (FOR UPDATE SKIP LOCKED), a job whose process died is claimed again, cancellation is a flag.
//
// Fairness. Every organisation shares one queue, so a claim does not take the oldest job: it takes a due job of
// the organisation served least recently (whose latest claim is oldest; one never served first; the system's own
// jobs count as one more organisation), its highest priority first. A long job runs in turns: at the end of each
// (`endOfTurn`) it keeps its state and, when another organisation's job is waiting, hands itself back (still
// `running`, held by no process) and the runner claims again, which now picks the waiting organisation. So however
// many jobs one organisation queues, another organisation's job waits at most one turn for a runner.
//
// Fencing. A process paused longer than `staleAfterSeconds` (SIGSTOP, a frozen VM, a long GC) looks dead, and
// another process claims its job. Every claim increments the row's `attempt`, and the claim keeps that number as
// its token: each later write (heartbeat, the handler's fenced writes, hand-back, finish) applies only while the
// row still carries it, and a fenced write locks the row first so no claim can pass it. When such a write touches
// no row the job belongs to someone else: the handler's signal aborts and nothing more is written.
//
// Failures. A handler that throws has failed this attempt: the job is queued again after an exponential back-off
// with jitter, until its `maxAttempts`th failure makes it dead (a dead letter, with its last error, that an
// administrator may retry). A holder gone silent counts as a failure too, so a job that kills its process cannot
// loop forever.
import { availableParallelism } from 'node:os';
import { sql, type Kysely, type RawBuilder, type Transaction, type UpdateObject } from 'kysely';
import type { Database } from '../../store/schema.js';
import {
  backoffDelay,
  DEFAULT_MAX_ATTEMPTS,
  handlerMap,
  PermanentJobError,
  type JobContext,
  type JobError,
  type JobHandler,
  type JobHandlers,
  type JobOutcome,
  type JobRecord,
  type JobStopReason,
} from './handler.js';
import { enqueueJob, JOBS_CHANNEL } from './queue.js';

export interface JobRunnerOptions {
  /** How often an idle runner looks for work (ms); a committed enqueue wakes it sooner when `listen` is given. */
  pollMs?: number;
  /** A running job whose heartbeat is older than this is presumed orphaned and claimed again (s, default 60). */
  staleAfterSeconds?: number;
  /** Longest a long job computes between two ends of turn, where it gives way to another organisation's (s, default 5). */
  turnSeconds?: number;
  /** Threads a CPU-bound handler may use (default: the machine's cores). */
  workers?: number;
  /** The database's NOTIFY listener (`DatabaseHandle.listen`). */
  listen?: (channel: string, onPayload: (payload: string) => void) => Promise<{ close(): Promise<void> | void }>;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

export const JOB_RUNNER_DEFAULTS = Object.freeze({ staleAfterSeconds: 60, turnSeconds: 5 });

interface Claim {
  id: string;
  org_id: string | null;
  kind: string;
  payload: unknown;
  attempt: number;
  failures: number;
  max_attempts: number | null;
  state: unknown;
  cancel_requested: boolean;
  last_error: unknown;
}

/** Heartbeats at most this often (they also read the cancellation flag). */
const BEAT_MS = 250;
export const CLAIM_LOST = 'job claimed by another process: this one stops and writes nothing more';
export const CLAIM_LOST_AT_END = 'job claimed by another process before it ended';
export const OUTCOME_LOST = "job's last write failed, its outcome is not written";

export class JobRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private busy = false;
  private stopped = false;
  private listening: { close(): Promise<void> | void } | undefined;
  /** Jobs this runner is computing: stopping aborts them, and they are handed back for any process to resume. */
  private readonly active = new Set<AbortController>();
  private readonly handlers: JobHandlers;
  private readonly kinds: string[];
  /** `{kind: n}`: jobs of the kind one organisation may have running at once. */
  private readonly perOrganisation: string;
  private readonly pollMs: number;
  private readonly staleAfterSeconds: number;
  private readonly context: { workers: number; turnMs: number };

  constructor(
    private readonly db: Kysely<Database>,
    handlers: ReadonlyArray<JobHandler<never>> | JobHandlers,
    private readonly options: JobRunnerOptions = {},
  ) {
    this.handlers = Array.isArray(handlers) ? handlerMap(handlers) : (handlers as JobHandlers);
    this.kinds = [...this.handlers.keys()];
    this.perOrganisation = JSON.stringify(
      Object.fromEntries([...this.handlers.values()].filter((h) => h.perOrganisation).map((h) => [h.kind, h.perOrganisation])),
    );
    this.pollMs = options.pollMs ?? 500;
    this.staleAfterSeconds = options.staleAfterSeconds ?? JOB_RUNNER_DEFAULTS.staleAfterSeconds;
    this.context = { workers: options.workers ?? Math.max(1, availableParallelism()), turnMs: (options.turnSeconds ?? JOB_RUNNER_DEFAULTS.turnSeconds) * 1000 };
  }

  async start(): Promise<void> {
    this.stopped = false;
    // A recurring job is one row whatever the number of processes: the first runner to start queues it.
    for (const handler of this.handlers.values())
      if (handler.everyMs !== undefined) await enqueueJob(this.db, { org: null, kind: handler.kind, idempotencyKey: 'recurring' });
    if (this.options.listen) this.listening = await this.options.listen(JOBS_CHANNEL, () => this.wake());
    this.schedule(0);
  }

  /** Stops claiming; a job being computed is aborted and handed back (with its last state) for any process. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const controller of this.active) controller.abort('stopping' satisfies JobStopReason);
    await this.listening?.close();
    await this.running;
  }

  /** Claims and runs due jobs (one turn each) until none is left; returns how many turns ran (tests call it directly). */
  async drain(): Promise<number> {
    let count = 0;
    let released = 0;
    while (!this.stopped) {
      const job = await this.claim();
      if (!job) return count;
      // A claim over its organisation's limit goes back (the next claim skips that organisation); a few in a row
      // mean the limited jobs are all that is left.
      if (!(await this.withinLimit(job))) {
        if (++released >= 3) return count;
        continue;
      }
      released = 0;
      await this.execute(job);
      count++;
    }
    return count;
  }

  /**
   * The claim's own check of `perOrganisation` is optimistic: two runners claiming at the same instant both see
   * room. Here, one runner at a time per organisation and kind (an advisory lock), each seeing the others'
   * committed claims, keeps the claim or hands it straight back.
   */
  private async withinLimit(job: Claim): Promise<boolean> {
    const limit = this.handlers.get(job.kind)?.perOrganisation;
    if (limit === undefined || job.org_id === null) return true;
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`rempart.jobs:${job.org_id}:${job.kind}`}, 0))`.execute(trx);
      const { others } = await trx
        .selectFrom('jobs')
        .select(sql<number>`count(*)::int`.as('others'))
        .where('org_id', '=', job.org_id)
        .where('kind', '=', job.kind)
        .where('status', '=', 'running')
        .where('id', '<>', job.id)
        .where(sql<boolean>`heartbeat_at >= now() - make_interval(secs => ${this.staleAfterSeconds})`)
        .executeTakeFirstOrThrow();
      if (others < limit) return true;
      // Back as a job between two turns: running, held by no process, claimable by anyone.
      await this.fenced(trx, job).set({ heartbeat_at: null }).execute();
      return false;
    });
  }

  private wake(): void {
    if (this.stopped || this.busy) return;
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.busy = true;
      this.running = this.drain()
        .then(() => undefined)
        .catch((error: unknown) => this.options.log?.('job runner error', { error: String(error) }))
        .finally(() => {
          this.busy = false;
          this.schedule(this.pollMs);
        });
    }, delay);
    this.timer.unref();
  }

  /** Rows a runner may claim: due and queued, handed back between turns (no heartbeat), or held by a process gone silent. */
  private claimable(alias: string): RawBuilder<boolean> {
    const column = (name: string) => sql.ref(`${alias}.${name}`);
    return sql<boolean>`(${column('kind')} = any(${this.kinds}::text[]) and ${column('status')} in ('queued', 'running') and (
      (${column('status')} = 'queued' and ${column('run_at')} <= now())
      or (${column('status')} = 'running' and (${column('heartbeat_at')} is null or ${column('heartbeat_at')} < now() - make_interval(secs => ${this.staleAfterSeconds})))))`;
  }

  private async claim(): Promise<Claim | undefined> {
    const result = await sql<Claim>`
      update jobs
      set status = 'running', attempt = attempt + 1, claimed_at = now(), heartbeat_at = now(),
        failures = failures + (case when status = 'running' and heartbeat_at is not null then 1 else 0 end)
      where id = (
        -- Each organisation's latest claim is looked up once, not once per waiting job.
        with waiting as (select distinct coalesce(w.org_id, '') as org_key from jobs w where ${this.claimable('w')}),
        served as (select org_key, (select max(s.claimed_at) from jobs s where coalesce(s.org_id, '') = waiting.org_key) as last_claim from waiting)
        select j.id from jobs j join served on served.org_key = coalesce(j.org_id, '')
        where ${this.claimable('j')}
          and ((${this.perOrganisation}::jsonb ->> j.kind) is null or (
            select count(*) from jobs r
            where r.org_id = j.org_id and r.kind = j.kind and r.status = 'running' and r.heartbeat_at >= now() - make_interval(secs => ${this.staleAfterSeconds})
          ) < (${this.perOrganisation}::jsonb ->> j.kind)::int)
        order by served.last_claim asc nulls first, j.priority desc, j.run_at, j.id
        limit 1
        for update of j skip locked)
      returning id, org_id, kind, payload, attempt, failures, max_attempts, state, cancel_requested, last_error`.execute(this.db);
    return result.rows[0];
  }

  /** An update of the job that applies only while this claim still holds it (same attempt, still running). */
  private fenced(db: Kysely<Database> | Transaction<Database>, job: Claim) {
    return db.updateTable('jobs').where('id', '=', job.id).where('attempt', '=', job.attempt).where('status', '=', 'running');
  }

  /** The job's last write under this claim, with the handler's record in the same transaction; false once the claim is lost. */
  private async end(job: Claim, set: UpdateObject<Database, 'jobs'>, record?: (trx: Transaction<Database>) => Promise<void>): Promise<boolean> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const row = await this.fenced(trx, job).set(set).returning('id').executeTakeFirst();
        if (!row) {
          this.options.log?.(`${CLAIM_LOST_AT_END}: its outcome is not written`, { job: job.id, attempt: job.attempt });
          return false;
        }
        await record?.(trx);
        return true;
      });
    } catch (error) {
      // Rolled back (a connection the database ended while this process was paused, say): nothing of it was written,
      // and the job, still running under this claim, goes to another process once its heartbeat is stale.
      this.options.log?.(`${OUTCOME_LOST}: ${error instanceof Error ? error.message : String(error)}`, { job: job.id, attempt: job.attempt });
      return false;
    }
  }

  private async execute(job: Claim): Promise<void> {
    const handler = this.handlers.get(job.kind)!;
    const record: JobRecord<never> = { id: job.id, org: job.org_id, kind: job.kind, payload: job.payload as never };
    const maxAttempts = job.max_attempts ?? handler.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const controller = new AbortController();
    let lost = false;
    let cancelled = job.cancel_requested;
    const stop = (reason: JobStopReason): void => {
      if (!controller.signal.aborted) controller.abort(reason);
    };
    const readFlags = (row: { cancel_requested: boolean } | undefined): boolean => {
      if (!row) {
        if (!lost) this.options.log?.(CLAIM_LOST, { job: job.id, attempt: job.attempt });
        lost = true;
        stop('lost');
        return false;
      }
      if (row.cancel_requested) {
        cancelled = true;
        stop('cancelled');
      }
      return !controller.signal.aborted;
    };

    if (cancelled) {
      await this.end(job, { status: 'cancelled', finished_at: sql`now()`, state: null }, handler.onCancelled && ((trx) => handler.onCancelled!(trx, record)));
      return;
    }
    if (job.failures >= maxAttempts) {
      // Claimed from a holder gone silent once too often: the job itself is the likeliest cause.
      const error: JobError = { message: `the process running it went silent ${job.failures} time(s)`, attempt: job.attempt, at: new Date().toISOString() };
      await this.fail(job, handler, record, error, true);
      return;
    }

    this.active.add(controller);
    if (this.stopped) stop('stopping');
    let lastBeat = 0;
    const beats: Array<Promise<unknown>> = [];
    const beat = async (): Promise<void> => {
      if (lost) return;
      lastBeat = Date.now();
      readFlags(
        await this.fenced(this.db, job)
          .set({ heartbeat_at: sql`now()` })
          .returning('cancel_requested')
          .executeTakeFirst(),
      );
    };
    // Beats come from a clock, not from the handler's progress: slow work on a loaded machine must not make a live
    // process look dead. A paused process's clock stops too, which is what lets another one take over.
    const pulse = setInterval(
      () => {
        if (Date.now() - lastBeat >= BEAT_MS) beats.push(beat().catch(() => undefined));
      },
      Math.max(BEAT_MS, (this.staleAfterSeconds * 1000) / 4),
    );

    const context: JobContext<never> = {
      ...record,
      ...this.context,
      attempt: job.attempt,
      failures: job.failures,
      state: job.state,
      db: this.db,
      signal: controller.signal,
      log: (message, data) => this.options.log?.(message, { job: job.id, kind: job.kind, ...data }),
      fenced: async (write) => {
        if (lost) return undefined;
        return this.db.transaction().execute(async (trx) => {
          const row = await this.fenced(trx, job)
            .set({ heartbeat_at: sql`now()` })
            .returning('cancel_requested')
            .executeTakeFirst();
          readFlags(row);
          lastBeat = Date.now();
          return row ? write(trx) : undefined;
        });
      },
      endOfTurn: async (state) => {
        if (lost) return false;
        const row = await this.fenced(this.db, job)
          .set({ state: JSON.stringify(state), heartbeat_at: sql`now()` })
          .returning([
            'cancel_requested',
            sql<boolean>`exists(select 1 from jobs other where coalesce(other.org_id, '') <> coalesce(jobs.org_id, '') and ${this.claimable('other')})`.as(
              'contended',
            ),
          ])
          .executeTakeFirst();
        return readFlags(row) && !row!.contended;
      },
    };

    let outcome: JobOutcome | void = undefined;
    let failure: unknown;
    let failed = false;
    try {
      outcome = await handler.run(context);
    } catch (error) {
      failed = true;
      failure = error;
    } finally {
      clearInterval(pulse);
      this.active.delete(controller);
      // The last write waits until no beat is in flight: one landing after it would be refused and read as a lost claim.
      await Promise.all(beats);
    }
    if (lost) return;
    if (cancelled) {
      await this.end(job, { status: 'cancelled', finished_at: sql`now()`, state: null }, handler.onCancelled && ((trx) => handler.onCancelled!(trx, record)));
    } else if (!failed && outcome?.type === 'handBack') {
      await this.end(job, { heartbeat_at: null, state: JSON.stringify(outcome.state) });
    } else if (!failed) {
      const write = outcome?.type === 'done' ? outcome.record : undefined;
      if (handler.everyMs !== undefined) await this.end(job, this.nextOccurrence(handler.everyMs), write);
      else await this.end(job, { status: 'done', finished_at: sql`now()`, state: null, cancel_requested: false }, write);
    } else if (controller.signal.reason === 'stopping') {
      // Handed back as it stands: another process resumes it from its last state.
      await this.end(job, { heartbeat_at: null });
    } else {
      const message = failure instanceof Error ? failure.message : String(failure);
      this.options.log?.('job failed', { job: job.id, kind: job.kind, attempt: job.attempt, error: message });
      await this.fail(
        job,
        handler,
        record,
        { message: message.slice(0, 2000), attempt: job.attempt, at: new Date().toISOString() },
        failure instanceof PermanentJobError,
      );
    }
  }

  /** A failed attempt: retried after a back-off, or dead (a recurring job waits for its next occurrence instead). */
  private async fail(job: Claim, handler: JobHandler<never>, record: JobRecord<never>, error: JobError, permanent: boolean): Promise<void> {
    const failures = permanent ? job.failures : job.failures + 1;
    const maxAttempts = job.max_attempts ?? handler.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const lastError = JSON.stringify(error);
    if (permanent || failures >= maxAttempts) {
      if (handler.everyMs !== undefined) await this.end(job, { ...this.nextOccurrence(handler.everyMs), last_error: lastError });
      else
        await this.end(
          job,
          { status: 'dead', failures, finished_at: sql`now()`, last_error: lastError },
          handler.onDead && ((trx) => handler.onDead!(trx, record, error)),
        );
      return;
    }
    const delayMs = backoffDelay(failures, handler.backoff);
    await this.end(job, {
      status: 'queued',
      failures,
      heartbeat_at: null,
      run_at: sql`now() + make_interval(secs => ${delayMs / 1000})`,
      last_error: lastError,
    });
  }

  private nextOccurrence(everyMs: number): UpdateObject<Database, 'jobs'> {
    return { status: 'queued', failures: 0, heartbeat_at: null, state: null, run_at: sql`now() + make_interval(secs => ${everyMs / 1000})` };
  }
}
