// Single-record writes (replacing one activity) and a 50-activity page, with autocannon over loopback against a real
// Rempart server process, each beside a raw fastify + node-postgres server doing the same SQL work (bench/raw-baseline-server.ts)
// measured in the same run, on the embedded database and on PostgreSQL, at 10 and 50 connections.
// Run: npx tsx bench/model-writes.ts [--seconds 5] [--only embedded|postgres] [--phase write|page] [--connections N]   (PostgreSQL: DATABASE_URL or the local server)
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import type { Activity } from '../src/model/organisation.js';
import { createUser } from '../src/operations/accounts.js';
import { createApiToken } from '../src/operations/members.js';
import { importModel } from '../src/operations/model-writer.js';
import { openDatabase } from '../src/store/database.js';
import { syntheticModel } from './synthetic.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const seconds = Number(option('--seconds') ?? 5);
const only = option('--only');
/** `--phase write` or `--phase page` measures one kind of request only (to profile it with BENCH_NODE_ARGS). */
const phase = option('--phase');
const connectionCounts = option('--connections') ? [Number(option('--connections'))] : [10, 50];
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const model = syntheticModel({ activities: 200, staffPerActivity: 3, applications: 60, pools: 5, seed: 42 });
const activities = model.activities as Activity[];

function start(command: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    // BENCH_NODE_ARGS (e.g. --cpu-prof) goes to the Rempart server only, to profile it under this load.
    const extra = command[0].startsWith('dist/') && process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
    // Rempart runs as deployed: the compiled dist/ (built first by this bench); the baseline through tsx.
    const loader = command[0].startsWith('dist/') ? [] : ['--import', 'tsx'];
    const child = spawn(process.execPath, [...extra, ...loader, ...command], {
      // The benchmark hammers one address: no rate limit; a key for the PostgreSQL server mode.
      env: { ...process.env, ...env, REMPART_LOG_LEVEL: 'warn', REMPART_RATE_LIMIT: '0', REMPART_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/[^\s]+)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    });
    child.on('exit', (code) => reject(new Error(`${command.join(' ')} exited with ${code}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

async function tokenFor(db: Parameters<typeof importModel>[0]): Promise<string> {
  const { userId } = await createUser(db, { email: 'bench@rempart.example', membership: { org: 'synthetic', role: 'owner' } });
  return (await createApiToken(db, 'synthetic', userId, { name: 'bench', role: 'continuityManager', expiresInDays: 1 })).secret;
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
}

/** Each request replaces the next activity with itself, description changed: every write changes a row. */
async function writes(base: string, path: (id: string) => string, headers: Record<string, string>, connections: number): Promise<Figures> {
  let counter = 0;
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'PUT',
        setupRequest: (request) => {
          const activity = activities[counter % activities.length];
          counter++;
          return {
            ...request,
            path: path(activity.id),
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify({ ...activity, description: `revision ${counter}` }),
          };
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`writes: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function reads(url: string, headers: Record<string, string>, connections: number): Promise<Figures> {
  const result = await autocannon({ url, connections, duration: seconds, headers });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

const NONE: Figures = { rps: NaN, p50: NaN, p99: NaN };

const show = (f: Figures) => `${String(Math.round(f.rps)).padStart(5)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms`;

async function measure(label: string, rempartEnv: NodeJS.ProcessEnv, rempartArgs: string[], baselineEnv: NodeJS.ProcessEnv, token: string) {
  const headers = { authorization: `Bearer ${token}` };
  const rows: string[] = [];
  for (const connections of connectionCounts) {
    const baseline = await start(['bench/raw-baseline-server.ts'], { ...baselineEnv, REMPART_BASELINE_DOCS: JSON.stringify(activities) });
    let raw: { write: Figures; page: Figures };
    try {
      raw = {
        write: phase === 'page' ? NONE : await writes(baseline.url, (id) => `/activities/${id}`, {}, connections),
        page: phase === 'write' ? NONE : await reads(`${baseline.url}/activities?limit=50`, {}, connections),
      };
    } finally {
      await stop(baseline.child);
    }
    const rempart = await start(['dist/src/cli/main.js', 'serve', '--port', '0', '--no-demo', ...rempartArgs], rempartEnv);
    try {
      const write = phase === 'page' ? NONE : await writes(rempart.url, (id) => `/api/orgs/synthetic/activities/${id}`, headers, connections);
      const page = phase === 'write' ? NONE : await reads(`${rempart.url}/api/orgs/synthetic/activities?limit=50`, headers, connections);
      rows.push(
        `${label.padEnd(8)} c=${String(connections).padEnd(2)} replace one activity  ${show(write)}   raw ${show(raw.write)}   ${(write.rps / raw.write.rps).toFixed(2)}× raw`,
        `${label.padEnd(8)} c=${String(connections).padEnd(2)} 50-activity page      ${show(page)}   raw ${show(raw.page)}   ${(page.rps / raw.page.rps).toFixed(2)}× raw`,
      );
      console.log(rows.slice(-2).join('\n'));
    } finally {
      await stop(rempart.child);
    }
  }
}

execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

if (only !== 'postgres') {
  const folder = await mkdtemp(join(tmpdir(), 'rempart-writes-'));
  const baselineFolder = await mkdtemp(join(tmpdir(), 'rempart-writes-raw-'));
  try {
    const embedded = await openDatabase({ dataDir: folder });
    await importModel(embedded.db, 'synthetic', model);
    const token = await tokenFor(embedded.db);
    await embedded.close();
    await measure('embedded', { DATABASE_URL: '' }, ['--data', folder], { DATABASE_URL: '', REMPART_BASELINE_DIR: baselineFolder }, token);
  } finally {
    await rm(folder, { recursive: true, force: true });
    await rm(baselineFolder, { recursive: true, force: true });
  }
}

if (only !== 'embedded') {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const name = `rempart_writes_${process.pid}`;
  await admin.query(`create database ${name}`);
  await admin.query(`create database ${name}_raw`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const server = await openDatabase({ databaseUrl: url.toString() });
    await importModel(server.db, 'synthetic', model);
    const token = await tokenFor(server.db);
    await server.close();
    const raw = new URL(serverUrl);
    raw.pathname = `/${name}_raw`;
    await measure('postgres', { DATABASE_URL: url.toString() }, [], { DATABASE_URL: raw.toString() }, token);
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`drop database if exists ${name}_raw with (force)`);
    await admin.end();
  }
}
