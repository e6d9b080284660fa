// Link tokens on the database: issued cheaply inside a transaction (one or thousands), stored as digests, expiring,
// revocable, counted when used, and single-use under concurrency: of simultaneous uses, exactly one succeeds.
import { createHash, randomBytes } from 'node:crypto';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RempartError } from '../../src/errors.js';
import {
  consumeLinkToken,
  issueLinkToken,
  issueLinkTokens,
  parseLinkToken,
  resolveLinkToken,
  revokeLinkTokens,
  revokeLinkTokensFor,
} from '../../src/operations/link-tokens.js';
import { findInvitation } from '../../src/operations/invitations.js';
import { migrate, openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { LinkTokenRepository } from '../../src/store/link-token-repository.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { createTestDatabase, usingPostgres } from '../support/database.js';

let database: DatabaseHandle;
const NOW = Date.parse('2026-12-04T12:00:00Z');
const HOUR = 3_600_000;

beforeAll(async () => {
  database = await createTestDatabase();
  for (const org of ['acme', 'bravo']) await sql`insert into organisations (id, name, doc, bia) values (${org}, ${org}, '{}', '{}')`.execute(database.db);
});
afterAll(async () => {
  await database?.close();
});

const issue = (request: Partial<Parameters<typeof issueLinkToken>[1]> = {}) =>
  database.db
    .transaction()
    .execute((trx) => issueLinkToken(trx, { org: 'acme', purpose: 'checkin', subject: 'alert/a1/person/p1', ttlMs: HOUR, now: NOW, ...request }));

async function refusal(promise: Promise<unknown>): Promise<RempartError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RempartError);
  return error as RempartError;
}

describe('issuing', () => {
  it('gives a recognisable 256-bit secret once, and stores only the SHA-256 of <org>.<secret>', async () => {
    const issued = await issue();
    expect(issued.token).toMatch(/^rmpl_acme\.[A-Za-z0-9_-]{43}$/);
    expect(issued.expiresAt).toBe(new Date(NOW + HOUR).toISOString());
    const rows = await sql<Record<string, unknown>>`select * from link_tokens where id = ${issued.id}`.execute(database.db);
    expect(rows.rows).toHaveLength(1);
    const row = rows.rows[0];
    expect(row).toMatchObject({ org_id: 'acme', purpose: 'checkin', subject: 'alert/a1/person/p1', max_uses: 1, uses: 0, revoked_at: null });
    expect(row.secret_hash).toBe(createHash('sha256').update(issued.token.slice('rmpl_'.length)).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(issued.token.split('.')[1]);
    expect(parseLinkToken(issued.token)).toEqual({ org: 'acme', hashed: issued.token.slice(5) });
    // The bare form is only for routes that say so (invitation links).
    expect(parseLinkToken(issued.token.slice(5))).toBeUndefined();
    expect(parseLinkToken(issued.token.slice(5), { prefix: 'optional' })).toBeDefined();
  });

  it('issues thousands in one transaction, each its own secret, cheaply', async () => {
    const subjects = Array.from({ length: 6000 }, (_, i) => `alert/big/person/${i}`);
    const started = performance.now();
    const issued = await database.db
      .transaction()
      .execute((trx) => issueLinkTokens(trx, { org: 'acme', purpose: 'checkin', ttlMs: HOUR, maxUses: null, now: NOW }, subjects));
    const elapsed = performance.now() - started;
    console.log(`issued ${issued.length} link tokens in one transaction in ${elapsed.toFixed(0)} ms (${usingPostgres ? 'PostgreSQL' : 'embedded'})`);
    expect(issued.map((link) => link.subject)).toEqual(subjects);
    expect(new Set(issued.map((link) => link.token)).size).toBe(subjects.length);
    expect(new Set(issued.map((link) => link.id)).size).toBe(subjects.length);
    // No slow hash: thousands a second even on the embedded database of a small machine.
    expect(elapsed).toBeLessThan(15_000);
    const last = await resolveLinkToken(database.db, issued[5999].token, NOW);
    expect(last).toMatchObject({ state: 'active', link: { subject: 'alert/big/person/5999', maxUses: null } });
  });

  it('rolls back with the transaction that issued it', async () => {
    let token = '';
    await database.db
      .transaction()
      .execute(async (trx) => {
        token = (await issueLinkToken(trx, { org: 'acme', purpose: 'checkin', subject: 'alert/rolled-back', ttlMs: HOUR, now: NOW })).token;
        throw new Error('the decision failed');
      })
      .catch(() => undefined);
    expect(token).toMatch(/^rmpl_/);
    expect(await resolveLinkToken(database.db, token, NOW)).toBeUndefined();
  });

  it.each([
    [{ purpose: 'login' }, 'purpose'],
    [{ ttlMs: 0 }, 'ttlMs'],
    [{ ttlMs: 59_000 }, 'ttlMs'],
    [{ ttlMs: 400 * 24 * HOUR }, 'ttlMs'],
    [{ ttlMs: 60_000.5 }, 'ttlMs'],
    [{ maxUses: 0 }, 'maxUses'],
    [{ maxUses: 2.5 }, 'maxUses'],
    [{ subject: '' }, 'subject'],
    [{ subject: 'x'.repeat(301) }, 'subject'],
    [{ subject: 'alert/\u0000' }, 'subject'],
  ])('refuses %j', async (request, path) => {
    const error = await refusal(issue(request as never));
    expect(error.code).toBe('invalid_input');
    expect(error.details[0].path).toBe(path);
  });
});

describe('resolving', () => {
  it('finds nothing for unknown, malformed, forged or oversized text', async () => {
    const issued = await issue();
    const secret = issued.token.split('.')[1];
    for (const text of [
      '',
      'rmpl_',
      `rmpl_acme.${'a'.repeat(43)}`,
      `rmpl_bravo.${secret}`,
      `rmp_acme.${secret}`,
      `rmpl_acme.${secret}x`,
      `rmpl_acme.${secret.slice(1)}`,
      `rmpl_acme.${secret}\u0000`,
      'rmpl_' + 'a'.repeat(5000),
    ])
      expect(await resolveLinkToken(database.db, text, NOW), JSON.stringify(text.slice(0, 60))).toBeUndefined();
  });

  it('is active until its expiry, then expired (the instant of expiry included)', async () => {
    const issued = await issue({ ttlMs: HOUR });
    expect((await resolveLinkToken(database.db, issued.token, NOW + HOUR - 1))?.state).toBe('active');
    expect((await resolveLinkToken(database.db, issued.token, NOW + HOUR))?.state).toBe('expired');
    const error = await refusal(database.db.transaction().execute((trx) => consumeLinkToken(trx, { orgId: 'acme', id: issued.id }, NOW + HOUR)));
    expect(error).toMatchObject({ code: 'link_gone', details: [{ rule: 'expired' }] });
    expect(error.status).toBe(410);
  });

  it('stops at once when revoked, by id or by subject, and only in its organisation', async () => {
    const one = await issue({ subject: 'alert/r/person/1' });
    const two = await issue({ subject: 'alert/r/person/2' });
    expect(await revokeLinkTokens(database.db, 'bravo', [one.id], NOW)).toEqual([]);
    expect((await resolveLinkToken(database.db, one.token, NOW))?.state).toBe('active');
    expect(await revokeLinkTokens(database.db, 'acme', [one.id], NOW)).toEqual([one.id]);
    expect(await revokeLinkTokens(database.db, 'acme', [one.id], NOW)).toEqual([]);
    expect((await resolveLinkToken(database.db, one.token, NOW))?.state).toBe('revoked');
    expect(await revokeLinkTokensFor(database.db, 'acme', 'invitation', ['alert/r/person/2'], NOW)).toEqual([]);
    expect(await revokeLinkTokensFor(database.db, 'acme', 'checkin', ['alert/r/person/2'], NOW)).toEqual([two.id]);
    const error = await refusal(consumeLinkToken(database.db, { orgId: 'acme', id: two.id }, NOW));
    expect(error.details[0].rule).toBe('revoked');
  });

  it('counts uses up to its maximum, then is used; without a maximum, until it expires', async () => {
    const twice = await issue({ maxUses: 2 });
    const use = (id: string) => database.db.transaction().execute((trx) => consumeLinkToken(trx, { orgId: 'acme', id }, NOW));
    expect((await use(twice.id)).uses).toBe(1);
    expect((await resolveLinkToken(database.db, twice.token, NOW))?.state).toBe('active');
    expect((await use(twice.id)).uses).toBe(2);
    expect((await resolveLinkToken(database.db, twice.token, NOW))?.state).toBe('used');
    expect((await refusal(use(twice.id))).details[0].rule).toBe('used');
    const unlimited = await issue({ maxUses: null });
    for (let i = 1; i <= 5; i++) expect((await use(unlimited.id)).uses).toBe(i);
    expect(await resolveLinkToken(database.db, unlimited.token, NOW)).toMatchObject({ state: 'active', link: { usedAt: new Date(NOW).toISOString() } });
  });

  it('does not count a use whose transaction failed', async () => {
    const once = await issue();
    await database.db
      .transaction()
      .execute(async (trx) => {
        await consumeLinkToken(trx, { orgId: 'acme', id: once.id }, NOW);
        throw new Error('the check-in could not be recorded');
      })
      .catch(() => undefined);
    expect((await resolveLinkToken(database.db, once.token, NOW))?.state).toBe('active');
  });
});

describe('purging ended links', () => {
  it('deletes links expired, revoked or used up before the cut-off, and keeps every other', async () => {
    const DAY = 24 * HOUR;
    const longExpired = await issue({ subject: 'purge/expired', ttlMs: HOUR, now: NOW - 100 * DAY });
    const recentlyExpired = await issue({ subject: 'purge/recent', ttlMs: HOUR, now: NOW - 10 * DAY });
    const revokedLongAgo = await issue({ subject: 'purge/revoked', ttlMs: 365 * DAY, now: NOW - 200 * DAY });
    await revokeLinkTokens(database.db, 'acme', [revokedLongAgo.id], NOW - 100 * DAY);
    const usedUp = await issue({ subject: 'purge/used', ttlMs: 365 * DAY, now: NOW - 200 * DAY, maxUses: 1 });
    await database.db.transaction().execute((trx) => consumeLinkToken(trx, { orgId: 'acme', id: usedUp.id }, NOW - 100 * DAY));
    const usedOnce = await issue({ subject: 'purge/reusable', ttlMs: 365 * DAY, now: NOW - 200 * DAY, maxUses: 3 });
    await database.db.transaction().execute((trx) => consumeLinkToken(trx, { orgId: 'acme', id: usedOnce.id }, NOW - 100 * DAY));
    const active = await issue({ subject: 'purge/active', ttlMs: 365 * DAY });

    const purged = await new LinkTokenRepository(database.db).purgeEnded(new Date(NOW - 90 * DAY));
    expect(purged).toBeGreaterThanOrEqual(3);
    const left = new Set((await database.db.selectFrom('link_tokens').select('id').where('subject', 'like', 'purge/%').execute()).map((row) => row.id));
    expect([longExpired, revokedLongAgo, usedUp].map((link) => left.has(link.id))).toEqual([false, false, false]);
    expect([recentlyExpired, usedOnce, active].map((link) => left.has(link.id))).toEqual([true, true, true]);
    // A purged link is unknown, not gone: nothing tells it ever existed.
    expect(await resolveLinkToken(database.db, longExpired.token, NOW)).toBeUndefined();
    expect((await resolveLinkToken(database.db, recentlyExpired.token, NOW))?.state).toBe('expired');
  });
});

describe('single use under concurrency', () => {
  it('lets exactly one of simultaneous uses of a single-use link succeed', async () => {
    for (let round = 0; round < 5; round++) {
      const once = await issue({ subject: `alert/race/person/${round}` });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 4 }, () =>
          database.db.transaction().execute(async (trx) => {
            const used = await consumeLinkToken(trx, { orgId: 'acme', id: once.id }, NOW);
            // Hold the transaction a moment, as real work would, so the others queue on the row.
            await sql`select pg_sleep(0.02)`.execute(trx);
            return used;
          }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected'))
        expect(outcome.reason).toMatchObject({ code: 'link_gone', details: [{ rule: 'used' }] });
      const row = await sql<{ uses: number }>`select uses from link_tokens where id = ${once.id}`.execute(database.db);
      expect(row.rows[0].uses).toBe(1);
    }
  });

  it('lets exactly three of ten simultaneous uses of a three-use link succeed', async () => {
    const thrice = await issue({ maxUses: 3, subject: 'alert/race/three' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => database.db.transaction().execute((trx) => consumeLinkToken(trx, { orgId: 'acme', id: thrice.id }, NOW))),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
  });
});

describe('the migration onto link tokens', () => {
  /** A database with every migration before this one: invitations still hold their secret's digest. */
  async function databaseBeforeCallers(): Promise<{ handle: DatabaseHandle; drop: () => Promise<void> }> {
    let handle: DatabaseHandle;
    let drop = async () => {};
    if (usingPostgres) {
      const name = `rempart_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${name}`;
      handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 2, migrate: false });
      drop = async () => {
        const cleanup = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await cleanup.connect();
        await cleanup.query(`drop database if exists ${name} with (force)`);
        await cleanup.end();
      };
    } else handle = await openDatabase({ dataDir: 'memory://', migrate: false });
    const names = Object.keys(MIGRATIONS);
    const before = names[names.indexOf('2026-12-04T1900-callers') - 1];
    const { error } = await new Migrator({ db: handle.db, provider: { getMigrations: async () => MIGRATIONS } }).migrateTo(before);
    if (error) throw error;
    return { handle, drop };
  }

  it('keeps the links of invitations made before it working, with their state', { timeout: 60_000 }, async () => {
    const { handle, drop } = await databaseBeforeCallers();
    try {
      const db = handle.db;
      await sql`insert into organisations (id, name, doc, bia) values ('old', 'Old Co', '{}', '{}')`.execute(db);
      const secrets = { open: `old.${'o'.repeat(43)}`, accepted: `old.${'a'.repeat(43)}`, withdrawn: `old.${'w'.repeat(43)}` };
      const hash = (text: string) => createHash('sha256').update(text).digest('hex');
      const future = new Date(Date.now() + 86_400_000);
      await sql`insert into invitations (org_id, email, role, token_hash, expires_at) values ('old', 'open@old.example', 'auditor', ${hash(secrets.open)}, ${future})`.execute(
        db,
      );
      await sql`insert into invitations (org_id, email, role, token_hash, expires_at, accepted_at) values ('old', 'accepted@old.example', 'auditor', ${hash(secrets.accepted)}, ${future}, now())`.execute(
        db,
      );
      await sql`insert into invitations (org_id, email, role, token_hash, expires_at, revoked_at) values ('old', 'withdrawn@old.example', 'auditor', ${hash(secrets.withdrawn)}, ${future}, now())`.execute(
        db,
      );
      expect(await migrate(db)).toContain('2026-12-04T1900-callers');

      expect(await findInvitation(db, secrets.open)).toMatchObject({ email: 'open@old.example', acceptedAt: null, revokedAt: null });
      expect(await resolveLinkToken(db, secrets.open, Date.now(), { prefix: 'optional' })).toMatchObject({
        state: 'active',
        link: { purpose: 'invitation', maxUses: 1 },
      });
      expect((await resolveLinkToken(db, secrets.accepted, Date.now(), { prefix: 'optional' }))?.state).toBe('used');
      expect((await resolveLinkToken(db, secrets.withdrawn, Date.now(), { prefix: 'optional' }))?.state).toBe('revoked');
      const columns = await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'invitations'`.execute(db);
      expect(columns.rows.map((row) => row.column_name)).not.toContain('token_hash');
    } finally {
      await handle.close();
      await drop();
    }
  });
});
