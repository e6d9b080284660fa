// Exercises (ISO 22301 8.5): what clients send to plan, run and record an exercise of the programme; the views are
// in contract/exercises.ts.
import { z } from 'zod';
import { AlertAudience, AlertChannel } from './alert.js';
import { Id } from './organisation.js';

const Line = z.string().trim().min(1).max(200);
const Text = z.string().trim().min(1).max(4000);
const Instant = z.iso.datetime({ offset: true, message: 'a date and time such as 2026-12-05T08:30:00Z' });

export const EXERCISE_KINDS = ['tabletop', 'walkthrough', 'simulation', 'liveTest'] as const;
export const ExerciseKind = z.enum(EXERCISE_KINDS).meta({
  description: 'tabletop (discussion), walkthrough (steps rehearsed), simulation (the scenario engine), liveTest (an incident declared as an exercise)',
});
export type ExerciseKind = z.infer<typeof ExerciseKind>;
export const EXERCISE_STATUSES = ['planned', 'running', 'completed', 'cancelled'] as const;

export const Participant = z.object({ name: Line, role: Line.optional().meta({ description: 'Player, observer, facilitator, …' }) }).strict();
export const Objective = z.object({ id: Id, text: Text }).strict();
export const Inject = z
  .object({
    id: Id,
    at: z.number().int().min(0).max(10080).meta({ description: 'Minutes after the start' }),
    message: Text,
    to: Line.optional().meta({ description: 'Who receives it (a team, a role)' }),
    audience: AlertAudience.optional().meta({
      description:
        'The players, as an alert names people: sent through the notification channels when the exercise is live (a live test); without it the inject only goes to the crisis log',
    }),
    channels: z.array(AlertChannel).min(1).max(2).optional().meta({ description: 'The channels of an inject with an audience (default e-mail)' }),
  })
  .strict();

const ExerciseFields = {
  title: Line,
  kind: ExerciseKind,
  description: Text.optional(),
  location: Line.optional(),
  scheduledAt: Instant,
  durationMinutes: z.number().int().min(1).max(10080).default(120),
  scenario: Id.optional().meta({ description: 'The scenario played (required for a simulation)' }),
  activities: z.array(Id).max(500).default([]).meta({ description: 'The activities exercised' }),
  participants: z.array(Participant).max(500).default([]),
  objectives: z.array(Objective).max(100).default([]),
  injects: z.array(Inject).max(200).default([]),
};

export const ExerciseCreation = z.object(ExerciseFields).strict();
export type ExerciseCreation = z.output<typeof ExerciseCreation>;

/** A change before the exercise starts (lists replace the previous ones); `status: cancelled` cancels it. */
export const ExerciseChange = z
  .object({
    title: Line.optional(),
    description: Text.nullable().optional(),
    location: Line.nullable().optional(),
    scheduledAt: Instant.optional(),
    durationMinutes: z.number().int().min(1).max(10080).optional(),
    scenario: Id.nullable().optional(),
    activities: z.array(Id).max(500).optional(),
    participants: z.array(Participant).max(500).optional(),
    objectives: z.array(Objective).max(100).optional(),
    injects: z.array(Inject).max(200).optional(),
    status: z.literal('cancelled').optional(),
  })
  .strict();
export type ExerciseChange = z.output<typeof ExerciseChange>;

/** Starting: when it began (default now; earlier when recorded after the fact, never later than now). */
export const ExerciseStart = z.object({ at: Instant.optional() }).strict();

export const ObserverNote = z.object({ text: Text }).strict();

/** Observed times of an activity's recovery in a tabletop or walkthrough (a live test's come from its incident). */
export const ObservedRecovery = z.object({ activity: Id, disruptedAt: Instant, recoveredAt: Instant }).strict();

export const ExerciseCompletion = z
  .object({
    objectives: z
      .array(z.object({ id: Id, met: z.boolean(), note: Text.optional() }).strict())
      .max(100)
      .default([]),
    recovery: z
      .array(ObservedRecovery)
      .max(500)
      .default([])
      .meta({ description: 'Tabletop and walkthrough only: observed times; live tests and simulations measure their own' }),
    summary: Text.optional(),
    lessons: z
      .array(
        z
          .object({
            text: Text,
            action: z
              .object({
                title: Line,
                kind: z.enum(['nonconformity', 'improvement']).default('improvement'),
                owner: Line.optional(),
                due: z.iso.date({ message: 'a date written YYYY-MM-DD' }).optional(),
              })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .max(100)
      .default([]),
  })
  .strict();
export type ExerciseCompletion = z.output<typeof ExerciseCompletion>;

export const ExerciseQuery = z
  .object({
    status: z.enum(EXERCISE_STATUSES).optional(),
    kind: ExerciseKind.optional(),
    from: Instant.optional(),
    to: Instant.optional(),
  })
  .strict();
export type ExerciseQuery = z.output<typeof ExerciseQuery>;

export const CoverageQuery = z
  .object({
    mtpdAtMost: z.coerce
      .number()
      .min(1)
      .max(8760)
      .default(168)
      .meta({ description: 'Critical activities: MTPD of at most this many hours (default one week)' }),
    years: z.coerce.number().int().min(1).max(10).default(3),
  })
  .strict();
