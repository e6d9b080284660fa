// Reads and writes one table of cells as CSV or XLSX, the way spreadsheet users produce them.
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { formatPath, problem as makeProblem, type Problem } from '../model/problem.js';
import { INVALID_TEXT_MESSAGE, isInvalidText } from '../model/text.js';
import { readCsvRows } from './csv-rows.js';
import { FORMULA_START, type ReadTableOptions, type ReadTableResult, type TableFormat, type TableRow } from './table-cells.js';
import { readTableInWorker } from './table-workers.js';
import { checkXlsx, readXlsxRows } from './xlsx-rows.js';

export {
  cellText,
  detectDelimiter,
  escapeXlsxText,
  isBlank,
  MAX_UNCOMPRESSED_BYTES,
  type CellValue,
  type ReadTableOptions,
  type ReadTableResult,
  type ReadThread,
  type TableFormat,
  type TableRow,
} from './table-cells.js';

/** CSV files up to this size are read on the calling thread: parsing them takes a few milliseconds. */
export const INLINE_CSV_BYTES = 128 * 1024;
/**
 * XLSX workbooks whose parts to read declare at most this much XML in all are read on the calling thread (a part that
 * inflates beyond its declared size is refused there); so are the small parts that locate the data in larger ones.
 */
export const INLINE_XLSX_BYTES = 1024 * 1024;

/**
 * Reads the rows of a CSV file or of one XLSX worksheet, as a stream that stops at `maxRows` non-blank rows and, for
 * XLSX, at `maxUncompressedBytes` of XML (declared sizes checked before inflating, real bytes counted while
 * inflating). Small files are read on the calling thread; larger ones on a worker thread, so that the event loop
 * keeps serving other requests while a large or hostile file is read or refused.
 */
export async function readTable(data: Buffer | Uint8Array, format: TableFormat, options: ReadTableOptions = {}): Promise<ReadTableResult> {
  return refuseInvalidCells(await readRows(data, format, options));
}

/**
 * Cells holding text the database cannot store (a NUL byte in a CSV) make the file unreadable as a whole, each one
 * named by row and column, rather than failing the import's transaction.
 */
function refuseInvalidCells(result: ReadTableResult): ReadTableResult {
  if (result.problems.length > 0) return result;
  const problems: Problem[] = [];
  for (const row of result.rows) {
    for (const [index, cell] of row.cells.entries()) {
      if (typeof cell !== 'string' || !isInvalidText(cell)) continue;
      const column = columnLetters(index);
      problems.push({
        path: `rows[${row.number}]`,
        rule: 'invalid_text',
        value: cell.slice(0, 200),
        message: `cell ${column}${row.number}: ${INVALID_TEXT_MESSAGE}`,
        row: row.number,
        column,
      });
      if (problems.length >= 20) return { rows: [], truncated: false, problems };
    }
  }
  return problems.length > 0 ? { rows: [], truncated: false, problems } : result;
}

/** 0 → A, 25 → Z, 26 → AA: a column as spreadsheet software names it. */
function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

async function readRows(data: Buffer | Uint8Array, format: TableFormat, options: ReadTableOptions): Promise<ReadTableResult> {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const thread = options.thread ?? 'auto';
  if (thread === 'worker') return readTableInWorker(buffer, format, options);
  if (format === 'csv')
    return thread === 'inline' || buffer.length <= INLINE_CSV_BYTES ? readCsvRows(buffer, options) : readTableInWorker(buffer, format, options);
  if (thread === 'inline') return readXlsxRows(buffer, options);
  // Bombs and damaged files are refused here in a few milliseconds, from the ZIP directory and the workbook's small parts.
  const checked = await checkXlsx(buffer, options, INLINE_XLSX_BYTES);
  if ('result' in checked) return checked.result;
  return checked.bytes <= INLINE_XLSX_BYTES ? readXlsxRows(buffer, options) : readTableInWorker(buffer, format, options);
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

  protected add(
    column: { index: number; header: string } | undefined,
    relative: ReadonlyArray<PropertyKey>,
    rule: string,
    message: string,
    value: unknown,
  ): void {
    this.reported.add(formatPath(relative));
    this.located.push({
      problem: {
        ...makeProblem(['rows', this.row.number, ...relative], rule, value, message),
        row: this.row.number,
        ...(column ? { column: column.header } : {}),
      },
      order: column ? column.index : -1,
    });
  }
}
