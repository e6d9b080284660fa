// The views of the exercise programme: exercises with their results, the list, and the coverage of critical
// activities with a suggested next programme.
import { z } from 'zod';
import { EXERCISE_KINDS, EXERCISE_STATUSES } from '../exercise.js';
import { Abilities, listPageOf } from './common.js';

const Instant = z.iso.datetime({ offset: true });

export const RecoveryLine = z.object({
  activity: z.string(),
  name: z.string(),
  rto: z.number(),
  recoveryHours: z.number().nullable().meta({ description: 'Measured: from disruption to recovery (null: not recovered)' }),
  rtoMet: z.boolean().nullable(),
  measuredBy: z.enum(['incident', 'simulation', 'observers']),
});

export const ExerciseView = z
  .object({
    id: z.string(),
    title: z.string(),
    kind: z.enum(EXERCISE_KINDS),
    status: z.enum(EXERCISE_STATUSES),
    description: z.string().nullable(),
    location: z.string().nullable(),
    scheduledAt: Instant,
    durationMinutes: z.number(),
    scenario: z.string().nullable(),
    activities: z.array(z.string()),
    participants: z.array(z.object({ name: z.string(), role: z.string().optional() })),
    objectives: z.array(z.object({ id: z.string(), text: z.string(), met: z.boolean().nullable(), note: z.string().nullable() })),
    injects: z.array(
      z.object({
        id: z.string(),
        at: z.number(),
        message: z.string(),
        to: z.string().optional(),
        audience: z.unknown().optional().meta({ description: 'The players (an alert audience), for a live exercise' }),
        channels: z.array(z.enum(['email', 'sms'])).optional(),
        alert: z.string().optional().meta({ description: 'The alert that took the inject to the players' }),
        dueAt: Instant.nullable().meta({ description: 'When it is due, once the exercise started' }),
        sentAt: Instant.nullable(),
      }),
    ),
    notes: z.array(z.object({ at: Instant, author: z.string(), text: z.string() })),
    incident: z.string().nullable().meta({ description: 'A live test’s incident (declared with the exercise flag)' }),
    run: z.string().nullable().meta({ description: 'A simulation’s run' }),
    results: z
      .object({
        summary: z.string().nullable(),
        objectivesMet: z.number(),
        objectivesTotal: z.number(),
        recovery: z.array(RecoveryLine),
        lessons: z.array(z.object({ text: z.string(), correctiveAction: z.string().nullable() })),
      })
      .nullable(),
    createdBy: z.string(),
    createdAt: Instant,
    startedAt: Instant.nullable(),
    completedAt: Instant.nullable(),
    abilities: Abilities.optional(),
  })
  .meta({ id: 'Exercise' });
export type ExerciseView = z.infer<typeof ExerciseView>;

export const ExerciseList = listPageOf(ExerciseView).meta({ id: 'ExerciseList' });

export const ExerciseCoverage = z
  .object({
    since: Instant.meta({ description: 'Exercises completed since then count' }),
    mtpdAtMost: z.number(),
    activities: z.array(
      z.object({
        activity: z.string(),
        name: z.string(),
        mtpd: z.number(),
        rto: z.number(),
        lastExercised: Instant.nullable(),
        lastExercise: z.string().nullable(),
        covered: z.boolean(),
      }),
    ),
    uncovered: z.array(z.string()).meta({ description: 'Critical activities not exercised since `since`, shortest MTPD first' }),
    kindsUsed: z.record(z.string(), z.number()).meta({ description: 'Completed exercises since `since`, per kind' }),
    suggested: z.array(
      z.object({
        kind: z.enum(EXERCISE_KINDS),
        title: z.string(),
        activities: z.array(z.string()),
        month: z.string().meta({ description: 'YYYY-MM' }),
        why: z.string(),
      }),
    ),
  })
  .meta({ id: 'ExerciseCoverage' });
export type ExerciseCoverage = z.infer<typeof ExerciseCoverage>;
