// The views of corrective actions (ISO 22301 10.1): source, root cause, owner, due date, status, evidence,
// verification and the overdue flag.
import { z } from 'zod';
import { ACTION_KINDS, ACTION_SOURCES, ACTION_STATUSES } from '../corrective-action.js';
import { Abilities, listPageOf } from './common.js';

const Instant = z.iso.datetime({ offset: true });

export const CorrectiveActionView = z
  .object({
    id: z.string(),
    kind: z.enum(ACTION_KINDS),
    source: z.object({
      kind: z.enum(ACTION_SOURCES),
      id: z.string().nullable(),
      label: z.string().nullable().meta({ description: 'The incident’s, exercise’s or management review’s title, when the source is one' }),
    }),
    /** The incident it comes from (kept for the incident review's clients; `source` says it all). */
    incident: z.string().nullable(),
    lesson: z.string().nullable().meta({ description: 'The review lesson it was drawn from' }),
    title: z.string(),
    description: z.string().nullable(),
    rootCause: z.string().nullable(),
    owner: z.string().nullable(),
    due: z.string().nullable(),
    status: z.enum(ACTION_STATUSES),
    overdue: z.boolean().meta({ description: 'Due before today and not done yet' }),
    evidence: z.string().nullable(),
    doneAt: Instant.nullable(),
    verification: z
      .object({ by: z.string(), at: Instant, effective: z.boolean(), note: z.string().nullable() })
      .nullable()
      .meta({ description: 'The latest verification (by someone other than the owner)' }),
    createdAt: Instant,
    createdBy: z.string(),
    updatedAt: Instant,
    abilities: Abilities.optional(),
  })
  .meta({ id: 'CorrectiveAction' });
export type CorrectiveActionView = z.infer<typeof CorrectiveActionView>;

export const CorrectiveActionList = listPageOf(CorrectiveActionView).extend({
  today: z.string().meta({ description: 'The day the overdue flags were computed for (UTC)' }),
  counts: z.object({ open: z.number(), inProgress: z.number(), done: z.number(), verified: z.number(), cancelled: z.number(), overdue: z.number() }),
});
export type CorrectiveActionList = z.infer<typeof CorrectiveActionList>;
