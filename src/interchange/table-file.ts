// Reads and writes one table of cells as CSV or XLSX, the way spreadsheet users produce them.
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { formatPath, problem as makeProblem, type Problem } from '../model/problem.js';

/** A cell as read: text, or a number when the spreadsheet stored one; `''` when empty. */
export type CellValue = string | number;

/** A row that holds at least one non-blank cell, with its number as the spreadsheet shows it (1-based). */
export interface TableRow {
  number: number;
  /** Cells by column position (0 = column A); missing cells are `''`. */
  cells: CellValue[];
}

export interface ReadTableOptions {
  /** XLSX: the worksheet to read, matched case-insensitively; the first worksheet when absent. */
  sheetName?: string;
  /** Keep at most this many non-blank rows; more set `truncated`, so callers refuse oversized files without converting them. */
  maxRows?: number;
}

export interface ReadTableResult {
  /** Non-blank rows in file order; blank rows are skipped but still counted in row numbers. */
  rows: TableRow[];
  /** True when reading stopped at `maxRows` with more rows left. */
  truncated: boolean;
  /** Problems that prevent reading the file at all (unreadable XLSX, broken CSV quoting). */
  problems: Problem[];
}

export type TableFormat = 'csv' | 'xlsx';

/**
 * Text that starts with these would run as a formula when Excel opens a CSV file, so `csv-stringify`'s
 * `escape_formulas` puts a `'` before it. Text that already starts with `'` and one of them gets one more `'`,
 * so that reading can always remove exactly one.
 */
const FORMULA_START = /^'*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const FORMULA_ESCAPED = /^'+[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** True for `''`, and for text made of spaces only. */
export function isBlank(cell: CellValue | undefined): boolean {
  return cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}

/** The cell as text; numbers as JavaScript writes them, which read back to the same number. */
export function cellText(cell: CellValue | undefined): string {
  if (cell === undefined) return '';
  return typeof cell === 'number' ? String(cell) : cell;
}

function unescapeFormula(text: string): string {
  return FORMULA_ESCAPED.test(text) ? text.slice(1) : text;
}

/**
 * XLSX text as written for `readTable`: cells never run as formulas there, but a CSV file opened and saved again
 * in Excel keeps the `'` of defused formulas, so reading removes one `'` before a formula character in both formats.
 */
export function escapeXlsxText(text: string): string {
  return FORMULA_ESCAPED.test(text) ? `'${text}` : text;
}

/** Reads the rows of a CSV file or of one XLSX worksheet. */
export async function readTable(data: Buffer | Uint8Array, format: TableFormat, options: ReadTableOptions = {}): Promise<ReadTableResult> {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return format === 'csv' ? readCsv(buffer, options) : readXlsx(buffer, options);
}

function decodeText(buffer: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    // Excel's plain "CSV" on French Windows saves Windows-1252, not UTF-8: accept it rather than mangle every accent.
    text = new TextDecoder('windows-1252').decode(buffer);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The delimiter used most on the header line, outside quotes: `,` by default, `;` from French Excel, or tab. */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) {
      // Leading blank lines say nothing about the delimiter.
      if (counts[','] + counts[';'] + counts['\t'] > 0) break;
    } else if (!quoted && char in counts) counts[char as keyof typeof counts]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

function readCsv(buffer: Buffer, options: ReadTableOptions): ReadTableResult {
  const text = decodeText(buffer);
  let records: string[][];
  try {
    records = parseCsv(text, {
      delimiter: detectDelimiter(text),
      // Files edited by hand or glued together mix line endings.
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    });
  } catch (error) {
    // csv-parse names the line of text where it gave up, which is not a spreadsheet row: keep it in the message only.
    const message = error instanceof Error ? error.message : String(error);
    return { rows: [], truncated: false, problems: [{ path: 'file', rule: 'csv_syntax', value: '', message }] };
  }
  const rows: TableRow[] = [];
  const max = options.maxRows ?? Infinity;
  for (let index = 0; index < records.length; index++) {
    const cells: CellValue[] = records[index].map(unescapeFormula);
    if (cells.every(isBlank)) continue;
    // One record is one spreadsheet row, even when a quoted cell spans several lines of text.
    if (rows.length >= max) return { rows, truncated: true, problems: [] };
    rows.push({ number: index + 1, cells });
  }
  return { rows, truncated: false, problems: [] };
}

function xlsxCell(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return unescapeFormula(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString();
  if ('richText' in value) return unescapeFormula(value.richText.map((run) => run.text).join(''));
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as ExcelJS.CellFormulaValue).result;
    if (result === undefined || result === null) return '';
    if (typeof result === 'object' && 'error' in result) return result.error;
    return xlsxCell(result as ExcelJS.CellValue);
  }
  if ('hyperlink' in value) return xlsxCell(value.text as ExcelJS.CellValue);
  if ('error' in value) return value.error;
  return '';
}

function rowCells(values: ExcelJS.CellValue[] | { [key: string]: ExcelJS.CellValue }): CellValue[] {
  // exceljs gives a sparse array whose index 1 is column A.
  const list = Array.isArray(values) ? values : [];
  const cells: CellValue[] = [];
  for (let col = 1; col < list.length; col++) cells.push(xlsxCell(list[col]));
  return cells;
}

/** True when the bytes start like a ZIP archive, as every XLSX does. */
function looksLikeZip(buffer: Buffer): boolean {
  return buffer.length >= 4 && buffer[0] === 0x50 && buffer[1] === 0x4b && buffer[2] === 0x03 && buffer[3] === 0x04;
}

async function readXlsx(buffer: Buffer, options: ReadTableOptions): Promise<ReadTableResult> {
  const unreadable = (message: string): ReadTableResult => ({
    rows: [],
    truncated: false,
    problems: [{ path: 'file', rule: 'unreadable_file', value: '', message }],
  });
  if (!looksLikeZip(buffer)) return unreadable('this is not an XLSX workbook (save it from Excel as "Excel Workbook (.xlsx)", or import it as CSV)');
  // Not exceljs's streaming reader: it is faster, but it copies worksheets into temporary files that stay behind
  // whenever reading stops early or fails, leaving users' data on disk.
  let workbook: ExcelJS.Workbook;
  try {
    // exceljs declares its own `Buffer` as an ArrayBuffer; at run time it takes a Node Buffer.
    workbook = await new ExcelJS.Workbook().xlsx.load(buffer as unknown as Parameters<ExcelJS.Xlsx['load']>[0], { ignoreNodes: IGNORED_NODES });
  } catch (error) {
    return unreadable(`the XLSX workbook cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  return readXlsxLoaded(workbook, options);
}

/**
 * Parts of a worksheet that play no role in reading values. Data validations in particular: exceljs expands
 * each validated range into one entry per cell, so a validation on whole columns would exhaust memory.
 */
const IGNORED_NODES = ['dataValidations', 'conditionalFormatting', 'hyperlinks', 'drawing', 'picture', 'extLst', 'mergeCells', 'rowBreaks', 'tableParts', 'headerFooter', 'pageSetup', 'printOptions'];

function sheetMatches(name: string | undefined, wanted: string | undefined): boolean {
  return wanted !== undefined && name !== undefined && name.trim().toLowerCase() === wanted.toLowerCase();
}

function readXlsxLoaded(workbook: ExcelJS.Workbook, options: ReadTableOptions): ReadTableResult {
  const sheet = workbook.worksheets.find((candidate) => sheetMatches(candidate.name, options.sheetName)) ?? workbook.worksheets[0];
  const rows: TableRow[] = [];
  if (!sheet) return { rows, truncated: false, problems: [] };
  const max = options.maxRows ?? Infinity;
  let truncated = false;
  // eachRow visits only the rows the file holds: a formatted cell on row 1,048,576 must not create a million rows.
  sheet.eachRow((row, number) => {
    if (truncated) return;
    const cells = rowCells(row.values);
    if (cells.every(isBlank)) return;
    if (rows.length >= max) truncated = true;
    else rows.push({ number, cells });
  });
  return { rows, truncated, problems: [] };
}

/**
 * CSV text for rows of text cells, UTF-8 with a BOM so that Excel reads accents right, CRLF line ends, and
 * cells that Excel would run as formulas (`=`, `+`, `-`, `@`…) prefixed by `'` (removed again by `readTable`).
 */
export function writeCsv(rows: string[][], delimiter: ',' | ';' = ','): Buffer {
  const escaped = rows.map((row) => row.map((cell) => (cell.startsWith("'") && FORMULA_START.test(cell) ? `'${cell}` : cell)));
  // With CRLF records csv-stringify only quotes cells holding CRLF: a bare line feed would split the row.
  const text = stringifyCsv(escaped, { delimiter, bom: true, record_delimiter: 'windows', escape_formulas: true, quoted_match: /[\r\n]/ });
  return Buffer.from(text, 'utf8');
}

/** A problem of a data row, with the column position it sorts by (-1: the row as a whole). */
export interface LocatedProblem {
  problem: Problem;
  order: number;
}

/**
 * Collects the problems of one data row, each named by row number and column header, and remembers
 * which paths were reported so that the schema check afterwards does not report them again.
 */
export class RowProblems {
  readonly located: LocatedProblem[] = [];
  /** Paths already reported (`mtpd`, `staff[1]`), relative to the row's item. */
  readonly reported = new Set<string>();
  constructor(readonly row: TableRow) {}

  protected add(column: { index: number; header: string } | undefined, relative: ReadonlyArray<PropertyKey>, rule: string, message: string, value: unknown): void {
    this.reported.add(formatPath(relative));
    this.located.push({
      problem: { ...makeProblem(['rows', this.row.number, ...relative], rule, value, message), row: this.row.number, ...(column ? { column: column.header } : {}) },
      order: column ? column.index : -1,
    });
  }
}
