// The job queue on a real database (embedded, or PostgreSQL with DATABASE_URL): retries with back-off then a dead
// letter, idempotency keys, scheduled time, the outbox (a job queued by a transaction that rolls back never runs),
// cancellation of a running job, per-organisation concurrency and recurring jobs.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { loadDemo } from '../../src/operations/demo.js';
import { backoffDelay, done, type JobHandler } from '../../src/operations/jobs/handler.js';
import { cancelJob, enqueueJob, listJobs, retryJob } from '../../src/operations/jobs/queue.js';
import { JobRunner } from '../../src/operations/jobs/runner.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { createTestDatabase } from '../support/database.js';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  await actAs(SYSTEM, () => loadDemo(database.db, 'alpha'));
  await sql`insert into organisations (id, name, doc, bia) select 'bravo', 'Bravo', doc, bia from organisations where id = 'alpha'`.execute(database.db);
});
afterAll(async () => {
  await database?.close();
});

const job = (id: string) => database.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The database's clock, which run_at is compared with. */
const dbNow = async () => (await sql<{ now: Date }>`select now() as now`.execute(database.db)).rows[0].now.getTime();

describe('back-off', () => {
  it('doubles up to its cap, half of it jitter', () => {
    const backoff = { baseMs: 1000, maxMs: 5000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, backoff, () => 0))).toEqual([500, 1000, 2000, 2500, 2500]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, backoff, () => 1))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
});

describe('the job queue', () => {
  it('retries a failing job after a growing back-off, then keeps it as a dead letter with its last error; a retry runs it again', async () => {
    const seen: string[] = [];
    let healed = false;
    const flaky: JobHandler<{ n: number }> = {
      kind: 'test.flaky',
      maxAttempts: 3,
      backoff: { baseMs: 400, maxMs: 10_000 },
      async run(context) {
        seen.push(`run ${context.attempt}`);
        if (!healed) throw new Error(`the provider refused attempt ${context.attempt}`);
        return done();
      },
      async onDead(_trx, record, error) {
        seen.push(`dead ${record.id === id} ${error.message}`);
      },
      async onRetried() {
        seen.push('retried');
      },
    };
    const runner = new JobRunner(database.db, [flaky as JobHandler<never>]);
    const { id } = await enqueueJob(database.db, { org: 'alpha', kind: 'test.flaky', payload: { n: 1 } });

    const waits: number[] = [];
    for (const attempt of [1, 2]) {
      const before = await dbNow();
      expect(await runner.drain()).toBe(1);
      const row = await job(id);
      expect(row).toMatchObject({
        status: 'queued',
        failures: attempt,
        attempt,
        heartbeat_at: null,
        last_error: { message: `the provider refused attempt ${attempt}`, attempt },
      });
      const wait = row.run_at.getTime() - before;
      waits.push(wait);
      // Not due yet: nothing to claim.
      expect(await runner.drain()).toBe(0);
      await pause(Math.max(0, row.run_at.getTime() - (await dbNow())) + 50);
    }
    // 400 ms then 800 ms, each between half and all of it.
    expect(waits[0]).toBeGreaterThanOrEqual(200 - 50);
    expect(waits[0]).toBeLessThanOrEqual(400 + 1000);
    expect(waits[1]).toBeGreaterThanOrEqual(400 - 50);
    expect(waits[1]).toBeLessThanOrEqual(800 + 1000);

    expect(await runner.drain()).toBe(1);
    const dead = await job(id);
    expect(dead).toMatchObject({ status: 'dead', failures: 3, attempt: 3, last_error: { message: 'the provider refused attempt 3', attempt: 3 } });
    expect(dead.finished_at).not.toBeNull();
    expect(seen).toEqual(['run 1', 'run 2', 'run 3', 'dead true the provider refused attempt 3']);
    // Administrators see it among the organisation's dead letters, and only there.
    const letters = await listJobs(database.db, 'alpha', { status: 'dead', limit: 10 });
    expect(letters.items.map((item) => item.id)).toContain(id);
    expect((await listJobs(database.db, 'bravo', { status: 'dead', limit: 10 })).items).toEqual([]);
    expect(await runner.drain()).toBe(0);

    healed = true;
    const retried = await database.db.transaction().execute((trx) => retryJob(trx, new Map([['test.flaky', flaky as JobHandler<never>]]), 'alpha', id));
    expect(retried).toMatchObject({ status: 'queued', failures: 0 });
    expect(await runner.drain()).toBe(1);
    expect(await job(id)).toMatchObject({ status: 'done', attempt: 4 });
    expect(seen.slice(4)).toEqual(['retried', 'run 4']);
    // Only a dead job can be retried.
    expect(await database.db.transaction().execute((trx) => retryJob(trx, new Map(), 'alpha', id))).toBeUndefined();
  });

  it('makes one job of one idempotency key, however many requests and transactions ask for it', async () => {
    const request = { org: 'alpha', kind: 'test.once', idempotencyKey: 'alert-42:delivery-7' };
    const results = await Promise.all(Array.from({ length: 6 }, () => database.db.transaction().execute((trx) => enqueueJob(trx, request))));
    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    // The key is the organisation's and the kind's: another organisation's same key is another job.
    const other = await enqueueJob(database.db, { ...request, org: 'bravo' });
    expect(other.created).toBe(true);
    expect(other.id).not.toBe(results[0].id);
    const { count } = await database.db
      .selectFrom('jobs')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('idempotency_key', '=', request.idempotencyKey)
      .executeTakeFirstOrThrow();
    expect(count).toBe(2);
  });

  it('runs a scheduled job at its time, not before', async () => {
    const ran: number[] = [];
    const reminder: JobHandler = { kind: 'test.reminder', run: async () => void ran.push(Date.now()) };
    const runner = new JobRunner(database.db, [reminder]);
    const runAt = new Date((await dbNow()) + 1500);
    const { id } = await enqueueJob(database.db, { org: 'alpha', kind: 'test.reminder', runAt });
    expect(await runner.drain()).toBe(0);
    await pause(700);
    expect(await runner.drain()).toBe(0);
    while ((await dbNow()) < runAt.getTime()) await pause(50);
    expect(await runner.drain()).toBe(1);
    expect(ran).toHaveLength(1);
    expect(await job(id)).toMatchObject({ status: 'done' });
  });

  it('never runs a job queued by a transaction that rolled back (the outbox), and runs the one that committed', async () => {
    const ran: string[] = [];
    const delivery: JobHandler<{ to: string }> = { kind: 'test.delivery', run: async (context) => void ran.push(context.payload.to) };
    const runner = new JobRunner(database.db, [delivery as JobHandler<never>]);
    await expect(
      database.db.transaction().execute(async (trx) => {
        await enqueueJob(trx, { org: 'alpha', kind: 'test.delivery', payload: { to: 'rolled-back@example.test' } });
        throw new Error('the decision failed after queuing its delivery');
      }),
    ).rejects.toThrow(/decision failed/);
    await database.db.transaction().execute((trx) => enqueueJob(trx, { org: 'alpha', kind: 'test.delivery', payload: { to: 'committed@example.test' } }));
    expect(await runner.drain()).toBe(1);
    expect(ran).toEqual(['committed@example.test']);
    const kinds = await database.db.selectFrom('jobs').select('payload').where('kind', '=', 'test.delivery').execute();
    expect(kinds.map((row) => row.payload)).toEqual([{ to: 'committed@example.test' }]);
  });

  it('cancels a running job at its next heartbeat: the handler is aborted and its record says so', async () => {
    const events: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const long: JobHandler = {
      kind: 'test.long',
      async run(context) {
        started();
        await new Promise((_, reject) => context.signal.addEventListener('abort', () => reject(new Error(`aborted: ${String(context.signal.reason)}`))));
      },
      async onCancelled() {
        events.push('cancelled');
      },
    };
    const runner = new JobRunner(database.db, [long], { staleAfterSeconds: 1 });
    const { id } = await enqueueJob(database.db, { org: 'alpha', kind: 'test.long' });
    const draining = runner.drain();
    await running;
    expect(await cancelJob(database.db, 'alpha', id)).toBe('requested');
    expect(await draining).toBe(1);
    expect(await job(id)).toMatchObject({ status: 'cancelled', failures: 0 });
    expect(events).toEqual(['cancelled']);
    // Over: nothing more to cancel.
    expect(await cancelJob(database.db, 'alpha', id)).toBe('none');
  });

  it(
    'runs at most `perOrganisation` jobs of a kind at once for one organisation, while another organisation’s runs beside them',
    { timeout: 30_000 },
    async () => {
      const runningNow = new Map<string, number>();
      const most = new Map<string, number>();
      const slow: JobHandler = {
        kind: 'test.slow',
        perOrganisation: 1,
        async run(context) {
          const org = context.org!;
          runningNow.set(org, (runningNow.get(org) ?? 0) + 1);
          most.set(org, Math.max(most.get(org) ?? 0, runningNow.get(org)!));
          await pause(400);
          runningNow.set(org, runningNow.get(org)! - 1);
        },
      };
      for (const org of ['alpha', 'alpha', 'alpha', 'bravo']) await enqueueJob(database.db, { org, kind: 'test.slow' });
      const runners = [new JobRunner(database.db, [slow]), new JobRunner(database.db, [slow])];
      // Each runner drains until nothing is claimable for it; a runner kept out by the limit tries again.
      const drainAll = async (runner: JobRunner) => {
        for (;;) {
          await runner.drain();
          const left = await database.db.selectFrom('jobs').select('id').where('kind', '=', 'test.slow').where('status', '<>', 'done').execute();
          if (left.length === 0) return;
          await pause(50);
        }
      };
      await Promise.all(runners.map(drainAll));
      expect(most.get('alpha')).toBe(1);
      expect(most.get('bravo')).toBe(1);
    },
  );

  it('keeps one row for a recurring job, queued again after each run', async () => {
    let runs = 0;
    const purge: JobHandler = { kind: 'test.purge', everyMs: 60_000, run: async () => void runs++ };
    const runner = new JobRunner(database.db, [purge], { pollMs: 60_000 });
    // Two processes starting: one row.
    await runner.start();
    await runner.stop();
    const second = new JobRunner(database.db, [purge], { pollMs: 60_000 });
    await second.start();
    await second.stop();
    const rows = await database.db.selectFrom('jobs').selectAll().where('kind', '=', 'test.purge').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].org_id).toBeNull();
    // Due at once: the next claim runs it, then it waits for its next occurrence on the same row.
    expect(await new JobRunner(database.db, [purge]).drain()).toBe(1);
    expect(runs).toBe(1);
    const after = await job(rows[0].id);
    expect(after.status).toBe('queued');
    expect(after.run_at.getTime() - (await dbNow())).toBeGreaterThan(50_000);
  });
});
