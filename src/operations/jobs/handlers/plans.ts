// Jobs of the plans: the reminder of a plan's review date, and the Monte Carlo pass of a plan's validation.
import { publishLiveEvent } from '../../../store/live-events.js';
import { PlanRepository } from '../../../store/plan-repository.js';
import { recordAudit } from '../../audit.js';
import { PLAN_MONTE_CARLO_JOB, validatePlanMonteCarlo } from '../../plan-validation.js';
import { PLAN_REVIEW_JOB } from '../../plans.js';
import type { JobHandler } from '../handler.js';

interface ReviewPayload {
  plan: string;
  version: number;
  reviewDate: string;
}

/**
 * Tells the organisation's live clients that a plan's review is due, and records it. A reminder for a version that
 * is no longer the approved one, or for a review date that changed, has nothing left to say.
 */
export const planReviewReminderJob: JobHandler<ReviewPayload> = {
  kind: PLAN_REVIEW_JOB,
  maxAttempts: 5,
  async run(job) {
    const org = job.org!;
    const plan = await new PlanRepository(job.db).get(org, job.payload.plan);
    if (!plan || plan.approvedVersion !== job.payload.version || plan.approval?.content.reviewDate !== job.payload.reviewDate) return;
    await job.fenced(async (trx) => {
      await new PlanRepository(trx).markReminded(org, job.payload.plan, new Date());
      await recordAudit(trx, { org, action: 'review_reminder', entityType: 'plan', entityId: job.payload.plan, after: job.payload });
      await publishLiveEvent(trx, { org, topic: 'plans', type: 'review-due', data: job.payload });
    });
  },
};

interface MonteCarloPayload {
  plan: string;
  version: number;
  runs: number;
  seed: number;
}

export const planMonteCarloJob: JobHandler<MonteCarloPayload> = {
  kind: PLAN_MONTE_CARLO_JOB,
  maxAttempts: 2,
  perOrganisation: 1,
  async run(job) {
    const { plan, version, runs, seed } = job.payload;
    // On the pool of worker threads, as the other Monte Carlo jobs: the runner's thread keeps claiming and heart-beating.
    const validation = await validatePlanMonteCarlo(job.db, job.org!, plan, version, runs, seed, { workers: job.workers, signal: job.signal });
    await job.fenced((trx) =>
      publishLiveEvent(trx, { org: job.org!, topic: `plan:${plan}`, type: 'validated', data: { version, protects: validation.protects, runs } }),
    );
  },
};
