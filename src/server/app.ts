// The HTTP server: Fastify with Zod validation at the edge, access control on every route, security headers,
// rate limits, an OpenAPI document and one error shape.
import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import helmet from 'helmet';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { ZodType } from 'zod';
import { RempartError } from '../errors.js';
import { problemsFromZod } from '../model/problem.js';
import type { Database } from '../store/schema.js';
import type { OrganisationCreation } from '../model/account.js';
import { DEFAULT_SESSION_SETTINGS, type SessionSettings } from '../operations/sessions.js';
import { installAccessControl } from './access.js';
import { conversationRoutes } from './routes/conversations.js';
import { assistantRoutes } from './routes/assistant.js';
import { flowRoutes } from './routes/flows.js';
import { surveillanceRoutes } from './routes/surveillance.js';
import { DEFAULT_PUBLIC_RATE_LIMITS, SharedRateLimiter, type PublicRateLimits } from '../operations/public-rate-limit.js';
import { installEdgeGuards, MAX_SEGMENT_LENGTH, overlongSegment, SPREADSHEET_MEDIA_TYPES } from './edge.js';
import { installErrorHandling } from './errors.js';
import { auditRoutes } from './routes/audit.js';
import { exportRoutes } from './routes/exports.js';
import { authRoutes } from './routes/auth.js';
import { singleSignOnRoutes } from './routes/single-sign-on.js';
import { OidcProvider, type OidcOptions } from './oidc.js';
import { collectionRoutes } from './routes/collections.js';
import { memberRoutes } from './routes/members.js';
import { invitationRoutes } from './routes/invitations.js';
import { securityRoutes } from './routes/security.js';
import { tokenRoutes } from './routes/tokens.js';
import { healthRoutes } from './routes/health.js';
import { modelRoutes } from './routes/model.js';
import { organisationRoutes } from './routes/organisations.js';
import { scenarioRoutes } from './routes/scenarios.js';
import { riskRoutes } from './routes/risks.js';
import { fileRoutes } from './routes/files.js';
import { widgetRoutes } from './routes/widget.js';
import { planRoutes } from './routes/plans.js';
import { incidentRoutes } from './routes/incidents.js';
import { correctiveActionRoutes } from './routes/corrective-actions.js';
import { exerciseRoutes } from './routes/exercises.js';
import { biaCampaignRoutes } from './routes/bia-campaigns.js';
import { managementReviewRoutes } from './routes/management-reviews.js';
import { trainingRoutes } from './routes/training.js';
import { trainingPageRoutes } from './routes/training-page.js';
import { peopleRoutes } from './routes/people.js';
import { kbRoutes } from './routes/kb.js';
import { alertRoutes } from './routes/alerts.js';
import { smsWebhookRoutes } from './routes/sms-webhooks.js';
import { followUpRoutes } from './routes/follow-up.js';
import { checkinPageRoutes, redactCheckinPath } from './routes/checkin-page.js';
import { configureAlerts, type AlertSettings } from '../operations/alert-settings.js';
import type { BlobLimits } from '../store/blob-store.js';
import { JobRunner, type JobRunnerOptions } from '../operations/jobs/runner.js';
import { JOB_HANDLERS } from '../operations/jobs/handlers/index.js';
import { jobRoutes } from './routes/jobs.js';
import { reportRoutes } from './routes/reports.js';
import type { JobLimits } from '../operations/scenarios.js';
import { registerWebApp } from './static.js';
import { widgetAssetRoutes } from './routes/widget-assets.js';
import { LiveEventHub, type Listen } from './live-events.js';
import { installResponseCheck, type ResponseMismatch } from './response-check.js';
import { installMetrics, type MetricsOptions } from './metrics.js';

export interface AppOptions {
  db: Kysely<Database>;
  /** `embedded` or `postgres`, reported by the health route. */
  databaseKind: 'embedded' | 'postgres';
  /** The database's NOTIFY listener (`DatabaseHandle.listen`): live events reach this process's streams through it. */
  listen: Listen;
  logger?: FastifyServerOptions['logger'];
  version?: string;
  /** Run queued jobs (every kind in JOB_HANDLERS) in this process; off unless given. */
  jobs?: JobRunnerOptions | false;
  /** Queued and running jobs per organisation, runs per Monte Carlo job (default `JOB_LIMIT_DEFAULTS`). */
  jobLimits?: Partial<JobLimits>;
  /** The server's 32-byte key: seals the second-factor secrets stored in the database. */
  secretKey: Buffer;
  /** Session lifetimes, and the clock they are measured with (tests move it). */
  sessions?: Partial<SessionSettings>;
  /**
   * Requests per minute and client address: for the whole API (false: no global limit), and for sign-in and
   * second-factor attempts (on top of the per-account lockout kept in the database).
   */
  rateLimit?: { perMinute: number | false; signInPerMinute: number };
  /** Limits of the public conversation API per key and per client, shared by every process on the database. */
  publicRateLimits?: Partial<PublicRateLimits>;
  /** Believe X-Forwarded-For/-Proto from these proxies (Fastify's `trustProxy`): the client address and https. */
  trustProxy?: boolean | string | string[];
  /** Who may create organisations (REMPART_ORG_CREATION); `admins` unless given. */
  organisationCreation?: OrganisationCreation;
  /** Largest file and an organisation's total, in bytes (REMPART_FILE_MAX_MB, REMPART_FILE_QUOTA_MB); `DEFAULT_BLOB_LIMITS` unless given. */
  files?: Partial<BlobLimits>;
  /**
   * Checks every response against the schema its route documents for the status and reports each mismatch
   * (the test support turns them into failures); off unless given.
   */
  checkResponses?: (mismatch: ResponseMismatch) => void;
  /** Mass notification: public address, channels and limits (from the environment unless given). */
  alerts?: Partial<AlertSettings>;
  /** `/api/ready`'s job backlog threshold (REMPART_READY_MAX_BACKLOG). */
  ready?: { maxBacklog: number };
  /** Who may read `/metrics`: a bearer token (REMPART_METRICS_TOKEN), else loopback callers only. */
  metrics?: MetricsOptions;
  /** The deployment's OpenID Connect provider (REMPART_OIDC_*); no single sign-on unless given. */
  oidc?: OidcOptions | null;
}

export type App = FastifyInstance;

/** What the access routes need: the session settings, the secret key and the sign-in rate limit. */
export interface AccessSettings {
  sessions: SessionSettings;
  secretKey: Buffer;
  signInPerMinute: number;
  organisationCreation: OrganisationCreation;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>;
    access: AccessSettings;
  }
}

/** Log paths that may carry credentials: never written, whatever the log level. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.code',
  '*.secret',
  '*.token',
  '*.recoveryCodes',
  '*.link',
];

export const REQUEST_ID_HEADER = 'x-request-id';
/** What an incoming request id may be: what proxies and tracing headers send (uuids, hex, base64url, dotted ids). */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The incoming x-request-id when it is safe to repeat, else a new uuid. */
export function requestIdOf(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Body fields whose value a refusal must not repeat back (or log). */
const HIDDEN_FIELDS = /(password|code|secret|token)$/i;

/**
 * The Content-Security-Policy of the web app and the API reference: everything from this server, inline styles
 * (the component library and Swagger UI set style attributes) and data: images (QR codes, icons); no inline
 * script, no framing. No upgrade-insecure-requests: a plain-HTTP deployment on a LAN must keep working.
 */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

/** The routes anyone reaches with an organisation's public key: they have their own limits (see the rate limit below). */
const PUBLIC_API = /^\/api\/(public|widget)\//;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  // Check-in links carry their secret in the path: logged as /c/[link].
  const serializers = { req: (request: { method: string; url: string }) => ({ method: request.method, url: redactCheckinPath(request.url) }) };
  const logger = options.logger && typeof options.logger === 'object' ? { ...options.logger, redact: LOG_REDACT, serializers } : (options.logger ?? false);
  configureAlerts({ secretKey: options.secretKey, settings: options.alerts });
  const app = Fastify({
    logger,
    // A request id from the proxy or client in front is kept (their logs and ours then join up), when it is short and
    // harmless in a log line; otherwise one is made. It is carried by every log line of the request (pino's child
    // logger) and answered in the x-request-id header.
    requestIdHeader: false,
    genReqId: requestIdOf,
    trustProxy: options.trustProxy ?? false,
    // 1 MB for ordinary requests; import routes raise their own limit.
    bodyLimit: 1024 * 1024,
    // Query strings and ids are user-facing: keep them case-sensitive and reject oversized URLs.
    routerOptions: { maxParamLength: 200 },
    // Errors raised by the router before any handler (bad URL encoding, over-long ids) keep our shape.
    frameworkErrors: (error, request, reply) => {
      const code = (error as { code?: string }).code;
      if (code === 'FST_ERR_MAX_PARAM_LENGTH') {
        const overlong = overlongSegment(app, request.method, request.url);
        void (reply as FastifyReply)
          .code(400)
          .send(
            new RempartError('invalid_input', `A part of the address is longer than ${MAX_SEGMENT_LENGTH} characters.`, overlong ? [overlong] : []).toJSON(),
          );
        return;
      }
      const status = (error as { statusCode?: number }).statusCode ?? 400;
      void (reply as FastifyReply).code(status).send({
        error: {
          code: 'invalid_input',
          message: 'The address is not valid URL encoding.',
          details: [{ path: 'url', rule: 'encoding', value: request.url.slice(0, MAX_SEGMENT_LENGTH), message: error.message.slice(0, 300) }],
        },
      });
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.decorate('db', options.db);
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  const liveEvents = new LiveEventHub(options.db, options.listen, { log: (message, data) => app.log.warn(data ?? {}, message) });
  app.decorate('liveEvents', liveEvents);
  app.addHook('onReady', async () => liveEvents.start());
  app.addHook('onClose', async () => liveEvents.stop());
  // A stopping server ends its event streams first: they would otherwise hold the shutdown for its whole grace period.
  app.addHook('preClose', async () => liveEvents.closeStreams());
  const sessions: SessionSettings = { ...DEFAULT_SESSION_SETTINGS, ...options.sessions };
  const rateLimit = options.rateLimit ?? { perMinute: 1200, signInPerMinute: 10 };
  app.decorate('access', {
    sessions,
    secretKey: options.secretKey,
    signInPerMinute: rateLimit.signInPerMinute,
    organisationCreation: options.organisationCreation ?? 'admins',
  });

  // Validation with Zod at the edge: every problem at once, each with path, rule and value.
  app.setValidatorCompiler<ZodType>(({ schema, httpPart }) => (data: unknown) => {
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return { value: result.data };
    const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'body');
    const details = problemsFromZod(result.error, data, [part]).map((p) => (HIDDEN_FIELDS.test(p.path) ? { ...p, value: '[hidden]' } : p));
    return { error: new RempartError('invalid_input', `The ${part} is invalid: ${details.length} problem(s).`, details) as unknown as Error };
  });
  // Responses are presented by handlers; schemas on responses serve the OpenAPI document.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  // Spreadsheets are read as bytes with the default 1 MB limit; only import routes take them (`config.accepts`), with their own limit.
  app.addContentTypeParser([...SPREADSHEET_MEDIA_TYPES], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // First of the hooks: every answer is counted, refusals by the guards below included.
  installMetrics(app, options.db, options.metrics ?? {}, () => ({ connections: liveEvents.connections, ...liveEvents.counts }));
  installErrorHandling(app);
  installEdgeGuards(app);
  if (options.checkResponses) installResponseCheck(app, options.checkResponses);

  // helmet's middleware is built once: @fastify/helmet built it again (parsing the policy) for every request, 3 % of a
  // busy server's time.
  const securityHeaders = helmet({ contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES } });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)));
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: rateLimit.perMinute !== false,
    max: rateLimit.perMinute === false ? 1_000_000 : rateLimit.perMinute,
    timeWindow: '1 minute',
    // The web app's files are not counted: one page load fetches dozens of them, and an office behind one address
    // would be refused its pages after a few loads. They cost a file read (compressed once, cached for a year).
    allowList: (request) => !request.url.startsWith('/api/'),
    // The public routes (widgets' conversations and configuration) count in a bucket of their own per address, beside
    // their per-key and per-client limits: a flood on the signed-in application from an office's one address must not
    // refuse the widget to the visitors behind that same address, nor the other way round.
    keyGenerator: (request) => (PUBLIC_API.test(request.url) ? `public:${request.ip}` : request.ip),
    errorResponseBuilder: (_request, context) =>
      new RempartError('rate_limited', `Too many requests: retry in ${context.after}.`, [], { retryAfter: Math.ceil(context.ttl / 1000) }),
  });
  installAccessControl(app, { db: options.db, sessions });
  const publicRateLimits: PublicRateLimits = { ...DEFAULT_PUBLIC_RATE_LIMITS, ...options.publicRateLimits };
  const publicRateLimiter = new SharedRateLimiter(options.db, publicRateLimits, () => sessions.now());
  app.decorate('publicRateLimits', publicRateLimits);
  app.decorate('publicRateLimiter', publicRateLimiter);
  app.addHook('onReady', async () => publicRateLimiter.start());
  app.addHook('onClose', async () => publicRateLimiter.stop());

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
        { name: 'auth', description: 'Sign-in (password, then second factor), sessions, password, second-factor enrolment' },
        { name: 'plans', description: 'Continuity plans: versions, review and approval, templates, validation by simulation, PDF' },
        {
          name: 'incidents',
          description: 'Incidents and exercises: activated plans and tasks, crisis log, situation board with MTPD countdowns, projection, review',
        },
        {
          name: 'people',
          description: 'The people directory: who to reach in a crisis (contact details, language, site, activities), imported and exported as spreadsheets',
        },
        { name: 'alerts', description: 'Mass notification of an incident with a one-tap check-in, live availability, the follow-up queue' },
        { name: 'files', description: 'Stored files: reports, plan attachments, evidence (streamed, with size limits and a quota per organisation)' },
        { name: 'access', description: 'Members and roles, API tokens, security settings and the audit trail of an organisation' },
        {
          name: 'conversations',
          description: 'The public conversation API: start a conversation with an organisation’s public key and answer it (the orientation questionnaire)',
        },
        { name: 'surveillance', description: 'Aggregates of completed orientation questionnaires, small cells hidden; records and settings' },
        {
          name: 'widget',
          description: 'The embeddable widget: an organisation’s public keys and their origins, its public settings, and the handshake widgets make',
        },
        {
          name: 'reports',
          description:
            'Reports generated as jobs, PDF with charts or XLSX, French or English: BIA, risk register, exercise report, committee pack of a scenario, management-review pack',
        },
      ],
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'rempart_session',
            description: 'Set by POST /api/auth/sign-in. Changes (POST, PUT, DELETE) must also send the session’s CSRF token in the x-csrf-token header.',
          },
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token of one organisation: `Authorization: Bearer rmp_…`.' },
          link: {
            type: 'http',
            scheme: 'bearer',
            description:
              'A link token (one person, one purpose, expiring, often single-use): `Authorization: Bearer rmpl_…`. Another purpose: 403; expired, revoked or used up: 410.',
          },
          publicKey: {
            type: 'apiKey',
            in: 'header',
            name: 'x-rempart-key',
            description: 'An organisation’s public widget key (`rmpk_…`), valid only from its allowed origins.',
          },
          publicKeyQuery: {
            type: 'apiKey',
            in: 'query',
            name: 'key',
            description: 'The public widget key as `?key=rmpk_…` (for requests that cannot set a header).',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  await app.register(
    async (api) => {
      await api.register(healthRoutes, { ready: options.ready });
      await api.register(authRoutes);
      await api.register(singleSignOnRoutes, { provider: options.oidc ? new OidcProvider(options.oidc) : null });
      await api.register(organisationRoutes);
      await api.register(memberRoutes);
      await api.register(invitationRoutes);
      await api.register(tokenRoutes);
      await api.register(securityRoutes);
      await api.register(auditRoutes);
      await api.register(modelRoutes);
      await api.register(collectionRoutes);
      await api.register(scenarioRoutes, { jobLimits: options.jobLimits });
      await api.register(riskRoutes);
      await api.register(exportRoutes);
      await api.register(fileRoutes, { limits: options.files });
      await api.register(widgetRoutes);
      await api.register(jobRoutes);
      await api.register(planRoutes);
      await api.register(incidentRoutes);
      await api.register(correctiveActionRoutes);
      await api.register(exerciseRoutes);
      await api.register(biaCampaignRoutes);
      await api.register(trainingRoutes);
      await api.register(managementReviewRoutes);
      await api.register(reportRoutes);
      await api.register(peopleRoutes);
      await api.register(alertRoutes);
      await api.register(smsWebhookRoutes);
      await api.register(followUpRoutes);
      await api.register(conversationRoutes);
      await api.register(surveillanceRoutes);
      await api.register(kbRoutes);
      await api.register(assistantRoutes);
      await api.register(flowRoutes);
      api.get('/openapi.json', { schema: { hide: true }, config: { policy: { access: 'public' } } }, async () => app.swagger());
    },
    { prefix: '/api' },
  );
  await app.register(checkinPageRoutes);
  await app.register(trainingPageRoutes);
  await app.register(widgetAssetRoutes);
  await registerWebApp(app);
  if (options.jobs) {
    const runner = new JobRunner(options.db, JOB_HANDLERS, {
      listen: options.listen,
      ...options.jobs,
      log: (message, data) => app.log.warn(data ?? {}, message),
    });
    app.addHook('onReady', async () => runner.start());
    app.addHook('onClose', async () => runner.stop());
  }
  return app;
}
