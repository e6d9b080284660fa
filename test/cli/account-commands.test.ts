// `rempart user create | admin | reset-password | reset-mfa`, `rempart audit verify`, and the first-run account, on the test database.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerAccountCommands } from '../../src/cli/account-commands.js';
import { DEMO_OWNER_EMAIL, firstRunAccess, isLoopback } from '../../src/cli/first-run.js';
import { RempartError } from '../../src/errors.js';
import { configureAuditTrail, verifyChain, type AuditTrail } from '../../src/operations/audit.js';
import { createOrganisation } from '../../src/operations/model-writer.js';
import { CheckpointStore } from '../../src/security/audit-checkpoints.js';
import { loadSecretKey } from '../../src/security/secret-key.js';
import { AccountRepository } from '../../src/store/account-repository.js';
import { openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { verifyPassword } from '../../src/security/passwords.js';
import { createTestDatabase } from '../support/database.js';
import { cliEntry } from '../support/cli-entry.js';

let database: DatabaseHandle;
const key = randomBytes(32);
const checkpoints = mkdtempSync(join(tmpdir(), 'rempart-checkpoints-'));
let trail: AuditTrail;
beforeAll(async () => {
  database = await createTestDatabase();
  // What the commands record is keyed and checkpointed as in a real process.
  trail = configureAuditTrail({ key, checkpointDir: checkpoints, db: database.db, autoCheckpoint: false });
  await createOrganisation(database.db, { id: 'acme', name: 'Acme' });
});
afterAll(async () => {
  trail?.stop();
  await database?.close();
  rmSync(checkpoints, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = 0;
});

/** Runs `rempart …args` against the test database, with `input` on standard input. */
async function rempart(args: string[], input = ''): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  const program = new Command('rempart').exitOverride();
  registerAccountCommands(program, {
    withDatabase: (_flags, work) => work(database),
    auditOptions: () => ({ key, checkpoints: new CheckpointStore(checkpoints, key) }),
    readStdin: async () => input,
    out: sink((text) => (stdout += text)),
    err: sink((text) => (stderr += text)),
  });
  process.exitCode = 0;
  await program.parseAsync(['node', 'rempart', ...args]);
  return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
}

describe('rempart user create', () => {
  it('creates the first administrator with a generated password shown once', async () => {
    const { stdout } = await rempart(['user', 'create', '--email', 'Admin@Acme.example', '--org', 'acme', '--role', 'owner']);
    const password = /Password \(shown this once\): (\S+)/.exec(stdout)![1];
    const user = (await new AccountRepository(database.db).userByEmail('admin@acme.example'))!;
    expect(await verifyPassword(user.passwordHash, password)).toBe(true);
    expect((await new AccountRepository(database.db).membership('acme', user.id))?.role).toBe('owner');
    // The operator's accounts are server administrators: they may create organisations.
    expect(user.serverAdmin).toBe(true);
    expect(stdout).toContain('server administrator');
    const entry = await sql<{
      actor_label: string;
      action: string;
      after: { email: string };
    }>`select actor_label, action, after from audit_log where chain = 'acme' and entity_type = 'member'`.execute(database.db);
    expect(entry.rows[0]).toMatchObject({ action: 'add', after: { email: 'admin@acme.example' } });
    expect(entry.rows[0].actor_label).toMatch(/^cli:/);
    expect(JSON.stringify(entry.rows)).not.toContain(password);
  });

  it('reads a chosen password from standard input and applies the rules', async () => {
    const weak = await rempart(['user', 'create', '--email', 'weak@acme.example', '--password-stdin'], 'password1234\n').catch((e: unknown) => e);
    expect(weak).toBeInstanceOf(RempartError);
    expect((weak as RempartError).details[0]).toMatchObject({ rule: 'common_password', value: '[hidden]' });
    const { stdout } = await rempart(
      ['user', 'create', '--email', 'chosen@acme.example', '--password-stdin', '--name', 'Chosen One'],
      'a password of my own choice\n',
    );
    expect(stdout).not.toContain('Password');
    const user = (await new AccountRepository(database.db).userByEmail('chosen@acme.example'))!;
    expect(user.displayName).toBe('Chosen One');
    expect(await verifyPassword(user.passwordHash, 'a password of my own choice')).toBe(true);
  });

  it('adds an existing account to an organisation, and refuses a duplicate or an unknown organisation', async () => {
    const { stdout } = await rempart(['user', 'create', '--email', 'chosen@acme.example', '--org', 'acme', '--role', 'auditor']);
    expect(stdout).toContain('already had an account');
    expect((await rempart(['user', 'create', '--email', 'chosen@acme.example']).catch((e: unknown) => e)) as RempartError).toMatchObject({
      code: 'duplicate_id',
    });
    expect((await rempart(['user', 'create', '--email', 'x@acme.example', '--org', 'nowhere']).catch((e: unknown) => e)) as RempartError).toMatchObject({
      code: 'not_found',
    });
    expect((await rempart(['user', 'create', '--email', 'not-an-address']).catch((e: unknown) => e)) as RempartError).toMatchObject({ code: 'invalid_input' });
  });

  it('names and un-names a server administrator; an account that joined another way is none', async () => {
    const accounts = new AccountRepository(database.db);
    await accounts.insertUser({ email: 'invited@acme.example', displayName: 'Invited', passwordHash: 'x', mustChange: false });
    expect((await accounts.userByEmail('invited@acme.example'))!.serverAdmin).toBe(false);
    expect((await rempart(['user', 'admin', '--email', 'Invited@acme.example'])).stdout).toContain('is a server administrator');
    expect((await accounts.userByEmail('invited@acme.example'))!.serverAdmin).toBe(true);
    expect((await rempart(['user', 'admin', '--email', 'invited@acme.example', '--revoke'])).stdout).toContain('no longer');
    expect((await accounts.userByEmail('invited@acme.example'))!.serverAdmin).toBe(false);
    expect((await rempart(['user', 'admin', '--email', 'nobody@acme.example']).catch((e: unknown) => e)) as RempartError).toMatchObject({ code: 'not_found' });
    const audit = await sql<{ action: string }>`select action from audit_log where chain = '@accounts' and action like 'server_admin%' order by seq`.execute(
      database.db,
    );
    expect(audit.rows.map((row) => row.action)).toEqual(['server_admin_grant', 'server_admin_revoke']);
  });

  it('resets a password (to change at next sign-in) and a second factor', async () => {
    const { stdout } = await rempart(['user', 'reset-password', '--email', 'chosen@acme.example']);
    const password = /: (\S+)\n$/.exec(stdout)![1];
    const user = (await new AccountRepository(database.db).userByEmail('chosen@acme.example'))!;
    expect(user.passwordMustChange).toBe(true);
    expect(await verifyPassword(user.passwordHash, password)).toBe(true);
    expect((await rempart(['user', 'reset-mfa', '--email', 'chosen@acme.example'])).stdout).toContain('Removed the second factor');
  });
});

/** Runs statements as a superuser would to get past the append-only triggers. */
async function tamper(db: DatabaseHandle['db'], ...statements: Array<ReturnType<typeof sql>>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    for (const statement of statements) await statement.execute(trx);
  });
}

describe('rempart audit verify', () => {
  it('reports intact chains, then names the organisation, the entry and the kind of damage, and exits 1', async () => {
    await trail.flush();
    const intact = await rempart(['audit', 'verify']);
    expect(intact.exitCode).toBe(0);
    expect(intact.stdout).toMatch(/^@accounts \(account events\): \d+ entries, chain intact, matches its checkpoint of \S+ \(\d+ entries\)$/m);
    expect(intact.stdout).toMatch(/^organisation acme: \d+ entr(y|ies), chain intact, matches its checkpoint/m);

    await tamper(database.db, sql`update audit_log set actor_label = 'someone else' where chain = 'acme' and seq = 2`);
    const broken = await rempart(['audit', 'verify', '--org', 'acme']);
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toMatch(
      /^organisation acme: BROKEN \(rewritten\): entry 2 was rewritten: its content does not match its keyed hash .*; entry 1 holds$/m,
    );
    const json = JSON.parse((await rempart(['audit', 'verify', '--json'])).stdout);
    expect(json.find((report: { chain: string }) => report.chain === 'acme')).toMatchObject({ ok: false, broken: { seq: 2, kind: 'rewritten' } });
    expect(json.find((report: { chain: string }) => report.chain === '@accounts')).toMatchObject({ ok: true });
  });

  it('finds an organisation whose audit rows were all deleted through its checkpoint', async () => {
    await createOrganisation(database.db, { id: 'bravo', name: 'Bravo' });
    await trail.flush();
    await tamper(database.db, sql`delete from audit_log where chain = 'bravo'`, sql`delete from audit_heads where chain = 'bravo'`);
    const result = await rempart(['audit', 'verify']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^organisation bravo: BROKEN \(all-deleted\): the only entry was deleted \(the checkpoint of \S+ records 1 entry\)$/m);
  });
});

/** Runs the real `rempart` on an embedded data folder, as an operator would. */
function rempartProcess(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // DATABASE_URL and the key variables are cleared so that the folder's own key and checkpoints are used even in the PostgreSQL pass.
    const env = { ...process.env, DATABASE_URL: '', REMPART_SECRET_KEY: '', REMPART_AUDIT_CHECKPOINTS: '' };
    const child = spawn(process.execPath, [...cliEntry(), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('rempart audit verify --data DIR (embedded, real processes)', () => {
  it('names the newest entry deleted with the head moved back, then an organisation wiped out', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'rempart-audit-cli-'));
    try {
      // A real command records, keys with the folder's secret.key and checkpoints beside pgdata on exit.
      const loaded = await rempartProcess('demo', '--data', folder);
      expect(loaded.code, loaded.stderr).toBe(0);
      const folderKey = loadSecretKey({ embeddedDataDir: folder, create: false }).key;
      const store = new CheckpointStore(join(folder, 'audit-checkpoints'), folderKey);
      const checkpoint = store.read('demo');
      expect(checkpoint).toMatchObject({ state: 'valid', checkpoint: { chain: 'demo', count: expect.any(Number) } });
      const count = checkpoint.state === 'valid' ? checkpoint.checkpoint.count : 0;
      expect(count).toBeGreaterThanOrEqual(2);

      let handle = await openDatabase({ dataDir: folder });
      try {
        expect(await verifyChain(handle.db, 'demo', { key: folderKey, checkpoints: store })).toMatchObject({ ok: true, entries: count, plainEntries: 0 });
        await tamper(
          handle.db,
          sql`delete from audit_log where chain = 'demo' and seq = ${count}`,
          sql`update audit_heads set seq = ${count - 1}, hash = (select hash from audit_log where chain = 'demo' and seq = ${count - 1}) where chain = 'demo'`,
        );
      } finally {
        await handle.close();
      }
      const truncated = await rempartProcess('audit', 'verify', '--data', folder);
      expect(truncated.code).toBe(1);
      expect(truncated.stderr).toContain(
        `organisation demo: BROKEN (head-moved-back): entries after ${count - 1} are missing and the head was moved back to entry ${count - 1} (the checkpoint of ${checkpoint.state === 'valid' ? checkpoint.checkpoint.at : ''} records ${count} entries)\n`,
      );
      expect(truncated.stderr).not.toMatch(/entry 1\b/);

      handle = await openDatabase({ dataDir: folder });
      try {
        await tamper(handle.db, sql`delete from audit_log where chain = 'demo'`, sql`delete from audit_heads where chain = 'demo'`);
      } finally {
        await handle.close();
      }
      const erased = await rempartProcess('audit', 'verify', '--data', folder, '--json');
      expect(erased.code).toBe(1);
      expect(JSON.parse(erased.stdout)).toContainEqual(
        expect.objectContaining({
          chain: 'demo',
          ok: false,
          broken: expect.objectContaining({ kind: 'all-deleted', reason: expect.stringMatching(new RegExp(`^all ${count} entries were deleted`)) }),
        }),
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('first run', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['rempart.example.com', false],
  ])('%s is loopback: %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });

  it('creates a demo owner with a random password only on a fresh embedded demo bound to loopback, and says it once', async () => {
    const fresh = await createTestDatabase();
    try {
      await createOrganisation(fresh.db, { id: 'demo', name: 'Demo' });
      const everywhere = await firstRunAccess(fresh.db, { embedded: true, host: '0.0.0.0', demoLoadedNow: true });
      expect(everywhere).toContain('rempart user create');
      expect(everywhere).not.toContain('password:');
      expect(await firstRunAccess(fresh.db, { embedded: false, host: '127.0.0.1', demoLoadedNow: true })).toContain('rempart user create');
      expect(await firstRunAccess(fresh.db, { embedded: true, host: '127.0.0.1', demoLoadedNow: false })).toContain('rempart user create');

      const message = (await firstRunAccess(fresh.db, { embedded: true, host: '127.0.0.1', demoLoadedNow: true }))!;
      expect(message).toContain(DEMO_OWNER_EMAIL);
      const password = /password: (\S+)/.exec(message)![1];
      expect(password).toMatch(/^[A-Z2-9]{5}(-[A-Z2-9]{5}){3}$/);
      const user = (await new AccountRepository(fresh.db).userByEmail(DEMO_OWNER_EMAIL))!;
      expect(await verifyPassword(user.passwordHash, password)).toBe(true);
      expect((await new AccountRepository(fresh.db).membership('demo', user.id))?.role).toBe('owner');
      expect(user.serverAdmin).toBe(true);
      // Never again: the next start finds an account and says nothing.
      expect(await firstRunAccess(fresh.db, { embedded: true, host: '127.0.0.1', demoLoadedNow: true })).toBeNull();
    } finally {
      await fresh.close();
    }
  });
});
