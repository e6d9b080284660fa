// Liveness and database readiness (`/api/health`), and readiness to take traffic (`/api/ready`), for load balancers,
// orchestrators and the first-run check.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { Health, Ready } from '../../model/contract/common.js';
import { ERROR_RESPONSES } from '../../model/contract/errors.js';
import { MIGRATIONS } from '../../store/migrations/index.js';

/** `/api/ready`'s threshold: at or above this many jobs due and waiting, the process says it is not ready. */
export const READY_DEFAULTS = { maxBacklog: 1000 };

export const healthRoutes: FastifyPluginAsyncZod<{ ready?: { maxBacklog: number } }> = async (app, options) => {
  const maxBacklog = options.ready?.maxBacklog ?? READY_DEFAULTS.maxBacklog;
  app.get(
    '/health',
    {
      config: { policy: { access: 'public' } },
      schema: {
        tags: ['health'],
        summary: 'Liveness and database readiness',
        response: { 200: Health, 400: ERROR_RESPONSES[400], 429: ERROR_RESPONSES[429], 503: Health },
      },
    },
    async (_request, reply) => {
      const started = performance.now();
      try {
        await sql`select 1`.execute(app.db);
        return { status: 'ok' as const, database: { ready: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 } };
      } catch {
        return reply.code(503).send({ status: 'degraded' as const, database: { ready: false, latencyMs: Math.round(performance.now() - started) } });
      }
    },
  );

  app.get(
    '/ready',
    {
      config: { policy: { access: 'public' } },
      schema: {
        tags: ['health'],
        summary: 'Readiness: database reachable, migrations all applied, job backlog below the threshold',
        description:
          'For a load balancer or an orchestrator: 200 when this process should take traffic, 503 naming each check that failed (`failed`). `/api/health` says the process is alive.',
        response: { 200: Ready, 400: ERROR_RESPONSES[400], 429: ERROR_RESPONSES[429], 503: Ready },
      },
    },
    async (_request, reply) => {
      const started = performance.now();
      const expected = Object.keys(MIGRATIONS);
      const answer: Ready = {
        status: 'ready',
        failed: [],
        checks: {
          database: { ok: true, latencyMs: 0 },
          migrations: { ok: false, applied: 0, expected: expected.length, pending: [], unknown: [] },
          jobs: { ok: false, backlog: 0, threshold: maxBacklog, oldestWaitSeconds: null },
        },
      };
      let reached = false;
      try {
        await sql`select 1`.execute(app.db);
        reached = true;
        answer.checks.database.latencyMs = Math.round((performance.now() - started) * 10) / 10;
        const applied = (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(app.db)).rows.map((row) => row.name);
        const pending = expected.filter((name) => !applied.includes(name));
        const unknown = applied.filter((name) => !(name in MIGRATIONS));
        answer.checks.migrations = { ok: pending.length === 0 && unknown.length === 0, applied: applied.length, expected: expected.length, pending, unknown };
        const backlog = await sql<{ n: string; oldest: number | null }>`
          select count(*)::text as n, extract(epoch from now() - min(run_at))::float8 as oldest from jobs where status = 'queued' and run_at <= now()`.execute(
          app.db,
        );
        const count = Number(backlog.rows[0].n);
        const oldest = backlog.rows[0].oldest;
        answer.checks.jobs = {
          ok: count < maxBacklog,
          backlog: count,
          threshold: maxBacklog,
          oldestWaitSeconds: oldest === null ? null : Math.round(Number(oldest)),
        };
      } catch (error) {
        // The checks after the database's stay failed (they could not be made).
        if (!reached) {
          answer.checks.database = { ok: false, latencyMs: Math.round(performance.now() - started), error: 'the database does not answer' };
        } else app.log.warn({ err: error }, 'readiness check failed');
      }
      answer.failed = (['database', 'migrations', 'jobs'] as const).filter((check) => !answer.checks[check].ok);
      answer.status = answer.failed.length === 0 ? 'ready' : 'not_ready';
      return reply.code(answer.failed.length === 0 ? 200 : 503).send(answer);
    },
  );
};
