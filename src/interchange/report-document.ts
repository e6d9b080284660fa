// A report as plain data, before it is a file: headings, paragraphs, key figures, tables with typed columns and
// charts (ECharts options without functions). One document renders to PDF (charts drawn) and to XLSX (one sheet per
// table, typed cells); being plain data, it crosses to the rendering thread as a structured clone.
import { durationPieces, type DurationUnit } from '../model/duration-pieces.js';

export type ReportLanguage = 'en' | 'fr';

/** How a column's values are typed and shown: hours in the human format, money in the organisation's currency. */
export type CellType = 'text' | 'number' | 'hours' | 'money' | 'percent' | 'date' | 'boolean';
export type CellValue = string | number | boolean | null;

export interface ReportColumn {
  label: string;
  type: CellType;
  /** Relative width in the PDF (default 1). */
  weight?: number;
}

export interface ReportTable {
  /** The worksheet's name (XLSX): at most 31 characters, none of `[]:*?/\`. */
  sheet: string;
  title: string;
  columns: ReportColumn[];
  rows: CellValue[][];
  /** Said instead of an empty table. */
  empty?: string;
}

export interface ReportChart {
  title: string;
  /** An ECharts option, data only: labels formatted beforehand (a function would not cross threads). */
  option: Record<string, unknown>;
  width: number;
  height: number;
}

export type ReportBlock =
  | { type: 'heading'; text: string }
  | { type: 'text'; text: string; tone?: 'muted' | 'alert' }
  | { type: 'facts'; items: Array<{ label: string; value: CellValue; type: CellType }> }
  | { type: 'table'; table: ReportTable }
  | { type: 'chart'; chart: ReportChart };

export interface ReportDocument {
  title: string;
  /** What kind of report, and of whom ("Business impact analysis · Mutuelle Horizon"). */
  subtitle: string;
  language: ReportLanguage;
  /** ISO 4217 code of the organisation's amounts. */
  currency: string;
  generatedAt: string;
  blocks: ReportBlock[];
  /** The XLSX summary sheet's name and its note that charts are in the PDF only. */
  summarySheet: string;
  chartsNote: string;
}

const UNITS: Record<ReportLanguage, Record<DurationUnit, string>> = {
  en: { minute: 'min', hour: 'h', day: 'd', week: 'w' },
  fr: { minute: 'min', hour: 'h', day: 'j', week: 'sem.' },
};
const YES_NO = { en: ['yes', 'no'], fr: ['oui', 'non'] } as const;
const EMPTY = '—';

export function localeOf(language: ReportLanguage): string {
  return language === 'fr' ? 'fr-FR' : 'en-GB';
}

/** Formats values for reading, in one language and currency: the words the PDF prints. */
export function cellFormatter(language: ReportLanguage, currency: string) {
  const locale = localeOf(language);
  const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const percents = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  let money: (value: number) => string;
  try {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 });
    money = (value) => format.format(value);
  } catch {
    money = (value) => `${numbers.format(Math.round(value))} ${currency}`;
  }
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const hours = (value: number) =>
    durationPieces(value)
      .map(({ unit, value: amount }) => `${numbers.format(amount)} ${UNITS[language][unit]}`)
      .join(' ');
  return (value: CellValue, type: CellType): string => {
    if (value === null || value === '') return EMPTY;
    if (typeof value === 'boolean') return value ? YES_NO[language][0] : YES_NO[language][1];
    if (typeof value === 'string') {
      if (type === 'date') {
        const date = new Date(value);
        return Number.isNaN(date.getTime()) ? value : dates.format(date);
      }
      return value;
    }
    if (!Number.isFinite(value)) return EMPTY;
    switch (type) {
      case 'hours':
        return hours(value);
      case 'money':
        return money(value);
      case 'percent':
        return percents.format(value);
      default:
        return numbers.format(value);
    }
  };
}

/** The currency's symbol and whether it goes before the amount in this language ("€12" in English, "12 €" in French). */
export function currencyPlacement(language: ReportLanguage, currency: string): { symbol: string; before: boolean } {
  try {
    const parts = new Intl.NumberFormat(localeOf(language), { style: 'currency', currency }).formatToParts(1);
    const index = parts.findIndex((part) => part.type === 'currency');
    const integer = parts.findIndex((part) => part.type === 'integer');
    return { symbol: parts[index].value, before: index < integer };
  } catch {
    return { symbol: currency, before: false };
  }
}
