// A burst on the public conversation API (issue 13): a steady rate, then `--factor` times that rate (100 by default)
// for `--seconds`, against the real app in its own process on PostgreSQL, with the default public rate limits, as a
// deployment embedded by many organisations sees it: `--keys` organisations each with its widget key, and each
// conversation a person of their own (their own client address, sent as X-Forwarded-For, which the server believes
// from loopback as it would from its load balancer). Conversations are created first (the orientation questionnaire),
// then answered in turn at the rate asked (autocannon's overall rate; it cannot send faster than the server answers).
// Counted: errors (connection errors and timeouts, as autocannon counts them, and 5xx or any 4xx but 429) must be 0; 429s are our own limits refusing
// a client or key past its share, reported apart and not errors (with one client per person, the default limits
// should refuse none); p50/p99 per phase; the server's resident memory before, at its peak and after.
// Run: npx tsx bench/conversation-burst.ts [--steady 30] [--factor 100] [--seconds 5] [--keys 20] [--connections 200]
//      (the figure: --seconds 60; DATABASE_URL or the local server)
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { importModel } from '../src/operations/model-writer.js';
import { createPublicKey } from '../src/operations/widget.js';
import { openDatabase } from '../src/store/database.js';
import { syntheticModel } from './synthetic.js';
import { ORIENTATION_ANSWERS } from './support.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const steady = option('--steady', 30);
const factor = option('--factor', 100);
const seconds = option('--seconds', 5);
const steadySeconds = option('--steady-seconds', 3);
const keys = option('--keys', 20);
const connections = option('--connections', 200);
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const ORIGIN = 'https://bench.example';
const ANSWERS = ORIENTATION_ANSWERS;

interface Conversation {
  key: string;
  client: string;
  id: string;
  next: number;
}

interface Phase {
  rate: number;
  sent: number;
  p50: number;
  p99: number;
  errors: number;
  /** Of the errors: connection errors, timeouts (no answer within 10 s), answers with an unexpected status. */
  kinds: { connection: number; timeouts: number; statuses: number };
  refused: number;
  statuses: Record<string, number>;
}

function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/conversations-server.ts'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/[^\s]+)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    });
    child.on('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
}

/** The child's resident memory in MB (Linux), sampled while the bench runs. */
function residentMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** A client address per person: 10.x.y.z, unique for the run. */
const clientAddress = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

async function createConversations(base: string, keyList: readonly string[], count: number): Promise<Conversation[]> {
  const created: Conversation[] = [];
  let n = 0;
  const result = await autocannon({
    url: base,
    connections: Math.min(connections, 50),
    amount: count,
    requests: [
      {
        method: 'POST',
        // The context is the connection's: it sends one request at a time, so it carries this one's key and client.
        setupRequest: (request, context) => {
          const index = n++;
          const key = keyList[index % keyList.length];
          const client = clientAddress(index + 1);
          Object.assign(context as object, { key, client });
          return {
            ...request,
            path: `/api/public/${key}/conversations`,
            headers: { origin: ORIGIN, 'content-type': 'application/json', 'x-forwarded-for': client },
            body: '{}',
          };
        },
        onResponse: (status, body, context) => {
          if (status !== 201) return;
          const { key, client } = (context as { key?: string; client?: string }) ?? {};
          if (key && client) created.push({ key, client, id: JSON.parse(body).id, next: 0 });
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`creating conversations: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return created;
}

async function phase(base: string, conversations: Conversation[], rate: number, duration: number, cursor: { at: number }): Promise<Phase> {
  const statuses: Record<string, number> = {};
  const result = await autocannon({
    url: base,
    connections,
    duration,
    overallRate: rate,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          // Round robin over the conversations: each answers its next question; none is sent past its end.
          let conversation = conversations[cursor.at++ % conversations.length];
          for (let tries = 0; conversation.next >= ANSWERS.length && tries < conversations.length; tries++)
            conversation = conversations[cursor.at++ % conversations.length];
          if (conversation.next >= ANSWERS.length) throw new Error('every conversation has ended: create more (raise the rate × seconds estimate)');
          const answer = ANSWERS[conversation.next++];
          return {
            ...request,
            path: `/api/public/${conversation.key}/conversations/${conversation.id}/messages`,
            headers: { origin: ORIGIN, 'content-type': 'application/json', 'x-forwarded-for': conversation.client },
            body: JSON.stringify({ text: answer }),
          };
        },
        onResponse: (status) => void (statuses[status] = (statuses[status] ?? 0) + 1),
      },
    ],
  });
  const refused = statuses['429'] ?? 0;
  const unexpected = Object.entries(statuses)
    .filter(([status]) => status !== '429' && !status.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    rate,
    sent: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + unexpected,
    // autocannon counts a timeout among its errors too: connection errors are the rest.
    kinds: { connection: Math.max(0, result.errors - result.timeouts), timeouts: result.timeouts, statuses: unexpected },
    refused,
    statuses,
  };
}

const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
const name = `rempart_burst_${process.pid}`;
await admin.query(`create database ${name}`);
try {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  const keyList: string[] = [];
  for (let index = 0; index < keys; index++) {
    const org = `org-${index + 1}`;
    await importModel(database.db, org, syntheticModel({ activities: 2, staffPerActivity: 1, applications: 1, pools: 1, seed: index + 1 }));
    keyList.push((await createPublicKey(database.db, org, null, { label: 'widget', origins: [ORIGIN] }, Date.now())).key);
  }
  await database.close();
  // Enough conversations for every message of both phases, with a margin (each takes 21 answers).
  const needed = Math.ceil(((steady * steadySeconds + steady * factor * seconds) * 1.2) / ANSWERS.length) + keys;

  const server = await startServer({ DATABASE_URL: url.toString(), BENCH_REAL_LIMITS: '1' });
  const pid = server.child.pid!;
  try {
    const conversations = await createConversations(server.url, keyList, needed);
    const before = residentMb(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, residentMb(pid))), 250);
    const cursor = { at: 0 };
    const calm = await phase(server.url, conversations, steady, steadySeconds, cursor);
    const burst = await phase(server.url, conversations, steady * factor, seconds, cursor);
    clearInterval(sampler);
    const after = residentMb(pid);
    const check = new pg.Client({ connectionString: url.toString() });
    await check.connect();
    const saved = (
      await check.query('select coalesce(sum(turn), 0)::int as turns, (select count(*)::int from orientation_records) as records from conversations')
    ).rows[0];
    await check.end();
    const line = (label: string, p: Phase, duration: number) =>
      `${label.padEnd(6)} asked ${String(p.rate).padStart(5)}/s for ${duration} s: ${String(Math.round(p.sent / duration)).padStart(5)} messages/s answered (${p.sent}), p50 ${p.p50} ms, p99 ${p.p99} ms, errors ${p.errors} (${p.kinds.connection} connection, ${p.kinds.timeouts} timeouts, ${p.kinds.statuses} statuses), refused by our limits (429) ${p.refused}  ${JSON.stringify(p.statuses)}`;
    console.log(`postgres, ${keys} keys, one client address per conversation (${conversations.length} conversations), ${connections} connections`);
    console.log(line('steady', calm, steadySeconds));
    console.log(line('burst', burst, seconds));
    console.log(`server memory (RSS): ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB at peak, ${after.toFixed(0)} MB after`);
    console.log(`persisted: ${saved.turns} message turns written, ${saved.records} completed questionnaires saved`);
    console.log(calm.errors + burst.errors === 0 ? 'no error' : `ERRORS: ${calm.errors + burst.errors}`);
    process.exitCode = calm.errors + burst.errors === 0 ? 0 : 1;
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
  }
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
