// Throughput of stored files: a 50 MB upload and download over loopback HTTP, on the embedded database (a data folder
// on disk) and on PostgreSQL, beside two baselines measured in the same run: the same bytes written to and read from a
// temporary file, and a bare Node HTTP server that discards the upload and sends the download from memory.
// Run: npx tsx bench/files.ts [--mb 50] [--runs 3]   (PostgreSQL: DATABASE_URL or the local server)
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { createUser } from '../src/operations/accounts.js';
import { createApiToken } from '../src/operations/members.js';
import { importModel } from '../src/operations/model-writer.js';
import { buildApp } from '../src/server/app.js';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';
import { syntheticModel } from './synthetic.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const MB = 1024 * 1024;
const size = option('--mb', 50) * MB;
const runs = option('--runs', 3);
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const data = randomBytes(size);
const PIECE = 64 * 1024;

/** The file as a sender streams it: 64 KiB at a time. */
function source(): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= data.length) return this.push(null);
      this.push(data.subarray(offset, offset + PIECE));
      offset += PIECE;
    },
  });
}

function post(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(size) } });
    request.on('response', (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () =>
        response.statusCode! < 300 ? resolve(Buffer.concat(parts).toString()) : reject(new Error(`${response.statusCode}: ${Buffer.concat(parts)}`)),
      );
    });
    request.on('error', reject);
    source().pipe(request);
  });
}

async function download(url: string, headers: Record<string, string>): Promise<void> {
  const response = await fetch(url, { headers });
  if (response.status !== 200) throw new Error(`download: ${response.status}`);
  let received = 0;
  for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) received += part.length;
  if (received !== size) throw new Error(`download: ${received} of ${size} bytes`);
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (size / MB / (performance.now() - started)) * 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface Row {
  label: string;
  upload: number;
  download: number;
}

async function measure(label: string, work: { upload(): Promise<unknown>; download(): Promise<unknown> }): Promise<Row> {
  const up: number[] = [];
  const down: number[] = [];
  for (let i = 0; i < runs; i++) {
    up.push(await timed(() => work.upload()));
    down.push(await timed(() => work.download()));
  }
  return { label, upload: median(up), download: median(down) };
}

async function tempFileBaseline(): Promise<Row> {
  const folder = await mkdtemp(join(tmpdir(), 'rempart-bench-files-'));
  const path = join(folder, 'file.bin');
  try {
    return await measure('baseline: temp file (fs streams)', {
      upload: () => pipeline(source(), createWriteStream(path)),
      download: async () => {
        let received = 0;
        for await (const part of createReadStream(path, { highWaterMark: PIECE })) received += (part as Buffer).length;
        if (received !== size) throw new Error('short read');
      },
    });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function bareHttpBaseline(): Promise<Row> {
  const server: Server = createServer((request, response) => {
    if (request.method === 'POST') {
      request.resume();
      request.on('end', () => response.end('{}'));
    } else {
      response.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream' });
      source().pipe(response);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  const url = `http://127.0.0.1:${address.port}/`;
  try {
    return await measure('baseline: bare node:http', { upload: () => post(url, {}), download: () => download(url, {}) });
  } finally {
    server.close();
  }
}

async function rempart(label: string, handle: DatabaseHandle): Promise<Row> {
  await importModel(handle.db, 'bench', syntheticModel({ activities: 1, staffPerActivity: 1, applications: 1, pools: 1, seed: 1 }));
  const { userId } = await createUser(handle.db, { email: 'bench@rempart.example', membership: { org: 'bench', role: 'owner' } });
  const token = (await createApiToken(handle.db, 'bench', userId, { name: 'bench', role: 'continuityManager', expiresInDays: 1 })).secret;
  const headers = { authorization: `Bearer ${token}` };
  const app = await buildApp({
    db: handle.db,
    databaseKind: handle.kind,
    listen: handle.listen,
    secretKey: randomBytes(32),
    rateLimit: { perMinute: false, signInPerMinute: 1000 },
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  let last = '';
  try {
    return await measure(label, {
      upload: async () => {
        const created = JSON.parse(await post(`${base}/api/orgs/bench/files?name=bench.bin`, headers)) as { id: string; size: number };
        if (created.size !== size) throw new Error('wrong size');
        // The previous file goes, so that every upload finds the same room in the quota.
        if (last) await fetch(`${base}/api/orgs/bench/files/${last}`, { method: 'DELETE', headers });
        last = created.id;
      },
      download: () => download(`${base}/api/orgs/bench/files/${last}`, headers),
    });
  } finally {
    await app.close();
  }
}

async function embedded(): Promise<Row> {
  const folder = await mkdtemp(join(tmpdir(), 'rempart-bench-files-db-'));
  const handle = await openDatabase({ dataDir: folder });
  try {
    return await rempart('Rempart, embedded (PGlite, data folder)', handle);
  } finally {
    await handle.close();
    await rm(folder, { recursive: true, force: true });
  }
}

async function postgres(): Promise<Row | undefined> {
  const name = `rempart_bench_files_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  try {
    await admin.connect();
  } catch (error) {
    process.stderr.write(`PostgreSQL not reachable at ${serverUrl}: ${(error as Error).message}\n`);
    return undefined;
  }
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString() });
  try {
    return await rempart('Rempart, PostgreSQL 15', handle);
  } finally {
    await handle.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

const rows = [await tempFileBaseline(), await bareHttpBaseline(), await embedded(), await postgres()].filter((row): row is Row => row !== undefined);
process.stdout.write(`${size / MB} MB file, median of ${runs} runs, MB/s (client and server in one process, loopback)\n`);
const width = Math.max(...rows.map((row) => row.label.length));
process.stdout.write(`${'what'.padEnd(width)}  ${'upload'.padStart(8)}  ${'download'.padStart(8)}\n`);
for (const row of rows) process.stdout.write(`${row.label.padEnd(width)}  ${row.upload.toFixed(0).padStart(8)}  ${row.download.toFixed(0).padStart(8)}\n`);
