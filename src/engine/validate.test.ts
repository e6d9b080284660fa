import { describe, expect, it } from 'vitest';
import type { OrganisationModel } from '../model/organisation.js';
import type { Disruption, Scenario } from '../model/scenario.js';
import { activity, model, scenario, staff, strategy } from './testing.js';
import { findCycles, validateModel, validateScenario } from './validate.js';

const base = (): OrganisationModel =>
  model({
    pools: [{ id: 'vpn', capacity: 10 }],
    applications: [{ id: 'crm', rto: 4 }],
    suppliers: ['cloud'],
    activities: [activity('a', { staff: [staff('s1', 10, 0.5, ['vpn'])], applications: ['crm'], suppliers: ['cloud'] }), activity('b', { dependsOn: ['a'] })],
    strategies: [strategy('more', { type: 'poolCapacity', pool: 'vpn', amount: 5 })],
  });
const rules = (problems: Array<{ path: string; rule: string }>) => problems.map((p) => `${p.path} ${p.rule}`);

describe('validateModel', () => {
  it('accepts a valid model', () => {
    expect(validateModel(base())).toEqual([]);
  });

  it.each<{ rule: string; change: (m: OrganisationModel) => void; expected: string[] }>([
    { rule: 'rto above mtpd', change: (m) => Object.assign(m.activities[0], { rto: 30, mtpd: 24 }), expected: ['activities[0].rto rto_above_mtpd'] },
    { rule: 'rto equal to mtpd is fine', change: (m) => Object.assign(m.activities[0], { rto: 24, mtpd: 24 }), expected: [] },
    { rule: 'mbco above 1', change: (m) => (m.activities[0].mbco = 1.2), expected: ['activities[0].mbco share'] },
    { rule: 'negative mbco', change: (m) => (m.activities[0].mbco = -0.1), expected: ['activities[0].mbco share'] },
    { rule: 'remote share above 1', change: (m) => (m.activities[0].staff[0].remote = 2), expected: ['activities[0].staff[0].remote share'] },
    { rule: 'negative headcount', change: (m) => (m.activities[0].staff[0].headcount = -1), expected: ['activities[0].staff[0].headcount too_small'] },
    { rule: 'negative pool capacity', change: (m) => (m.pools[0].capacity = -5), expected: ['pools[0].capacity too_small'] },
    { rule: 'negative application rto', change: (m) => (m.applications[0].rto = -1), expected: ['applications[0].rto too_small'] },
    { rule: 'not a number', change: (m) => (m.activities[0].mtpd = Number.NaN), expected: ['activities[0].mtpd invalid_type'] },
    { rule: 'text instead of a number', change: (m) => ((m.activities[0] as { mtpd: unknown }).mtpd = '3d'), expected: ['activities[0].mtpd invalid_type'] },
    { rule: 'negative lead time', change: (m) => (m.strategies[0].leadTime = -2), expected: ['strategies[0].leadTime too_small'] },
    { rule: 'negative cost', change: (m) => (m.strategies[0].cost.perDay = -2), expected: ['strategies[0].cost.perDay too_small'] },
    {
      rule: 'negative amount',
      change: (m) => (m.strategies[0].effect = { type: 'poolCapacity', pool: 'vpn', amount: -1 }),
      expected: ['strategies[0].effect.amount too_small'],
    },
    {
      rule: 'workaround factor above 1',
      change: (m) => (m.strategies[0].effect = { type: 'workaround', application: 'crm', factor: 1.5 }),
      expected: ['strategies[0].effect.factor share'],
    },
    {
      rule: 'negative alternate seats',
      change: (m) => (m.strategies[0].effect = { type: 'alternateSite', seats: -1 }),
      expected: ['strategies[0].effect.seats too_small'],
    },
    { rule: 'unknown site (integrity)', change: (m) => (m.activities[0].staff[0].site = 'mars'), expected: ['activities[0].staff[0].site unknown_reference'] },
    {
      rule: 'unknown pool (integrity)',
      change: (m) => (m.activities[0].staff[0].access = ['nope']),
      expected: ['activities[0].staff[0].access[0] unknown_reference'],
    },
    {
      rule: 'duplicate id (integrity)',
      change: (m) => (m.activities[1].id = 'a'),
      expected: ['activities[1].id duplicate_id', 'activities[1].dependsOn[0] self_dependency'],
    },
    {
      rule: 'effect pointing at nothing (integrity)',
      change: (m) => (m.strategies[0].effect = { type: 'alternateSupplier', supplier: 'ghost' }),
      expected: ['strategies[0].effect.supplier unknown_reference'],
    },
    {
      rule: 'unknown effect type',
      change: (m) => ((m.strategies[0] as { effect: unknown }).effect = { type: 'magic' }),
      expected: ['strategies[0].effect.type invalid_type'],
    },
    {
      rule: 'self-dependency: reported once, by integrity',
      change: (m) => (m.activities[0].dependsOn = ['a']),
      expected: ['activities[0].dependsOn[0] self_dependency'],
    },
  ])('$rule', ({ change, expected }) => {
    const m = base();
    change(m);
    expect(rules(validateModel(m))).toEqual(expected);
  });

  it('names a dependency cycle', () => {
    // a → c → b → a (a depends on c, c on b, b on a).
    const m = model({ activities: [activity('a', { dependsOn: ['c'] }), activity('b', { dependsOn: ['a'] }), activity('c', { dependsOn: ['b'] })] });
    const problems = validateModel(m);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'activities[0].dependsOn[0]', rule: 'dependency_cycle', value: ['a', 'c', 'b'] });
    expect(problems[0].message).toContain('a → c → b → a');
  });

  it.each([
    { rule: 'missing arrays are empty', m: { activities: [{ id: 'x', name: 'x', mtpd: 4, rto: 2, mbco: 0.5 }] } },
    {
      rule: 'missing impacts with BIA settings',
      m: {
        bia: { categories: [{ id: 'financial', name: 'F' }], scale: [], intolerable: 4, timePoints: [1] },
        activities: [{ id: 'x', name: 'x', mtpd: 4, rto: 2, mbco: 0.5, staff: [], applications: [], suppliers: [], dependsOn: [] }],
      },
    },
  ])('does not assume parsed input: $rule', ({ m }) => {
    expect(validateModel(m as unknown as OrganisationModel)).toEqual([]);
  });

  it('findCycles returns each cycle as an ordered id list', () => {
    const cycles = findCycles([
      { id: 'a', dependsOn: ['b'] },
      { id: 'b', dependsOn: ['a'] },
      { id: 'c', dependsOn: ['d'] },
      { id: 'd', dependsOn: ['e'] },
      { id: 'e', dependsOn: ['c'] },
      { id: 'f', dependsOn: ['a'] },
    ]);
    expect(cycles).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
  });
});

describe('validateScenario', () => {
  const m = base();
  const check = (disruptions: Disruption[], extra: Partial<Scenario> = {}) => rules(validateScenario(m, scenario(disruptions, extra)));

  it('accepts a valid scenario', () => {
    expect(
      check([
        { type: 'siteUnavailable', site: 's1', from: 0, to: 24 },
        { type: 'lockdown', from: { uniform: [0, 48] }, sites: ['s1', 's2'] },
        {
          type: 'absenteeism',
          from: 0,
          curve: [
            { at: 0, rate: 0 },
            { at: { triangular: [24, 48, 96] }, rate: { normal: [0.3, 0.1] } },
          ],
        },
        { type: 'applicationOutage', application: 'crm', from: 2 },
        { type: 'supplierOutage', supplier: 'cloud', from: 2, to: { choice: [24, 48] } },
      ]),
    ).toEqual([]);
  });

  it.each<{ rule: string; d: unknown; expected: string[] }>([
    { rule: 'unknown site', d: { type: 'siteUnavailable', site: 'mars', from: 0 }, expected: ['disruptions[0].site unknown_reference'] },
    { rule: 'unknown site in a lockdown', d: { type: 'lockdown', from: 0, sites: ['s1', 'mars'] }, expected: ['disruptions[0].sites[1] unknown_reference'] },
    {
      rule: 'unknown site in an absenteeism',
      d: { type: 'absenteeism', from: 0, rate: 0.1, sites: ['mars'] },
      expected: ['disruptions[0].sites[0] unknown_reference'],
    },
    { rule: 'unknown application', d: { type: 'applicationOutage', application: 'erp', from: 0 }, expected: ['disruptions[0].application unknown_reference'] },
    { rule: 'unknown supplier', d: { type: 'supplierOutage', supplier: 'acme', from: 0 }, expected: ['disruptions[0].supplier unknown_reference'] },
    { rule: 'to before from', d: { type: 'lockdown', from: 10, to: 5 }, expected: ['disruptions[0].to to_before_from'] },
    { rule: 'to equal to from is an empty window, allowed', d: { type: 'lockdown', from: 10, to: 10 }, expected: [] },
    { rule: 'negative from', d: { type: 'lockdown', from: -1 }, expected: ['disruptions[0].from too_small'] },
    { rule: 'both rate and curve', d: { type: 'absenteeism', from: 0, rate: 0.1, curve: [{ at: 0, rate: 0.1 }] }, expected: ['disruptions[0] rate_or_curve'] },
    { rule: 'neither rate nor curve', d: { type: 'absenteeism', from: 0 }, expected: ['disruptions[0] rate_or_curve'] },
    { rule: 'rate above 1', d: { type: 'absenteeism', from: 0, rate: 1.5 }, expected: ['disruptions[0].rate share'] },
    { rule: 'empty curve', d: { type: 'absenteeism', from: 0, curve: [] }, expected: ['disruptions[0].curve too_small'] },
    {
      rule: 'curve out of order',
      d: {
        type: 'absenteeism',
        from: 0,
        curve: [
          { at: 10, rate: 0.1 },
          { at: 5, rate: 0.2 },
        ],
      },
      expected: ['disruptions[0].curve[1].at ascending'],
    },
    {
      rule: 'curve rate out of range',
      d: { type: 'absenteeism', from: 0, curve: [{ at: 0, rate: -0.1 }] },
      expected: ['disruptions[0].curve[0].rate share'],
    },
    { rule: 'uniform with a > b', d: { type: 'lockdown', from: { uniform: [10, 5] } }, expected: ['disruptions[0].from.uniform invalid_distribution'] },
    {
      rule: 'triangular out of order',
      d: { type: 'lockdown', from: { triangular: [0, 10, 5] } },
      expected: ['disruptions[0].from.triangular invalid_distribution'],
    },
    { rule: 'normal with negative sd', d: { type: 'lockdown', from: { normal: [10, -1] } }, expected: ['disruptions[0].from.normal invalid_distribution'] },
    { rule: 'normal may reach outside the range (clamped)', d: { type: 'absenteeism', from: 0, rate: { normal: [0.9, 0.5] } }, expected: [] },
    { rule: 'empty choice', d: { type: 'lockdown', from: { choice: [] } }, expected: ['disruptions[0].from.choice invalid_distribution'] },
    {
      rule: 'uniform rate reaching above 1',
      d: { type: 'absenteeism', from: 0, rate: { uniform: [0.5, 1.2] } },
      expected: ['disruptions[0].rate.uniform share'],
    },
    { rule: 'choice of hours with a negative value', d: { type: 'lockdown', from: { choice: [-3, 4] } }, expected: ['disruptions[0].from.choice too_small'] },
    { rule: 'wrong arity', d: { type: 'lockdown', from: { uniform: [1] } }, expected: ['disruptions[0].from.uniform invalid_distribution'] },
    { rule: 'unknown disruption type', d: { type: 'meteor', from: 0 }, expected: ['disruptions[0].type invalid_type'] },
  ])('$rule', ({ d, expected }) => {
    expect(check([d as Disruption])).toEqual(expected);
  });

  it.each<{ rule: string; extra: Partial<Scenario>; expected: string[] }>([
    { rule: 'unknown strategy in activate', extra: { activate: [{ strategy: 'nope', at: 0 }] }, expected: ['activate[0].strategy unknown_reference'] },
    { rule: 'negative activation time', extra: { activate: [{ strategy: 'more', at: -1 }] }, expected: ['activate[0].at too_small'] },
    { rule: 'fractional horizon', extra: { horizon: 10.5 }, expected: ['horizon integer'] },
    { rule: 'zero horizon', extra: { horizon: 0 }, expected: ['horizon too_small'] },
    { rule: 'negative frequency', extra: { frequency: -1 }, expected: ['frequency too_small'] },
  ])('$rule', ({ extra, expected }) => {
    expect(check([], extra)).toEqual(expected);
  });

  it('paths point at the disruption by index', () => {
    expect(
      check([
        { type: 'lockdown', from: 0 },
        { type: 'lockdown', from: 0 },
        { type: 'siteUnavailable', site: 'x', from: 0 },
      ]),
    ).toEqual(['disruptions[2].site unknown_reference']);
  });
});
