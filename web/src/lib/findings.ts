// Findings in plain words, in the interface language, built from each finding's rule and values.
import type { Finding } from '@shared/model/contract/organisation.js';
import type { Formatter, Translate } from './format.js';

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The rules the dashboard counts, in the order a continuity manager fixes them. */
export const READINESS_RULES = ['no_impact_assessment', 'rto_above_mtpd', 'recovery_gap', 'upstream_rto', 'dependency_cycle'] as const;

export const KNOWN_RULES = [
  'rto_above_mtpd',
  'recovery_gap',
  'upstream_rto',
  'dependency_cycle',
  'no_impact_assessment',
  'incomplete_impact_assessment',
  'mtpd_differs_from_suggested',
] as const;

export interface FindingFilter {
  rule?: string | null;
  severity?: string | null;
  activity?: string | null;
}

/** Findings about an activity: its own, and those naming it as the application/activity involved. */
export function concerns(finding: Finding, activity: string): boolean {
  return finding.activity === activity || finding.related.some((item) => item.type === 'activity' && item.id === activity);
}

export function filterFindings(items: readonly Finding[], filter: FindingFilter): Finding[] {
  return items.filter(
    (finding) =>
      (!filter.rule || finding.rule === filter.rule) &&
      (!filter.severity || finding.severity === filter.severity) &&
      (!filter.activity || concerns(finding, filter.activity)),
  );
}

export function countByRule(items: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of items) counts[finding.rule] = (counts[finding.rule] ?? 0) + 1;
  return counts;
}

/** Distinct activities per rule: "3 activities have no assessment" even if a rule fires twice for one. */
export function activitiesByRule(items: readonly Finding[]): Record<string, number> {
  const sets: Record<string, Set<string>> = {};
  for (const finding of items) (sets[finding.rule] ??= new Set()).add(finding.activity);
  return Object.fromEntries(Object.entries(sets).map(([rule, set]) => [rule, set.size]));
}

export function groupBySeverity(items: readonly Finding[]): Record<Severity, Finding[]> {
  const groups: Record<Severity, Finding[]> = { error: [], warning: [], info: [] };
  for (const finding of items) groups[finding.severity].push(finding);
  return groups;
}

export interface ExplainContext {
  t: Translate;
  format: Formatter;
  /** The display name of an activity or application (its id when unknown). */
  name: (type: 'activity' | 'application', id: string) => string;
}

const asNumber = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** A sentence that says what is wrong and what to do, from the finding's rule and values (not its English message). */
export function explainFinding(finding: Finding, { t, format, name }: ExplainContext): string {
  const v = finding.values;
  const activity = name('activity', finding.activity);
  const related = finding.related[0];
  switch (finding.rule) {
    case 'rto_above_mtpd':
      return t('findings.explain.rto_above_mtpd', {
        activity,
        rto: format.duration(asNumber(v.rto)),
        mtpd: format.duration(asNumber(v.mtpd)),
      });
    case 'recovery_gap':
      return t('findings.explain.recovery_gap', {
        activity,
        application: related ? name('application', related.id) : '',
        applicationRto: format.duration(asNumber(v.applicationRto)),
        activityRto: format.duration(asNumber(v.activityRto)),
        gap: format.durationLong(asNumber(v.gap)),
      });
    case 'upstream_rto':
      return t('findings.explain.upstream_rto', {
        activity,
        upstream: related ? name('activity', related.id) : '',
        upstreamRto: format.duration(asNumber(v.upstreamRto)),
        activityRto: format.duration(asNumber(v.activityRto)),
      });
    case 'dependency_cycle': {
      const ids = [finding.activity, ...finding.related.map((item) => item.id)];
      const cycle = [...ids, ids[0]].map((id) => name('activity', id)).join(' → ');
      return t('findings.explain.dependency_cycle', { cycle, count: ids.length });
    }
    case 'no_impact_assessment':
      return t('findings.explain.no_impact_assessment', { activity });
    case 'incomplete_impact_assessment':
      return t('findings.explain.incomplete_impact_assessment', { activity });
    case 'mtpd_differs_from_suggested': {
      const mtpd = asNumber(v.mtpd);
      const suggested = asNumber(v.suggested);
      const longer = mtpd !== null && suggested !== null && mtpd > suggested;
      return t(longer ? 'findings.explain.mtpd_longer_than_suggested' : 'findings.explain.mtpd_shorter_than_suggested', {
        activity,
        mtpd: format.duration(mtpd),
        suggested: format.duration(suggested),
        difference: mtpd !== null && suggested !== null ? format.durationLong(Math.abs(mtpd - suggested)) : '',
      });
    }
    default:
      return finding.message;
  }
}
