// The English and French resources have the same keys and placeholders, and every key the code uses exists.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KNOWN_RULES, READINESS_RULES, SEVERITIES } from '../lib/findings.js';
import { NODE_KINDS, LINK_KINDS } from '../lib/graph.js';
import { TRANSLATED_CODES, TRANSLATED_RULES } from '../lib/problems.js';
import { HISTORY_REASONS, RISK_SORTS, TREATMENT_STATUSES, TREATMENT_TYPES } from '../lib/risks.js';
import { DISRUPTION_TYPES, RUN_KINDS, RUN_STATUSES, UNCERTAIN_KINDS } from '../lib/scenarios.js';
import en from './en.json';
import fr from './fr.json';

type Tree = { [key: string]: string | string[] | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string | string[]> {
  const out = new Map<string, string | string[]>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string' || Array.isArray(value)) out.set(path, value);
    else for (const [inner, text] of flatten(value, path)) out.set(inner, text);
  }
  return out;
}

const english = flatten(en as Tree);
const french = flatten(fr as Tree);
const PLURAL = /_(zero|one|two|few|many|other)$/;
/** A key as code asks for it: `activities.count_one` → `activities.count`. */
const base = (key: string) => key.replace(PLURAL, '');
const keysOf = (map: Map<string, unknown>) => new Set([...map.keys()].map(base));
const placeholders = (text: string | string[]) => [...new Set([...String(text).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]))].sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('translation resources', () => {
  it('have exactly the same keys in English and French', () => {
    const onlyEnglish = [...english.keys()].filter((key) => !french.has(key));
    const onlyFrench = [...french.keys()].filter((key) => !english.has(key));
    expect({ onlyEnglish, onlyFrench }).toEqual({ onlyEnglish: [], onlyFrench: [] });
  });

  it('use the same placeholders in both languages and leave no text empty', () => {
    const mismatches: string[] = [];
    for (const [key, text] of english) {
      const other = french.get(key)!;
      if (JSON.stringify(placeholders(text)) !== JSON.stringify(placeholders(other))) mismatches.push(key);
      expect(String(text).trim(), key).not.toBe('');
      expect(String(other).trim(), key).not.toBe('');
    }
    expect(mismatches).toEqual([]);
  });

  it('contain every key the code asks for literally', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const known = keysOf(english);
    const missing: string[] = [];
    for (const file of sourceFiles(root)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) if (!known.has(match[1])) missing.push(`${file.slice(root.length)}: ${match[1]}`);
      for (const match of text.matchAll(/\bt\(\s*[\w.]+\s*\?\s*'([a-zA-Z0-9_.]+)'\s*:\s*'([a-zA-Z0-9_.]+)'/g))
        for (const key of [match[1], match[2]]) if (!known.has(key)) missing.push(`${file.slice(root.length)}: ${key}`);
    }
    expect(missing).toEqual([]);
  });

  it('contain every key the code builds from a rule, code, state or kind', () => {
    const known = keysOf(english);
    const wanted = [
      ...KNOWN_RULES.map((rule) => `findings.rules.${rule}`),
      ...KNOWN_RULES.filter((rule) => rule !== 'mtpd_differs_from_suggested').map((rule) => `findings.explain.${rule}`),
      ...READINESS_RULES.flatMap((rule) => ['label', 'hint', 'ok'].map((part) => `dashboard.rules.${rule}.${part}`)),
      ...TRANSLATED_RULES.map((rule) => `rules.${rule}`),
      ...TRANSLATED_CODES.map((code) => `apiErrors.${code}`),
      ...SEVERITIES.flatMap((severity) => ['one', 'group', 'meaning'].map((part) => `severity.${severity}.${part}`)),
      ...['none', 'partial', 'complete'].map((state) => `assessment.${state}`),
      ...['sites', 'pools', 'applications', 'suppliers', 'activities', 'strategies'].flatMap((collection) => [
        `collections.${collection}.one`,
        `collections.${collection}.title`,
      ]),
      ...['sites', 'pools', 'applications', 'suppliers', 'strategies'].flatMap((collection) =>
        ['description', 'new', 'emptyTitle', 'emptyText'].map((part) => `collections.${collection}.${part}`),
      ),
      ...['minute', 'hour', 'day', 'week'].flatMap((unit) => [`units.short.${unit}`, `units.long.${unit}`]),
      ...NODE_KINDS.map((kind) => `graph.kinds.${kind}`),
      ...LINK_KINDS.flatMap((kind) => [`graph.links.${kind}`, `graph.relations.${kind}`]),
      ...['poolCapacity', 'alternateSite', 'workaround', 'alternateSupplier'].map((type) => `effects.${type}`),
      ...['bia', 'mtpd', 'rto', 'rpo', 'mbco', 'finding'].flatMap((term) => [`terms.${term}.name`, `terms.${term}.text`]),
      ...TREATMENT_TYPES.map((type) => `treatmentTypes.${type}`),
      ...TREATMENT_STATUSES.map((status) => `treatmentStatuses.${status}`),
      ...HISTORY_REASONS.map((reason) => `historyReasons.${reason}`),
      ...RISK_SORTS.map((sort) => `risks.sorts.${sort}`),
      ...['inherent', 'residual', 'likelihood', 'impact'].map((term) => `risks.${term}`),
      ...['likelihood', 'impact'].map((axis) => `matrix.${axis}Help`),
      ...['untreated', 'above', 'overdue', 'reviews'].map((key) => `dashboard.risk.${key}`),
      ...DISRUPTION_TYPES.flatMap((type) => [`disruptions.types.${type}`, `disruptions.help.${type}`]),
      ...UNCERTAIN_KINDS.map((kind) => `uncertain.kinds.${kind}`),
      ...['value', 'min', 'max', 'mode', 'mean', 'sd'].map((part) => `uncertain.parts.${part}`),
      ...['min', 'max', 'mode', 'mean', 'sd'].map((part) => `uncertain.partsShort.${part}`),
      ...RUN_KINDS.map((kind) => `runs.kinds.${kind}`),
      ...RUN_STATUSES.map((status) => `runs.statuses.${status}`),
      ...[
        'id',
        'activity',
        'mtpdHours',
        'rtoHours',
        'mtpdBreached',
        'breachAtHour',
        'firstDisruptedHour',
        'longestDisruptionHours',
        'disruptedHours',
        'recoveredAtHour',
        'causes',
      ].map((key) => `csv.${key}`),
      ...['results', 'uncertainty', 'strategies', 'runs', 'edit'].map((tab) => `scenario.tabs.${tab}`),
    ];
    expect(wanted.filter((key) => !known.has(key))).toEqual([]);
  });

  it('give both plural forms wherever one is given', () => {
    for (const map of [english, french]) {
      const incomplete = [...map.keys()].filter((key) => key.endsWith('_one') && !map.has(key.replace(/_one$/, '_other')));
      expect(incomplete).toEqual([]);
    }
  });
});

describe('sort options', () => {
  it('name the order items were entered in, not a file a list may never have come from', () => {
    expect(en.common.sortPosition).not.toMatch(/file/i);
    expect(fr.common.sortPosition).not.toMatch(/fichier/i);
    expect(en.common.sortPosition).toMatch(/order/i);
    expect(fr.common.sortPosition).toMatch(/ordre/i);
  });
});
