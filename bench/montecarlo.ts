// Benchmark: 10,000 Monte Carlo runs of the demo pandemic (or a synthetic ~25-activity model) on 1 and 2 worker threads.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { monteCarlo } from '../src/engine/montecarlo.js';
import { OrganisationModel } from '../src/model/organisation.js';
import { Scenario } from '../src/model/scenario.js';
import { runMonteCarloParallel } from '../src/operations/montecarlo-workers.js';
import { syntheticModel, syntheticScenario } from './synthetic.js';

const RUNS = 10_000;
const REPETITIONS = 3;
const SEED = 2024;

function load(): { label: string; model: OrganisationModel; scenario: Scenario } {
  const root = new URL('../data/', import.meta.url);
  const org = new URL('demo/organisation.json', root);
  const pandemic = new URL('scenarios/pandemic-lockdown.json', root);
  if (existsSync(org) && existsSync(pandemic))
    return {
      label: 'demo organisation × pandemic-lockdown',
      model: OrganisationModel.parse(JSON.parse(readFileSync(org, 'utf8'))),
      scenario: Scenario.parse(JSON.parse(readFileSync(pandemic, 'utf8'))),
    };
  const model = syntheticModel({ activities: 25, staffPerActivity: 3, applications: 15, pools: 2, seed: 7, sites: 3, suppliers: 7, strategies: 11 });
  return { label: 'synthetic 25 activities × pandemic-like scenario', model, scenario: syntheticScenario(model, { uncertain: true }) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const { label, model, scenario } = load();
console.log(`${label}: ${model.activities.length} activities, ${RUNS} runs, seed ${SEED}, ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(2)}`);

monteCarlo(model, scenario, { runs: 200, seed: SEED }); // warm-up
const inline: number[] = [];
for (let i = 0; i < REPETITIONS; i++) inline.push(await time(() => monteCarlo(model, scenario, { runs: RUNS, seed: SEED })));
const reference = monteCarlo(model, scenario, { runs: RUNS, seed: SEED });

const figures: Record<number, number> = {};
for (const workers of [1, 2]) {
  const times: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    let result: unknown;
    times.push(await time(async () => (result = await runMonteCarloParallel(model, scenario, { runs: RUNS, seed: SEED, workers }))));
    if (JSON.stringify(result) !== JSON.stringify(reference)) throw new Error(`${workers} worker(s) gave a different result`);
  }
  figures[workers] = median(times);
}
console.log(`main thread, no worker : ${median(inline).toFixed(0)} ms (${((median(inline) * 1000) / RUNS).toFixed(0)} µs per run)`);
console.log(`1 worker               : ${figures[1].toFixed(0)} ms`);
console.log(`2 workers              : ${figures[2].toFixed(0)} ms`);
console.log(`speed-up 1 → 2 workers : ×${(figures[1] / figures[2]).toFixed(2)} (results identical to the single-threaded engine)`);
const breaching = reference.activities.filter((a) => a.breachProbability > 0);
console.log(`activities with a breach probability > 0: ${breaching.length}; e.g. ${breaching.slice(0, 3).map((a) => `${a.id} ${a.breachProbability}`).join(', ')}`);
console.log(`medians of ${REPETITIONS} repetitions; worker times include starting the threads (tsx compiles the worker on start)`);
