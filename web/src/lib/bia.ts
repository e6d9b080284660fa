// BIA helpers for the screens: colours of the impact scale and the plain-words reading of the MTPD.
import type { Activity, BiaSettings } from '@shared/model/organisation.js';

export interface LevelColour {
  background: string;
  /** Text on `background`: at least 4.5:1 contrast (WCAG AA). */
  color: string;
  border: string;
}

// Light tints with near-black text: every pair passes WCAG AA (over 10:1).
const TOLERABLE = ['#d3f9d8', '#e9fac8', '#fff3bf', '#ffec99'];
const INTOLERABLE = ['#ffd8a8', '#ffc9c9', '#ffa8a8', '#ff8787'];
const TEXT = '#1a1b1e';

/**
 * The colour of a rating: greens to yellow below the organisation's intolerable level, oranges to
 * reds from it, spread over however many levels the organisation's scale has.
 */
export function levelColour(value: number | null | undefined, bia: Pick<BiaSettings, 'scale' | 'intolerable'>): LevelColour {
  if (value === null || value === undefined) return { background: '#ffffff', color: TEXT, border: '#adb5bd' };
  const below = bia.scale.filter((level) => level.value < bia.intolerable).map((level) => level.value);
  const above = bia.scale.filter((level) => level.value >= bia.intolerable).map((level) => level.value);
  const pick = (palette: string[], values: number[]) => {
    const index = values.indexOf(value);
    if (values.length <= 1) return palette[index < 0 ? 0 : Math.min(palette.length - 1, index)];
    const at = Math.round((Math.max(0, index) * (palette.length - 1)) / (values.length - 1));
    return palette[at];
  };
  if (value >= bia.intolerable) return { background: pick(INTOLERABLE, above), color: TEXT, border: '#c92a2a' };
  return { background: pick(TOLERABLE, below), color: TEXT, border: '#868e96' };
}

/** Where the impact first becomes intolerable: the earliest time point, the first category in the settings' order. */
export function firstIntolerable(impacts: Activity['impacts'], bia: BiaSettings): { category: string; index: number; hours: number; rating: number } | null {
  let best: { category: string; index: number; hours: number; rating: number } | null = null;
  for (const category of bia.categories) {
    const ratings = impacts[category.id] ?? [];
    const index = ratings.findIndex((rating) => rating !== null && rating !== undefined && rating >= bia.intolerable);
    if (index < 0 || index >= bia.timePoints.length) continue;
    if (best === null || index < best.index) best = { category: category.id, index, hours: bia.timePoints[index], rating: ratings[index]! };
  }
  return best;
}

export type MtpdReading =
  | { kind: 'not_assessed' }
  | { kind: 'never_intolerable'; horizon: number }
  | { kind: 'matches'; suggested: number }
  | { kind: 'longer'; suggested: number; chosen: number; difference: number }
  | { kind: 'shorter'; suggested: number; chosen: number; difference: number };

/** How the chosen MTPD compares with the one the ratings suggest (`suggested` from the API or the engine). */
export function readMtpd(chosen: number, suggested: number | null, assessment: 'none' | 'partial' | 'complete', bia: BiaSettings): MtpdReading {
  if (assessment === 'none') return { kind: 'not_assessed' };
  if (suggested === null) return { kind: 'never_intolerable', horizon: bia.timePoints[bia.timePoints.length - 1] };
  if (chosen === suggested) return { kind: 'matches', suggested };
  if (chosen > suggested) return { kind: 'longer', suggested, chosen, difference: chosen - suggested };
  return { kind: 'shorter', suggested, chosen, difference: suggested - chosen };
}

/** A full grid of ratings for the settings: one array per category, one cell per time point (null: not rated). */
export function normaliseImpacts(impacts: Activity['impacts'], bia: BiaSettings): Activity['impacts'] {
  const grid: Activity['impacts'] = {};
  for (const category of bia.categories) {
    const ratings = impacts[category.id] ?? [];
    grid[category.id] = bia.timePoints.map((_hours, index) => ratings[index] ?? null);
  }
  return grid;
}

/** Ratings to send: a category the activity did not have and that is still unrated stays out of the document. */
export function compactImpacts(impacts: Activity['impacts'], original: Activity['impacts'] = {}): Activity['impacts'] {
  const out: Activity['impacts'] = {};
  for (const [category, ratings] of Object.entries(impacts)) if (category in original || ratings.some((rating) => rating !== null)) out[category] = ratings;
  return out;
}

type Criterion = NonNullable<BiaSettings['criteria']>[number];

/** The criterion of a category at a level, if the settings give one. */
export function criterionOf(bia: Pick<BiaSettings, 'criteria'>, category: string, level: number): Criterion | undefined {
  return bia.criteria?.find((criterion) => criterion.category === category && criterion.level === level);
}

/** A criterion's meaning in a language: its text there, else the reference text; empty when it has none. */
export function criterionText(criterion: Criterion | undefined, language: 'en' | 'fr'): string {
  return criterion?.descriptions?.[language] ?? criterion?.description ?? criterion?.descriptions?.[language === 'en' ? 'fr' : 'en'] ?? '';
}

/**
 * Criteria as they should be sent: only those of categories and levels the settings still have, without the ones left
 * empty, thresholds only for categories measured in money, and no empty texts (the schema wants none).
 */
export function compactCriteria(bia: BiaSettings): BiaSettings['criteria'] {
  const categories = new Map(bia.categories.map((category) => [category.id, category]));
  const levels = new Set(bia.scale.map((level) => level.value));
  const kept: Criterion[] = [];
  for (const criterion of bia.criteria ?? []) {
    const category = categories.get(criterion.category);
    if (!category || !levels.has(criterion.level)) continue;
    const en = criterion.descriptions?.en?.trim();
    const fr = criterion.descriptions?.fr?.trim();
    // English is the reference text, as for names: an edited English text replaces it.
    const description = en || criterion.description?.trim() || fr;
    const threshold = category.money && criterion.threshold !== undefined && Number.isFinite(criterion.threshold) ? criterion.threshold : undefined;
    if (!description && threshold === undefined) continue;
    kept.push({
      category: criterion.category,
      level: criterion.level,
      ...(description ? { description } : {}),
      ...(en || fr ? { descriptions: { ...(en ? { en } : {}), ...(fr ? { fr } : {}) } } : {}),
      ...(threshold === undefined ? {} : { threshold }),
    });
  }
  return kept;
}
