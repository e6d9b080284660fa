// Configuration: flag → environment → default, validated once with every problem listed, then frozen.
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { RempartError } from './errors.js';
import { ORGANISATION_CREATION } from './model/account.js';
import { problemsFromZod } from './model/problem.js';
import { JOB_RUNNER_DEFAULTS } from './operations/jobs/runner.js';
import { JOB_LIMIT_DEFAULTS } from './operations/scenarios.js';
import { READY_DEFAULTS } from './server/routes/health.js';
import { redactUrl } from './store/database.js';

const Config = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(4310),
    host: z.string().min(1).default('127.0.0.1'),
    dataDir: z.string().min(1).default('.rempart'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'a postgres:// or postgresql:// URL' })
      .optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Logs as one JSON object a line, or as lines for people; unset: for people on a terminal, JSON anywhere else. */
    logFormat: z.enum(['pretty', 'json']).optional(),
    /** Load the demo organisation into an empty database at start-up. */
    demo: z.boolean().default(true),
    /** Base64 of 32 random bytes sealing stored second-factor secrets; required with PostgreSQL, generated in the data folder otherwise. */
    secretKey: z.string().min(1).optional(),
    /** Folder of the signed audit checkpoints, outside the database (default with the embedded database: `<data folder>/audit-checkpoints`). */
    auditCheckpoints: z.string().min(1).optional(),
    /** Believe X-Forwarded-For/-Proto from a reverse proxy: `true`, or its addresses/subnets separated by commas. */
    trustProxy: z
      .string()
      .optional()
      .transform((value) =>
        value === undefined || value === '' || value === 'false' ? false : value === 'true' ? true : value.split(',').map((part) => part.trim()),
      ),
    /** Requests per minute and address for the whole API (0: no global limit). */
    rateLimit: z.coerce.number().int().min(0).default(1200),
    /** Sign-in and second-factor attempts per minute and address (on top of the per-account lockout). */
    signInRateLimit: z.coerce.number().int().min(1).default(10),
    /** A session unused this many minutes ends. */
    sessionIdleMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(8 * 60),
    /** A session ends this many hours after sign-in. */
    sessionMaxHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(90 * 24)
      .default(7 * 24),
    /** Run queued jobs in this server process (`--no-jobs` / REMPART_JOBS=0: serve only, and let `rempart worker` processes run them). */
    runJobs: z.boolean().default(true),
    /** Queued and running jobs (Monte Carlo, recommendations) an organisation may have at once. */
    jobsPerOrganisation: z.coerce.number().int().min(1).max(1000).default(JOB_LIMIT_DEFAULTS.perOrganisation),
    /** Runs a Monte Carlo job may ask for. */
    maxRuns: z.coerce.number().int().min(1).max(10_000_000).default(JOB_LIMIT_DEFAULTS.maxRuns),
    /** Seconds a Monte Carlo job computes between checkpoints, where it gives way to another organisation's job. */
    jobTurnSeconds: z.coerce.number().min(0.1).max(3600).default(JOB_RUNNER_DEFAULTS.turnSeconds),
    /** Seconds without a heartbeat after which a running job is presumed orphaned and another process takes it. */
    jobStaleSeconds: z.coerce
      .number()
      .min(1)
      .max(24 * 3600)
      .default(JOB_RUNNER_DEFAULTS.staleAfterSeconds),
    /** Who may create organisations: server administrators only (accounts made with the CLI), also owners, or anyone signed in. */
    organisationCreation: z.enum(ORGANISATION_CREATION).default('admins'),
    /** The largest stored file, in megabytes (reports, attachments, evidence). */
    fileMaxMb: z.coerce.number().positive().max(10_240).default(50),
    /** All the stored files of one organisation together, in megabytes. */
    fileQuotaMb: z.coerce.number().positive().max(10_485_760).default(1024),
    /** `/api/ready` answers 503 when this many jobs (or more) are due and waiting. */
    readyMaxBacklog: z.coerce.number().int().min(1).default(READY_DEFAULTS.maxBacklog),
    /** Bearer token that opens `/metrics` to scrapers on other machines; unset: `/metrics` answers loopback callers only. */
    metricsToken: z.string().min(16, { message: 'at least 16 characters' }).optional(),
    /** Seconds a stopping process waits for the requests in flight before closing their connections. */
    shutdownGraceSeconds: z.coerce.number().min(0).max(600).default(10),
  })
  .strict();

export type Config = Readonly<z.output<typeof Config>>;

export interface ConfigFlags {
  port?: string | number;
  host?: string;
  data?: string;
  logLevel?: string;
  logFormat?: string;
  demo?: boolean;
  jobs?: boolean;
}

/** Builds the configuration; throws a RempartError naming every bad setting. */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const input = {
    port: flags.port ?? env.REMPART_PORT ?? env.PORT,
    host: flags.host ?? env.REMPART_HOST,
    dataDir: flags.data ?? env.REMPART_DATA,
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel: flags.logLevel ?? env.REMPART_LOG_LEVEL,
    logFormat: flags.logFormat ?? (env.REMPART_LOG_FORMAT || undefined),
    demo: flags.demo ?? (env.REMPART_DEMO === undefined ? undefined : env.REMPART_DEMO !== '0' && env.REMPART_DEMO !== 'false'),
    runJobs: flags.jobs ?? (env.REMPART_JOBS === undefined ? undefined : env.REMPART_JOBS !== '0' && env.REMPART_JOBS !== 'false'),
    secretKey: env.REMPART_SECRET_KEY || undefined,
    auditCheckpoints: env.REMPART_AUDIT_CHECKPOINTS || undefined,
    trustProxy: env.REMPART_TRUST_PROXY,
    rateLimit: env.REMPART_RATE_LIMIT,
    signInRateLimit: env.REMPART_SIGN_IN_RATE_LIMIT,
    sessionIdleMinutes: env.REMPART_SESSION_IDLE_MINUTES,
    sessionMaxHours: env.REMPART_SESSION_MAX_HOURS,
    jobsPerOrganisation: env.REMPART_JOBS_PER_ORG,
    maxRuns: env.REMPART_MAX_RUNS,
    jobTurnSeconds: env.REMPART_JOB_TURN_SECONDS,
    jobStaleSeconds: env.REMPART_JOB_STALE_SECONDS,
    organisationCreation: env.REMPART_ORG_CREATION || undefined,
    fileMaxMb: env.REMPART_FILE_MAX_MB || undefined,
    fileQuotaMb: env.REMPART_FILE_QUOTA_MB || undefined,
    readyMaxBacklog: env.REMPART_READY_MAX_BACKLOG || undefined,
    metricsToken: env.REMPART_METRICS_TOKEN || undefined,
    shutdownGraceSeconds: env.REMPART_SHUTDOWN_GRACE_SECONDS || undefined,
  };
  const result = Config.safeParse(input, { reportInput: true });
  if (!result.success) {
    const details = problemsFromZod(result.error, input).map((p) =>
      p.path === 'databaseUrl'
        ? { ...p, value: redactUrl(String(p.value)) }
        : p.path === 'secretKey' || p.path === 'metricsToken'
          ? { ...p, value: '[hidden]' }
          : p,
    );
    throw new RempartError('invalid_input', 'The configuration is invalid.', details);
  }
  return Object.freeze(result.data);
}

/** The configuration as it may be printed or logged: no password, no key. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    databaseUrl: config.databaseUrl ? redactUrl(config.databaseUrl) : undefined,
    secretKey: config.secretKey ? '[set]' : undefined,
    metricsToken: config.metricsToken ? '[set]' : undefined,
  };
}

/**
 * Where the signed audit checkpoints go: `REMPART_AUDIT_CHECKPOINTS`, else `<data folder>/audit-checkpoints` with the
 * embedded database (beside `pgdata`, out of SQL's reach); null with PostgreSQL and no folder set (checkpoints off).
 */
export function auditCheckpointFolder(config: Config): string | null {
  if (config.auditCheckpoints) return resolve(config.auditCheckpoints);
  if (config.databaseUrl || config.dataDir.startsWith('memory://')) return null;
  return join(resolve(config.dataDir), 'audit-checkpoints');
}
