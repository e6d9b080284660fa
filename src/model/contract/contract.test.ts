// The contract and the code behind it cannot drift: the engine's result types equal the contract's (checked by
// the compiler), and real engine results parse with no undeclared field.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type * as Engine from '../../engine/index.js';
import { computeRisk, heatmap } from '../../engine/risk.js';
import type { Heatmap as EngineHeatmap, RatedLevel as EngineRatedLevel, RiskScores as EngineRiskScores } from '../../engine/risk.js';
import { monteCarlo } from '../../engine/montecarlo.js';
import { recommend } from '../../engine/recommend.js';
import { simulate } from '../../engine/simulate.js';
import type { Problem } from '../problem.js';
import { OrganisationModel } from '../organisation.js';
import { DEFAULT_RISK_MATRIX, Risk } from '../risk.js';
import { Scenario } from '../scenario.js';
import { schemaProblems } from '../../server/response-check.js';
import type { ProblemDetail } from './errors.js';
import * as Contract from './runs.js';
import * as RiskContract from './risk.js';
import type { z } from 'zod';

/** True when the two types are identical (optional fields and all), false otherwise. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(check: Same<A, B>) => check;
/** Compiles only when the value fits where B is expected. */
const fits = <B>(value: B) => value;

// Compile-time: `npm test` runs tsc first, so a field added to the engine and not to the contract (or the other
// way round) fails the build here.
same<Engine.SimulationResult, Contract.SimulationResult>(true);
same<Engine.ActivityResult, Contract.ActivityResult>(true);
same<Engine.Binding, Contract.Binding>(true);
same<Engine.BindingCause, Contract.BindingCause>(true);
same<Engine.PoolResult, Contract.PoolResult>(true);
same<Engine.MonteCarloResult, Contract.MonteCarloResult>(true);
same<Engine.Recommendation, Contract.Recommendation>(true);
same<Engine.RemainingBreach, Contract.RemainingBreach>(true);
same<EngineRatedLevel, RiskContract.RatedLevel>(true);
same<EngineRiskScores, RiskContract.RiskScores>(true);
same<EngineHeatmap, RiskContract.Heatmap>(true);
// The server's problems fit the documented detail (whose value may be absent: a missing field has none).
fits<z.infer<typeof ProblemDetail>>({} as Problem);
// The check itself can fail:
same<{ a: number }, { a: number; b?: string }>(false);

const model = OrganisationModel.parse(JSON.parse(readFileSync(new URL('../../../data/demo/organisation.json', import.meta.url), 'utf8')));
const scenario = (name: string) => Scenario.parse(JSON.parse(readFileSync(new URL(`../../../data/scenarios/${name}.json`, import.meta.url), 'utf8')));

describe('engine results parse with the contract, with nothing undeclared', () => {
  it('simulation (with its hourly series), and as a stored run', () => {
    const result = simulate(model, scenario('pandemic-lockdown'), { series: true });
    expect(result.activities.some((activity) => activity.binding.length > 0)).toBe(true);
    expect(schemaProblems(Contract.SimulationResult, result)).toEqual([]);
    const run = {
      id: 'r',
      kind: 'simulation',
      scenarios: ['pandemic-lockdown'],
      status: 'done',
      progress: 1,
      modelVersion: 1,
      params: {},
      result,
      error: null,
      createdAt: 'x',
      startedAt: null,
      finishedAt: null,
    };
    expect(schemaProblems(Contract.Run, JSON.parse(JSON.stringify(run)))).toEqual([]);
  });

  it('Monte Carlo', () => {
    const result = monteCarlo(model, scenario('pandemic-lockdown'), { runs: 20, seed: 1 });
    expect(schemaProblems(Contract.MonteCarloResult, JSON.parse(JSON.stringify(result)))).toEqual([]);
  });

  it('recommendation', () => {
    const result = recommend(model, [scenario('pandemic-lockdown')]);
    expect(schemaProblems(Contract.Recommendation, JSON.parse(JSON.stringify(result)))).toEqual([]);
  });

  it('risk scores and heat map', () => {
    const risk = Risk.parse({ id: 'r1', title: 'Fire', threat: 'fire', inherent: { likelihood: 3, impact: 4 }, residual: { likelihood: 2, impact: 4 } });
    expect(schemaProblems(RiskContract.RiskScores, computeRisk(DEFAULT_RISK_MATRIX, risk))).toEqual([]);
    expect(schemaProblems(RiskContract.Heatmap, heatmap(DEFAULT_RISK_MATRIX, [risk], 'residual'))).toEqual([]);
  });

  it('finds a field the contract does not declare, and a wrong kind of result', () => {
    const result = simulate(model, scenario('pandemic-lockdown'));
    expect(schemaProblems(Contract.SimulationResult, { ...result, secret: 1 })).toEqual(['secret: not in the documented schema']);
    const run = {
      id: 'r',
      kind: 'montecarlo',
      scenarios: [],
      status: 'done',
      progress: 1,
      modelVersion: 1,
      params: { runs: 1, seed: 1 },
      result,
      error: null,
      createdAt: 'x',
      startedAt: null,
      finishedAt: null,
    };
    expect(schemaProblems(Contract.Run, run).length).toBeGreaterThan(0);
  });
});
