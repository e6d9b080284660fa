// Business continuity plans (ISO 22301 8.4.4): what a plan says, as written by the continuity manager. Free text has a
// reference wording and, beside it, its French and English wordings (`title` and `titles`, as `name` and `names`).
import { z } from 'zod';
import { Duration } from './duration.js';
import { Descriptions, Id, Names } from './organisation.js';
import { ROLES } from './roles.js';

const Line = z.string().trim().min(1).max(200);
const Text = z.string().max(4000);
const PersonName = z.string().trim().min(1).max(200).meta({ description: 'A person: their name, e-mail address, or "Name <e-mail>"' });

/** The phases of a plan, in the order they run. */
export const PLAN_PHASES = ['alert', 'activation', 'continuity', 'recovery', 'returnToNormal'] as const;
export const PlanPhase = z.enum(PLAN_PHASES).meta({ description: 'alert, activation, continuity, recovery, return to normal' });
export type PlanPhase = z.infer<typeof PlanPhase>;

/** The workflow of a plan version: written, reviewed, approved by someone other than its author, archived. */
export const PLAN_STATUSES = ['draft', 'inReview', 'approved', 'archived'] as const;
export const PlanStatus = z.enum(PLAN_STATUSES);
export type PlanStatus = z.infer<typeof PlanStatus>;

export const ChecklistItem = z.object({ text: Line, texts: Names.optional() }).strict();

export const PlanTeam = z
  .object({
    id: Id,
    name: Line,
    names: Names.optional(),
    lead: PersonName,
    deputies: z.array(PersonName).max(20).default([]).meta({ description: 'Who stands in for the lead, in order' }),
    members: z.array(PersonName).max(200).default([]),
  })
  .strict();

export const PlanStep = z
  .object({
    id: Id,
    phase: PlanPhase,
    at: Duration.meta({ description: 'When, in hours after the plan’s activation' }),
    team: Id.optional().meta({ description: 'The team that carries the step out (one of the plan’s teams)' }),
    owner: PersonName.optional().meta({ description: 'Who does it; by default the lead of the step’s team' }),
    action: Line.meta({ description: 'What to do' }),
    actions: Names.optional(),
    details: Text.optional(),
    detailsTexts: Descriptions.optional(),
    where: z.string().trim().max(200).optional(),
    checklist: z.array(ChecklistItem).max(50).default([]),
    strategy: Id.optional().meta({ description: 'The strategy of the model this step switches on (it takes effect after its lead time)' }),
  })
  .strict();

export const PlanContact = z
  .object({
    name: Line,
    role: z.string().trim().max(200).optional(),
    roles: Names.optional(),
    organisation: z.string().trim().max(200).optional(),
    phone: z
      .string()
      .trim()
      .max(40)
      .regex(/^[+0-9 ().-]{3,40}$/, { message: 'digits, spaces, "+", "(", ")", ".", "-"' })
      .optional(),
    email: z.email().max(254).optional(),
  })
  .strict();

export const PlanAttachment = z
  .object({ file: z.uuid().meta({ description: 'A stored file of the organisation (/api/orgs/{org}/files)' }), name: Line.optional() })
  .strict();

/** Who may activate the plan: members with one of these roles, or these people; nobody named means the crisis team and editors. */
export const PlanActivators = z
  .object({ roles: z.array(z.enum(ROLES)).max(ROLES.length).default([]), people: z.array(PersonName).max(50).default([]) })
  .strict();

/** The content of a plan version, as written (PUT and POST take it; versions keep it). */
export const PlanContent = z
  .object({
    title: Line,
    titles: Names.optional(),
    purpose: Text.optional(),
    purposes: Descriptions.optional(),
    activationCriteria: Text.optional(),
    activationCriteriaTexts: Descriptions.optional(),
    scope: z
      .object({ activities: z.array(Id).max(500).default([]), sites: z.array(Id).max(100).default([]) })
      .strict()
      .default({ activities: [], sites: [] }),
    activators: PlanActivators.default({ roles: [], people: [] }),
    teams: z.array(PlanTeam).max(30).default([]),
    steps: z.array(PlanStep).max(200).default([]),
    contacts: z.array(PlanContact).max(200).default([]),
    attachments: z.array(PlanAttachment).max(50).default([]),
    scenarios: z.array(Id).max(20).default([]).meta({ description: 'The scenarios the plan is validated against (by simulation)' }),
    reviewDate: z.iso.date({ message: 'a date written YYYY-MM-DD' }).optional().meta({ description: 'Review the plan by this date (reminders come before)' }),
    template: Id.optional().meta({ description: 'The shipped template the plan was made from' }),
  })
  .strict();
export type PlanContent = z.output<typeof PlanContent>;
export type PlanContentInput = z.input<typeof PlanContent>;

/** A new plan: its id (chosen, unique in the organisation) and its content. */
export const PlanCreate = PlanContent.extend({ id: Id }).strict();
export type PlanCreate = z.output<typeof PlanCreate>;

/** A shipped template (data/plans): a plan's content with an id and a short description. */
export const PlanTemplate = PlanContent.extend({ id: Id, description: Text.optional(), descriptions: Descriptions.optional() }).strict();
export type PlanTemplate = z.output<typeof PlanTemplate>;
