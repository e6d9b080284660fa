// What the scenario routes answer: stored scenarios and runs, each run's result by kind (simulation, Monte Carlo,
// recommendation). The engine's result types (engine/results.ts, montecarlo.ts, recommend.ts) must stay equal to
// these: runs.test.ts checks it at compile time, and parses real engine results with these schemas.
import { z } from 'zod';
import { Id } from '../organisation.js';
import { Scenario } from '../scenario.js';
import { Abilities, listPageOf } from './common.js';
import { ErrorCode, ProblemDetail } from './errors.js';

// ---------------------------------------------------------------------------------------------------------------------
// Simulation (scenario-model §5)

export const BindingCause = z
  .union([
    z.literal('staff'),
    z.templateLiteral(['application:', z.string()]),
    z.templateLiteral(['supplier:', z.string()]),
    z.templateLiteral(['upstream:', z.string()]),
  ])
  .meta({ description: 'The term that held the activity below its MBCO at the first hour of the run: staff, application:ID, supplier:ID or upstream:ID' });

export const Binding = z.object({
  from: z.number(),
  to: z.number().meta({ description: 'The run covers from <= t < to (the horizon when it lasts to the end)' }),
  cause: BindingCause,
});

export const ActivityResult = z.object({
  id: z.string(),
  disruptedHours: z.number(),
  longestDisruption: z.number(),
  firstDisrupted: z.number().nullable(),
  recoveredAt: z.number().nullable(),
  rtoMet: z.boolean(),
  mtpdBreached: z.boolean(),
  binding: z.array(Binding).meta({ description: 'One entry per disrupted run, in time order' }),
  downtimeCost: z
    .number()
    .nullable()
    .meta({ description: 'disruptedHours × the activity’s downtimeCostPerHour, in the organisation’s currency; null when it has none' }),
});

export const PoolResult = z.object({ id: z.string(), peakDemand: z.number(), capacityAtPeak: z.number(), unmetHours: z.number() });

export const SimulationSeries = z.object({
  activities: z.array(z.object({ id: z.string(), capacity: z.array(z.number()) })),
  pools: z.array(z.object({ id: z.string(), demand: z.array(z.number()), capacity: z.array(z.number()) })),
});

export const SimulationResult = z
  .object({
    activities: z.array(ActivityResult),
    pools: z.array(PoolResult),
    breached: z.number(),
    cost: z.number(),
    downtimeCost: z.number().meta({ description: 'Cost of downtime of one occurrence: Σ disruptedHours × downtimeCostPerHour' }),
    yearlyDowntimeCost: z.number().meta({ description: 'Expected yearly cost of downtime: downtimeCost × the scenario’s frequency (1 when not given)' }),
    series: SimulationSeries.optional().meta({ description: 'Hour by hour capacities, only when asked for' }),
  })
  .meta({ id: 'SimulationResult' });

/**
 * A simulation result as stored: results computed before the engine gave each run its end (`to`) lack it, and those
 * computed before costs of downtime (issue 15) lack them.
 */
export const StoredSimulationResult = SimulationResult.extend({
  activities: z.array(
    ActivityResult.extend({
      binding: z.array(Binding.extend({ to: Binding.shape.to.optional() })),
      downtimeCost: ActivityResult.shape.downtimeCost.optional(),
    }),
  ),
  downtimeCost: SimulationResult.shape.downtimeCost.optional(),
  yearlyDowntimeCost: SimulationResult.shape.yearlyDowntimeCost.optional(),
}).meta({ id: 'StoredSimulationResult' });

// ---------------------------------------------------------------------------------------------------------------------
// Monte Carlo (§6)

export const Percentiles = z.object({ p50: z.number(), p90: z.number(), p99: z.number() });
export const Histogram = z.object({ binHours: z.number(), runs: z.array(z.number()) });
export const ConvergencePoint = z.object({ runs: z.number(), breachProbability: z.number(), low: z.number(), high: z.number() });

export const MonteCarloActivity = z.object({
  id: z.string(),
  breachProbability: z.number(),
  longestDisruption: Percentiles,
  histogram: Histogram,
  convergence: z.array(ConvergencePoint),
});

export const MonteCarloResult = z.object({ runs: z.number(), seed: z.number(), activities: z.array(MonteCarloActivity) }).meta({ id: 'MonteCarloResult' });

// ---------------------------------------------------------------------------------------------------------------------
// Recommendation (§7)

export const RemainingBreach = z.object({
  scenario: z.object({ index: z.number(), id: z.string().optional() }),
  activity: z.string(),
  binding: z.array(Binding),
});

export const ScenarioDowntime = z.object({
  scenario: z.object({ index: z.number(), id: z.string().optional() }),
  frequency: z.number(),
  withoutStrategies: z.number().meta({ description: 'Expected yearly cost of downtime with no strategy: frequency × Σ disruptedHours × downtimeCostPerHour' }),
  withStrategies: z.number().meta({ description: 'The same with the recommended set activated at the first disruption' }),
});

export const DowntimeCost = z
  .object({
    withoutStrategies: z.number(),
    withStrategies: z.number(),
    valuedActivities: z.number().meta({ description: 'Activities with a cost of downtime per hour: the others count for nothing' }),
    scenarios: z.array(ScenarioDowntime),
  })
  .meta({ description: 'Expected yearly cost of downtime, beside the strategies’ cost: reported, never used to choose' });

export const Recommendation = z
  .object({
    strategies: z.array(z.string()),
    cost: z.number(),
    exact: z.boolean(),
    heuristic: z.boolean(),
    feasible: z.boolean(),
    evaluated: z.number(),
    remainingBreaches: z.array(RemainingBreach),
    downtimeCost: DowntimeCost,
  })
  .meta({ id: 'Recommendation' });

/** A recommendation as stored: those computed before costs of downtime (issue 15) lack them. */
export const StoredRecommendation = Recommendation.extend({ downtimeCost: DowntimeCost.optional() }).meta({ id: 'StoredRecommendation' });

// ---------------------------------------------------------------------------------------------------------------------
// Runs

export const RUN_KINDS = ['simulation', 'montecarlo', 'recommendation'] as const;
export const RUN_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export const RunKind = z.enum(RUN_KINDS);
export const RunStatus = z.enum(RUN_STATUSES);

/** Why a run failed: the error shape of the API. */
export const RunError = z.object({ code: ErrorCode, message: z.string(), details: z.array(ProblemDetail) });

const RunFields = {
  id: z.string(),
  scenarios: z.array(z.string()),
  status: RunStatus,
  progress: z.number().meta({ description: 'From 0 to 1' }),
  modelVersion: z.number().meta({ description: 'The model version the run used' }),
  stale: z.boolean().optional().meta({ description: 'True when the model changed since the run' }),
  error: RunError.nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  abilities: Abilities.optional(),
};
const resultOf = <T extends z.ZodType>(result: T) => result.nullable().optional().meta({ description: 'null until the run is done; absent in lists' });

export const SimulationRun = z.object({ ...RunFields, kind: z.literal('simulation'), params: z.object({}), result: resultOf(StoredSimulationResult) });
export const MonteCarloRun = z.object({
  ...RunFields,
  kind: z.literal('montecarlo'),
  params: z.object({ runs: z.number(), seed: z.number() }),
  result: resultOf(MonteCarloResult),
});
export const RecommendationRun = z.object({
  ...RunFields,
  kind: z.literal('recommendation'),
  params: z.object({ candidates: z.array(z.string()).nullable().meta({ description: 'Strategy ids to choose from (null: all)' }) }),
  result: resultOf(StoredRecommendation),
});

/** A run with its progress and, when done, its result; `kind` says which result. */
export const Run = z.discriminatedUnion('kind', [SimulationRun, MonteCarloRun, RecommendationRun]).meta({ id: 'Run' });

export const RunList = z.object({ items: z.array(Run) });

// ---------------------------------------------------------------------------------------------------------------------
// Scenarios

export const StoredScenario = Scenario.extend({ id: Id }).meta({ id: 'StoredScenario' });
export const ScenarioView = StoredScenario.extend({ abilities: Abilities }).meta({ id: 'ScenarioView' });
export const ScenarioList = listPageOf(ScenarioView);
export const ScenarioLibrary = z.object({ items: z.array(Scenario) });

export type BindingCause = z.infer<typeof BindingCause>;
export type Binding = z.infer<typeof Binding>;
export type ActivityResult = z.infer<typeof ActivityResult>;
export type PoolResult = z.infer<typeof PoolResult>;
export type SimulationSeries = z.infer<typeof SimulationSeries>;
export type SimulationResult = z.infer<typeof SimulationResult>;
export type StoredSimulationResult = z.infer<typeof StoredSimulationResult>;
export type StoredActivityResult = StoredSimulationResult['activities'][number];
export type Percentiles = z.infer<typeof Percentiles>;
export type Histogram = z.infer<typeof Histogram>;
export type ConvergencePoint = z.infer<typeof ConvergencePoint>;
export type MonteCarloActivity = z.infer<typeof MonteCarloActivity>;
export type MonteCarloResult = z.infer<typeof MonteCarloResult>;
export type RemainingBreach = z.infer<typeof RemainingBreach>;
export type ScenarioDowntime = z.infer<typeof ScenarioDowntime>;
export type DowntimeCost = z.infer<typeof DowntimeCost>;
export type Recommendation = z.infer<typeof Recommendation>;
export type StoredRecommendation = z.infer<typeof StoredRecommendation>;
export type RunKind = z.infer<typeof RunKind>;
export type RunStatus = z.infer<typeof RunStatus>;
export type RunError = z.infer<typeof RunError>;
export type SimulationRun = z.infer<typeof SimulationRun>;
export type MonteCarloRun = z.infer<typeof MonteCarloRun>;
export type RecommendationRun = z.infer<typeof RecommendationRun>;
export type Run = z.infer<typeof Run>;
export type RunList = z.infer<typeof RunList>;
export type StoredScenario = z.infer<typeof StoredScenario>;
export type ScenarioView = z.infer<typeof ScenarioView>;
export type ScenarioList = z.infer<typeof ScenarioList>;
