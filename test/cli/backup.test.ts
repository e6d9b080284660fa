// `rempart backup` / `rempart restore`: a busy demo goes round trip losslessly (identical exports, row counts and rows),
// on the database under test and from an embedded folder into PostgreSQL (or another folder) with real processes;
// the refusals (non-empty target, newer schema, another server key, a file cut short) say what is wrong.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip, gunzipSync } from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RempartError } from '../../src/errors.js';
import { AlertRequest } from '../../src/model/alert.js';
import { IncidentDeclaration } from '../../src/model/incident.js';
import { createUser } from '../../src/operations/accounts.js';
import { configureAlerts } from '../../src/operations/alert-settings.js';
import { checkInAs, createAlert } from '../../src/operations/alerts.js';
import { declareIncident } from '../../src/operations/incidents.js';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { auditChains, configureAuditTrail, verifyChain, type AuditTrail } from '../../src/operations/audit.js';
import { catalogue, readBackupHeader, restoreBackup, writeBackup } from '../../src/operations/backup.js';
import { loadDemo } from '../../src/operations/demo.js';
import { uploadFile } from '../../src/operations/files.js';
import { exportModel } from '../../src/operations/model-writer.js';
import { createPerson, exportPeople } from '../../src/operations/people.js';
import { exportRiskSheet } from '../../src/operations/risk-register.js';
import { simulateStored } from '../../src/operations/scenarios.js';
import { DatabaseBlobStore } from '../../src/store/blob-store.js';
import { openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { runRempart } from '../support/cli.js';
import { createTestDatabase, usingPostgres } from '../support/database.js';

const key = randomBytes(32);
const folder = mkdtempSync(join(tmpdir(), 'rempart-backup-'));
let source: DatabaseHandle;
let trail: AuditTrail;
const opened: DatabaseHandle[] = [];
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, index) => index));

/** A fresh database with no schema yet, as `rempart restore` opens it. */
async function emptyDatabase(): Promise<DatabaseHandle & { url?: string }> {
  const handle = await createTestDatabase({ migrate: false });
  opened.push(handle);
  return handle;
}

/** Row count of every table. */
async function rowCounts(db: Kysely<Database>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await catalogue(db))
    counts[table.name] = Number((await sql<{ n: string }>`select count(*)::text as n from ${sql.id(table.name)}`.execute(db)).rows[0].n);
  return counts;
}

/** What users see of an organisation: its model, its risk register and its people directory, as exported. */
async function exportsOf(db: Kysely<Database>, org: string): Promise<string[]> {
  return [
    JSON.stringify(await exportModel(db, org), null, 2),
    (await exportRiskSheet(db, org, 'csv')).toString('base64'),
    (await exportPeople(db, org, 'csv')).toString('base64'),
  ];
}

/** The lines of a backup after its header (the header names when and from what it was made). */
async function bodyOf(file: string): Promise<string> {
  return gunzipSync(await readFile(file))
    .toString('utf8')
    .split('\n')
    .slice(1)
    .join('\n');
}

async function* once(bytes: Buffer) {
  yield new Uint8Array(bytes);
}

beforeAll(async () => {
  source = await createTestDatabase();
  trail = configureAuditTrail({ key, db: source.db, autoCheckpoint: false });
  // A busy demo: two organisations, an account and its membership, people, a simulation run and its live events,
  // a file of every byte value, a microsecond timestamp and a JSON null.
  await actAs(SYSTEM, async () => {
    await loadDemo(source.db, 'demo');
    await loadDemo(source.db, 'acme');
    await createUser(source.db, { email: 'claire@demo.example', password: 'a long passphrase 2026', membership: { org: 'demo', role: 'owner' } });
    await createPerson(source.db, 'demo', { id: 'new-1', name: 'Zoé Ñandú', email: 'zoe@demo.example', language: 'fr', activities: [], remoteCapable: true });
    await simulateStored(source.db, 'demo', 'pandemic-lockdown');
    // A crisis: an incident, an e-mail alert to everyone (its deliveries queued, link tokens issued), check-ins.
    configureAlerts({ secretKey: key, settings: { smtpUrl: 'smtp://127.0.0.1:2525' } });
    const actor = { id: null, label: 'test', roles: ['owner' as const], names: [] };
    const incident = await declareIncident(source.db, 'demo', IncidentDeclaration.parse({ title: 'Backup drill', severity: 'major' }), actor);
    const alert = AlertRequest.parse({ audience: { everyone: true }, channels: ['email'], message: { text: 'Please answer.' }, waves: { count: 1 } });
    await createAlert(source.db, 'demo', incident, alert, actor);
    const people = await sql<{ id: string }>`select id from people where org_id = 'demo' and email is not null order by id limit 3`.execute(source.db);
    for (const [index, person] of people.rows.entries())
      await checkInAs(source.db, 'demo', incident, person.id, { status: index === 0 ? 'need_help' : 'available_remote', note: undefined }, 'session');
    // Check-ins are announced (a live event) a moment later: the source stands still before it is backed up.
    for (let last = -1, now = 0; last !== now;) {
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      now = Number((await sql<{ n: string }>`select count(*)::text as n from live_events`.execute(source.db)).rows[0].n);
    }
    await uploadFile(
      new DatabaseBlobStore(source.db),
      { orgId: 'demo', name: 'bytes.bin', contentType: 'application/octet-stream', createdBy: null },
      once(ALL_BYTES),
    );
  });
  await sql`update people set updated_at = '2026-01-02 03:04:05.123456+00' where org_id = 'demo' and id = 'new-1'`.execute(source.db);
  await sql`insert into live_events (org_id, topic, type, data) values ('demo', 'test', 'json-null', 'null'::jsonb)`.execute(source.db);
}, 240_000);

afterAll(async () => {
  trail?.stop();
  for (const handle of opened) await handle.close().catch(() => {});
  await source?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('a busy demo goes round trip: identical exports, row counts, rows, audit chains that verify', async () => {
    const file = join(folder, 'all.jsonl.gz');
    const summary = await writeBackup(source.db, file, { key, source: source.kind });
    expect(summary.header).toMatchObject({ format: 'rempart-backup', version: 1, scope: 'all', orgs: [{ id: 'acme' }, { id: 'demo' }] });
    expect(summary.header.keyed.auditEntries).toBeGreaterThan(0);
    const target = await emptyDatabase();
    const restored = await restoreBackup(target.db, file, { key });
    expect(restored.rows).toBe(summary.rows);
    expect(restored.migrated).toEqual([]);

    const counts = await rowCounts(source.db);
    for (const table of [
      'incidents',
      'alerts',
      'alert_recipients',
      'alert_deliveries',
      'checkins',
      'follow_up_cases',
      'link_tokens',
      'scenario_runs',
      'blob_chunks',
    ])
      expect(counts[table], table).toBeGreaterThan(0);
    expect(await rowCounts(target.db)).toEqual(counts);
    for (const org of ['demo', 'acme']) expect(await exportsOf(target.db, org)).toEqual(await exportsOf(source.db, org));
    // Row for row: a backup of the restored database holds the same lines.
    const again = join(folder, 'again.jsonl.gz');
    await writeBackup(target.db, again, { key, source: target.kind });
    expect(await bodyOf(again)).toBe(await bodyOf(file));
    // Bytes, microseconds, a JSON null apart from SQL NULL, arrays.
    const blob = await sql<{ data: Buffer }>`select data from blob_chunks where org_id = 'demo'`.execute(target.db);
    expect(Buffer.concat(blob.rows.map((row) => row.data))).toEqual(ALL_BYTES);
    const stamp = await sql<{
      t: string;
    }>`select to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as t from people where id = 'new-1'`.execute(target.db);
    expect(stamp.rows[0].t).toBe('2026-01-02 03:04:05.123456');
    const json = await sql<{ kind: string }>`select jsonb_typeof(data) as kind from live_events where type = 'json-null'`.execute(target.db);
    expect(json.rows).toEqual([{ kind: 'null' }]);
    // Restoring wrote no live event of its own (triggers were off), and the identity goes on after the restored ids.
    const next = await sql<{ id: string }>`insert into live_events (org_id, topic, type, data) values ('demo', 't', 'x', '{}') returning id::text`.execute(
      target.db,
    );
    const max = await sql<{ id: string }>`select max(id)::text as id from live_events where type <> 'x'`.execute(source.db);
    expect(BigInt(next.rows[0].id)).toBeGreaterThan(BigInt(max.rows[0].id));
    for (const chain of await auditChains(target.db, null)) expect((await verifyChain(target.db, chain, { key })).ok, chain).toBe(true);
  }, 120_000);

  it('refuses a non-empty target, saying what it holds; --force replaces everything', async () => {
    const file = join(folder, 'all.jsonl.gz');
    const target = await emptyDatabase();
    await restoreBackup(target.db, file, { key });
    const refusal = await restoreBackup(target.db, file, { key }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RempartError);
    expect((refusal as RempartError).code).toBe('conflict');
    expect((refusal as RempartError).message).toMatch(/not empty: it holds 2 organisation\(s\) \(acme, demo\), \d+ rows in \d+ tables .*--force/);
    const forced = await restoreBackup(target.db, file, { key, force: true });
    expect(forced.replaced).toMatch(/^2 organisation/);
    expect(await rowCounts(target.db)).toEqual(await rowCounts(source.db));
    for (const chain of await auditChains(target.db, null)) expect((await verifyChain(target.db, chain, { key })).ok, chain).toBe(true);
  }, 120_000);

  it('one organisation: its rows only, whole chains, the accounts its members use; into a database with others', async () => {
    const file = join(folder, 'demo.jsonl.gz');
    const summary = await writeBackup(source.db, file, { org: 'demo', key, source: source.kind });
    expect(summary.header.scope).toBe('organisation');
    expect(summary.header.orgs.map((org) => org.id)).toEqual(['demo']);
    const text = gunzipSync(await readFile(file)).toString('utf8');
    expect(text).not.toMatch(/"org_id":"acme"/);
    expect(text).toMatch(/claire@demo\.example/);
    // Acme then demo, each from its own backup, into one database: both come back beside each other.
    const acme = join(folder, 'acme.jsonl.gz');
    await writeBackup(source.db, acme, { org: 'acme', key, source: source.kind });
    const target = await emptyDatabase();
    await restoreBackup(target.db, acme, { key });
    await restoreBackup(target.db, file, { key });
    const refusal = await restoreBackup(target.db, file, { key }).catch((error: unknown) => error);
    expect((refusal as RempartError).message).toMatch(/organisation "demo" already exists in the target database.*--force/);
    expect((await restoreBackup(target.db, file, { key, force: true })).replaced).toBe('the organisation "demo"');
    for (const org of ['demo', 'acme']) expect(await exportsOf(target.db, org)).toEqual(await exportsOf(source.db, org));
    // Every tenant row is back; only what belongs to no organisation (the accounts' own chain, global jobs) is not.
    const tenantRows = async (db: Kysely<Database>) => {
      const counts: Record<string, number> = {};
      for (const table of await catalogue(db))
        if (table.columns.includes('org_id') && !table.columns.includes('chain'))
          counts[table.name] = Number(
            (await sql<{ n: string }>`select count(*)::text as n from ${sql.id(table.name)} where org_id is not null`.execute(db)).rows[0].n,
          );
      return counts;
    };
    expect(await tenantRows(target.db)).toEqual(await tenantRows(source.db));
    for (const chain of await auditChains(target.db, null)) expect((await verifyChain(target.db, chain, { key })).ok, chain).toBe(true);
    expect((await auditChains(target.db, null)).sort()).toEqual((await auditChains(source.db, null)).filter((chain) => chain !== '@accounts').sort());
  }, 120_000);

  it('refuses a backup from a newer schema, another server key, a file cut short or not a backup; nothing is written', async () => {
    const file = join(folder, 'all.jsonl.gz');
    const lines: string[] = [];
    for await (const line of createInterface({ input: createReadStream(file).pipe(createGunzip()) })) lines.push(line);
    const write = async (name: string, content: string[]) => {
      const path = join(folder, name);
      await pipeline(Readable.from([`${content.join('\n')}\n`]), createGzip(), createWriteStream(path));
      return path;
    };
    const header = JSON.parse(lines[0]) as { migration: string };
    const newer = await write('newer.jsonl.gz', [JSON.stringify({ ...header, migration: '2099-01-01T0000-from-the-future' }), ...lines.slice(1)]);
    const cut = await write('cut.jsonl.gz', lines.slice(0, -40));
    const notBackup = join(folder, 'model.json');
    await writeFile(notBackup, '{"organisation": {}}');
    const target = await emptyDatabase();
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => null,
        (error: unknown) => error as RempartError,
      );

    const future = await failure(restoreBackup(target.db, newer, { key }));
    expect(future?.code).toBe('migration_mismatch');
    expect(future?.message).toMatch(/newer version of Rempart \(its schema ends with migration 2099-01-01T0000-from-the-future, unknown here/);
    expect(future?.message).not.toMatch(/\n/);

    const otherKey = await failure(restoreBackup(target.db, file, { key: randomBytes(32) }));
    expect(otherKey?.code).toBe('conflict');
    expect(otherKey?.message).toMatch(/keyed with the server key [0-9a-f]{16}, but this server's key is [0-9a-f]{16}.*--ignore-key/);
    expect((await failure(restoreBackup(target.db, file, { key: null })))?.message).toMatch(/this server has no key yet/);

    expect((await failure(restoreBackup(target.db, cut, { key })))?.message).toMatch(/cut short/);
    expect((await failure(restoreBackup(target.db, notBackup, { key })))?.code).toBe('invalid_input');
    // Nothing of the refused restores stayed: the next one finds an empty database.
    expect(Object.values(await rowCounts(target.db)).every((count) => count === 0)).toBe(true);

    // Under another key on purpose: restored, and the verification then says the keyed entries do not hold.
    await restoreBackup(target.db, file, { key: randomBytes(32), ignoreKey: true });
    const reports = await Promise.all((await auditChains(target.db, null)).map((chain) => verifyChain(target.db, chain, { key: randomBytes(32) })));
    expect(reports.some((report) => !report.ok)).toBe(true);
    expect((await readBackupHeader(file)).tables.length).toBe((await catalogue(source.db)).length);
  }, 120_000);
});

describe('rempart backup and restore, real processes', () => {
  it(`moves an embedded data folder into ${usingPostgres ? 'PostgreSQL' : 'another data folder'}; audit verify holds there`, async () => {
    const data = join(folder, 'embedded');
    const secret = randomBytes(32).toString('base64');
    const embedded = await openDatabase({ dataDir: data });
    configureAuditTrail({ key: Buffer.from(secret, 'base64'), db: embedded.db, autoCheckpoint: false });
    await actAs(SYSTEM, () => loadDemo(embedded.db, 'demo'));
    await embedded.close();
    trail = configureAuditTrail({ key, db: source.db, autoCheckpoint: false });
    const env = { REMPART_SECRET_KEY: secret };
    const file = join(folder, 'cli.jsonl.gz');
    const backup = await runRempart(['backup', file, '--data', data], { env });
    expect(backup.stderr).toBe('');
    expect(backup.stdout).toMatch(/^Wrote .*cli\.jsonl\.gz: 1 organisation\(s\), \d+ rows in \d+ tables, schema \S+ \(/);

    // The PostgreSQL database stays open here without a schema: `restore` wants it empty (dropped in afterAll).
    const target = usingPostgres ? await emptyDatabase() : undefined;
    const into = target ? { env: { ...env, DATABASE_URL: target.url! }, args: [] } : { env, args: ['--data', join(folder, 'restored')] };
    const restore = await runRempart(['restore', file, ...into.args], { env: into.env });
    expect(restore.stderr).toBe('');
    expect(restore.stdout).toMatch(/^Restored .* into (postgres|embedded) .*1 organisation\(s\), \d+ rows/);
    const verify = await runRempart(['audit', 'verify', ...into.args], { env: into.env });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/organisation demo: \d+ entries, chain intact/);
    const before = await runRempart(['export', '--data', data], { env });
    const after = await runRempart(['export', ...into.args], { env: into.env });
    expect(after.stdout).toBe(before.stdout);
    expect(before.stdout.length).toBeGreaterThan(10_000);
    // A backup from a newer version: one line, and no database created for it; a missing file likewise.
    const elsewhere = join(folder, 'never-created');
    const newer = await runRempart(['restore', join(folder, 'newer.jsonl.gz'), '--data', elsewhere], { env });
    expect(newer.code).toBe(1);
    expect(newer.stderr).toMatch(/^error \(migration_mismatch\): .*newer version of Rempart .*2099-01-01T0000-from-the-future, unknown here.*\n$/);
    expect(newer.stderr.trim().split('\n')).toHaveLength(1);
    const missing = await runRempart(['restore', join(folder, 'missing.jsonl.gz'), '--data', elsewhere], { env });
    expect(missing.stderr).toMatch(/^error: cannot open .*missing\.jsonl\.gz: no such file or folder\n$/);
    expect(existsSync(elsewhere)).toBe(false);
    // Again into the same place: refused, with what is there.
    const again = await runRempart(['restore', file, ...into.args], { env: into.env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error \(conflict\): The target database is not empty: it holds 1 organisation\(s\) \(demo\)/);
  }, 180_000);
});
