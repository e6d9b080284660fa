// Benchmark: one simulation of a large synthetic organisation (target: 10,000 activities × 2,160 h in < 0.5 s, < 500 MB RSS).
import { compileModel, compileScenario, meanScenario, simulate, simulateCompiled } from '../src/engine/simulate.js';
import { validateModel, validateScenario } from '../src/engine/validate.js';
import { syntheticModel, syntheticScenario } from './synthetic.js';

const REPETITIONS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const sizes = [
  { activities: 2_500, applications: 500, horizon: 2160 },
  { activities: 5_000, applications: 1_000, horizon: 2160 },
  { activities: 10_000, applications: 2_000, horizon: 1080 },
  { activities: 10_000, applications: 2_000, horizon: 2160 },
];

console.log('activities  staff   apps  hours  segments  validate ms  engine ms  simulate() ms  ns per activity-hour');
for (const size of sizes) {
  const model = syntheticModel({ activities: size.activities, staffPerActivity: 3, applications: size.applications, pools: 50, seed: 42 });
  const scenario = syntheticScenario(model, { horizon: size.horizon });
  const compiled = compileModel(model);
  const segments = compileScenario(compiled, meanScenario(scenario)).segmentStarts.length;
  simulate(model, scenario); // warm-up (JIT)
  const validate = median(Array.from({ length: REPETITIONS }, () => time(() => (validateModel(model), validateScenario(model, scenario)))));
  const engine = median(Array.from({ length: REPETITIONS }, () => time(() => simulateCompiled(compileModel(model), meanScenario(scenario)))));
  const total = median(Array.from({ length: REPETITIONS }, () => time(() => simulate(model, scenario))));
  const result = simulate(model, scenario);
  console.log(
    [
      String(size.activities).padStart(10),
      String(size.activities * 3).padStart(6),
      String(size.applications).padStart(6),
      String(size.horizon).padStart(6),
      String(segments).padStart(9),
      validate.toFixed(1).padStart(12),
      engine.toFixed(1).padStart(10),
      total.toFixed(1).padStart(14),
      ((engine * 1e6) / (size.activities * size.horizon)).toFixed(2).padStart(21),
    ].join(' '),
    `  (breached ${result.breached})`,
  );
}
const usage = process.memoryUsage();
console.log(`RSS now ${(usage.rss / 1e6).toFixed(0)} MB, peak RSS ${(process.resourceUsage().maxRSS / 1e3).toFixed(0)} MB (whole benchmark process)`);
console.log(`medians of ${REPETITIONS} runs after one warm-up; "engine" = compile model + scenario + run, without validation`);
