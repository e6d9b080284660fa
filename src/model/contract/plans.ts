// What the plan routes answer: a plan at its latest version with its workflow state, its versions, the diff between
// two versions, shipped templates and the validation of a plan by simulation.
import { z } from 'zod';
import { Descriptions, Names } from '../organisation.js';
import { PlanContent, PlanStatus, PlanTemplate } from '../plan.js';
import { Abilities, listPageOf } from './common.js';

const Instant = z.string().meta({ description: 'ISO 8601 date and time, UTC' });

/** Who did something: the person's e-mail address (or the token's label), as the audit trail names them. */
const Who = z.string();

export const PlanApproval = z.object({ by: Who, byId: z.string().nullable(), at: Instant, version: z.number().int() });

/** Per activity in scope, in one scenario: does it stay within its MTPD, and does it recover within its RTO? */
export const PlanValidationActivity = z.object({
  activity: z.string(),
  name: z.string(),
  names: Names.optional(),
  mtpd: z.number(),
  rto: z.number(),
  longestDisruption: z.number().meta({ description: 'Hours of its longest disruption in the scenario, with the plan’s strategies' }),
  firstDisrupted: z.number().nullable(),
  withinMtpd: z.boolean(),
  rtoMet: z.boolean(),
  /** Monte Carlo, when run: the probability of meeting its RTO over the uncertain scenario. */
  rtoProbability: z.number().nullable(),
  mtpdProbability: z.number().nullable().meta({ description: 'Monte Carlo: the probability of staying within its MTPD' }),
});

export const PlanValidationScenario = z.object({
  scenario: z.string(),
  name: z.string(),
  names: Names.optional(),
  activations: z.array(z.object({ strategy: z.string(), at: z.number(), step: z.string() })),
  activities: z.array(PlanValidationActivity),
  breached: z.number().int().meta({ description: 'Activities in scope breaching their MTPD' }),
  runs: z.number().int().nullable().meta({ description: 'Monte Carlo runs behind the probabilities (null: one simulation)' }),
});

export const PlanValidation = z
  .object({
    plan: z.string(),
    version: z.number().int(),
    modelVersion: z.number().int(),
    ranAt: Instant,
    protects: z.boolean().meta({ description: 'Every activity in scope stays within its MTPD in every scenario' }),
    scenarios: z.array(PlanValidationScenario),
    /** One line per finding, in English and French: "This plan does not protect Payroll in Pandemic lockdown". */
    findings: z.array(z.object({ activity: z.string(), scenario: z.string(), text: z.string(), texts: Descriptions })),
  })
  .meta({ id: 'PlanValidation' });
export type PlanValidation = z.infer<typeof PlanValidation>;

export const PlanView = PlanContent.extend({
  id: z.string(),
  version: z.number().int().meta({ description: 'The latest version (the one shown)' }),
  status: PlanStatus.meta({ description: 'The status of the latest version' }),
  approvedVersion: z.number().int().nullable().meta({ description: 'The version an incident activates; null when none is approved' }),
  author: Who.meta({ description: 'Who wrote the latest version' }),
  createdAt: Instant,
  updatedAt: Instant,
  submittedBy: Who.nullable(),
  approval: PlanApproval.nullable(),
  reviewDue: z.boolean().meta({ description: 'The review date has passed' }),
  validation: PlanValidation.nullable().meta({ description: 'The last validation of the latest version' }),
  abilities: Abilities.optional(),
}).meta({ id: 'PlanView' });
export type PlanView = z.infer<typeof PlanView>;

export const PlanList = listPageOf(PlanView).meta({ id: 'PlanList' });

export const PlanVersionView = z
  .object({
    plan: z.string(),
    version: z.number().int(),
    status: PlanStatus,
    content: PlanContent,
    author: Who,
    createdAt: Instant,
    updatedAt: Instant,
    submittedBy: Who.nullable(),
    submittedAt: Instant.nullable(),
    approvedBy: Who.nullable(),
    approvedAt: Instant.nullable(),
    archivedAt: Instant.nullable(),
    comment: z.string().nullable().meta({ description: 'The reviewer’s comment when the version was sent back' }),
  })
  .meta({ id: 'PlanVersion' });
export type PlanVersionView = z.infer<typeof PlanVersionView>;

export const PlanVersionList = z.object({ plan: z.string(), items: z.array(PlanVersionView.omit({ content: true })) });

export const PlanDiff = z
  .object({
    plan: z.string(),
    from: z.number().int(),
    to: z.number().int(),
    changes: z.array(
      z.object({
        path: z.string().meta({ description: 'steps[pandemic-vpn].at, teams[crisis].deputies[1], title…' }),
        change: z.enum(['added', 'removed', 'changed']),
        before: z.unknown().optional(),
        after: z.unknown().optional(),
      }),
    ),
  })
  .meta({ id: 'PlanDiff' });
export type PlanDiff = z.infer<typeof PlanDiff>;

export const PlanTemplateList = z.object({ items: z.array(PlanTemplate) });
