// Corrective actions (ISO 22301 10.1): nonconformities and improvement opportunities from exercises, incidents,
// audits and reviews, followed up to a verification of their effectiveness. What clients send; the views are in
// contract/corrective-actions.ts.
import { z } from 'zod';

const Line = z.string().trim().min(1).max(200);
const Text = z.string().trim().min(1).max(4000);
const Day = z.iso.date({ message: 'a date written YYYY-MM-DD' });

export const ACTION_KINDS = ['nonconformity', 'improvement'] as const;
export const ActionKind = z.enum(ACTION_KINDS).meta({ description: 'nonconformity (a requirement not met) or improvement (an opportunity)' });

export const ACTION_SOURCES = ['incident', 'exercise', 'audit', 'review', 'other'] as const;
export const ActionSourceKind = z.enum(ACTION_SOURCES);
export type ActionSourceKind = z.infer<typeof ActionSourceKind>;

/** Every status; `verified` is reached only through a verification (POST …/verify), never set directly. */
export const ACTION_STATUSES = ['open', 'inProgress', 'done', 'verified', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
/** The statuses a change may set. */
export const SettableStatus = z
  .enum(['open', 'inProgress', 'done', 'cancelled'])
  .meta({ description: 'open → inProgress → done; `verified` comes only from POST …/verify by someone other than the owner' });

/** Where the action comes from: an incident or exercise (by id), an audit or a review (its reference), or other. */
export const ActionSource = z
  .object({
    kind: ActionSourceKind,
    id: z.string().trim().min(1).max(200).optional().meta({ description: 'The incident or exercise id (UUID); the audit’s or review’s reference' }),
  })
  .strict();

export const CorrectiveActionCreation = z
  .object({
    kind: ActionKind.default('nonconformity'),
    source: ActionSource,
    title: Line,
    description: Text.optional(),
    rootCause: Text.optional(),
    owner: Line.optional().meta({ description: 'Who carries it out: a member’s name or e-mail address (they may then update it)' }),
    due: Day.optional(),
  })
  .strict();
export type CorrectiveActionCreation = z.output<typeof CorrectiveActionCreation>;

export const CorrectiveActionChange = z
  .object({
    kind: ActionKind.optional(),
    title: Line.optional(),
    description: Text.nullable().optional(),
    rootCause: Text.nullable().optional(),
    owner: Line.nullable().optional(),
    due: Day.nullable().optional(),
    status: SettableStatus.optional(),
    evidence: Text.nullable().optional().meta({ description: 'Evidence of effectiveness: what shows the cause is removed (needed before verification)' }),
  })
  .strict();
export type CorrectiveActionChange = z.output<typeof CorrectiveActionChange>;

export const CorrectiveActionVerification = z
  .object({
    effective: z.boolean().meta({ description: 'true: verified; false: not effective, the action goes back to inProgress' }),
    note: Text.optional(),
  })
  .strict();
export type CorrectiveActionVerification = z.output<typeof CorrectiveActionVerification>;

/** The filters of the list. */
export const CorrectiveActionQuery = z
  .object({
    status: z.enum(ACTION_STATUSES).optional(),
    kind: ActionKind.optional(),
    source: ActionSourceKind.optional(),
    sourceId: z.string().trim().min(1).max(200).optional(),
    incident: z.uuid({ message: 'an incident id (UUID)' }).optional().meta({ description: 'Same as source=incident&sourceId=…' }),
    owner: z.string().trim().min(1).max(200).optional().meta({ description: 'Owner contains this text (case-insensitive)' }),
    overdue: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .optional(),
    q: z.string().trim().min(1).max(200).optional().meta({ description: 'Title, description or root cause contains this text' }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z
      .string()
      .max(20)
      .regex(/^\d{1,9}$/, { message: 'nextCursor of the previous page' })
      .optional(),
  })
  .strict();
export type CorrectiveActionQuery = z.output<typeof CorrectiveActionQuery>;
