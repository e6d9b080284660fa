// Compact builders of models and scenarios for the engine's tests (not part of the public API).
import type { Activity, OrganisationModel, StaffEntry, Strategy, StrategyEffect } from '../model/organisation.js';
import type { Disruption, Scenario } from '../model/scenario.js';

/** A staff entry: `headcount` people at `site`, a `remote` share of them able to use `access` pools. */
export function staff(site: string, headcount: number, remote = 0, access: string[] = []): StaffEntry {
  return { site, headcount, remote, access };
}

/** An activity with test defaults: mtpd 24, rto 8, mbco 0.5, nothing required. */
export function activity(id: string, fields: Partial<Omit<Activity, 'id'>> = {}): Activity {
  return {
    id,
    name: id,
    products: [],
    mtpd: 24,
    rto: 8,
    mbco: 0.5,
    staff: [],
    applications: [],
    suppliers: [],
    dependsOn: [],
    impacts: {},
    ...fields,
  };
}

/** A strategy with no lead time and no cost unless given. */
export function strategy(id: string, effect: StrategyEffect, fields: { leadTime?: number; fixed?: number; perDay?: number } = {}): Strategy {
  return { id, name: id, leadTime: fields.leadTime ?? 0, cost: { fixed: fields.fixed ?? 0, perDay: fields.perDay ?? 0 }, effect };
}

/** A model; sites default to `s1`, `s2`; applications get rto 4 unless given. */
export function model(parts: {
  sites?: string[];
  pools?: Array<{ id: string; capacity: number }>;
  applications?: Array<{ id: string; rto?: number }>;
  suppliers?: string[];
  activities?: Activity[];
  strategies?: Strategy[];
}): OrganisationModel {
  return {
    sites: (parts.sites ?? ['s1', 's2']).map((id) => ({ id, name: id })),
    pools: (parts.pools ?? []).map((pool) => ({ id: pool.id, kind: 'vpn', capacity: pool.capacity })),
    applications: (parts.applications ?? []).map((app) => ({ id: app.id, name: app.id, rto: app.rto ?? 4 })),
    suppliers: (parts.suppliers ?? []).map((id) => ({ id, name: id })),
    activities: parts.activities ?? [],
    strategies: parts.strategies ?? [],
  };
}

/** A scenario; horizon 48 unless given. */
export function scenario(disruptions: Disruption[], fields: Partial<Omit<Scenario, 'disruptions'>> = {}): Scenario {
  return { horizon: 48, activate: [], ...fields, disruptions };
}
