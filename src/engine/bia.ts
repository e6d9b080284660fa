// Business impact analysis rules (ISO 22317): suggested MTPD and the findings a continuity manager must fix.
import type { Finding } from '../model/contract/organisation.js';
import type { Activity, Application, BiaSettings } from '../model/organisation.js';
import { describeCycle, findCycles } from './graph.js';

/**
 * The first BIA time point at which any impact category reaches the organisation's intolerable
 * level, or null when no rating does (not assessed, or tolerable over the whole time frame).
 */
export function suggestedMtpd(impacts: Activity['impacts'], bia: BiaSettings): number | null {
  let earliest: number | null = null;
  for (const [category, ratings] of Object.entries(impacts)) {
    if (!bia.categories.some((known) => known.id === category)) continue;
    const index = ratings.findIndex((rating) => rating !== null && rating >= bia.intolerable);
    if (index >= 0 && index < bia.timePoints.length) {
      const at = bia.timePoints[index];
      if (earliest === null || at < earliest) earliest = at;
    }
  }
  return earliest;
}

/** How much of the impact grid is filled: `none`, `partial` or `complete`. */
export function assessmentState(impacts: Activity['impacts'], bia: BiaSettings): 'none' | 'partial' | 'complete' {
  let rated = 0;
  for (const category of bia.categories) {
    for (const rating of impacts[category.id] ?? []) if (rating !== null && rating !== undefined) rated++;
  }
  if (rated === 0) return 'none';
  return rated === bia.categories.length * bia.timePoints.length ? 'complete' : 'partial';
}

// A finding is what the API answers with: its shape is declared once, in the contract.
export type { Finding, FindingRule } from '../model/contract/organisation.js';

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Every finding of an organisation's BIA, most severe first, then by activity id. */
export function biaFindings(model: { activities: ReadonlyArray<Activity>; applications: ReadonlyArray<Application>; bia: BiaSettings }): Finding[] {
  const findings: Finding[] = [];
  const applications = new Map(model.applications.map((application) => [application.id, application]));
  const activities = new Map(model.activities.map((activity) => [activity.id, activity]));

  for (const activity of model.activities) {
    if (activity.rto > activity.mtpd)
      findings.push({
        rule: 'rto_above_mtpd',
        severity: 'error',
        activity: activity.id,
        related: [],
        values: { rto: activity.rto, mtpd: activity.mtpd },
        message: `RTO (${activity.rto} h) is longer than the MTPD (${activity.mtpd} h): the activity cannot be recovered in time.`,
      });
    for (const id of activity.applications) {
      const application = applications.get(id);
      if (application && application.rto > activity.rto)
        findings.push({
          rule: 'recovery_gap',
          severity: 'error',
          activity: activity.id,
          related: [{ type: 'application', id }],
          values: { applicationRto: application.rto, activityRto: activity.rto, gap: application.rto - activity.rto },
          message: `Application ${id} recovers in ${application.rto} h but the activity needs it within its RTO of ${activity.rto} h.`,
        });
    }
    for (const id of activity.dependsOn) {
      const upstream = activities.get(id);
      if (upstream && upstream.rto > activity.rto)
        findings.push({
          rule: 'upstream_rto',
          severity: 'error',
          activity: activity.id,
          related: [{ type: 'activity', id }],
          values: { upstreamRto: upstream.rto, activityRto: activity.rto },
          message: `Upstream activity ${id} has an RTO of ${upstream.rto} h, longer than this activity's RTO of ${activity.rto} h.`,
        });
    }
    const state = assessmentState(activity.impacts, model.bia);
    if (state === 'none')
      findings.push({
        rule: 'no_impact_assessment',
        severity: 'warning',
        activity: activity.id,
        related: [],
        values: {},
        message: 'No impact has been rated: the MTPD is not backed by an impact assessment.',
      });
    else {
      if (state === 'partial')
        findings.push({
          rule: 'incomplete_impact_assessment',
          severity: 'warning',
          activity: activity.id,
          related: [],
          values: {},
          message: 'Some impact ratings are missing.',
        });
      const suggested = suggestedMtpd(activity.impacts, model.bia);
      if (suggested !== null && suggested !== activity.mtpd)
        findings.push({
          rule: 'mtpd_differs_from_suggested',
          severity: 'info',
          activity: activity.id,
          related: [],
          values: { mtpd: activity.mtpd, suggested },
          message: `The chosen MTPD (${activity.mtpd} h) differs from the one the impact ratings suggest (${suggested} h).`,
        });
    }
  }

  for (const cycle of findCycles(model.activities)) {
    findings.push({
      rule: 'dependency_cycle',
      severity: 'error',
      activity: cycle[0],
      related: cycle.slice(1).map((id) => ({ type: 'activity' as const, id })),
      values: { cycle: describeCycle(cycle) },
      message: `Dependency cycle: ${describeCycle(cycle)}.`,
    });
  }

  return findings.sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.activity.localeCompare(b.activity) || a.rule.localeCompare(b.rule),
  );
}
