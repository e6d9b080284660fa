// Liveness and database readiness, for load balancers and the first-run check.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { Health } from '../../model/contract/common.js';
import { ERROR_RESPONSES } from '../../model/contract/errors.js';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
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
};
