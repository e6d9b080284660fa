// Training and awareness (ISO 22301 7.2, 7.3), the management review (9.3) and the clause tracker: what clients
// send, and the programme's state the review's agenda and the health figures are drawn from. The views are in
// contract/assurance.ts.
import { z } from 'zod';
import type { AgendaItem, ClauseGap, CompletionFigure, ProgrammeHealth, TrainingCompletion } from './contract/assurance.js';
import { Id } from './organisation.js';

export type { AgendaItem, ClauseGap, CompletionFigure, ProgrammeHealth, TrainingCompletion };

const Line = z.string().trim().min(1).max(200);
const Text = z.string().trim().min(1).max(4000);
const Day = z.iso.date({ message: 'a date written YYYY-MM-DD' });

// ---------------------------------------------------------------------------------------------------------------------
// Training and awareness

/**
 * Who a campaign asks, from the people directory: everyone, the crisis team (people whose e-mail address is a member's
 * with the crisis-team role), the activity owners (people named as an activity's owner) or listed people; optionally
 * only those of some sites or activities.
 */
export const AUDIENCE_KINDS = ['allStaff', 'crisisTeam', 'activityOwners', 'people'] as const;
export type AudienceKind = (typeof AUDIENCE_KINDS)[number];

export const TrainingAudience = z
  .object({
    kind: z.enum(AUDIENCE_KINDS),
    sites: z.array(Id).min(1).max(200).optional().meta({ description: 'Only people of these sites' }),
    activities: z.array(Id).min(1).max(1000).optional().meta({ description: 'Only people working for these activities' }),
    people: z.array(Id).min(1).max(10_000).optional().meta({ description: 'The people asked (kind `people`)' }),
  })
  .strict();
export type TrainingAudience = z.output<typeof TrainingAudience>;

export const ContentLink = z
  .object({
    title: Line,
    url: z.url({ protocol: /^https?$/, message: 'an http(s) address' }).max(2000),
  })
  .strict();

export const Quiz = z
  .object({
    passMark: z.number().int().min(1).max(100).default(80).meta({ description: 'Share of right answers to pass, in percent' }),
    questions: z
      .array(
        z
          .object({
            question: Line,
            choices: z.array(Line).min(2).max(6),
            answer: z.number().int().min(0).max(5).meta({ description: 'Index of the right choice (never shown to those answering)' }),
          })
          .strict()
          .refine((question) => question.answer < question.choices.length, {
            message: 'the index of one of the choices',
            path: ['answer'],
            params: { rule: 'choice_index' },
          }),
      )
      .min(1)
      .max(10),
  })
  .strict();
export type Quiz = z.output<typeof Quiz>;

export const TrainingLaunch = z
  .object({
    title: Line,
    audience: TrainingAudience,
    content: z.array(ContentLink).max(20).default([]).meta({ description: 'What to read or watch first' }),
    acknowledgement: Text.meta({ description: 'The statement each person confirms (“I have read the crisis plan and know my role”)' }),
    quiz: Quiz.optional(),
    due: Day,
    reminderDays: z
      .array(z.number().int().min(0).max(90))
      .max(5)
      .default([3])
      .meta({ description: 'Days before the due date when those not done get a reminder (0: on the day)' }),
  })
  .strict();
export type TrainingLaunch = z.output<typeof TrainingLaunch>;

/** An answer: the acknowledgement, and the index of the chosen choice per question when the campaign has a quiz. */
export const TrainingAnswer = z
  .object({
    acknowledge: z.literal(true, { message: 'tick the acknowledgement' }),
    answers: z.array(z.number().int().min(0).max(5)).max(10).optional(),
  })
  .strict();
export type TrainingAnswer = z.output<typeof TrainingAnswer>;

// ---------------------------------------------------------------------------------------------------------------------
// Management review

/** The inputs of the review, in the agenda's order. */
export const AGENDA_KEYS = [
  'previousActions',
  'bia',
  'risks',
  'exercises',
  'incidents',
  'correctiveActions',
  'training',
  'plans',
  'changes',
  'clauses',
] as const;
export type AgendaKey = (typeof AGENDA_KEYS)[number];

/** The agenda items' titles in both languages (the report pack prints them). */
export const AGENDA_TITLES: Record<AgendaKey, { en: string; fr: string }> = {
  previousActions: { en: 'Actions from previous reviews', fr: 'Actions des revues précédentes' },
  bia: { en: 'Business impact analysis', fr: 'Bilan d’impact sur l’activité' },
  risks: { en: 'Risks above appetite', fr: 'Risques au-delà de l’appétence' },
  exercises: { en: 'Exercise results and coverage', fr: 'Résultats et couverture des exercices' },
  incidents: { en: 'Incidents and their reviews', fr: 'Incidents et leurs retours d’expérience' },
  correctiveActions: { en: 'Corrective actions', fr: 'Actions correctives' },
  training: { en: 'Training and awareness', fr: 'Formation et sensibilisation' },
  plans: { en: 'Continuity plans', fr: 'Plans de continuité' },
  changes: { en: 'Changes since the last review', fr: 'Changements depuis la dernière revue' },
  clauses: { en: 'ISO 22301 clauses', fr: 'Exigences ISO 22301' },
};

const Attendee = z.object({ name: Line, role: Line.optional() }).strict();

export const ReviewCreation = z
  .object({
    title: Line,
    heldOn: Day.meta({ description: 'The day the review is held' }),
    attendees: z.array(Attendee).max(50).default([]),
  })
  .strict();
export type ReviewCreation = z.output<typeof ReviewCreation>;

export const ReviewChange = z
  .object({
    title: Line.optional(),
    heldOn: Day.optional(),
    attendees: z.array(Attendee).max(50).optional(),
    minutes: z
      .partialRecord(z.enum(AGENDA_KEYS), z.string().trim().max(8000).nullable())
      .optional()
      .meta({ description: 'Minutes per agenda item (null or empty: removed); items not named are kept' }),
  })
  .strict();
export type ReviewChange = z.output<typeof ReviewChange>;

export const ReviewDecision = z
  .object({
    title: Line.meta({ description: 'What was decided: it becomes a corrective action sourced to the review' }),
    kind: z.enum(['nonconformity', 'improvement']).default('improvement'),
    agendaItem: z.enum(AGENDA_KEYS).optional(),
    description: Text.optional(),
    owner: Line.optional(),
    due: Day.optional(),
  })
  .strict();
export type ReviewDecision = z.output<typeof ReviewDecision>;

export const ReviewClosure = z.object({ signature: Line.meta({ description: 'The name of who signs the minutes (top management)' }) }).strict();

// ---------------------------------------------------------------------------------------------------------------------
// Clause tracker

export const CLAUSE_STATUSES = ['notStarted', 'partial', 'implemented', 'notApplicable'] as const;
export type ClauseStatus = (typeof CLAUSE_STATUSES)[number];

/** The Rempart records a clause's evidence may point to; `file` is an uploaded file of the blob store. */
export const EVIDENCE_TYPES = ['biaCampaign', 'riskRegister', 'plan', 'exercise', 'trainingCampaign', 'managementReview', 'correctiveAction'] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

export const EvidenceLink = z
  .object({
    type: z.enum([...EVIDENCE_TYPES, 'file']),
    id: z.string().trim().min(1).max(200).optional().meta({ description: 'The record’s id (every type but riskRegister)' }),
  })
  .strict();
export type EvidenceLink = z.output<typeof EvidenceLink>;

export const ClauseChange = z
  .object({
    status: z.enum(CLAUSE_STATUSES),
    owner: Line.nullable().optional(),
    notes: Text.nullable().optional(),
    evidence: z.array(EvidenceLink).max(50).default([]),
  })
  .strict();
export type ClauseChange = z.output<typeof ClauseChange>;

// ---------------------------------------------------------------------------------------------------------------------
// The programme's state

/** What the agenda and the health figures are drawn from, gathered at one moment. */
export interface ProgrammeState {
  today: string;
  /** The previous review's day (changes and results since then), or null for the first review. */
  since: string | null;
  bia: {
    lastApproved: { version: number; approvedAt: string } | null;
    openCampaigns: number;
    overdueTasks: number;
    activities: number;
    neverAssessed: Array<{ id: string; name: string }>;
  };
  risks: { total: number; aboveAppetite: Array<{ id: string; title: string; band: string }>; aboveAppetiteWithoutTreatment: number };
  exercises: {
    completedSince: Array<{ id: string; title: string; kind: string; objectives: number; objectivesMet: number; recoveriesOverRto: number }>;
    completedLastYear: number;
    criticalActivities: number;
    uncovered: Array<{ id: string; name: string }>;
  };
  incidents: Array<{ id: string; title: string; status: 'open' | 'closed'; reviewed: boolean }>;
  correctiveActions: {
    open: number;
    overdue: number;
    verifiedSince: number;
    fromPreviousReviews: Array<{ id: string; title: string; status: string }>;
  };
  training: { overall: CompletionFigure; campaigns: Array<{ id: string; title: string; rate: number | null }> };
  plans: { total: number; approved: number; reviewOverdue: number };
  changes: Array<{ entityType: string; count: number }>;
  clauses: { total: number; applicable: number; implemented: number; partial: number };
}
