// A recommendation computes on a worker thread: while a large one runs in this process, the HTTP event loop stays
// free, so /api/health answers every poll quickly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { loadDemo } from '../../src/operations/demo.js';
import { startTestApp, type TestApp } from '../support/app.js';

const ORG = 'busy';
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ jobs: { workers: 1, pollMs: 20 } });
  await actAs(SYSTEM, () => loadDemo(t.database.db, ORG));
  await t.join(ORG);
});
afterAll(async () => {
  await t?.close();
});

describe('a recommendation job', () => {
  it('never holds the event loop: every health poll answers in under 200 ms while it runs', { timeout: 300_000 }, async () => {
    const library = (await t.request({ method: 'GET', url: '/api/scenario-library' })).json().items as Array<{ id: string }>;
    // Every shipped scenario at once and every strategy: the largest search the demo organisation allows.
    // Three of them back to back, so that the polls span well over a second however fast the search gets.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const queued = await t.request({
        method: 'POST',
        url: `/api/orgs/${ORG}/runs`,
        payload: { kind: 'recommendation', scenarios: library.map((scenario) => scenario.id) },
      });
      expect(queued.statusCode, queued.body).toBe(202);
      ids.push(queued.json().id as string);
    }
    const latencies: number[] = [];
    let statuses = ids.map(() => 'queued');
    let polls = 0;
    const started = performance.now();
    while (!statuses.every((status) => ['done', 'failed', 'cancelled'].includes(status))) {
      const before = performance.now();
      const health = await t.request({ method: 'GET', url: '/api/health', as: null });
      latencies.push(performance.now() - before);
      expect(health.statusCode).toBe(200);
      if (++polls % 5 === 0)
        statuses = await Promise.all(ids.map(async (id) => (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/runs/${id}` })).json().status as string));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const elapsed = performance.now() - started;
    expect(statuses).toEqual(['done', 'done', 'done']);
    // The search lasted long enough for the polls to mean something (an event-loop search of that length would
    // have held them for its whole duration, or for slices of it).
    expect(elapsed).toBeGreaterThan(500);
    expect(latencies.length).toBeGreaterThan(10);
    // The median within 200 ms, none held up for long: a recommendation on the HTTP loop would hold polls for
    // seconds; single slow polls are the shared machine's load.
    const sorted = [...latencies].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)], `latencies: ${latencies.map((ms) => Math.round(ms)).join(' ')}`).toBeLessThan(200);
    expect(sorted[sorted.length - 1], `latencies: ${latencies.map((ms) => Math.round(ms)).join(' ')}`).toBeLessThan(1000);
  });
});
