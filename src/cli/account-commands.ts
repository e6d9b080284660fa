// `rempart user create | admin | reset-password | reset-mfa` and `rempart audit verify`: bootstrap and recover access, check the audit trail.
import { Option, type Command } from 'commander';
import { loadConfig, type ConfigFlags } from '../config.js';
import { RempartError } from '../errors.js';
import { Email, ROLES, type Role } from '../model/account.js';
import { problemsFromZod } from '../model/problem.js';
import { createUser } from '../operations/accounts.js';
import { actAs, cliActing } from '../operations/actor.js';
import { auditChains, describeReport, recordAudit, verifyChain, type ChainReport, type VerifyOptions } from '../operations/audit.js';
import { CheckpointStore } from '../security/audit-checkpoints.js';
import { AccountRepository } from '../store/account-repository.js';
import type { DatabaseHandle } from '../store/database.js';
import { generatePassword, hashPassword } from '../security/passwords.js';
import { auditSettings, dataOption, withDatabase, type DatabaseUse } from './context.js';

/** What the commands need from their surroundings; tests pass their own database, input and output. */
export interface AccountCommandHelpers {
  withDatabase<T>(flags: ConfigFlags, work: (handle: DatabaseHandle) => Promise<T>, use?: DatabaseUse): Promise<T>;
  /** Standard input, read whole (for --password-stdin). */
  readStdin?: () => Promise<string>;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** The key and checkpoint folder `audit verify` checks with (default: from the configuration, never generating a key). */
  auditOptions?: (flags: ConfigFlags) => VerifyOptions;
}

/** The server key (loaded only if a keyed entry is met) and the checkpoint folder of a configuration. */
function configuredAuditOptions(flags: ConfigFlags): VerifyOptions {
  const settings = auditSettings(loadConfig(flags), { createKey: false });
  return { key: settings.key, checkpoints: settings.checkpointDir ? new CheckpointStore(settings.checkpointDir, settings.key) : null };
}

async function readAll(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

function parseEmail(value: string): string {
  const parsed = Email.safeParse(value);
  if (!parsed.success) throw new RempartError('invalid_input', `"${value}" is not an e-mail address.`, problemsFromZod(parsed.error, value, ['--email']));
  return parsed.data;
}

async function userByEmail(handle: DatabaseHandle, email: string) {
  const user = await new AccountRepository(handle.db).userByEmail(email);
  if (!user)
    throw new RempartError('not_found', `No account with the e-mail address ${email}.`, [
      { path: '--email', rule: 'exists', value: email, message: 'unknown account' },
    ]);
  return user;
}

/** Adds `rempart user …` and `rempart audit …` to the program. */
export function registerAccountCommands(program: Command, helpers: AccountCommandHelpers = { withDatabase }): void {
  const out = () => helpers.out ?? process.stdout;
  const err = () => helpers.err ?? process.stderr;
  const stdin = () => (helpers.readStdin ?? (() => readAll()))();

  const user = program.command('user').description('Accounts: create the first administrator, recover access');

  user
    .command('create')
    .description(
      'Create a server administrator’s account, who may create organisations (with --org, also a member of that organisation); prints a generated password once unless --password-stdin',
    )
    .requiredOption('--email <email>', 'e-mail address, used to sign in')
    .option('--name <name>', 'display name (default: the part of the address before @)')
    .option('--org <id>', 'organisation to join (an existing account is added to it)')
    .addOption(new Option('--role <role>', 'role in the organisation (with --org)').choices([...ROLES]).default('owner'))
    .option('--password-stdin', 'read the password from standard input (12 to 256 characters, not a common one)')
    .addOption(dataOption())
    .action(async (flags: ConfigFlags & { email: string; name?: string; org?: string; role: Role; passwordStdin?: boolean }) => {
      const email = parseEmail(flags.email);
      const password = flags.passwordStdin ? (await stdin()).replace(/\r?\n$/, '') : undefined;
      const result = await helpers.withDatabase(flags, (handle) =>
        actAs(cliActing(), () =>
          createUser(handle.db, { email, displayName: flags.name, password, membership: flags.org ? { org: flags.org, role: flags.role } : undefined }),
        ),
      );
      const membership = flags.org ? ` as ${flags.role} of ${flags.org}` : '';
      if (!result.created) {
        out().write(`${email} already had an account: now a member${membership}. Its password is unchanged.\n`);
        return;
      }
      out().write(`Created the account ${email}${membership}, a server administrator (may create organisations).\n`);
      if (result.generatedPassword) out().write(`Password (shown this once): ${result.generatedPassword}\n`);
    });

  user
    .command('admin')
    .description('Make an existing account a server administrator, who may create organisations (--revoke: no longer)')
    .requiredOption('--email <email>', 'the account')
    .option('--revoke', 'take the standing away')
    .addOption(dataOption())
    .action(async (flags: ConfigFlags & { email: string; revoke?: boolean }) => {
      const email = parseEmail(flags.email);
      const serverAdmin = !flags.revoke;
      await helpers.withDatabase(flags, async (handle) => {
        const found = await userByEmail(handle, email);
        await actAs(cliActing(), () =>
          handle.db.transaction().execute(async (trx) => {
            await new AccountRepository(trx).setServerAdmin(found.id, serverAdmin);
            await recordAudit(trx, {
              org: null,
              action: serverAdmin ? 'server_admin_grant' : 'server_admin_revoke',
              entityType: 'user',
              entityId: found.id,
              before: { serverAdmin: found.serverAdmin },
              after: { serverAdmin },
            });
          }),
        );
      });
      out().write(serverAdmin ? `${email} is a server administrator: may create organisations.\n` : `${email} is no longer a server administrator.\n`);
    });

  user
    .command('reset-password')
    .description('Give an account a new random password (printed once, to be changed at next sign-in) and end its sessions')
    .requiredOption('--email <email>', 'the account')
    .addOption(dataOption())
    .action(async (flags: ConfigFlags & { email: string }) => {
      const email = parseEmail(flags.email);
      const password = generatePassword();
      const hash = await hashPassword(password);
      await helpers.withDatabase(flags, async (handle) => {
        const found = await userByEmail(handle, email);
        await actAs(cliActing(), () =>
          handle.db.transaction().execute(async (trx) => {
            const accounts = new AccountRepository(trx);
            await accounts.setPassword(found.id, hash, true);
            const ended = await accounts.deleteSessionsOf(found.id);
            await recordAudit(trx, { org: null, action: 'password_reset', entityType: 'user', entityId: found.id, after: { sessionsEnded: ended } });
          }),
        );
      });
      out().write(`New password for ${email} (shown this once; to be changed at next sign-in): ${password}\n`);
    });

  user
    .command('reset-mfa')
    .description('Remove the second factor of an account that lost its app and recovery codes, and end its sessions')
    .requiredOption('--email <email>', 'the account')
    .addOption(dataOption())
    .action(async (flags: ConfigFlags & { email: string }) => {
      const email = parseEmail(flags.email);
      await helpers.withDatabase(flags, async (handle) => {
        const found = await userByEmail(handle, email);
        await actAs(cliActing(), () =>
          handle.db.transaction().execute(async (trx) => {
            const accounts = new AccountRepository(trx);
            await accounts.disableMfa(found.id);
            const ended = await accounts.deleteSessionsOf(found.id);
            await recordAudit(trx, { org: null, action: 'mfa_reset', entityType: 'user', entityId: found.id, after: { sessionsEnded: ended } });
          }),
        );
      });
      out().write(`Removed the second factor of ${email}; they enrol again at next sign-in where their role requires it.\n`);
    });

  const audit = program.command('audit').description('The tamper-evident audit trail');

  audit
    .command('verify')
    .description(
      'Check the keyed hash chains of the audit trail (every organisation, or one) against the server key and the signed checkpoints; exit 1 naming each organisation, entry and kind of damage (rewritten, missing, entries after N missing, head moved back, all entries deleted, checkpoint tampered)',
    )
    .option('--org <id>', 'only this organisation’s chain ("@accounts" for sign-ins and account changes)')
    .option('--json', 'print the reports as JSON')
    .addOption(dataOption())
    .action(async (flags: ConfigFlags & { org?: string; json?: boolean }) => {
      const options = (helpers.auditOptions ?? configuredAuditOptions)(flags);
      const reports: ChainReport[] = await helpers.withDatabase(
        flags,
        async (handle) => {
          // Chains whose rows are all gone are found through their checkpoint files.
          const chains = flags.org ? [flags.org] : await auditChains(handle.db, options.checkpoints ?? null);
          const results = [];
          for (const chain of chains) results.push(await verifyChain(handle.db, chain, options));
          return results;
        },
        // Verifying reads: a folder without a database is the wrong folder, not an empty trail.
        { existing: true },
      );
      if (flags.json) out().write(`${JSON.stringify(reports, null, 2)}\n`);
      else {
        for (const report of reports) (report.ok ? out() : err()).write(`${describeReport(report)}\n`);
        if (!options.checkpoints)
          out().write(
            'No checkpoint folder (set REMPART_AUDIT_CHECKPOINTS): edits are detected, but not the removal of the newest entries or of a whole chain.\n',
          );
      }
      if (reports.length === 0 && !flags.json) out().write('The audit trail is empty.\n');
      if (reports.some((report) => !report.ok)) process.exitCode = 1;
    });
}
