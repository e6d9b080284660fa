// Links to the server's spreadsheet exports: CSV with the separator the reader's spreadsheet software expects (`;` in
// French, `,` in English, or the other one when chosen), or XLSX; headings in the interface language.
import type { Language } from './prefs.js';

export type ExportFormat = 'csv' | 'xlsx';
export type Separator = 'semicolon' | 'comma';

export function defaultSeparator(language: Language): Separator {
  return language === 'fr' ? 'semicolon' : 'comma';
}

/** The address of an export (`path` may carry a query of its own: filters). */
export function exportHref(path: string, language: Language, format: ExportFormat, separator: Separator = defaultSeparator(language)): string {
  const params = new URLSearchParams({ format, lang: language });
  if (format === 'csv') params.set('separator', separator);
  return `${path}${path.includes('?') ? '&' : '?'}${params.toString()}`;
}
