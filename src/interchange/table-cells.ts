// The shapes and cell rules shared by the CSV and XLSX readers, on the main thread and in the reading worker.
import type { Problem } from '../model/problem.js';

/** A cell as read: text, or a number when the spreadsheet stored one; `''` when empty. */
export type CellValue = string | number;

/** A row that holds at least one non-blank cell, with its number as the spreadsheet shows it (1-based). */
export interface TableRow {
  number: number;
  /** Cells by column position (0 = column A); missing cells are `''`. */
  cells: CellValue[];
}

/** Where `readTable` does the work: `auto` reads small files on the calling thread and large ones in a worker thread. */
export type ReadThread = 'auto' | 'inline' | 'worker';

export interface ReadTableOptions {
  /** XLSX: the worksheet to read, matched case-insensitively; the first worksheet when absent. */
  sheetName?: string;
  /** Keep at most this many non-blank rows; more set `truncated`, so callers refuse oversized files without converting them. */
  maxRows?: number;
  /**
   * XLSX: the most XML a workbook may inflate to, counting every part read (worksheet, shared strings, styles,
   * workbook). Checked against the sizes the ZIP directory declares before inflating, and against the bytes really
   * inflated while reading. Default {@link MAX_UNCOMPRESSED_BYTES}.
   */
  maxUncompressedBytes?: number;
  /** Default `auto`; tests and benchmarks force one or the other. */
  thread?: ReadThread;
  /**
   * Called as reading goes, at most every megabyte or so: bytes read so far and in all (XLSX: XML inflated, out of
   * what the parts to read declare; CSV: bytes of the file). For an import run as a job, to report its progress.
   */
  onProgress?: (done: number, total: number) => void;
}

/** Bytes read between two progress reports. */
export const PROGRESS_STEP = 1024 * 1024;

export interface ReadTableResult {
  /** Non-blank rows in file order; blank rows are skipped but still counted in row numbers. */
  rows: TableRow[];
  /** True when reading stopped at `maxRows` with more rows left. */
  truncated: boolean;
  /**
   * Problems that prevent reading the file at all, at path `file`: `unreadable_file` (not an XLSX workbook, damaged
   * ZIP or XML), `csv_syntax` (broken quoting), `too_large_uncompressed` (value: the bytes of XML declared or inflated).
   */
  problems: Problem[];
}

export type TableFormat = 'csv' | 'xlsx';

/** 50 MB of worksheet XML is about 400,000 cells: far above the largest import (50,000 activities), far below a bomb. */
export const MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024;

/**
 * Text that starts with these would run as a formula when Excel opens a CSV file, so `csv-stringify`'s
 * `escape_formulas` puts a `'` before it. Text that already starts with `'` and one of them gets one more `'`,
 * so that reading can always remove exactly one.
 */
export const FORMULA_START = /^'*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
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

/** Removes the `'` that defuses a formula (see {@link escapeXlsxText}). */
export function unescapeFormula(text: string): string {
  return FORMULA_ESCAPED.test(text) ? text.slice(1) : text;
}

/**
 * XLSX text as written for `readTable`: cells never run as formulas there, but a CSV file opened and saved again
 * in Excel keeps the `'` of defused formulas, so reading removes one `'` before a formula character in both formats.
 */
export function escapeXlsxText(text: string): string {
  return FORMULA_ESCAPED.test(text) ? `'${text}` : text;
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

/** The result of a file that cannot be read at all. */
export function fileProblem(rule: string, value: unknown, message: string): ReadTableResult {
  return { rows: [], truncated: false, problems: [{ path: 'file', rule, value, message }] };
}

/** `12345678` → `11.8 MB`, for messages. */
export function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
