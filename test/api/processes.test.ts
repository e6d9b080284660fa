// Several processes, one database (issue 16). PostgreSQL: two `rempart serve --no-jobs` processes and one `rempart
// worker`. An alert posted through the first is sent by the worker to a real SMTP sink, once per person; a check-in
// answered through the first, from the link of a mail, reaches an incident stream opened on the second in under a
// second. Embedded: one process (a data folder has one owner) runs the same requests and jobs.
// What this file does not repeat: a job surviving the SIGKILL of its worker mid-send, with nobody skipped and no
// message sent twice but those in flight (test/jobs/alert-send-crash.test.ts); a run cancelled through one process
// reaching a stream on another, and Last-Event-ID replay across processes (test/api/live-events-processes.test.ts);
// sessions kept in the database (test/jobs/worker-process.test.ts opens one there and a server process honours it).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { createUser } from '../../src/operations/accounts.js';
import { loadDemo } from '../../src/operations/demo.js';
import { createApiToken } from '../../src/operations/members.js';
import { openDatabase } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { createTestDatabase, usingPostgres } from '../support/database.js';
import { openEventStream } from '../support/event-stream.js';
import { startServerProcess, startWorkerProcess, type ServerProcess } from '../support/server-process.js';
import { mailText, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';

const ORG = 'procs';
const PUBLIC_URL = 'http://rempart.test';
const processes: ServerProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
let sink: SmtpSink;
let writer: ServerProcess;
let reader: ServerProcess;
let token: string;
let people: Array<{ id: string; email: string }>;

async function prepare(db: Kysely<Database>): Promise<void> {
  await actAs(SYSTEM, () => loadDemo(db, ORG));
  const { userId } = await actAs(SYSTEM, () => createUser(db, { email: 'crisis@procs.example', membership: { org: ORG, role: 'owner' } }));
  token = (await actAs(SYSTEM, () => createApiToken(db, ORG, userId, { name: 'processes', role: 'owner', expiresInDays: 1 }))).secret;
  people = (await db
    .selectFrom('people')
    .select(['id', 'email'])
    .where('org_id', '=', ORG)
    .where('email', 'is not', null)
    .orderBy('id')
    .limit(5)
    .execute()) as Array<{
    id: string;
    email: string;
  }>;
}

beforeAll(async () => {
  sink = await startSmtpSink();
  const env: NodeJS.ProcessEnv = {
    REMPART_SECRET_KEY: randomBytes(32).toString('base64'),
    REMPART_RATE_LIMIT: '0',
    REMPART_SMTP_URL: sink.url,
    REMPART_PUBLIC_URL: PUBLIC_URL,
  };
  if (usingPostgres) {
    const database = await createTestDatabase();
    cleanups.push(() => database.close());
    await prepare(database.db);
    const shared = { ...env, DATABASE_URL: database.url };
    [writer, reader] = await Promise.all([startServerProcess(shared, ['--no-jobs']), startServerProcess(shared, ['--no-jobs'])]);
    processes.push(writer, reader, await startWorkerProcess(shared));
  } else {
    const folder = await mkdtemp(join(tmpdir(), 'rempart-processes-'));
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const database = await openDatabase({ dataDir: folder });
    await prepare(database.db);
    await database.close();
    writer = await startServerProcess({ ...env, DATABASE_URL: '' }, ['--data', folder]);
    reader = writer;
    processes.push(writer);
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(processes.map((process) => process.stop()));
  for (const cleanup of cleanups.reverse()) await cleanup();
  await sink?.close();
});

async function api(server: ServerProcess, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}/api/orgs/${ORG}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, json: (await response.json()) as { id?: string; items?: Array<{ kind: string }> } };
}

describe(usingPostgres ? 'two server processes and a worker on one PostgreSQL' : 'one server process on the embedded database', () => {
  it(
    'sends an alert once per person through the worker, and brings a check-in answered on one process to a stream on the other in under a second',
    { timeout: 120_000 },
    async () => {
      const incident = await api(writer, 'POST', '/incidents', { title: 'Processes', severity: 'major' });
      expect(incident.status, JSON.stringify(incident.json)).toBe(201);
      const id = incident.json.id!;
      const alert = await api(writer, 'POST', `/incidents/${id}/alerts`, {
        audience: { people: people.map((person) => person.id) },
        channels: ['email'],
        message: { subject: 'Processes', text: 'Are you available?' },
        waves: { count: 1 },
      });
      expect(alert.status, JSON.stringify(alert.json)).toBe(202);

      // Sent by the worker (the servers run no jobs): one message per person, and no second one once the job is done.
      await until(
        'every mail',
        () => sink.mails.length,
        (count) => count >= people.length,
        60_000,
      );
      const job = await until(
        'the send job done',
        async () => (await api(reader, 'GET', '/jobs?status=done')).json.items ?? [],
        (items) => items.some((item) => item.kind.startsWith('alert')),
        30_000,
      );
      expect(job.length).toBeGreaterThan(0);
      expect(sink.mails.map((mail) => mail.to[0]).sort()).toEqual(people.map((person) => person.email.toLowerCase()).sort());

      const stream = await openEventStream(`${reader.url}/api/orgs/${ORG}/incidents/${id}/events`, { authorization: `Bearer ${token}` });
      try {
        const link = /\/c\/(rmpl_[A-Za-z0-9._-]+)/.exec(mailText(sink.mails[0].raw))![1];
        const answeredAt = performance.now();
        const answer = await fetch(`${writer.url}/c/${link}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ status: 'available_remote' }),
        });
        expect(answer.status).toBe(200);
        await until('the check-in on the other process', () => stream.events.find((event) => event.type === 'checkins'), Boolean, 10_000);
        const heard = stream.events.find((event) => event.type === 'checkins')!;
        expect(heard.data).toMatchObject({ answers: 1 });
        expect(heard.at - answeredAt).toBeLessThan(1_000);
      } finally {
        stream.close();
        await stream.done;
      }
      expect(sink.mails).toHaveLength(people.length);
    },
  );
});
