// Conversation messages per second on PostgreSQL, each persisted (state written, the completed questionnaire's record
// saved), at 50 connections by default, with autocannon over loopback against the real app in its own process, beside
// a raw fastify + node-postgres server doing the least SQL a persisted message needs (read the state, write the next),
// measured in the same run. Conversations are created first, then answered in turn (the orientation questionnaire,
// 21 answers each, to its end).
// `--flow assistant` runs the crisis assistant instead: each conversation asks questions of the knowledge base (the
// fixture's 60 articles, made public) as people type them, "autre question" between two, so every other message is a
// knowledge-base search.
// Run: npx tsx bench/conversations.ts [--seconds 10] [--connections 50] [--flow assistant]   (DATABASE_URL or the local server)
import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import pg from 'pg';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importArticles } from '../src/operations/kb.js';
import { KbImportFile } from '../src/model/kb.js';
import { createPublicKey } from '../src/operations/widget.js';
import { openDatabase } from '../src/store/database.js';
import { importModel } from '../src/operations/model-writer.js';
import { syntheticModel } from './synthetic.js';
import { ORIENTATION_ANSWERS } from './support.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const seconds = Number(option('--seconds') ?? 10);
const connections = Number(option('--connections') ?? 50);
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const ORIGIN = 'https://bench.example';
const ANSWERS = ORIENTATION_ANSWERS;

const flow = option('--flow') === 'assistant' ? 'assistant' : 'orientation';
const QUESTIONS = (
  JSON.parse(readFileSync(join(import.meta.dirname, 'data/kb-questions.json'), 'utf8')) as { tuning: Array<{ q: string; lang: string }> }
).tuning
  .filter((question) => question.lang === 'fr')
  .map((question) => question.q);
/** The assistant's messages: a question, then "another question", eleven times (21 messages). */
const ASSISTANT_ANSWERS = Array.from({ length: ANSWERS.length }, (_, index) =>
  index % 2 === 1 ? 'autre question' : QUESTIONS[(index / 2) % QUESTIONS.length],
);
const answers = flow === 'assistant' ? ASSISTANT_ANSWERS : ANSWERS;
const startBody = flow === 'assistant' ? JSON.stringify({ flow: 'assistant', lang: 'fr' }) : '{}';

function start(script: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    // BENCH_NODE_ARGS (e.g. --cpu-prof) goes to the Rempart server only, to profile it under this load.
    const extra = script.endsWith('conversations-server.ts') && process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
    const child = spawn(process.execPath, [...extra, '--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/[^\s]+)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  total: number;
}

/** Creates conversations (enough for every message of the run at a generous rate), `connections` at a time. */
async function createConversations(base: string, path: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  const result = await autocannon({
    url: base,
    connections,
    amount: count,
    requests: [
      {
        method: 'POST',
        path,
        headers: { origin: ORIGIN, 'content-type': 'application/json' },
        body: startBody,
        onResponse: (_status, body) => void ids.push(JSON.parse(body).id),
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`create: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return ids;
}

/** Answers the conversations in turn: each message goes to the next conversation, with its next answer. */
async function messages(base: string, path: (id: string) => string, ids: readonly string[]): Promise<Figures> {
  let counter = 0;
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const conversation = counter % ids.length;
          const answer = Math.floor(counter / ids.length);
          counter++;
          if (answer >= answers.length) throw new Error('more messages than the conversations created can take: create more');
          return {
            ...request,
            path: path(ids[conversation]),
            headers: { origin: ORIGIN, 'content-type': 'application/json' },
            body: JSON.stringify({ text: answers[answer] }),
          };
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`messages: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total };
}

const show = (f: Figures) => `${String(Math.round(f.rps)).padStart(5)} messages/s, p50 ${f.p50} ms, p99 ${f.p99} ms (${f.total} in ${seconds} s)`;

const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
const name = `rempart_conversations_${process.pid}`;
await admin.query(`create database ${name}`);
await admin.query(`create database ${name}_raw`);
try {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const raw = new URL(serverUrl);
  raw.pathname = `/${name}_raw`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  await importModel(database.db, 'bench', syntheticModel({ activities: 5, staffPerActivity: 1, applications: 2, pools: 1, seed: 1 }));
  const fixture = KbImportFile.parse(JSON.parse(readFileSync(join(import.meta.dirname, 'data/kb-fixture.json'), 'utf8')));
  await importArticles(
    database.db,
    'bench',
    fixture.articles.map((article) => ({ ...article, audience: 'public' as const })),
  );
  const key = (await createPublicKey(database.db, 'bench', null, { label: 'bench', origins: [ORIGIN] }, Date.now())).key;
  await database.close();
  const conversations = Math.ceil((8000 * seconds) / ANSWERS.length);

  const baseline = await start('bench/conversations-raw-server.ts', { DATABASE_URL: raw.toString() });
  let rawFigures: Figures;
  try {
    const ids = await createConversations(baseline.url, '/conversations', conversations);
    rawFigures = await messages(baseline.url, (id) => `/conversations/${id}/messages`, ids);
  } finally {
    await stop(baseline.child);
  }
  const rempart = await start('bench/conversations-server.ts', { DATABASE_URL: url.toString() });
  try {
    const ids = await createConversations(rempart.url, `/api/public/${key}/conversations`, conversations);
    const figures = await messages(rempart.url, (id) => `/api/public/${key}/conversations/${id}/messages`, ids);
    const check = new pg.Client({ connectionString: url.toString() });
    await check.connect();
    const persisted = (
      await check.query('select coalesce(sum(turn), 0)::int as turns, (select count(*)::int from orientation_records) as records from conversations')
    ).rows[0];
    await check.end();
    console.log(`postgres c=${connections} ${flow} message  ${show(figures)}   raw ${show(rawFigures)}   ${(figures.rps / rawFigures.rps).toFixed(2)}× raw`);
    console.log(`persisted: ${persisted.turns} message turns written (${figures.total} answered), ${persisted.records} completed questionnaires saved`);
  } finally {
    await stop(rempart.child);
  }
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`drop database if exists ${name}_raw with (force)`);
  await admin.end();
}
