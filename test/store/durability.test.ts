// An acknowledged write survives the server being killed (SIGKILL), and the embedded folder is locked.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/store/database.js';
import { createTestDatabase, usingPostgres } from '../support/database.js';
import { cliEntry } from '../support/cli-entry.js';

interface Server {
  process: ChildProcess;
  url: string;
}

function startServer(env: NodeJS.ProcessEnv, args: string[]): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliEntry(), 'serve', '--port', '0', '--no-demo', ...args], {
      env: { ...process.env, ...env, REMPART_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/[^\s]+)/.exec(output);
      if (match) resolve({ process: child, url: match[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

function run(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...cliEntry(), ...args], {
      env: { ...process.env, ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
    if (input !== undefined) child.stdin!.end(input);
  });
}

const EMAIL = 'durable@test.example';
const PASSWORD = 'a durable password for the kill test';

/** Signs in over HTTP: the session cookie and the CSRF header every write sends. */
async function signIn(url: string): Promise<Record<string, string>> {
  const response = await fetch(`${url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers
    .getSetCookie()
    .find((c) => c.startsWith('rempart_session='))!
    .split(';')[0];
  return { cookie, 'x-csrf-token': ((await response.json()) as { csrfToken: string }).csrfToken };
}

describe('durability', () => {
  let folder: string;
  let database: (DatabaseHandle & { url?: string }) | undefined;
  let env: NodeJS.ProcessEnv;
  let args: string[];

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'rempart-durability-'));
    if (usingPostgres) {
      database = await createTestDatabase();
      env = { DATABASE_URL: database.url };
      args = [];
    } else {
      env = { DATABASE_URL: '' };
      args = ['--data', folder];
    }
    // Servers on PostgreSQL need a key shared by all processes; the writers must not meet the rate limit.
    env = { ...env, REMPART_SECRET_KEY: randomBytes(32).toString('base64'), REMPART_RATE_LIMIT: '0' };
    // The first administrator, created from the command line before the server starts (the embedded folder is free).
    const created = await run(['user', 'create', '--email', EMAIL, '--password-stdin', ...args], env, `${PASSWORD}\n`);
    expect(created.code, created.stderr).toBe(0);
  });
  afterAll(async () => {
    await database?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('keeps every acknowledged write after SIGKILL during a stream of writes', { timeout: 240_000 }, async () => {
    const first = await startServer(env, args);
    const session = await signIn(first.url);
    const created = await fetch(`${first.url}/api/orgs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...session },
      body: JSON.stringify({ id: 'durable', name: 'Durable' }),
    });
    expect(created.status).toBe(201);

    const acknowledged: string[] = [];
    let next = 0;
    let killed = false;
    // Four writers in parallel, so the kill lands while several transactions are in flight.
    const writer = async () => {
      while (!killed) {
        const id = `site-${next++}`;
        try {
          const response = await fetch(`${first.url}/api/orgs/durable/sites`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...session },
            body: JSON.stringify({ id, name: `Site ${id}` }),
          });
          if (response.status === 201) acknowledged.push(id);
        } catch {
          return;
        }
      }
    };
    const writers = [writer(), writer(), writer(), writer()];
    // Kill once enough writes are acknowledged, or after a while on a slow machine: either way mid-stream.
    const deadline = Date.now() + 20_000;
    while (acknowledged.length < 60 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // Listen before killing: the process may be gone before the writers notice.
    const exited = new Promise((r) => first.process.once('exit', r));
    first.process.kill('SIGKILL');
    killed = true;
    await Promise.all(writers);
    await exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(10);

    // The killed process left its lock behind: the restart must take it over without help.
    const second = await startServer(env, args);
    try {
      const stored = new Set<string>();
      let cursor: string | null = null;
      do {
        const page: { items: Array<{ id: string }>; nextCursor: string | null } =
          await // The session lives in the database: it outlives the process that opened it.
          (await fetch(`${second.url}/api/orgs/durable/sites?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { headers: session })).json();
        for (const item of page.items) stored.add(item.id);
        cursor = page.nextCursor;
      } while (cursor);
      const lost = acknowledged.filter((id) => !stored.has(id));
      expect(lost).toEqual([]);

      if (!usingPostgres) {
        // While the server holds the folder, a second process is refused before it writes anything.
        const other = await run(['demo', '--data', folder], env);
        expect(other.code).toBe(1);
        expect(other.stderr).toMatch(/data_folder_locked/);
        expect(other.stderr).toMatch(/in use by another Rempart process/);
        const orgs: { items: Array<{ id: string }> } = await (await fetch(`${second.url}/api/orgs`, { headers: session })).json();
        expect(orgs.items.map((o) => o.id)).toEqual(['durable']);
      }
    } finally {
      second.process.kill('SIGTERM');
      await new Promise((r) => second.process.once('exit', r));
    }
  });
});
