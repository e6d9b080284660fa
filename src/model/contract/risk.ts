// What the risk routes answer: a risk with its computed ratings, threats with their source, the heat map, the
// attention lists and the history. The engine's scoring types are these (engine/risk.ts imports them).
import { z } from 'zod';
import { ASSESSMENT_REASONS, Risk, RiskMatrix, Threat, ThreatFamily, ThreatFamilyInfo, Treatment } from '../risk.js';
import { Abilities } from './common.js';

/** A rating with its score (likelihood × impact) and the id of the band the score falls in. */
export const RatedLevel = z.object({ likelihood: z.number(), impact: z.number(), score: z.number(), band: z.string() }).meta({ id: 'RatedLevel' });
export type RatedLevel = z.infer<typeof RatedLevel>;

/** What the engine computes next to a stored risk (`computeRisk`). */
export const RiskScores = z.object({
  family: ThreatFamily.nullable(),
  inherent: RatedLevel,
  residual: RatedLevel,
  target: RatedLevel.meta({ description: 'Residual rating once planned and in-progress treatments have their expected effect' }),
  aboveAppetite: z.boolean(),
  treatmentRequired: z.boolean().meta({ description: 'Above appetite and no planned, in-progress or accepted treatment' }),
});
export type RiskScores = z.infer<typeof RiskScores>;

/** What the server shows next to a stored risk: the scores and its last assessment. */
export const RiskComputed = RiskScores.extend({ assessedAt: z.string().nullable(), assessedBy: z.string().nullable() }).meta({ id: 'RiskComputed' });
export type RiskComputed = z.infer<typeof RiskComputed>;

/** A risk as the API and the CLI show it (abilities: over HTTP only). */
export const RiskView = Risk.extend({ computed: RiskComputed, abilities: Abilities.optional() }).meta({ id: 'RiskView' });
export type RiskView = z.infer<typeof RiskView>;

export const RiskList = z.object({ items: z.array(RiskView), nextCursor: z.string().nullable(), total: z.number().int(), abilities: Abilities });
export type RiskList = z.infer<typeof RiskList>;

/** A threat with where it comes from: the shipped catalogue (read-only) or the organisation. */
export const ThreatView = Threat.extend({ source: z.enum(['shipped', 'organisation']), abilities: Abilities.optional() }).meta({ id: 'ThreatView' });
export type ThreatView = z.infer<typeof ThreatView>;

export const ThreatList = z
  .object({ families: z.array(ThreatFamilyInfo), items: z.array(ThreatView), abilities: Abilities.optional() })
  .meta({ id: 'ThreatList' });
export type ThreatList = z.infer<typeof ThreatList>;

/** The risk matrix with what the caller may do to it. */
export const RiskMatrixView = RiskMatrix.extend({ abilities: Abilities }).meta({ id: 'RiskMatrixView' });
export type RiskMatrixView = z.infer<typeof RiskMatrixView>;

/** What a change of the matrix answers: the new matrix and the risks it re-rated. */
export const MatrixChanged = z.object({ matrix: RiskMatrix, rerated: z.array(z.string()) });
export type MatrixChanged = z.infer<typeof MatrixChanged>;

export const HeatCell = z.object({
  likelihood: z.number(),
  impact: z.number(),
  score: z.number(),
  band: z.string(),
  count: z.number(),
  risks: z.array(z.string()).meta({ description: 'Ids of the risks in the cell, in register order' }),
});
export type HeatCell = z.infer<typeof HeatCell>;

export const Heatmap = z
  .object({
    rating: z.enum(['inherent', 'residual']),
    cells: z.array(HeatCell).meta({ description: 'Every cell of the matrix, likelihood from the highest down, then impact from the lowest up (as drawn)' }),
    bands: z.record(z.string(), z.number()).meta({ description: 'Risks per band id, every band present' }),
    total: z.number(),
  })
  .meta({ id: 'RiskHeatmap' });
export type Heatmap = z.infer<typeof Heatmap>;

export const RiskAttention = z
  .object({
    today: z.string(),
    top: z.array(RiskView),
    aboveAppetiteWithoutTreatment: z.array(RiskView),
    overdueTreatments: z.array(z.object({ risk: z.string(), title: z.string(), treatment: Treatment, daysOverdue: z.number() })),
    notReviewed: z.array(z.object({ risk: z.string(), title: z.string(), reviewDate: z.string(), daysOverdue: z.number() })),
  })
  .meta({ id: 'RiskAttention' });
export type RiskAttention = z.infer<typeof RiskAttention>;

export const RiskHistory = z
  .object({
    risk: z.string(),
    items: z.array(
      z.object({
        seq: z.number(),
        at: z.string(),
        by: z.string().nullable(),
        reason: z.enum(ASSESSMENT_REASONS),
        inherent: RatedLevel,
        residual: RatedLevel,
      }),
    ),
  })
  .meta({ id: 'RiskHistory' });
export type RiskHistory = z.infer<typeof RiskHistory>;

/** What importing a risk spreadsheet answers. */
export const RiskImportSummary = z.object({
  created: z.number(),
  updated: z.number(),
  rerated: z.number().meta({ description: 'Existing risks whose rating changed (each got an assessment row)' }),
});
export type RiskImportSummary = z.infer<typeof RiskImportSummary>;
