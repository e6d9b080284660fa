// Crisis-peak load (issue 16): a realistic mix at `--factor` (10) times a steady rate, for `--seconds` (600), against two
// Rempart server processes on one PostgreSQL, requests spread over both as a load balancer would. The load is open
// (requests leave on schedule, whether the last ones have answered or not), so a slow server shows as latency, not as a
// politely slower client. The mix, per second at the steady rate, for an organisation of ~36,000 staff in a crisis
// (the demo's 1,204 people answer over and over):
//   check-ins through personal links         20/s   (36,000 answers in half an hour)
//   availability board reads (crisis team)     2/s   (twenty people whose boards refresh on live events)
//   assistant messages (public widget)        10/s   (the orientation questionnaire, one message after the other)
//   crisis-team writes (log entries)         0.5/s
// Process A also runs the jobs (the alert's 1,204 e-mails to a local SMTP sink at the start). Printed: per kind, requests,
// errors (anything but a 2xx, 429s from our own limits included), p50/p99/max; memory of both processes over the run.
// Run: npx tsx bench/crisis-peak.ts [--seconds 600] [--factor 10]   (DATABASE_URL or the local PostgreSQL server)
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import pg from 'pg';
import { AlertRequest } from '../src/model/alert.js';
import { IncidentDeclaration } from '../src/model/incident.js';
import { createUser } from '../src/operations/accounts.js';
import { actAs, SYSTEM } from '../src/operations/actor.js';
import { checkinToken, configureAlerts } from '../src/operations/alert-settings.js';
import { createAlert } from '../src/operations/alerts.js';
import { loadDemo } from '../src/operations/demo.js';
import { declareIncident } from '../src/operations/incidents.js';
import { createApiToken } from '../src/operations/members.js';
import { createPublicKey } from '../src/operations/widget.js';
import { openDatabase } from '../src/store/database.js';
import { countingSmtpSink, ORIENTATION_ANSWERS as ANSWERS, startProcess, stopProcess as stop } from './support.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const SECONDS = Number(option('--seconds') ?? 600);
const FACTOR = Number(option('--factor') ?? 10);
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const KEY = Buffer.alloc(32, 9);
const ORG = 'demo';
const ORIGIN = 'https://intranet.bench.example';
const STEADY = { checkin: 20, availability: 2, assistant: 10, write: 0.5 } as const;
type Kind = keyof typeof STEADY;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

/** A server process of the peak: quiet logs, the bench's key, X-Forwarded-For believed from loopback (one address a person). */
const start = (command: string[], env: NodeJS.ProcessEnv) =>
  startProcess(command, { ...env, REMPART_LOG_LEVEL: 'warn', REMPART_SECRET_KEY: KEY.toString('base64'), REMPART_TRUST_PROXY: '127.0.0.1' });

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);

execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
const name = `rempart_peak_${process.pid}`;
await admin.query(`create database ${name}`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const sink = await countingSmtpSink();
const servers: Array<{ child: ChildProcess; url: string }> = [];
try {
  // The organisation in a crisis: the demo, an incident, an alert to everyone with their personal links.
  configureAlerts({ secretKey: KEY, settings: { publicUrl: 'https://rempart.bench.example' } });
  const handle = await openDatabase({ databaseUrl: url.toString() });
  const actor = { id: null, label: 'bench', roles: ['owner' as const], names: [] };
  await actAs(SYSTEM, () => loadDemo(handle.db, ORG));
  const incident = await actAs(SYSTEM, () => declareIncident(handle.db, ORG, IncidentDeclaration.parse({ title: 'Peak', severity: 'major' }), actor));
  const alertRequest = AlertRequest.parse({
    audience: { everyone: true },
    channels: ['email'],
    message: { text: 'Are you able to work?' },
    waves: { count: 1 },
  });
  const { id: alert } = await actAs(SYSTEM, () => createAlert(handle.db, ORG, incident, alertRequest, actor));
  const people = (await sql<{ person_id: string }>`select person_id from alert_recipients where org_id = ${ORG} and alert_id = ${alert}`.execute(handle.db))
    .rows;
  const links = people.map((row) => checkinToken(ORG, alert, row.person_id).token);
  const { userId } = await createUser(handle.db, { email: 'crisis@bench.example', membership: { org: ORG, role: 'crisisTeam' } });
  const bearer = (await createApiToken(handle.db, ORG, userId, { name: 'bench', role: 'crisisTeam', expiresInDays: 1 })).secret;
  const publicKey = (await createPublicKey(handle.db, ORG, null, { label: 'bench', origins: [ORIGIN] }, Date.now())).key;
  await handle.close();

  const env = { DATABASE_URL: url.toString(), REMPART_SMTP_URL: sink.url, REMPART_PUBLIC_URL: 'https://rempart.bench.example' };
  servers.push(await start(['dist/src/cli/main.js', 'serve', '--port', '0', '--no-demo'], env));
  servers.push(await start(['dist/src/cli/main.js', 'serve', '--port', '0', '--no-demo', '--no-jobs'], env));

  const latencies: Record<Kind, number[]> = { checkin: [], availability: [], assistant: [], write: [] };
  // The same latencies by minute of the run (when each request left): a tail confined to the first minute shows here.
  const byMinute: Array<Record<Kind, number[]>> = [];
  const errors: Record<Kind, Map<string, number>> = { checkin: new Map(), availability: new Map(), assistant: new Map(), write: new Map() };
  let turn = 0;
  const server = () => servers[turn++ % servers.length].url;
  let inFlight = 0;
  let maxInFlight = 0;
  let began = performance.now();

  async function send(kind: Kind, method: 'GET' | 'POST', path: string, body: unknown, headers: Record<string, string>): Promise<unknown> {
    const started = performance.now();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const response = await fetch(server() + path, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      latencies[kind].push(performance.now() - started);
      const minute = Math.floor((started - began) / 60_000);
      (byMinute[minute] ??= { checkin: [], availability: [], assistant: [], write: [] })[kind].push(performance.now() - started);
      if (response.status >= 300) {
        const key = String(response.status);
        errors[kind].set(key, (errors[kind].get(key) ?? 0) + 1);
        return undefined;
      }
      return text ? JSON.parse(text) : undefined;
    } catch (error) {
      const key = (error as Error).name === 'TimeoutError' ? 'timeout' : ((error as { code?: string }).code ?? (error as Error).message);
      errors[kind].set(key, (errors[kind].get(key) ?? 0) + 1);
      return undefined;
    } finally {
      inFlight--;
    }
  }

  // Each request comes from its own address, as people in their homes would (the server believes the loopback proxy).
  let address = 0;
  const from = () => {
    address++;
    return { 'x-forwarded-for': `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}` };
  };
  const statuses = ['available_on_site', 'available_remote', 'unavailable', 'available_remote', 'need_help'];
  // Visitors answer one message after another: a conversation takes its next message once the last one is answered.
  const idle: Array<{ id: string; next: number; client: Record<string, string> }> = [];
  const fire: Record<Kind, () => void> = {
    checkin: () => void send('checkin', 'POST', `/c/${links[Math.floor(Math.random() * links.length)]}`, { status: statuses[address % 5] }, from()),
    availability: () =>
      void send('availability', 'GET', `/api/orgs/${ORG}/incidents/${incident}/availability`, undefined, { authorization: `Bearer ${bearer}` }),
    assistant: () => {
      const open = idle.shift();
      if (!open) {
        // A new visitor when every open conversation is waiting for its answer.
        const client = { ...from(), origin: ORIGIN };
        void send('assistant', 'POST', `/api/public/${publicKey}/conversations`, {}, client).then((created) => {
          if (created) idle.push({ id: (created as { id: string }).id, next: 0, client });
        });
        return;
      }
      const answer = ANSWERS[open.next++];
      void send('assistant', 'POST', `/api/public/${publicKey}/conversations/${open.id}/messages`, { text: answer }, open.client).then(() => {
        if (open.next < ANSWERS.length) idle.push(open);
      });
    },
    write: () =>
      void send(
        'write',
        'POST',
        `/api/orgs/${ORG}/incidents/${incident}/log`,
        { kind: 'situation', text: `Situation at ${new Date().toISOString()}` },
        {
          authorization: `Bearer ${bearer}`,
        },
      ),
  };

  const rates = Object.fromEntries(Object.entries(STEADY).map(([kind, rate]) => [kind, rate * FACTOR])) as Record<Kind, number>;
  console.log(
    `mix at ${FACTOR}× the steady rate for ${SECONDS} s, over 2 processes: ${Object.entries(rates)
      .map(([kind, rate]) => `${kind} ${rate}/s`)
      .join(', ')} (total ${Object.values(rates).reduce((a, b) => a + b, 0)}/s)`,
  );
  const memory: Array<{ at: number; a: number; b: number }> = [];
  began = performance.now();
  const sent: Record<Kind, number> = { checkin: 0, availability: 0, assistant: 0, write: 0 };
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = (performance.now() - began) / 1000;
      if (elapsed >= SECONDS) {
        clearInterval(tick);
        resolve();
        return;
      }
      for (const kind of Object.keys(rates) as Kind[]) {
        const due = Math.floor(elapsed * rates[kind]);
        while (sent[kind] < due) {
          sent[kind]++;
          fire[kind]();
        }
      }
      const slot = Math.floor(elapsed / Math.max(1, SECONDS / 10));
      if (memory.length <= slot) memory.push({ at: Math.round(elapsed), a: rssMb(servers[0].child.pid!), b: rssMb(servers[1].child.pid!) });
    }, 5);
  });
  const drained = performance.now();
  while (inFlight > 0 && performance.now() - drained < 30_000) await new Promise((resolve) => setTimeout(resolve, 50));
  memory.push({ at: Math.round((performance.now() - began) / 1000), a: rssMb(servers[0].child.pid!), b: rssMb(servers[1].child.pid!) });

  console.log('p99 by minute of the run (ms):');
  for (const kind of Object.keys(rates) as Kind[])
    console.log(
      `  ${kind.padEnd(13)} ${byMinute
        .map((minute) =>
          percentile(
            minute[kind].slice().sort((a, b) => a - b),
            99,
          ).toFixed(0),
        )
        .join(' ')}`,
    );
  let totalErrors = 0;
  for (const kind of Object.keys(rates) as Kind[]) {
    const sorted = latencies[kind].slice().sort((a, b) => a - b);
    const failed = [...errors[kind].values()].reduce((a, b) => a + b, 0);
    totalErrors += failed;
    console.log(
      `${kind.padEnd(13)} ${String(sent[kind]).padStart(7)} sent, ${String(failed).padStart(4)} errors${failed ? ` (${[...errors[kind]].map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}` +
        `, p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${percentile(sorted, 100).toFixed(0)} ms`,
    );
  }
  console.log(`errors       ${totalErrors} in all; at most ${maxInFlight} requests in flight; ${sink.count()} alert e-mails received by the sink`);
  console.log(`memory (MB, RSS of process A with jobs / B): ${memory.map((m) => `${m.at}s ${m.a}/${m.b}`).join(', ')}`);
  const settled = memory[Math.min(1, memory.length - 1)];
  const last = memory[memory.length - 1];
  console.log(`memory growth from ${settled.at}s to the end: A ${last.a - settled.a} MB, B ${last.b - settled.b} MB`);
} finally {
  for (const running of servers) await stop(running.child).catch(() => undefined);
  await sink.close();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
