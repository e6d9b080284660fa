// The risk register on screen: API shapes, band colours with readable text, level labels, what a form sends.
import type { AssetRef, AssetType, MatrixLevel, Rating, Risk, RiskBand, RiskMatrix, ThreatFamily, Treatment } from '@shared/model/risk.js';
import type { Heatmap, RatedLevel, RiskAttention, RiskComputed, RiskHistory, RiskView, ThreatList, ThreatView } from '@shared/model/contract/risk.js';
import type { Problem } from '@shared/model/problem.js';
import { entityName } from './format.js';
import type { Language } from './prefs.js';

export type { Heatmap, RatedLevel, RiskMatrix, RiskBand, MatrixLevel, Rating, Risk, Treatment, ThreatFamily, AssetRef, AssetType };
// The API's shapes, declared once in the contract (src/model/contract/risk.ts).
export type { RiskAttention, RiskComputed, RiskHistory, RiskView, ThreatList, ThreatView };
export type FamilyInfo = ThreatList['families'][number];

// Lists kept here rather than imported from the schema module (which would bring zod into the page);
// the `satisfies` checks tie them to the schema's types.
export const TREATMENT_TYPES = ['avoid', 'reduce', 'transfer', 'accept'] as const satisfies ReadonlyArray<Treatment['type']>;
export const TREATMENT_STATUSES = ['planned', 'in-progress', 'done', 'cancelled'] as const satisfies ReadonlyArray<Treatment['status']>;
export const ASSET_TYPES = ['site', 'activity', 'application', 'supplier', 'pool'] as const satisfies readonly AssetType[];
export const RISK_SORTS = ['position', 'id', 'title', 'severity'] as const;
export const HISTORY_REASONS = ['created', 'rated', 'imported', 'matrix_changed'] as const;
export type RiskSort = (typeof RISK_SORTS)[number];
export type RatingKind = 'inherent' | 'residual';
export type Axis = 'likelihood' | 'impact';
export const AXES: readonly Axis[] = ['likelihood', 'impact'];

/** The collection of the organisation model each asset type lives in. */
export const ASSET_COLLECTION = { site: 'sites', activity: 'activities', application: 'applications', supplier: 'suppliers', pool: 'pools' } as const;

// ---------------------------------------------------------------------------------------------------------------------
// Colours

/** WCAG relative luminance of `#rrggbb`. */
export function luminance(hex: string): number {
  const value = hex.replace('#', '');
  const channel = (index: number) => {
    const c = parseInt(value.slice(index, index + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

/** WCAG contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

// Pure black: with it, black or white always reaches 4.5:1 (the worst case, around luminance 0.18, is 4.58:1).
const DARK = '#000000';
const LIGHT = '#ffffff';

/**
 * Text for a band's colour: near-black or white, whichever reads better. `readable` is false when neither
 * reaches 4.5:1 (a mid-tone colour chosen by the organisation): the caller then puts the text on a chip.
 */
export function textOn(background: string): { color: string; ratio: number; readable: boolean } {
  const valid = /^#[0-9a-fA-F]{6}$/.test(background);
  if (!valid) return { color: DARK, ratio: 1, readable: false };
  const dark = contrast(background, DARK);
  const light = contrast(background, LIGHT);
  const color = dark >= light ? DARK : LIGHT;
  const ratio = Math.max(dark, light);
  return { color, ratio, readable: ratio >= 4.5 };
}

// ---------------------------------------------------------------------------------------------------------------------
// Labels

export function bandById(matrix: RiskMatrix, id: string): RiskBand | undefined {
  return matrix.bands.find((band) => band.id === id);
}

export function bandName(band: RiskBand | undefined, language: Language, fallback = ''): string {
  return band ? entityName({ id: band.id, name: band.label, names: band.names }, language) : fallback;
}

export function levelName(level: MatrixLevel | undefined, language: Language, fallback = ''): string {
  return level ? entityName({ id: String(level.value), name: level.label, names: level.names }, language) : fallback;
}

export function levelDefinition(level: MatrixLevel | undefined, language: Language): string {
  if (!level) return '';
  return level.definitions?.[language] ?? level.definition ?? '';
}

/** "3 · Possible" for a level of an axis (the number alone when the matrix lacks it). */
export function levelText(matrix: RiskMatrix, axis: Axis, value: number, language: Language): string {
  const level = matrix[axis].find((item) => item.value === value);
  return level ? `${value} · ${levelName(level, language)}` : String(value);
}

/** A family's display name from the threat list's families. */
export function familyName(families: readonly FamilyInfo[] | undefined, id: string | null | undefined, language: Language): string {
  if (!id) return '';
  const family = families?.find((item) => item.id === id);
  return family ? entityName(family, language) : id;
}

export function assetKey(asset: AssetRef): string {
  return `${asset.type}:${asset.id}`;
}

export function parseAssetKey(key: string): AssetRef | undefined {
  const at = key.indexOf(':');
  if (at < 0) return undefined;
  const type = key.slice(0, at) as AssetType;
  if (!(ASSET_TYPES as readonly string[]).includes(type)) return undefined;
  return { type, id: key.slice(at + 1) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Filters of the register (kept in the address so the dashboard can link to a filtered list)

export interface RiskFilters {
  q: string;
  family: string | null;
  band: string | null;
  rating: RatingKind;
  aboveAppetite: 'true' | 'false' | null;
  asset: string | null;
  sort: RiskSort;
}

export function readRiskFilters(params: URLSearchParams): RiskFilters {
  const sort = params.get('sort');
  const above = params.get('aboveAppetite');
  return {
    q: params.get('q') ?? '',
    family: params.get('family') || null,
    band: params.get('band') || null,
    rating: params.get('rating') === 'inherent' ? 'inherent' : 'residual',
    aboveAppetite: above === 'true' || above === 'false' ? above : null,
    asset: params.get('asset') || null,
    sort: (RISK_SORTS as readonly string[]).includes(sort ?? '') ? (sort as RiskSort) : 'severity',
  };
}

/** The API query of a filtered list (`asset` is `type:id`). */
export function riskListQuery(filters: RiskFilters): Record<string, string | undefined> {
  const asset = filters.asset ? parseAssetKey(filters.asset) : undefined;
  return {
    q: filters.q.trim() || undefined,
    family: filters.family ?? undefined,
    band: filters.band ?? undefined,
    rating: filters.band ? filters.rating : undefined,
    aboveAppetite: filters.aboveAppetite ?? undefined,
    assetType: asset?.type,
    assetId: asset?.id,
    sort: filters.sort,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Forms

/** A risk as edited: every optional text present (possibly empty). */
export interface RiskDraft {
  id: string;
  title: string;
  names: { en?: string; fr?: string };
  threat: string;
  assets: AssetRef[];
  cause: string;
  consequence: string;
  owner: string;
  inherent: Rating;
  residual: Rating;
  treatments: TreatmentDraft[];
  reviewDate: string;
  scenarios: string[];
  by: string;
}

export interface TreatmentDraft {
  id: string;
  type: Treatment['type'];
  description: string;
  owner: string;
  due: string;
  status: Treatment['status'];
  expectedEffect: { likelihood?: number; impact?: number };
}

export function emptyRisk(): RiskDraft {
  return {
    id: '',
    title: '',
    names: {},
    threat: '',
    assets: [],
    cause: '',
    consequence: '',
    owner: '',
    inherent: { likelihood: 3, impact: 3 },
    residual: { likelihood: 2, impact: 3 },
    treatments: [],
    reviewDate: '',
    scenarios: [],
    by: '',
  };
}

export function toRiskDraft(risk: Risk | RiskView): RiskDraft {
  return {
    id: risk.id,
    title: risk.title,
    names: { ...risk.names },
    threat: risk.threat,
    assets: risk.assets.map((asset) => ({ ...asset })),
    cause: risk.cause ?? '',
    consequence: risk.consequence ?? '',
    owner: risk.owner ?? '',
    inherent: { ...risk.inherent },
    residual: { ...risk.residual },
    treatments: risk.treatments.map((treatment) => ({
      id: treatment.id,
      type: treatment.type,
      description: treatment.description,
      owner: treatment.owner ?? '',
      due: treatment.due ?? '',
      status: treatment.status,
      expectedEffect: { ...treatment.expectedEffect },
    })),
    reviewDate: risk.reviewDate ?? '',
    scenarios: [...risk.scenarios],
    by: '',
  };
}

const optionalText = (value: string) => (value.trim() ? value.trim() : undefined);

/** What is sent: optional texts left empty are left out; the id and title go as typed so that a refusal names them. */
export function toRiskBody(draft: RiskDraft): Record<string, unknown> {
  const names: Record<string, string> = {};
  for (const language of ['en', 'fr'] as const) {
    const name = draft.names[language]?.trim();
    if (name) names[language] = name;
  }
  const body: Record<string, unknown> = {
    id: draft.id.trim(),
    title: draft.title.trim(),
    names: Object.keys(names).length ? names : undefined,
    threat: draft.threat,
    assets: draft.assets,
    cause: optionalText(draft.cause),
    consequence: optionalText(draft.consequence),
    owner: optionalText(draft.owner),
    inherent: draft.inherent,
    residual: draft.residual,
    treatments: draft.treatments.map((treatment) => {
      const effect: Record<string, number> = {};
      if (treatment.expectedEffect.likelihood) effect.likelihood = treatment.expectedEffect.likelihood;
      if (treatment.expectedEffect.impact) effect.impact = treatment.expectedEffect.impact;
      const out: Record<string, unknown> = { id: treatment.id.trim(), type: treatment.type, description: treatment.description.trim() };
      if (optionalText(treatment.owner)) out.owner = optionalText(treatment.owner);
      if (optionalText(treatment.due)) out.due = optionalText(treatment.due);
      out.status = treatment.status;
      if (Object.keys(effect).length) out.expectedEffect = effect;
      return out;
    }),
    reviewDate: optionalText(draft.reviewDate),
    scenarios: draft.scenarios,
    by: optionalText(draft.by),
  };
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
  return body;
}

/** A fresh treatment id for the draft: `treatment-1`, `treatment-2`… not yet used. */
export function nextTreatmentId(treatments: readonly { id: string }[]): string {
  const used = new Set(treatments.map((treatment) => treatment.id));
  let n = treatments.length + 1;
  while (used.has(`treatment-${n}`)) n++;
  return `treatment-${n}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Matrix changes

/** A level the new matrix lacks, with the risks that use it (from a 409 `in_use` of PUT /risk-matrix). */
export interface RemovedLevel {
  axis: Axis;
  level: number;
  risks: string[];
}

/** Reads `risks.<id>.<inherent|residual|treatments.N.expectedEffect>.<axis>` problems, one entry per axis and level. */
export function removedLevels(details: readonly Problem[]): RemovedLevel[] {
  const found = new Map<string, RemovedLevel>();
  for (const problem of details) {
    if (problem.rule !== 'level_removed') continue;
    const match = /^risks\.(.+)\.(?:inherent|residual|treatments\[\d+\]\.expectedEffect|treatments\.\d+\.expectedEffect)\.(likelihood|impact)$/.exec(
      problem.path,
    );
    if (!match || typeof problem.value !== 'number') continue;
    const axis = match[2] as Axis;
    const key = `${axis}:${problem.value}`;
    const entry = found.get(key) ?? { axis, level: problem.value, risks: [] };
    if (!entry.risks.includes(match[1])) entry.risks.push(match[1]);
    found.set(key, entry);
  }
  return [...found.values()].sort((a, b) => (a.axis === b.axis ? a.level - b.level : a.axis === 'likelihood' ? -1 : 1));
}

/** Score range of each band (`[min, max]`), for the matrix editor's preview. */
export function bandRanges(matrix: Pick<RiskMatrix, 'bands' | 'likelihood' | 'impact'>): Array<[number, number]> {
  const max = matrix.likelihood.length * matrix.impact.length;
  return matrix.bands.map((band, index) => [band.min, index + 1 < matrix.bands.length ? matrix.bands[index + 1].min - 1 : max]);
}

/** The band of a score under a matrix being edited (bands may be unsorted while typing: the last one whose min is reached). */
export function bandForScore(bands: readonly RiskBand[], score: number): RiskBand | undefined {
  let found: RiskBand | undefined;
  for (const band of bands) if (band.min <= score && (!found || band.min >= found.min)) found = band;
  return found ?? bands[0];
}

/** Today as `YYYY-MM-DD` (UTC, as the server judges overdue items). */
export function isoToday(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
