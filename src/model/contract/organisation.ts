// What the organisation and model routes answer: organisations, the model's items (activities with their computed
// BIA figures), pages of them, BIA findings and import summaries.
import { z } from 'zod';
import { Role } from '../account.js';
import { BiaSettings, Currency, ENTITY_SCHEMAS, Id, Names, type Collection, type EntityOf } from '../organisation.js';
import { Abilities, listPageOf, type Page } from './common.js';

/** An organisation with its BIA settings, the caller's role in it and what they may do to it. */
export const OrganisationView = z
  .object({
    id: Id,
    name: z.string(),
    names: Names.optional(),
    description: z.string().optional(),
    currency: Currency,
    bia: BiaSettings,
    modelVersion: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    role: Role.optional().meta({ description: 'The caller’s role in the organisation' }),
    abilities: Abilities,
  })
  .meta({ id: 'Organisation' });
export type OrganisationView = z.infer<typeof OrganisationView>;

export const OrganisationList = z.object({ items: z.array(OrganisationView) });
export type OrganisationList = z.infer<typeof OrganisationList>;

/** What the server computes next to an activity's BIA. */
export const ActivityComputed = z
  .object({
    suggestedMtpd: z.number().nullable().meta({ description: 'The first BIA time point at which an impact reaches the intolerable level' }),
    mtpdDifference: z.number().nullable().meta({ description: 'Chosen MTPD minus suggested, in hours (null when there is no suggestion)' }),
    assessment: z.enum(['none', 'partial', 'complete']),
  })
  .meta({ id: 'ActivityComputed' });
export type ActivityComputed = z.infer<typeof ActivityComputed>;

/** An activity as the API presents it: stored, with its computed BIA figures and the caller's abilities. */
export const ActivityView = ENTITY_SCHEMAS.activities.extend({ computed: ActivityComputed, abilities: Abilities }).meta({ id: 'ActivityView' });
export type ActivityView = z.infer<typeof ActivityView>;

function itemView<C extends Collection>(collection: C) {
  return collection === 'activities' ? ActivityView : ENTITY_SCHEMAS[collection].extend({ abilities: Abilities });
}

/** Each collection's item as the API presents it. */
export const ENTITY_VIEWS = {
  sites: itemView('sites'),
  pools: itemView('pools'),
  applications: itemView('applications'),
  suppliers: itemView('suppliers'),
  activities: ActivityView,
  strategies: itemView('strategies'),
} as const satisfies Record<Collection, z.ZodType>;

/** An item of a collection as the API presents it. */
export type EntityView<C extends Collection> = C extends 'activities' ? ActivityView : EntityOf<C> & { abilities: Abilities };

/** A page of a collection, with what the caller may do on the list. */
export const entityPage = <C extends Collection>(collection: C) => listPageOf(ENTITY_VIEWS[collection]);
export type EntityPage<C extends Collection> = Page<EntityView<C>> & { abilities: Abilities };

export const FINDING_RULES = [
  'rto_above_mtpd',
  'recovery_gap',
  'upstream_rto',
  'dependency_cycle',
  'no_impact_assessment',
  'incomplete_impact_assessment',
  'mtpd_differs_from_suggested',
] as const;

/** One finding of the BIA (engine/bia.ts computes them). */
export const Finding = z
  .object({
    rule: z.enum(FINDING_RULES),
    severity: z
      .enum(['error', 'warning', 'info'])
      .meta({ description: 'error: the plan cannot hold; warning: the BIA is incomplete; info: a deliberate choice to review' }),
    activity: z.string().meta({ description: 'The activity the finding is about' }),
    related: z.array(z.object({ type: z.enum(['activity', 'application']), id: z.string() })).meta({ description: 'Other entities involved' }),
    values: z
      .record(z.string(), z.union([z.number(), z.string(), z.null()]))
      .meta({ description: 'The figures behind the finding, in hours, so clients can word it in their language' }),
    message: z.string(),
  })
  .meta({ id: 'Finding' });
export type Finding = z.infer<typeof Finding>;
export type FindingRule = Finding['rule'];

export const FindingsResponse = z.object({ modelVersion: z.number(), counts: z.record(z.string(), z.number()), items: z.array(Finding) });
export type FindingsResponse = z.infer<typeof FindingsResponse>;

/** What importing a whole model answers. */
export const ModelImportSummary = z.object({
  organisation: z.string(),
  created: z.boolean(),
  counts: z.record(z.string(), z.number()),
  modelVersion: z.number(),
});
export type ModelImportSummary = z.infer<typeof ModelImportSummary>;

/** What importing the BIA spreadsheet answers. */
export const ActivitySheetSummary = z.object({ created: z.number(), updated: z.number(), modelVersion: z.number() });
