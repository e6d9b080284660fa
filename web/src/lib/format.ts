// Locale-aware formatting: durations ("3 d" / "3 j"), numbers, shares, dates, and entity names.
import type { Language } from './prefs.js';

/** The translation function as the formatters need it (i18next's `t` fits). */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

const HOURS_PER_DAY = 24;
const HOURS_PER_WEEK = 168;

/** The largest whole unit that expresses `hours` exactly: weeks, days, hours, or minutes below an hour. */
export function durationParts(hours: number): { unit: 'minute' | 'hour' | 'day' | 'week'; value: number } {
  if (hours > 0 && hours < 1) return { unit: 'minute', value: Math.round(hours * 60 * 100) / 100 };
  if (Number.isInteger(hours) && hours > 0) {
    if (hours % HOURS_PER_WEEK === 0) return { unit: 'week', value: hours / HOURS_PER_WEEK };
    if (hours % HOURS_PER_DAY === 0) return { unit: 'day', value: hours / HOURS_PER_DAY };
  }
  return { unit: 'hour', value: hours };
}

export interface Formatter {
  language: Language;
  /** "3 d" / "3 j", "1 w" / "1 sem.", "4 h", "30 min"; "—" when absent. */
  duration(hours: number | null | undefined): string;
  /** "3 days" / "3 jours", for sentences. */
  durationLong(hours: number | null | undefined): string;
  number(value: number | null | undefined, digits?: number): string;
  /** 0.5 → "50 %" (fr) / "50%" (en). */
  percent(share: number | null | undefined): string;
  date(iso: string | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
}

const EMPTY = '—';

/** Formatting for one language; `t` supplies the unit words from the translation resources. */
export function createFormatter(language: Language, t: Translate): Formatter {
  const locale = language === 'fr' ? 'fr-FR' : 'en-GB';
  const numbers = new Map<number, Intl.NumberFormat>();
  const numberFormat = (digits: number) => {
    let format = numbers.get(digits);
    if (!format) numbers.set(digits, (format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits })));
    return format;
  };
  const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const valid = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

  return {
    language,
    duration(hours) {
      if (!valid(hours)) return EMPTY;
      const { unit, value } = durationParts(hours);
      return t(`units.short.${unit}`, { value: numberFormat(2).format(value) });
    },
    durationLong(hours) {
      if (!valid(hours)) return EMPTY;
      const { unit, value } = durationParts(hours);
      return t(`units.long.${unit}`, { count: value, value: numberFormat(2).format(value) });
    },
    number(value, digits = 2) {
      return valid(value) ? numberFormat(digits).format(value) : EMPTY;
    },
    percent(share) {
      return valid(share) ? percentFormat.format(share) : EMPTY;
    },
    date(iso) {
      if (!iso) return EMPTY;
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? EMPTY : dateFormat.format(date);
    },
    dateTime(iso) {
      if (!iso) return EMPTY;
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? EMPTY : dateTimeFormat.format(date);
    },
  };
}

/** The name to show: the translation for the interface language, else the reference name, else the id. */
export function entityName(entity: { id: string; name?: string; names?: { en?: string; fr?: string } } | undefined, language: Language, fallback = ''): string {
  if (!entity) return fallback;
  return entity.names?.[language] ?? entity.name ?? entity.id;
}
