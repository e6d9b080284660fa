// Prometheus `/metrics` (text exposition format 0.0.4): requests by route and status, latency histogram, jobs,
// deliveries and check-ins, live-event fan-out, process figures. Open to a bearer token, or to loopback callers only.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { sameSecret } from '../security/crypto.js';
import type { Database } from '../store/schema.js';

/** Who may read `/metrics`: with a token, whoever sends it as a bearer; without, callers on this machine only. */
export interface MetricsOptions {
  token?: string | null;
}

/** Latency buckets, in seconds: from a cached page (a few ms) to a slow export. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** A label value as the format wants it: backslash, double quote and line feed escaped. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(pairs: Record<string, string>): string {
  const entries = Object.entries(pairs);
  return entries.length === 0 ? '' : `{${entries.map(([key, value]) => `${key}="${label(value)}"`).join(',')}}`;
}

interface Histogram {
  buckets: number[];
  sum: number;
  count: number;
}

/** The HTTP figures of this process, kept in memory from its start. */
export class RequestMetrics {
  readonly #requests = new Map<string, { method: string; route: string; status: string; count: number }>();
  readonly #latency = new Map<string, { method: string; route: string; histogram: Histogram }>();
  inFlight = 0;

  record(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    const entry = this.#requests.get(key) ?? { method, route, status: String(status), count: 0 };
    entry.count += 1;
    this.#requests.set(key, entry);
    const latencyKey = `${method} ${route}`;
    const latency = this.#latency.get(latencyKey) ?? { method, route, histogram: { buckets: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 } };
    LATENCY_BUCKETS.forEach((bound, index) => {
      if (seconds <= bound) latency.histogram.buckets[index] += 1;
    });
    latency.histogram.sum += seconds;
    latency.histogram.count += 1;
    this.#latency.set(latencyKey, latency);
  }

  lines(): string[] {
    const out = [
      '# HELP rempart_http_requests_total HTTP requests answered by this process, by method, route pattern and status.',
      '# TYPE rempart_http_requests_total counter',
    ];
    for (const entry of this.#requests.values())
      out.push(`rempart_http_requests_total${labels({ method: entry.method, route: entry.route, status: entry.status })} ${entry.count}`);
    out.push(
      '# HELP rempart_http_request_duration_seconds Time to answer, by method and route pattern.',
      '# TYPE rempart_http_request_duration_seconds histogram',
    );
    for (const { method, route, histogram } of this.#latency.values()) {
      LATENCY_BUCKETS.forEach((bound, index) =>
        out.push(`rempart_http_request_duration_seconds_bucket${labels({ method, route, le: String(bound) })} ${histogram.buckets[index]}`),
      );
      out.push(`rempart_http_request_duration_seconds_bucket${labels({ method, route, le: '+Inf' })} ${histogram.count}`);
      out.push(`rempart_http_request_duration_seconds_sum${labels({ method, route })} ${histogram.sum}`);
      out.push(`rempart_http_request_duration_seconds_count${labels({ method, route })} ${histogram.count}`);
    }
    out.push('# HELP rempart_http_requests_in_flight Requests being answered now.', '# TYPE rempart_http_requests_in_flight gauge');
    out.push(`rempart_http_requests_in_flight ${this.inFlight}`);
    return out;
  }
}

const tableExists = async (db: Kysely<Database>, table: string) =>
  Boolean((await sql<{ found: boolean }>`select to_regclass(${table}) is not null as found`.execute(db)).rows[0]?.found);

/** Figures read from the database at each scrape: shared by every process, so any one of them reports them. */
async function databaseLines(db: Kysely<Database>): Promise<string[]> {
  const out: string[] = ['# HELP rempart_jobs Jobs of every process on the database, by status (dead: failed for good).', '# TYPE rempart_jobs gauge'];
  const jobs = await sql<{ status: string; n: string }>`select status, count(*)::text as n from jobs group by status`.execute(db);
  const byStatus = new Map(jobs.rows.map((row) => [row.status, row.n]));
  for (const status of ['queued', 'running', 'done', 'dead', 'cancelled']) out.push(`rempart_jobs${labels({ status })} ${byStatus.get(status) ?? 0}`);
  const ready = await sql<{ n: string }>`select count(*)::text as n from jobs where status = 'queued' and run_at <= now()`.execute(db);
  out.push(
    '# HELP rempart_jobs_ready Queued jobs whose time has come (the backlog /api/ready compares with its threshold).',
    '# TYPE rempart_jobs_ready gauge',
    `rempart_jobs_ready ${ready.rows[0].n}`,
  );
  if (await tableExists(db, 'alert_deliveries')) {
    const deliveries = await sql<{ channel: string; state: string; n: string }>`
      select channel, state, count(*)::text as n from alert_deliveries group by channel, state order by channel, state`.execute(db);
    out.push('# HELP rempart_alert_deliveries Alert messages, by channel and state.', '# TYPE rempart_alert_deliveries gauge');
    for (const row of deliveries.rows) out.push(`rempart_alert_deliveries${labels({ channel: row.channel, state: row.state })} ${row.n}`);
  }
  if (await tableExists(db, 'checkins')) {
    const checkins = await sql<{ status: string; via: string; n: string }>`
      select status, via, count(*)::text as n from checkins group by status, via order by status, via`.execute(db);
    out.push('# HELP rempart_checkins Check-in answers recorded, by status and way in.', '# TYPE rempart_checkins gauge');
    for (const row of checkins.rows) out.push(`rempart_checkins${labels({ status: row.status, via: row.via })} ${row.n}`);
  }
  return out;
}

function processLines(): string[] {
  const memory = process.memoryUsage();
  return [
    '# HELP process_resident_memory_bytes Resident memory of this process.',
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes ${memory.rss}`,
    '# HELP nodejs_heap_used_bytes JavaScript heap in use.',
    '# TYPE nodejs_heap_used_bytes gauge',
    `nodejs_heap_used_bytes ${memory.heapUsed}`,
    // Several `serve` processes may answer one address (serve --workers): this says which one a scrape reached.
    '# HELP rempart_process_info The process that answered this scrape.',
    '# TYPE rempart_process_info gauge',
    `rempart_process_info${labels({ pid: String(process.pid) })} 1`,
    '# HELP process_uptime_seconds Seconds since this process started.',
    '# TYPE process_uptime_seconds gauge',
    `process_uptime_seconds ${process.uptime()}`,
  ];
}

/** Whether the caller may read the metrics; the refusal names what to do, never the token. */
function allowed(request: FastifyRequest, options: MetricsOptions): { ok: true } | { ok: false; status: number; message: string } {
  if (options.token) {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    return given && sameSecret(given, options.token)
      ? { ok: true }
      : { ok: false, status: 401, message: 'Send the metrics token (REMPART_METRICS_TOKEN) as Authorization: Bearer <token>.' };
  }
  return LOOPBACK.test(request.socket.remoteAddress ?? '') && LOOPBACK.test(request.ip)
    ? { ok: true }
    : { ok: false, status: 403, message: 'The metrics are open to this machine only: set REMPART_METRICS_TOKEN to read them from elsewhere.' };
}

/** Counts every answer and serves `/metrics`. */
export function installMetrics(
  app: FastifyInstance,
  db: Kysely<Database>,
  options: MetricsOptions,
  fanOut: () => { connections: number; notices: number; delivered: number },
) {
  const requests = new RequestMetrics();
  app.addHook('onRequest', async () => {
    requests.inFlight += 1;
  });
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    requests.inFlight -= 1;
    // The route's pattern, never the raw path: ids would make a series per item (and could carry a link's secret).
    requests.record(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const access = allowed(request, options);
    if (!access.ok)
      return reply
        .code(access.status)
        .type('application/json')
        .send({ error: { code: access.status === 401 ? 'unauthenticated' : 'forbidden', message: access.message, details: [] } });
    const live = fanOut();
    const lines = [
      ...requests.lines(),
      ...(await databaseLines(db)),
      '# HELP rempart_live_streams Server-sent event streams open on this process.',
      '# TYPE rempart_live_streams gauge',
      `rempart_live_streams ${live.connections}`,
      '# HELP rempart_live_notices_total Live-event notices this process heard from the database.',
      '# TYPE rempart_live_notices_total counter',
      `rempart_live_notices_total ${live.notices}`,
      '# HELP rempart_live_events_delivered_total Live events this process handed to its streams (the fan-out).',
      '# TYPE rempart_live_events_delivered_total counter',
      `rempart_live_events_delivered_total ${live.delivered}`,
      ...processLines(),
    ];
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(`${lines.join('\n')}\n`);
  });
}
