// Jobs claimed and completed per second by the job runner (a no-op handler, so the figure is the queue's own cost:
// the fair claim, the fenced finish), with 1 and 2 runners, on the embedded database and on PostgreSQL; beside a
// raw baseline in the same run: a bare `update … for update skip locked … returning` loop on the same table, which
// claims and completes in one statement with no fairness, fencing or retry. Medians of 3 rounds.
// Run: npx tsx bench/jobs.ts [--jobs 2000] [--orgs 4]   (PostgreSQL: DATABASE_URL or the local server)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { actAs, SYSTEM } from '../src/operations/actor.js';
import { loadDemo } from '../src/operations/demo.js';
import type { JobHandler } from '../src/operations/jobs/handler.js';
import { enqueueJob } from '../src/operations/jobs/queue.js';
import { JobRunner } from '../src/operations/jobs/runner.js';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';
import type { Database } from '../src/store/schema.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const JOBS = option('--jobs', 2000);
const ORGS = option('--orgs', 4);
const ROUNDS = 3;
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const noop: JobHandler = { kind: 'bench.noop', run: async () => undefined };
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function queue(db: Kysely<Database>, kind: string): Promise<void> {
  await sql`delete from jobs where kind like 'bench.%'`.execute(db);
  // Organisations in turn, as many tenants queuing at once would.
  for (let i = 0; i < JOBS; i += 500)
    await db.transaction().execute(async (trx) => {
      for (let j = i; j < Math.min(JOBS, i + 500); j++) await enqueueJob(trx, { org: `bench-${j % ORGS}`, kind });
    });
}

async function runnerRate(db: Kysely<Database>, runners: number): Promise<number> {
  await queue(db, 'bench.noop');
  const started = performance.now();
  await Promise.all(Array.from({ length: runners }, () => new JobRunner(db, [noop], { staleAfterSeconds: 60 }).drain()));
  const seconds = (performance.now() - started) / 1000;
  const { left } = await db
    .selectFrom('jobs')
    .select(sql<number>`count(*)::int`.as('left'))
    .where('kind', '=', 'bench.noop')
    .where('status', '<>', 'done')
    .executeTakeFirstOrThrow();
  if (left !== 0) throw new Error(`${left} jobs left undone`);
  return JOBS / seconds;
}

async function rawRate(db: Kysely<Database>, loops: number): Promise<number> {
  await queue(db, 'bench.raw');
  const started = performance.now();
  await Promise.all(
    Array.from({ length: loops }, async () => {
      for (;;) {
        const done = await sql`
          update jobs set status = 'done', attempt = attempt + 1, finished_at = now()
          where id = (select id from jobs where kind = 'bench.raw' and status = 'queued' order by run_at limit 1 for update skip locked)
          returning id`.execute(db);
        if (done.rows.length === 0) return;
      }
    }),
  );
  return JOBS / ((performance.now() - started) / 1000);
}

async function measure(label: string, handle: DatabaseHandle): Promise<void> {
  await actAs(SYSTEM, () => loadDemo(handle.db, 'bench-0'));
  for (let i = 1; i < ORGS; i++)
    await sql`insert into organisations (id, name, doc, bia) select ${`bench-${i}`}, name, doc, bia from organisations where id = 'bench-0'`.execute(handle.db);
  for (const parallel of [1, 2]) {
    const raw: number[] = [];
    const runner: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      raw.push(await rawRate(handle.db, parallel));
      runner.push(await runnerRate(handle.db, parallel));
    }
    const r = median(runner);
    const b = median(raw);
    console.log(
      `${label.padEnd(10)} ${String(parallel).padStart(2)} runner(s)  job runner ${r.toFixed(0).padStart(6)} jobs/s   raw update…skip locked ${b.toFixed(0).padStart(6)} jobs/s   (${((r / b) * 100).toFixed(0)} % of raw)`,
    );
  }
}

console.log(`${JOBS} no-op jobs across ${ORGS} organisations, medians of ${ROUNDS} rounds`);
const folder = await mkdtemp(join(tmpdir(), 'rempart-bench-jobs-'));
const embedded = await openDatabase({ dataDir: folder });
try {
  await measure('embedded', embedded);
} finally {
  await embedded.close();
  await rm(folder, { recursive: true, force: true });
}

const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query('drop database if exists rempart_bench_jobs with (force)');
await admin.query('create database rempart_bench_jobs');
const url = new URL(serverUrl);
url.pathname = '/rempart_bench_jobs';
const server = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
try {
  await measure('postgres', server);
} finally {
  await server.close();
  await admin.query('drop database if exists rempart_bench_jobs with (force)');
  await admin.end();
}
