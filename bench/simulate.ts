// Benchmark: one simulation of a large synthetic organisation (target: 10,000 activities × 2,160 h in < 150 ms on one
// core, linear in activities × segments), against the engine of 4b66542 (bench/baseline.ts) measured in the same run.
import { compileModel, compileScenario, meanScenario, simulate, simulateCompiled, type SimulationResult } from '../src/engine/simulate.js';
import { baselineSimulate as baseline } from './baseline.js';
import { availableParallelism, loadavg } from 'node:os';
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

// Two smaller sizes in activities, one in hours (the scenario's times scale with its horizon, so
// the number of distinct segments does too), then the target.
const sizes = [
  { activities: 2_500, applications: 500, horizon: 2160 },
  { activities: 5_000, applications: 1_000, horizon: 2160 },
  { activities: 10_000, applications: 2_000, horizon: 1080 },
  { activities: 10_000, applications: 2_000, horizon: 2160 },
];

console.log(`load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} CPUs`);
console.log(
  'activities  staff   apps  hours  segments  validate ms  engine ms  engine CPU ms  simulate() ms  ns per activity-segment  before: engine ms  CPU ms  ratio (CPU)',
);
/** The result without what 4b66542 did not have (binding `to`): the old and new engines must agree on everything else. */
const comparable = (result: SimulationResult) =>
  JSON.stringify({ ...result, activities: result.activities.map((a) => ({ ...a, binding: a.binding.map((b) => ({ from: b.from, cause: b.cause })) })) });
for (const size of sizes) {
  const model = syntheticModel({ activities: size.activities, staffPerActivity: 3, applications: size.applications, pools: 50, seed: 42 });
  const scenario = syntheticScenario(model, { horizon: size.horizon });
  const compiled = compileModel(model);
  const segments = compileScenario(compiled, meanScenario(scenario)).segmentStarts.length;
  // Warm-up (JIT), the same for both engines: the first size must not pay the compilation of one more than the other.
  for (let i = 0; i < 2; i++) {
    simulate(model, scenario);
    baseline.simulateCompiled(baseline.compileModel(model), baseline.meanScenario(scenario));
  }
  const validate = median(Array.from({ length: REPETITIONS }, () => time(() => (validateModel(model), validateScenario(model, scenario)))));
  const engine = median(Array.from({ length: REPETITIONS }, () => time(() => simulateCompiled(compileModel(model), meanScenario(scenario)))));
  const cpu = median(
    Array.from({ length: REPETITIONS }, () => {
      const before = process.cpuUsage();
      simulateCompiled(compileModel(model), meanScenario(scenario));
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000;
    }),
  );
  const total = median(Array.from({ length: REPETITIONS }, () => time(() => simulate(model, scenario))));
  const result = simulate(model, scenario);
  const old = () => baseline.simulateCompiled(baseline.compileModel(model), baseline.meanScenario(scenario));
  if (comparable(old()) !== comparable(result)) throw new Error('the new engine gives other numbers than the old one');
  const oldEngine = median(Array.from({ length: REPETITIONS }, () => time(old)));
  const oldCpu = median(
    Array.from({ length: REPETITIONS }, () => {
      const before = process.cpuUsage();
      old();
      const used = process.cpuUsage(before);
      return (used.user + used.system) / 1000;
    }),
  );
  console.log(
    [
      String(size.activities).padStart(10),
      String(size.activities * 3).padStart(6),
      String(size.applications).padStart(6),
      String(size.horizon).padStart(6),
      String(segments).padStart(9),
      validate.toFixed(1).padStart(12),
      engine.toFixed(1).padStart(10),
      cpu.toFixed(1).padStart(13),
      total.toFixed(1).padStart(14),
      ((engine * 1e6) / (size.activities * segments)).toFixed(1).padStart(24),
      oldEngine.toFixed(1).padStart(19),
      oldCpu.toFixed(1).padStart(7),
      `×${(oldCpu / cpu).toFixed(1)}`.padStart(12),
    ].join(' '),
    `  (breached ${result.breached} of ${size.activities})`,
  );
}
const usage = process.memoryUsage();
console.log(`RSS now ${(usage.rss / 1e6).toFixed(0)} MB, peak RSS ${(process.resourceUsage().maxRSS / 1e3).toFixed(0)} MB (whole benchmark process)`);
console.log(
  `medians of ${REPETITIONS} runs after two warm-ups of each engine; "engine" = compile model + scenario + run, without validation; "before" = the same with the engine of 4b66542 (identical results, checked);`,
);
console.log('time grows with activities × segments (hours where some input changes), at most activities × hours');
