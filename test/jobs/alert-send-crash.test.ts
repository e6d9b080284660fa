// A `rempart worker` killed (SIGKILL) while it sends a 10,000-person e-mail alert (as the issue asks) to a real SMTP
// sink, then another worker on the same database (or the same embedded folder, whose lock a killed process leaves to
// the next): every person gets their message, and only the few messages in flight at the kill (sent, not yet
// recorded) may go twice, with the same Message-ID (a receiving system shows them as one).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertRequest } from '../../src/model/alert.js';
import { IncidentDeclaration } from '../../src/model/incident.js';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { configureAlerts } from '../../src/operations/alert-settings.js';
import { createAlert } from '../../src/operations/alerts.js';
import { loadDemo } from '../../src/operations/demo.js';
import { declareIncident } from '../../src/operations/incidents.js';
import { openDatabase } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { createTestDatabase, usingPostgres } from '../support/database.js';
import { startWorkerProcess, type ServerProcess } from '../support/server-process.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';

const ORG = 'crash';
const EXTRA = 8796;
const SECRET = randomBytes(32);

/** The demo's 1,204 staff and 8,796 more (10,000), an incident and an e-mail alert to everyone; returns how many people. */
async function prepare(db: Kysely<Database>, smtpUrl: string): Promise<number> {
  await actAs(SYSTEM, () => loadDemo(db, ORG));
  await sql`
    insert into people (org_id, id, name, email, language)
    select ${ORG}, 'X' || lpad(n::text, 5, '0'), 'Extra ' || n, 'extra' || n || '@crash.example', case when n % 2 = 0 then 'fr' else 'en' end
    from generate_series(1, ${EXTRA}) as n`.execute(db);
  configureAlerts({ secretKey: SECRET, settings: { smtpUrl, chunkSize: 500 } });
  const actor = { id: null, label: 'test', roles: ['owner' as const], names: [] };
  const incident = await actAs(SYSTEM, () => declareIncident(db, ORG, IncidentDeclaration.parse({ title: 'Crash test', severity: 'major' }), actor));
  const request = AlertRequest.parse({ audience: { everyone: true }, channels: ['email'], message: { text: 'Please answer.' }, waves: { count: 1 } });
  const { recipients } = await actAs(SYSTEM, () => createAlert(db, ORG, incident, request, actor));
  return recipients;
}

describe('a worker killed mid-send', () => {
  const workers: ServerProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  let sink: SmtpSink;
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    for (const cleanup of cleanups.reverse()) await cleanup();
    await sink?.close();
  });

  it('resumes on another worker: nobody skipped, nobody sent twice but the messages in flight', { timeout: 600_000 }, async () => {
    sink = await startSmtpSink();
    const env: NodeJS.ProcessEnv = {
      REMPART_SECRET_KEY: SECRET.toString('base64'),
      REMPART_SMTP_URL: sink.url,
      REMPART_JOB_STALE_SECONDS: '3',
      REMPART_ALERT_CHUNK: '500',
    };
    let people: number;
    let readStates: () => Promise<Record<string, number>>;
    if (usingPostgres) {
      const database = await createTestDatabase();
      cleanups.push(() => database.close());
      people = await prepare(database.db, sink.url);
      env.DATABASE_URL = database.url;
      readStates = async () => states(database.db);
    } else {
      const folder = await mkdtemp(join(tmpdir(), 'rempart-alert-crash-'));
      cleanups.push(() => rm(folder, { recursive: true, force: true }));
      const setup = await openDatabase({ dataDir: folder });
      people = await prepare(setup.db, sink.url);
      await setup.close();
      env.REMPART_DATA = folder;
      // The folder has one owner at a time: read it once the last worker has stopped.
      readStates = async () => {
        const reader = await openDatabase({ dataDir: folder });
        try {
          return await states(reader.db);
        } finally {
          await reader.close();
        }
      };
    }
    expect(people).toBe(10_000);

    const first = await startWorkerProcess(env);
    workers.push(first);
    await until(
      'the first messages',
      () => sink.mails.length,
      (n) => n >= 300,
      120_000,
    );
    first.process.kill('SIGKILL');
    await new Promise<void>((resolve) =>
      first.process.exitCode !== null || first.process.signalCode !== null ? resolve() : first.process.once('exit', () => resolve()),
    );
    const atKill = sink.mails.length;
    expect(atKill, 'killed mid-send').toBeLessThan(people);

    const second = await startWorkerProcess(env);
    workers.push(second);
    const distinct = () => new Set(sink.mails.map((mail) => mail.messageId)).size;
    await until('every person’s message', distinct, (n) => n >= people);
    // A moment more: anything sent twice would arrive now.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await second.stop();

    const byId = new Map<string, number>();
    for (const mail of sink.mails) byId.set(mail.messageId!, (byId.get(mail.messageId!) ?? 0) + 1);
    const recipients = new Set(sink.mails.flatMap((mail) => mail.to));
    const twice = [...byId.values()].filter((count) => count > 1).length;
    console.log(`alert crash: ${people} people, ${atKill} mails at the kill, ${sink.mails.length} received, ${twice} sent twice`);
    expect(recipients.size).toBe(people);
    expect(byId.size).toBe(people);
    // At most the messages in flight on the killed worker's ten SMTP connections.
    expect(twice).toBeLessThanOrEqual(10);
    expect([...byId.values()].every((count) => count <= 2)).toBe(true);
    expect(await readStates()).toEqual({ sent: people });
  });
});

async function states(db: Kysely<Database>): Promise<Record<string, number>> {
  const { rows } = await sql<{ state: string; n: string }>`select state, count(*) as n from alert_deliveries where org_id = ${ORG} group by state`.execute(db);
  return Object.fromEntries(rows.map((row) => [row.state, Number(row.n)]));
}
