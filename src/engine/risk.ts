// Risk scoring and appraisal views (ISO 31000): bands, heat map, top risks, attention lists, matrix changes. Pure: no clock.
import { problem, type Problem } from '../model/problem.js';
import type { HeatCell, Heatmap, RatedLevel, RiskScores } from '../model/contract/risk.js';
import type { AssetType, LevelMapping, Rating, Risk, RiskBand, RiskMatrix, Threat, ThreatFamily, Treatment } from '../model/risk.js';

export type RatingKind = 'inherent' | 'residual';

// The shapes the engine computes are those the API answers with: declared once, in the contract.
export type { HeatCell, Heatmap, RatedLevel, RiskScores } from '../model/contract/risk.js';

/** `likelihood × impact`: the bands of a matrix are ranges of this score. */
export function scoreOf(rating: Rating): number {
  return rating.likelihood * rating.impact;
}

/** Highest score the matrix can give. */
export function maxScore(matrix: RiskMatrix): number {
  return matrix.likelihood.length * matrix.impact.length;
}

/** The band holding a score: the last band whose `min` is not above it (bands are sorted by `min`, the first at 1). */
export function bandOf(matrix: RiskMatrix, score: number): RiskBand {
  let found = matrix.bands[0];
  for (const band of matrix.bands) if (band.min <= score) found = band;
  return found;
}

/** Scores `[min, max]` that fall in a band, or undefined for an unknown band id. */
export function bandRange(matrix: RiskMatrix, bandId: string): [number, number] | undefined {
  const index = matrix.bands.findIndex((band) => band.id === bandId);
  if (index < 0) return undefined;
  const next = matrix.bands[index + 1];
  return [matrix.bands[index].min, next ? next.min - 1 : maxScore(matrix)];
}

/** First score above the appetite: a residual score at or over it requires treatment (Infinity when none does). */
export function appetiteLimit(matrix: RiskMatrix): number {
  const range = bandRange(matrix, matrix.appetite);
  return range && range[1] < maxScore(matrix) ? range[1] + 1 : Number.POSITIVE_INFINITY;
}

export function rate(matrix: RiskMatrix, rating: Rating): RatedLevel {
  const score = scoreOf(rating);
  return { likelihood: rating.likelihood, impact: rating.impact, score, band: bandOf(matrix, score).id };
}

export function isAboveAppetite(matrix: RiskMatrix, rating: Rating): boolean {
  return scoreOf(rating) >= appetiteLimit(matrix);
}

/**
 * A treatment counts as an answer to a risk above appetite while it is planned or in progress, and once it is a
 * done `accept`: formally accepting a risk is a treatment decision in ISO 31000. Done reductions are expected to
 * show in the residual rating already, so they no longer count.
 */
export function isAnswering(treatment: Treatment): boolean {
  return treatment.status === 'planned' || treatment.status === 'in-progress' || (treatment.type === 'accept' && treatment.status === 'done');
}

/** The residual rating once every planned or in-progress treatment has had its expected effect. */
export function targetRating(risk: Risk): Rating {
  let { likelihood, impact } = risk.residual;
  for (const treatment of risk.treatments) {
    if (treatment.status !== 'planned' && treatment.status !== 'in-progress') continue;
    if (treatment.expectedEffect?.likelihood !== undefined) likelihood = Math.min(likelihood, treatment.expectedEffect.likelihood);
    if (treatment.expectedEffect?.impact !== undefined) impact = Math.min(impact, treatment.expectedEffect.impact);
  }
  return { likelihood, impact };
}

export function computeRisk(matrix: RiskMatrix, risk: Risk, familyOf: FamilyOf = () => undefined): RiskScores {
  const aboveAppetite = isAboveAppetite(matrix, risk.residual);
  return {
    family: familyOf(risk.threat) ?? null,
    inherent: rate(matrix, risk.inherent),
    residual: rate(matrix, risk.residual),
    target: rate(matrix, targetRating(risk)),
    aboveAppetite,
    treatmentRequired: aboveAppetite && !risk.treatments.some(isAnswering),
  };
}

/** Threat id → family (undefined for an unknown threat). */
export type FamilyOf = (threatId: string) => ThreatFamily | undefined;

export function familyLookup(threats: Iterable<Pick<Threat, 'id' | 'family'>>): FamilyOf {
  const families = new Map<string, ThreatFamily>();
  for (const threat of threats) families.set(threat.id, threat.family);
  return (id) => families.get(id);
}

export interface RiskFilter {
  family?: ThreatFamily;
  assetType?: AssetType;
  assetId?: string;
}

/** True when the risk concerns the family and the asset asked for (an asset id alone matches any type). */
export function matchesFilter(risk: Risk, filter: RiskFilter, familyOf: FamilyOf): boolean {
  if (filter.family !== undefined && familyOf(risk.threat) !== filter.family) return false;
  if (filter.assetType === undefined && filter.assetId === undefined) return true;
  return risk.assets.some(
    (asset) => (filter.assetType === undefined || asset.type === filter.assetType) && (filter.assetId === undefined || asset.id === filter.assetId),
  );
}

/** Counts the risks per cell of the matrix for one rating, after the filter. */
export function heatmap(
  matrix: RiskMatrix,
  risks: readonly Risk[],
  rating: RatingKind,
  filter: RiskFilter = {},
  familyOf: FamilyOf = () => undefined,
): Heatmap {
  const cells: HeatCell[] = [];
  const at = new Map<string, HeatCell>();
  for (let likelihood = matrix.likelihood.length; likelihood >= 1; likelihood--)
    for (let impact = 1; impact <= matrix.impact.length; impact++) {
      const score = likelihood * impact;
      const cell = { likelihood, impact, score, band: bandOf(matrix, score).id, count: 0, risks: [] };
      cells.push(cell);
      at.set(`${likelihood}x${impact}`, cell);
    }
  const bands: Record<string, number> = Object.fromEntries(matrix.bands.map((band) => [band.id, 0]));
  let total = 0;
  for (const risk of risks) {
    if (!matchesFilter(risk, filter, familyOf)) continue;
    const cell = at.get(`${risk[rating].likelihood}x${risk[rating].impact}`);
    // A rating outside the matrix cannot be stored; skipping keeps the counts honest if one ever is.
    if (!cell) continue;
    cell.count++;
    cell.risks.push(risk.id);
    bands[cell.band]++;
    total++;
  }
  return { rating, cells, bands, total };
}

/** Residual score descending, then inherent score descending, then id: the order of "top risks". */
export function compareRiskSeverity(a: Risk, b: Risk): number {
  return scoreOf(b.residual) - scoreOf(a.residual) || scoreOf(b.inherent) - scoreOf(a.inherent) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function topRisks(risks: readonly Risk[], limit: number): Risk[] {
  return [...risks].sort(compareRiskSeverity).slice(0, limit);
}

/** Risks whose residual rating is above appetite and that no treatment answers, most severe first. */
export function aboveAppetiteWithoutTreatment(matrix: RiskMatrix, risks: readonly Risk[]): Risk[] {
  return risks.filter((risk) => isAboveAppetite(matrix, risk.residual) && !risk.treatments.some(isAnswering)).sort(compareRiskSeverity);
}

/** Whole days from `from` to `to`, both `YYYY-MM-DD`. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export interface OverdueTreatment {
  risk: string;
  treatment: Treatment;
  daysOverdue: number;
}

/** Treatments due before `today` and neither done nor cancelled, the longest overdue first. */
export function overdueTreatments(risks: readonly Risk[], today: string): OverdueTreatment[] {
  const overdue: OverdueTreatment[] = [];
  for (const risk of risks)
    for (const treatment of risk.treatments)
      if (treatment.due !== undefined && treatment.due < today && treatment.status !== 'done' && treatment.status !== 'cancelled')
        overdue.push({ risk: risk.id, treatment, daysOverdue: daysBetween(treatment.due, today) });
  return overdue.sort((a, b) => b.daysOverdue - a.daysOverdue || (a.risk < b.risk ? -1 : a.risk > b.risk ? 1 : 0));
}

export interface OverdueReview {
  risk: string;
  reviewDate: string;
  daysOverdue: number;
}

/** Risks whose review date has passed, the longest overdue first. Risks without a review date are not listed. */
export function notReviewed(risks: readonly Risk[], today: string): OverdueReview[] {
  return risks
    .filter((risk) => risk.reviewDate !== undefined && risk.reviewDate < today)
    .map((risk) => ({ risk: risk.id, reviewDate: risk.reviewDate!, daysOverdue: daysBetween(risk.reviewDate!, today) }))
    .sort((a, b) => b.daysOverdue - a.daysOverdue || (a.risk < b.risk ? -1 : a.risk > b.risk ? 1 : 0));
}

export interface Attention {
  top: Risk[];
  aboveAppetiteWithoutTreatment: Risk[];
  overdueTreatments: OverdueTreatment[];
  notReviewed: OverdueReview[];
}

/** Everything a continuity manager should look at today. */
export function attention(matrix: RiskMatrix, risks: readonly Risk[], today: string, top = 10): Attention {
  return {
    top: topRisks(risks, top),
    aboveAppetiteWithoutTreatment: aboveAppetiteWithoutTreatment(matrix, risks),
    overdueTreatments: overdueTreatments(risks, today),
    notReviewed: notReviewed(risks, today),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Checks against the organisation

/** Ids that would be hidden by the fixed routes under /risks/. */
export const RESERVED_RISK_IDS: ReadonlySet<string> = new Set(['heatmap', 'attention']);

export interface RiskContext {
  matrix: RiskMatrix;
  threats: ReadonlySet<string>;
  assets: Readonly<Record<AssetType, ReadonlySet<string>>>;
  scenarios: ReadonlySet<string>;
}

/** Problems of one risk against the organisation, with paths relative to the risk (`assets[1].id`). */
export function riskProblems(risk: Risk, context: RiskContext): Problem[] {
  const problems: Problem[] = [];
  const { matrix } = context;
  if (RESERVED_RISK_IDS.has(risk.id)) problems.push(problem(['id'], 'reserved_id', risk.id, `"${risk.id}" is reserved: choose another id`));
  if (!context.threats.has(risk.threat))
    problems.push(problem(['threat'], 'unknown_reference', risk.threat, `no threat "${risk.threat}" in the catalogue or the organisation`));
  const seenAssets = new Set<string>();
  risk.assets.forEach((asset, index) => {
    if (!context.assets[asset.type].has(asset.id))
      problems.push(problem(['assets', index, 'id'], 'unknown_reference', asset.id, `no ${asset.type} "${asset.id}" in the organisation`));
    const key = `${asset.type}:${asset.id}`;
    if (seenAssets.has(key)) problems.push(problem(['assets', index], 'duplicate', key, `${key} is listed twice`));
    seenAssets.add(key);
  });
  const level = (path: PropertyKey[], axis: 'likelihood' | 'impact', value: number | undefined) => {
    if (value !== undefined && value > matrix[axis].length)
      problems.push(problem(path, 'not_in_matrix', value, `the risk matrix has ${matrix[axis].length} ${axis} levels`));
  };
  for (const kind of ['inherent', 'residual'] as const) for (const axis of ['likelihood', 'impact'] as const) level([kind, axis], axis, risk[kind][axis]);
  const treatmentIds = new Set<string>();
  risk.treatments.forEach((treatment, index) => {
    if (treatmentIds.has(treatment.id))
      problems.push(problem(['treatments', index, 'id'], 'duplicate_id', treatment.id, `treatment id "${treatment.id}" is used twice`));
    treatmentIds.add(treatment.id);
    for (const axis of ['likelihood', 'impact'] as const) level(['treatments', index, 'expectedEffect', axis], axis, treatment.expectedEffect?.[axis]);
  });
  risk.scenarios.forEach((id, index) => {
    if (!context.scenarios.has(id)) problems.push(problem(['scenarios', index], 'unknown_reference', id, `no scenario "${id}" in the library`));
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------------
// Matrix changes

export interface Rerating {
  /** Every risk, with levels moved to the new matrix (the same objects when nothing moved). */
  risks: Risk[];
  /** Ids of the risks whose inherent or residual levels changed: each gets an assessment row. */
  rerated: string[];
  /** Mapping entries that name a level the old matrix does not have: bad input. */
  mappingProblems: Problem[];
  /** Levels used by risks that the new matrix lacks and the mapping does not move: the change is refused. */
  removedLevels: Problem[];
}

/**
 * Moves every rating to a new matrix. A level goes where the mapping says, else keeps its number when the new
 * matrix has it; a level with nowhere to go is reported with the risk that uses it. Bands need no moving: they
 * are ranges of the score, read again from the new matrix.
 */
export function rerateRisks(previous: RiskMatrix, next: RiskMatrix, mapping: LevelMapping | undefined, risks: readonly Risk[]): Rerating {
  const mappingProblems: Problem[] = [];
  for (const axis of ['likelihood', 'impact'] as const)
    for (const from of Object.keys(mapping?.[axis] ?? {}))
      if (Number(from) > previous[axis].length)
        mappingProblems.push(problem(['mapping', axis, from], 'unknown_level', Number(from), `the current matrix has ${previous[axis].length} ${axis} levels`));

  const removedLevels: Problem[] = [];
  const move = (axis: 'likelihood' | 'impact', value: number, path: PropertyKey[], riskId: string): number => {
    const mapped = mapping?.[axis]?.[String(value)];
    if (mapped !== undefined) return mapped;
    if (value <= next[axis].length) return value;
    const label = previous[axis][value - 1]?.label;
    removedLevels.push(
      problem(
        path,
        'level_removed',
        value,
        `risk "${riskId}" uses ${axis} ${value}${label ? ` (${label})` : ''}, which the new matrix lacks: map it to a new level`,
      ),
    );
    return value;
  };

  const rerated: string[] = [];
  const moved = risks.map((risk) => {
    const at = (...rest: PropertyKey[]) => ['risks', risk.id, ...rest];
    const inherent = {
      likelihood: move('likelihood', risk.inherent.likelihood, at('inherent', 'likelihood'), risk.id),
      impact: move('impact', risk.inherent.impact, at('inherent', 'impact'), risk.id),
    };
    const residual = {
      likelihood: move('likelihood', risk.residual.likelihood, at('residual', 'likelihood'), risk.id),
      impact: move('impact', risk.residual.impact, at('residual', 'impact'), risk.id),
    };
    let treatmentsMoved = false;
    const treatments = risk.treatments.map((treatment, index) => {
      const effect = treatment.expectedEffect;
      if (!effect) return treatment;
      const moveEffect = (axis: 'likelihood' | 'impact') =>
        effect[axis] === undefined ? undefined : move(axis, effect[axis]!, at('treatments', index, 'expectedEffect', axis), risk.id);
      const likelihood = moveEffect('likelihood');
      const impact = moveEffect('impact');
      if (likelihood === effect.likelihood && impact === effect.impact) return treatment;
      treatmentsMoved = true;
      return { ...treatment, expectedEffect: { ...(likelihood !== undefined ? { likelihood } : {}), ...(impact !== undefined ? { impact } : {}) } };
    });
    const ratingsMoved = !sameRating(inherent, risk.inherent) || !sameRating(residual, risk.residual);
    if (ratingsMoved) rerated.push(risk.id);
    return ratingsMoved || treatmentsMoved ? { ...risk, inherent, residual, treatments } : risk;
  });
  return { risks: moved, rerated, mappingProblems, removedLevels };
}

export function sameRating(a: Rating, b: Rating): boolean {
  return a.likelihood === b.likelihood && a.impact === b.impact;
}
