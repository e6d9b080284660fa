// Test databases: a fresh embedded database loaded from one migrated template, or, when DATABASE_URL
// is set, a fresh database on that PostgreSQL server. Both run the same migrations and the same tests.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { TEMPLATE_PATH_ENV } from './global-setup.js';

export const usingPostgres = Boolean(process.env.DATABASE_URL);

/** Admin URL of the PostgreSQL server under test, pointing at a database we may create others from. */
function serverUrl(database: string): string {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

/** `migrate: false`: a database with no schema yet (what `rempart restore` starts from). */
export async function createTestDatabase(options: { migrate?: false } = {}): Promise<DatabaseHandle & { url?: string }> {
  if (usingPostgres) {
    const name = `rempart_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = serverUrl(name);
    const handle = await openDatabase({ databaseUrl: url, poolSize: 4, migrate: options.migrate });
    return {
      ...handle,
      url,
      close: async () => {
        await handle.close();
        const cleanup = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await cleanup.connect();
        await cleanup.query(`drop database if exists ${name} with (force)`);
        await cleanup.end();
      },
    };
  }
  if (options.migrate === false) return openDatabase({ dataDir: 'memory://', migrate: false });
  const templatePath = process.env[TEMPLATE_PATH_ENV];
  const loadDataDir = templatePath ? new Blob([await readFile(templatePath)]) : undefined;
  return openDatabase({ dataDir: 'memory://', loadDataDir });
}
