// Benchmark: Monte Carlo of the demo pandemic (10,000 runs) and of a synthetic 1,000-activity organisation under the
// same kind of scenario, on the main thread and on 2 worker threads, against the engine of 4b66542 measured in the same run.
// Run: npm run build:server && npx tsx bench/montecarlo.ts [--runs 10000] [--repetitions 3] [--big-runs 10000] [--baseline-big-runs 500]
// The baseline is the pre-issue-18 engine and worker pool checked out by bench/baseline.ts.
// Workers are measured twice: from the TypeScript sources (tsx compiles the worker again in every thread) and, when
// dist/ is built, from the compiled JavaScript the server and `rempart worker` run in production.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { monteCarlo, type MonteCarloResult } from '../src/engine/montecarlo.js';
import { OrganisationModel } from '../src/model/organisation.js';
import { Scenario } from '../src/model/scenario.js';
import * as sourcePool from '../src/operations/montecarlo-workers.js';
import { baselineMonteCarlo as oldMonteCarlo, baselineWorkers } from './baseline.js';

const baselineMonteCarlo = oldMonteCarlo.monteCarlo;
const baselineParallel = baselineWorkers.runMonteCarloParallel;
import { syntheticModel, syntheticScenario } from './synthetic.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const RUNS = option('runs', 10_000);
const REPETITIONS = option('repetitions', 3);
const BIG_RUNS = option('big-runs', 10_000);
// The old engine takes about 30 ms a run on the 1,000-activity model: it runs fewer, scaled to BIG_RUNS.
const BASELINE_BIG_RUNS = option('baseline-big-runs', 500);
const SEED = 2024;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** CPU time of the whole process (worker threads included), in ms: on a shared, busy machine it is steadier than wall time. */
const cpuTimes: number[] = [];

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await fn();
  const used = process.cpuUsage(cpu);
  cpuTimes.push((used.user + used.system) / 1000);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median wall time of the repetitions; `lastCpu` holds their median CPU time. */
let lastCpu = 0;
async function medianOf(fn: () => Promise<unknown> | unknown, repetitions = REPETITIONS): Promise<number> {
  const times: number[] = [];
  cpuTimes.length = 0;
  for (let i = 0; i < repetitions; i++) times.push(await time(fn));
  lastCpu = median(cpuTimes);
  return median(times);
}

/** The fields the old engine had: the new result must carry the same numbers. */
const core = (
  result: Pick<MonteCarloResult, 'runs' | 'seed'> & {
    activities: Array<Pick<MonteCarloResult['activities'][number], 'id' | 'breachProbability' | 'longestDisruption'>>;
  },
) =>
  JSON.stringify({
    runs: result.runs,
    seed: result.seed,
    activities: result.activities.map((a) => ({ id: a.id, breachProbability: a.breachProbability, longestDisruption: a.longestDisruption })),
  });

/** The production build of the worker pool (dist/, from `npm run build:server`), when there is one. */
const distUrl = new URL('../dist/src/operations/montecarlo-workers.js', import.meta.url);
const distPool: typeof sourcePool | null = existsSync(distUrl) ? ((await import(distUrl.href)) as typeof sourcePool) : null;
const pools: Array<[string, typeof sourcePool]> = [['tsx', sourcePool], ...(distPool ? [['dist', distPool] as [string, typeof sourcePool]] : [])];
const { runMonteCarloParallel } = distPool ?? sourcePool;

const ms = (value: number) => `${value.toFixed(0).padStart(7)} ms`;
const line = (label: string, before: { wall: number; cpu: number }, after: { wall: number; cpu: number }, note = '') =>
  console.log(
    `${label.padEnd(34)} before ${ms(before.wall)} (CPU ${ms(before.cpu)})   after ${ms(after.wall)} (CPU ${ms(after.cpu)})   ×${(before.wall / after.wall).toFixed(1)} wall, ×${(before.cpu / after.cpu).toFixed(1)} CPU${note}`,
  );
/** Median wall and CPU times of the repetitions, scaled by `scale`. */
async function measure(fn: () => Promise<unknown> | unknown, repetitions = REPETITIONS, scale = 1): Promise<{ wall: number; cpu: number }> {
  const wall = await medianOf(fn, repetitions);
  return { wall: wall * scale, cpu: lastCpu * scale };
}

const root = new URL('../data/', import.meta.url);
const org = new URL('demo/organisation.json', root);
const pandemic = new URL('scenarios/pandemic-lockdown.json', root);
if (!existsSync(org) || !existsSync(pandemic)) throw new Error('data/demo/organisation.json and data/scenarios/pandemic-lockdown.json are needed');
const demo = OrganisationModel.parse(JSON.parse(readFileSync(org, 'utf8')));
const demoScenario = Scenario.parse(JSON.parse(readFileSync(pandemic, 'utf8')));

console.log(
  `${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(2)}; medians of ${REPETITIONS} repetitions; "before" = engine of 4b66542 (bench/baseline.ts);`,
);
console.log('CPU = process CPU time, worker threads included (on 2 idle cores, 2 workers take about CPU / 2 of wall time)');
console.log(`\n1. demo organisation × pandemic-lockdown: ${demo.activities.length} activities, ${RUNS} runs, seed ${SEED}`);
baselineMonteCarlo(demo, demoScenario, { runs: 200, seed: SEED }); // warm-up (JIT)
monteCarlo(demo, demoScenario, { runs: 200, seed: SEED });
const reference = monteCarlo(demo, demoScenario, { runs: RUNS, seed: SEED });
if (core(reference) !== core(baselineMonteCarlo(demo, demoScenario, { runs: RUNS, seed: SEED })))
  throw new Error('the new engine gives other numbers than the old one');
const inlineBefore = await measure(() => baselineMonteCarlo(demo, demoScenario, { runs: RUNS, seed: SEED }));
const inlineAfter = await measure(() => monteCarlo(demo, demoScenario, { runs: RUNS, seed: SEED }));
line('main thread, no worker', inlineBefore, inlineAfter, `   (${((inlineAfter.cpu * 1000) / RUNS).toFixed(0)} µs CPU a run)`);
// The old pool started its threads for every job; the new one keeps them: "cold" is a job on an empty pool (its
// threads started), "warm" the next jobs of the process (threads reused, the model sent once per job).
for (const workers of [1, 2]) {
  const before = await measure(() => baselineParallel(demo, demoScenario, { runs: RUNS, seed: SEED, workers }));
  for (const [label, pool] of pools) {
    let result: MonteCarloResult | undefined;
    const check = (): void => {
      if (JSON.stringify(result) !== JSON.stringify(reference)) throw new Error(`${workers} worker(s) (${label}) gave a different result`);
    };
    await pool.closeMonteCarloWorkers();
    const cold = await measure(async () => (result = await pool.runMonteCarloParallel(demo, demoScenario, { runs: RUNS, seed: SEED, workers })), 1);
    check();
    const warm = await measure(async () => (result = await pool.runMonteCarloParallel(demo, demoScenario, { runs: RUNS, seed: SEED, workers })));
    check();
    line(`${workers} worker${workers > 1 ? 's' : ' '}, ${label}, cold (threads start)`, before, cold);
    line(`${workers} worker${workers > 1 ? 's' : ' '}, ${label}, warm (pool reused)`, before, warm);
  }
}
for (const [label, pool] of pools) {
  await pool.closeMonteCarloWorkers();
  const start = await measure(() => pool.runMonteCarloParallel(demo, demoScenario, { runs: 2, seed: SEED, workers: 2 }), 1);
  console.log(
    `starting 2 workers alone (2 runs, ${label}): ${start.wall.toFixed(0)} ms, CPU ${start.cpu.toFixed(0)} ms${label === 'tsx' ? ' (tsx compiles the TypeScript worker in each thread)' : ''}`,
  );
}
console.log(
  `results identical to the old engine for the same seed (checked above), whatever the number of workers;${distPool ? '' : ' dist/ not built (npm run build:server): tsx workers only;'}`,
);

const big = syntheticModel({ activities: 1000, staffPerActivity: 3, applications: 200, pools: 20, seed: 42 });
const bigScenario = syntheticScenario(big, { uncertain: true });
console.log(
  `\n2. synthetic organisation: ${big.activities.length} activities, ${big.activities.length * 3} staff entries, ${big.pools.length} pools × pandemic-like scenario (uncertain lockdown end and absenteeism peak), seed ${SEED}`,
);
if (core(monteCarlo(big, bigScenario, { runs: 20, seed: SEED })) !== core(baselineMonteCarlo(big, bigScenario, { runs: 20, seed: SEED })))
  throw new Error('the new engine gives other numbers than the old one (synthetic)');
const bigBefore = await measure(() => baselineParallel(big, bigScenario, { runs: BASELINE_BIG_RUNS, seed: SEED, workers: 2 }), 1, BIG_RUNS / BASELINE_BIG_RUNS);
const bigAfter = await measure(() => runMonteCarloParallel(big, bigScenario, { runs: BIG_RUNS, seed: SEED, workers: 2 }), 1);
line(
  `${BIG_RUNS} runs on 2 workers${distPool ? ' (dist)' : ''}`,
  bigBefore,
  bigAfter,
  `   (before: ${BASELINE_BIG_RUNS} runs measured, scaled ×${BIG_RUNS / BASELINE_BIG_RUNS}; one repetition each)`,
);
for (const [, pool] of pools) await pool.closeMonteCarloWorkers();
