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
    downtimeCostPerHour: NonNegative.optional().meta({
      description:
        'What an hour of disruption costs, in the organisation’s currency: reported beside the recommendation’s costs (expected yearly cost of downtime), never used to choose strategies',
    }),
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

export const ImpactCategory = z
  .object({
    id: Id,
    name: Name,
    names: Names.optional(),
    money: z.boolean().optional().meta({ description: 'Impacts of this category are losses in the organisation’s currency: its criteria may give thresholds' }),
  })
  .strict();
export const ImpactLevel = z
  .object({
    value: z.number().int().min(0).max(10),
    label: Name,
    names: Names.optional(),
    description: Text.optional(),
  })
  .strict();

/**
 * What a level means for a category ("financial: 4 — Major = loss above 1,000,000"), so that two owners rating the same
 * loss give it the same level. The threshold is the level's lower bound, in the organisation's currency.
 */
export const ImpactCriterion = z
  .object({
    category: Id,
    level: z.number().int().min(0).max(10),
    description: Text.optional(),
    descriptions: Descriptions.optional(),
    threshold: NonNegative.optional().meta({ description: 'Money categories: the level starts at a loss above this amount, in the organisation’s currency' }),
  })
  .strict()
  .meta({ id: 'ImpactCriterion' });

const BiaSettingsFields = z
  .object({
    categories: z.array(ImpactCategory).min(1).max(20),
    scale: z.array(ImpactLevel).min(2).max(10),
    intolerable: z.number().int().meta({ description: 'First rating that the organisation cannot tolerate' }),
    timePoints: z.array(Duration).min(1).max(20).meta({ description: 'Times after the start of a disruption' }),
    criteria: z.array(ImpactCriterion).max(200).optional().meta({ description: 'What each level means per category, with money thresholds' }),
  })
  .strict();

/** How an organisation rates impact over time; configurable, defaults below. */
export const BiaSettings = BiaSettingsFields.superRefine((bia, ctx) => {
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
  criteriaIssues(bia).forEach((issue) => ctx.addIssue({ code: 'custom', ...issue }));
}).meta({ id: 'BiaSettings' });

/**
 * Criteria must name a category and a level of the settings, once each; thresholds only for money categories, and
 * rising with the level within a category (a higher level is a bigger loss).
 */
function criteriaIssues(bia: z.output<typeof BiaSettingsFields>) {
  const issues: Array<{ path: PropertyKey[]; message: string; input: unknown; params: { rule: string } }> = [];
  const categories = new Map(bia.categories.map((category) => [category.id, category]));
  const levels = new Set(bia.scale.map((level) => level.value));
  const seen = new Set<string>();
  const thresholds = new Map<string, Array<{ level: number; threshold: number; index: number }>>();
  (bia.criteria ?? []).forEach((criterion, index) => {
    const category = categories.get(criterion.category);
    if (!category)
      issues.push({
        path: ['criteria', index, 'category'],
        message: `no impact category "${criterion.category}"`,
        input: criterion.category,
        params: { rule: 'unknown_reference' },
      });
    if (!levels.has(criterion.level))
      issues.push({ path: ['criteria', index, 'level'], message: 'must be one of the scale values', input: criterion.level, params: { rule: 'not_in_scale' } });
    const key = `${criterion.category}\u0000${criterion.level}`;
    if (seen.has(key))
      issues.push({
        path: ['criteria', index, 'level'],
        message: `a second criterion for ${criterion.category} at level ${criterion.level}`,
        input: criterion.level,
        params: { rule: 'unique' },
      });
    seen.add(key);
    if (criterion.threshold === undefined || !category) return;
    if (!category.money) {
      issues.push({
        path: ['criteria', index, 'threshold'],
        message: `only a category measured in money has thresholds: ${category.id} is not`,
        input: criterion.threshold,
        params: { rule: 'money_category' },
      });
      return;
    }
    const list = thresholds.get(category.id) ?? [];
    list.push({ level: criterion.level, threshold: criterion.threshold, index });
    thresholds.set(category.id, list);
  });
  for (const list of thresholds.values()) {
    list.sort((a, b) => a.level - b.level);
    list.forEach((item, i) => {
      if (i > 0 && item.threshold <= list[i - 1].threshold)
        issues.push({
          path: ['criteria', item.index, 'threshold'],
          message: `thresholds must increase with the level: level ${item.level} starts at or below level ${list[i - 1].level} (${list[i - 1].threshold})`,
          input: item.threshold,
          params: { rule: 'ascending' },
        });
    });
  }
  return issues;
}

export const DEFAULT_BIA: z.output<typeof BiaSettings> = Object.freeze({
  categories: [
    { id: 'financial', name: 'Financial', names: { en: 'Financial', fr: 'Financier' }, money: true },
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
  criteria: defaultCriteria(),
}) as z.output<typeof BiaSettings>;

/**
 * The default meaning of each level, per category, in English and French; financial levels start at round amounts of
 * the organisation's currency, ten times the level below (an organisation sets its own on the BIA settings page).
 */
function defaultCriteria(): Array<z.output<typeof ImpactCriterion>> {
  const texts: Record<string, Array<[en: string, fr: string]>> = {
    financial: [
      ['Loss of revenue or extra cost absorbed by the budget', 'Perte de revenus ou surcoût absorbés par le budget'],
      ['Loss within the budget margin of the department', 'Perte dans la marge budgétaire du service'],
      ['Loss that needs a decision of the management', 'Perte qui demande une décision de la direction'],
      ['Loss that affects the results of the year', "Perte qui affecte le résultat de l'année"],
      ['Loss that threatens the solvency of the organisation', "Perte qui menace la solvabilité de l'organisation"],
    ],
    operational: [
      ['Slight slowdown absorbed by the team', "Léger ralentissement absorbé par l'équipe"],
      ['Backlog cleared within a week', 'Retard résorbé en moins d’une semaine'],
      [
        'Backlog that holds up other teams; overtime or temporary staff needed',
        "Retard qui bloque d'autres équipes ; heures supplémentaires ou renforts nécessaires",
      ],
      ['Key services stopped for part of the customers', 'Services clés arrêtés pour une partie des clients'],
      ['Activity stopped; recovery takes months', 'Activité arrêtée ; la reprise prend des mois'],
    ],
    legal: [
      ['No breach of a law, regulation or contract', 'Aucun manquement à une loi, un règlement ou un contrat'],
      ['Minor breach, corrected without notification', 'Manquement mineur, corrigé sans notification'],
      ['Breach reported to a regulator, or a contractual penalty', 'Manquement déclaré au régulateur, ou pénalité contractuelle'],
      ['Regulatory sanction, fine or litigation', 'Sanction réglementaire, amende ou contentieux'],
      ['Licence withdrawn or criminal liability', "Retrait d'agrément ou responsabilité pénale"],
    ],
    reputational: [
      ['Noticed inside the organisation only', "Remarqué à l'intérieur de l'organisation seulement"],
      ['Complaints from a few customers or partners', 'Plaintes de quelques clients ou partenaires'],
      ['Coverage in the local or trade press', 'Articles dans la presse locale ou spécialisée'],
      ['National press or a campaign on social media', 'Presse nationale ou campagne sur les réseaux sociaux'],
      ['Lasting loss of trust of customers, investors or authorities', 'Perte durable de confiance des clients, investisseurs ou autorités'],
    ],
    customer: [
      ['No customer notices', "Aucun client ne s'en aperçoit"],
      ['Some customers wait longer than promised', 'Quelques clients attendent plus longtemps que promis'],
      ['Many customers cannot be served on time', 'De nombreux clients ne peuvent pas être servis à temps'],
      ['Customers harmed, or customers leaving', 'Clients lésés, ou départs de clients'],
      ['Vulnerable customers left without an essential service', "Clients vulnérables privés d'un service essentiel"],
    ],
    'health-safety': [
      ['No effect on people', 'Aucun effet sur les personnes'],
      ['Discomfort or stress, no injury', 'Gêne ou stress, sans blessure'],
      ['Minor injury, first aid', 'Blessure légère, premiers soins'],
      ['Serious injury needing treatment', 'Blessure grave nécessitant des soins'],
      ['Death or permanent disability', 'Décès ou invalidité permanente'],
    ],
  };
  const thresholds = [0, 10_000, 100_000, 1_000_000, 10_000_000];
  return Object.entries(texts).flatMap(([category, levels]) =>
    levels.map(([en, fr], index) => ({
      category,
      level: index + 1,
      description: en,
      descriptions: { en, fr },
      ...(category === 'financial' ? { threshold: thresholds[index] } : {}),
    })),
  );
}

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
