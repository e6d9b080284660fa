// Migrates one embedded database per test run and dumps it, so each suite starts from a copy in memory
// instead of paying PGlite's initdb (seconds) again.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEMPLATE_PATH_ENV = 'REMPART_TEST_TEMPLATE';

export async function setup(): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL) return async () => {};
  const { openDatabase } = await import('../../src/store/database.js');
  const dir = await mkdtemp(join(tmpdir(), 'rempart-template-'));
  const handle = await openDatabase({ dataDir: 'memory://' });
  const dump = await handle.pglite!.dumpDataDir('gzip');
  await handle.close();
  const path = join(dir, 'template.tar.gz');
  await writeFile(path, Buffer.from(await dump.arrayBuffer()));
  process.env[TEMPLATE_PATH_ENV] = path;
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
