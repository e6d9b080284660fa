import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrganisationModel, Strategy } from '../model/organisation.js';
import type { Scenario } from '../model/scenario.js';
import { recommend, recommendSteps, type Recommendation } from './recommend.js';
import { simulate } from './simulate.js';
import { activity, model, scenario, staff, strategy } from './testing.js';
import { EngineAbortedError, EngineInputError } from './validate.js';

// One activity of 10 people at s1, all able to work remotely through the VPN (capacity 0), mtpd 24.
// A lockdown from hour 0: without enough VPN seats the activity breaches on hour 25.
const vpn = (id: string, amount: number, fixed: number, fields: { perDay?: number; leadTime?: number } = {}): Strategy =>
  strategy(id, { type: 'poolCapacity', pool: 'vpn', amount }, { fixed, ...fields });
const org = (strategies: Strategy[]) =>
  model({
    pools: [{ id: 'vpn', capacity: 0 }],
    activities: [activity('a', { mtpd: 24, rto: 8, mbco: 1, staff: [staff('s1', 10, 1, ['vpn'])] })],
    strategies,
  });
const lockdown = (fields: Partial<Scenario> = {}) => scenario([{ type: 'lockdown', from: 0 }], { horizon: 240, ...fields });

describe('recommend: exact search', () => {
  it.each([
    {
      rule: 'the cheapest sufficient set, here two small upgrades',
      // Need 10 seats: big (10) costs 1000; small1 + small2 (5 + 5) cost 300 + 300 = 600.
      strategies: [vpn('big', 10, 1000), vpn('small1', 5, 300), vpn('small2', 5, 300)],
      expected: { strategies: ['small1', 'small2'], cost: 600 },
    },
    {
      rule: 'equal cost: fewer strategies',
      // one (10 seats) costs 600, as much as half1 + half2.
      strategies: [vpn('half1', 5, 300), vpn('half2', 5, 300), vpn('one', 10, 600)],
      expected: { strategies: ['one'], cost: 600 },
    },
    {
      rule: 'equal cost and size: the smallest sorted ids',
      strategies: [vpn('x', 10, 500), vpn('w', 10, 500)],
      expected: { strategies: ['w'], cost: 500 },
    },
    {
      rule: 'equal cost and size: compared on the first differing id',
      // {a1, z9} vs {b1, b2}, both 10 seats for 400: "a1" < "b1".
      strategies: [vpn('b1', 5, 200), vpn('b2', 5, 200), vpn('z9', 5, 200), vpn('a1', 5, 200)],
      expected: { strategies: ['a1', 'b1'], cost: 400 },
    },
    {
      rule: 'per-day costs over the days in effect, times the frequency',
      // daily: fixed 100 + 2/year × 10/day × (240 − 0)/24 days = 100 + 200 = 300; flat: 250 → flat.
      strategies: [vpn('daily', 10, 100, { perDay: 10 }), vpn('flat', 10, 250)],
      scenarios: [lockdown({ frequency: 2 })],
      expected: { strategies: ['flat'], cost: 250 },
    },
    {
      rule: 'per-day costs count from the first disruption + lead time',
      // Lockdown from hour 48: daily = 100 + 10 × (240 − 48 − 24)/24 = 100 + 70 = 170 < flat 250.
      strategies: [vpn('daily', 10, 100, { perDay: 10, leadTime: 24 }), vpn('flat', 10, 250)],
      scenarios: [scenario([{ type: 'lockdown', from: 48 }], { horizon: 240 })],
      expected: { strategies: ['daily'], cost: 170 },
    },
    {
      rule: 'a lead time beyond the MTPD does not help',
      // slow takes effect at hour 30: 30 disrupted hours > mtpd 24 → the costlier fast one.
      strategies: [vpn('slow', 10, 10, { leadTime: 30 }), vpn('fast', 10, 900, { leadTime: 20 })],
      expected: { strategies: ['fast'], cost: 900 },
    },
    {
      rule: 'a scenario that breaches nothing needs nothing',
      strategies: [vpn('big', 10, 1000)],
      scenarios: [scenario([], { horizon: 240 })],
      expected: { strategies: [], cost: 0 },
    },
    {
      rule: 'every scenario must hold: the stricter one decides',
      // Lockdown: VPN 10 needed. Fire at s1 with seats for 10: alt (cost 100) would do for the fire only.
      strategies: [vpn('vpn10', 10, 700), strategy('alt', { type: 'alternateSite', seats: 10 }, { fixed: 100 })],
      scenarios: [lockdown(), scenario([{ type: 'siteUnavailable', site: 's1', from: 0 }], { horizon: 240 })],
      expected: { strategies: ['vpn10'], cost: 700 },
    },
  ])('$rule', ({ strategies, scenarios, expected }) => {
    const result = recommend(org(strategies), scenarios ?? [lockdown()]);
    expect(result).toMatchObject({ ...expected, exact: true, heuristic: false, feasible: true, remainingBreaches: [] });
    expect(result.cost).toBeCloseTo(expected.cost, 9);
  });

  it('ignores the scenarios’ own activations', () => {
    const sc = lockdown({ activate: [{ strategy: 'big', at: 0 }] });
    expect(recommend(org([vpn('big', 10, 1000), vpn('cheap', 10, 10)]), [sc]).strategies).toEqual(['cheap']);
  });

  it('counts its evaluations and stops at the optimum', () => {
    // A +4 (1), B +6 (2), C +10 (4). Evaluations: {} fails (1); the full set reaches 0 breaches (2).
    // Cost order: {} (known), {A} (3), {B} (4): n = 3 failures → probes {B,C} (5), {A,C} (6), {A,B} (7),
    // none fails (no candidate is required). Next in order, {A,B} (cost 3, known) reaches 0: the optimum.
    const result = recommend(org([vpn('A', 4, 1), vpn('B', 6, 2), vpn('C', 10, 4)]), [lockdown()]);
    expect(result).toMatchObject({ strategies: ['A', 'B'], cost: 3, evaluated: 7 });
  });

  it('skips every set without a required candidate', () => {
    // The need is met only with `must` (+10, 1000); 15 cheap useless candidates (+0, costs 1..15).
    // Evaluations: {} (1), full (2), then in cost order {} (known, failure 1), {u00} (cost 1), {u01} (2),
    // {u02} (3), {u00,u01} (3), ... : 15 more failures reach n = 16, then the 16 probes show that `must` is
    // required; the next set containing it in cost order is {must} itself.
    const useless = Array.from({ length: 15 }, (_, i) => vpn(`u${String(i).padStart(2, '0')}`, 0, i + 1));
    const result = recommend(org([...useless, vpn('must', 10, 1000)]), [lockdown()]);
    expect(result.strategies).toEqual(['must']);
    expect(result.exact).toBe(true);
    // 2 + 15 cost-order failures + 16 probes + {must} = 34, far below 2^16 = 65,536.
    expect(result.evaluated).toBe(34);
  });

  it('when nothing suffices: the fewest breaches, then the least cost, and what remains', () => {
    // Two activities; only `a2` can be saved (by `ok`, 100 or `dear`, 900); `a` cannot (no pool for it).
    const m = model({
      pools: [{ id: 'vpn', capacity: 0 }],
      activities: [
        activity('a', { mtpd: 24, rto: 8, mbco: 1, staff: [staff('s1', 10)] }),
        activity('a2', { mtpd: 48, rto: 8, mbco: 1, staff: [staff('s1', 10, 1, ['vpn'])] }),
      ],
      strategies: [vpn('dear', 10, 900), vpn('ok', 10, 100), strategy('useless', { type: 'alternateSite', seats: 100 }, { fixed: 5 })],
    });
    const result = recommend(m, [lockdown({ id: 'pandemic' })]);
    expect(result).toMatchObject({ strategies: ['ok'], cost: 100, exact: true, feasible: false });
    expect(result.remainingBreaches).toEqual([{ scenario: { index: 0, id: 'pandemic' }, activity: 'a', binding: [{ from: 0, to: 240, cause: 'staff' }] }]);
  });

  it('refuses unknown candidates and invalid scenarios', () => {
    expect(() => recommend(org([]), [lockdown()], { candidates: ['nope'] })).toThrow(EngineInputError);
    expect(() => recommend(org([]), [scenario([{ type: 'siteUnavailable', site: 'x', from: 0 }])])).toThrow(EngineInputError);
  });

  it('only uses the given candidates', () => {
    const m = org([vpn('big', 10, 1000), vpn('cheap', 10, 10)]);
    expect(recommend(m, [lockdown()], { candidates: ['big'] }).strategies).toEqual(['big']);
  });

  it('reports progress, can be driven step by step and aborted', () => {
    const m = org([vpn('A', 4, 1), vpn('B', 6, 2), vpn('C', 10, 4)]);
    const seen: number[] = [];
    recommend(m, [lockdown()], { onProgress: ({ evaluated, total }) => seen.push(evaluated / total) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7].map((e) => e / 8));
    const steps = recommendSteps(m, [lockdown()]);
    let step = steps.next();
    while (!step.done) step = steps.next();
    expect(step.value.strategies).toEqual(['A', 'B']);
    expect(() => recommend(m, [lockdown()], { shouldAbort: () => seen.push(0) > 9 })).toThrow(EngineAbortedError);
  });
});

describe('recommend: heuristic above 16 candidates', () => {
  it('reverse deletion from the full set, flagged as a heuristic', () => {
    // 17 candidates: big (+10, 1000), half1/half2 (+5, 300 each), 14 useless ones (+0, 50 each).
    // Most expensive first: dropping big keeps 10 seats (half1 + half2) → dropped; then half1 or half2
    // cannot go; the useless ones go. Result {half1, half2}, 600, after 1 + 17 evaluations.
    const useless = Array.from({ length: 14 }, (_, i) => vpn(`u${i}`, 0, 50));
    const result = recommend(org([vpn('big', 10, 1000), vpn('half1', 5, 300), vpn('half2', 5, 300), ...useless]), [lockdown()]);
    expect(result).toMatchObject({ strategies: ['half1', 'half2'], cost: 600, exact: false, heuristic: true, feasible: true, evaluated: 18 });
  });
  it('reports the remaining breaches when nothing suffices', () => {
    const useless = Array.from({ length: 17 }, (_, i) => vpn(`u${i}`, 0, 50));
    const result = recommend(org(useless), [lockdown()]);
    expect(result).toMatchObject({ strategies: [], cost: 0, heuristic: true, feasible: false });
    expect(result.remainingBreaches).toEqual([{ scenario: { index: 0 }, activity: 'a', binding: [{ from: 0, to: 240, cause: 'staff' }] }]);
  });
});

// ---------------------------------------------------------------------------------------------
// The exact search against brute force over every subset.

/** §7 by enumeration: every subset simulated, ranked (breaches, cost, size, sorted ids). */
function bruteForce(m: OrganisationModel, scenarios: Scenario[]): { strategies: string[]; breaches: number; cost: number } {
  const ids = m.strategies.map((s) => s.id).sort();
  let best: { strategies: string[]; breaches: number; cost: number } | null = null;
  for (let mask = 0; mask < 2 ** ids.length; mask++) {
    const chosen = ids.filter((_, k) => mask & (1 << k));
    let breaches = 0;
    let cost = 0;
    for (const id of chosen) cost += m.strategies.find((s) => s.id === id)!.cost.fixed;
    for (const sc of scenarios) {
      const first = sc.disruptions.length ? Math.min(...sc.disruptions.map((d) => d.from as number)) : null;
      const activate = first === null ? [] : chosen.map((strategy) => ({ strategy, at: first }));
      breaches += simulate(m, { ...sc, activate }).breached;
      if (first !== null)
        for (const id of chosen) {
          const s = m.strategies.find((x) => x.id === id)!;
          let hours = 0;
          for (let t = 0; t < sc.horizon; t++) if (t >= first + s.leadTime) hours++;
          cost += (sc.frequency ?? 1) * s.cost.perDay * (hours / 24);
        }
    }
    const candidate = { strategies: chosen, breaches, cost };
    const better =
      best === null ||
      breaches < best.breaches ||
      (breaches === best.breaches &&
        (Math.round(cost * 1e6) < Math.round(best.cost * 1e6) ||
          (Math.round(cost * 1e6) === Math.round(best.cost * 1e6) &&
            (chosen.length < best.strategies.length || (chosen.length === best.strategies.length && chosen.join('\u0000') < best.strategies.join('\u0000'))))));
    if (better) best = candidate;
  }
  return best!;
}

const arbCase = fc
  .record({
    acts: fc.array(
      fc.record({
        mtpd: fc.integer({ min: 2, max: 30 }),
        heads: fc.integer({ min: 1, max: 10 }),
        remote: fc.integer({ min: 0, max: 10 }),
        access: fc.subarray(['p0', 'p1']),
        app: fc.boolean(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    strategies: fc.array(
      fc.record({
        kind: fc.constantFrom('p0', 'p1', 'seats', 'workaround'),
        amount: fc.integer({ min: 0, max: 10 }),
        fixed: fc.integer({ min: 0, max: 5 }).map((x) => x * 100),
        perDay: fc.integer({ min: 0, max: 3 }).map((x) => x * 10),
        leadTime: fc.integer({ min: 0, max: 12 }),
      }),
      { maxLength: 6 },
    ),
    scenarios: fc.array(
      fc.record({ lockdown: fc.boolean(), from: fc.integer({ min: 0, max: 10 }), outage: fc.boolean(), frequency: fc.constantFrom(undefined, 0.5, 2) }),
      { minLength: 1, maxLength: 2 },
    ),
  })
  .map(({ acts, strategies, scenarios }) => {
    const m = model({
      pools: [
        { id: 'p0', capacity: 3 },
        { id: 'p1', capacity: 2 },
      ],
      applications: [{ id: 'crm', rto: 20 }],
      activities: acts.map((a, i) =>
        activity(`a${i}`, { mtpd: a.mtpd, rto: 1, mbco: 0.6, staff: [staff('s1', a.heads, a.remote / 10, a.access)], applications: a.app ? ['crm'] : [] }),
      ),
      strategies: strategies.map((s, i) =>
        strategy(
          `s${i}`,
          s.kind === 'seats'
            ? { type: 'alternateSite', seats: s.amount }
            : s.kind === 'workaround'
              ? { type: 'workaround', application: 'crm', factor: s.amount / 10 }
              : { type: 'poolCapacity', pool: s.kind, amount: s.amount },
          s,
        ),
      ),
    });
    const sc = scenarios.map((s) =>
      scenario(
        [
          s.lockdown
            ? { type: 'lockdown' as const, from: s.from, to: s.from + 40 }
            : { type: 'siteUnavailable' as const, site: 's1', from: s.from, to: s.from + 40 },
          ...(s.outage ? [{ type: 'applicationOutage' as const, application: 'crm', from: s.from + 1 }] : []),
        ],
        { horizon: 72, ...(s.frequency === undefined ? {} : { frequency: s.frequency }) },
      ),
    );
    return { m, sc };
  });

describe('recommend: properties', () => {
  it('equals brute force over every subset (optimum, ties, infeasible fallback)', () => {
    fc.assert(
      fc.property(arbCase, ({ m, sc }) => {
        const expected = bruteForce(m, sc);
        const result: Recommendation = recommend(m, sc);
        expect(result.strategies).toEqual(expected.strategies);
        expect(result.cost).toBeCloseTo(expected.cost, 6);
        expect(result.feasible).toBe(expected.breaches === 0);
        expect(result.remainingBreaches.length).toBe(expected.breaches);
        expect(result.evaluated).toBeLessThanOrEqual(2 ** m.strategies.length);
      }),
      { numRuns: 150 },
    );
  });
});
