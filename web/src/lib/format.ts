// Locale-aware formatting: durations ("3 d" / "3 j"), numbers, shares, dates, and entity names.
import { durationPieces } from '@shared/model/duration-pieces.js';
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

export { durationPieces } from '@shared/model/duration-pieces.js';

export interface Formatter {
  language: Language;
  /** Currency of the amounts (ISO 4217), the organisation's. */
  currency: string;
  /** "18 d 1 h" / "18 j 1 h", "1 w" / "1 sem.", "4 h", "30 min"; "—" when absent. The one format for durations. */
  duration(hours: number | null | undefined): string;
  /** An amount of the organisation's currency: "€36,564" (en), "36 564 €" (fr). */
  money(amount: number | null | undefined): string;
  /** "3 days" / "3 jours", "18 days 1 hour", for sentences. */
  durationLong(hours: number | null | undefined): string;
  number(value: number | null | undefined, digits?: number): string;
  /** 0.5 → "50 %" (fr) / "50%" (en). */
  percent(share: number | null | undefined): string;
  date(iso: string | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
}

const EMPTY = '—';

/** Formatting for one language; `t` supplies the unit words from the translation resources. */
export function createFormatter(language: Language, t: Translate, currency = 'EUR'): Formatter {
  const locale = language === 'fr' ? 'fr-FR' : 'en-GB';
  const numbers = new Map<number, Intl.NumberFormat>();
  const numberFormat = (digits: number) => {
    let format = numbers.get(digits);
    if (!format) numbers.set(digits, (format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits })));
    return format;
  };
  const percentFormat = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  let moneyFormat: Intl.NumberFormat;
  try {
    moneyFormat = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 });
  } catch {
    // A code this browser does not know still names the currency rather than hiding the amount.
    moneyFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    const plain = moneyFormat;
    moneyFormat = { format: (value: number) => `${plain.format(value)} ${currency}` } as Intl.NumberFormat;
  }
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const valid = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

  return {
    language,
    currency,
    duration(hours) {
      if (!valid(hours)) return EMPTY;
      return durationPieces(hours)
        .map(({ unit, value }) => t(`units.short.${unit}`, { value: numberFormat(2).format(value) }))
        .join(' ');
    },
    money(amount) {
      return valid(amount) ? moneyFormat.format(amount) : EMPTY;
    },
    durationLong(hours) {
      if (!valid(hours)) return EMPTY;
      return durationPieces(hours)
        .map(({ unit, value }) => t(`units.long.${unit}`, { count: value, value: numberFormat(2).format(value) }))
        .join(' ');
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

/** Prose in the interface language when it was translated, else the reference text. */
export function localText(reference: string | undefined, translations: { en?: string; fr?: string } | undefined, language: Language): string {
  return translations?.[language] ?? reference ?? '';
}

/**
 * The owner as written ("Claire Morel, Head of Claims Hotline (Lyon)" or "Claire Morel <claire@…>"), with the job title
 * in the interface language when one was given: the name part stays, since it is what names the person.
 */
export function ownerLabel(owner: string | undefined, titles: { en?: string; fr?: string } | undefined, language: Language): string {
  if (!owner) return '';
  const title = titles?.[language];
  if (!title) return owner;
  const person = owner.split(/,| </)[0].trim();
  return `${person}, ${title}`;
}

/** The products in the interface language when they were translated, else as written. */
export function productList(activity: { products?: string[]; productNames?: { en?: string[]; fr?: string[] } }, language: Language): string[] {
  const translated = activity.productNames?.[language];
  return translated && translated.length > 0 ? translated : (activity.products ?? []);
}
