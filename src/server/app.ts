// The HTTP server: Fastify with Zod validation at the edge, an OpenAPI document and one error shape.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { ZodType } from 'zod';
import { RempartError } from '../errors.js';
import { problemsFromZod } from '../model/problem.js';
import type { Database } from '../store/schema.js';
import { installErrorHandling } from './errors.js';
import { collectionRoutes } from './routes/collections.js';
import { healthRoutes } from './routes/health.js';
import { modelRoutes } from './routes/model.js';
import { organisationRoutes } from './routes/organisations.js';
import { scenarioRoutes } from './routes/scenarios.js';
import { riskRoutes } from './routes/risks.js';
import { JobRunner, type JobRunnerOptions } from '../operations/job-runner.js';
import { registerWebApp } from './static.js';

export interface AppOptions {
  db: Kysely<Database>;
  /** `embedded` or `postgres`, reported by the health route. */
  databaseKind: 'embedded' | 'postgres';
  logger?: FastifyServerOptions['logger'];
  version?: string;
  /** Run queued jobs (Monte Carlo, recommendations) in this process; off unless given. */
  jobs?: JobRunnerOptions | false;
}

export type App = FastifyInstance;

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>;
  }
}

const SPREADSHEET_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'];

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // 1 MB for ordinary requests; import routes raise their own limit.
    bodyLimit: 1024 * 1024,
    // Query strings and ids are user-facing: keep them case-sensitive and reject oversized URLs.
    routerOptions: { maxParamLength: 200 },
    // Errors raised by the router before any handler (bad URL encoding, over-long ids) keep our shape.
    frameworkErrors: (error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 400;
      void (reply as FastifyReply).code(status).send({
        error: { code: 'invalid_input', message: error.message, details: [{ path: 'url', rule: (error as { code?: string }).code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'too_long' : 'encoding', value: request.url.slice(0, 200), message: error.message }] },
      });
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.decorate('db', options.db);

  // Validation with Zod at the edge: every problem at once, each with path, rule and value.
  app.setValidatorCompiler<ZodType>(({ schema, httpPart }) => (data: unknown) => {
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return { value: result.data };
    const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'body');
    const details = problemsFromZod(result.error, data, [part]);
    return { error: new RempartError('invalid_input', `The ${part} is invalid: ${details.length} problem(s).`, details) as unknown as Error };
  });
  // Responses are presented by handlers; schemas on responses serve the OpenAPI document.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.addContentTypeParser(SPREADSHEET_TYPES, { parseAs: 'buffer', bodyLimit: 100 * 1024 * 1024 }, (_request, body, done) => done(null, body));

  installErrorHandling(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Rempart API',
        version: options.version ?? '0.1.0',
        description:
          'Business continuity management (ISO 22301): organisation model, business impact analysis, findings. Errors always have the shape {error: {code, message, details: [{path, rule, value, message}]}}.',
      },
      tags: [
        { name: 'health', description: 'Liveness and database readiness' },
        { name: 'organisations', description: 'Tenants and their BIA settings' },
        { name: 'model', description: 'Sites, pools, applications, suppliers, activities, strategies' },
        { name: 'bia', description: 'Business impact analysis findings and interchange' },
        { name: 'scenarios', description: 'Disruption scenarios, simulations, Monte Carlo and strategy recommendations' },
        { name: 'risks', description: 'Risk appraisal: threat catalogue, risk matrix and appetite, risk register, heat map' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  await app.register(
    async (api) => {
      await api.register(healthRoutes);
      await api.register(organisationRoutes);
      await api.register(modelRoutes);
      await api.register(collectionRoutes);
      await api.register(scenarioRoutes);
      await api.register(riskRoutes);
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api' },
  );
  await registerWebApp(app);
  if (options.jobs) {
    const runner = new JobRunner(options.db, { ...options.jobs, log: (message, data) => app.log.warn(data ?? {}, message) });
    app.addHook('onReady', async () => runner.start());
    app.addHook('onClose', async () => runner.stop());
  }
  return app;
}
