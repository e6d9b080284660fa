// Benchmark: Monte Carlo of the demo pandemic (10,000 runs) and of a synthetic 1,000-activity organisation under the
// same kind of scenario, on the main thread and on 2 worker threads, against the engine of 4b66542 measured in the same run.
// Run: npx tsx bench/montecarlo.ts [--runs 10000] [--repetitions 3] [--big-runs 10000] [--baseline-big-runs 500]
// The baseline is the pre-issue-18 engine and worker pool kept in bench/baseline/ (see its header comments).
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { monteCarlo, type MonteCarloResult } from '../src/engine/montecarlo.js';
import { OrganisationModel } from '../src/model/organisation.js';
import { Scenario } from '../src/model/scenario.js';
import { runMonteCarloParallel } from '../src/operations/montecarlo-workers.js';
import { monteCarlo as baselineMonteCarlo } from './baseline/engine/montecarlo.js';
import { runMonteCarloParallel as baselineParallel } from './baseline/operations/montecarlo-workers.js';
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

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function medianOf(fn: () => Promise<unknown> | unknown, repetitions = REPETITIONS): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) times.push(await time(fn));
  return median(times);
}

/** The fields the old engine had: the new result must carry the same numbers. */
const core = (result: Pick<MonteCarloResult, 'runs' | 'seed'> & { activities: Array<Pick<MonteCarloResult['activities'][number], 'id' | 'breachProbability' | 'longestDisruption'>> }) => JSON.stringify({ runs: result.runs, seed: result.seed, activities: result.activities.map((a) => ({ id: a.id, breachProbability: a.breachProbability, longestDisruption: a.longestDisruption })) });

const ms = (value: number) => `${value.toFixed(0).padStart(7)} ms`;
const line = (label: string, before: number, after: number, note = '') =>
  console.log(`${label.padEnd(34)} before ${ms(before)}   after ${ms(after)}   ×${(before / after).toFixed(1)}${note}`);

const root = new URL('../data/', import.meta.url);
const org = new URL('demo/organisation.json', root);
const pandemic = new URL('scenarios/pandemic-lockdown.json', root);
if (!existsSync(org) || !existsSync(pandemic)) throw new Error('data/demo/organisation.json and data/scenarios/pandemic-lockdown.json are needed');
const demo = OrganisationModel.parse(JSON.parse(readFileSync(org, 'utf8')));
const demoScenario = Scenario.parse(JSON.parse(readFileSync(pandemic, 'utf8')));

console.log(`${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(2)}; medians of ${REPETITIONS} repetitions; "before" = engine of 4b66542 (bench/baseline/)`);
console.log(`\n1. demo organisation × pandemic-lockdown: ${demo.activities.length} activities, ${RUNS} runs, seed ${SEED}`);
baselineMonteCarlo(demo, demoScenario, { runs: 200, seed: SEED }); // warm-up (JIT)
monteCarlo(demo, demoScenario, { runs: 200, seed: SEED });
const reference = monteCarlo(demo, demoScenario, { runs: RUNS, seed: SEED });
if (core(reference) !== core(baselineMonteCarlo(demo, demoScenario, { runs: RUNS, seed: SEED }))) throw new Error('the new engine gives other numbers than the old one');
const inlineBefore = await medianOf(() => baselineMonteCarlo(demo, demoScenario, { runs: RUNS, seed: SEED }));
const inlineAfter = await medianOf(() => monteCarlo(demo, demoScenario, { runs: RUNS, seed: SEED }));
line('main thread, no worker', inlineBefore, inlineAfter, `   (${((inlineAfter * 1000) / RUNS).toFixed(0)} µs a run)`);
for (const workers of [1, 2]) {
  const before = await medianOf(() => baselineParallel(demo, demoScenario, { runs: RUNS, seed: SEED, workers }));
  let result: MonteCarloResult | undefined;
  const after = await medianOf(async () => (result = await runMonteCarloParallel(demo, demoScenario, { runs: RUNS, seed: SEED, workers })));
  if (JSON.stringify(result) !== JSON.stringify(reference)) throw new Error(`${workers} worker(s) gave a different result`);
  line(`${workers} worker${workers > 1 ? 's' : ' '} (thread start included)`, before, after);
}
const start = await medianOf(() => runMonteCarloParallel(demo, demoScenario, { runs: 2, seed: SEED, workers: 2 }));
console.log(`starting 2 workers alone (2 runs): ${start.toFixed(0)} ms (tsx compiles the TypeScript worker in each thread; built JavaScript starts faster)`);
console.log('results identical to the old engine for the same seed (checked above), whatever the number of workers');

const big = syntheticModel({ activities: 1000, staffPerActivity: 3, applications: 200, pools: 20, seed: 42 });
const bigScenario = syntheticScenario(big, { uncertain: true });
console.log(`\n2. synthetic organisation: ${big.activities.length} activities, ${big.activities.length * 3} staff entries, ${big.pools.length} pools × pandemic-like scenario (uncertain lockdown end and absenteeism peak), seed ${SEED}`);
if (core(monteCarlo(big, bigScenario, { runs: 20, seed: SEED })) !== core(baselineMonteCarlo(big, bigScenario, { runs: 20, seed: SEED })))
  throw new Error('the new engine gives other numbers than the old one (synthetic)');
const bigBefore = (await medianOf(() => baselineParallel(big, bigScenario, { runs: BASELINE_BIG_RUNS, seed: SEED, workers: 2 }), 1)) * (BIG_RUNS / BASELINE_BIG_RUNS);
const bigAfter = await medianOf(() => runMonteCarloParallel(big, bigScenario, { runs: BIG_RUNS, seed: SEED, workers: 2 }), 1);
line(`${BIG_RUNS} runs on 2 workers`, bigBefore, bigAfter, `   (before: ${BASELINE_BIG_RUNS} runs measured, scaled ×${BIG_RUNS / BASELINE_BIG_RUNS}; one repetition each)`);
