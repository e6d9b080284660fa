// What a hostile upload costs a real server process: 50 MB of the wrong media type (or too large) sent to routes of
// the demo organisation, timed to the answer, with the server's resident memory and /api/health measured meanwhile.
// Baseline in the same run: a small valid JSON request (a site read) on the same server.
// Run: npx tsx bench/hostile-bodies.ts [--rounds 5]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createUser } from '../src/operations/accounts.js';
import { loadDemo } from '../src/operations/demo.js';
import { createApiToken } from '../src/operations/members.js';
import { openDatabase } from '../src/store/database.js';

const args = process.argv.slice(2);
const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 5;
const MB = 1024 * 1024;

function startServer(folder: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--no-demo', '--data', folder], {
      env: { ...process.env, DATABASE_URL: '', REMPART_LOG_LEVEL: 'warn', REMPART_RATE_LIMIT: '0' },
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

/** The server's resident memory in MB, as the kernel counts it. */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

function send(url: string, token: string, method: string, contentType: string, size: number): Promise<{ status: number; ms: number }> {
  const chunk = Buffer.alloc(Math.min(MB, Math.max(size, 1)), 0x61);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent >= size) return this.push(null);
        const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += part.length;
        this.push(part);
      },
    });
    const request = httpRequest(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'content-length': String(size) } });
    request.on('response', (response) => {
      const ms = performance.now() - started;
      response.resume();
      response.on('end', () => {
        source.destroy();
        resolve({ status: response.statusCode ?? 0, ms });
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => (['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? undefined : reject(error)));
    if (size > 0) source.pipe(request);
    else request.end();
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.99))];

const folder = await mkdtemp(join(tmpdir(), 'rempart-hostile-'));
let server: { child: ChildProcess; url: string } | undefined;
try {
  const database = await openDatabase({ dataDir: folder });
  await loadDemo(database.db);
  const { userId } = await createUser(database.db, { email: 'bench@rempart.example', membership: { org: 'demo', role: 'owner' } });
  const token = (await createApiToken(database.db, 'demo', userId, { name: 'bench', role: 'continuityManager', expiresInDays: 1 })).secret;
  await database.close();
  server = await startServer(folder);
  const { url, child } = server;

  const baseline: number[] = [];
  for (let i = 0; i < rounds * 4; i++) baseline.push((await send(`${url}/api/orgs/demo/sites`, token, 'POST', 'application/json', 0)).ms);

  const cases = [
    ['50 MB octet-stream → /sites (415)', `${url}/api/orgs/demo/sites`, 'application/octet-stream', 50 * MB],
    ['50 MB octet-stream → /risks (415)', `${url}/api/orgs/demo/risks`, 'application/octet-stream', 50 * MB],
    ['50 MB JSON → /sites (413)', `${url}/api/orgs/demo/sites`, 'application/json', 50 * MB],
    ['50 MB CSV → /activities.sheet (413)', `${url}/api/orgs/demo/activities.sheet`, 'text/csv', 50 * MB],
  ] as const;
  const rssBefore = rssOf(child.pid!);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(child.pid!))), 5);
  const health: number[] = [];
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const started = performance.now();
      await (await fetch(`${url}/api/health`)).arrayBuffer();
      health.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  console.log(`baseline: a small JSON request to /sites answers in ${median(baseline).toFixed(1)} ms (median of ${baseline.length})`);
  for (const [name, target, type, size] of cases) {
    const times: number[] = [];
    let status = 0;
    for (let i = 0; i < rounds; i++) ({ status, ms: times[i] } = await send(target, token, 'POST', type, size));
    console.log(
      `${name.padEnd(40)} status ${status}, answered in median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (${(median(times) / median(baseline)).toFixed(1)}× baseline)`,
    );
  }
  polling = false;
  await poll;
  clearInterval(sampler);
  console.log(
    `server memory: ${rssBefore.toFixed(0)} MB before, peak ${rssPeak.toFixed(0)} MB (+${(rssPeak - rssBefore).toFixed(0)} MB) over ${cases.length * rounds} hostile uploads`,
  );
  console.log(`/api/health meanwhile: median ${median(health).toFixed(1)} ms, p99 ${p99(health).toFixed(1)} ms over ${health.length} polls`);
} finally {
  server?.child.kill('SIGTERM');
  if (server) await new Promise((r) => server!.child.once('exit', r));
  await rm(folder, { recursive: true, force: true });
}
