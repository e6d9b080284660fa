// `rempart backup FILE [--org ID]` and `rempart restore FILE`: a consistent logical dump, restored into either kind of database.
import type { Command } from 'commander';
import { loadConfig, type Config, type ConfigFlags } from '../config.js';
import { RempartError } from '../errors.js';
import { auditTrail } from '../operations/audit.js';
import { BACKUP_VERSION, readBackupHeader, restoreBackup, writeBackup } from '../operations/backup.js';
import { auditSettings, dataOption, withDatabase, type CommandHelpers } from './context.js';

/** The server key if there is one; null (never a new key) when the data folder or the environment has none. */
function existingKey(config: Config): Buffer | null {
  try {
    return auditSettings(config, { createKey: false }).key();
  } catch (error) {
    if (error instanceof RempartError && (error.code === 'not_found' || (error.code === 'invalid_input' && !config.secretKey))) return null;
    throw error;
  }
}

const FORMAT_HELP = `
The file is gzip'd JSON lines (format version ${BACKUP_VERSION}): a header (format, version, the schema's last
migration, creation time, organisations, the fingerprint of the server key, the tables and their row counts), then
each table's rows, parents before children, then a closing line. It is made in one repeatable-read transaction:
a consistent picture while the server keeps working (PostgreSQL; stop the server first with the embedded database,
whose folder has one owner). Every table of the database is in it, with bytes, JSON, timestamps (to the
microsecond) and arrays as they are. The server key is NOT in it: keep it apart (see README, Operations).`;

/** Adds `rempart backup` and `rempart restore`. */
export function registerBackupCommands(program: Command, helpers: Pick<CommandHelpers, 'withDatabase' | 'out' | 'err'> = { withDatabase }): void {
  const out = () => helpers.out ?? process.stdout;
  const err = () => helpers.err ?? process.stderr;

  program
    .command('backup')
    .description('Write a consistent backup of the database (every organisation, or one with --org) to FILE')
    .argument('<file>', 'the backup to write (gzip’d JSON lines; conventionally .jsonl.gz)')
    .option('--org <id>', 'only this organisation: its rows, whole audit chains, and the accounts its members use')
    .addOption(dataOption())
    .addHelpText('after', FORMAT_HELP)
    .action(async (file: string, flags: ConfigFlags & { org?: string }) => {
      const config = loadConfig(flags);
      const key = existingKey(config);
      const started = Date.now();
      const summary = await helpers.withDatabase(flags, (handle) => writeBackup(handle.db, file, { org: flags.org, key, source: handle.kind }), {
        existing: true,
      });
      const { header } = summary;
      out().write(
        `Wrote ${file}: ${header.scope === 'all' ? `${header.orgs.length} organisation(s)` : `organisation ${header.orgs[0].id}`}, ${summary.rows} rows in ${header.tables.length} tables, schema ${header.migration} (${((Date.now() - started) / 1000).toFixed(1)} s).\n`,
      );
      if (!key && (header.keyed.auditEntries > 0 || header.keyed.sealedSecrets > 0))
        err().write(
          'Warning: no server key was at hand, so the backup does not say which key its audit trail needs: restore it under the same REMPART_SECRET_KEY.\n',
        );
    });

  program
    .command('restore')
    .description('Restore a backup into an empty database (embedded with --data DIR, or PostgreSQL with DATABASE_URL); runs the migrations')
    .argument('<file>', 'a file written by `rempart backup`')
    .option('--force', 'restore into a database that holds data: a full backup replaces everything, an organisation’s backup replaces that organisation')
    .option('--ignore-key', 'restore under another server key than the backup’s (its keyed audit entries will not verify, second factors must be reset)')
    .addOption(dataOption())
    .addHelpText(
      'after',
      `
A backup from a newer version of Rempart (its last migration unknown here) is refused. One from an older version
is loaded into the schema it was made with, then migrated. Restore under the same server key as the backup
(REMPART_SECRET_KEY, or secret.key copied into the new data folder): the audit trail is keyed with it.
Then check: rempart audit verify.
Moving from the embedded database to PostgreSQL:
  rempart backup all.jsonl.gz --data ./.rempart
  DATABASE_URL=postgres://… REMPART_SECRET_KEY=$(cat ./.rempart/secret.key) rempart restore all.jsonl.gz`,
    )
    .action(async (file: string, flags: ConfigFlags & { force?: boolean; ignoreKey?: boolean }) => {
      // The file first: a missing or foreign one must not cost (or create) a database.
      await readBackupHeader(file);
      const config = loadConfig(flags);
      const key = existingKey(config);
      const started = Date.now();
      const summary = await helpers.withDatabase(
        flags,
        async (handle) => {
          const restored = await restoreBackup(handle.db, file, { force: flags.force, key, ignoreKey: flags.ignoreKey });
          // The restored chains are sealed here, so that a later removal of their newest entries shows.
          await auditTrail().sealAll();
          return { ...restored, location: `${handle.kind} ${handle.location}` };
        },
        { migrate: false },
      );
      const { header } = summary;
      if (summary.replaced) err().write(`Replaced ${summary.replaced}.\n`);
      if (summary.warning) err().write(`Warning: ${summary.warning}\n`);
      out().write(
        `Restored ${file} (made ${header.createdAt}, schema ${header.migration}) into ${summary.location}: ${header.scope === 'all' ? `${header.orgs.length} organisation(s)` : `organisation ${header.orgs[0].id}`}, ${summary.rows} rows in ${header.tables.length} tables (${((Date.now() - started) / 1000).toFixed(1)} s).\n`,
      );
      if (summary.migrated.length > 0) out().write(`Then applied ${summary.migrated.length} migration(s): ${summary.migrated.join(', ')}.\n`);
      out().write('Check the audit trail with: rempart audit verify\n');
    });
}
