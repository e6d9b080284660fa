// The one migration set, in order; the runner refuses a database whose history is not a prefix of it.
import type { Migration } from 'kysely';
import * as organisationModel from './2026-11-29T0900-organisation-model.js';
import * as scenarios from './2026-11-29T1200-scenarios.js';
import * as riskRegister from './2026-11-29T1300-risk-register.js';
import * as accounts from './2026-11-29T1400-accounts.js';
import * as invitations from './2026-12-04T1100-invitations.js';
import * as auditKeyed from './2026-12-04T1200-audit-keyed.js';
import * as liveEvents from './2026-12-04T1500-live-events.js';
import * as jobFencing from './2026-12-04T1550-job-fencing.js';
import * as blobs from './2026-12-04T1600-blobs.js';
import * as runEvents from './2026-12-04T1700-run-events.js';
import * as jobs from './2026-12-04T1800-jobs.js';
import * as callers from './2026-12-04T1900-callers.js';
import * as organisationCurrency from './2026-12-05T0310-organisation-currency.js';
import * as plansIncidents from './2026-12-05T0410-plans-incidents.js';
import * as people from './2026-12-05T0510-people.js';
import * as conversations from './2026-12-05T0620-conversations.js';
import * as alerts from './2026-12-06T0200-alerts.js';
import * as knowledgeBase from './2026-12-06T0300-knowledge-base.js';
import * as correctiveActions from './2026-12-06T0510-corrective-actions.js';
import * as exercises from './2026-12-06T0520-exercises.js';
import * as biaCampaigns from './2026-12-06T0530-bia-campaigns.js';
import * as trainingReviewsClauses from './2026-12-07T0200-training-reviews-clauses.js';
import * as singleSignOn from './2026-12-07T0400-single-sign-on.js';
import * as assistant from './2026-12-07T0500-assistant.js';
import * as reports from './2026-12-07T0555-reports.js';
import * as biaCampaignMail from './2026-12-07T0700-bia-campaign-mail.js';
import * as widgetKeyBranding from './2026-12-08T0100-widget-key-branding.js';

export const MIGRATIONS: Record<string, Migration> = {
  '2026-11-29T0900-organisation-model': organisationModel,
  '2026-11-29T1200-scenarios': scenarios,
  '2026-11-29T1300-risk-register': riskRegister,
  '2026-11-29T1400-accounts': accounts,
  '2026-12-04T1100-invitations': invitations,
  '2026-12-04T1200-audit-keyed': auditKeyed,
  '2026-12-04T1500-live-events': liveEvents,
  '2026-12-04T1550-job-fencing': jobFencing,
  '2026-12-04T1600-blobs': blobs,
  '2026-12-04T1700-run-events': runEvents,
  '2026-12-04T1800-jobs': jobs,
  '2026-12-04T1900-callers': callers,
  '2026-12-05T0310-organisation-currency': organisationCurrency,
  '2026-12-05T0410-plans-incidents': plansIncidents,
  '2026-12-05T0510-people': people,
  '2026-12-05T0620-conversations': conversations,
  '2026-12-06T0200-alerts': alerts,
  '2026-12-06T0300-knowledge-base': knowledgeBase,
  '2026-12-06T0510-corrective-actions': correctiveActions,
  '2026-12-06T0520-exercises': exercises,
  '2026-12-06T0530-bia-campaigns': biaCampaigns,
  '2026-12-07T0200-training-reviews-clauses': trainingReviewsClauses,
  '2026-12-07T0400-single-sign-on': singleSignOn,
  '2026-12-07T0500-assistant': assistant,
  '2026-12-07T0555-reports': reports,
  '2026-12-07T0700-bia-campaign-mail': biaCampaignMail,
  '2026-12-08T0100-widget-key-branding': widgetKeyBranding,
};
