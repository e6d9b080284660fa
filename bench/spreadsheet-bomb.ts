// Spreadsheet bombs (issue 9, item 2): /api/health latency and peak memory while two bombs are refused by a real
// listening server, against the old whole-workbook reader (exceljs `xlsx.load`) measured in the same run.
// Each phase runs in its own child process, so that its memory is its own.
// Run: npx tsx bench/spreadsheet-bomb.ts [--rows 400000] [--columns 20] [--baseline-rows 400000]
//   The old reader takes minutes and several GB per full-size bomb: --baseline-rows 100000 gives a quicker, smaller baseline.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { credentialHeaders, smallModel, startTestApp } from '../test/support/app.js';
import { postFileFromWorker, watchHealth } from '../test/support/health-watch.js';
import { forgeSheetSize, writeXlsxBomb } from '../test/support/xlsx-bomb.js';
import { MAX_UNCOMPRESSED_BYTES } from '../src/interchange/table-file.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MB = 1024 * 1024;

/** `bombs`: one bomb to each import route; `same-route`: two to the activities route; `baseline`: the old reader, twice at once. */
type Phase = 'bombs' | 'same-route' | 'baseline';

interface PhaseResult {
  phase: Phase;
  label: string;
  seconds: number;
  outcomes: string[];
  health: { count: number; p50: number; p99: number; max: number };
  rssBeforeMb: number;
  peakRssMb: number;
}

// ---------------------------------------------------------------------------------------------------------------------
// The old reader, kept here only as the baseline: the whole workbook in memory, then its rows (src/interchange/table-file.ts before the fix).

const IGNORED_NODES = [
  'dataValidations',
  'conditionalFormatting',
  'hyperlinks',
  'drawing',
  'picture',
  'extLst',
  'mergeCells',
  'rowBreaks',
  'tableParts',
  'headerFooter',
  'pageSetup',
  'printOptions',
];

async function oldReadXlsx(buffer: Buffer, maxRows: number): Promise<{ rows: number; truncated: boolean }> {
  const workbook = await new ExcelJS.Workbook().xlsx.load(buffer as unknown as Parameters<ExcelJS.Xlsx['load']>[0], { ignoreNodes: IGNORED_NODES });
  const sheet = workbook.worksheets[0];
  let rows = 0;
  let truncated = false;
  sheet?.eachRow((row) => {
    if (truncated) return;
    const values = Array.isArray(row.values) ? row.values : [];
    if (values.every((value) => value === null || value === undefined || value === '')) return;
    if (rows >= maxRows) truncated = true;
    else rows++;
  });
  return { rows, truncated };
}

// ---------------------------------------------------------------------------------------------------------------------
// One phase, in a child process

function health(base: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${base}/api/health`, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;

async function runPhase(phase: Phase, file: string, label: string): Promise<PhaseResult> {
  const t = await startTestApp();
  const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const status = await health(base);
  if (status !== 200) throw new Error(`health answered ${status}`);
  await t.request({ method: 'PUT', url: '/api/orgs/bench/model', payload: smallModel() });

  const rssBefore = process.memoryUsage().rss;
  // Polled from a worker thread: a blocked event loop shows as slow answers, never as polls left out.
  const watch = watchHealth(base);
  // Let the poller take its first measures before the bombs land.
  await new Promise((resolve) => setTimeout(resolve, 100));

  const started = performance.now();
  const describe = (response: { status: number; text: string }) => {
    const detail = (JSON.parse(response.text) as { error?: { details?: Array<{ rule: string }> } }).error?.details?.[0];
    return `${response.status} ${detail?.rule ?? ''}`.trim();
  };
  let outcomes: string[];
  if (phase === 'baseline') {
    // What the old import route did on the event loop, twice at once (the upload itself is left out: it favours the baseline).
    const bomb = readFileSync(file);
    const results = await Promise.all([oldReadXlsx(bomb, 50_001), oldReadXlsx(bomb, 20_001)]);
    outcomes = results.map((result) => (result.truncated ? `too_many_rows after ${result.rows} rows` : `${result.rows} rows`));
  } else {
    // Uploaded from worker threads, as from other machines: the server's thread neither copies nor writes the bodies.
    // `same-route`: the activities route reads the file before opening a transaction; the risks route reads it inside
    // one, which on the embedded database holds every other query (health's included) while a large file is read.
    const routes = phase === 'same-route' ? ['activities.sheet', 'activities.sheet'] : ['activities.sheet', 'risks.sheet'];
    const headers = { ...credentialHeaders(t.owner.session, 'POST'), 'content-type': XLSX };
    outcomes = (await Promise.all(routes.map((route) => postFileFromWorker(`${base}/api/orgs/bench/${route}`, headers, file)))).map(describe);
  }
  const seconds = (performance.now() - started) / 1000;
  const { latencies, peakRss } = await watch.stop();
  await t.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    phase,
    label,
    seconds,
    outcomes,
    health: { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] },
    rssBeforeMb: rssBefore / MB,
    peakRssMb: peakRss / MB,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// The run: bombs written once to files, each phase in a child process

async function main(): Promise<void> {
  const rows = Number(option('rows', '400000'));
  const columns = Number(option('columns', '20'));
  const baselineRows = Number(option('baseline-rows', String(rows)));
  const folder = mkdtempSync(join(tmpdir(), 'rempart-bomb-'));
  try {
    const files: Array<{ phase: Phase; file: string; label: string; heapMb?: number }> = [];
    const write = async (name: string, bombRows: number) => {
      const bomb = await writeXlsxBomb({ rows: bombRows, columns });
      const file = join(folder, `${name}.xlsx`);
      writeFileSync(file, bomb.file);
      console.log(
        `${name}: ${bombRows} rows × ${columns} cells, ${(bomb.file.length / MB).toFixed(1)} MB of XLSX, ${(bomb.sheetXmlBytes / MB).toFixed(0)} MB of XML`,
      );
      return { file, bomb };
    };
    const full = await write('bomb', rows);
    files.push({ phase: 'bombs', file: full.file, label: `new reader, 2 × ${rows} rows (activities + risks routes)` });
    const forgedFile = join(folder, 'forged.xlsx');
    const declared = MAX_UNCOMPRESSED_BYTES - 5 * MB;
    writeFileSync(forgedFile, forgeSheetSize(full.bomb.file, declared));
    files.push({ phase: 'same-route', file: forgedFile, label: `new reader, 2 × ${rows} rows declaring ${(declared / MB).toFixed(0)} MB (activities route)` });
    const small = baselineRows === rows ? full : await write('baseline', baselineRows);
    if (baselineRows !== rows) files.push({ phase: 'same-route', file: small.file, label: `new reader, 2 × ${baselineRows} rows (activities route)` });
    // Two whole workbooks at once need about twice the 4 GB one takes: the baseline's child gets the heap for it.
    files.push({
      phase: 'baseline',
      file: small.file,
      label: `old reader (exceljs load), 2 × ${baselineRows} rows`,
      heapMb: Math.max(4096, Math.ceil((baselineRows / 400_000) * 12_288)),
    });

    const results: PhaseResult[] = [];
    for (const entry of files) {
      process.stdout.write(`running: ${entry.label}…\n`);
      const execArgv = [...process.execArgv, ...(entry.heapMb ? [`--max-old-space-size=${entry.heapMb}`] : [])];
      const output = execFileSync(process.execPath, [...execArgv, new URL(import.meta.url).pathname, '--child', entry.phase, entry.file, entry.label], {
        encoding: 'utf8',
        maxBuffer: 64 * MB,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      results.push(JSON.parse(output.trim().split('\n').at(-1)!) as PhaseResult);
    }

    const ms = (value: number) => `${value.toFixed(0)} ms`.padStart(9);
    console.log('');
    console.log(
      `${'phase'.padEnd(78)} ${'time'.padStart(8)} ${'health p50'.padStart(10)} ${'p99'.padStart(9)} ${'max'.padStart(9)} ${'polls'.padStart(6)} ${'RSS before'.padStart(11)} ${'peak RSS'.padStart(9)}  outcome`,
    );
    for (const result of results)
      console.log(
        `${result.label.padEnd(78)} ${`${result.seconds.toFixed(1)} s`.padStart(8)} ${ms(result.health.p50).padStart(10)} ${ms(result.health.p99)} ${ms(result.health.max)} ${String(result.health.count).padStart(6)} ${`${result.rssBeforeMb.toFixed(0)} MB`.padStart(11)} ${`${result.peakRssMb.toFixed(0)} MB`.padStart(9)}  ${result.outcomes.join(', ')}`,
      );
    console.log(
      '\nHealth: GET /api/health every 20 ms from a worker thread, latency from sending to the answer. RSS: the whole process (server, embedded database, client), sampled every 10 ms from that thread.',
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (args[0] === '--child') {
  const result = await runPhase(args[1] as Phase, args[2], args[3]);
  console.log(JSON.stringify(result));
  process.exit(0);
} else {
  await main();
}
