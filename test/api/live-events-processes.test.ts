// Live events across real server processes: a run cancelled through one process reaches a browser's event stream
// opened on another within a second, and a stream resumed with Last-Event-ID on the other process misses nothing.
// PostgreSQL: two `rempart serve` processes on one database. Embedded: one process (a data folder has one owner),
// so the same requests go to the same process.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { createUser } from '../../src/operations/accounts.js';
import { loadDemo } from '../../src/operations/demo.js';
import { createApiToken } from '../../src/operations/members.js';
import { openDatabase } from '../../src/store/database.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { createTestDatabase, usingPostgres } from '../support/database.js';
import { openEventStream } from '../support/event-stream.js';

const ORG = 'live';
const servers: ServerProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
let writer: ServerProcess;
let reader: ServerProcess;
let token: string;

beforeAll(async () => {
  // Both processes serve only: the runs stay queued until the test cancels them.
  const env: NodeJS.ProcessEnv = { REMPART_SECRET_KEY: randomBytes(32).toString('base64'), REMPART_RATE_LIMIT: '0', REMPART_JOBS: '0' };
  const prepare = async (db: Parameters<typeof loadDemo>[0]) => {
    await actAs(SYSTEM, () => loadDemo(db, ORG));
    const { userId } = await actAs(SYSTEM, () => createUser(db, { email: 'live@rempart.example', membership: { org: ORG, role: 'continuityManager' } }));
    token = (await actAs(SYSTEM, () => createApiToken(db, ORG, userId, { name: 'live events', role: 'continuityManager', expiresInDays: 1 }))).secret;
  };
  if (usingPostgres) {
    const database = await createTestDatabase();
    cleanups.push(() => database.close());
    await prepare(database.db);
    writer = await startServerProcess({ ...env, DATABASE_URL: database.url });
    servers.push(writer);
    reader = await startServerProcess({ ...env, DATABASE_URL: database.url });
    servers.push(reader);
  } else {
    const folder = await mkdtemp(join(tmpdir(), 'rempart-live-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const database = await openDatabase({ dataDir: folder });
    await prepare(database.db);
    await database.close();
    writer = await startServerProcess({ ...env, DATABASE_URL: '' }, ['--data', folder]);
    servers.push(writer);
    reader = writer;
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A stream opened with the suite's API token. */
const openStream = (url: string, headers: Record<string, string> = {}) => openEventStream(url, { authorization: `Bearer ${token}`, ...headers });

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function queueRun(): Promise<string> {
  const response = await fetch(`${writer.url}/api/orgs/${ORG}/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'montecarlo', scenario: 'pandemic-lockdown', runs: 100, seed: 1 }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function cancel(run: string): Promise<number> {
  const response = await fetch(`${writer.url}/api/orgs/${ORG}/runs/${run}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return performance.now();
}

describe(usingPostgres ? 'live events across two server processes on one PostgreSQL' : 'live events on the embedded server', () => {
  it('brings a change written through one process to a stream on the other in under a second', { timeout: 60_000 }, async () => {
    const run = await queueRun();
    const stream = await openStream(`${reader.url}/api/orgs/${ORG}/runs/${run}/events`);
    await until(() => stream.events.length >= 1, 'the current state');
    expect(stream.events[0]).toMatchObject({ type: 'progress', data: { status: 'queued' } });

    const cancelledAt = await cancel(run);
    await until(() => stream.events.some((event) => event.type === 'end'), 'the end event');
    const end = stream.events.find((event) => event.type === 'end')!;
    expect(end.data).toMatchObject({ id: run, status: 'cancelled' });
    expect(end.id).toMatch(/^\d+$/);
    expect(end.at - cancelledAt).toBeLessThan(1_000);
    // The stream ends with the run.
    await stream.done;
  });

  it('replays what a stream missed when it comes back with Last-Event-ID, on either process', { timeout: 60_000 }, async () => {
    const run = await queueRun();
    // A stream that only heard of the run's creation (event ids are what the trigger wrote).
    const first = await openStream(`${writer.url}/api/orgs/${ORG}/runs/${run}/events`);
    await until(() => first.events.length >= 1, 'the current state');
    first.close();
    await first.done;
    const created = await fetch(`${writer.url}/api/orgs/${ORG}/runs/${run}`, { headers: { authorization: `Bearer ${token}` } });
    expect(created.status).toBe(200);
    // While no stream is open, the run is cancelled.
    await cancel(run);
    // Resuming from before the cancellation (id 1: every event of this run is after it) replays it on the other process.
    const resumed = await openStream(`${reader.url}/api/orgs/${ORG}/runs/${run}/events`, { 'last-event-id': '1' });
    await until(() => resumed.events.some((event) => event.type === 'end'), 'the replayed end');
    expect(resumed.events.map((event) => event.type)).toEqual(['progress', 'end']);
    expect(resumed.events.map((event) => event.id).every((id) => id !== undefined)).toBe(true);
    expect(resumed.events[1].data).toMatchObject({ id: run, status: 'cancelled' });
    await resumed.done;
  });
});
