// Worker thread of readTableInWorker: reads one CSV file or XLSX worksheet and sends its rows back in batches.
import { parentPort, workerData } from 'node:worker_threads';
import { readCsvRows } from './csv-rows.js';
import type { ReadTableOptions, TableFormat, TableRow } from './table-cells.js';
import type { Problem } from '../model/problem.js';
import { readXlsxRows } from './xlsx-rows.js';

/** What the parent passes at start-up. */
export interface TableWorkerData {
  data: Uint8Array;
  format: TableFormat;
  /** Without `onProgress` (a function does not cross threads); `progress` says whether to send progress messages. */
  options: Omit<ReadTableOptions, 'onProgress'> & { progress?: boolean };
}

/** Worker → parent: rows in file order, then the end (or a failure). */
export type TableWorkerMessage =
  | { type: 'rows'; rows: TableRow[] }
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; truncated: boolean; problems: Problem[] }
  | { type: 'error'; message: string };

/** Rows per message: the parent deserialises each batch in its own turn of the event loop, never a whole file at once. */
const BATCH = 1000;

const port = parentPort;
if (port) {
  const { data, format, options: given } = workerData as TableWorkerData;
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const { progress, ...rest } = given;
  const options: ReadTableOptions = progress
    ? { ...rest, onProgress: (done, total) => port.postMessage({ type: 'progress', done, total } satisfies TableWorkerMessage) }
    : rest;
  (format === 'csv' ? readCsvRows(buffer, options) : readXlsxRows(buffer, options)).then(
    (result) => {
      for (let first = 0; first < result.rows.length; first += BATCH)
        port.postMessage({ type: 'rows', rows: result.rows.slice(first, first + BATCH) } satisfies TableWorkerMessage);
      port.postMessage({ type: 'done', truncated: result.truncated, problems: result.problems } satisfies TableWorkerMessage);
    },
    (error: unknown) => port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies TableWorkerMessage),
  );
}
