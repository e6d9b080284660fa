// The assurance figures (ISO 22301 7.2–7.3, 9.1, 9.3), pure: training completion per site and activity, the
// management review's agenda drawn from the programme's state, the programme's health, and the clause tracker's
// gaps. Operations gather the state from the database; these functions only judge it, so they are tested alone.
import type { AgendaItem, AgendaKey, ClauseGap, CompletionFigure, ProgrammeHealth, ProgrammeState, TrainingCompletion } from '../model/assurance.js';

/** One person's assignment as completion counts it. */
export interface AssignmentFacts {
  site: string | null;
  activities: readonly string[];
  acknowledged: boolean;
  /** null: the campaign has no quiz, or the person has not answered it. */
  passed: boolean | null;
  completed: boolean;
}

function figure(assignments: readonly AssignmentFacts[]): CompletionFigure {
  const total = assignments.length;
  const completed = assignments.filter((a) => a.completed).length;
  return {
    total,
    completed,
    acknowledged: assignments.filter((a) => a.acknowledged).length,
    failedQuiz: assignments.filter((a) => a.passed === false && !a.completed).length,
    rate: total === 0 ? null : Math.round((completed / total) * 1000) / 1000,
  };
}

/**
 * Completion overall, per site and per activity (a person working for two activities counts in both; people with
 * no site or activity are grouped under null, so every assignment is counted in each breakdown).
 */
export function trainingCompletion(assignments: readonly AssignmentFacts[]): TrainingCompletion {
  const group = (keys: (a: AssignmentFacts) => Array<string | null>) => {
    const groups = new Map<string | null, AssignmentFacts[]>();
    for (const assignment of assignments) for (const key of keys(assignment)) groups.set(key, [...(groups.get(key) ?? []), assignment]);
    return [...groups.entries()].sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)));
  };
  return {
    overall: figure(assignments),
    bySite: group((a) => [a.site]).map(([site, list]) => ({ site, ...figure(list) })),
    byActivity: group((a) => (a.activities.length ? [...new Set(a.activities)] : [null])).map(([activity, list]) => ({ activity, ...figure(list) })),
  };
}

/** Days from one YYYY-MM-DD (or ISO instant) to another. */
export function daysFrom(from: string, to: string): number {
  return Math.floor((Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / 86_400_000);
}

/** The BIA is up to date when its last approved campaign is at most this old and every activity was assessed. */
export const BIA_MAX_AGE_DAYS = 365;
/** Training counts as done when at least this share of those asked completed it. */
export const TRAINING_TARGET = 0.9;

/**
 * The management review's agenda (9.3): one item per input the standard asks the review to consider, each with the
 * figures and records behind it, and `attention` where something needs a decision. Items come in a fixed order:
 * the actions of earlier reviews first, changes last but one, the clause tracker last.
 */
export function reviewAgenda(state: ProgrammeState): AgendaItem[] {
  const item = (key: AgendaKey, attention: boolean, facts: AgendaItem['facts'], entries: AgendaItem['entries'] = []): AgendaItem => ({
    key,
    attention,
    facts,
    entries,
  });
  const { bia, risks, exercises, incidents, correctiveActions: actions, training, plans, clauses } = state;
  const biaAge = bia.lastApproved ? daysFrom(bia.lastApproved.approvedAt, state.today) : null;
  const unreviewed = incidents.filter((incident) => incident.status === 'closed' && !incident.reviewed);
  const objectives = exercises.completedSince.reduce((sum, exercise) => sum + exercise.objectives, 0);
  const met = exercises.completedSince.reduce((sum, exercise) => sum + exercise.objectivesMet, 0);
  const lateRecoveries = exercises.completedSince.reduce((sum, exercise) => sum + exercise.recoveriesOverRto, 0);
  return [
    item(
      'previousActions',
      actions.fromPreviousReviews.some((action) => action.status === 'open' || action.status === 'inProgress'),
      {
        total: actions.fromPreviousReviews.length,
        closed: actions.fromPreviousReviews.filter((action) => action.status === 'done' || action.status === 'verified').length,
      },
      actions.fromPreviousReviews.map((action) => ({ id: action.id, label: action.title, note: action.status })),
    ),
    item(
      'bia',
      biaAge === null || biaAge > BIA_MAX_AGE_DAYS || bia.neverAssessed.length > 0 || bia.overdueTasks > 0,
      {
        lastVersion: bia.lastApproved?.version ?? null,
        lastApprovedAt: bia.lastApproved?.approvedAt.slice(0, 10) ?? null,
        ageDays: biaAge,
        openCampaigns: bia.openCampaigns,
        overdueTasks: bia.overdueTasks,
        activities: bia.activities,
        neverAssessed: bia.neverAssessed.length,
      },
      bia.neverAssessed.map((activity) => ({ id: activity.id, label: activity.name, note: null })),
    ),
    item(
      'risks',
      risks.aboveAppetiteWithoutTreatment > 0,
      { total: risks.total, aboveAppetite: risks.aboveAppetite.length, withoutTreatment: risks.aboveAppetiteWithoutTreatment },
      risks.aboveAppetite.map((risk) => ({ id: risk.id, label: risk.title, note: risk.band })),
    ),
    item(
      'exercises',
      exercises.uncovered.length > 0 || met < objectives || lateRecoveries > 0,
      {
        completed: exercises.completedSince.length,
        objectives,
        objectivesMet: met,
        recoveriesOverRto: lateRecoveries,
        criticalActivities: exercises.criticalActivities,
        notExercised: exercises.uncovered.length,
      },
      [
        ...exercises.completedSince.map((exercise) => ({ id: exercise.id, label: exercise.title, note: exercise.kind })),
        ...exercises.uncovered.map((activity) => ({ id: activity.id, label: activity.name, note: 'notExercised' })),
      ],
    ),
    item(
      'incidents',
      unreviewed.length > 0 || incidents.some((incident) => incident.status === 'open'),
      {
        total: incidents.length,
        open: incidents.filter((incident) => incident.status === 'open').length,
        reviewed: incidents.filter((incident) => incident.reviewed).length,
        notReviewed: unreviewed.length,
      },
      incidents.map((incident) => ({ id: incident.id, label: incident.title, note: incident.reviewed ? 'reviewed' : incident.status })),
    ),
    item('correctiveActions', actions.overdue > 0, { open: actions.open, overdue: actions.overdue, verifiedSince: actions.verifiedSince }),
    item(
      'training',
      training.overall.total > 0 && (training.overall.rate ?? 0) < TRAINING_TARGET,
      { campaigns: training.campaigns.length, asked: training.overall.total, completed: training.overall.completed, rate: training.overall.rate },
      training.campaigns.map((campaign) => ({ id: campaign.id, label: campaign.title, note: campaign.rate === null ? null : String(campaign.rate) })),
    ),
    item('plans', plans.total === 0 || plans.approved < plans.total || plans.reviewOverdue > 0, {
      total: plans.total,
      approved: plans.approved,
      reviewOverdue: plans.reviewOverdue,
    }),
    item(
      'changes',
      false,
      { entries: state.changes.reduce((sum, change) => sum + change.count, 0) },
      state.changes.map((change) => ({ id: change.entityType, label: change.entityType, note: String(change.count) })),
    ),
    item('clauses', clauses.applicable > 0 && clauses.implemented < clauses.applicable, {
      total: clauses.total,
      applicable: clauses.applicable,
      implemented: clauses.implemented,
      partial: clauses.partial,
    }),
  ];
}

/** The programme's health: each figure with whether it is on track (`ok`), from the same state as the agenda. */
export function programmeHealth(state: ProgrammeState): ProgrammeHealth {
  const { bia, exercises, training, correctiveActions: actions, plans, clauses } = state;
  const biaAge = bia.lastApproved ? daysFrom(bia.lastApproved.approvedAt, state.today) : null;
  return {
    today: state.today,
    bia: {
      lastApprovedAt: bia.lastApproved?.approvedAt ?? null,
      ageDays: biaAge,
      activities: bia.activities,
      neverAssessed: bia.neverAssessed.length,
      ok: biaAge !== null && biaAge <= BIA_MAX_AGE_DAYS && bia.neverAssessed.length === 0,
    },
    plans: {
      total: plans.total,
      approved: plans.approved,
      reviewOverdue: plans.reviewOverdue,
      ok: plans.total > 0 && plans.approved === plans.total && plans.reviewOverdue === 0,
    },
    exercises: {
      completedLastYear: exercises.completedLastYear,
      criticalActivities: exercises.criticalActivities,
      notExercised: exercises.uncovered.length,
      ok: exercises.uncovered.length === 0 && exercises.completedLastYear > 0,
    },
    training: {
      asked: training.overall.total,
      completed: training.overall.completed,
      rate: training.overall.rate,
      ok: training.overall.total > 0 && (training.overall.rate ?? 0) >= TRAINING_TARGET,
    },
    correctiveActions: { open: actions.open, overdue: actions.overdue, ok: actions.overdue === 0 },
    clauses: {
      total: clauses.total,
      applicable: clauses.applicable,
      implemented: clauses.implemented,
      ok: clauses.applicable > 0 && clauses.implemented === clauses.applicable,
    },
  };
}

/**
 * The gap report: every applicable clause not implemented, or implemented without a single piece of evidence (an
 * auditor asks for it), or without an owner. Not applicable clauses are no gap (their notes say why).
 */
export function clauseGaps(clauses: ReadonlyArray<{ id: string; status: string; owner: string | null; evidence: number }>): ClauseGap[] {
  const gaps: ClauseGap[] = [];
  for (const clause of clauses) {
    if (clause.status === 'notApplicable') continue;
    const reasons: ClauseGap['reasons'] = [];
    if (clause.status === 'notStarted') reasons.push('notStarted');
    if (clause.status === 'partial') reasons.push('partial');
    if (clause.evidence === 0) reasons.push('noEvidence');
    if (!clause.owner) reasons.push('noOwner');
    if (reasons.length) gaps.push({ clause: clause.id, status: clause.status as ClauseGap['status'], reasons });
  }
  return gaps;
}
