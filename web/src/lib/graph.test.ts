// The dependency graph's nodes and links, whole, around one activity, and by kind.
import { describe, expect, it } from 'vitest';
import type { Activity } from '@shared/model/organisation.js';
import { buildGraph, LINK_KINDS } from './graph.js';

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
