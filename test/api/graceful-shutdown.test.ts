// Graceful shutdown of a real `rempart serve` process: on SIGTERM it accepts no new connection, finishes the request
// in flight (a sign-in whose body is still arriving), ends its event streams at once, cuts a stalled upload when the
// grace period is over, hands the Monte Carlo job it was computing back (claimable at once by another process),
// closes the database and exits 0.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { loadDemo } from '../../src/operations/demo.js';
import { csrfTokenOf, DEFAULT_SESSION_SETTINGS, issueSession } from '../../src/operations/sessions.js';
import { hashPassword } from '../../src/security/passwords.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/server/access.js';
import { AccountRepository } from '../../src/store/account-repository.js';
import { openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { createTestDatabase, usingPostgres } from '../support/database.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { until } from '../support/until.js';

const ORG = 'stopping';
const env = { REMPART_SECRET_KEY: randomBytes(32).toString('base64'), REMPART_RATE_LIMIT: '0', REMPART_SHUTDOWN_GRACE_SECONDS: '3' };

/** The organisation, and an owner's session headers. */
async function prepare(db: Kysely<Database>): Promise<Record<string, string>> {
  await actAs(SYSTEM, () => loadDemo(db, ORG));
  const passwordHash = await hashPassword('a password for the shutdown test');
  const session = await actAs(SYSTEM, () =>
    db.transaction().execute(async (trx) => {
      const accounts = new AccountRepository(trx);
      const id = await accounts.insertUser({ email: 'stop@test.example', displayName: 'Stop', passwordHash, mustChange: false });
      await accounts.insertMembership(ORG, id, 'owner', 'Stop');
      return issueSession(trx, DEFAULT_SESSION_SETTINGS, (await accounts.user(id))!, { ip: '127.0.0.1', userAgent: 'test' });
    }),
  );
  return { cookie: `${SESSION_COOKIE}=${session.token}`, [CSRF_HEADER]: csrfTokenOf(session.token), 'content-type': 'application/json' };
}

describe('rempart serve on SIGTERM', () => {
  let server: ServerProcess | undefined;
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    await server?.stop();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('finishes the request in flight, ends its streams, cuts a stalled upload after the grace, hands its job back, exits 0', { timeout: 240_000 }, async () => {
    let processEnv: NodeJS.ProcessEnv;
    let reopen: () => Promise<DatabaseHandle>;
    let headers: Record<string, string>;
    if (usingPostgres) {
      const database = await createTestDatabase();
      cleanups.push(() => database.close());
      headers = await prepare(database.db);
      processEnv = { ...env, DATABASE_URL: database.url };
      reopen = async () => ({ ...database, close: async () => {} });
    } else {
      const folder = await mkdtemp(join(tmpdir(), 'rempart-shutdown-'));
      cleanups.push(() => rm(folder, { recursive: true, force: true }));
      const database = await openDatabase({ dataDir: folder });
      headers = await prepare(database.db);
      await database.close();
      processEnv = { ...env, REMPART_DATA: folder };
      reopen = () => openDatabase({ dataDir: folder });
    }
    server = await startServerProcess(processEnv);
    const url = new URL(server.url);

    // A long Monte Carlo job the server is computing.
    const queued = await fetch(`${server.url}/api/orgs/${ORG}/runs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ kind: 'montecarlo', scenario: 'pandemic-lockdown', runs: 100_000, seed: 3 }),
    });
    expect(queued.status, await queued.clone().text()).toBe(202);
    const run = (await queued.json()) as { id: string };
    await until(
      'the run to start',
      async () => ((await (await fetch(`${server!.url}/api/orgs/${ORG}/runs/${run.id}`, { headers })).json()) as { status: string }).status,
      (status) => status === 'running',
    );

    // An event stream (open until closed) and a sign-in whose body is only half sent.
    const stream = await fetch(`${server.url}/api/orgs/${ORG}/runs/${run.id}/events`, { headers });
    expect(stream.status).toBe(200);
    let streamEndedAt = 0;
    const streamEnded = (async () => {
      const reader = stream.body!.getReader();
      try {
        while (!(await reader.read()).done);
      } catch {
        // cut: ended all the same
      }
      streamEndedAt = Date.now();
      return 'ended';
    })();
    const body = JSON.stringify({ email: 'nobody@test.example', password: 'not the password of anyone' });
    const slow = new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/auth/sign-in',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode!);
        },
      );
      request.on('error', reject);
      request.write(body.slice(0, 10));
      setTimeout(() => request.end(body.slice(10)), 1500);
    });
    // An upload that stalls: its body never completes, so only the grace period ends it.
    const stalled = new Promise<string>((resolve) => {
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/auth/sign-in',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': 1000 },
        },
        (response) => resolve(`answered ${response.statusCode}`),
      );
      request.on('error', () => resolve('cut'));
      request.write('{"email":');
    });
    await new Promise((resolve) => setTimeout(resolve, 200));

    const signalled = Date.now();
    const exited = new Promise<number | null>((resolve) => server!.process.once('exit', (code) => resolve(code)));
    server.process.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // No new connection is taken.
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
    // The request in flight gets its answer (the wrong password's), not a cut connection.
    expect(await slow).toBe(401);
    // The event stream is ended at once (its browser reconnects elsewhere); the stalled upload when the grace is over.
    expect(await streamEnded).toBe('ended');
    expect(streamEndedAt - signalled).toBeLessThan(1500);
    expect(await stalled).toBe('cut');
    expect(await exited).toBe(0);
    const took = Date.now() - signalled;
    expect(took).toBeLessThan(15_000);
    // The stalled upload was what the grace period had to close (logged at warn, the level these processes run at).
    expect(server.output()).toMatch(/shutdown grace period over: closing the connections still open/);

    // The job was handed back: still running, with no heartbeat, so any process claims it at once.
    const database = await reopen();
    try {
      const job = await database.db
        .selectFrom('jobs')
        .select(['status', 'heartbeat_at', 'attempt'])
        .where('org_id', '=', ORG)
        .where('kind', '=', 'runs.montecarlo')
        .executeTakeFirstOrThrow();
      expect(job).toMatchObject({ status: 'running', heartbeat_at: null, attempt: 1 });
    } finally {
      await database.close();
    }
    server = undefined;
  });
});
