// Operations endpoints: `/api/ready` (database, migrations, job backlog) and Prometheus `/metrics` (who may read it,
// what it counts), on the database under test; hostile input refused like anywhere else.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { createTestDatabase } from '../support/database.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { randomBytes } from 'node:crypto';

let t: TestApp;
const TOKEN = 'metrics-token-of-the-tests-0123456789';
let withToken: TestApp;

beforeAll(async () => {
  t = await startTestApp({ ready: { maxBacklog: 3 } });
  withToken = await startTestApp({ metrics: { token: TOKEN } });
}, 120_000);
afterAll(async () => {
  await t?.app.close();
  await t?.database.close();
  await withToken?.app.close();
  await withToken?.database.close();
});

async function queueJobs(count: number, runAt = 'now()') {
  for (let index = 0; index < count; index++)
    await sql`insert into jobs (kind, payload, run_at) values ('test.noop', '{}', ${sql.raw(runAt)})`.execute(t.database.db);
}

describe('GET /api/ready', () => {
  it('is ready with the database up, every migration applied and no backlog; anyone may ask', async () => {
    const answer = await t.request({ method: 'GET', url: '/api/ready', as: null });
    expect(answer.statusCode).toBe(200);
    const body = answer.json();
    expect(body).toMatchObject({ status: 'ready', failed: [], checks: { database: { ok: true }, migrations: { ok: true, pending: [], unknown: [] } } });
    expect(body.checks.migrations.applied).toBe(body.checks.migrations.expected);
    expect(body.checks.jobs).toMatchObject({ ok: true, threshold: 3 });
  });

  it('is not ready at the backlog threshold (jobs due, not those waiting for later), naming the check', async () => {
    await queueJobs(5, "now() + interval '1 hour'");
    expect((await t.request({ method: 'GET', url: '/api/ready', as: null })).statusCode).toBe(200);
    await queueJobs(3);
    const answer = await t.request({ method: 'GET', url: '/api/ready', as: null });
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({ status: 'not_ready', failed: ['jobs'], checks: { jobs: { ok: false, backlog: 3, threshold: 3 } } });
    expect(answer.json().checks.jobs.oldestWaitSeconds).toBeGreaterThanOrEqual(0);
    await sql`delete from jobs where kind = 'test.noop'`.execute(t.database.db);
    expect((await t.request({ method: 'GET', url: '/api/ready', as: null })).statusCode).toBe(200);
  });

  it('is not ready with a migration pending, or one this version does not know', async () => {
    const last = (
      await sql<{ name: string; timestamp: string }>`select name, timestamp from kysely_migration order by name desc limit 1`.execute(t.database.db)
    ).rows[0];
    await sql`delete from kysely_migration where name = ${last.name}`.execute(t.database.db);
    await sql`insert into kysely_migration (name, timestamp) values ('2099-01-01T0000-from-the-future', ${last.timestamp})`.execute(t.database.db);
    try {
      const answer = await t.request({ method: 'GET', url: '/api/ready', as: null });
      expect(answer.statusCode).toBe(503);
      expect(answer.json()).toMatchObject({
        failed: ['migrations'],
        checks: { migrations: { ok: false, pending: [last.name], unknown: ['2099-01-01T0000-from-the-future'] } },
      });
    } finally {
      await sql`delete from kysely_migration where name = '2099-01-01T0000-from-the-future'`.execute(t.database.db);
      await sql`insert into kysely_migration (name, timestamp) values (${last.name}, ${last.timestamp})`.execute(t.database.db);
    }
  });

  it('is not ready when the database does not answer: every check failed, 503', async () => {
    const database = await createTestDatabase();
    const app = await buildApp({ db: database.db, databaseKind: database.kind, listen: database.listen, secretKey: randomBytes(32) });
    await app.ready();
    await database.db.destroy();
    try {
      const answer = await app.inject({ method: 'GET', url: '/api/ready' });
      expect(answer.statusCode).toBe(503);
      expect(answer.json()).toMatchObject({
        status: 'not_ready',
        failed: ['database', 'migrations', 'jobs'],
        checks: { database: { ok: false, error: 'the database does not answer' } },
      });
    } finally {
      await app.close().catch(() => undefined);
      await database.close().catch(() => undefined);
    }
  });

  it('refuses hostile and oversized input like every route', async () => {
    expect((await t.request({ method: 'GET', url: '/api/ready?probe=%00', as: null })).statusCode).toBe(400);
    const overlong = await t.request({ method: 'GET', url: `/api/ready/${'x'.repeat(300)}`, as: null });
    expect(overlong.statusCode).toBe(400);
    expect(overlong.json().error.details[0].rule).toBe('too_long');
    const big = await t.request({ method: 'POST', url: '/api/ready', as: null, payload: 'x'.repeat(2_000_000), headers: { 'content-type': 'text/plain' } });
    expect([404, 405, 413, 415]).toContain(big.statusCode);
    expect(big.body).not.toContain('xxxx');
  });
});

/** Every sample line of the text exposition format: name, labels, value. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*\})?) (\S+)$/.exec(
      line,
    );
    expect(match, line).not.toBeNull();
    found.set(match![1], Number(match![2]));
  }
  return found;
}

describe('GET /metrics', () => {
  it('counts requests by route pattern and status, latencies, jobs, check-ins and live events, in the exposition format', async () => {
    await t.request({ method: 'GET', url: '/api/ready', as: null });
    await t.request({ method: 'GET', url: '/api/orgs/nowhere/activities/some-id', as: null });
    await queueJobs(2);
    const answer = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const found = samples(answer.body);
    expect(found.get('rempart_http_requests_total{method="GET",route="/api/ready",status="200"}')).toBeGreaterThanOrEqual(1);
    // The route's pattern, never the id in the address.
    expect(answer.body).toContain('route="/api/orgs/:org/activities/:id"');
    expect(answer.body).not.toContain('some-id');
    expect(found.get('rempart_http_request_duration_seconds_bucket{method="GET",route="/api/ready",le="+Inf"}')).toBe(
      found.get('rempart_http_request_duration_seconds_count{method="GET",route="/api/ready"}'),
    );
    expect(found.get('rempart_jobs{status="queued"}')).toBeGreaterThanOrEqual(2);
    expect(found.get('rempart_jobs_ready')).toBeGreaterThanOrEqual(2);
    for (const name of ['rempart_live_streams', 'rempart_live_events_delivered_total', 'rempart_live_notices_total', 'process_resident_memory_bytes'])
      expect(found.has(name), name).toBe(true);
    expect(answer.body).toContain('# TYPE rempart_alert_deliveries gauge');
    expect(answer.body).toContain('# TYPE rempart_checkins gauge');
    await sql`delete from jobs where kind = 'test.noop'`.execute(t.database.db);
  });

  it('without a token, answers callers on this machine only', async () => {
    const remote = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' });
    expect(remote.statusCode).toBe(403);
    expect(remote.json().error.message).toMatch(/REMPART_METRICS_TOKEN/);
    expect((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::1' })).statusCode).toBe(200);
  });

  it('with a token, answers whoever sends it, from anywhere, and nobody else', async () => {
    const remote = { remoteAddress: '203.0.113.9' };
    expect((await withToken.app.inject({ method: 'GET', url: '/metrics', ...remote })).statusCode).toBe(401);
    expect((await withToken.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const wrong = await withToken.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}x` }, ...remote });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).not.toContain(TOKEN);
    const right = await withToken.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` }, ...remote });
    expect(right.statusCode).toBe(200);
    expect(right.body).toContain('rempart_http_requests_total');
    // Hostile input: a huge or binary header is refused, never echoed.
    const hostile = await withToken.app.inject({
      method: 'GET',
      url: '/metrics?x=%00',
      headers: { authorization: `Bearer ${'\u00ff'.repeat(10_000)}` },
      ...remote,
    });
    expect([400, 401]).toContain(hostile.statusCode);
  });
});
