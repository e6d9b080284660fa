// Every kind of job Rempart runs. A process that runs jobs (`serve`, `rempart worker`) serves all of them.
import { handlerMap, type JobHandler } from '../handler.js';
import { alertSendJob, alertWaveJob, followUpNotesPurgeJob } from './alerts.js';
import { biaCampaignMailJob } from './bia-campaigns.js';
import { exerciseInjectJob } from './exercises.js';
import { monteCarloJob } from './montecarlo.js';
import { planMonteCarloJob, planReviewReminderJob } from './plans.js';
import { endedLinksPurgeJob, liveEventsPurgeJob, unfinishedUploadsPurgeJob } from './purges.js';
import { recommendationJob } from './recommendation.js';
import { reportJob } from './reports.js';
import { surveillancePurgeJob } from './surveillance.js';
import { trainingMailJob } from './training.js';

export const JOB_HANDLERS = handlerMap([
  monteCarloJob,
  recommendationJob,
  liveEventsPurgeJob,
  unfinishedUploadsPurgeJob,
  endedLinksPurgeJob,
  planReviewReminderJob,
  planMonteCarloJob,
  surveillancePurgeJob,
  alertSendJob,
  alertWaveJob,
  followUpNotesPurgeJob,
  trainingMailJob,
  biaCampaignMailJob,
  reportJob,
  exerciseInjectJob,
] as ReadonlyArray<JobHandler<never>>);
