// The audit chain: canonical hashing, detection of edited, deleted, reordered and truncated entries, no fork under concurrency.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.js';
import type { DatabaseHandle } from '../store/database.js';
import { actAs } from './actor.js';
import { canonicalJson, listAudit, recordAudit, verifyChain } from './audit.js';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const acting = { actor: { type: 'user' as const, id: 'u-1', label: 'claire@example.com' }, source: '192.0.2.1' };

async function append(chain: string, count: number): Promise<void> {
  for (let i = 1; i <= count; i++)
    await actAs(acting, () =>
      database.db.transaction().execute((trx) =>
        recordAudit(trx, { org: chain, action: 'update', entityType: 'site', entityId: `s${i}`, before: { seats: i - 1, nested: { b: 1, a: [1, { z: 0, y: null }] } }, after: { seats: i, ratio: 0.1 + 0.2, big: 1e21 } }),
      ),
    );
}

/** Runs a statement with the append-only trigger off, as only a deliberate schema change can. */
async function tamper(...statements: Array<ReturnType<typeof sql>>): Promise<void> {
  await sql`alter table audit_log disable trigger audit_log_append_only`.execute(database.db);
  try {
    for (const statement of statements) await statement.execute(database.db);
  } finally {
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(database.db);
  }
}

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
    expect(await verifyChain(database.db, 'intact')).toEqual({ chain: 'intact', entries: 5, ok: true });
    const page = await listAudit(database.db, 'intact', { limit: 2 });
    expect(page.items.map((entry) => entry.seq)).toEqual([5, 4]);
    expect(page.items[0]).toMatchObject({ actor: acting.actor, source: '192.0.2.1', entity: { type: 'site', id: 's5' }, before: { seats: 4 }, after: { seats: 5 } });
    expect(page.items[0].prevHash).toBe(page.items[1].hash);
    expect((await listAudit(database.db, 'intact', { limit: 10, cursor: Number(page.nextCursor) })).items.map((entry) => entry.seq)).toEqual([3, 2, 1]);
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
    expect(await verifyChain(database.db, 'edited')).toMatchObject({ ok: false, entries: 2, broken: { seq: 3, reason: expect.stringMatching(/edited/) } });
  });

  it('names the entry after an edited one whose hash was recomputed', async () => {
    await append('rehashed', 4);
    await tamper(sql`update audit_log set actor_label = 'someone.else@example.com', hash = repeat('a', 64) where chain = 'rehashed' and seq = 2`);
    const report = await verifyChain(database.db, 'rehashed');
    expect(report.ok).toBe(false);
    expect(report.broken!.seq).toBe(2);
  });

  it('names a deleted entry', async () => {
    await append('deleted', 5);
    await tamper(sql`delete from audit_log where chain = 'deleted' and seq = 3`);
    expect(await verifyChain(database.db, 'deleted')).toMatchObject({ ok: false, broken: { seq: 3, reason: expect.stringMatching(/missing/) } });
  });

  it('names reordered entries', async () => {
    await append('reordered', 5);
    await tamper(
      sql`update audit_log set seq = -2 where chain = 'reordered' and seq = 2`,
      sql`update audit_log set seq = 2 where chain = 'reordered' and seq = 3`,
      sql`update audit_log set seq = 3 where chain = 'reordered' and seq = -2`,
    );
    expect(await verifyChain(database.db, 'reordered')).toMatchObject({ ok: false, broken: { seq: 2 } });
  });

  it('notices that the newest entries were removed', async () => {
    await append('truncated', 5);
    await tamper(sql`delete from audit_log where chain = 'truncated' and seq >= 4`);
    expect(await verifyChain(database.db, 'truncated')).toMatchObject({ ok: false, entries: 3, broken: { seq: 4, reason: expect.stringMatching(/removed/) } });
  });

  it('does not fork when many writers append at once', async () => {
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        actAs(acting, () => database.db.transaction().execute((trx) => recordAudit(trx, { org: 'concurrent', action: 'create', entityType: 'site', entityId: `c${i}`, after: { i } }))),
      ),
    );
    const rows = await sql<{ seq: string }>`select seq from audit_log where chain = 'concurrent' order by seq`.execute(database.db);
    expect(rows.rows.map((row) => Number(row.seq))).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(await verifyChain(database.db, 'concurrent')).toMatchObject({ ok: true, entries: 24 });
  });
});
