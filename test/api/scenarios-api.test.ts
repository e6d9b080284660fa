// Scenarios, simulations and jobs over HTTP on the demo organisation, with a real job runner.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/operations/demo.js';
import { startTestApp, type TestApp, type TestResponse } from '../support/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ jobs: { workers: 2, pollMs: 50 } });
  await loadDemo(t.database.db);
  await t.join('demo');
});
afterAll(async () => {
  await t?.close();
});

const request = (options: InjectOptions): Promise<TestResponse> => t.request(options);

async function waitFor(runId: string, until: (run: { status: string; progress: number }) => boolean, timeoutMs = 60_000) {
  const started = Date.now();
  for (;;) {
    const run = (await request({ method: 'GET', url: `/api/orgs/demo/runs/${runId}` })).json();
    if (until(run)) return run;
    if (Date.now() - started > timeoutMs) throw new Error(`run ${runId} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('scenario library', () => {
  it('ships bilingual scenarios, installed in the demo organisation', async () => {
    const library = (await request({ method: 'GET', url: '/api/scenario-library' })).json().items;
    expect(library.length).toBeGreaterThanOrEqual(6);
    for (const scenario of library) {
      expect(scenario.names.en, scenario.id).toBeTruthy();
      expect(scenario.names.fr, scenario.id).toBeTruthy();
    }
    const ids = library.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['pandemic-lockdown', 'ransomware-core-apps', 'strike']));
    const stored = (await request({ method: 'GET', url: '/api/orgs/demo/scenarios?limit=100' })).json();
    expect(stored.items.map((s: { id: string }) => s.id).sort()).toEqual([...ids].sort());
  });

  it('refuses a scenario that names what the model does not have', async () => {
    const response = await request({
      method: 'POST',
      url: '/api/orgs/demo/scenarios',
      payload: { id: 'mars', name: 'Mars base lost', disruptions: [{ type: 'siteUnavailable', site: 'mars', from: 0 }] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0]).toMatchObject({ path: 'disruptions[0].site', value: 'mars' });
  });

  it('saves, reads and deletes a scenario of its own', async () => {
    const scenario = {
      id: 'lyon-closed',
      name: 'Lyon closed for a week',
      horizon: '30d',
      disruptions: [{ type: 'siteUnavailable', site: 'lyon', from: 0, to: '1w' }],
    };
    expect((await request({ method: 'POST', url: '/api/orgs/demo/scenarios', payload: scenario })).statusCode).toBe(201);
    expect((await request({ method: 'POST', url: '/api/orgs/demo/scenarios', payload: scenario })).statusCode).toBe(409);
    const read = (await request({ method: 'GET', url: '/api/orgs/demo/scenarios/lyon-closed' })).json();
    expect(read).toMatchObject({ horizon: 720, disruptions: [{ to: 168 }] });

    // A risk that links to it keeps it alive until the link goes.
    const risk = {
      id: 'lyon-closure',
      title: 'Lyon closed',
      threat: 'pandemic',
      inherent: { likelihood: 2, impact: 3 },
      residual: { likelihood: 2, impact: 2 },
      scenarios: ['lyon-closed'],
    };
    expect((await request({ method: 'POST', url: '/api/orgs/demo/risks', payload: risk })).statusCode).toBe(201);
    const refused = await request({ method: 'DELETE', url: '/api/orgs/demo/scenarios/lyon-closed' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'in_use', details: [{ path: 'risks[lyon-closure].scenarios', value: 'lyon-closed' }] });
    expect((await request({ method: 'DELETE', url: '/api/orgs/demo/risks/lyon-closure' })).statusCode).toBe(204);
    expect((await request({ method: 'DELETE', url: '/api/orgs/demo/scenarios/lyon-closed' })).statusCode).toBe(204);
    expect((await request({ method: 'GET', url: '/api/orgs/demo/scenarios/lyon-closed' })).statusCode).toBe(404);
  });
});

describe('simulation', () => {
  it('shows the telework lesson: a lockdown breaks activities because the VPN is too small', async () => {
    const response = await request({ method: 'POST', url: '/api/orgs/demo/scenarios/pandemic-lockdown/simulate' });
    expect(response.statusCode, response.body).toBe(201);
    const run = response.json();
    expect(run).toMatchObject({ kind: 'simulation', status: 'done', stale: false, scenarios: ['pandemic-lockdown'] });
    const result = run.result;
    expect(Object.keys(result).sort()).toEqual(['activities', 'breached', 'cost', 'downtimeCost', 'pools', 'yearlyDowntimeCost']);
    expect(Object.keys(result.activities[0]).sort()).toEqual(
      ['binding', 'disruptedHours', 'downtimeCost', 'firstDisrupted', 'id', 'longestDisruption', 'mtpdBreached', 'recoveredAt', 'rtoMet'].sort(),
    );
    expect(result.breached).toBeGreaterThan(0);
    const vpn = result.pools.find((p: { id: string }) => p.id === 'vpn');
    expect(vpn.peakDemand).toBeGreaterThan(vpn.capacityAtPeak);
    expect(vpn.unmetHours).toBeGreaterThan(0);
    // Staff, not applications, is why activities break under lockdown.
    const breached = result.activities.filter((a: { mtpdBreached: boolean }) => a.mtpdBreached);
    expect(breached.every((a: { binding: Array<{ cause: string }> }) => a.binding.some((b) => b.cause === 'staff'))).toBe(true);

    const runs = (await request({ method: 'GET', url: '/api/orgs/demo/runs?scenario=pandemic-lockdown' })).json().items;
    expect(runs[0].id).toBe(run.id);
    expect(runs[0].result).toBeUndefined();
  });

  it('marks a result stale once the model changes', async () => {
    const run = (await request({ method: 'POST', url: '/api/orgs/demo/scenarios/strike/simulate' })).json();
    const site = (await request({ method: 'GET', url: '/api/orgs/demo/sites/paris' })).json();
    await request({ method: 'PUT', url: '/api/orgs/demo/sites/paris', payload: { ...site, seats: (site.seats ?? 0) + 1 } });
    const again = (await request({ method: 'GET', url: `/api/orgs/demo/runs/${run.id}` })).json();
    expect(again.stale).toBe(true);
    expect(again.modelVersion).toBe(run.modelVersion);
  });
});

describe('jobs', () => {
  it('runs a Monte Carlo job to completion with breach probabilities', async () => {
    const queued = await request({
      method: 'POST',
      url: '/api/orgs/demo/runs',
      payload: { kind: 'montecarlo', scenario: 'pandemic-lockdown', runs: 300, seed: 7 },
    });
    expect(queued.statusCode, queued.body).toBe(202);
    expect(queued.headers.location).toContain(queued.json().id);
    const done = await waitFor(queued.json().id, (run) => run.status === 'done' || run.status === 'failed');
    expect(done.status).toBe('done');
    expect(done.result).toMatchObject({ runs: 300, seed: 7 });
    for (const activity of done.result.activities) {
      expect(activity.breachProbability).toBeGreaterThanOrEqual(0);
      expect(activity.breachProbability).toBeLessThanOrEqual(1);
      expect(activity.longestDisruption.p50).toBeLessThanOrEqual(activity.longestDisruption.p99);
    }
    expect(done.result.activities.some((a: { breachProbability: number }) => a.breachProbability > 0)).toBe(true);
  });

  it('recommends a VPN upgrade plus cloud desktops for the pandemic, not the fallback site', async () => {
    const queued = await request({ method: 'POST', url: '/api/orgs/demo/runs', payload: { kind: 'recommendation', scenarios: ['pandemic-lockdown'] } });
    expect(queued.statusCode).toBe(202);
    const done = await waitFor(queued.json().id, (run) => ['done', 'failed'].includes(run.status), 120_000);
    expect(done.status, JSON.stringify(done.error)).toBe('done');
    expect(done.result).toMatchObject({ feasible: true, exact: true });
    expect(done.result.strategies).toEqual(expect.arrayContaining(['vpn-upgrade', 'cloud-desktops']));
    expect(done.result.strategies).not.toContain('work-area-recovery');
    expect(done.result.cost).toBeGreaterThan(0);
    // What the set avoids in downtime, beside what it costs (the demo values 20 activities' hours).
    expect(done.result.downtimeCost).toMatchObject({ valuedActivities: 20, scenarios: [{ scenario: { index: 0, id: 'pandemic-lockdown' } }] });
    expect(done.result.downtimeCost.withStrategies).toBeLessThan(done.result.downtimeCost.withoutStrategies);
  });

  it('streams progress as server-sent events and ends with the run', async () => {
    const queued = (
      await request({ method: 'POST', url: '/api/orgs/demo/runs', payload: { kind: 'montecarlo', scenario: 'pandemic-lockdown', runs: 100, seed: 3 } })
    ).json();
    const stream = await request({ method: 'GET', url: `/api/orgs/demo/runs/${queued.id}/events` });
    expect(stream.headers['content-type']).toContain('text/event-stream');
    const events = stream.body.split('\n\n').filter(Boolean);
    const last = events[events.length - 1];
    expect(last).toMatch(/^event: end/);
    expect(JSON.parse(last.split('data: ')[1])).toMatchObject({ id: queued.id, status: 'done' });
  });

  it('cancels a long job', async () => {
    const queued = (
      await request({ method: 'POST', url: '/api/orgs/demo/runs', payload: { kind: 'montecarlo', scenario: 'pandemic-lockdown', runs: 100_000, seed: 1 } })
    ).json();
    await waitFor(queued.id, (run) => run.status === 'running' && run.progress > 0);
    const cancelled = await request({ method: 'POST', url: `/api/orgs/demo/runs/${queued.id}/cancel` });
    expect(cancelled.statusCode).toBe(200);
    const final = await waitFor(queued.id, (run) => run.status !== 'running');
    expect(final.status).toBe('cancelled');
    expect(final.progress).toBeLessThan(1);
  });

  it('runs 10,000 draws when the request names no number, as the CLI and the web page do', async () => {
    const queued = await request({ method: 'POST', url: '/api/orgs/demo/runs', payload: { kind: 'montecarlo', scenario: 'strike' } });
    expect(queued.statusCode, queued.body).toBe(202);
    expect(queued.json().params).toEqual({ runs: 10_000, seed: 1 });
    await request({ method: 'POST', url: `/api/orgs/demo/runs/${queued.json().id}/cancel` });
    await waitFor(queued.json().id, (run) => ['cancelled', 'done'].includes(run.status));
  });

  it('refuses bad job requests with the field, and unknown runs with 404', async () => {
    const bad = await request({ method: 'POST', url: '/api/orgs/demo/runs', payload: { kind: 'montecarlo', scenario: 'nope', runs: 0 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0]).toMatchObject({ path: 'body.runs', rule: 'too_small' });
    // Above the deployment's cap (REMPART_MAX_RUNS, 100,000 unless set).
    const tooMany = await request({ method: 'POST', url: '/api/orgs/demo/runs', payload: { kind: 'montecarlo', scenario: 'strike', runs: 100_001 } });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error).toMatchObject({ code: 'invalid_input', details: [{ path: 'body.runs', rule: 'too_big', value: 100_001 }] });
    const unknownScenario = await request({ method: 'POST', url: '/api/orgs/demo/runs', payload: { kind: 'montecarlo', scenario: 'nope' } });
    expect(unknownScenario.statusCode).toBe(404);
    const unknownStrategy = await request({
      method: 'POST',
      url: '/api/orgs/demo/runs',
      payload: { kind: 'recommendation', scenarios: ['strike'], candidates: ['teleport'] },
    });
    expect(unknownStrategy.statusCode).toBe(400);
    expect(unknownStrategy.json().error.details[0]).toMatchObject({ path: 'candidates', value: 'teleport' });
    expect((await request({ method: 'GET', url: '/api/orgs/demo/runs/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    expect((await request({ method: 'GET', url: '/api/orgs/demo/runs/not-a-uuid' })).statusCode).toBe(400);
  });
});
