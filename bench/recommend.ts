// Benchmark: exact recommendation over 16 candidate strategies × 2 scenarios (demo insurer, and a larger synthetic model).
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { recommend, type Recommendation } from '../src/engine/recommend.js';
import type { Strategy } from '../src/model/organisation.js';
import { OrganisationModel } from '../src/model/organisation.js';
import { Scenario } from '../src/model/scenario.js';
import { syntheticModel, syntheticScenario } from './synthetic.js';

const REPETITIONS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function bench(label: string, model: OrganisationModel, scenarios: Scenario[]): void {
  let result: Recommendation | undefined;
  recommend(model, scenarios); // warm-up
  const times: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const start = process.hrtime.bigint();
    result = recommend(model, scenarios);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const r = result!;
  console.log(
    `${label}: ${model.strategies.length} candidates × ${scenarios.length} scenarios → ${median(times).toFixed(0)} ms, ` +
      `${r.evaluated} of ${2 ** model.strategies.length} sets evaluated, ${r.exact ? 'exact' : 'heuristic'}, ` +
      `${r.feasible ? 'feasible' : `infeasible (${r.remainingBreaches.length} breaches left)`}: [${r.strategies.join(', ')}] at ${r.cost.toFixed(0)} a year`,
  );
}

console.log(`load average ${loadavg()[0].toFixed(2)}; medians of ${REPETITIONS} runs after a warm-up`);

// 1. The demo insurer's 11 strategies plus 5 plausible alternatives, over the pandemic and the ransomware.
const data = new URL('../data/', import.meta.url);
if (existsSync(new URL('demo/organisation.json', data))) {
  const demo = OrganisationModel.parse(JSON.parse(readFileSync(new URL('demo/organisation.json', data), 'utf8')));
  const extra: Strategy[] = [
    { id: 'vpn-small-upgrade', name: 'VPN +150', leadTime: 24, cost: { fixed: 11000, perDay: 80 }, effect: { type: 'poolCapacity', pool: 'vpn', amount: 150 } },
    { id: 'vdi-burst', name: 'VDI +250', leadTime: 12, cost: { fixed: 5000, perDay: 700 }, effect: { type: 'poolCapacity', pool: 'vdi', amount: 250 } },
    { id: 'manual-claims-lite', name: 'Paper claims', leadTime: 2, cost: { fixed: 1500, perDay: 900 }, effect: { type: 'workaround', application: 'claims-management', factor: 0.3 } },
    { id: 'crm-spreadsheets', name: 'CRM on spreadsheets', leadTime: 4, cost: { fixed: 500, perDay: 400 }, effect: { type: 'workaround', application: 'crm', factor: 0.5 } },
    { id: 'lyon-overflow-seats', name: 'Lyon overflow seats', leadTime: 8, cost: { fixed: 30000, perDay: 1500 }, effect: { type: 'alternateSite', seats: 80, sites: ['lyon'] } },
  ];
  const model = { ...demo, strategies: [...demo.strategies, ...extra] };
  const scenarios = ['pandemic-lockdown', 'ransomware-core-apps'].map((id) => Scenario.parse(JSON.parse(readFileSync(new URL(`scenarios/${id}.json`, data), 'utf8'))));
  bench('demo insurer (26 activities)', model, scenarios);
}

// 2. A synthetic organisation of 500 activities with 16 strategies aimed at what the two scenarios
// break (tight pools, the application and the supplier that fail), so that the search has work to do.
const base = syntheticModel({ activities: 500, staffPerActivity: 3, applications: 100, pools: 10, seed: 11, strategies: 16 });
const synthetic: OrganisationModel = {
  ...base,
  pools: base.pools.map((pool) => ({ ...pool, capacity: Math.round(pool.capacity * 0.45) })),
  strategies: base.strategies.map((s, i): Strategy => {
    if (i % 4 === 2) return { ...s, effect: { type: 'workaround', application: base.applications[0].id, factor: [0.3, 0.5, 0.7, 0.9][(i / 4) | 0] } };
    if (i % 4 === 3) return { ...s, leadTime: [0, 12, 24, 48][(i / 4) | 0], effect: { type: 'alternateSupplier', supplier: base.suppliers[0].id } };
    return s;
  }),
};
const fire: Scenario = {
  id: 'site-fire',
  horizon: 720,
  disruptions: [
    { type: 'siteUnavailable', site: synthetic.sites[0].id, from: 0, to: 336 },
    { type: 'applicationOutage', application: synthetic.applications[0].id, from: 0, to: 120 },
  ],
  activate: [],
};
bench('synthetic (500 activities)', synthetic, [fire, { ...syntheticScenario(synthetic, { horizon: 720 }), id: 'pandemic' }]);
