// What every command shares: the data-folder option, an open database for the command's duration, the organisation.
import { Option } from 'commander';
import { loadConfig, type ConfigFlags } from '../config.js';
import { RempartError } from '../errors.js';
import { openDatabase, type DatabaseHandle } from '../store/database.js';
import { ModelRepository } from '../store/model-repository.js';

export const dataOption = () => new Option('--data <dir>', 'embedded data folder (env REMPART_DATA, default ./.rempart)');

export async function withDatabase<T>(flags: ConfigFlags, work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const config = loadConfig(flags);
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

/** `--org`, or the only organisation there is. */
export async function resolveOrg(handle: DatabaseHandle, org: string | undefined): Promise<string> {
  if (org) return org;
  const orgs = await new ModelRepository(handle.db).listOrganisations();
  if (orgs.length === 1) return orgs[0].id;
  throw new RempartError('invalid_input', orgs.length === 0 ? 'There is no organisation yet: import a model or run `rempart demo`.' : `Several organisations exist (${orgs.map((o) => o.id).join(', ')}): choose one with --org.`, [
    { path: '--org', rule: 'required', value: null, message: 'organisation id' },
  ]);
}

