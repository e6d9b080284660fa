// `rempart user create | admin | reset-password | reset-mfa`, `rempart audit verify`, and the first-run account, on the test database.
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerAccountCommands } from '../../src/cli/account-commands.js';
import { DEMO_OWNER_EMAIL, firstRunAccess, isLoopback } from '../../src/cli/first-run.js';
import { RempartError } from '../../src/errors.js';
import { createOrganisation } from '../../src/operations/model-writer.js';
import { AccountRepository } from '../../src/store/account-repository.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { verifyPassword } from '../../src/security/passwords.js';
import { createTestDatabase } from '../support/database.js';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  await createOrganisation(database.db, { id: 'acme', name: 'Acme' });
});
afterAll(async () => {
  await database?.close();
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
    const entry = await sql<{ actor_label: string; action: string; after: { email: string } }>`select actor_label, action, after from audit_log where chain = 'acme' and entity_type = 'member'`.execute(database.db);
    expect(entry.rows[0]).toMatchObject({ action: 'add', after: { email: 'admin@acme.example' } });
    expect(entry.rows[0].actor_label).toMatch(/^cli:/);
    expect(JSON.stringify(entry.rows)).not.toContain(password);
  });

  it('reads a chosen password from standard input and applies the rules', async () => {
    const weak = await rempart(['user', 'create', '--email', 'weak@acme.example', '--password-stdin'], 'password1234\n').catch((e: unknown) => e);
    expect(weak).toBeInstanceOf(RempartError);
    expect((weak as RempartError).details[0]).toMatchObject({ rule: 'common_password', value: '[hidden]' });
    const { stdout } = await rempart(['user', 'create', '--email', 'chosen@acme.example', '--password-stdin', '--name', 'Chosen One'], 'a password of my own choice\n');
    expect(stdout).not.toContain('Password');
    const user = (await new AccountRepository(database.db).userByEmail('chosen@acme.example'))!;
    expect(user.displayName).toBe('Chosen One');
    expect(await verifyPassword(user.passwordHash, 'a password of my own choice')).toBe(true);
  });

  it('adds an existing account to an organisation, and refuses a duplicate or an unknown organisation', async () => {
    const { stdout } = await rempart(['user', 'create', '--email', 'chosen@acme.example', '--org', 'acme', '--role', 'auditor']);
    expect(stdout).toContain('already had an account');
    expect((await rempart(['user', 'create', '--email', 'chosen@acme.example']).catch((e: unknown) => e)) as RempartError).toMatchObject({ code: 'duplicate_id' });
    expect((await rempart(['user', 'create', '--email', 'x@acme.example', '--org', 'nowhere']).catch((e: unknown) => e)) as RempartError).toMatchObject({ code: 'not_found' });
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
    const audit = await sql<{ action: string }>`select action from audit_log where chain = '@accounts' and action like 'server_admin%' order by seq`.execute(database.db);
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

describe('rempart audit verify', () => {
  it('reports intact chains, then names the first broken entry and exits 1', async () => {
    const intact = await rempart(['audit', 'verify']);
    expect(intact.exitCode).toBe(0);
    expect(intact.stdout).toMatch(/^@accounts: \d+ entries, chain intact$/m);
    expect(intact.stdout).toMatch(/^acme: \d+ entries, chain intact$/m);

    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(database.db);
    await sql`update audit_log set actor_label = 'someone else' where chain = 'acme' and seq = 2`.execute(database.db);
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(database.db);
    const broken = await rempart(['audit', 'verify', '--org', 'acme']);
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toMatch(/^acme: BROKEN at entry 2: its content does not match its hash/m);
    const json = JSON.parse((await rempart(['audit', 'verify', '--json'])).stdout);
    expect(json.find((report: { chain: string }) => report.chain === 'acme')).toMatchObject({ ok: false, broken: { seq: 2 } });
    expect(json.find((report: { chain: string }) => report.chain === '@accounts')).toMatchObject({ ok: true });
  });
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
