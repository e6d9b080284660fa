// The dependency graph's nodes and links, whole, around one activity, and by kind.
import { describe, expect, it } from 'vitest';
import type { Activity } from '@shared/model/organisation.js';
import { buildGraph, layoutGraph, LINK_KINDS, ROW_HEIGHT, scenarioImpact } from './graph.js';

const activity = (id: string, extra: Partial<Activity> = {}): Activity => ({
  id,
  name: id.toUpperCase(),
  mtpd: 24,
  rto: 4,
  mbco: 0.5,
  products: [],
  staff: [],
  applications: [],
  suppliers: [],
  dependsOn: [],
  impacts: {},
  ...extra,
});

const MODEL = {
  sites: [{ id: 'paris', name: 'Paris', names: { fr: 'Paris (siège)' } }],
  applications: [{ id: 'crm', name: 'CRM', rto: 4 }],
  suppliers: [{ id: 'telco', name: 'Telco' }],
  activities: [
    activity('a', {
      applications: ['crm'],
      suppliers: ['telco'],
      staff: [
        { site: 'paris', headcount: 3, remote: 0, access: [] },
        { site: 'paris', headcount: 1, remote: 1, access: [] },
      ],
      dependsOn: ['b'],
    }),
    activity('b', { applications: ['crm'], dependsOn: ['c'] }),
    activity('c'),
    activity('d', { dependsOn: ['a'] }),
  ],
};

const all = new Set(LINK_KINDS);

describe('buildGraph', () => {
  it('draws every activity with its applications, suppliers, sites (once) and upstream activities', () => {
    const graph = buildGraph(MODEL, { kinds: all, limit: 100, language: 'fr' });
    expect(graph.nodes.map((node) => node.key).sort()).toEqual([
      'activity:a',
      'activity:b',
      'activity:c',
      'activity:d',
      'application:crm',
      'site:paris',
      'supplier:telco',
    ]);
    expect(graph.links).toHaveLength(7);
    expect(graph.nodes.find((node) => node.key === 'site:paris')?.name).toBe('Paris (siège)');
    expect(graph.truncated).toBe(false);
  });

  it('around one activity shows what it depends on and what depends on it', () => {
    const graph = buildGraph(MODEL, { focus: 'a', kinds: all, limit: 100, language: 'en' });
    expect(graph.nodes.map((node) => node.key).sort()).toEqual(['activity:a', 'activity:b', 'activity:d', 'application:crm', 'site:paris', 'supplier:telco']);
    // b's own dependency on c is not drawn around a.
    expect(graph.links.some((link) => link.source === 'activity:b')).toBe(false);
    expect(graph.links.some((link) => link.source === 'activity:d' && link.target === 'activity:a')).toBe(true);
  });

  it('hides the kinds of link turned off and caps the number of activities', () => {
    const graph = buildGraph(MODEL, { kinds: new Set(['upstream'] as const), limit: 2, language: 'en' });
    expect(graph.truncated).toBe(true);
    expect(graph.nodes.map((node) => node.key)).toEqual(['activity:a', 'activity:b']);
    expect(graph.links).toEqual([{ source: 'activity:a', target: 'activity:b', kind: 'upstream' }]);
  });
});

describe('remote-access pools, layout and what a scenario breaks', () => {
  const withPools = {
    ...MODEL,
    pools: [{ id: 'vpn', kind: 'vpn', capacity: 10, names: { fr: 'VPN d’entreprise' } }],
    activities: [
      ...MODEL.activities.slice(0, 3),
      activity('d', { dependsOn: ['a'], staff: [{ site: 'paris', headcount: 10, remote: 0.8, access: ['vpn'] }] }),
      activity('e', { staff: [{ site: 'paris', headcount: 5, remote: 0, access: ['vpn'] }] }),
    ],
  };

  it('draws the pools that staff working from home go through, named in the interface language', () => {
    const graph = buildGraph(withPools, { kinds: all, limit: 100, language: 'fr' });
    const pool = graph.nodes.find((node) => node.key === 'pool:vpn');
    expect(pool?.name).toBe('VPN d’entreprise');
    // Only d works remotely: e's staff, who cannot, do not need the VPN.
    expect(graph.links.filter((link) => link.kind === 'pool')).toEqual([{ source: 'activity:d', target: 'pool:vpn', kind: 'pool' }]);
    expect(buildGraph(withPools, { kinds: new Set(['site'] as const), limit: 100, language: 'fr' }).nodes.some((node) => node.kind === 'pool')).toBe(false);
  });

  it('gives every node its own row in its column, so that labels one row high cannot overlap', () => {
    const graph = buildGraph(withPools, { kinds: all, limit: 100, language: 'en' });
    const { nodes, rows } = layoutGraph(graph.nodes, graph.links);
    expect(nodes).toHaveLength(graph.nodes.length);
    const places = nodes.map((node) => `${node.column}/${node.row}`);
    expect(new Set(places).size).toBe(places.length);
    expect(Math.max(...nodes.map((node) => node.row))).toBeLessThan(rows);
    expect(ROW_HEIGHT).toBeGreaterThanOrEqual(24);
    expect(nodes.filter((node) => node.column === 1).map((node) => node.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(nodes.find((node) => node.key === 'pool:vpn')?.column).toBe(0);
    expect(nodes.find((node) => node.key === 'supplier:telco')?.column).toBe(2);
  });

  it('marks what a scenario takes away, the pools it overloads and the activities it disrupts or breaks', () => {
    const impact = scenarioImpact(
      {
        disruptions: [
          { type: 'lockdown', from: 0 },
          { type: 'applicationOutage', application: 'crm', from: 0 },
        ],
      },
      withPools,
      {
        activities: [
          { id: 'a', disruptedHours: 100, mtpdBreached: true },
          { id: 'b', disruptedHours: 3, mtpdBreached: false },
          { id: 'c', disruptedHours: 0, mtpdBreached: false },
        ],
        pools: [{ id: 'vpn', unmetHours: 40 }],
      },
    );
    expect([...impact.hit].sort()).toEqual(['application:crm', 'pool:vpn', 'site:paris']);
    expect([...impact.disrupted].sort()).toEqual(['a', 'b']);
    expect([...impact.breached]).toEqual(['a']);
  });
});
