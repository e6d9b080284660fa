// What every command shares: the data-folder option, an open database (with its keyed audit trail) for the command's duration, the organisation.
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

export async function withDatabase<T>(flags: ConfigFlags, work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const config = loadConfig(flags);
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  // What a command records is keyed and checkpointed like what the server records.
  const trail = configureAuditTrail({
    ...auditSettings(config, { createKey: true }),
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

/** `--org`, or the only organisation there is. */
export async function resolveOrg(handle: DatabaseHandle, org: string | undefined): Promise<string> {
  if (org) return org;
  const orgs = await new ModelRepository(handle.db).listOrganisations();
  if (orgs.length === 1) return orgs[0].id;
  throw new RempartError(
    'invalid_input',
    orgs.length === 0
      ? 'There is no organisation yet: import a model or run `rempart demo`.'
      : `Several organisations exist (${orgs.map((o) => o.id).join(', ')}): choose one with --org.`,
    [{ path: '--org', rule: 'required', value: null, message: 'organisation id' }],
  );
}
