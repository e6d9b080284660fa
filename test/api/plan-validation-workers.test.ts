// A plan's Monte Carlo validation runs on the pool of worker threads, as the other Monte Carlo jobs do: the same
// probabilities whatever the number of threads (run i draws from (seed, i)), equal to the runs computed in this
// thread, the threads back in the pool afterwards, and an abort stops it; through the job, the stored validation
// carries the runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonteCarloSession } from '../../src/engine/montecarlo.js';
import { EngineAbortedError } from '../../src/engine/validate.js';
import { loadDemo } from '../../src/operations/demo.js';
import { JOB_HANDLERS } from '../../src/operations/jobs/handlers/index.js';
import { JobRunner } from '../../src/operations/jobs/runner.js';
import { idleMonteCarloWorkers } from '../../src/operations/montecarlo-workers.js';
import { exportModel } from '../../src/operations/model-writer.js';
import { planScenario, validatePlanMonteCarlo } from '../../src/operations/plan-validation.js';
import { ModelRepository } from '../../src/store/model-repository.js';
import { PlanRepository } from '../../src/store/plan-repository.js';
import type { Scenario } from '../../src/model/scenario.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  await loadDemo(t.database.db, 'demo');
  await t.join('demo');
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('the Monte Carlo pass of a plan validation', () => {
  it('gives the same probabilities on one thread of the pool, on two, and computed here', { timeout: 180_000 }, async () => {
    const one = await validatePlanMonteCarlo(t.database.db, 'demo', 'pandemic', 1, 60, 11, { workers: 1 });
    const two = await validatePlanMonteCarlo(t.database.db, 'demo', 'pandemic', 1, 60, 11, { workers: 2 });
    expect(two.scenarios).toEqual(one.scenarios);
    expect(idleMonteCarloWorkers()).toBeGreaterThan(0);

    const plan = (await new PlanRepository(t.database.db).version('demo', 'pandemic', 1))!;
    const model = await exportModel(t.database.db, 'demo');
    const stored = (await new ModelRepository(t.database.db).getEntity('demo', 'scenarios', plan.content.scenarios[0])) as unknown as Scenario;
    const partial = new MonteCarloSession(model, planScenario(stored, plan.content).scenario).run({ runs: 60, seed: 11 });
    const scenario = one.scenarios[0];
    expect(scenario.runs).toBe(60);
    for (const line of scenario.activities) {
      const index = partial.activityIds.indexOf(line.activity);
      const within = (limit: number) => partial.longest[index].reduce((sum, [hours, runs]) => (hours <= limit ? sum + runs : sum), 0) / 60;
      expect(line.rtoProbability, line.activity).toBe(within(line.rto));
      expect(line.mtpdProbability, line.activity).toBe(within(line.mtpd));
    }
  });

  it('stops when its job is aborted', { timeout: 120_000 }, async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(validatePlanMonteCarlo(t.database.db, 'demo', 'pandemic', 1, 5000, 3, { workers: 1, signal: controller.signal })).rejects.toBeInstanceOf(
      EngineAbortedError,
    );
  });

  it('stores the probabilities when the job asked for over HTTP has run', { timeout: 180_000 }, async () => {
    const asked = await t.request({ method: 'POST', url: '/api/orgs/demo/plans/ransomware/validate', payload: { runs: 50, seed: 5 } });
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json().job).toEqual(expect.any(String));
    // The real job runner with the real handlers, on two threads of the pool (other queued jobs run too).
    const runner = new JobRunner(t.database.db, JOB_HANDLERS, { workers: 2 });
    while ((await runner.drain()) > 0);
    const validation = (await t.request({ method: 'GET', url: '/api/orgs/demo/plans/ransomware' })).json().validation;
    expect(validation.scenarios[0].runs).toBe(50);
    expect(validation.scenarios[0].activities.every((line: { rtoProbability: number | null }) => line.rtoProbability !== null)).toBe(true);
  });
});
