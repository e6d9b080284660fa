// What every command shares: the data-folder option, an open database (with its keyed audit trail) for the command's duration, the organisation.
import { existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { Option } from 'commander';
import { auditCheckpointFolder, loadConfig, type Config, type ConfigFlags } from '../config.js';
import { RempartError } from '../errors.js';
import { configureAuditTrail } from '../operations/audit.js';
import { loadSecretKey } from '../security/secret-key.js';
import { openDatabase, type DatabaseHandle } from '../store/database.js';
import { ModelRepository } from '../store/model-repository.js';

export const dataOption = () => new Option('--data <dir>', 'embedded data folder (env REMPART_DATA, default ./.rempart)');

/**
 * The server key and checkpoint folder of the audit trail for a configuration. The key is loaded when first
 * needed (a command that records nothing does not need it); `createKey: false` never generates one.
 */
export function auditSettings(config: Config, options: { createKey: boolean }): { key: () => Buffer; checkpointDir: string | null } {
  let key: Buffer | undefined;
  return {
    key: () =>
      (key ??= loadSecretKey({ fromEnv: config.secretKey, embeddedDataDir: config.databaseUrl ? undefined : config.dataDir, create: options.createKey }).key),
    checkpointDir: auditCheckpointFolder(config),
  };
}

export interface DatabaseUse {
  /**
   * The command only reads (simulate, export, lists…): an embedded data folder without a database is refused by
   * name instead of being created empty, which would only lead to "no organisation" about the wrong folder.
   */
  existing?: boolean;
  /** Open without applying pending migrations (restore brings the schema to its backup's first). */
  migrate?: false;
}

/** Refuses a missing embedded database before anything creates one. */
export function requireExistingDatabase(config: Config): void {
  if (config.databaseUrl || config.dataDir.startsWith('memory://')) return;
  const folder = resolve(config.dataDir);
  // PGlite writes PG_VERSION when it creates a cluster: a folder without it holds no database.
  if (existsSync(join(folder, 'pgdata', 'PG_VERSION'))) return;
  throw new RempartError(
    'not_found',
    `No Rempart database in ${folder}: give the data folder with --data DIR (or REMPART_DATA), or DATABASE_URL for PostgreSQL.`,
    [{ path: '--data', rule: 'exists', value: folder, message: existsSync(folder) ? 'the folder holds no Rempart database' : 'no such folder' }],
  );
}

export async function withDatabase<T>(flags: ConfigFlags, work: (handle: DatabaseHandle) => Promise<T>, use: DatabaseUse = {}): Promise<T> {
  const config = loadConfig(flags);
  if (use.existing) requireExistingDatabase(config);
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: use.migrate });
  // What a command records is keyed and checkpointed like what the server records.
  const trail = configureAuditTrail({
    ...auditSettings(config, { createKey: !use.existing }),
    db: handle.db,
    onProblem: (message) => process.stderr.write(`Warning: ${message}\n`),
  });
  try {
    return await work(handle);
  } finally {
    try {
      await trail.close();
    } finally {
      await handle.close();
    }
  }
}

/**
 * `--org` (which must exist), or the only organisation there is. Refusals name the database opened: the usual
 * mistake is a command run from another folder than the server's data.
 */
export async function resolveOrg(handle: DatabaseHandle, org: string | undefined): Promise<string> {
  const repository = new ModelRepository(handle.db);
  if (org && (await repository.getOrganisation(org))) return org;
  const orgs = await repository.listOrganisations();
  const where = `${handle.kind === 'embedded' ? 'the data folder' : 'the database'} ${handle.location}`;
  const ids =
    orgs.length > 10
      ? `${orgs
          .slice(0, 10)
          .map((o) => o.id)
          .join(', ')}…`
      : orgs.map((o) => o.id).join(', ');
  if (org)
    throw new RempartError('not_found', `No organisation "${org}" in ${where} (${orgs.length === 0 ? 'it has none' : `it has ${ids}`}).`, [
      { path: '--org', rule: 'exists', value: org, message: `no such organisation in ${handle.location}` },
    ]);
  if (orgs.length === 1) return orgs[0].id;
  throw new RempartError(
    'invalid_input',
    orgs.length === 0
      ? `There is no organisation in ${where} yet: import a model or run \`rempart demo\`.`
      : `Several organisations exist in ${where} (${ids}): choose one with --org.`,
    [{ path: '--org', rule: 'required', value: null, message: 'organisation id' }],
  );
}

/** What the commands on a stored organisation need from their surroundings; tests pass their own database. */
/**
 * Refuses `--data DIR` where the command reads a file instead of a database (`--model FILE`): it would be ignored, and
 * a user who named a data folder believes its organisation was used.
 */
export function refuseDataWith(flags: ConfigFlags, source: string | undefined, sourceFlag: string): void {
  if (flags.data === undefined || source === undefined) return;
  throw new RempartError(
    'invalid_input',
    `Give ${sourceFlag} or --data, not both: ${sourceFlag} reads ${source}, --data opens a database that would be ignored.`,
    [{ path: '--data', rule: 'one_source', value: flags.data, message: `not with ${sourceFlag}` }],
  );
}

export interface CommandHelpers {
  withDatabase<T>(flags: ConfigFlags, work: (handle: DatabaseHandle) => Promise<T>, use?: DatabaseUse): Promise<T>;
  resolveOrg(handle: DatabaseHandle, org: string | undefined): Promise<string>;
  /** Where results are printed (standard output by default). */
  out?: NodeJS.WritableStream;
  /** Where messages about files are printed (standard error by default). */
  err?: NodeJS.WritableStream;
}

export interface OrgFlags extends ConfigFlags {
  org?: string;
}

/** A spreadsheet's format from its extension; `what` names the file in the refusal ("risk register", "people file"). */
export function sheetFormat(file: string, what: string): 'csv' | 'xlsx' {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  throw new RempartError('invalid_input', `Cannot tell the format of ${file}: use a .csv or .xlsx ${what}.`, [
    { path: 'FILE', rule: 'extension', value: file, message: '.csv or .xlsx' },
  ]);
}
