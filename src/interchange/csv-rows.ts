// Reads the rows of a CSV file as a stream: decoded and parsed in slices, stopped at the row limit instead of parsing everything first.
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import {
  detectDelimiter,
  fileProblem,
  isBlank,
  PROGRESS_STEP,
  unescapeFormula,
  type CellValue,
  type ReadTableOptions,
  type ReadTableResult,
  type TableRow,
} from './table-cells.js';

/** Bytes decoded at a time. */
const SLICE = 256 * 1024;

/** The text of the file in slices: UTF-8 (BOM removed), or Windows-1252 when the bytes are not valid UTF-8. */
function* textSlices(buffer: Buffer, onProgress?: (done: number, total: number) => void): Generator<string> {
  // Excel's plain "CSV" on French Windows saves Windows-1252, not UTF-8: accept it rather than mangle every accent.
  const decoder = new TextDecoder(isUtf8(buffer) ? 'utf-8' : 'windows-1252');
  for (let offset = 0; offset < buffer.length; offset += SLICE) {
    const text = decoder.decode(buffer.subarray(offset, offset + SLICE), { stream: true });
    // The parser asks for the next slice once it has parsed this one.
    if (offset > 0 && offset % PROGRESS_STEP === 0) onProgress?.(offset, buffer.length);
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** The first line's delimiter, looked for in the first megabyte of text. */
function delimiterOf(buffer: Buffer): ',' | ';' | '\t' {
  const head = buffer.subarray(0, 1024 * 1024);
  const text = new TextDecoder(isUtf8(buffer) ? 'utf-8' : 'windows-1252').decode(head);
  return detectDelimiter(text);
}

/** Reads the records of a CSV file up to `maxRows` non-blank ones; one record is one spreadsheet row. */
export async function readCsvRows(buffer: Buffer, options: ReadTableOptions): Promise<ReadTableResult> {
  const parser = parse({
    delimiter: delimiterOf(buffer),
    // Files edited by hand or glued together mix line endings.
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
  });
  const source = Readable.from(textSlices(buffer, options.onProgress), { objectMode: false });
  source.pipe(parser);
  const rows: TableRow[] = [];
  const max = options.maxRows ?? Infinity;
  let index = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      index++;
      const cells: CellValue[] = record.map(unescapeFormula);
      if (cells.every(isBlank)) continue;
      // One record is one spreadsheet row, even when a quoted cell spans several lines of text.
      if (rows.length >= max) {
        options.onProgress?.(buffer.length, buffer.length);
        return { rows, truncated: true, problems: [] };
      }
      rows.push({ number: index, cells });
    }
  } catch (error) {
    // csv-parse names the line of text where it gave up, which is not a spreadsheet row: keep it in the message only.
    const message = error instanceof Error ? error.message : String(error);
    return fileProblem('csv_syntax', '', message);
  } finally {
    source.unpipe(parser);
    source.destroy();
    parser.destroy();
  }
  options.onProgress?.(buffer.length, buffer.length);
  return { rows, truncated: false, problems: [] };
}
