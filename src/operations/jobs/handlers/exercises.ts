// The timed injects of a live exercise: each one's job, queued when the exercise starts, sends it at its time through
// the same path as the manual send (alert to its audience, crisis log). An inject already sent, or an exercise over,
// leaves the job nothing to do; an inject that can no longer be sent (its audience gone from the directory) is
// dead at once, for an administrator to see, since retrying would not change it.
import { ERROR_CATALOG, RempartError } from '../../../errors.js';
import { EXERCISE_INJECT_JOB, sendTimedInject } from '../../exercises.js';
import { PermanentJobError, type JobHandler } from '../handler.js';

interface InjectPayload {
  exercise: string;
  inject: string;
}

export const exerciseInjectJob: JobHandler<InjectPayload> = {
  kind: EXERCISE_INJECT_JOB,
  maxAttempts: 5,
  backoff: { baseMs: 2_000, maxMs: 60_000 },
  async run(job) {
    const { exercise, inject } = job.payload;
    try {
      const outcome = await sendTimedInject(job.db, job.org!, exercise, inject, (write) => job.fenced(write));
      job.log(outcome.sent ? 'timed inject sent' : 'timed inject not sent', { exercise, inject, ...outcome });
    } catch (error) {
      if (error instanceof RempartError && ERROR_CATALOG[error.code].status < 500)
        throw new PermanentJobError(`${error.message} ${JSON.stringify(error.details)}`);
      throw error;
    }
  },
};
