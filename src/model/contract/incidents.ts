// What the incident routes answer: incidents, their tasks, the crisis log, the situation board with its MTPD
// countdowns, the projection "if this lasts", the post-incident review and corrective actions.
import { z } from 'zod';
import { CorrectiveActionView } from './corrective-actions.js';
import { ActivityStatus, LogKind, Severity } from '../incident.js';
import { Names } from '../organisation.js';
import { ChecklistItem, PlanPhase } from '../plan.js';
import { Abilities, listPageOf } from './common.js';

const Instant = z.string().meta({ description: 'ISO 8601 date and time, UTC' });

export const IncidentPlan = z.object({
  plan: z.string(),
  version: z.number().int(),
  title: z.string(),
  titles: Names.optional(),
  activatedAt: Instant,
  activatedBy: z.string(),
});

export const IncidentView = z
  .object({
    id: z.string(),
    title: z.string(),
    severity: Severity,
    type: z.string().nullable(),
    description: z.string().nullable(),
    status: z.enum(['open', 'closed']),
    exercise: z.boolean().meta({ description: 'An exercise, not a real incident: shown as such everywhere' }),
    start: Instant,
    declaredAt: Instant,
    declaredBy: z.string(),
    closedAt: Instant.nullable(),
    sites: z.array(z.string()),
    activities: z.array(z.string()),
    applications: z.array(z.string()),
    suppliers: z.array(z.string()),
    plans: z.array(IncidentPlan),
    tasks: z.object({ total: z.number().int(), done: z.number().int(), overdue: z.number().int() }),
    abilities: Abilities.optional(),
  })
  .meta({ id: 'Incident' });
export type IncidentView = z.infer<typeof IncidentView>;

export const IncidentList = listPageOf(IncidentView).meta({ id: 'IncidentList' });

export const TaskView = z
  .object({
    id: z.string(),
    plan: z.string(),
    planVersion: z.number().int(),
    step: z.string(),
    phase: PlanPhase,
    title: z.string(),
    titles: Names.optional(),
    details: z.string().nullable(),
    owner: z.string().nullable(),
    team: z.string().nullable(),
    where: z.string().nullable(),
    checklist: z.array(ChecklistItem),
    strategy: z.string().nullable(),
    dueAt: Instant,
    status: z.enum(['open', 'done']),
    doneAt: Instant.nullable(),
    doneBy: z.string().nullable(),
    overdue: z.boolean().meta({ description: 'Open and past its due time' }),
  })
  .meta({ id: 'IncidentTask' });
export type TaskView = z.infer<typeof TaskView>;

export const TaskList = z.object({ incident: z.string(), now: Instant, items: z.array(TaskView) });
export type TaskList = z.infer<typeof TaskList>;

export const LogEntryView = z
  .object({
    seq: z.number().int().meta({ description: 'The entry’s number in the incident’s log, from 1' }),
    at: Instant,
    kind: LogKind,
    text: z.string(),
    author: z.string(),
    decidedBy: z.string().nullable(),
    corrects: z.number().int().nullable(),
    correctedBy: z.array(z.number().int()).meta({ description: 'Later entries that correct this one' }),
    data: z.unknown().optional(),
  })
  .meta({ id: 'CrisisLogEntry' });
export type LogEntryView = z.infer<typeof LogEntryView>;

export const CrisisLog = z.object({ incident: z.string(), exercise: z.boolean(), items: z.array(LogEntryView) });
export type CrisisLog = z.infer<typeof CrisisLog>;

export const BoardActivity = z.object({
  activity: z.string(),
  name: z.string(),
  names: Names.optional(),
  owner: z.string().nullable(),
  status: ActivityStatus,
  since: Instant,
  mtpd: z.number(),
  rto: z.number(),
  disruptedSince: Instant.nullable().meta({ description: 'Start of the current disruption (degraded or stopped); null when operating' }),
  deadline: Instant.nullable().meta({ description: 'When the MTPD runs out if the disruption goes on' }),
  hoursLeft: z.number().nullable().meta({ description: 'Hours left before the MTPD (negative: past it); null when operating' }),
  breached: z.boolean(),
  abilities: Abilities.optional(),
});

export const SituationBoard = z
  .object({ incident: z.string(), exercise: z.boolean(), now: Instant, activities: z.array(BoardActivity) })
  .meta({ id: 'SituationBoard' });
export type SituationBoard = z.infer<typeof SituationBoard>;

export const Projection = z
  .object({
    incident: z.string(),
    now: Instant,
    horizonHours: z.number(),
    disruptions: z.array(z.object({ type: z.string(), id: z.string(), from: Instant })),
    strategies: z.array(z.object({ strategy: z.string(), at: Instant, plan: z.string() })),
    breached: z.number().int(),
    activities: z.array(
      z.object({
        activity: z.string(),
        name: z.string(),
        names: Names.optional(),
        mtpd: z.number(),
        breaches: z.boolean(),
        breachAt: Instant.nullable().meta({ description: 'When its MTPD runs out, if this lasts' }),
        firstDisrupted: Instant.nullable(),
        recoveredAt: Instant.nullable(),
        longestDisruption: z.number(),
      }),
    ),
  })
  .meta({ id: 'IncidentProjection' });
export type Projection = z.infer<typeof Projection>;

// Corrective actions grew into their own record (contract/corrective-actions.ts); the review lists them.
export { CorrectiveActionList, CorrectiveActionView } from './corrective-actions.js';

export const IncidentReview = z
  .object({
    incident: z.string(),
    exercise: z.boolean(),
    start: Instant,
    closedAt: Instant,
    summary: z.string().nullable(),
    timeline: z.array(LogEntryView),
    recovery: z.array(
      z.object({
        activity: z.string(),
        name: z.string(),
        rto: z.number(),
        disruptedAt: Instant.nullable(),
        recoveredAt: Instant.nullable(),
        recoveryHours: z.number().nullable().meta({ description: 'Measured: from its first disruption to its return to operating' }),
        rtoMet: z.boolean().nullable(),
      }),
    ),
    lessons: z.array(z.object({ text: z.string(), correctiveAction: z.string().nullable() })),
    correctiveActions: z.array(CorrectiveActionView),
  })
  .meta({ id: 'IncidentReview' });
export type IncidentReview = z.infer<typeof IncidentReview>;
