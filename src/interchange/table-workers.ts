// Runs table reading on worker threads (node:worker_threads), a few at a time, so that a large or hostile spreadsheet never blocks the server's event loop.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { fileProblem, type ReadTableOptions, type ReadTableResult, type TableFormat, type TableRow } from './table-cells.js';
import type { TableWorkerData, TableWorkerMessage } from './table-worker.js';

/** Readers running at once; the others wait their turn. One core stays for the event loop. */
export const MAX_TABLE_WORKERS = Math.max(1, Math.min(2, availableParallelism() - 1));

/**
 * Heap of one reading worker. Reading is bounded by rows and inflated bytes already; this is the last fence, and a
 * worker that reaches it ends alone, never the server.
 */
const WORKER_HEAP_MB = 384;

let running = 0;
const waiting: Array<() => void> = [];

async function acquire(): Promise<void> {
  if (running < MAX_TABLE_WORKERS) {
    running++;
    return;
  }
  // release() hands its slot over: `running` stays the same.
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function release(): void {
  const next = waiting.shift();
  if (next) next();
  else running--;
}

/**
 * Starts a worker on the entry file beside this one, as `montecarlo-workers.ts` does. Built JavaScript runs
 * table-worker.js directly. From TypeScript sources (tsx, vitest) the worker is table-worker.ts and needs tsx's
 * loader in its own thread: on Node 20, `execArgv: ['--import', 'tsx']` does not reach worker threads, so a
 * one-line bootstrap registers tsx's ESM hooks in the worker and then imports the entry.
 */
function startWorker(workerData: TableWorkerData): Worker {
  const self = import.meta.url;
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  if (!self.endsWith('.ts')) return new Worker(new URL('./table-worker.js', self), { workerData, resourceLimits });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./table-worker.ts', self).href;
  const bootstrap =
    `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })` +
    `.catch((error) => { console.error(error); process.exit(1); });`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits });
}

/** Reads the table on a worker thread; the same result as reading it on this thread. */
export async function readTableInWorker(buffer: Buffer, format: TableFormat, options: ReadTableOptions): Promise<ReadTableResult> {
  await acquire();
  let worker: Worker | undefined;
  try {
    // The worker gets its own copy of the bytes (structured clone): the request's buffer stays the caller's.
    const { onProgress, ...cloneable } = options;
    worker = startWorker({ data: buffer, format, options: { ...cloneable, thread: 'inline', progress: onProgress !== undefined } });
    const running = worker;
    return await new Promise<ReadTableResult>((resolve, reject) => {
      const rows: TableRow[] = [];
      let settled = false;
      const settle = (result: ReadTableResult | Error): void => {
        if (settled) return;
        settled = true;
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      running.on('message', (message: TableWorkerMessage) => {
        if (message.type === 'rows') for (const row of message.rows) rows.push(row);
        else if (message.type === 'progress') onProgress?.(message.done, message.total);
        else if (message.type === 'done') settle({ rows, truncated: message.truncated, problems: message.problems });
        else settle(new Error(`reading the table failed: ${message.message}`));
      });
      running.on('error', (error: Error & { code?: string }) => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY')
          settle(fileProblem('unreadable_file', '', `the file needs more than ${WORKER_HEAP_MB} MB of memory to read: split it into smaller files`));
        else settle(error);
      });
      running.on('exit', (code) => settle(new Error(`the table reader stopped (exit code ${code}) before it finished`)));
    });
  } finally {
    // The worker's memory is gone before the next reader starts.
    await worker?.terminate();
    release();
  }
}
