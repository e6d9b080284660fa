// Backup and restore of a database holding many demo organisations (each 26 activities, 1,204 people, risks, plans),
// on PostgreSQL and on the embedded database: time, rows per second, file size; the restored copy checked row for row.
// Run: npx tsx bench/backup.ts [--orgs 20]   (PostgreSQL: DATABASE_URL or the local server)
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { actAs, SYSTEM } from '../src/operations/actor.js';
import { configureAuditTrail } from '../src/operations/audit.js';
import { restoreBackup, writeBackup } from '../src/operations/backup.js';
import { loadDemo } from '../src/operations/demo.js';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';

const args = process.argv.slice(2);
const orgs = Number(args[args.indexOf('--orgs') + 1] || 20) || 20;
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const key = randomBytes(32);

async function postgres(name: string): Promise<DatabaseHandle> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), migrate: name.endsWith('_source') });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

const body = async (file: string) =>
  gunzipSync(await readFile(file))
    .toString('utf8')
    .split('\n')
    .slice(1)
    .join('\n');

async function measure(kind: string, source: DatabaseHandle, target: () => Promise<DatabaseHandle>, folder: string) {
  configureAuditTrail({ key, db: source.db, autoCheckpoint: false });
  let started = performance.now();
  for (let index = 0; index < orgs; index++) await actAs(SYSTEM, () => loadDemo(source.db, `org-${index}`));
  const loadMs = performance.now() - started;
  const file = join(folder, `${kind}.jsonl.gz`);
  started = performance.now();
  const summary = await writeBackup(source.db, file, { key, source: source.kind });
  const backupMs = performance.now() - started;
  const size = (await stat(file)).size;
  const into = await target();
  started = performance.now();
  const restored = await restoreBackup(into.db, file, { key });
  const restoreMs = performance.now() - started;
  const again = join(folder, `${kind}-again.jsonl.gz`);
  await writeBackup(into.db, again, { key, source: into.kind });
  const same = (await body(again)) === (await body(file));
  await into.close();
  console.log(
    `${kind}: ${orgs} organisations (${(loadMs / 1000).toFixed(1)} s to load), ${summary.rows.toLocaleString('en')} rows in ${summary.header.tables.length} tables; ` +
      `backup ${(backupMs / 1000).toFixed(1)} s (${Math.round(summary.rows / (backupMs / 1000)).toLocaleString('en')} rows/s), ${(size / 1024 / 1024).toFixed(1)} MB gzip'd; ` +
      `restore ${(restoreMs / 1000).toFixed(1)} s (${Math.round(restored.rows / (restoreMs / 1000)).toLocaleString('en')} rows/s); restored copy identical row for row: ${same}`,
  );
}

const folder = await mkdtemp(join(tmpdir(), 'rempart-bench-backup-'));
try {
  const source = await postgres('rempart_bench_backup_source');
  await measure('PostgreSQL', source, () => postgres('rempart_bench_backup_target'), folder);
  await source.close();
  const embedded = await openDatabase({ dataDir: join(folder, 'embedded') });
  await measure('embedded', embedded, () => openDatabase({ dataDir: join(folder, 'embedded-restored'), migrate: false }), folder);
  await embedded.close();
} finally {
  await rm(folder, { recursive: true, force: true });
}
