// Risk appraisal (ISO 22301 8.2.3, ISO 31000): the threat catalogue, the organisation's risk matrix and its risk register.
import { z } from 'zod';
import { Descriptions, Id, Names } from './organisation.js';

const Name = z.string().trim().min(1).max(200);
const Text = z.string().max(4000);
const Person = z.string().trim().min(1).max(200);

export { Descriptions };

/** The families threats are grouped in, for filters and the heat map. */
export const THREAT_FAMILIES = ['health', 'people', 'sites', 'technology', 'third-parties', 'environment', 'society', 'governance'] as const;
export const ThreatFamily = z.enum(THREAT_FAMILIES).meta({ id: 'ThreatFamily', description: 'Group of threats' });
export type ThreatFamily = z.output<typeof ThreatFamily>;

/** A threat: what could happen. Shipped in data/threats.json, or added by an organisation. */
export const Threat = z
  .object({
    id: Id,
    name: Name,
    names: Names.optional(),
    description: Text.optional(),
    descriptions: Descriptions.optional(),
    family: ThreatFamily,
    scenarios: z.array(Id).default([]).meta({ description: 'Ids of library scenarios this threat can be simulated with' }),
  })
  .strict()
  .meta({ id: 'Threat' });
export type Threat = z.output<typeof Threat>;

export const ThreatFamilyInfo = z.object({ id: ThreatFamily, name: Name, names: Names.optional() }).strict().meta({ id: 'ThreatFamilyInfo' });

/** The shipped catalogue file: every family described once, threat ids unique. */
export const ThreatCatalogue = z
  .object({ families: z.array(ThreatFamilyInfo), threats: z.array(Threat) })
  .strict()
  .superRefine((catalogue, ctx) => {
    const seen = new Set<string>();
    catalogue.threats.forEach((threat, index) => {
      if (seen.has(threat.id))
        ctx.addIssue({ code: 'custom', path: ['threats', index, 'id'], message: 'duplicate threat id', input: threat.id, params: { rule: 'unique' } });
      seen.add(threat.id);
    });
    for (const family of THREAT_FAMILIES)
      if (!catalogue.families.some((info) => info.id === family))
        ctx.addIssue({ code: 'custom', path: ['families'], message: `family "${family}" is not described`, input: family, params: { rule: 'required' } });
  });
export type ThreatCatalogue = z.output<typeof ThreatCatalogue>;

// ---------------------------------------------------------------------------------------------------------------------
// The matrix

/** A level is its position on the axis, from 1; at most 6 levels per axis. */
export const Level = z.number().int().min(1).max(6).meta({ description: 'A level of the organisation’s risk matrix, from 1' });

export const MatrixLevel = z
  .object({
    value: Level,
    label: Name,
    names: Names.optional(),
    definition: z.string().max(400).optional().meta({ example: 'once in 10 years' }),
    definitions: z
      .object({ en: z.string().max(400).optional(), fr: z.string().max(400).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .meta({ id: 'MatrixLevel' });

export const RiskBand = z
  .object({
    id: Id,
    label: Name,
    names: Names.optional(),
    colour: z.string().regex(/^#[0-9A-Fa-f]{6}$/, { message: 'a colour such as #c62828' }),
    min: z.number().int().min(1).max(36).meta({ description: 'Lowest score (likelihood × impact) in the band; the band ends where the next begins' }),
  })
  .strict()
  .meta({ id: 'RiskBand' });
export type RiskBand = z.output<typeof RiskBand>;
export type MatrixLevel = z.output<typeof MatrixLevel>;

const matrixFields = {
  likelihood: z.array(MatrixLevel).min(3).max(6),
  impact: z.array(MatrixLevel).min(3).max(6),
  bands: z.array(RiskBand).min(2).max(6).meta({ description: 'Score ranges, lowest first; the first starts at 1' }),
  appetite: Id.meta({ description: 'Id of the highest band the organisation accepts; risks whose residual rating is in a higher band require treatment' }),
};

type MatrixShape = { likelihood: Array<{ value: number }>; impact: Array<{ value: number }>; bands: Array<{ id: string; min: number }>; appetite: string };

function refineMatrix(matrix: MatrixShape, ctx: z.RefinementCtx): void {
  for (const axis of ['likelihood', 'impact'] as const)
    matrix[axis].forEach((level, index) => {
      if (level.value !== index + 1)
        ctx.addIssue({
          code: 'custom',
          path: [axis, index, 'value'],
          message: `levels are numbered 1, 2, 3… in order: expected ${index + 1}`,
          input: level.value,
          params: { rule: 'level_order' },
        });
    });
  const max = matrix.likelihood.length * matrix.impact.length;
  const ids = new Set<string>();
  matrix.bands.forEach((band, index) => {
    if (ids.has(band.id))
      ctx.addIssue({ code: 'custom', path: ['bands', index, 'id'], message: 'duplicate band id', input: band.id, params: { rule: 'unique' } });
    ids.add(band.id);
    if (index === 0 && band.min !== 1)
      ctx.addIssue({ code: 'custom', path: ['bands', 0, 'min'], message: 'the first band starts at score 1', input: band.min, params: { rule: 'band_start' } });
    if (index > 0 && band.min <= matrix.bands[index - 1].min)
      ctx.addIssue({
        code: 'custom',
        path: ['bands', index, 'min'],
        message: 'bands must start at increasing scores',
        input: band.min,
        params: { rule: 'ascending' },
      });
    if (band.min > max)
      ctx.addIssue({
        code: 'custom',
        path: ['bands', index, 'min'],
        message: `no score reaches ${band.min}: the highest is ${max}`,
        input: band.min,
        params: { rule: 'band_unreachable' },
      });
  });
  if (!ids.has(matrix.appetite))
    ctx.addIssue({
      code: 'custom',
      path: ['appetite'],
      message: 'must be the id of one of the bands',
      input: matrix.appetite,
      params: { rule: 'unknown_band' },
    });
}

/**
 * The risk matrix of an organisation: labelled likelihood and impact levels (3 to 6 each), bands over the score
 * `likelihood × impact`, and the appetite. One score per cell keeps bands readable ("critical from 17") and lets a
 * change of the matrix re-band every risk without touching it.
 */
export const RiskMatrix = z.object(matrixFields).strict().superRefine(refineMatrix).meta({ id: 'RiskMatrix' });
export type RiskMatrix = z.output<typeof RiskMatrix>;

const LevelMapping = z
  .record(z.string().regex(/^[1-6]$/, { message: 'an old level, 1 to 6' }), Level)
  .meta({ description: 'Old level → new level; levels left out keep their number when the new matrix has it' });

/** Who did it: free text until accounts exist. */
export const Actor = Person.meta({ description: 'Who made the assessment (free text until accounts exist)' });

/** A new matrix, with how the levels of existing ratings move to it. */
export const RiskMatrixChange = z
  .object({
    ...matrixFields,
    mapping: z.object({ likelihood: LevelMapping.optional(), impact: LevelMapping.optional() }).strict().optional(),
    by: Actor.optional(),
  })
  .strict()
  .superRefine((change, ctx) => {
    refineMatrix(change, ctx);
    for (const axis of ['likelihood', 'impact'] as const)
      for (const [from, to] of Object.entries(change.mapping?.[axis] ?? {}))
        if (to > change[axis].length)
          ctx.addIssue({
            code: 'custom',
            path: ['mapping', axis, from],
            message: `the new matrix has ${change[axis].length} ${axis} levels`,
            input: to,
            params: { rule: 'not_in_matrix' },
          });
  })
  .meta({ id: 'RiskMatrixChange' });
export type RiskMatrixChange = z.output<typeof RiskMatrixChange>;
export type LevelMapping = Partial<Record<'likelihood' | 'impact', Record<string, number>>>;

const level = (value: number, label: string, fr: string, definition: string, definitionFr: string) => ({
  value,
  label,
  names: { en: label, fr },
  definition,
  definitions: { en: definition, fr: definitionFr },
});

/** The 5 × 5 matrix every organisation starts with. */
export const DEFAULT_RISK_MATRIX: RiskMatrix = Object.freeze({
  likelihood: [
    level(1, 'Rare', 'Rare', 'less than once in 50 years', 'moins d’une fois en 50 ans'),
    level(2, 'Unlikely', 'Peu probable', 'once in 10 to 50 years', 'une fois en 10 à 50 ans'),
    level(3, 'Possible', 'Possible', 'once in 3 to 10 years', 'une fois en 3 à 10 ans'),
    level(4, 'Likely', 'Probable', 'once in 1 to 3 years', 'une fois en 1 à 3 ans'),
    level(5, 'Almost certain', 'Quasi certain', 'once a year or more', 'une fois par an ou plus'),
  ],
  impact: [
    level(1, 'Negligible', 'Négligeable', 'no noticeable effect on prioritised activities', 'aucun effet notable sur les activités prioritaires'),
    level(2, 'Minor', 'Mineur', 'disruption well within the RTOs', 'interruption bien en deçà des RTO'),
    level(3, 'Moderate', 'Modéré', 'some activities miss their RTO', 'des activités dépassent leur RTO'),
    level(4, 'Major', 'Majeur', 'some activities exceed their MTPD', 'des activités dépassent leur DMIA'),
    level(
      5,
      'Severe',
      'Critique',
      'many activities exceed their MTPD; the organisation’s survival is at stake',
      'nombreuses activités au-delà de leur DMIA ; la survie de l’organisation est en jeu',
    ),
  ],
  bands: [
    { id: 'low', label: 'Low', names: { en: 'Low', fr: 'Faible' }, colour: '#2e7d32', min: 1 },
    { id: 'medium', label: 'Medium', names: { en: 'Medium', fr: 'Moyen' }, colour: '#f9a825', min: 5 },
    { id: 'high', label: 'High', names: { en: 'High', fr: 'Élevé' }, colour: '#ef6c00', min: 10 },
    { id: 'critical', label: 'Critical', names: { en: 'Critical', fr: 'Critique' }, colour: '#c62828', min: 17 },
  ],
  appetite: 'medium',
}) as RiskMatrix;

// ---------------------------------------------------------------------------------------------------------------------
// The register

export const ASSET_TYPES = ['site', 'activity', 'application', 'supplier', 'pool'] as const;
export const AssetType = z.enum(ASSET_TYPES);
export type AssetType = z.output<typeof AssetType>;

export const AssetRef = z.object({ type: AssetType, id: Id }).strict().meta({ id: 'AssetRef' });
export type AssetRef = z.output<typeof AssetRef>;

export const Rating = z.object({ likelihood: Level, impact: Level }).strict().meta({ id: 'RiskRating' });
export type Rating = z.output<typeof Rating>;

/** A calendar date, `YYYY-MM-DD`. */
export const IsoDate = z.iso.date({ message: 'a date written YYYY-MM-DD' }).meta({ example: '2027-03-31' });

export const TREATMENT_TYPES = ['avoid', 'reduce', 'transfer', 'accept'] as const;
export const TREATMENT_STATUSES = ['planned', 'in-progress', 'done', 'cancelled'] as const;

export const Treatment = z
  .object({
    id: Id,
    type: z.enum(TREATMENT_TYPES),
    description: z.string().trim().min(1).max(4000),
    owner: Person.optional(),
    due: IsoDate.optional(),
    status: z.enum(TREATMENT_STATUSES).default('planned'),
    expectedEffect: z
      .object({ likelihood: Level.optional(), impact: Level.optional() })
      .strict()
      .optional()
      .meta({ description: 'The levels the residual rating should fall to once the treatment is done' }),
  })
  .strict()
  .meta({ id: 'RiskTreatment' });
export type Treatment = z.output<typeof Treatment>;

export const Risk = z
  .object({
    id: Id,
    title: Name,
    names: Names.optional().meta({ description: 'Translated titles' }),
    threat: Id.meta({ description: 'Id of a shipped or organisation threat' }),
    assets: z.array(AssetRef).default([]).meta({ description: 'Affected sites, activities, applications, suppliers or pools of the organisation' }),
    cause: Text.optional(),
    consequence: Text.optional(),
    owner: Person.optional(),
    inherent: Rating.meta({ description: 'Rating before any control' }),
    residual: Rating.meta({ description: 'Rating with the controls in place today' }),
    treatments: z.array(Treatment).default([]),
    reviewDate: IsoDate.optional().meta({ description: 'Date by which the risk must be reviewed again' }),
    scenarios: z.array(Id).default([]).meta({ description: 'Library scenarios that simulate this risk' }),
  })
  .strict()
  .meta({ id: 'Risk' });
export type Risk = z.output<typeof Risk>;
export type RiskInput = z.input<typeof Risk>;

/** What a client sends to create or replace a risk: the risk and who rated it. */
export const RiskWrite = Risk.extend({ by: Actor.optional() }).meta({ id: 'RiskWrite' });

/** The register as shipped with the demo (data/demo/risks.json). */
export const RiskRegisterFile = z.object({ risks: z.array(Risk), threats: z.array(Threat).default([]) }).strict();

export const ASSESSMENT_REASONS = ['created', 'rated', 'imported', 'matrix_changed'] as const;
export type AssessmentReason = (typeof ASSESSMENT_REASONS)[number];
