// Clients on worker threads for tests and benchmarks that run the server in-process: /api/health polled (and the
// process's memory sampled) on time even while the server's event loop is blocked, so a blocked loop shows as slow
// answers instead of missing polls; large uploads sent without the server's thread copying or writing them.
import { Worker } from 'node:worker_threads';

export interface HealthWatch {
  /** Stops polling; resolves with the latency of every poll (ms, from the moment it was sent) and the highest RSS seen. */
  stop(): Promise<{ latencies: number[]; statuses: number[]; peakRss: number }>;
}

// Plain JavaScript (an eval worker is CommonJS), so that it runs the same under tsx, vitest and built code.
const POLLER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const latencies = [];
const statuses = [];
let peakRss = process.memoryUsage.rss();
let running = true;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); }, 10);
parentPort.on('message', () => { running = false; });
const poll = () => new Promise((resolve) => {
  const started = performance.now();
  const request = http.get(workerData.url, (response) => {
    response.resume();
    response.on('end', () => { latencies.push(performance.now() - started); statuses.push(response.statusCode); resolve(); });
  });
  request.on('error', () => { latencies.push(performance.now() - started); statuses.push(0); resolve(); });
});
(async () => {
  while (running) {
    await poll();
    await new Promise((resolve) => setTimeout(resolve, workerData.intervalMs));
  }
  clearInterval(sampler);
  parentPort.postMessage({ latencies, statuses, peakRss });
  parentPort.close();
})();
`;

/** Starts polling `${base}/api/health` every `intervalMs` (after each answer). */
export function watchHealth(base: string, intervalMs = 20): HealthWatch {
  const worker = new Worker(POLLER, { eval: true, workerData: { url: `${base}/api/health`, intervalMs } });
  const result = new Promise<{ latencies: number[]; statuses: number[]; peakRss: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const measures = await result;
      await worker.terminate();
      return measures;
    },
  };
}

const UPLOADER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const fs = require('node:fs');
const body = fs.readFileSync(workerData.path);
const request = http.request(workerData.url, { method: 'POST', headers: { ...workerData.headers, 'content-length': String(body.length) } }, (response) => {
  const chunks = [];
  response.on('data', (chunk) => chunks.push(chunk));
  response.on('end', () => parentPort.postMessage({ status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
});
request.on('error', (error) => parentPort.postMessage({ status: 0, text: String(error) }));
request.end(body);
`;

/**
 * POSTs the file at `path` from a worker thread, as a client on another machine would: the test's own thread,
 * which runs the server, neither copies nor writes the body.
 */
export async function postFileFromWorker(url: string, headers: Record<string, string>, path: string): Promise<{ status: number; text: string }> {
  const worker = new Worker(UPLOADER, { eval: true, workerData: { url, headers, path } });
  try {
    return await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}
