// Background jobs as administrators see them: their status, attempts and last error (the dead letters among them).
import { z } from 'zod';

export const JOB_STATUSES = ['queued', 'running', 'done', 'dead', 'cancelled'] as const;
export const JobStatus = z.enum(JOB_STATUSES).meta({
  id: 'JobStatus',
  description: 'queued (possibly waiting for a retry or its time), running, done, dead (failed its last attempt: a dead letter), cancelled',
});
export type JobStatus = z.infer<typeof JobStatus>;

export const JobView = z
  .object({
    id: z.string(),
    kind: z.string().meta({ description: 'runs.montecarlo, runs.recommendation, …' }),
    status: JobStatus,
    payload: z.unknown().meta({ description: 'What the job works on (a run: {run})' }),
    priority: z.number(),
    runAt: z.string().meta({ description: 'Not before this time (a retry waits its back-off here)' }),
    attempt: z.number().meta({ description: 'Claims so far (a long job is claimed once per turn)' }),
    failures: z.number().meta({ description: 'Failed attempts' }),
    maxAttempts: z.number().meta({ description: 'The job is dead at this many failures' }),
    idempotencyKey: z.string().nullable(),
    lastError: z.object({ message: z.string(), attempt: z.number(), at: z.string() }).nullable().meta({ description: 'The last failed attempt' }),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Job' });
export type JobView = z.infer<typeof JobView>;

export const JobPage = z.object({
  items: z.array(JobView),
  nextCursor: z.string().nullable().meta({ description: 'Pass it back as `cursor` for the next page; null on the last' }),
});
