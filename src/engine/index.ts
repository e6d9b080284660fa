// Public surface of the scenario engine: validation, simulation, Monte Carlo and recommendation (pure, no I/O).
export { createRandom, isDistribution, meanOf, sample, type DistributionSpec, type Random } from './random.js';
export { EngineAbortedError, EngineInputError, describeCycle, findCycles, validateModel, validateScenario } from './validate.js';
export {
  DEFAULT_HORIZON,
  HOURS_PER_YEAR,
  TOLERANCE,
  assertValid,
  compareIds,
  compileModel,
  curveRate,
  meanScenario,
  resolveScenario,
  simulate,
  simulateCompiled,
  type ActivityResult,
  type Binding,
  type BindingCause,
  type CompiledModel,
  type FieldKind,
  type Picker,
  type PoolResult,
  type ResolvedDisruption,
  type ResolvedScenario,
  type SimulationResult,
  type SimulationSeries,
  type SimulateOptions,
} from './simulate.js';
export {
  MonteCarloSession,
  hasDistributions,
  mergeMonteCarlo,
  monteCarlo,
  summariseMonteCarlo,
  type MonteCarloOptions,
  type MonteCarloPartial,
  type MonteCarloResult,
  type Percentiles,
} from './montecarlo.js';
export {
  EXACT_LIMIT,
  recommend,
  recommendSteps,
  type Recommendation,
  type RecommendOptions,
  type RecommendProgress,
  type RemainingBreach,
} from './recommend.js';
