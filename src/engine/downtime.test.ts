// Costs of downtime (issue 15): disrupted hours × the activity's cost per hour × the scenario's frequency, reported
// beside the strategies' cost and never used to choose them (scenario-model §7). Every figure is computed by hand.
import { describe, expect, it } from 'vitest';
import type { Activity, Strategy } from '../model/organisation.js';
import type { Scenario } from '../model/scenario.js';
import { recommend } from './recommend.js';
import { simulate } from './simulate.js';
import { activity, model, scenario, staff, strategy } from './testing.js';

describe('simulation: cost of downtime', () => {
  // crm is down from hour 2 and comes back after its RTO of 4 h: a (needs crm) and b (needs a) are disrupted 4 h.
  const org = model({
    applications: [{ id: 'crm', rto: 4 }],
    activities: [
      activity('a', { applications: ['crm'], downtimeCostPerHour: 250 }),
      activity('b', { dependsOn: ['a'], downtimeCostPerHour: 100 }),
      activity('c', { downtimeCostPerHour: 50 }),
      activity('d', { applications: ['crm'] }),
    ],
  });
  const outage = (fields: Partial<Scenario> = {}) => scenario([{ type: 'applicationOutage', application: 'crm', from: 2 }], fields);

  it('per activity: hours disrupted × cost per hour; null without a cost per hour, 0 when never disrupted', () => {
    const result = simulate(org, outage());
    expect(result.activities.map((a) => [a.id, a.disruptedHours, a.downtimeCost])).toEqual([
      ['a', 4, 1000],
      ['b', 4, 400],
      ['c', 0, 0],
      ['d', 4, null],
    ]);
    // 1000 + 400 + 0; d has no cost per hour and counts for nothing.
    expect(result.downtimeCost).toBe(1400);
    expect(result.yearlyDowntimeCost).toBe(1400);
  });

  it('the expected yearly figure is one occurrence times the frequency', () => {
    const result = simulate(org, outage({ frequency: 3 }));
    expect(result.downtimeCost).toBe(1400);
    expect(result.yearlyDowntimeCost).toBe(4200);
    expect(simulate(org, outage({ frequency: 0 })).yearlyDowntimeCost).toBe(0);
  });

  it('an activated strategy shortens the disruption and so the cost', () => {
    // A workaround at factor 0.5 from hour 3 (mbco 0.5: capacity 0.5 is not disrupted): a and b lose hour 2 only.
    const withWorkaround = { ...org, strategies: [strategy('manual', { type: 'workaround', application: 'crm', factor: 0.5 }, { leadTime: 1 })] };
    const result = simulate(withWorkaround, outage({ activate: [{ strategy: 'manual', at: 2 }] }));
    expect(result.activities.map((a) => a.downtimeCost)).toEqual([250, 100, 0, null]);
    expect(result.downtimeCost).toBe(350);
  });
});

describe('recommendation: expected yearly cost of downtime without strategies and with the recommended set', () => {
  // 10 people at s1 who can all work through the VPN (capacity 0); mtpd 24, an hour below the MBCO costs 100.
  const a = (fields: Partial<Activity> = {}) =>
    activity('a', { mtpd: 24, rto: 8, mbco: 1, staff: [staff('s1', 10, 1, ['vpn'])], downtimeCostPerHour: 100, ...fields });
  const vpn = (id: string, fixed: number, leadTime: number): Strategy => strategy(id, { type: 'poolCapacity', pool: 'vpn', amount: 10 }, { fixed, leadTime });
  const org = (strategies: Strategy[], fields: Partial<Activity> = {}) => model({ pools: [{ id: 'vpn', capacity: 0 }], activities: [a(fields)], strategies });
  const lockdown = scenario([{ type: 'lockdown', from: 0 }], { id: 'lockdown', horizon: 240, frequency: 2 });
  const fire = scenario([{ type: 'siteUnavailable', site: 's1', from: 0, to: 48 }], { horizon: 240 });

  it('per scenario and in total, each times its frequency', () => {
    const result = recommend(org([vpn('vpn10', 500, 20)]), [lockdown, fire]);
    expect(result.strategies).toEqual(['vpn10']);
    // Lockdown: 240 h down without, 20 h (the lead time) with; × 100 × 2. Fire: 48 h without, 20 h with; × 100 × 1.
    expect(result.downtimeCost).toEqual({
      withoutStrategies: 48_000 + 4_800,
      withStrategies: 4_000 + 2_000,
      valuedActivities: 1,
      scenarios: [
        { scenario: { index: 0, id: 'lockdown' }, frequency: 2, withoutStrategies: 48_000, withStrategies: 4_000 },
        { scenario: { index: 1 }, frequency: 1, withoutStrategies: 4_800, withStrategies: 2_000 },
      ],
    });
  });

  it('never changes the chosen set: the cheaper slow strategy wins even when the fast one avoids far more downtime', () => {
    // slow (100 a year) leaves 20 h down, fast (900 a year) none; both keep the MTPD of 24 h.
    const strategies = [vpn('slow', 100, 20), vpn('fast', 900, 0)];
    const valued = recommend(org(strategies, { downtimeCostPerHour: 1_000_000 }), [lockdown]);
    const plain = recommend(org(strategies, { downtimeCostPerHour: undefined }), [lockdown]);
    expect(valued.strategies).toEqual(['slow']);
    expect(valued.cost).toBe(100);
    expect({ ...valued, downtimeCost: undefined }).toEqual({ ...plain, downtimeCost: undefined });
    expect(valued.downtimeCost.withStrategies).toBe(2 * 20 * 1_000_000);
    expect(valued.downtimeCost.withoutStrategies).toBe(2 * 240 * 1_000_000);
  });

  it('without any cost per hour: zeros, and no activity valued', () => {
    const result = recommend(org([vpn('vpn10', 500, 20)], { downtimeCostPerHour: undefined }), [lockdown]);
    expect(result.downtimeCost).toEqual({
      withoutStrategies: 0,
      withStrategies: 0,
      valuedActivities: 0,
      scenarios: [{ scenario: { index: 0, id: 'lockdown' }, frequency: 2, withoutStrategies: 0, withStrategies: 0 }],
    });
  });

  it('an infeasible recommendation still reports its figures', () => {
    // Only 5 seats: the activity stays below its MBCO (1) all along, so the cheapest set with as few breaches is none.
    const half = strategy('half', { type: 'poolCapacity', pool: 'vpn', amount: 5 }, { fixed: 10 });
    const result = recommend(org([half]), [lockdown]);
    expect(result).toMatchObject({ feasible: false, strategies: [] });
    expect(result.downtimeCost.withoutStrategies).toBe(48_000);
    expect(result.downtimeCost.withStrategies).toBe(48_000);
  });
});
