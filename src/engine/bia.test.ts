import { describe, expect, it } from 'vitest';
import { DEFAULT_BIA, type Activity } from '../model/organisation.js';
import { assessmentState, biaFindings, suggestedMtpd } from './bia.js';

// Default time points: 1h, 4h, 1d, 3d, 1w, 2w, 30d; intolerable from 4 (Major).
const bia = DEFAULT_BIA;

function activity(overrides: Partial<Activity>): Activity {
  return {
    id: 'a',
    name: 'A',
    mtpd: 72,
    rto: 24,
    mbco: 0.5,
    products: [],
    staff: [],
    applications: [],
    suppliers: [],
    dependsOn: [],
    impacts: {},
    ...overrides,
  };
}

describe('suggested MTPD', () => {
  it.each([
    ['no ratings', {}, null],
    ['never intolerable', { financial: [1, 1, 2, 2, 3, 3, 3] }, null],
    ['intolerable at the 3rd point (1d)', { financial: [1, 2, 4, 5, 5, 5, 5] }, 24],
    ['earliest category wins: customer at 4h before financial at 1w', { financial: [1, 1, 2, 3, 4, 5, 5], customer: [2, 4, 4, 4, 4, 4, 4] }, 4],
    ['nulls are not rated, not tolerable', { financial: [null, null, null, 5, null, null, null] }, 72],
    ['unknown categories are ignored', { weather: [5, 5, 5, 5, 5, 5, 5] }, null],
  ])('%s', (_name, impacts, expected) => {
    expect(suggestedMtpd(impacts, bia)).toBe(expected);
  });
});

describe('assessment state', () => {
  it.each([
    [{}, 'none'],
    [{ financial: [null, null, null, null, null, null, null] }, 'none'],
    [{ financial: [1, 2, 3, 4, 5, 5, 5] }, 'partial'],
    [Object.fromEntries(bia.categories.map((c) => [c.id, [1, 1, 1, 1, 1, 1, 1]])), 'complete'],
  ])('%j is %s', (impacts, expected) => {
    expect(assessmentState(impacts as Activity['impacts'], bia)).toBe(expected);
  });
});

describe('findings', () => {
  const full = Object.fromEntries(bia.categories.map((c) => [c.id, [1, 2, 3, 4, 5, 5, 5]]));

  it.each([
    ['RTO above MTPD', [activity({ rto: 100, mtpd: 72, impacts: full })], [], ['rto_above_mtpd:a']],
    [
      'recovery gap: the application recovers after the RTO',
      [activity({ applications: ['erp'], impacts: full })],
      [{ id: 'erp', name: 'ERP', rto: 48 }],
      ['recovery_gap:a'],
    ],
    ['no gap when the application is as fast', [activity({ applications: ['erp'], impacts: full })], [{ id: 'erp', name: 'ERP', rto: 24 }], []],
    [
      'upstream activity slower than its dependant',
      [activity({ id: 'up', rto: 48, mtpd: 72, impacts: full }), activity({ id: 'down', rto: 24, dependsOn: ['up'], impacts: full })],
      [],
      ['upstream_rto:down'],
    ],
    ['no impact assessment', [activity({})], [], ['no_impact_assessment:a']],
    ['partial assessment', [activity({ impacts: { financial: [1, 2, 3, 4, 5, 5, 5] } })], [], ['incomplete_impact_assessment:a']],
    // Ratings reach 4 at the 4th point (72 h): an MTPD of 168 h is a deliberate choice worth reviewing.
    ['MTPD differs from the suggestion', [activity({ mtpd: 168, impacts: full })], [], ['mtpd_differs_from_suggested:a']],
  ])('%s', (_name, activities, applications, expected) => {
    const findings = biaFindings({ activities, applications, bia });
    expect(findings.map((f) => `${f.rule}:${f.activity}`)).toEqual(expected);
  });

  it('names a dependency cycle once, in order', () => {
    const activities = [
      activity({ id: 'a', dependsOn: ['b'], impacts: full }),
      activity({ id: 'b', dependsOn: ['c'], impacts: full }),
      activity({ id: 'c', dependsOn: ['a'], impacts: full }),
      activity({ id: 'd', dependsOn: ['a'], impacts: full }),
    ];
    const cycles = biaFindings({ activities, applications: [], bia }).filter((f) => f.rule === 'dependency_cycle');
    expect(cycles).toHaveLength(1);
    expect(cycles[0].values.cycle).toBe('a → b → c → a');
  });

  it('orders errors before warnings before information', () => {
    const findings = biaFindings({ activities: [activity({ id: 'z', rto: 100 }), activity({ id: 'b', mtpd: 168, impacts: full })], applications: [], bia });
    expect(findings.map((f) => f.severity)).toEqual(['error', 'warning', 'info']);
  });
});
