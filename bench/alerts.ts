// Mass notification on PostgreSQL: (1) an alert to 100,000 people queued with their personal links; (2) e-mail
// throughput of the send jobs to a local SMTP sink; (3) check-in answers a second at 50 connections against a real
// Rempart server process, beside a raw fastify + node-postgres insert server measured in the same run; (4) how long a
// check-in posted to one server process takes to reach a live-event subscriber on another.
// Run: npx tsx bench/alerts.ts [--people 100000] [--mail-seconds 30] [--seconds 10] [--only queue,mail,checkin,live]
//      (DATABASE_URL or the local PostgreSQL server; the Rempart server runs from dist/, built first)
import { execFileSync } from 'node:child_process';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import pg from 'pg';
import { AlertRequest } from '../src/model/alert.js';
import { IncidentDeclaration } from '../src/model/incident.js';
import { createUser } from '../src/operations/accounts.js';
import { actAs, SYSTEM } from '../src/operations/actor.js';
import { checkinToken, configureAlerts } from '../src/operations/alert-settings.js';
import { createAlert } from '../src/operations/alerts.js';
import { closeMailTransports } from '../src/operations/channels.js';
import { loadDemo } from '../src/operations/demo.js';
import { declareIncident } from '../src/operations/incidents.js';
import { JOB_HANDLERS } from '../src/operations/jobs/handlers/index.js';
import { JobRunner } from '../src/operations/jobs/runner.js';
import { createApiToken } from '../src/operations/members.js';
import { openDatabase, type DatabaseHandle } from '../src/store/database.js';
import { countingSmtpSink, startProcess, stopProcess } from './support.js';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const PEOPLE = Number(option('--people') ?? 100_000);
const MAIL_SECONDS = Number(option('--mail-seconds') ?? 30);
const SECONDS = Number(option('--seconds') ?? 10);
const ONLY = new Set((option('--only') ?? 'queue,mail,checkin,live').split(','));
const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const KEY = Buffer.alloc(32, 7);
const ORG = 'demo';
/** A server process of the bench: quiet logs, no per-address limit (the bench hammers one address), the bench's key. */
const start = (command: string[], env: NodeJS.ProcessEnv) =>
  startProcess(command, { ...env, REMPART_LOG_LEVEL: 'warn', REMPART_RATE_LIMIT: '0', REMPART_SECRET_KEY: KEY.toString('base64') });
const stop = stopProcess;

const actor = { id: null, label: 'bench', roles: ['owner' as const], names: [] };

async function database(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = new pg.Client({ connectionString: serverUrl });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

/** The demo organisation and enough more people (spread over its activities and sites) to make `PEOPLE`. */
async function prepare(handle: DatabaseHandle): Promise<string> {
  await actAs(SYSTEM, () => loadDemo(handle.db, ORG));
  await sql`
    with pairs as (
      select a.id as activity, s->>'site' as site, row_number() over () - 1 as n, count(*) over () as total
      from activities a, jsonb_array_elements(a.doc->'staff') s where a.org_id = ${ORG}
    )
    insert into people (org_id, id, name, email, mobile, language, site, activities, remote_capable)
    select ${ORG}, 'B' || lpad(g::text, 6, '0'), 'Bench person ' || g, 'bench' || g || '@bench.example', null,
      case when g % 3 = 0 then 'en' else 'fr' end, p.site, array[p.activity], g % 2 = 0
    from generate_series(1, greatest(0, ${PEOPLE} - (select count(*) from people where org_id = ${ORG}))) g
    join pairs p on p.n = g % p.total`.execute(handle.db);
  return actAs(SYSTEM, () => declareIncident(handle.db, ORG, IncidentDeclaration.parse({ title: 'Bench', severity: 'major' }), actor));
}

const request = AlertRequest.parse({
  audience: { everyone: true },
  channels: ['email'],
  message: { text: 'Bench alert: please answer.' },
  waves: { count: 1 },
});

execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
configureAlerts({ secretKey: KEY, settings: { publicUrl: 'https://rempart.bench.example' } });
const main = await database(`rempart_alerts_${process.pid}`);
const raw = await database(`rempart_alerts_raw_${process.pid}`);
const handle = await openDatabase({ databaseUrl: main.url, poolSize: 10 });
const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  console.log(line);
};
try {
  const incident = await prepare(handle);
  const people = Number((await sql<{ n: string }>`select count(*) as n from people where org_id = ${ORG}`.execute(handle.db)).rows[0].n);

  // (1) Queue the alert: recipients, links, the first wave's messages and its send jobs, one transaction.
  const started = performance.now();
  const { id: alert, recipients } = await actAs(SYSTEM, () => createAlert(handle.db, ORG, incident, request, actor));
  const queueSeconds = (performance.now() - started) / 1000;
  say(`queue     ${recipients} recipients with personal links queued in ${queueSeconds.toFixed(2)} s (goal < 10 s; ${people} people in the directory)`);

  // (2) E-mail throughput: the send jobs on two in-process runners (as two worker processes would), to a local sink.
  if (ONLY.has('mail')) {
    const smtp = await countingSmtpSink();
    configureAlerts({ secretKey: KEY, settings: { publicUrl: 'https://rempart.bench.example', smtpUrl: smtp.url } });
    const runners = [0, 1].map(() => new JobRunner(handle.db, JOB_HANDLERS, { listen: handle.listen, pollMs: 100 }));
    for (const runner of runners) await actAs(SYSTEM, () => runner.start());
    const mailStart = performance.now();
    await new Promise((resolve) => setTimeout(resolve, MAIL_SECONDS * 1000));
    const sent = smtp.count();
    const elapsed = (performance.now() - mailStart) / 1000;
    await Promise.all(runners.map((runner) => runner.stop()));
    closeMailTransports();
    await smtp.close();
    say(
      `mail      ${sent} e-mails in ${elapsed.toFixed(1)} s: ${Math.round((sent / elapsed) * 60)} a minute (goal ≥ 20,000; 2 runners in this process sharing one pool of 10 SMTP connections, the sink in this process too)`,
    );
  }

  // (3) Check-in answers at 50 connections, then the raw insert server, in the same run.
  const tokens = (
    await sql<{
      person_id: string;
    }>`select person_id from alert_recipients where org_id = ${ORG} and alert_id = ${alert} order by person_id limit 20000`.execute(handle.db)
  ).rows.map((row) => checkinToken(ORG, alert, row.person_id).token);
  const statuses = ['available_on_site', 'available_remote', 'unavailable', 'need_help'];
  const answers = async (base: string) => {
    let counter = 0;
    const result = await autocannon({
      url: base,
      connections: 50,
      duration: SECONDS,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const token = tokens[counter % tokens.length];
            counter++;
            return { ...req, path: `/c/${token}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: statuses[counter % 3] }) };
          },
        },
      ],
    });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`check-ins: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total };
  };
  if (ONLY.has('checkin')) {
    const baseline = await start(['bench/checkin-raw-server.ts'], { DATABASE_URL: raw.url });
    let rawFigures;
    try {
      rawFigures = await answers(baseline.url);
    } finally {
      await stop(baseline.child);
    }
    const rempart = await start(['dist/src/cli/main.js', 'serve', '--port', '0', '--no-demo', '--no-jobs'], { DATABASE_URL: main.url });
    let figures;
    try {
      figures = await answers(rempart.url);
    } finally {
      await stop(rempart.child);
    }
    const kept = Number((await sql<{ n: string }>`select count(*) as n from checkins where org_id = ${ORG}`.execute(handle.db)).rows[0].n);
    say(
      `check-in  ${Math.round(figures.rps)} answers/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms at 50 connections; raw insert ${Math.round(rawFigures.rps)}/s (p99 ${rawFigures.p99} ms): ${(figures.rps / rawFigures.rps).toFixed(2)}× raw (goal ≥ 5,000/s, p99 < 50 ms, ≥ 0.6×); ${kept} answers kept for ${figures.total} acknowledged`,
    );
  }

  // (4) A check-in posted to process A reaches a subscriber of process B.
  if (ONLY.has('live')) {
    const { userId } = await createUser(handle.db, { email: 'bench@rempart.example', membership: { org: ORG, role: 'owner' } });
    const token = (await createApiToken(handle.db, ORG, userId, { name: 'bench', role: 'crisisTeam', expiresInDays: 1 })).secret;
    const a = await start(['dist/src/cli/main.js', 'serve', '--port', '0', '--no-demo', '--no-jobs'], { DATABASE_URL: main.url });
    const b = await start(['dist/src/cli/main.js', 'serve', '--port', '0', '--no-demo', '--no-jobs'], { DATABASE_URL: main.url });
    const delays: number[] = [];
    try {
      const stream = await fetch(`${b.url}/api/orgs/${ORG}/incidents/${incident}/events`, { headers: { authorization: `Bearer ${token}` } });
      const reader = stream.body!.getReader();
      let buffer = '';
      const nextCheckins = async (): Promise<void> => {
        for (;;) {
          const at = buffer.indexOf('event: checkins');
          if (at >= 0) {
            buffer = buffer.slice(at + 15);
            return;
          }
          const { value } = await reader.read();
          buffer += Buffer.from(value!).toString();
        }
      };
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (let i = 0; i < 10; i++) {
        const sentAt = performance.now();
        const waiting = nextCheckins();
        const response = await fetch(`${a.url}/c/${tokens[i]}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"status":"need_help"}',
        });
        if (!response.ok) throw new Error(`check-in answered ${response.status}`);
        await waiting;
        delays.push(performance.now() - sentAt);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      await reader.cancel();
    } finally {
      await stop(a.child);
      await stop(b.child);
    }
    delays.sort((x, y) => x - y);
    say(
      `live      a check-in on process A reached a subscriber on process B in ${Math.round(delays[5])} ms (median of 10; max ${Math.round(delays[9])} ms; goal < 1 s; answers are announced in batches every 100 ms)`,
    );
  }
} finally {
  await handle.close();
  await main.drop();
  await raw.drop();
}
console.log(`\n${lines.join('\n')}`);
