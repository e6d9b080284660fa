// Import of a synthetic organisation (10,000 activities, 30,000 staff entries, 2,000 applications)
// on the embedded database and on PostgreSQL, against a row-by-row baseline measured in the same run.
// Run: npx tsx bench/import.ts [--runs 3] [--activities 10000]   (PostgreSQL: DATABASE_URL or the local server)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { OrganisationModel } from '../src/model/organisation.js';
import { importModel } from '../src/operations/model-writer.js';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';
import { syntheticModel } from './synthetic.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const runs = option('runs', 3);
const activities = option('activities', 10_000);
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => `${value.toFixed(0)} ms`;

const model = syntheticModel({ activities, staffPerActivity: 3, applications: activities / 5, pools: 50, seed: 42 });
// What a client sends: the document as JSON text, parsed and validated on arrival.
const documentText = JSON.stringify(model);
const staffEntries = model.activities.reduce((sum, activity) => sum + activity.staff.length, 0);
console.log(
  `Synthetic organisation: ${model.activities.length} activities, ${staffEntries} staff entries, ${model.applications.length} applications, ${model.pools.length} pools (${(documentText.length / 1e6).toFixed(1)} MB of JSON)`,
);

/** The naive way: one INSERT per row, in one transaction. */
async function rowByRow(handle: DatabaseHandle, orgId: string, parsed: OrganisationModel): Promise<void> {
  await handle.db.transaction().execute(async (trx) => {
    await sql`insert into organisations (id, name, bia) values (${orgId}, 'Baseline', '{}'::jsonb) on conflict (id) do nothing`.execute(trx);
    for (const collection of ['sites', 'pools', 'applications', 'suppliers', 'activities', 'strategies'] as const) {
      await sql`delete from ${sql.table(collection)} where org_id = ${orgId}`.execute(trx);
      let position = 0;
      for (const entity of parsed[collection] as Array<{ id: string; name?: string }>)
        await sql`insert into ${sql.table(collection)} (org_id, id, position, name, doc) values (${orgId}, ${entity.id}, ${position++}, ${entity.name ?? entity.id}, ${JSON.stringify(entity)}::jsonb)`.execute(
          trx,
        );
    }
  });
}

async function measure(label: string, open: () => Promise<DatabaseHandle>): Promise<void> {
  const handle = await open();
  try {
    const validate: number[] = [];
    const imports: number[] = [];
    const baseline: number[] = [];
    for (let run = 0; run < runs; run++) {
      let started = performance.now();
      const parsed = OrganisationModel.parse(JSON.parse(documentText));
      validate.push(performance.now() - started);
      started = performance.now();
      // Run 0 creates the organisation, later runs replace its model: both paths are measured.
      await importModel(handle.db, 'synthetic', parsed);
      imports.push(performance.now() - started + validate[run]);
      started = performance.now();
      await rowByRow(handle, 'baseline', parsed);
      baseline.push(performance.now() - started);
    }
    const total = median(imports);
    console.log(
      `${label.padEnd(10)} import (parse + validate + write) median ${ms(total)} [runs: ${imports.map(ms).join(', ')}], ` +
        `of which parse+validate ${ms(median(validate))}; row-by-row baseline ${ms(median(baseline))} → ${(median(baseline) / total).toFixed(1)}× faster`,
    );
  } finally {
    await handle.close();
  }
}

const folder = await mkdtemp(join(tmpdir(), 'rempart-bench-'));
try {
  await measure('embedded', () => openDatabase({ dataDir: folder }));
  const admin = new pg.Client({ connectionString: serverUrl });
  try {
    await admin.connect();
  } catch (error) {
    console.log(`PostgreSQL: not reachable at ${serverUrl.replace(/:[^:@/]*@/, ':*****@')} (${(error as Error).message}); skipped`);
    process.exit(0);
  }
  const name = `rempart_bench_${process.pid}`;
  await admin.query(`create database ${name}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    await measure('postgres', () => openDatabase({ databaseUrl: url.toString() }));
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
