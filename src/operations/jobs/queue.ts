// The job queue's writes and reads outside the runner: enqueue (inside the caller's transaction: the outbox),
// cancel, retry a dead job, list. It knows no domain: kinds and payloads are the handlers'.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { JobView } from '../../model/job.js';
import type { Database, JobsTable } from '../../store/schema.js';
import { DEFAULT_MAX_ATTEMPTS, type JobHandlers } from './handler.js';
import { currentActing } from '../actor.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** The channel a runner listens on: a committed enqueue wakes the runners at once instead of at their next poll. */
export const JOBS_CHANNEL = 'rempart_jobs';

export interface JobRequest {
  /** The organisation the job works for; null for the system's own (purges). */
  org: string | null;
  kind: string;
  payload?: unknown;
  /** Not before (default: now). */
  runAt?: Date;
  /** The same key (per organisation and kind) asked twice makes one job: the second request gets the first's id. */
  idempotencyKey?: string;
  maxAttempts?: number;
  /** Higher first, within one organisation's jobs (organisations are served in turn whatever their priorities). */
  priority?: number;
  /** The job's id, when the caller's record shares it (a run's job has the run's id). */
  id?: string;
}

/**
 * Queues a job with the executor given: called inside a transaction, the job exists if and only if that
 * transaction commits (a write that must cause side effects queues them with itself). `created` is false when the
 * idempotency key named a job already there.
 */
export async function enqueueJob(db: Executor, request: JobRequest): Promise<{ id: string; created: boolean }> {
  const inserted = await sql<{ id: string }>`
    insert into jobs (id, org_id, kind, payload, run_at, idempotency_key, max_attempts, priority)
    values (coalesce(${request.id ?? null}::uuid, gen_random_uuid()), ${request.org}, ${request.kind}, ${JSON.stringify(request.payload ?? {})}::jsonb,
      coalesce(${request.runAt?.toISOString() ?? null}::timestamptz, now()), ${request.idempotencyKey ?? null}, ${request.maxAttempts ?? null}, ${request.priority ?? 0})
    on conflict ((coalesce(org_id, '')), kind, idempotency_key) where idempotency_key is not null do nothing
    returning id`.execute(db);
  if (inserted.rows[0]) {
    await sql`select pg_notify(${JOBS_CHANNEL}, ${request.kind})`.execute(db);
    currentActing().log?.('job queued', { job: inserted.rows[0].id, kind: request.kind, org: request.org });
    return { id: inserted.rows[0].id, created: true };
  }
  const existing = await db
    .selectFrom('jobs')
    .select('id')
    .where(sql<string>`coalesce(org_id, '')`, '=', request.org ?? '')
    .where('kind', '=', request.kind)
    .where('idempotency_key', '=', request.idempotencyKey!)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

/**
 * Cancels a job: at once when no process holds it (queued, waiting for a retry, or handed back between turns),
 * otherwise by a flag its holder reads at its next heartbeat. Returns which, or `none` when it is already over.
 */
export async function cancelJob(db: Executor, org: string | null, id: string): Promise<'cancelled' | 'requested' | 'none'> {
  const now = await db
    .updateTable('jobs')
    .set({ status: 'cancelled', finished_at: sql`now()`, state: null })
    .where(sql<string>`coalesce(org_id, '')`, '=', org ?? '')
    .where('id', '=', id)
    .where((eb) => eb.or([eb('status', '=', 'queued'), eb.and([eb('status', '=', 'running'), eb('heartbeat_at', 'is', null)])]))
    .executeTakeFirst();
  if (Number(now.numUpdatedRows) > 0) return 'cancelled';
  const flagged = await db
    .updateTable('jobs')
    .set({ cancel_requested: true })
    .where(sql<string>`coalesce(org_id, '')`, '=', org ?? '')
    .where('id', '=', id)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(flagged.numUpdatedRows) > 0 ? 'requested' : 'none';
}

function toView(row: Selectable<JobsTable>, handlers?: JobHandlers): JobView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    payload: row.payload,
    priority: row.priority,
    runAt: new Date(row.run_at).toISOString(),
    attempt: row.attempt,
    failures: row.failures,
    maxAttempts: row.max_attempts ?? handlers?.get(row.kind)?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    idempotencyKey: row.idempotency_key,
    lastError: row.last_error as JobView['lastError'],
    createdAt: new Date(row.created_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  };
}

/** An organisation's jobs of one status, newest first, a page at a time (`cursor`: the last page's `nextCursor`). */
export async function listJobs(
  db: Executor,
  org: string,
  options: { status: JobView['status']; limit: number; cursor?: string },
  handlers?: JobHandlers,
): Promise<{ items: JobView[]; nextCursor: string | null }> {
  let query = db.selectFrom('jobs').selectAll().where('org_id', '=', org).where('status', '=', options.status);
  if (options.cursor) {
    const [at, id] = Buffer.from(options.cursor, 'base64url').toString().split('|');
    query = query.where(sql<boolean>`(created_at, id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  // Microseconds matter: a JavaScript Date would round the cursor and skip or repeat rows.
  const nextCursor =
    rows.length > options.limit && last
      ? Buffer.from(`${(await sql<{ at: string }>`select ${last.created_at}::timestamptz::text as at`.execute(db)).rows[0].at}|${last.id}`).toString(
          'base64url',
        )
      : null;
  return { items: page.map((row) => toView(row, handlers)), nextCursor };
}

/** Whether a cursor is one `listJobs` could have made (a bad one is the client's error, not a 500). */
export function isJobCursor(cursor: string): boolean {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  return rest.length === 0 && !Number.isNaN(Date.parse(at ?? '')) && /^[0-9a-f-]{36}$/i.test(id ?? '');
}

export async function getJob(db: Executor, org: string, id: string, handlers?: JobHandlers): Promise<JobView | undefined> {
  const row = await db.selectFrom('jobs').selectAll().where('org_id', '=', org).where('id', '=', id).executeTakeFirst();
  return row && toView(row, handlers);
}

/**
 * Gives a dead job a new set of attempts, now; its handler puts its record back to match (a run queued again).
 * Returns the job, or undefined when the organisation has no dead job with that id.
 */
export async function retryJob(trx: Transaction<Database>, handlers: JobHandlers, org: string, id: string): Promise<JobView | undefined> {
  const row = await trx
    .updateTable('jobs')
    .set({ status: 'queued', failures: 0, run_at: sql`now()`, finished_at: null, cancel_requested: false, heartbeat_at: null })
    .where('org_id', '=', org)
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .returningAll()
    .executeTakeFirst();
  if (!row) return undefined;
  await handlers.get(row.kind)?.onRetried?.(trx, { id: row.id, org: row.org_id, kind: row.kind, payload: row.payload as never });
  await sql`select pg_notify(${JOBS_CHANNEL}, ${row.kind})`.execute(trx);
  return toView(row, handlers);
}
