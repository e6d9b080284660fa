// Seeded synthetic organisations and scenarios of any size, for benchmarks (simulation, import).
import type { Activity, OrganisationModel, Strategy } from '../src/model/organisation.js';
import type { Scenario } from '../src/model/scenario.js';
import { createRandom } from '../src/engine/random.js';

export interface SyntheticOptions {
  activities: number;
  staffPerActivity: number;
  applications: number;
  pools: number;
  seed: number;
  /** Sites (default 10). */
  sites?: number;
  /** Suppliers (default 20). */
  suppliers?: number;
  /** Strategies (default 16), a mix of the four effect types. */
  strategies?: number;
}

const MTPDS = [4, 8, 24, 48, 72, 120, 168, 336, 720];
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * A valid organisation model of the given size, the same for the same options: activities with
 * `staffPerActivity` staff entries each (random sites, headcounts 1–30, remote shares, 1–2 pools),
 * 1–3 applications, 0–1 supplier, 0–2 upstream activities among the earlier ones (acyclic).
 */
export function syntheticModel(options: SyntheticOptions): OrganisationModel {
  const random = createRandom(options.seed, 0x5eed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const siteCount = options.sites ?? 10;
  const supplierCount = options.suppliers ?? 20;
  const strategyCount = options.strategies ?? 16;
  const width = String(Math.max(options.activities, options.applications, 10)).length;

  const sites = Array.from({ length: siteCount }, (_, i) => ({ id: `site-${pad(i + 1, 3)}`, name: `Site ${i + 1}`, seats: int(50, 2000) }));
  const pools = Array.from({ length: options.pools }, (_, i) => ({
    id: `pool-${pad(i + 1, 3)}`,
    name: `Pool ${i + 1}`,
    kind: pick(['vpn', 'vdi', 'laptops']),
    capacity: Math.round((int(20, 40) * options.activities * options.staffPerActivity) / Math.max(1, options.pools) / 2),
  }));
  const applications = Array.from({ length: options.applications }, (_, i) => ({
    id: `app-${pad(i + 1, width)}`,
    name: `Application ${i + 1}`,
    rto: pick([2, 4, 8, 24, 48, 72]),
  }));
  const suppliers = Array.from({ length: supplierCount }, (_, i) => ({ id: `supplier-${pad(i + 1, 3)}`, name: `Supplier ${i + 1}` }));

  const activities: Activity[] = [];
  for (let i = 0; i < options.activities; i++) {
    const mtpd = pick(MTPDS);
    const staff = Array.from({ length: options.staffPerActivity }, () => {
      const access = pools.length === 0 ? [] : random() < 0.5 ? [pick(pools).id] : [pick(pools).id, pick(pools).id];
      return { site: pick(sites).id, headcount: int(1, 30), remote: int(5, 10) / 10, access: [...new Set(access)] };
    });
    const apps = applications.length === 0 ? [] : [...new Set(Array.from({ length: int(1, 3) }, () => pick(applications).id))];
    const dependsOn = i === 0 ? [] : [...new Set(Array.from({ length: int(0, 2) }, () => `act-${pad(int(1, i), width)}`))];
    activities.push({
      id: `act-${pad(i + 1, width)}`,
      name: `Activity ${i + 1}`,
      products: [],
      mtpd,
      rto: Math.max(1, Math.floor((mtpd * int(3, 10)) / 10)),
      mbco: int(2, 6) / 10,
      staff,
      applications: apps,
      suppliers: random() < 0.3 && suppliers.length > 0 ? [pick(suppliers).id] : [],
      dependsOn,
      impacts: {},
    });
  }

  const strategies: Strategy[] = [];
  for (let i = 0; i < strategyCount; i++) {
    const id = `strategy-${pad(i + 1, 3)}`;
    const cost = { fixed: int(1, 50) * 1000, perDay: int(0, 40) * 50 };
    const leadTime = pick([0, 4, 24, 48, 72]);
    const kind = i % 4;
    if (kind === 0 && pools.length > 0)
      strategies.push({ id, name: `More ${id}`, leadTime, cost, effect: { type: 'poolCapacity', pool: pick(pools).id, amount: int(1, 10) * 50 } });
    else if (kind === 1 || (kind === 0 && pools.length === 0))
      strategies.push({ id, name: `Seats ${id}`, leadTime, cost, effect: { type: 'alternateSite', seats: int(1, 20) * 50 } });
    else if (kind === 2 && applications.length > 0)
      strategies.push({
        id,
        name: `Workaround ${id}`,
        leadTime,
        cost,
        effect: { type: 'workaround', application: pick(applications).id, factor: int(3, 9) / 10 },
      });
    else if (suppliers.length > 0)
      strategies.push({ id, name: `Alternate ${id}`, leadTime, cost, effect: { type: 'alternateSupplier', supplier: pick(suppliers).id } });
  }
  return {
    organisation: { name: `Synthetic ${options.activities}` },
    sites,
    pools,
    applications,
    suppliers,
    activities,
    strategies,
  };
}

/**
 * A pandemic-like scenario on a synthetic model (times for a 90-day horizon, scaled to `horizon`):
 * lockdown of every site from day 1 for eight weeks, an absenteeism wave (a curve changing every
 * hour for five weeks, peak uncertain with `uncertain`), one application outage without `to`, one
 * supplier outage, and the first `activate` strategies (default 4) activated at day 1.
 */
export function syntheticScenario(model: OrganisationModel, options: { horizon?: number; activate?: number; uncertain?: boolean } = {}): Scenario {
  const horizon = options.horizon ?? 2160;
  // Times are those of a 90-day horizon, scaled to the one asked for: the same story, compressed.
  const at = (hours: number) => Math.round((hours * horizon) / 2160);
  const peak = options.uncertain ? { triangular: [0.1, 0.25, 0.4] as [number, number, number] } : 0.25;
  const disruptions: Scenario['disruptions'] = [
    { type: 'lockdown', from: at(24), to: options.uncertain ? { uniform: [at(1008), at(1680)] } : at(1368) },
    {
      type: 'absenteeism',
      from: at(24),
      curve: [
        { at: at(72), rate: 0.02 },
        { at: at(400), rate: peak },
        { at: at(900), rate: 0.05 },
      ],
    },
  ];
  if (model.applications.length > 0) disruptions.push({ type: 'applicationOutage', application: model.applications[0].id, from: at(200) });
  if (model.suppliers.length > 0) disruptions.push({ type: 'supplierOutage', supplier: model.suppliers[0].id, from: at(300), to: at(400) });
  return {
    horizon,
    disruptions,
    activate: model.strategies.slice(0, options.activate ?? 4).map((s) => ({ strategy: s.id, at: at(24) })),
  };
}
