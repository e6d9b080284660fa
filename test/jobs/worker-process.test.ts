// `rempart worker` as a process of its own. PostgreSQL: a job queued through a `serve --no-jobs` process (which
// never runs it) is run by a worker process on the same database, and the worker hands nothing back half-done on
// SIGTERM. Embedded: a data folder has one owner, so there `rempart worker` alone on the folder runs a job queued
// before it started.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { loadDemo } from '../../src/operations/demo.js';
import { enqueueRun } from '../../src/operations/scenarios.js';
import { csrfTokenOf, DEFAULT_SESSION_SETTINGS, issueSession } from '../../src/operations/sessions.js';
import { hashPassword } from '../../src/security/passwords.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/server/access.js';
import { AccountRepository } from '../../src/store/account-repository.js';
import { openDatabase } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { createTestDatabase, usingPostgres } from '../support/database.js';
import { runCommand, startServerProcess, startWorkerProcess, type ServerProcess } from '../support/server-process.js';
import { until } from '../support/until.js';

const ORG = 'workers';
const settings = { REMPART_SECRET_KEY: randomBytes(32).toString('base64'), REMPART_RATE_LIMIT: '0' };

/** An owner of the organisation with a session: the cookie and CSRF header a request needs. */
async function ownerSession(db: Kysely<Database>): Promise<Record<string, string>> {
  const passwordHash = await hashPassword('a password for the worker process test');
  const session = await actAs(SYSTEM, () =>
    db.transaction().execute(async (trx) => {
      const accounts = new AccountRepository(trx);
      const id = await accounts.insertUser({ email: 'worker@test.example', displayName: 'Worker', passwordHash, mustChange: false });
      await accounts.insertMembership(ORG, id, 'owner', 'Worker');
      return issueSession(trx, DEFAULT_SESSION_SETTINGS, (await accounts.user(id))!, { ip: '127.0.0.1', userAgent: 'test' });
    }),
  );
  return { cookie: `${SESSION_COOKIE}=${session.token}`, [CSRF_HEADER]: csrfTokenOf(session.token), 'content-type': 'application/json' };
}

const runOf = (db: Kysely<Database>, id: string) => db.selectFrom('scenario_runs').select(['status', 'result']).where('id', '=', id).executeTakeFirstOrThrow();

describe('rempart worker', () => {
  const processes: ServerProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    await Promise.all(processes.map((child) => child.stop()));
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('runs the jobs that serving processes only queue', { timeout: 300_000 }, async () => {
    if (usingPostgres) {
      const database = await createTestDatabase();
      cleanups.push(() => database.close());
      await actAs(SYSTEM, () => loadDemo(database.db, ORG));
      const headers = await ownerSession(database.db);
      const env = { ...settings, DATABASE_URL: database.url };

      const server = await startServerProcess(env, ['--no-jobs']);
      processes.push(server);
      const queued = await fetch(`${server.url}/api/orgs/${ORG}/runs`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ kind: 'montecarlo', scenario: 'pandemic-lockdown', runs: 2000, seed: 5 }),
      });
      expect(queued.status, await queued.clone().text()).toBe(202);
      const run = (await queued.json()) as { id: string };
      // The serving process does not run it.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await runOf(database.db, run.id)).status).toBe('queued');

      const worker = await startWorkerProcess(env);
      processes.push(worker);
      const finished = await until(
        'the worker to run the job',
        () => runOf(database.db, run.id),
        (current) => current.status === 'done' || current.status === 'failed',
      );
      expect(finished).toMatchObject({ status: 'done', result: { runs: 2000, seed: 5 } });
      // The API of the serving process shows what the worker wrote.
      const read = await fetch(`${server.url}/api/orgs/${ORG}/runs/${run.id}`, { headers });
      expect(await read.json()).toMatchObject({ status: 'done', progress: 1 });
      await worker.stop();
      expect(worker.process.exitCode).toBe(0);
    } else {
      const folder = await mkdtemp(join(tmpdir(), 'rempart-worker-'));
      cleanups.push(() => rm(folder, { recursive: true, force: true }));
      const setup = await openDatabase({ dataDir: folder });
      let runId: string;
      try {
        await actAs(SYSTEM, () => loadDemo(setup.db, ORG));
        runId = (await actAs(SYSTEM, () => enqueueRun(setup.db, ORG, { kind: 'montecarlo', scenarios: ['pandemic-lockdown'], runs: 2000, seed: 5 }))).id;
      } finally {
        await setup.close();
      }
      const env = { ...settings, DATABASE_URL: '' };
      // The folder cannot be read while the worker holds it: stop the worker now and then (SIGTERM hands its job
      // back from its last checkpoint), look, and start another until the job is done.
      let status = 'queued';
      for (let round = 0; round < 40 && status !== 'done'; round++) {
        const worker = await startWorkerProcess(env, ['--data', folder]);
        processes.push(worker);
        if (round === 0) {
          const other = await runCommand(['serve', '--port', '0', '--no-demo', '--data', folder], env, 60_000);
          expect(other.output).toMatch(/data_folder_locked/);
        }
        await new Promise((resolve) => setTimeout(resolve, 3000));
        await worker.stop();
        expect(worker.process.exitCode, worker.output()).toBe(0);
        const after = await openDatabase({ dataDir: folder });
        try {
          status = (await runOf(after.db, runId)).status;
        } finally {
          await after.close();
        }
      }
      expect(status).toBe('done');
    }
  });
});
