// Turns the API's problems (path, rule, value) into messages at form fields, tables and sentences.
import type { Collection } from '@shared/model/organisation.js';
import type { Problem } from '@shared/model/problem.js';
import type { Translate } from './format.js';

/**
 * A problem's path as a form field key: `body.staff[0].site` and `staff[0].site` → `staff.0.site`.
 * Request validation prefixes `body.`; model rules report paths relative to the item.
 */
export function fieldKey(path: string): string {
  return path
    .replace(/^body(\.|\[|$)/, (_match, next: string) => (next === '[' ? '[' : ''))
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\./, '');
}

/** Problems grouped by field key. */
export type FieldProblems = Map<string, Problem[]>;

export function groupByField(details: readonly Problem[]): FieldProblems {
  const map: FieldProblems = new Map();
  for (const problem of details) {
    const key = fieldKey(problem.path);
    const list = map.get(key);
    if (list) list.push(problem);
    else map.set(key, [problem]);
  }
  return map;
}

/** The problems of one field; with `nested`, also those of its parts (`applications` gets `applications.2`). */
export function problemsAt(map: FieldProblems | undefined, field: string, nested = false): Problem[] {
  if (!map) return [];
  if (!nested) return map.get(field) ?? [];
  const found: Problem[] = [];
  for (const [key, list] of map) if (key === field || key.startsWith(`${field}.`)) found.push(...list);
  return found;
}

/** Problems no field of the form shows, for a summary above it. */
export function unclaimedProblems(map: FieldProblems | undefined, fields: readonly string[]): Problem[] {
  if (!map) return [];
  const rest: Problem[] = [];
  for (const [key, list] of map) {
    const claimed = fields.some((field) => key === field || key.startsWith(`${field}.`));
    if (!claimed) rest.push(...list);
  }
  return rest;
}

/** A value as it appears in a message. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Rules with a sentence in the translation resources; other rules show the server's message. */
export const TRANSLATED_RULES = [
  'format',
  'too_small',
  'too_big',
  'required',
  'invalid_type',
  'invalid_value',
  'invalid_union',
  'unrecognized_keys',
  'unique',
  'duplicate_id',
  'unknown_reference',
  'self_dependency',
  'not_in_scale',
  'length',
  'not_a_duration',
  'not_a_number',
  'media_type',
  'invalid_json',
  'not_in_matrix',
  'reserved_id',
  'to_before_from',
  'invalid_distribution',
  'integer',
  'band_start',
  'ascending',
  'band_unreachable',
  'unknown_band',
  'level_order',
  'level_removed',
  'share',
  'email',
  'sms_length',
  'audience_empty',
  'e164',
  'contact_required',
  'incident_open',
  'colour',
  'https_url',
  'origin',
  'any_origin_alone',
  'domain',
  'claim',
] as const;

/** One problem as a sentence in the interface language (the server's English message when the rule is not known). */
export function problemMessage(problem: Problem, t: Translate): string {
  // An empty text refused as too short is simply missing.
  if (problem.rule === 'too_small' && problem.value === '') return t('rules.required');
  // A bound says its limit, worded for the kind of value, as the server words it (model/problem.ts limitMessage).
  if ((problem.rule === 'too_big' || problem.rule === 'too_small') && typeof problem.limit === 'number') {
    return t(`rules.${problem.rule}_${typeof problem.value === 'string' ? 'text' : 'number'}`, { limit: problem.limit });
  }
  if ((TRANSLATED_RULES as readonly string[]).includes(problem.rule))
    return t(`rules.${problem.rule}`, { value: displayValue(problem.value), message: problem.message });
  return problem.message;
}

/** Problems as one line each, for `error` props of inputs. */
export function fieldErrorText(problems: readonly Problem[], t: Translate): string | undefined {
  if (problems.length === 0) return undefined;
  return [...new Set(problems.map((problem) => problemMessage(problem, t)))].join(' · ');
}

/** Where an item is still used, from a 409 `in_use` problem such as `activities[3].staff[0].site`. */
export interface Usage {
  collection: Collection;
  index: number;
  /** The field of the referring item: `staff`, `applications`, `suppliers`, `dependsOn`, `effect`… */
  field: string;
}

const COLLECTION_NAMES: readonly string[] = ['sites', 'pools', 'applications', 'suppliers', 'activities', 'strategies'];

export function usageOf(problem: Problem): Usage | undefined {
  const match = /^(\w+)\[(\d+)\]\.?([A-Za-z]+)?/.exec(problem.path);
  if (!match || !COLLECTION_NAMES.includes(match[1])) return undefined;
  return { collection: match[1] as Collection, index: Number(match[2]), field: match[3] ?? 'id' };
}

/** The distinct referring items of an `in_use` refusal (several fields of one item count once, fields listed). */
export function usages(details: readonly Problem[]): Array<Usage & { fields: string[] }> {
  const byItem = new Map<string, Usage & { fields: string[] }>();
  for (const problem of details) {
    const usage = usageOf(problem);
    if (!usage) continue;
    const key = `${usage.collection}:${usage.index}`;
    const found = byItem.get(key);
    if (found) {
      if (!found.fields.includes(usage.field)) found.fields.push(usage.field);
    } else byItem.set(key, { ...usage, fields: [usage.field] });
  }
  return [...byItem.values()];
}

/** Error codes with a sentence in the translation resources. */
export const TRANSLATED_CODES = [
  'invalid_input',
  'invalid_reference',
  'not_found',
  'duplicate_id',
  'in_use',
  'unsupported_media_type',
  'payload_too_large',
  'network',
  'database_unavailable',
  'internal',
  'unauthenticated',
  'invalid_credentials',
  'forbidden',
  'csrf_failed',
  'mfa_required',
  'password_change_required',
  'model_invalid',
  'conflict',
  'rate_limited',
] as const;

/** What a refusal means, in the interface language (the server's message for codes not known here). */
export function errorSentence(error: unknown, t: Translate): string {
  const refusal = error as { code?: unknown; message?: string; details?: readonly Problem[] } | null | undefined;
  // A wrong second-factor code is not a wrong password: the refusal's rule tells them apart.
  if (refusal?.code === 'invalid_credentials' && refusal.details?.[0]?.rule === 'code') return t('apiErrors.invalid_code');
  if (typeof refusal?.code === 'string' && (TRANSLATED_CODES as readonly string[]).includes(refusal.code))
    return t(`apiErrors.${refusal.code}`, { count: refusal.details?.length ?? 0 });
  return refusal?.message ?? String(error);
}
