// Results people take into a spreadsheet (Monte Carlo, recommendations, the heat map, the audit trail): one table,
// written as CSV for the reader's spreadsheet software or as XLSX with typed numbers.
import ExcelJS from 'exceljs';
import { writeCsv } from './table-file.js';

export type ReportCell = string | number | null;
export type ReportFormat = 'csv' | 'xlsx';
/** French spreadsheet software splits CSV on semicolons (the comma is its decimal mark); English software on commas. */
export type ReportSeparator = ',' | ';';

export interface ReportTable {
  /** Worksheet name (XLSX); at most 31 characters, as Excel wants. */
  sheet: string;
  columns: string[];
  rows: ReportCell[][];
}

/** The separator a language's spreadsheet software expects by default. */
export function defaultSeparator(language: 'en' | 'fr'): ReportSeparator {
  return language === 'fr' ? ';' : ',';
}

/**
 * Numbers as that software reads them: with a semicolon separator the decimal mark is a comma ("0,25"), as French
 * Excel and LibreOffice parse it; no grouping of thousands, which would make numbers text.
 */
function csvNumber(value: number, separator: ReportSeparator): string {
  const text = String(Math.round(value * 1e6) / 1e6);
  return separator === ';' ? text.replace('.', ',') : text;
}

export async function writeReport(table: ReportTable, format: ReportFormat, separator: ReportSeparator): Promise<Buffer> {
  if (format === 'csv') {
    const cell = (value: ReportCell) => (value === null ? '' : typeof value === 'number' ? csvNumber(value, separator) : value);
    return writeCsv([table.columns, ...table.rows.map((row) => row.map(cell))], separator);
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(table.sheet.slice(0, 31));
  sheet.addRow(table.columns).font = { bold: true };
  for (const row of table.rows) sheet.addRow(row.map((value) => value ?? undefined));
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  table.columns.forEach((title, index) => {
    const longest = Math.max(title.length, ...table.rows.slice(0, 500).map((row) => String(row[index] ?? '').length));
    sheet.getColumn(index + 1).width = Math.min(60, Math.max(10, longest + 2));
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
