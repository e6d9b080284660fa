// One organisation cannot hold the shared job runners: it may queue only so many jobs, a Monte Carlo job may ask
// for only so many runs, and another organisation's job waits at most one turn behind a flood of long jobs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { loadDemo } from '../../src/operations/demo.js';
import { startTestApp, type TestApp } from '../support/app.js';

interface RunView {
  id: string;
  status: string;
  progress: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

async function runOf(t: TestApp, org: string, id: string): Promise<RunView> {
  return (await t.request({ method: 'GET', url: `/api/orgs/${org}/runs/${id}` })).json();
}

async function waitFor(t: TestApp, org: string, id: string, until: (run: RunView) => boolean, timeoutMs = 180_000): Promise<RunView> {
  const started = Date.now();
  for (;;) {
    const run = await runOf(t, org, id);
    if (until(run)) return run;
    if (Date.now() - started > timeoutMs) throw new Error(`run ${id} of ${org} still ${run.status} at ${run.progress}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const montecarlo = (runs: number) => ({ kind: 'montecarlo', scenario: 'pandemic-lockdown', runs, seed: 3 });

describe('fair claims across organisations', () => {
  const TURN_SECONDS = 0.5;
  let t: TestApp;
  beforeAll(async () => {
    // One runner with one thread: the scarcest case, where a flood would otherwise hold everything.
    t = await startTestApp({ jobs: { workers: 1, pollMs: 20, turnSeconds: TURN_SECONDS }, jobLimits: { perOrganisation: 3, maxRuns: 1_000_000 } });
    for (const org of ['alpha', 'bravo']) {
      await actAs(SYSTEM, () => loadDemo(t.database.db, org));
      await t.join(org);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs another organisation’s small job within one turn of a flood of long jobs, which then goes on', { timeout: 600_000 }, async () => {
    // Each of alpha's jobs takes minutes on one thread: in created order, bravo would wait for all three.
    const flood: RunView[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await t.request({ method: 'POST', url: '/api/orgs/alpha/runs', payload: montecarlo(1_000_000) });
      expect(response.statusCode, response.body).toBe(202);
      flood.push(response.json());
    }
    await waitFor(t, 'alpha', flood[0].id, (run) => run.status === 'running' && run.progress > 0);

    const queued = await t.request({ method: 'POST', url: '/api/orgs/bravo/runs', payload: montecarlo(300) });
    expect(queued.statusCode, queued.body).toBe(202);
    const small = await waitFor(t, 'bravo', queued.json().id, (run) => ['done', 'failed', 'cancelled'].includes(run.status));
    expect(small.status).toBe('done');
    // Claimed at the end of alpha's turn: one turn, plus the checkpoint, hand-back and claim round trips (about
    // 0.3 s here; the margin is for a loaded machine). In created order it would wait for all three jobs.
    const waited = Date.parse(small.startedAt!) - Date.parse(small.createdAt);
    expect(waited).toBeLessThan(TURN_SECONDS * 1000 + 5000);

    // alpha's first job gave way without losing its runs; its other jobs have not started.
    const [firstJob, second, third] = await Promise.all(flood.map((run) => runOf(t, 'alpha', run.id)));
    expect(firstJob).toMatchObject({ status: 'running', finishedAt: null });
    expect(firstJob.progress).toBeGreaterThan(0);
    expect(firstJob.progress).toBeLessThan(1);
    expect(Date.parse(firstJob.startedAt!)).toBeLessThan(Date.parse(small.startedAt!));
    expect([second.startedAt, third.startedAt]).toEqual([null, null]);
    // And it resumes once bravo's job is done, from its checkpoint (its progress goes on, not from zero).
    // The run's job has the run's id; its state is the checkpoint (the runs so far).
    const stored = await t.database.db.selectFrom('jobs').select(['attempt', 'state']).where('id', '=', firstJob.id).executeTakeFirstOrThrow();
    expect(stored.state).toMatchObject({ partial: { runs: 1_000_000 } });
    await waitFor(t, 'alpha', firstJob.id, (run) => run.progress > firstJob.progress + 0.005);
    const resumed = await t.database.db.selectFrom('jobs').select(['attempt', 'heartbeat_at']).where('id', '=', firstJob.id).executeTakeFirstOrThrow();
    expect(resumed.attempt).toBeGreaterThanOrEqual(2);

    for (const run of flood) expect((await t.request({ method: 'POST', url: `/api/orgs/alpha/runs/${run.id}/cancel` })).statusCode).toBe(200);
    for (const run of flood) await waitFor(t, 'alpha', run.id, (current) => current.status === 'cancelled');
  });
});

describe('limits on jobs', () => {
  let t: TestApp;
  beforeAll(async () => {
    // No job runner: queued jobs stay queued, so the counts are exact.
    t = await startTestApp({ jobLimits: { perOrganisation: 3, maxRuns: 5000 } });
    for (const org of ['charlie', 'delta']) {
      await actAs(SYSTEM, () => loadDemo(t.database.db, org));
      await t.join(org);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a job over the organisation’s limit with 429, even when the requests arrive together', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => t.request({ method: 'POST', url: '/api/orgs/charlie/runs', payload: montecarlo(100) })),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([202, 202, 202, 429, 429, 429, 429, 429]);
    const refused = responses.find((response) => response.statusCode === 429)!;
    expect(refused.headers['retry-after']).toBeDefined();
    const error = refused.json().error;
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/3 queued or running jobs.*REMPART_JOBS_PER_ORG/);
    expect(error.details).toEqual([
      { path: 'jobs', rule: 'max_jobs_per_organisation', value: 3, message: 'at most 3 queued or running jobs per organisation' },
    ]);

    // The limit is the organisation's own: another one still queues.
    expect((await t.request({ method: 'POST', url: '/api/orgs/delta/runs', payload: montecarlo(100) })).statusCode).toBe(202);
    // A cancelled job frees its place.
    const accepted = responses.find((response) => response.statusCode === 202)!.json();
    expect((await t.request({ method: 'POST', url: `/api/orgs/charlie/runs/${accepted.id}/cancel` })).json().status).toBe('cancelled');
    expect((await t.request({ method: 'POST', url: '/api/orgs/charlie/runs', payload: montecarlo(100) })).statusCode).toBe(202);
    expect((await t.request({ method: 'POST', url: '/api/orgs/charlie/runs', payload: montecarlo(100) })).statusCode).toBe(429);
    // Recommendations count too.
    const recommendation = await t.request({ method: 'POST', url: '/api/orgs/charlie/runs', payload: { kind: 'recommendation', scenarios: ['strike'] } });
    expect(recommendation.statusCode).toBe(429);
  });

  it('refuses more runs than the deployment allows, naming the field, the rule and the value', async () => {
    const over = await t.request({ method: 'POST', url: '/api/orgs/delta/runs', payload: montecarlo(5001) });
    expect(over.statusCode).toBe(400);
    expect(over.json().error).toMatchObject({ code: 'invalid_input', details: [{ path: 'body.runs', rule: 'too_big', value: 5001 }] });
    expect((await t.request({ method: 'POST', url: '/api/orgs/delta/runs', payload: montecarlo(5000) })).statusCode).toBe(202);
    // The API reference states the cap.
    const document = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(JSON.stringify(document)).toContain('At most 5000 (REMPART_MAX_RUNS)');
  });
});
