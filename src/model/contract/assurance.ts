// The views of training campaigns (7.2, 7.3), management reviews (9.3), the clause tracker and its gap report, and the
// programme's health.
import { z } from 'zod';
import { AGENDA_KEYS, AUDIENCE_KINDS, CLAUSE_STATUSES, EVIDENCE_TYPES } from '../assurance.js';
import { CorrectiveActionView } from './corrective-actions.js';
import { Abilities, listPageOf } from './common.js';

const Instant = z.iso.datetime({ offset: true });

export const CompletionFigure = z.object({
  total: z.number().int(),
  completed: z.number().int().meta({ description: 'Acknowledged, and passed the quiz when there is one' }),
  acknowledged: z.number().int(),
  failedQuiz: z.number().int().meta({ description: 'Answered the quiz below the pass mark and not passed since' }),
  rate: z.number().nullable().meta({ description: 'completed / total (0 to 1), null when nobody was asked' }),
});
export type CompletionFigure = z.infer<typeof CompletionFigure>;

export const TrainingCompletion = z.object({
  overall: CompletionFigure,
  bySite: z.array(CompletionFigure.extend({ site: z.string().nullable() })),
  byActivity: z.array(CompletionFigure.extend({ activity: z.string().nullable() })),
});
export type TrainingCompletion = z.infer<typeof TrainingCompletion>;

const QuizView = z.object({
  passMark: z.number(),
  questions: z.array(z.object({ question: z.string(), choices: z.array(z.string()), answer: z.number() })),
});

export const TrainingAssignmentView = z.object({
  person: z.string(),
  name: z.string(),
  site: z.string().nullable(),
  activities: z.array(z.string()),
  status: z.enum(['pending', 'failed', 'completed']),
  acknowledgedAt: Instant.nullable(),
  score: z.number().nullable().meta({ description: 'Right answers in percent, at the last attempt' }),
  attempts: z.number().int(),
  completedAt: Instant.nullable(),
  via: z.enum(['link', 'session']).nullable(),
});
export type TrainingAssignmentView = z.infer<typeof TrainingAssignmentView>;

export const TrainingCampaignSummary = z.object({
  id: z.string(),
  title: z.string(),
  audience: z.object({
    kind: z.enum(AUDIENCE_KINDS),
    sites: z.array(z.string()).optional(),
    activities: z.array(z.string()).optional(),
    people: z.array(z.string()).optional(),
  }),
  due: z.string(),
  status: z.enum(['open', 'closed']),
  overdue: z.boolean().meta({ description: 'Past its due date while still open' }),
  createdBy: z.string(),
  createdAt: Instant,
  closedAt: Instant.nullable(),
  completion: CompletionFigure,
});

export const TrainingCampaignView = TrainingCampaignSummary.extend({
  content: z.array(z.object({ title: z.string(), url: z.string() })),
  acknowledgement: z.string(),
  quiz: QuizView.nullable(),
  reminderDays: z.array(z.number()),
  reminders: z.array(z.object({ at: Instant, kind: z.enum(['invitation', 'reminder']), sent: z.number(), withoutEmail: z.number(), mail: z.boolean() })),
  breakdown: TrainingCompletion,
  assignments: z.array(TrainingAssignmentView),
  links: z
    .array(z.object({ person: z.string(), url: z.string() }))
    .optional()
    .meta({ description: 'The personal links, only in the answer to the launch (to hand out when mail is not configured)' }),
  abilities: Abilities.optional(),
}).meta({ id: 'TrainingCampaign' });
export type TrainingCampaignView = z.infer<typeof TrainingCampaignView>;

export const TrainingCampaignList = listPageOf(TrainingCampaignSummary).meta({ id: 'TrainingCampaignList' });

/** What a signed-in member has to do: the open campaigns that ask them (matched to the directory by e-mail). */
export const MyTrainingList = z
  .object({
    items: z.array(
      z.object({
        campaign: z.string(),
        title: z.string(),
        due: z.string(),
        content: z.array(z.object({ title: z.string(), url: z.string() })),
        acknowledgement: z.string(),
        questions: z.array(z.object({ question: z.string(), choices: z.array(z.string()) })),
        passMark: z.number().nullable(),
        status: z.enum(['pending', 'failed', 'completed']),
        score: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'MyTrainingList' });

export const TrainingAnswerResult = z.object({
  status: z.enum(['failed', 'completed']),
  score: z.number().nullable(),
  passMark: z.number().nullable(),
});

// ---------------------------------------------------------------------------------------------------------------------

export const AgendaItem = z.object({
  key: z.enum(AGENDA_KEYS),
  attention: z.boolean().meta({ description: 'Something here needs a decision' }),
  facts: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  entries: z.array(z.object({ id: z.string(), label: z.string(), note: z.string().nullable() })),
});
export type AgendaItem = z.infer<typeof AgendaItem>;
export type AgendaKey = AgendaItem['key'];

export const ManagementReviewSummary = z.object({
  id: z.string(),
  title: z.string(),
  heldOn: z.string(),
  since: z.string().nullable().meta({ description: 'The previous review’s day: results and changes are counted since then' }),
  status: z.enum(['open', 'closed']),
  createdBy: z.string(),
  createdAt: Instant,
  closedAt: Instant.nullable(),
  closedBy: z.string().nullable(),
  signature: z.string().nullable(),
});

export type ManagementReviewSummary = z.infer<typeof ManagementReviewSummary>;

export const ManagementReviewView = ManagementReviewSummary.extend({
  attendees: z.array(z.object({ name: z.string(), role: z.string().optional() })),
  agenda: z.array(AgendaItem.extend({ minutes: z.string().nullable() })),
  decisions: z.array(CorrectiveActionView).meta({ description: 'The corrective actions decided in the review (source `review`)' }),
  abilities: Abilities.optional(),
}).meta({ id: 'ManagementReview' });
export type ManagementReviewView = z.infer<typeof ManagementReviewView>;

export const ManagementReviewList = listPageOf(ManagementReviewSummary).meta({ id: 'ManagementReviewList' });

// ---------------------------------------------------------------------------------------------------------------------

const EvidenceView = z.object({
  type: z.enum([...EVIDENCE_TYPES, 'file']),
  id: z.string().nullable(),
  label: z.string().meta({ description: 'The record’s title or the file’s name' }),
});

export const ClauseView = z.object({
  id: z.string(),
  parent: z.string().nullable(),
  title: z.object({ en: z.string(), fr: z.string() }),
  description: z.object({ en: z.string(), fr: z.string() }),
  status: z.enum(CLAUSE_STATUSES),
  owner: z.string().nullable(),
  notes: z.string().nullable(),
  evidence: z.array(EvidenceView),
  suggested: z.array(EvidenceView).meta({ description: 'Records Rempart holds that could show this clause is met, not linked yet' }),
  updatedBy: z.string().nullable(),
  updatedAt: Instant.nullable(),
});
export type ClauseView = z.infer<typeof ClauseView>;

export const ClauseList = z
  .object({
    items: z.array(ClauseView),
    counts: z.object({ notStarted: z.number(), partial: z.number(), implemented: z.number(), notApplicable: z.number() }),
    abilities: Abilities,
  })
  .meta({ id: 'ClauseList' });

export const ClauseGap = z.object({
  clause: z.string(),
  status: z.enum(CLAUSE_STATUSES),
  reasons: z.array(z.enum(['notStarted', 'partial', 'noEvidence', 'noOwner'])),
});
export type ClauseGap = z.infer<typeof ClauseGap>;

export const GapReport = z
  .object({
    generatedAt: Instant,
    applicable: z.number(),
    implemented: z.number(),
    gaps: z.array(ClauseGap.extend({ title: z.object({ en: z.string(), fr: z.string() }), owner: z.string().nullable() })),
  })
  .meta({ id: 'ClauseGapReport' });

// ---------------------------------------------------------------------------------------------------------------------

export const ProgrammeHealth = z
  .object({
    today: z.string(),
    bia: z.object({
      lastApprovedAt: z.string().nullable(),
      ageDays: z.number().nullable(),
      activities: z.number(),
      neverAssessed: z.number(),
      ok: z.boolean(),
    }),
    plans: z.object({ total: z.number(), approved: z.number(), reviewOverdue: z.number(), ok: z.boolean() }),
    exercises: z.object({ completedLastYear: z.number(), criticalActivities: z.number(), notExercised: z.number(), ok: z.boolean() }),
    training: z.object({ asked: z.number(), completed: z.number(), rate: z.number().nullable(), ok: z.boolean() }),
    correctiveActions: z.object({ open: z.number(), overdue: z.number(), ok: z.boolean() }),
    clauses: z.object({ total: z.number(), applicable: z.number(), implemented: z.number(), ok: z.boolean() }),
  })
  .meta({ id: 'ProgrammeHealth' });
export type ProgrammeHealth = z.infer<typeof ProgrammeHealth>;
