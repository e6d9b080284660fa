// Renders report documents on a worker thread, kept warm across reports: starting one costs tens of milliseconds
// from built JavaScript (about a second under tsx), more than rendering most reports. The thread never keeps the
// process alive, and one that dies is replaced at the next report.
import { Worker } from 'node:worker_threads';
import type { ReportDocument } from './report-document.js';
import type { RenderAnswer, RenderRequest } from './report-render-worker.js';

/** Heap of the rendering thread: a report far beyond this is a bug, and the thread ends alone, never the server. */
const WORKER_HEAP_MB = 512;

let worker: Worker | undefined;
let next = 0;
const pending = new Map<number, { resolve: (bytes: Buffer) => void; reject: (error: Error) => void }>();

/** Starts the thread on the entry beside this file; from TypeScript sources through tsx's hooks, as table-workers.ts does. */
function startWorker(): Worker {
  const self = import.meta.url;
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  if (!self.endsWith('.ts')) return new Worker(new URL('./report-render-worker.js', self), { resourceLimits });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./report-render-worker.ts', self).href;
  const bootstrap =
    `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })` +
    `.catch((error) => { console.error(error); process.exit(1); });`;
  return new Worker(bootstrap, { eval: true, resourceLimits });
}

function failAll(error: Error): void {
  for (const waiting of pending.values()) waiting.reject(error);
  pending.clear();
}

function thread(): Worker {
  if (worker) return worker;
  const started = startWorker();
  started.on('message', (answer: RenderAnswer) => {
    const waiting = pending.get(answer.id);
    if (!waiting) return;
    pending.delete(answer.id);
    if ('error' in answer) waiting.reject(new Error(`rendering the report failed: ${answer.error}`));
    else waiting.resolve(Buffer.from(answer.bytes.buffer, answer.bytes.byteOffset, answer.bytes.byteLength));
    if (pending.size === 0) started.unref();
  });
  started.on('error', (error) => {
    if (worker === started) worker = undefined;
    failAll(error);
  });
  started.on('exit', (code) => {
    if (worker === started) worker = undefined;
    failAll(new Error(`the report renderer stopped (exit code ${code})`));
  });
  started.unref();
  worker = started;
  return started;
}

/** The document as PDF or XLSX bytes, rendered on the rendering thread. */
export function renderReportInWorker(document: ReportDocument, format: 'pdf' | 'xlsx'): Promise<Buffer> {
  const running = thread();
  const id = ++next;
  return new Promise<Buffer>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    // Held while it works: a process waiting for a report does not exit under it.
    running.ref();
    running.postMessage({ id, format, document } satisfies RenderRequest);
  });
}

/** Ends the rendering thread (tests, shutdown); the next report starts another. */
export async function closeReportRenderer(): Promise<void> {
  const running = worker;
  worker = undefined;
  await running?.terminate();
}
