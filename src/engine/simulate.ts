// Hour-by-hour impact simulation of one scenario on an organisation model (scenario-model §3–§5).
//
// Speed: the model is indexed once into typed arrays (staff entries in priority order, activities
// renumbered in topological order); the horizon is cut into phases of constant state and segments of
// identical hours; the kernel bounds whole blocks of segments and computes one by one only those
// where some activity crosses its MBCO (kernel.ts). simulate.test.ts checks all this against a
// literal hour-by-hour reference (simulate.reference.ts); golden.test.ts against recorded results.
//
// Readings of the spec where it is silent (each also noted where it is implemented):
// - windows: a fractional `from`/`to` covers the whole hours t with from <= t < to; a window whose
//   `to` is not after its `from` covers nothing; effect start = first whole hour >= at + leadTime;
// - an absenteeism curve is read at the start of each hour t; points with the same `at` make a step;
// - a strategy activated several times takes effect from its earliest activation and is paid once;
// - an activity whose staff entries all have 0 people has a staff share of 1, like one without entries;
// - a site's `seats` is not used by the simulation (only alternateSite effects give seats);
// - ties within 1e-9 are ties: for disruption (capacity < mbco − 1e-9), binding terms and pool overflow;
// - pool peak demand: exact comparison, so the earliest of equal peaks is reported.
//
// The engine is split along the steps of a run: resolve.ts (distributions → numbers),
// compiled-model.ts and compiled-scenario.ts (indexing), kernel.ts (the hour computation:
// `runCompiled` and its `Workspace`, shared with Monte Carlo and recommendation) and results.ts.
import type { OrganisationModel } from '../model/organisation.js';
import type { Scenario } from '../model/scenario.js';
import { compileModel, type CompiledModel } from './compiled-model.js';
import { compileScenario } from './compiled-scenario.js';
import { runCompiled, Workspace } from './kernel.js';
import { meanScenario, type ResolvedScenario } from './resolve.js';
import { toResult, type SimulationResult } from './results.js';
import { EngineInputError, validateModel, validateScenario } from './validate.js';

export { TOLERANCE, compareIds, compileModel, type CompiledModel } from './compiled-model.js';
export { compileScenario, curveRate, ScenarioScratch, type CompiledScenario, type HourWindow } from './compiled-scenario.js';
export { runCompiled, Workspace, type RunOptions, type RunOutput, type SegmentSeries } from './kernel.js';
export { DEFAULT_HORIZON, meanScenario, resolveScenario, type FieldKind, type Picker, type ResolvedDisruption, type ResolvedScenario } from './resolve.js';
export {
  HOURS_PER_YEAR,
  downtimeCosts,
  scenarioCost,
  toResult,
  totalDowntime,
  type ActivityResult,
  type Binding,
  type BindingCause,
  type PoolResult,
  type SimulationResult,
  type SimulationSeries,
} from './results.js';

/** Options of a simulation. */
export interface SimulateOptions {
  /** Add the hour-by-hour capacities of every activity and pool (`series` in the result). */
  series?: boolean;
}

/** Simulates a resolved scenario on a compiled model (no validation: see `simulate`). */
export function simulateCompiled(cm: CompiledModel, scenario: ResolvedScenario, workspace?: Workspace, options: SimulateOptions = {}): SimulationResult {
  const cs = compileScenario(cm, scenario);
  const ws = workspace ?? new Workspace(cm);
  return toResult(cm, cs, runCompiled(cm, cs, ws, { detail: true, series: options.series ?? false }), scenario.frequency ?? 1);
}

/** Throws `EngineInputError` listing every problem of the model and the scenario, if any. */
export function assertValid(model: OrganisationModel, scenarios: ReadonlyArray<Scenario>): void {
  const problems = validateModel(model);
  scenarios.forEach((scenario, i) => {
    const found = validateScenario(model, scenario);
    problems.push(...(scenarios.length === 1 ? found : found.map((p) => ({ ...p, path: `scenarios[${i}].${p.path}` }))));
  });
  if (problems.length > 0) throw new EngineInputError(problems);
}

/**
 * Simulates one scenario (§3–§5). Validates both inputs first and throws `EngineInputError` with
 * every problem. A distribution in the scenario is read as its mean (use `monteCarlo` for the spread).
 */
export function simulate(model: OrganisationModel, scenario: Scenario, options: SimulateOptions = {}): SimulationResult {
  assertValid(model, [scenario]);
  return simulateCompiled(compileModel(model), meanScenario(scenario), undefined, options);
}
