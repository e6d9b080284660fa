// Latency of a 100-item page of activities from the 10,000-activity organisation, measured with
// autocannon over loopback against a real server process, next to /api/health as the baseline.
// Run: npx tsx bench/pages.ts [--seconds 5]   (PostgreSQL: DATABASE_URL or the local server)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { createUser } from '../src/operations/accounts.js';
import { createApiToken } from '../src/operations/members.js';
import { importModel } from '../src/operations/model-writer.js';
import { openDatabase } from '../src/store/database.js';
import { syntheticModel } from './synthetic.js';

const args = process.argv.slice(2);
const seconds = args.includes('--seconds') ? Number(args[args.indexOf('--seconds') + 1]) : 5;
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const model = syntheticModel({ activities: 10_000, staffPerActivity: 3, applications: 2_000, pools: 50, seed: 42 });

function startServer(env: NodeJS.ProcessEnv, extra: string[]): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--no-demo', ...extra], {
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
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** Every request signs in as an API token (auditor: reads everything), as automation would. */
let headers: Record<string, string> = {};

/** An owner and a read-only token for the synthetic organisation. */
async function tokenFor(db: Parameters<typeof importModel>[0]): Promise<string> {
  const { userId } = await createUser(db, { email: 'bench@rempart.example', membership: { org: 'synthetic', role: 'owner' } });
  return (await createApiToken(db, 'synthetic', userId, { name: 'bench', role: 'auditor', expiresInDays: 1 })).secret;
}

async function load(url: string, connections: number) {
  const result = await autocannon({ url, connections, duration: seconds, headers });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}

async function measure(label: string, env: NodeJS.ProcessEnv, extra: string[], token: string) {
  headers = { authorization: `Bearer ${token}` };
  const { child, url } = await startServer(env, extra);
  try {
    const first = await (await fetch(`${url}/api/orgs/synthetic/activities?limit=100`, { headers })).json();
    if (first.items.length !== 100 || first.total !== 10_000) throw new Error('unexpected page');
    // A cursor from the middle of the list: keyset pagination must not slow down with depth.
    let cursor = first.nextCursor;
    for (let page = 0; page < 49; page++)
      cursor = (await (await fetch(`${url}/api/orgs/synthetic/activities?limit=100&cursor=${cursor}`, { headers })).json()).nextCursor;
    const targets = [
      ['health (baseline)', `${url}/api/health`],
      ['activities, page 1', `${url}/api/orgs/synthetic/activities?limit=100`],
      ['activities, page 51', `${url}/api/orgs/synthetic/activities?limit=100&cursor=${cursor}`],
      ['activities by name, search', `${url}/api/orgs/synthetic/activities?limit=100&sort=name&q=activity%201`],
    ] as const;
    for (const connections of [1, 10]) {
      let baseline = 0;
      for (const [name, target] of targets) {
        const result = await load(target, connections);
        // autocannon reports percentiles in whole milliseconds: the ratio uses the mean, which it keeps exact.
        if (name.startsWith('health')) baseline = result.latency.average;
        const ratio = name.startsWith('health') ? '' : `, mean ${(result.latency.average / Math.max(baseline, 0.001)).toFixed(1)}× health`;
        console.log(
          `${label.padEnd(9)} c=${String(connections).padEnd(2)} ${name.padEnd(27)} p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, mean ${result.latency.average.toFixed(2)} ms, ${Math.round(result.requests.average)} req/s${ratio}`,
        );
      }
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const folder = await mkdtemp(join(tmpdir(), 'rempart-pages-'));
try {
  const embedded = await openDatabase({ dataDir: folder });
  await importModel(embedded.db, 'synthetic', model);
  const embeddedToken = await tokenFor(embedded.db);
  await embedded.close();
  await measure('embedded', { DATABASE_URL: '' }, ['--data', folder], embeddedToken);

  const admin = new pg.Client({ connectionString: serverUrl });
  try {
    await admin.connect();
  } catch {
    console.log('PostgreSQL not reachable; skipped');
    process.exit(0);
  }
  const name = `rempart_pages_${process.pid}`;
  await admin.query(`create database ${name}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const server = await openDatabase({ databaseUrl: url.toString() });
    await importModel(server.db, 'synthetic', model);
    const serverToken = await tokenFor(server.db);
    await server.close();
    await measure('postgres', { DATABASE_URL: url.toString() }, [], serverToken);
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
