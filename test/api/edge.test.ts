// Hostile bodies and addresses are refused at the edge, quickly, cheaply and without echoing what was sent: wrong
// media types, oversized bodies, deep nesting, text PostgreSQL cannot store, over-long ids. A real server on a
// real port, since how much memory a refusal costs only shows with real sockets.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoModel } from '../../src/operations/demo.js';
import { importModel } from '../../src/operations/model-writer.js';
import { credentialHeaders, startTestApp, type TestApp, type TestUser } from '../support/app.js';
import { createTestDatabase, usingPostgres } from '../support/database.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { createUser } from '../../src/operations/accounts.js';
import { loadDemo } from '../../src/operations/demo.js';
import { createApiToken } from '../../src/operations/members.js';
import { openDatabase } from '../../src/store/database.js';

let t: TestApp;
let base: URL;
let manager: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  await importModel(t.database.db, 'demo', await readDemoModel());
  await t.join('demo');
  manager = await t.createUser('manager@edge.example', { org: 'demo', role: 'continuityManager' });
  base = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }));
});
afterAll(async () => {
  await t?.close();
});

const MB = 1024 * 1024;

/** Sends `size` bytes as a stream of 1 MB chunks (the client holds 1 MB, not the whole body); resolves at the answer. */
function upload(
  path: string,
  who: TestUser | { base: URL; headers: Record<string, string> },
  contentType: string,
  size: number,
): Promise<{ status: number; body: string; ms: number }> {
  const target = 'base' in who ? who.base : base;
  const credentials = 'base' in who ? who.headers : credentialHeaders(who.session, 'POST');
  const chunk = Buffer.alloc(MB, 0x61);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent >= size) return this.push(null);
        sent += chunk.length;
        this.push(chunk);
      },
    });
    const request = httpRequest(new URL(path, target), {
      method: 'POST',
      headers: { ...credentials, 'content-type': contentType, 'content-length': String(size) },
    });
    request.on('response', (response) => {
      const ms = performance.now() - started;
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => {
        source.destroy();
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), ms });
      });
    });
    // The server may answer and stop reading before the whole body is sent: that is the point.
    request.on('error', (error: NodeJS.ErrnoException) => (['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? undefined : reject(error)));
    source.pipe(request);
  });
}

async function health(url = new URL('/api/health', base)): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  return performance.now() - started;
}

/** The server's resident memory as the kernel counts it. */
function residentBytes(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

describe('body envelope of a server process', () => {
  // A process of its own, so that its memory is the server's alone (not the test client's, nor other suites').
  let server: ServerProcess;
  const callers: Record<'employee' | 'manager', { base: URL; headers: Record<string, string> }> = {} as never;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { REMPART_SECRET_KEY: randomBytes(32).toString('base64'), REMPART_RATE_LIMIT: '0', REMPART_JOBS: '0' };
    const tokens: Record<string, string> = {};
    const prepare = async (db: Parameters<typeof loadDemo>[0]) => {
      await actAs(SYSTEM, () => loadDemo(db, 'demo'));
      for (const role of ['employee', 'continuityManager'] as const) {
        const { userId } = await actAs(SYSTEM, () => createUser(db, { email: `${role}@edge.example`, membership: { org: 'demo', role } }));
        // An owner makes the token; the token acts with the person's role.
        tokens[role] = (await actAs(SYSTEM, () => createApiToken(db, 'demo', userId, { name: role, role, expiresInDays: 1 }))).secret;
      }
    };
    if (usingPostgres) {
      const database = await createTestDatabase();
      cleanups.push(() => database.close());
      await prepare(database.db);
      server = await startServerProcess({ ...env, DATABASE_URL: database.url });
    } else {
      const folder = await mkdtemp(join(tmpdir(), 'rempart-edge-'));
      cleanups.push(() => rm(folder, { recursive: true, force: true }));
      const database = await openDatabase({ dataDir: folder });
      await prepare(database.db);
      await database.close();
      server = await startServerProcess({ ...env, DATABASE_URL: '' }, ['--data', folder]);
    }
    const url = new URL(server.url);
    callers.employee = { base: url, headers: { authorization: `Bearer ${tokens.employee}` } };
    callers.manager = { base: url, headers: { authorization: `Bearer ${tokens.continuityManager}` } };
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it(
    'refuses 50 MB of the wrong type to any route within 100 ms, the process growing by less than 50 MB, while health answers',
    { timeout: 120_000 },
    async () => {
      const routes = ['/api/orgs/demo/sites', '/api/orgs/demo/activities', '/api/orgs/demo/scenarios', '/api/orgs/demo/risks', '/api/orgs/demo/runs'];
      // A first request warms the connection and the code paths up: what is measured is the refusal, not the start.
      await upload('/api/orgs/demo/sites', callers.manager, 'application/octet-stream', MB);
      const pid = server.process.pid!;
      const before = residentBytes(pid);
      const times: number[] = [];
      const healthTimes: number[] = [];
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(pid))), 5);
      try {
        for (const who of [callers.employee, callers.manager])
          for (const route of routes) {
            const [answer, healthMs] = await Promise.all([upload(route, who, 'application/octet-stream', 50 * MB), health(new URL('/api/health', who.base))]);
            expect([413, 415], `${route}: ${answer.body}`).toContain(answer.status);
            times.push(answer.ms);
            // No echo: the answer is a sentence, whatever was sent.
            expect(answer.body.length).toBeLessThan(1000);
            expect(JSON.parse(answer.body).error.code).toMatch(/^(unsupported_media_type|payload_too_large)$/);
            healthTimes.push(healthMs);
          }
      } finally {
        clearInterval(sampler);
      }
      // The machine is shared with other suites: the median is the refusal's cost, the maximum only bounds the noise.
      times.sort((a, b) => a - b);
      expect(times[Math.floor(times.length / 2)]).toBeLessThan(100);
      expect(times[times.length - 1]).toBeLessThan(1000);
      healthTimes.sort((a, b) => a - b);
      expect(healthTimes[Math.floor(healthTimes.length / 2)]).toBeLessThan(100);
      expect(peak - before).toBeLessThan(50 * MB);
    },
  );
});

describe('body envelope', () => {
  it('names the media types a route takes, and the limit of a body that is too large', async () => {
    const csv = await upload('/api/orgs/demo/sites', manager, 'text/csv', 2 * MB);
    expect(csv.status).toBe(415);
    expect(JSON.parse(csv.body).error.details).toEqual([{ path: 'headers.content-type', rule: 'media_type', value: 'text/csv', message: 'application/json' }]);
    const json = await upload('/api/orgs/demo/sites', manager, 'application/json', 2 * MB);
    expect(json.status).toBe(413);
    expect(JSON.parse(json.body).error.details[0]).toMatchObject({ path: 'body', rule: 'max_size', value: 2 * MB });
    // An import route takes spreadsheets, up to its own limit.
    const sheet = await upload('/api/orgs/demo/activities.sheet', manager, 'text/csv', 40 * MB);
    expect(sheet.status).toBe(413);
    const plain = await t.request({ method: 'POST', url: '/api/orgs/demo/sites', payload: 'id=paris', headers: { 'content-type': 'text/plain' } });
    expect(plain.statusCode).toBe(415);
  });

  it('never echoes the body in a refusal, even one made of a hundred thousand unknown fields', async () => {
    const fields = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`field${i}`, 'x']));
    const payload = JSON.stringify({ id: 'x', name: 'y', ...fields });
    expect(payload.length).toBeLessThan(MB);
    const response = await t.request({ method: 'POST', url: '/api/orgs/demo/sites', payload, headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(400);
    expect(response.body.length).toBeLessThan(4000);
    const big = await t.request({ method: 'POST', url: '/api/orgs/demo/sites', payload: { id: 'x', name: 'n'.repeat(900_000) } });
    expect(big.statusCode).toBe(400);
    expect(big.body.length).toBeLessThan(4000);
  });

  it('refuses JSON nested deeper than 64 levels by saying so', async () => {
    for (const depth of [65, 100_000]) {
      const response = await t.request({
        method: 'POST',
        url: '/api/orgs/demo/sites',
        payload: '['.repeat(depth) + ']'.repeat(depth),
        headers: { 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.message).toBe('The JSON body is nested deeper than 64 levels.');
      expect(response.json().error.details).toEqual([{ path: 'body', rule: 'too_deep', value: null, message: 'at most 64 levels of objects and arrays' }]);
    }
    // Brackets inside strings are text, not nesting.
    const text = await t.request({ method: 'POST', url: '/api/orgs/demo/sites', payload: { id: 'brackets', name: '{['.repeat(40) } });
    expect(text.statusCode).toBe(201);
  });
});

describe('text PostgreSQL cannot store', () => {
  it('refuses NUL characters and lone surrogates in queries, ids and bodies with path, rule and value', async () => {
    const query = await t.request({ method: 'GET', url: '/api/orgs/demo/sites?q=a%00b' });
    expect(query.statusCode).toBe(400);
    expect(query.json().error.details).toEqual([{ path: 'query.q', rule: 'invalid_text', value: 'a\u0000b', message: expect.any(String) }]);

    const id = await t.request({ method: 'GET', url: '/api/orgs/demo/activities/a%00b' });
    expect(id.statusCode).toBe(400);
    expect(id.json().error.details[0]).toMatchObject({ path: 'params.id', rule: 'invalid_text' });

    const body = await t.request({
      method: 'POST',
      url: '/api/orgs/demo/sites',
      // A lone surrogate can only arrive escaped: raw, it is not UTF-8.
      payload: '{"id": "nul-site", "name": "Paris\\u0000", "address": "\\ud800"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(body.statusCode).toBe(400);
    expect(body.json().error.details.map((p: { path: string; rule: string }) => [p.path, p.rule])).toEqual([
      ['body.name', 'invalid_text'],
      ['body.address', 'invalid_text'],
    ]);
    const key = await t.request({ method: 'POST', url: '/api/orgs/demo/risks', payload: '{"a\\u0000": 1}', headers: { 'content-type': 'application/json' } });
    expect(key.statusCode).toBe(400);
    expect(key.json().error.details[0]).toMatchObject({ path: 'body.a\u0000', rule: 'invalid_text' });
    // Nothing was written.
    expect((await t.request({ method: 'GET', url: '/api/orgs/demo/sites/nul-site' })).statusCode).toBe(404);
    // Well-formed pairs (an emoji) are text like any other.
    expect((await t.request({ method: 'GET', url: `/api/orgs/demo/sites?q=${encodeURIComponent('🙂')}` })).statusCode).toBe(200);
  });
});

describe('text PostgreSQL cannot store, in files', () => {
  it('refuses a spreadsheet whose cells hold a NUL character, naming the cell, and imports nothing', async () => {
    const template = await t.request({ method: 'GET', url: '/api/orgs/demo/activities.template?format=csv' });
    expect(template.statusCode).toBe(200);
    const header = template.body.replace(/^\uFEFF/, '').split(/\r?\n/)[0];
    const row = header
      .split(',')
      .map((_, i) => (i === 0 ? 'nul-activity' : i === 1 ? 'Claims\u0000 hotline' : ''))
      .join(',');
    const response = await t.request({
      method: 'POST',
      url: '/api/orgs/demo/activities.sheet',
      payload: `${header}\r\n${row}\r\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([expect.objectContaining({ rule: 'invalid_text', row: 2, column: 'B', path: 'rows[2]' })]);
    expect((await t.request({ method: 'GET', url: '/api/orgs/demo/activities/nul-activity' })).statusCode).toBe(404);
  });
});

describe('over-long addresses', () => {
  it('answers 400 too_long naming the parameter for ids over 200 characters', async () => {
    for (const url of [`/api/orgs/demo/activities/${'a'.repeat(201)}`, `/api/orgs/demo/sites/${'b'.repeat(5000)}`]) {
      const response = await t.request({ method: 'GET', url });
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.details[0]).toMatchObject({ path: 'params.id', rule: 'too_long' });
      expect(response.body.length).toBeLessThan(1000);
    }
    const org = await t.request({ method: 'GET', url: `/api/orgs/${'o'.repeat(300)}/sites` });
    expect(org.statusCode).toBe(400);
    expect(org.json().error.details[0]).toMatchObject({ path: 'params.org', rule: 'too_long' });
  });
});
