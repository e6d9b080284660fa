// `rempart serve --workers N`: on PostgreSQL, two HTTP processes answer one port, one killed is replaced while the
// other keeps serving, and SIGTERM ends them all. The embedded database (one owner process) is refused in one line.
import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres } from '../support/database.js';
import { runCommand, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { until } from '../support/until.js';

const env: NodeJS.ProcessEnv = { REMPART_SECRET_KEY: randomBytes(32).toString('base64'), REMPART_RATE_LIMIT: '0' };
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** GET on a connection of its own (no keep-alive): the cluster hands each new connection to one of its processes. */
function fresh(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers: { connection: 'close' } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** The pid of the process that answered a scrape of /metrics (open to loopback callers). */
async function answeringPid(url: string): Promise<number> {
  const { status, body } = await fresh(`${url}/metrics`);
  expect(status).toBe(200);
  return Number(/rempart_process_info\{pid="(\d+)"\} 1/.exec(body)![1]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('serve --workers on the embedded database', () => {
  it('is refused in one line naming PostgreSQL', async () => {
    const { code, output } = await runCommand(['serve', '--workers', '2', '--data', 'memory://', '--port', '0'], { ...env, DATABASE_URL: '' });
    expect(code).not.toBe(0);
    expect(output).toContain('serve --workers needs PostgreSQL (DATABASE_URL)');
    expect(output).not.toContain('running at');
  });

  it('refuses a number of processes out of range', async () => {
    const { code, output } = await runCommand(['serve', '--workers', '0', '--port', '0'], { ...env, DATABASE_URL: '' });
    expect(code).not.toBe(0);
    expect(output).toMatch(/workers/);
  });
});

// The embedded pass checks what the same command does there: it is refused (above) and starts nothing.
describe('serve --workers 2 on the database under test', () => {
  let cluster: ServerProcess;
  let children: number[];

  beforeAll(async () => {
    if (!usingPostgres) return;
    const database = await createTestDatabase();
    cleanups.push(() => database.close());
    cluster = await startServerProcess({ ...env, DATABASE_URL: database.url }, ['--workers', '2']);
    cleanups.push(() => cluster.stop());
    await until(
      'both processes listening',
      () => /pids (\d+), (\d+)/.exec(cluster.output()),
      (match) => match !== null,
      60_000,
    );
    children = /pids (\d+), (\d+)/.exec(cluster.output())!.slice(1).map(Number);
  }, 120_000);

  it('answers from two processes, keeps serving while one is killed and replaced, and ends them all on SIGTERM', async () => {
    if (!usingPostgres) {
      const { code, output } = await runCommand(['serve', '--workers', '2', '--data', 'memory://', '--port', '0'], { ...env, DATABASE_URL: '' });
      expect(code).toBe(1);
      expect(output).not.toContain('HTTP process listening');
      return;
    }
    expect(children).toHaveLength(2);
    expect(children).not.toContain(cluster.process.pid);
    const seen = new Set<number>();
    await until(
      'both processes answering',
      async () => seen.add(await answeringPid(cluster.url)),
      () => seen.size === 2,
      20_000,
    );
    expect([...seen].sort()).toEqual([...children].sort());

    const [victim, survivor] = children;
    process.kill(victim, 'SIGKILL');
    await until(
      'the killed process gone',
      () => alive(victim),
      (isAlive) => !isAlive,
      10_000,
    );
    // The other one answers every request meanwhile.
    for (let i = 0; i < 5; i++) expect((await fresh(`${cluster.url}/api/health`)).status).toBe(200);
    const replaced = new Set<number>();
    await until(
      'a new process answering',
      async () => replaced.add(await answeringPid(cluster.url)),
      () => replaced.size === 2,
      30_000,
    );
    expect(replaced.has(survivor)).toBe(true);
    expect(replaced.has(victim)).toBe(false);
    const newcomer = [...replaced].find((pid) => pid !== survivor)!;
    expect(cluster.output()).toContain('an HTTP process ended: starting another');

    cluster.process.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => cluster.process.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(0);
    for (const pid of [survivor, newcomer]) expect(alive(pid)).toBe(false);
    await expect(fresh(`${cluster.url}/api/health`)).rejects.toThrow();
  }, 90_000);
});
