// What a kind of job is: a small object with its options (attempts, back-off, per-organisation concurrency,
// recurrence) and its `run`. The queue and the runner know no domain; handlers know no queue SQL.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../store/schema.js';

/** Why a job's signal was aborted: its claim passed to another process, it was cancelled, or the runner stops. */
export type JobStopReason = 'lost' | 'cancelled' | 'stopping';

/** What a handler gets for one claim of one job. */
export interface JobContext<P = unknown> {
  id: string;
  org: string | null;
  kind: string;
  payload: P;
  /** This claim's number: the fencing token every write of the job carries. */
  attempt: number;
  /** Attempts that failed before this one. */
  failures: number;
  /** What the job kept at the end of its last turn (`endOfTurn`), or null. */
  state: unknown;
  db: Kysely<Database>;
  /** Threads a CPU-bound handler may use (`rempart worker` and `serve` set it; default the machine's cores). */
  workers: number;
  /** How long a turn lasts (ms): a long job calls `endOfTurn` about this often. */
  turnMs: number;
  /** Aborted (with a `JobStopReason`) when the handler must stop: it then writes nothing more. */
  signal: AbortSignal;
  /**
   * Runs `write` in a transaction that commits only while this claim holds the job (it locks the job row first,
   * so no other process can claim it meanwhile). Resolves `undefined`, writing nothing, once the claim is lost.
   */
  fenced<T>(write: (trx: Transaction<Database>) => Promise<T>): Promise<T | undefined>;
  /**
   * The end of a turn: keeps `state` and tells whether to go on (true) or give way (false: another organisation's
   * job waits, or the signal was aborted). A handler that gives way returns `handBack(state)`.
   */
  endOfTurn(state: unknown): Promise<boolean>;
  log(message: string, data?: Record<string, unknown>): void;
}

/** How a run of a handler ended, when it did not throw. */
export type JobOutcome = { type: 'done'; record?: (trx: Transaction<Database>) => Promise<void> } | { type: 'handBack'; state: unknown };

/** The job is complete; `record` writes its outcome in the transaction that marks it done (fenced). */
export const done = (record?: (trx: Transaction<Database>) => Promise<void>): JobOutcome => ({ type: 'done', record });
/** The job gives way until its next turn, keeping `state` (any process may resume it). */
export const handBack = (state: unknown): JobOutcome => ({ type: 'handBack', state });

/** A job that may not run again: no retry, straight to the dead letters. */
export class PermanentJobError extends Error {}

/** The outcome hooks receive: the job as stored. */
export interface JobRecord<P = unknown> {
  id: string;
  org: string | null;
  kind: string;
  payload: P;
}

export interface JobHandler<P = unknown> {
  kind: string;
  /** Attempts before the job is dead (default 5); a request may lower or raise it per job. */
  maxAttempts?: number;
  /** Delay before retry n (1, 2…): `baseMs · 2^(n-1)`, capped at `maxMs`, of which a random half is jitter. */
  backoff?: { baseMs: number; maxMs: number };
  /** Jobs of this kind one organisation may have running at once (default: no limit beyond the runners). */
  perOrganisation?: number;
  /** A recurring job: once done (or given up), it is queued again this many ms later, on the same row. */
  everyMs?: number;
  run(job: JobContext<P>): Promise<JobOutcome | void>;
  /** Writes the user-visible record when the job is cancelled (in the transaction that marks it so). */
  onCancelled?(trx: Transaction<Database>, job: JobRecord<P>): Promise<void>;
  /** Writes the user-visible record when the job is dead. */
  onDead?(trx: Transaction<Database>, job: JobRecord<P>, error: JobError): Promise<void>;
  /** Writes the user-visible record when an administrator retries a dead job. */
  onRetried?(trx: Transaction<Database>, job: JobRecord<P>): Promise<void>;
}

/** The error kept with a failed attempt (`jobs.last_error`). */
export interface JobError {
  message: string;
  attempt: number;
  at: string;
}

export const DEFAULT_BACKOFF = Object.freeze({ baseMs: 5_000, maxMs: 15 * 60_000 });
export const DEFAULT_MAX_ATTEMPTS = 5;

/** Delay before the next attempt after `failures` failed ones: exponential, capped, half of it random (jitter). */
export function backoffDelay(failures: number, backoff: { baseMs: number; maxMs: number } = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, failures - 1));
  // Jobs that failed together (a database restart) must not all come back at the same instant.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The handlers a runner serves, by kind. */
export type JobHandlers = ReadonlyMap<string, JobHandler<never>>;

export function handlerMap(handlers: ReadonlyArray<JobHandler<never>>): JobHandlers {
  return new Map(handlers.map((handler) => [handler.kind, handler]));
}
