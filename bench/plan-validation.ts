// Benchmark: the Monte Carlo pass of a plan validation (the demo's pandemic plan against its lockdown scenario),
// computed in the job runner's thread as it was, and on the pool of worker threads as it is now; what matters for
// the runner is how long its event loop is held (claims, heartbeats and checkpoints of other jobs wait meanwhile).
// Run: npx tsx bench/plan-validation.ts [--runs 2000]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MonteCarloSession } from '../src/engine/montecarlo.js';
import type { Scenario } from '../src/model/scenario.js';
import { actAs, SYSTEM } from '../src/operations/actor.js';
import { loadDemo } from '../src/operations/demo.js';
import { exportModel } from '../src/operations/model-writer.js';
import { closeMonteCarloWorkers } from '../src/operations/montecarlo-workers.js';
import { planScenario, validatePlanMonteCarlo } from '../src/operations/plan-validation.js';
import { openDatabase } from '../src/store/database.js';
import { ModelRepository } from '../src/store/model-repository.js';
import { PlanRepository } from '../src/store/plan-repository.js';

const args = process.argv.slice(2);
const RUNS = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 2000;

/** Wall time of `fn` and the longest the event loop went without running a 5 ms timer meanwhile. */
async function measure(fn: () => Promise<unknown>): Promise<{ ms: number; blockedMs: number }> {
  let last = performance.now();
  let blocked = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    blocked = Math.max(blocked, now - last);
    last = now;
  }, 5);
  const start = performance.now();
  await fn();
  const ms = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(timer);
  return { ms: Math.round(ms), blockedMs: Math.round(blocked) };
}

const folder = await mkdtemp(join(tmpdir(), 'rempart-bench-plans-'));
const handle = await openDatabase({ dataDir: folder });
try {
  await actAs(SYSTEM, () => loadDemo(handle.db, 'demo'));
  const plan = (await new PlanRepository(handle.db).version('demo', 'pandemic', 1))!;
  const model = await exportModel(handle.db, 'demo');
  const stored = (await new ModelRepository(handle.db).getEntity('demo', 'scenarios', plan.content.scenarios[0])) as unknown as Scenario;
  const scenario = planScenario(stored, plan.content).scenario;
  // Warm both paths once (the pool's threads start, the engine's code is compiled).
  new MonteCarloSession(model, scenario).run({ runs: 50, seed: 1 });
  await validatePlanMonteCarlo(handle.db, 'demo', 'pandemic', 1, 50, 1, { workers: 2 });
  const inThread = await measure(async () => new MonteCarloSession(model, scenario).run({ runs: RUNS, seed: 7 }));
  const pool = await measure(() => validatePlanMonteCarlo(handle.db, 'demo', 'pandemic', 1, RUNS, 7, { workers: 2 }));
  console.log(`plan validation Monte Carlo, ${RUNS} runs of the pandemic plan's scenario`);
  console.log(`  in the runner's thread (before): ${inThread.ms} ms, event loop held ${inThread.blockedMs} ms`);
  console.log(`  on 2 pool threads (now):         ${pool.ms} ms, event loop held at most ${pool.blockedMs} ms (database writes included)`);
} finally {
  await closeMonteCarloWorkers();
  await handle.close();
  await rm(folder, { recursive: true, force: true });
}
