// The audit chain: canonical hashing, keyed hashes and signed checkpoints; detection of edited, deleted, reordered,
// truncated, recomputed and wholly deleted entries and of tampered checkpoints; no fork under concurrency.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.js';
import { CheckpointStore } from '../security/audit-checkpoints.js';
import type { DatabaseHandle } from '../store/database.js';
import { actAs } from './actor.js';
import {
  auditChains,
  canonicalJson,
  configureAuditTrail,
  describeReport,
  entryHash,
  fieldsOf,
  HASH_KEYED,
  HASH_PLAIN,
  listAudit,
  recordAudit,
  verifyChain,
  writeCheckpoint,
  type AuditTrail,
} from './audit.js';

const key = randomBytes(32);
let database: DatabaseHandle;
let folder: string;
let trail: AuditTrail;
beforeAll(async () => {
  database = await createTestDatabase();
  folder = mkdtempSync(join(tmpdir(), 'rempart-audit-'));
});
beforeEach(() => {
  // Checkpoints only when a test flushes, so that what a test tampers with is exactly what it checkpointed.
  trail = configureAuditTrail({ key, checkpointDir: folder, db: database.db, autoCheckpoint: false, onProblem: (message) => problems.push(message) });
  problems.length = 0;
});
afterAll(async () => {
  trail?.stop();
  await database?.close();
  rmSync(folder, { recursive: true, force: true });
});

const problems: string[] = [];
const acting = { actor: { type: 'user' as const, id: 'u-1', label: 'claire@example.com' }, source: '192.0.2.1' };

async function append(chain: string, count: number): Promise<void> {
  for (let i = 1; i <= count; i++)
    await actAs(acting, () =>
      database.db.transaction().execute((trx) =>
        recordAudit(trx, {
          org: chain,
          action: 'update',
          entityType: 'site',
          entityId: `s${i}`,
          before: { seats: i - 1, nested: { b: 1, a: [1, { z: 0, y: null }] } },
          after: { seats: i, ratio: 0.1 + 0.2, big: 1e21 },
        }),
      ),
    );
}

/** Runs statements as a superuser would to get past the append-only triggers: replication role, triggers off. */
async function tamper(...statements: Array<RawBuilder<unknown>>): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    for (const statement of statements) await statement.execute(trx);
  });
}

/** What an attacker without the key can do: recompute every hash from `fromSeq` on with plain SHA-256 and fix the links and the head. */
async function recomputeWithoutKey(chain: string, fromSeq: number, alg: string): Promise<void> {
  const rows = await database.db.selectFrom('audit_log').selectAll().where('chain', '=', chain).orderBy('seq').execute();
  let prev = rows[fromSeq - 2]?.hash ?? '0'.repeat(64);
  const statements: Array<RawBuilder<unknown>> = [];
  for (const row of rows.slice(fromSeq - 1)) {
    const hash = entryHash(prev, fieldsOf(row));
    statements.push(sql`update audit_log set prev_hash = ${prev}, hash = ${hash}, hash_alg = ${alg} where chain = ${chain} and seq = ${row.seq}`);
    prev = hash;
  }
  statements.push(sql`update audit_heads set hash = ${prev} where chain = ${chain}`);
  await tamper(...statements);
}

const checkpointFile = (chain: string) => join(folder, `${chain}.checkpoint.json`);

describe('canonical JSON', () => {
  it('sorts keys at every level, keeps array order, drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"e":2,"f":1}]},"b":1}');
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson('é"')).toBe('"é\\""');
  });
});

describe('audit chain', () => {
  it('verifies an intact chain and reads it back newest first, with actor, source, before and after', async () => {
    await append('intact', 5);
    expect(await verifyChain(database.db, 'intact')).toEqual({ chain: 'intact', entries: 5, ok: true, problems: [], plainEntries: 0, checkpoint: null });
    const page = await listAudit(database.db, 'intact', { limit: 2 });
    expect(page.items.map((entry) => entry.seq)).toEqual([5, 4]);
    expect(page.items[0]).toMatchObject({
      actor: acting.actor,
      source: '192.0.2.1',
      entity: { type: 'site', id: 's5' },
      before: { seats: 4 },
      after: { seats: 5 },
    });
    expect(page.items[0].prevHash).toBe(page.items[1].hash);
    expect((await listAudit(database.db, 'intact', { limit: 10, cursor: Number(page.nextCursor) })).items.map((entry) => entry.seq)).toEqual([3, 2, 1]);
  });

  it('keys every entry: HMAC with a sub-key, not the plain SHA-256 anyone can recompute', async () => {
    await append('keyed', 2);
    const rows = await database.db.selectFrom('audit_log').selectAll().where('chain', '=', 'keyed').orderBy('seq').execute();
    expect(rows.map((row) => row.hash_alg)).toEqual([HASH_KEYED, HASH_KEYED]);
    expect(rows[0].hash).not.toBe(entryHash(rows[0].prev_hash, fieldsOf(rows[0])));
    // Another key does not verify them.
    expect(await verifyChain(database.db, 'keyed', { key: randomBytes(32), checkpoints: null })).toMatchObject({
      ok: false,
      broken: { seq: 1, kind: 'rewritten' },
    });
  });

  it('refuses updates, deletions and truncation of entries', async () => {
    await append('guarded', 1);
    await expect(sql`update audit_log set action = 'x' where chain = 'guarded'`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where chain = 'guarded'`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(database.db)).rejects.toThrow(/append-only/);
  });

  it('names an edited entry', async () => {
    await append('edited', 5);
    await tamper(sql`update audit_log set after = '{"seats": 1000}'::jsonb where chain = 'edited' and seq = 3`);
    expect(await verifyChain(database.db, 'edited')).toMatchObject({
      ok: false,
      entries: 2,
      broken: { seq: 3, kind: 'rewritten', reason: expect.stringMatching(/^entry 3 was rewritten.*edited/) },
    });
  });

  it('names the entry after an edited one whose hash was replaced', async () => {
    await append('rehashed', 4);
    await tamper(sql`update audit_log set actor_label = 'someone.else@example.com', hash = repeat('a', 64) where chain = 'rehashed' and seq = 2`);
    const report = await verifyChain(database.db, 'rehashed');
    expect(report.ok).toBe(false);
    expect(report.broken!.seq).toBe(2);
  });

  it.each([
    ['keeping the keyed label', HASH_KEYED, /entry 3 was rewritten: its content does not match its keyed hash/],
    ['labelled as plain SHA-256', HASH_PLAIN, /entry 3 was rewritten: it carries a plain SHA-256 hash after keyed entries/],
  ])('names an edited entry when every later hash was recomputed without the key (%s)', async (_label, alg, reason) => {
    const chain = `recomputed-${alg}`;
    await append(chain, 5);
    await tamper(sql`update audit_log set after = '{"seats": 1000}'::jsonb where chain = ${chain} and seq = 3`);
    await recomputeWithoutKey(chain, 3, alg);
    // The links and the head agree again: only the key tells.
    const report = await verifyChain(database.db, chain, { checkpoints: null });
    expect(report).toMatchObject({ ok: false, entries: 2, broken: { seq: 3, kind: 'rewritten', reason: expect.stringMatching(reason) } });
  });

  it('names a deleted entry', async () => {
    await append('deleted', 5);
    await tamper(sql`delete from audit_log where chain = 'deleted' and seq = 3`);
    expect(await verifyChain(database.db, 'deleted')).toMatchObject({
      ok: false,
      broken: { seq: 3, kind: 'missing', reason: 'entry 3 is missing: the entries jump from 2 to 4 (deleted)' },
    });
  });

  it('names reordered entries', async () => {
    await append('reordered', 5);
    await tamper(
      sql`update audit_log set seq = -2 where chain = 'reordered' and seq = 2`,
      sql`update audit_log set seq = 2 where chain = 'reordered' and seq = 3`,
      sql`update audit_log set seq = 3 where chain = 'reordered' and seq = -2`,
    );
    expect(await verifyChain(database.db, 'reordered')).toMatchObject({ ok: false, broken: { seq: 2, kind: 'rewritten' } });
  });

  it('notices that the newest entries were removed while the head still names them', async () => {
    await append('truncated', 5);
    await tamper(sql`delete from audit_log where chain = 'truncated' and seq >= 4`);
    expect(await verifyChain(database.db, 'truncated')).toMatchObject({
      ok: false,
      entries: 3,
      broken: { seq: 4, kind: 'truncated', reason: 'entries after 3 are missing (the head names entry 5)' },
    });
  });

  it('does not fork when many writers append at once', async () => {
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        actAs(acting, () =>
          database.db.transaction().execute((trx) => recordAudit(trx, { org: 'concurrent', action: 'create', entityType: 'site', entityId: `c${i}` })),
        ),
      ),
    );
    const rows = await sql<{ seq: string }>`select seq from audit_log where chain = 'concurrent' order by seq`.execute(database.db);
    expect(rows.rows.map((row) => Number(row.seq))).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(await verifyChain(database.db, 'concurrent')).toMatchObject({ ok: true, entries: 24 });
  });
});

describe('entries from before the chain was keyed', () => {
  it('are accepted before the first keyed entry, and an unkeyed entry after a keyed one is not', async () => {
    configureAuditTrail({ key: null });
    await append('upgraded', 2);
    trail = configureAuditTrail({ key, checkpointDir: folder, db: database.db, autoCheckpoint: false });
    await append('upgraded', 2);
    const rows = await database.db.selectFrom('audit_log').select('hash_alg').where('chain', '=', 'upgraded').orderBy('seq').execute();
    expect(rows.map((row) => row.hash_alg)).toEqual([HASH_PLAIN, HASH_PLAIN, HASH_KEYED, HASH_KEYED]);
    const report = await verifyChain(database.db, 'upgraded');
    expect(report).toMatchObject({ ok: true, entries: 4, plainEntries: 2 });
    expect(describeReport(report)).toBe('organisation upgraded: 4 entries, chain intact, 2 of them from before keying (plain SHA-256), no checkpoint yet');

    // A process without the key appending after keyed entries is as good as a forger.
    configureAuditTrail({ key: null });
    await append('upgraded', 1);
    expect(await verifyChain(database.db, 'upgraded', { key, checkpoints: null })).toMatchObject({
      ok: false,
      entries: 4,
      broken: { seq: 5, kind: 'rewritten' },
    });
  });
});

describe('signed checkpoints outside the database', () => {
  it('are written after appends, signed, 0600, and compared by verification', async () => {
    await append('sealed', 3);
    expect(existsSync(checkpointFile('sealed'))).toBe(false);
    await trail.flush();
    const written = JSON.parse(readFileSync(checkpointFile('sealed'), 'utf8'));
    const head = await database.db.selectFrom('audit_heads').select('hash').where('chain', '=', 'sealed').executeTakeFirstOrThrow();
    expect(written).toMatchObject({ version: 1, chain: 'sealed', count: 3, head: head.hash, mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    if (process.platform !== 'win32') expect(statSync(checkpointFile('sealed')).mode & 0o777).toBe(0o600);
    const report = await verifyChain(database.db, 'sealed');
    expect(report).toMatchObject({ ok: true, entries: 3, checkpoint: { count: 3, at: written.at } });
    expect(describeReport(report)).toBe(`organisation sealed: 3 entries, chain intact, matches its checkpoint of ${written.at} (3 entries)`);
    await append('sealed', 2);
    expect(await verifyChain(database.db, 'sealed')).toMatchObject({ ok: true, entries: 5, checkpoint: { count: 3 } });
  });

  it('come on their own shortly after an append commits', async () => {
    trail = configureAuditTrail({ key, checkpointDir: folder, db: database.db, minIntervalMs: 20 });
    await append('automatic', 3);
    for (let waited = 0; waited < 5000 && !existsSync(checkpointFile('automatic')); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    await trail.flush();
    expect(JSON.parse(readFileSync(checkpointFile('automatic'), 'utf8'))).toMatchObject({ count: 3 });
  });

  it('name the newest entry deleted and the head moved back', async () => {
    await append('moved-back', 5);
    await trail.flush();
    await tamper(
      sql`delete from audit_log where chain = 'moved-back' and seq = 5`,
      sql`update audit_heads set seq = 4, hash = (select hash from audit_log where chain = 'moved-back' and seq = 4) where chain = 'moved-back'`,
    );
    const report = await verifyChain(database.db, 'moved-back');
    expect(report).toMatchObject({ ok: false, entries: 4, broken: { seq: 5, kind: 'head-moved-back' } });
    expect(report.broken!.reason).toMatch(/^entries after 4 are missing and the head was moved back to entry 4 \(the checkpoint of \S+ records 5 entries\)$/);
    expect(describeReport(report)).toMatch(/^organisation moved-back: BROKEN \(head-moved-back\): entries after 4 are missing/);
  });

  it('name the head row deleted, never as "entry 1"', async () => {
    await append('headless', 5);
    await trail.flush();
    // The newest entry's row.
    await tamper(sql`delete from audit_log where chain = 'headless' and seq = 5`);
    const newest = await verifyChain(database.db, 'headless');
    expect(newest).toMatchObject({ ok: false, entries: 4, broken: { seq: 5, kind: 'truncated' } });
    expect(newest.broken!.reason).toMatch(/^entries after 4 are missing \(the checkpoint of \S+ records 5 entries; the head names entry 5\)$/);
    expect(describeReport(newest)).not.toMatch(/entry 1\b/);

    // The head's own row.
    await append('headless-too', 3);
    await trail.flush();
    await tamper(sql`delete from audit_heads where chain = 'headless-too'`);
    const headRow = await verifyChain(database.db, 'headless-too');
    expect(headRow).toMatchObject({ ok: false, entries: 3, broken: { kind: 'head-missing', reason: "the chain's head row was deleted (its 3 entries hold)" } });
    expect(describeReport(headRow)).not.toMatch(/entry 1\b/);
    // Writing goes on after the last entry instead of colliding with entry 1.
    await append('headless-too', 1);
    expect(await verifyChain(database.db, 'headless-too')).toMatchObject({ ok: true, entries: 4 });

    // Both: the checkpoint still knows.
    await trail.flush();
    await tamper(sql`delete from audit_heads where chain = 'headless-too'`, sql`delete from audit_log where chain = 'headless-too' and seq = 4`);
    expect(await verifyChain(database.db, 'headless-too')).toMatchObject({
      ok: false,
      broken: {
        seq: 4,
        kind: 'truncated',
        reason: expect.stringMatching(/^entries after 3 are missing \(the checkpoint of \S+ records 4 entries; the head row was deleted too\)$/),
      },
    });
  });

  it('name an organisation whose audit rows were all deleted', async () => {
    await append('erased', 4);
    await trail.flush();
    await tamper(sql`delete from audit_log where chain = 'erased'`, sql`delete from audit_heads where chain = 'erased'`);
    expect(await auditChains(database.db)).toContain('erased');
    const report = await verifyChain(database.db, 'erased');
    expect(report).toMatchObject({
      ok: false,
      entries: 0,
      broken: { seq: 1, kind: 'all-deleted', reason: expect.stringMatching(/^all 4 entries were deleted \(the checkpoint of \S+ records 4 entries\)$/) },
    });
    expect(describeReport(report)).toMatch(/^organisation erased: BROKEN \(all-deleted\): all 4 entries were deleted/);
  });

  it('name a chain rewritten up to its checkpoint', async () => {
    // Plain entries can be recomputed by anyone: the checkpoint still holds the original head.
    configureAuditTrail({ key: null });
    await append('plain-rewritten', 3);
    trail = configureAuditTrail({ key, checkpointDir: folder, db: database.db, autoCheckpoint: false });
    await trail.checkpoint('plain-rewritten');
    await tamper(sql`update audit_log set actor_label = 'nobody' where chain = 'plain-rewritten' and seq = 2`);
    await recomputeWithoutKey('plain-rewritten', 2, HASH_PLAIN);
    expect(await verifyChain(database.db, 'plain-rewritten')).toMatchObject({
      ok: false,
      broken: { seq: 3, kind: 'rewritten', reason: expect.stringMatching(/^entries up to 3 were rewritten: entry 3 differs from the checkpoint of /) },
    });
  });

  it('say so when a checkpoint file was tampered with, and keep it as evidence', async () => {
    await append('forged-checkpoint', 3);
    await trail.flush();
    const file = checkpointFile('forged-checkpoint');
    const original = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...original, count: 2 }), { mode: 0o600 });
    const report = await verifyChain(database.db, 'forged-checkpoint');
    expect(report).toMatchObject({
      ok: false,
      entries: 3,
      checkpoint: null,
      broken: { kind: 'checkpoint-tampered', reason: expect.stringContaining('its signature does not match its content') },
    });
    expect(describeReport(report)).toContain(`organisation forged-checkpoint: BROKEN (checkpoint-tampered): the checkpoint file ${file} was tampered with`);

    await append('forged-checkpoint', 1);
    expect(await trail.checkpoint('forged-checkpoint')).toMatchObject({ written: false, problem: expect.stringContaining('kept as evidence') });
    expect(JSON.parse(readFileSync(file, 'utf8')).count).toBe(2);

    // Another chain's genuine checkpoint under this name does not pass either.
    writeFileSync(file, readFileSync(checkpointFile('sealed')));
    expect(await verifyChain(database.db, 'forged-checkpoint')).toMatchObject({
      broken: { kind: 'checkpoint-tampered', reason: expect.stringContaining('signed for the chain "sealed"') },
    });
    // Nor one signed with another key.
    const other = new CheckpointStore(folder, randomBytes(32));
    other.write({ chain: 'forged-checkpoint', count: 4, head: original.head, at: original.at });
    expect(await verifyChain(database.db, 'forged-checkpoint')).toMatchObject({ broken: { kind: 'checkpoint-tampered' } });
  });

  it('never move backwards, and never seal a tail that does not verify', async () => {
    await append('forward', 3);
    const store = new CheckpointStore(folder, key);
    const head = await database.db.selectFrom('audit_heads').select('hash').where('chain', '=', 'forward').executeTakeFirstOrThrow();
    // Another process already sealed more (it sees the same database later than we do).
    store.write({ chain: 'forward', count: 5, head: 'f'.repeat(64), at: new Date().toISOString() });
    expect(await writeCheckpoint(database.db, 'forward', store, key)).toEqual({ written: false });
    expect(store.read('forward')).toMatchObject({ state: 'valid', checkpoint: { count: 5 } });

    store.write({ chain: 'forward', count: 3, head: head.hash, at: new Date().toISOString() });
    await append('forward', 2);
    await tamper(sql`update audit_log set action = 'nothing' where chain = 'forward' and seq = 5`);
    const outcome = await trail.checkpoint('forward');
    expect(outcome).toMatchObject({ written: false, problem: expect.stringMatching(/^organisation forward: entry 5 was rewritten/) });
    expect(problems).toContainEqual(expect.stringMatching(/entry 5 was rewritten/));
    expect(store.read('forward')).toMatchObject({ state: 'valid', checkpoint: { count: 3 } });
  });
});
