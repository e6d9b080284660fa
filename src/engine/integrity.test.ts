import { describe, expect, it } from 'vitest';
import { DEFAULT_BIA, type OrganisationModel } from '../model/organisation.js';
import { integrityProblems, itemProblems } from './integrity.js';
import { activity, model, staff, strategy } from './testing.js';

const clean = (): OrganisationModel => ({
  ...model({
    pools: [{ id: 'vpn', capacity: 10 }],
    applications: [{ id: 'crm' }],
    suppliers: ['cloud'],
    activities: [activity('a', { staff: [staff('s1', 10, 0.5, ['vpn'])], applications: ['crm'], suppliers: ['cloud'] }), activity('b', { dependsOn: ['a'] })],
    strategies: [strategy('more', { type: 'poolCapacity', pool: 'vpn', amount: 5 })],
  }),
  bia: DEFAULT_BIA,
});

type Change = {
  rule: string;
  collection: 'activities' | 'strategies' | 'sites';
  index: (m: OrganisationModel) => number;
  change: (m: OrganisationModel) => void;
};

// A single-record write checks only the item it writes: on a model that had no problem, that must find exactly what
// the whole-model check finds, path for path.
describe('itemProblems agrees with integrityProblems for one item written into a clean model', () => {
  it.each<Change>([
    { rule: 'nothing wrong', collection: 'activities', index: () => 0, change: (m) => (m.activities[0].name = 'renamed') },
    { rule: 'unknown site', collection: 'activities', index: () => 0, change: (m) => (m.activities[0].staff[0].site = 'mars') },
    { rule: 'unknown pool, listed twice', collection: 'activities', index: () => 0, change: (m) => (m.activities[0].staff[0].access = ['x', 'x']) },
    { rule: 'unknown application', collection: 'activities', index: () => 1, change: (m) => (m.activities[1].applications = ['crm', 'erp']) },
    { rule: 'supplier listed twice', collection: 'activities', index: () => 0, change: (m) => (m.activities[0].suppliers = ['cloud', 'cloud']) },
    { rule: 'self-dependency and unknown activity', collection: 'activities', index: () => 1, change: (m) => (m.activities[1].dependsOn = ['b', 'zz']) },
    { rule: 'impact off the scale', collection: 'activities', index: () => 0, change: (m) => (m.activities[0].impacts = { financial: [9, 1, 1, 1, 1, 1, 1] }) },
    { rule: 'unknown impact category', collection: 'activities', index: () => 0, change: (m) => (m.activities[0].impacts = { weather: [1] }) },
    {
      rule: 'an added activity with a taken id',
      collection: 'activities',
      index: (m) => m.activities.length - 1,
      change: (m) => m.activities.push(activity('a', { dependsOn: ['nowhere'] })),
    },
    {
      rule: 'strategy on an unknown supplier',
      collection: 'strategies',
      index: () => 0,
      change: (m) => (m.strategies[0].effect = { type: 'alternateSupplier', supplier: 'ghost' }),
    },
    {
      rule: 'alternate site list with an unknown site',
      collection: 'strategies',
      index: () => 0,
      change: (m) => (m.strategies[0].effect = { type: 'alternateSite', seats: 3, sites: ['s2', 'moon'] }),
    },
    { rule: 'an added site with a taken id', collection: 'sites', index: (m) => m.sites.length - 1, change: (m) => m.sites.push({ id: 's1', name: 'again' }) },
  ])('$rule', ({ rule, collection, index, change }) => {
    const m = clean();
    expect(integrityProblems(m)).toEqual([]);
    change(m);
    expect(integrityProblems(m).length > 0).toBe(rule !== 'nothing wrong');
    expect(itemProblems(m, collection, index(m))).toEqual(integrityProblems(m));
  });
});
