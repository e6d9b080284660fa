// Golden digests recorded with the engine of commit 4b66542, before the speed work of issue 18: the
// same inputs and seed must keep giving the same numbers, bit for bit, whatever the kernel becomes.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OrganisationModel } from '../model/organisation.js';
import { Scenario } from '../model/scenario.js';
import { syntheticModel, syntheticScenario } from '../../bench/synthetic.js';
import { MonteCarloSession, monteCarlo, summariseMonteCarlo } from './montecarlo.js';
import { simulate } from './simulate.js';

const data = new URL('../../data/', import.meta.url);
const demo = OrganisationModel.parse(JSON.parse(readFileSync(new URL('demo/organisation.json', data), 'utf8')));
const scenarioFiles = readdirSync(new URL('scenarios/', data))
  .filter((name) => name.endsWith('.json'))
  .sort();
const load = (name: string): Scenario => Scenario.parse(JSON.parse(readFileSync(new URL(`scenarios/${name}`, data), 'utf8')));
const pandemic = load('pandemic-lockdown.json');

/** sha256 of the JSON text (every object below is built with a fixed key order). */
const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** The fields of a Monte Carlo result that existed in 4b66542 (later fields are added beside them). */
function monteCarloCore(result: ReturnType<typeof monteCarlo>) {
  return {
    runs: result.runs,
    seed: result.seed,
    activities: result.activities.map((a) => ({ id: a.id, breachProbability: a.breachProbability, longestDisruption: a.longestDisruption })),
  };
}

/** The fields of a simulation result that existed in 4b66542 (`binding` runs had `from` and `cause`). */
function simulationCore(result: ReturnType<typeof simulate>) {
  return {
    activities: result.activities.map((a) => ({
      id: a.id,
      disruptedHours: a.disruptedHours,
      longestDisruption: a.longestDisruption,
      firstDisrupted: a.firstDisrupted,
      recoveredAt: a.recoveredAt,
      rtoMet: a.rtoMet,
      mtpdBreached: a.mtpdBreached,
      binding: a.binding.map((b) => ({ from: b.from, cause: b.cause })),
    })),
    pools: result.pools.map((p) => ({ id: p.id, peakDemand: p.peakDemand, capacityAtPeak: p.capacityAtPeak, unmetHours: p.unmetHours })),
    breached: result.breached,
    cost: result.cost,
  };
}

describe('golden results (recorded before the issue 18 rewrite)', () => {
  it('500 Monte Carlo runs of the demo pandemic, seed 2024', () => {
    const result = monteCarlo(demo, pandemic, { runs: 500, seed: 2024 });
    expect(digest(monteCarloCore(result))).toBe('6935821479674380ec2797852837d88e564ad61f29572ebcf9f8f2d646c3cae5');
  });

  it('the raw histograms of those runs, computed in three slices', () => {
    const session = new MonteCarloSession(demo, pandemic);
    const slices = [
      [0, 170],
      [170, 200],
      [370, 130],
    ].map(([firstRun, runCount]) => session.run({ runs: 500, seed: 2024, firstRun, runCount }));
    const histograms = slices.map((p) => ({ slices: p.slices, breaches: p.breaches, longest: p.longest }));
    expect(digest(histograms)).toBe('f864e065baf95a93c7bb4f5b69869529be5cdfa1ef36c2cc0ae727689ffd9685');
  });

  it('the deterministic simulation of every shipped scenario on the demo organisation', () => {
    const results = Object.fromEntries(scenarioFiles.map((name) => [name, simulationCore(simulate(demo, load(name)))]));
    expect(digest(results)).toBe('5dc4311df0eb6dd114384bd6be3e357a0c036cc6b5e4fd78d58a61698d09c46c');
  });

  it('50 Monte Carlo runs of a synthetic 300-activity organisation, seed 7', () => {
    const model = syntheticModel({ activities: 300, staffPerActivity: 3, applications: 60, pools: 8, seed: 5 });
    const result = monteCarlo(model, syntheticScenario(model, { uncertain: true }), { runs: 50, seed: 7 });
    expect(digest(monteCarloCore(result))).toBe('bde04d6209422517a3ed162582748dab0ac84d8d936c2cf130f319c23aa36df3');
  });

  it('the deterministic simulation of a synthetic 2,000-activity organisation', () => {
    const model = syntheticModel({ activities: 2000, staffPerActivity: 3, applications: 400, pools: 30, seed: 42 });
    expect(digest(simulationCore(simulate(model, syntheticScenario(model))))).toBe('dadf864ab81532fa77ad09d2cbfb7bddfd138e4f55d3173ad7f1efdb9c93b851');
  });

  it('summarising a merged partial is unchanged', () => {
    const partial = new MonteCarloSession(demo, pandemic).run({ runs: 100, seed: 99 });
    expect(digest(monteCarloCore(summariseMonteCarlo(partial)))).toBe('28161cb5e3559fda36b14143dbf89e215d26ebc0c17347e970e6af986c735174');
  });
});
