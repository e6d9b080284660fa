// Incidents (ISO 22301 8.4.3): declared, run with activated plans, recorded in an append-only crisis log, closed with a
// review whose lessons become corrective actions. What clients send; the views are in contract/incidents.ts.
import { z } from 'zod';
import { Id } from './organisation.js';

const Line = z.string().trim().min(1).max(200);
const Text = z.string().trim().min(1).max(4000);
const Instant = z.iso.datetime({ offset: true, message: 'a date and time such as 2026-12-05T08:30:00Z' });

export const SEVERITIES = ['minor', 'major', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

export const ACTIVITY_STATUSES = ['operating', 'degraded', 'stopped'] as const;
export const ActivityStatus = z.enum(ACTIVITY_STATUSES).meta({ description: 'operating; degraded (below its minimum); stopped' });
export type ActivityStatus = z.infer<typeof ActivityStatus>;

/** What a crisis log entry records; `task` and `status` entries are written by Rempart as things change. */
export const LOG_KINDS = ['situation', 'decision', 'message', 'task', 'status', 'activation', 'declaration', 'closure', 'update'] as const;
export const LogKind = z.enum(LOG_KINDS);
export type LogKind = z.infer<typeof LogKind>;
/** The kinds people write themselves. */
export const WrittenLogKind = z.enum(['situation', 'decision', 'message']);

const Ids = (max: number) => z.array(Id).max(max).default([]);

/** A declaration. */
export const IncidentDeclaration = z
  .object({
    title: Line,
    severity: Severity,
    type: Id.optional().meta({ description: 'The threat of the catalogue (GET /api/orgs/{org}/threats) this incident is' }),
    description: Text.optional(),
    start: Instant.optional().meta({ description: 'When the disruption began (default: now)' }),
    sites: Ids(100).meta({ description: 'Sites unavailable' }),
    activities: Ids(500).meta({ description: 'Activities affected: they appear on the situation board' }),
    applications: Ids(500).meta({ description: 'Applications down' }),
    suppliers: Ids(500).meta({ description: 'Suppliers failing' }),
    exercise: z.boolean().default(false).meta({ description: 'An exercise: runs through the same pipeline, clearly marked' }),
  })
  .strict();
export type IncidentDeclaration = z.output<typeof IncidentDeclaration>;

/** A change of what is known: every field optional; lists replace the previous ones. */
export const IncidentChange = z
  .object({
    title: Line.optional(),
    severity: Severity.optional(),
    type: Id.nullable().optional(),
    description: Text.nullable().optional(),
    sites: z.array(Id).max(100).optional(),
    activities: z.array(Id).max(500).optional(),
    applications: z.array(Id).max(500).optional(),
    suppliers: z.array(Id).max(500).optional(),
  })
  .strict();
export type IncidentChange = z.output<typeof IncidentChange>;

export const PlanActivationRequest = z
  .object({ plan: Id, at: Instant.optional().meta({ description: 'When the plan was activated (default: now); due times count from it' }) })
  .strict();

export const TaskChange = z
  .object({ status: z.enum(['open', 'done']), note: z.string().trim().max(1000).optional() })
  .strict()
  .meta({ description: 'Tick a task (done) or reopen it' });

export const LogEntryWrite = z
  .object({
    kind: WrittenLogKind,
    text: Text,
    decidedBy: Line.optional().meta({ description: 'Decisions: who decided (default: the author)' }),
    corrects: z.number().int().min(1).optional().meta({ description: 'The number of the entry this one corrects (nothing is edited)' }),
  })
  .strict();

export const ActivityStatusChange = z
  .object({
    status: ActivityStatus,
    since: Instant.optional().meta({ description: 'Since when (default: now)' }),
    note: z.string().trim().max(1000).optional(),
  })
  .strict();

export const Lesson = z
  .object({
    text: Text,
    action: z
      .object({
        title: Line,
        owner: Line.optional(),
        due: z.iso.date({ message: 'a date written YYYY-MM-DD' }).optional(),
      })
      .strict()
      .optional()
      .meta({ description: 'The corrective action this lesson calls for' }),
  })
  .strict();

export const IncidentClosure = z
  .object({
    at: Instant.optional().meta({ description: 'When the incident ended (default: now)' }),
    summary: Text.optional(),
    lessons: z.array(Lesson).max(100).default([]),
  })
  .strict();
export type IncidentClosure = z.output<typeof IncidentClosure>;
