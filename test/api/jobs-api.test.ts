// Dead letters for administrators: GET /api/orgs/{org}/jobs?status=… (paged) and POST /api/orgs/{org}/jobs/{id}/retry,
// with their policy (owner and administrator; auditors read), and a retried run queued again for the user.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { loadDemo } from '../../src/operations/demo.js';
import { startTestApp, type TestApp, type TestUser } from '../support/app.js';

const ORG = 'letters';
let t: TestApp;
let administrator: TestUser;
let auditor: TestUser;
let manager: TestUser;

beforeAll(async () => {
  // No job runner: what is queued stays queued, and dead letters are made by hand below.
  t = await startTestApp();
  await actAs(SYSTEM, () => loadDemo(t.database.db, ORG));
  await t.join(ORG);
  administrator = await t.createUser('admin@letters.example', { org: ORG, role: 'administrator' });
  auditor = await t.createUser('auditor@letters.example', { org: ORG, role: 'auditor' });
  manager = await t.createUser('manager@letters.example', { org: ORG, role: 'continuityManager' });
});
afterAll(async () => {
  await t?.close();
});

/** Queues a run through the API and makes its job dead, as the runner does after its last failed attempt. */
async function deadRun(message: string): Promise<string> {
  const queued = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/runs`, payload: { kind: 'montecarlo', scenario: 'strike', runs: 100 } });
  expect(queued.statusCode, queued.body).toBe(202);
  const id = queued.json().id as string;
  const error = JSON.stringify({ message, attempt: 3, at: new Date().toISOString() });
  await sql`update jobs set status = 'dead', failures = 3, attempt = 3, last_error = ${error}::jsonb, finished_at = now() where id = ${id}`.execute(
    t.database.db,
  );
  await sql`update scenario_runs set status = 'failed', finished_at = now() where id = ${id}`.execute(t.database.db);
  return id;
}

describe('dead letters', () => {
  it('lists the organisation’s jobs by status, newest first, a page at a time', async () => {
    const ids = [await deadRun('first failure'), await deadRun('second failure'), await deadRun('third failure')];
    const first = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/jobs?status=dead&limit=2`, as: administrator.session });
    expect(first.statusCode, first.body).toBe(200);
    const page = first.json();
    expect(page.items.map((job: { id: string }) => job.id)).toEqual([ids[2], ids[1]]);
    expect(page.items[0]).toMatchObject({
      kind: 'runs.montecarlo',
      status: 'dead',
      failures: 3,
      maxAttempts: 3,
      payload: { run: ids[2] },
      lastError: { message: 'third failure', attempt: 3 },
    });
    expect(page.nextCursor).toEqual(expect.any(String));
    const second = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/jobs?status=dead&limit=2&cursor=${page.nextCursor}`, as: auditor.session })).json();
    expect(second.items.map((job: { id: string }) => job.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
    // Dead is the default; queued jobs are listed apart.
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/jobs` })).json().items).toHaveLength(3);
    // The only queued jobs are the demo plans' review reminders, scheduled for later; none of the dead ones.
    const queued = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/jobs?status=queued` })).json().items as Array<{ id: string; kind: string }>;
    expect(new Set(queued.map((job) => job.kind))).toEqual(new Set(['plans.review-reminder']));
    expect(queued.filter((job) => ids.includes(job.id))).toEqual([]);
    const bad = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/jobs?cursor=not-a-cursor` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0]).toMatchObject({ path: 'query.cursor', rule: 'cursor' });
  });

  it('lets an administrator retry a dead job: the job has its attempts again and its run is queued again', async () => {
    const id = await deadRun('the engine crashed');
    const retried = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/jobs/${id}/retry`, as: administrator.session });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({ id, status: 'queued', failures: 0, lastError: { message: 'the engine crashed' } });
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/runs/${id}` })).json()).toMatchObject({ status: 'queued', finishedAt: null, error: null });
    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'entity_type']).where('org_id', '=', ORG).where('entity_id', '=', id).execute();
    expect(audit).toContainEqual({ action: 'retry', entity_type: 'job' });
    // Only a dead job can be retried.
    const again = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/jobs/${id}/retry`, as: administrator.session });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('not_found');
  });

  it('lets auditors read but not retry, and continuity managers neither', async () => {
    const id = await deadRun('refused by the provider');
    const byAuditor = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/jobs/${id}/retry`, as: auditor.session });
    expect(byAuditor.statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/jobs`, as: manager.session })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/jobs`, as: null })).statusCode).toBe(401);
    // Another organisation's owner sees nothing of these.
    const outsider = await t.createUser('owner@elsewhere.example');
    await sql`update users set is_server_admin = true where id = ${outsider.id}`.execute(t.database.db);
    expect((await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'elsewhere', name: 'Elsewhere' }, as: outsider.session })).statusCode).toBe(201);
    expect((await t.request({ method: 'GET', url: '/api/orgs/elsewhere/jobs', as: outsider.session })).json().items).toEqual([]);
    expect((await t.request({ method: 'POST', url: `/api/orgs/elsewhere/jobs/${id}/retry`, as: outsider.session })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/jobs`, as: outsider.session })).statusCode).toBe(404);
  });
});
