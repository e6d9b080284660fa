// A server process paused (SIGSTOP) longer than the heartbeat limit while it computes a job, then woken (SIGCONT).
// On PostgreSQL a second server process takes the job over; the paused one, woken, must write nothing more: every
// write to the job row is logged by a trigger with the connection's application name, so the test sees who wrote
// what and in which order. An embedded folder can be opened by one process only: there the paused process must
// keep its job, a second process being refused the folder, and finish it once.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { loadDemo } from '../../src/operations/demo.js';
import { DEFAULT_SESSION_SETTINGS, issueSession } from '../../src/operations/sessions.js';
import { enqueueRun } from '../../src/operations/scenarios.js';
import { hashPassword } from '../../src/security/passwords.js';
import { SESSION_COOKIE } from '../../src/server/access.js';
import { AccountRepository } from '../../src/store/account-repository.js';
import { openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { createTestDatabase, usingPostgres } from '../support/database.js';
import { runCommand, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { until } from '../support/until.js';

const ORG = 'stall';
// Several seconds on two threads (a turn is 1 s, so the job spans several checkpoints), minutes on a loaded machine.
const RUNS = 100_000;
const SEED = 17;
const STALE_SECONDS = 3;
// Said when a beat, a turn or the last write finds the claim gone, or when the last write fails because the database
// ended the session the paused process held (its transaction rolled back): either way it writes nothing more.
const CLAIM_LOST = /job claimed by another process|job's last write failed, its outcome is not written/;

interface JobRow {
  status: string;
  attempt: number;
  progress: number;
  checkpoint: unknown;
  result: unknown;
  /** Null while no process holds the job (between turns, handed back). */
  heartbeat: Date | null;
}

interface LoggedWrite {
  seq: number;
  app: string;
  attempt: number;
  status: string;
  progress: number;
}

/** A trigger that logs every write to a job row with the writing connection's application name (PGAPPNAME). */
async function logJobWrites(db: Kysely<Database>): Promise<void> {
  await sql`
    create table job_write_log (
      seq bigserial primary key, app text not null, attempt integer not null, status text not null, progress double precision not null)`.execute(db);
  await sql`
    create function log_job_write() returns trigger language plpgsql as $$
    begin
      insert into job_write_log (app, attempt, status, progress) values (current_setting('application_name'), new.attempt, new.status, new.progress);
      return null;
    end $$`.execute(db);
  await sql`create trigger job_write_log after update on scenario_runs for each row execute function log_job_write()`.execute(db);
}

/** The run, with its job's claim number and checkpoint (a run's job has the run's id). */
function jobRow(db: Kysely<Database>, id: string): Promise<JobRow> {
  return db
    .selectFrom('scenario_runs as r')
    .innerJoin('jobs as j', 'j.id', 'r.id')
    .select(['r.status', 'j.attempt', 'r.progress', 'j.state as checkpoint', 'r.result', 'j.heartbeat_at as heartbeat'])
    .where('r.id', '=', id)
    .executeTakeFirstOrThrow();
}

async function writesOf(db: Kysely<Database>): Promise<LoggedWrite[]> {
  const rows = await sql<LoggedWrite>`select seq::int as seq, app, attempt, status, progress from job_write_log order by seq`.execute(db);
  return rows.rows;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a server process paused while it computes a job', () => {
  const servers: ServerProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const settings = {
    REMPART_SECRET_KEY: randomBytes(32).toString('base64'),
    REMPART_RATE_LIMIT: '0',
    REMPART_JOB_STALE_SECONDS: String(STALE_SECONDS),
    REMPART_JOB_TURN_SECONDS: '1',
  };

  it('never runs it at the same time as another process: the job is finished once, its progress never goes back', { timeout: 900_000 }, async () => {
    let writes: LoggedWrite[];
    let final: JobRow;

    if (usingPostgres) {
      const database = await createTestDatabase();
      cleanups.push(() => database.close());
      const db = database.db;
      // A process paused inside a transaction loses it after a minute, so that its row locks cannot keep the job from the others.
      const { rows: timeout } = await sql<{ idle_in_transaction_session_timeout: string }>`show idle_in_transaction_session_timeout`.execute(db);
      expect(timeout[0].idle_in_transaction_session_timeout).toBe('1min');
      await actAs(SYSTEM, () => loadDemo(db, ORG));
      await logJobWrites(db);
      const job = await actAs(SYSTEM, () => enqueueRun(db, ORG, { kind: 'montecarlo', scenarios: ['pandemic-lockdown'], runs: RUNS, seed: SEED }));
      const row = () => jobRow(db, job.id);
      const env = { ...settings, DATABASE_URL: database.url };

      const first = await startServerProcess({ ...env, PGAPPNAME: 'rempart-a' });
      servers.push(first);
      // Running, with a checkpoint saved, so that the second process has runs to resume from.
      // Paused while it holds the job: between two turns it hands the job back (no heartbeat) and would then have
      // nothing to lose, so such a pause is undone and tried again.
      let pausedAttempt = 0;
      for (;;) {
        await until(
          'the first process to hold the job with a checkpoint',
          row,
          (current) => current.status === 'running' && current.checkpoint !== null && current.heartbeat !== null,
        );
        first.process.kill('SIGSTOP');
        const paused = await row();
        if (paused.status === 'running' && paused.heartbeat !== null) {
          // On a loaded machine the first process may already have lost and taken the job again on its own: the
          // claims that matter are those after the pause.
          pausedAttempt = paused.attempt;
          break;
        }
        first.process.kill('SIGCONT');
        await pause(100);
      }

      const second = await startServerProcess({ ...env, PGAPPNAME: 'rempart-b' });
      servers.push(second);
      const taken = await until('the second process to claim the job', row, (current) => current.attempt > pausedAttempt || current.status !== 'running');
      expect(taken).toMatchObject({ status: 'running', attempt: pausedAttempt + 1 });
      // Both now believe they hold the job: wake the first while the second computes.
      await until(
        'the second process to write progress',
        () => writesOf(db),
        (logged) => logged.some((w) => w.app === 'rempart-b' && w.progress > 0),
      );
      first.process.kill('SIGCONT');

      final = await until('the job to end', row, (current) => current.status !== 'running');
      // Woken, a process still computing the job notices at its next beat or turn (CLAIM_LOST) and stops; one that was
      // between two turns has nothing to notice. Either way it must write nothing under its old claim, which the write
      // log below judges, once it has had several beats' time to try.
      const woken = Date.now();
      while (!CLAIM_LOST.test(first.output()) && Date.now() - woken < (2 * STALE_SECONDS + 3) * 1000) await pause(100);
      // Woken, it serves requests as before; it simply stopped the job it no longer holds.
      expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
      await pause(1500);
      writes = await writesOf(db);

      expect(writes.every((w) => w.app === 'rempart-a' || w.app === 'rempart-b')).toBe(true);
      // Once a claim is made, no write under an older one follows: the claims never overlap. Each claim belongs to
      // one process: the first to the paused one, the second to the other. (On a loaded machine a heartbeat may
      // come late and the job change hands again: still never two holders at once.)
      const attempts = writes.map((w) => w.attempt);
      expect(attempts).toEqual([...attempts].sort((x, y) => x - y));
      const holders = new Map<number, Set<string>>();
      for (const w of writes) holders.set(w.attempt, (holders.get(w.attempt) ?? new Set()).add(w.app));
      for (const [attempt, apps] of holders) expect([attempt, apps.size]).toEqual([attempt, 1]);
      expect([...holders.get(1)!]).toEqual(['rempart-a']);
      // A claim the first process took again just before its pause may have written nothing.
      for (let attempt = 2; attempt <= pausedAttempt; attempt++) expect([attempt, ...(holders.get(attempt) ?? ['rempart-a'])]).toEqual([attempt, 'rempart-a']);
      expect([...(holders.get(pausedAttempt + 1) ?? [])]).toEqual(['rempart-b']);
    } else {
      const folder = await mkdtemp(join(tmpdir(), 'rempart-stall-'));
      cleanups.push(() => rm(folder, { recursive: true, force: true }));
      // Prepare the folder before the server holds it: the organisation, the write log, a member's session, the job.
      const setup: DatabaseHandle = await openDatabase({ dataDir: folder });
      const { jobId, cookie } = await (async () => {
        try {
          await actAs(SYSTEM, () => loadDemo(setup.db, ORG));
          await logJobWrites(setup.db);
          const passwordHash = await hashPassword('a password for the stalled process test');
          const session = await actAs(SYSTEM, () =>
            setup.db.transaction().execute(async (trx) => {
              const accounts = new AccountRepository(trx);
              const id = await accounts.insertUser({ email: 'stall@test.example', displayName: 'Stall', passwordHash, mustChange: false });
              await accounts.insertMembership(ORG, id, 'owner', 'Stall');
              return issueSession(trx, DEFAULT_SESSION_SETTINGS, (await accounts.user(id))!, { ip: '127.0.0.1', userAgent: 'test' });
            }),
          );
          const job = await actAs(SYSTEM, () => enqueueRun(setup.db, ORG, { kind: 'montecarlo', scenarios: ['pandemic-lockdown'], runs: RUNS, seed: SEED }));
          return { jobId: job.id, cookie: `${SESSION_COOKIE}=${session.token}` };
        } finally {
          await setup.close();
        }
      })();
      const env = { ...settings, DATABASE_URL: '' };

      const only = await startServerProcess(env, ['--data', folder]);
      servers.push(only);
      const read = async (): Promise<{ status: string; progress: number }> =>
        (await fetch(`${only.url}/api/orgs/${ORG}/runs/${jobId}`, { headers: { cookie } })).json();
      const seen: number[] = [];
      await until('the job to run', read, (run) => run.status === 'running' && run.progress > 0);
      only.process.kill('SIGSTOP');
      const stoppedAt = Date.now();
      // While it sleeps past the heartbeat limit, no other process can open the folder, so none can take the job.
      const other = await runCommand(['serve', '--port', '0', '--no-demo', '--data', folder], env, 60_000);
      expect(other.code, other.output).toBe(1);
      expect(other.output).toMatch(/data_folder_locked/);
      await pause(Math.max(0, STALE_SECONDS * 2000 - (Date.now() - stoppedAt)));
      only.process.kill('SIGCONT');
      // Woken, its heartbeat is stale but its claim still holds: it goes on and finishes.
      const ended = await until(
        'the job to end',
        async () => {
          const run = await read();
          seen.push(run.progress);
          return run;
        },
        (run) => run.status !== 'running',
      );
      expect(seen).toEqual([...seen].sort((x, y) => x - y));
      expect(ended.status).toBe('done');
      expect(only.output()).not.toMatch(CLAIM_LOST);
      await only.stop();

      const after = await openDatabase({ dataDir: folder });
      try {
        writes = await writesOf(after.db);
        final = await jobRow(after.db, jobId);
      } finally {
        await after.close();
      }
      // The only process may hand the job over to itself at the end of a turn (the recurring purges queued at
      // start-up take theirs), so claims follow one another; it never lost one (no CLAIM_LOST above).
      const attempts = writes.map((w) => w.attempt);
      expect(attempts).toEqual([...attempts].sort((x, y) => x - y));
    }

    // Both databases: finished once, as the last write; progress never went back; the result covers every run.
    expect(final).toMatchObject({ status: 'done', progress: 1, checkpoint: null, result: { runs: RUNS, seed: SEED } });
    expect(writes.filter((w) => w.status === 'done')).toHaveLength(1);
    expect(writes.at(-1)!.status).toBe('done');
    const progress = writes.map((w) => w.progress);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
  });
});
