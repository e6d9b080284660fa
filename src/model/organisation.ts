// The organisation model (scenario-model.md §2) plus the business impact analysis of ISO 22317.
// These schemas are the types, the API validators, the OpenAPI document and the import validators.
import { z } from 'zod';
import { Duration } from './duration.js';
import { RULE_MESSAGES } from './problem.js';

/** Ids are chosen by users ("claims-handling") and unique within their organisation. */
export const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, {
    message: 'letters, digits, ".", "_" or "-", starting with a letter or digit, at most 80 characters',
  })
  .meta({ description: 'Identifier chosen by the user, unique within the organisation', example: 'claims-handling' });

/** Display names in other languages; `name` stays the reference name. */
export const Names = z
  .object({ en: z.string().min(1).max(200).optional(), fr: z.string().min(1).max(200).optional() })
  .strict()
  .meta({ description: 'Translated names, shown in the matching interface language' });

const Name = z.string().trim().min(1).max(200);
const Text = z.string().max(4000);

/** Prose in other languages; `description` stays the reference text (threats, the model's items). */
export const Descriptions = z
  .object({ en: Text.optional(), fr: Text.optional() })
  .strict()
  .meta({ description: 'Translated descriptions, shown in the matching interface language' });
/** A share of 0 to 1 (the API and files take numbers; spreadsheets also take percentages). */
export const Fraction = z.number().min(0, { error: RULE_MESSAGES.share }).max(1, { error: RULE_MESSAGES.share });
const NonNegative = z.number().nonnegative();

export const Site = z
  .object({
    id: Id,
    name: Name,
    names: Names.optional(),
    seats: z.number().int().nonnegative().optional(),
    description: Text.optional(),
    descriptions: Descriptions.optional(),
  })
  .strict()
  .meta({ id: 'Site' });

export const Pool = z
  .object({
    id: Id,
    name: Name.optional(),
    names: Names.optional(),
    kind: z.string().trim().min(1).max(40).meta({ description: 'vpn, vdi, laptops or other text' }),
    capacity: NonNegative.meta({ description: 'Concurrent remote users' }),
    description: Text.optional(),
    descriptions: Descriptions.optional(),
  })
  .strict()
  .meta({ id: 'Pool' });

export const Application = z
  .object({
    id: Id,
    name: Name,
    names: Names.optional(),
    rto: Duration.meta({ description: 'Hours the IT recovery takes after an outage starts' }),
    rpo: Duration.optional(),
    owner: z.string().max(200).optional(),
    description: Text.optional(),
    descriptions: Descriptions.optional(),
  })
  .strict()
  .meta({ id: 'Application' });

export const Supplier = z
  .object({
    id: Id,
    name: Name,
    names: Names.optional(),
    description: Text.optional(),
    descriptions: Descriptions.optional(),
    contact: z.string().max(400).optional(),
  })
  .strict()
  .meta({ id: 'Supplier' });

export const StaffEntry = z
  .object({
    site: Id,
    headcount: NonNegative,
    remote: Fraction.meta({ description: 'Share of these people who can do the work from home' }),
    access: z.array(Id).default([]).meta({ description: 'Pools they can use to work remotely, tried in this order' }),
  })
  .strict()
  .meta({ id: 'StaffEntry' });

/** Ratings per impact category, one per time point of the organisation's BIA settings (null: not rated). */
export const Impacts = z
  .record(Id, z.array(z.number().int().min(0).max(10).nullable()))
  .meta({ description: 'Per impact category, the rating at each BIA time point (null when not rated)' });

export const Activity = z
  .object({
    id: Id,
    name: Name,
    names: Names.optional(),
    description: Text.optional(),
    descriptions: Descriptions.optional(),
    owner: z.string().max(200).optional().meta({ description: 'Person accountable for the activity' }),
    ownerTitles: Names.optional().meta({
      description: 'The owner’s job title in other languages, shown instead of the title written in `owner` ("Name, title")',
    }),
    products: z.array(z.string().trim().min(1).max(200)).default([]).meta({ description: 'Products or services it supports' }),
    productNames: z
      .object({
        en: z.array(z.string().trim().min(1).max(200)).optional(),
        fr: z.array(z.string().trim().min(1).max(200)).optional(),
      })
      .strict()
      .optional()
      .meta({ description: 'Products or services in other languages, shown instead of `products` in the matching interface language' }),
    mtpd: Duration.meta({ description: 'Maximum tolerable period of disruption (hours)' }),
    rto: Duration.meta({ description: 'Recovery time objective (hours)' }),
    rpo: Duration.optional().meta({ description: 'Recovery point objective: data it cannot lose (hours)' }),
    mbco: Fraction.meta({ description: 'Minimum business continuity objective: share of normal output acceptable' }),
    staff: z.array(StaffEntry).default([]),
    applications: z.array(Id).default([]),
    suppliers: z.array(Id).default([]),
    dependsOn: z.array(Id).default([]),
    impacts: Impacts.default({}),
  })
  .strict()
  .meta({ id: 'Activity' });

export const StrategyEffect = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('poolCapacity'), pool: Id, amount: NonNegative }).strict(),
    z.object({ type: z.literal('alternateSite'), seats: NonNegative, sites: z.array(Id).optional() }).strict(),
    z.object({ type: z.literal('workaround'), application: Id, factor: Fraction }).strict(),
    z.object({ type: z.literal('alternateSupplier'), supplier: Id }).strict(),
  ])
  .meta({ id: 'StrategyEffect' });

export const Strategy = z
  .object({
    id: Id,
    name: Name,
    names: Names.optional(),
    description: Text.optional(),
    descriptions: Descriptions.optional(),
    leadTime: Duration.meta({ description: 'Hours from activation to effect' }),
    cost: z
      .object({
        fixed: NonNegative.meta({ description: 'Yearly standby cost' }),
        perDay: NonNegative.meta({ description: 'Cost of each day in effect' }),
      })
      .strict(),
    effect: StrategyEffect,
  })
  .strict()
  .meta({ id: 'Strategy' });

export const ImpactCategory = z.object({ id: Id, name: Name, names: Names.optional() }).strict();
export const ImpactLevel = z
  .object({
    value: z.number().int().min(0).max(10),
    label: Name,
    names: Names.optional(),
    description: Text.optional(),
  })
  .strict();

/** How an organisation rates impact over time; configurable, defaults below. */
export const BiaSettings = z
  .object({
    categories: z.array(ImpactCategory).min(1).max(20),
    scale: z.array(ImpactLevel).min(2).max(10),
    intolerable: z.number().int().meta({ description: 'First rating that the organisation cannot tolerate' }),
    timePoints: z.array(Duration).min(1).max(20).meta({ description: 'Times after the start of a disruption' }),
  })
  .strict()
  .superRefine((bia, ctx) => {
    const values = bia.scale.map((level) => level.value);
    values.forEach((value, index) => {
      if (index > 0 && value <= values[index - 1])
        ctx.addIssue({ code: 'custom', path: ['scale', index, 'value'], message: 'scale values must increase', input: value, params: { rule: 'ascending' } });
    });
    if (!values.includes(bia.intolerable))
      ctx.addIssue({ code: 'custom', path: ['intolerable'], message: 'must be one of the scale values', input: bia.intolerable, params: { rule: 'in_scale' } });
    bia.timePoints.forEach((hours, index) => {
      if (index > 0 && hours <= bia.timePoints[index - 1])
        ctx.addIssue({ code: 'custom', path: ['timePoints', index], message: 'time points must increase', input: hours, params: { rule: 'ascending' } });
    });
    const seen = new Set<string>();
    bia.categories.forEach((category, index) => {
      if (seen.has(category.id))
        ctx.addIssue({ code: 'custom', path: ['categories', index, 'id'], message: 'duplicate category id', input: category.id, params: { rule: 'unique' } });
      seen.add(category.id);
    });
  })
  .meta({ id: 'BiaSettings' });

export const DEFAULT_BIA: z.output<typeof BiaSettings> = Object.freeze({
  categories: [
    { id: 'financial', name: 'Financial', names: { en: 'Financial', fr: 'Financier' } },
    { id: 'operational', name: 'Operational', names: { en: 'Operational', fr: 'Opérationnel' } },
    { id: 'legal', name: 'Legal and regulatory', names: { en: 'Legal and regulatory', fr: 'Juridique et réglementaire' } },
    { id: 'reputational', name: 'Reputational', names: { en: 'Reputational', fr: 'Image et réputation' } },
    { id: 'customer', name: 'Customer', names: { en: 'Customer', fr: 'Clients' } },
    { id: 'health-safety', name: 'Health and safety', names: { en: 'Health and safety', fr: 'Santé et sécurité' } },
  ],
  scale: [
    { value: 1, label: 'Negligible', names: { en: 'Negligible', fr: 'Négligeable' } },
    { value: 2, label: 'Minor', names: { en: 'Minor', fr: 'Mineur' } },
    { value: 3, label: 'Moderate', names: { en: 'Moderate', fr: 'Modéré' } },
    { value: 4, label: 'Major', names: { en: 'Major', fr: 'Majeur' } },
    { value: 5, label: 'Severe', names: { en: 'Severe', fr: 'Critique' } },
  ],
  intolerable: 4,
  timePoints: [1, 4, 24, 72, 168, 336, 720],
}) as z.output<typeof BiaSettings>;

// Intl knows the ISO 4217 codes in use; a code it does not know could not be shown with its amounts.
const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** The currency of an organisation's amounts (strategy costs, budgets): an ISO 4217 code. */
export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: 'an ISO 4217 currency code in capitals, such as EUR, GBP or USD' })
  .refine((code) => KNOWN_CURRENCIES.has(code), { message: 'an ISO 4217 currency code in capitals, such as EUR, GBP or USD', params: { rule: 'currency' } })
  .meta({ description: 'ISO 4217 code of every amount of the organisation (strategy costs, budgets); EUR when not given', example: 'EUR' });

export const OrganisationInfo = z
  .object({
    id: Id.optional(),
    name: Name,
    names: Names.optional(),
    description: Text.optional(),
    currency: Currency.optional(),
  })
  .strict();

/** The interchange document: import, export and the engine's input. */
export const OrganisationModel = z
  .object({
    organisation: OrganisationInfo.optional(),
    bia: BiaSettings.optional(),
    sites: z.array(Site).default([]),
    pools: z.array(Pool).default([]),
    applications: z.array(Application).default([]),
    suppliers: z.array(Supplier).default([]),
    activities: z.array(Activity).default([]),
    strategies: z.array(Strategy).default([]),
  })
  .strict()
  .meta({ id: 'OrganisationModel' });

export type Site = z.output<typeof Site>;
export type Pool = z.output<typeof Pool>;
export type Application = z.output<typeof Application>;
export type Supplier = z.output<typeof Supplier>;
export type StaffEntry = z.output<typeof StaffEntry>;
export type Activity = z.output<typeof Activity>;
export type Strategy = z.output<typeof Strategy>;
export type StrategyEffect = z.output<typeof StrategyEffect>;
export type BiaSettings = z.output<typeof BiaSettings>;
export type OrganisationModel = z.output<typeof OrganisationModel>;
export type OrganisationModelInput = z.input<typeof OrganisationModel>;

/** The entity collections of a model, in the order they are imported (referenced before referencing). */
export const COLLECTIONS = ['sites', 'pools', 'applications', 'suppliers', 'activities', 'strategies'] as const;
export type Collection = (typeof COLLECTIONS)[number];
export const ENTITY_SCHEMAS = {
  sites: Site,
  pools: Pool,
  applications: Application,
  suppliers: Supplier,
  activities: Activity,
  strategies: Strategy,
} as const;
export type EntityOf<C extends Collection> = z.output<(typeof ENTITY_SCHEMAS)[C]>;
