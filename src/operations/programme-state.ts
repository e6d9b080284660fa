// The programme's state at one moment, read from every part of Rempart: what the management review's agenda and the
// programme health figures are drawn from (the judging is the engine's, src/engine/assurance.ts).
import type { Kysely } from 'kysely';
import { computeRisk } from '../engine/risk.js';
import { trainingCompletion } from '../engine/assurance.js';
import type { ProgrammeState } from '../model/assurance.js';
import { ISO22301_CLAUSES } from '../model/iso22301.js';
import { BiaCampaignRepository } from '../store/bia-campaign-repository.js';
import { ClauseRepository } from '../store/clause-repository.js';
import { CorrectiveActionRepository } from '../store/corrective-action-repository.js';
import { ExerciseRepository } from '../store/exercise-repository.js';
import { IncidentRepository } from '../store/incident-repository.js';
import { ModelRepository } from '../store/model-repository.js';
import { PlanRepository } from '../store/plan-repository.js';
import type { Database } from '../store/schema.js';
import { TrainingRepository } from '../store/training-repository.js';
import { dayOf } from './corrective-actions.js';
import { exerciseCoverage } from './exercises.js';
import { registerSnapshot } from './risk-register.js';

/** Critical activities, for coverage: MTPD of a week at most (as the exercise programme's default). */
export const CRITICAL_MTPD_HOURS = 168;
export const COVERAGE_YEARS = 3;

/**
 * Reads the state. `since` (YYYY-MM-DD, the previous review's day) bounds what "since the last review" counts; without
 * it, the last twelve months. `excludeReview` leaves a review's own decisions out of "actions from previous reviews".
 */
export async function programmeState(
  db: Kysely<Database>,
  orgId: string,
  options: { since?: string | null; excludeReview?: string; now?: Date } = {},
): Promise<ProgrammeState> {
  const now = options.now ?? new Date();
  const today = dayOf(now);
  const yearAgo = new Date(now.getTime() - 365 * 86_400_000);
  const since = options.since ?? null;
  const sinceDate = since ? new Date(`${since}T00:00:00Z`) : yearAgo;
  const biaRepository = new BiaCampaignRepository(db);
  const actions = new CorrectiveActionRepository(db);
  const trainingRepository = new TrainingRepository(db);

  const [model, campaigns, risks, completed, coverage, incidents, counts, verified, reviewActions, trainingCampaigns, plans, changes, clauses] =
    await Promise.all([
      new ModelRepository(db).loadModel(orgId),
      biaRepository.list(orgId),
      registerSnapshot(db, orgId),
      new ExerciseRepository(db).list(orgId, { status: 'completed' }),
      exerciseCoverage(db, orgId, { mtpdAtMost: CRITICAL_MTPD_HOURS, years: COVERAGE_YEARS }, now),
      new IncidentRepository(db).list(orgId, { limit: 500, exercise: false }),
      actions.counts(orgId, today),
      actions.list(orgId, { status: 'verified' }, { offset: 0, limit: 10_000 }),
      actions.list(orgId, { sourceKind: 'review' }, { offset: 0, limit: 500 }),
      trainingRepository.list(orgId),
      new PlanRepository(db).list(orgId),
      db
        .selectFrom('audit_log')
        .select(['entity_type', (eb) => eb.fn.countAll<string>().as('n')])
        .where('org_id', '=', orgId)
        .where('at', '>=', sinceDate)
        .where('action', 'in', ['create', 'update', 'delete', 'import', 'approve', 'close'])
        .groupBy('entity_type')
        .orderBy('entity_type')
        .execute(),
      new ClauseRepository(db).all(orgId),
    ]);

  const tasks = await biaRepository.tasks(
    orgId,
    campaigns.map((campaign) => campaign.id),
  );
  const assessed = new Set(tasks.filter((task) => task.status === 'approved').map((task) => task.activity));
  const lastApproved = campaigns.find((campaign) => campaign.status === 'approved' && campaign.approvedAt);
  const openIds = new Set(campaigns.filter((campaign) => campaign.status === 'open').map((campaign) => campaign.id));
  const dueOf = new Map(campaigns.map((campaign) => [campaign.id, campaign.due]));

  const recentTraining = trainingCampaigns.filter((campaign) => campaign.status === 'open' || campaign.createdAt >= sinceDate);
  const assignments = await trainingRepository.assignments(
    orgId,
    recentTraining.map((campaign) => campaign.id),
  );
  const factsOf = (campaign: string) =>
    assignments
      .filter((assignment) => assignment.campaign === campaign)
      .map((a) => ({ site: a.site, activities: a.activities, acknowledged: !!a.acknowledgedAt, passed: a.passed, completed: !!a.completedAt }));

  const rated = risks.risks.map((stored) => ({ risk: stored.risk, scores: computeRisk(risks.matrix, stored.risk, risks.familyOf) }));
  const recentExercises = completed.filter((exercise) => exercise.completedAt && exercise.completedAt >= sinceDate);
  const applicable = ISO22301_CLAUSES.filter((clause) => clauses.get(clause.id)?.status !== 'notApplicable');

  return {
    today,
    since,
    bia: {
      lastApproved: lastApproved ? { version: lastApproved.version, approvedAt: lastApproved.approvedAt!.toISOString() } : null,
      openCampaigns: openIds.size,
      overdueTasks: tasks.filter(
        (task) => openIds.has(task.campaign) && (task.status === 'pending' || task.status === 'returned') && dueOf.get(task.campaign)! < today,
      ).length,
      activities: model.activities.length,
      neverAssessed: model.activities.filter((activity) => !assessed.has(activity.id)).map((activity) => ({ id: activity.id, name: activity.name })),
    },
    risks: {
      total: rated.length,
      aboveAppetite: rated
        .filter((item) => item.scores.aboveAppetite)
        .map((item) => ({ id: item.risk.id, title: item.risk.title, band: item.scores.residual.band })),
      aboveAppetiteWithoutTreatment: rated.filter((item) => item.scores.treatmentRequired).length,
    },
    exercises: {
      completedSince: recentExercises.map((exercise) => ({
        id: exercise.id,
        title: exercise.title,
        kind: exercise.kind,
        objectives: exercise.objectives.length,
        objectivesMet: exercise.objectives.filter((objective) => objective.met).length,
        recoveriesOverRto: (exercise.results?.recovery ?? []).filter((line) => line.rtoMet === false).length,
      })),
      completedLastYear: completed.filter((exercise) => exercise.completedAt && exercise.completedAt >= yearAgo).length,
      criticalActivities: coverage.activities.length,
      uncovered: coverage.activities.filter((line) => !line.covered).map((line) => ({ id: line.activity, name: line.name })),
    },
    incidents: incidents.items
      .filter((incident) => incident.declaredAt >= sinceDate || incident.status === 'open')
      .map((incident) => ({
        id: incident.id,
        title: incident.title,
        status: incident.status,
        reviewed: incident.review !== null && incident.review !== undefined,
      })),
    correctiveActions: {
      open: counts.open + counts.inProgress,
      overdue: counts.overdue,
      verifiedSince: verified.items.filter((action) => action.verifiedAt && action.verifiedAt >= sinceDate).length,
      fromPreviousReviews: reviewActions.items
        .filter((action) => action.sourceId !== options.excludeReview)
        .map((action) => ({ id: action.id, title: action.title, status: action.status })),
    },
    training: {
      overall: trainingCompletion(recentTraining.flatMap((campaign) => factsOf(campaign.id))).overall,
      campaigns: recentTraining.map((campaign) => ({ id: campaign.id, title: campaign.title, rate: trainingCompletion(factsOf(campaign.id)).overall.rate })),
    },
    plans: {
      total: plans.length,
      approved: plans.filter((plan) => plan.approvedVersion !== null).length,
      reviewOverdue: plans.filter((plan) => {
        const reviewDate = plan.approval?.content.reviewDate;
        return reviewDate !== undefined && reviewDate < today;
      }).length,
    },
    changes: changes.map((row) => ({ entityType: row.entity_type, count: Number(row.n) })),
    clauses: {
      total: ISO22301_CLAUSES.length,
      applicable: applicable.length,
      implemented: applicable.filter((clause) => clauses.get(clause.id)?.status === 'implemented').length,
      partial: applicable.filter((clause) => clauses.get(clause.id)?.status === 'partial').length,
    },
  };
}
