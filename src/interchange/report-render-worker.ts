// Worker thread of renderReportInWorker: turns report documents into PDF or XLSX bytes, one request at a time,
// away from the event loop that serves HTTP (a report with a dozen charts and tables takes a few hundred ms of CPU).
import { parentPort } from 'node:worker_threads';
import type { ReportDocument } from './report-document.js';
import { reportPdf } from './report-pdf.js';
import { reportXlsx } from './report-xlsx.js';

export interface RenderRequest {
  id: number;
  format: 'pdf' | 'xlsx';
  document: ReportDocument;
}

export type RenderAnswer = { id: number; bytes: Uint8Array } | { id: number; error: string };

const port = parentPort;
port?.on('message', (request: RenderRequest) => {
  (request.format === 'pdf' ? reportPdf(request.document) : reportXlsx(request.document)).then(
    (bytes) => port.postMessage({ id: request.id, bytes } satisfies RenderAnswer, [bytes.buffer as ArrayBuffer]),
    (error: unknown) => port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies RenderAnswer),
  );
});
