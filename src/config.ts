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
import { CALLBACK_PATH, isLoopbackUrl, type OidcOptions } from './server/oidc.js';

/**
 * Every setting: its type, limits, default and meaning (the `description`). docs/configuration.md is generated from
 * this schema and CONFIG_SOURCES (`npm run docs:config`); a test fails when the two drift apart.
 */
export const Config = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(4310).meta({ description: 'TCP port the server listens on (0: any free port).' }),
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .meta({ description: 'Address the server listens on; `0.0.0.0` for every interface (then the first run creates no account by itself).' }),
    dataDir: z
      .string()
      .min(1)
      .default('.rempart')
      .meta({ description: 'Embedded data folder (database, `secret.key`, audit checkpoints); ignored with `DATABASE_URL`.' }),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'a postgres:// or postgresql:// URL' })
      .optional()
      .meta({ description: 'PostgreSQL server URL (`postgres://user:password@host:5432/db`); unset: the embedded database. Its password is never printed.' }),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .meta({ description: 'Least severe log level written by `serve` and `worker`.' }),
    logFormat: z
      .enum(['pretty', 'json'])
      .optional()
      .meta({ description: 'Logs as one JSON object a line (`json`) or as lines for people (`pretty`); unset: pretty on a terminal, JSON anywhere else.' }),
    demo: z
      .boolean()
      .default(true)
      .meta({ description: 'Load the demo organisation into an empty embedded database at start-up (PostgreSQL: only with `REMPART_DEMO=1`).' }),
    secretKey: z.string().min(1).optional().meta({
      description:
        '32 random bytes in base64 (`openssl rand -base64 32`) sealing stored second-factor secrets and keying the audit trail. Required with PostgreSQL (the same on every process); generated into `<data folder>/secret.key` otherwise. Keep it out of database backups.',
    }),
    auditCheckpoints: z.string().min(1).optional().meta({
      description:
        'Folder of the signed audit checkpoints, outside the database; default `<data folder>/audit-checkpoints` with the embedded database, none with PostgreSQL.',
    }),
    trustProxy: z
      .string()
      .optional()
      .transform((value) =>
        value === undefined || value === '' || value === 'false' ? false : value === 'true' ? true : value.split(',').map((part) => part.trim()),
      )
      .meta({
        description: 'Believe `X-Forwarded-For`/`-Proto` from a reverse proxy: `true`, or its addresses/subnets separated by commas; default `false`.',
      }),
    rateLimit: z.coerce
      .number()
      .int()
      .min(0)
      .default(1200)
      .meta({ description: 'Requests per minute and client address for the whole API (0: no global limit).' }),
    signInRateLimit: z.coerce
      .number()
      .int()
      .min(1)
      .default(10)
      .meta({ description: 'Sign-in and second-factor attempts per minute and address (on top of the per-account lockout).' }),
    sessionIdleMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(8 * 60)
      .meta({ description: 'A session unused this many minutes ends.' }),
    sessionMaxHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(90 * 24)
      .default(7 * 24)
      .meta({ description: 'A session ends this many hours after sign-in.' }),
    callerCacheMs: z.coerce.number().int().min(0).max(60_000).default(1000).meta({
      description:
        'Milliseconds a resolved session or API token (with its membership) is reused without asking the database; 0: never. Changes made through the same process apply at once; a sign-out, revoked token or role change made through another process applies within this time.',
    }),
    runJobs: z
      .boolean()
      .default(true)
      .meta({ description: 'Run queued jobs in this server process; `--no-jobs` / `0`: serve only, and let `rempart worker` processes run them.' }),
    workers: z.coerce.number().int().min(1).max(64).default(1).meta({
      description: 'HTTP processes `serve` starts on one port (PostgreSQL only): the first runs the jobs unless `--no-jobs`; one that dies is started again.',
    }),
    jobsPerOrganisation: z.coerce
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(JOB_LIMIT_DEFAULTS.perOrganisation)
      .meta({ description: 'Queued and running jobs (Monte Carlo, recommendations) an organisation may have at once; one more is refused with 429.' }),
    maxRuns: z.coerce.number().int().min(1).max(10_000_000).default(JOB_LIMIT_DEFAULTS.maxRuns).meta({ description: 'Runs a Monte Carlo job may ask for.' }),
    jobTurnSeconds: z.coerce
      .number()
      .min(0.1)
      .max(3600)
      .default(JOB_RUNNER_DEFAULTS.turnSeconds)
      .meta({ description: 'Seconds a Monte Carlo job computes between checkpoints, where it gives way to another organisation’s job.' }),
    jobStaleSeconds: z.coerce
      .number()
      .min(1)
      .max(24 * 3600)
      .default(JOB_RUNNER_DEFAULTS.staleAfterSeconds)
      .meta({ description: 'Seconds without a heartbeat after which a running job is presumed orphaned and another process takes it.' }),
    organisationCreation: z.enum(ORGANISATION_CREATION).default('admins').meta({
      description: 'Who may create organisations: `admins` (accounts made with `rempart user create`), `owners` (also owners of one), `anyone` signed in.',
    }),
    fileMaxMb: z.coerce
      .number()
      .positive()
      .max(10_240)
      .default(50)
      .meta({ description: 'The largest stored file, in megabytes (reports, attachments, evidence).' }),
    fileQuotaMb: z.coerce
      .number()
      .positive()
      .max(10_485_760)
      .default(1024)
      .meta({ description: 'All the stored files of one organisation together, in megabytes.' }),
    readyMaxBacklog: z.coerce
      .number()
      .int()
      .min(1)
      .default(READY_DEFAULTS.maxBacklog)
      .meta({ description: '`/api/ready` answers 503 when this many jobs (or more) are due and waiting.' }),
    metricsToken: z
      .string()
      .min(16, { message: 'at least 16 characters' })
      .optional()
      .meta({ description: 'Bearer token that opens `/metrics` to scrapers on other machines; unset: `/metrics` answers callers on this machine only.' }),
    shutdownGraceSeconds: z.coerce
      .number()
      .min(0)
      .max(600)
      .default(10)
      .meta({ description: 'On SIGTERM, seconds the server waits for the requests in flight before closing the connections still open.' }),
    publicUrl: z
      .string()
      .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'an http(s) address' })
      .default('http://localhost:4310')
      .meta({ description: 'How people reach this server: every check-in link in alerts starts with it.' }),
    oidcIssuer: z
      .string()
      .regex(/^https?:\/\/[^\s?#]+$/, { message: 'an http(s) address' })
      .refine((url) => url.startsWith('https:') || isLoopbackUrl(url), { message: 'https (plain http only for a provider on this machine)' })
      .optional()
      .meta({
        description:
          'Issuer URL of the OpenID Connect provider for single sign-on (its discovery document is under `/.well-known/openid-configuration`); unset: passwords only. Register `<REMPART_PUBLIC_URL>/api/auth/oidc/callback` there as the redirect URI.',
      }),
    oidcClientId: z.string().min(1).max(500).optional().meta({ description: 'Client id of this server at the provider.' }),
    oidcClientSecret: z.string().min(1).max(2000).optional().meta({ description: 'Client secret of this server at the provider; never printed.' }),
    oidcName: z
      .string()
      .min(1)
      .max(60)
      .default('single sign-on')
      .meta({ description: 'The provider as people know it: the button reads “Sign in with <name>”.' }),
    smtpUrl: z
      .string()
      .regex(/^smtps?:\/\//, { message: 'an smtp:// or smtps:// URL' })
      .optional()
      .meta({
        description:
          'SMTP server alerts are e-mailed through (`smtp://host:2525`, `smtps://user:password@host`), pooled connections; unset: e-mails fail at once.',
      }),
    mailFrom: z.string().min(3).default('Rempart <no-reply@localhost>').meta({ description: 'Sender of alert e-mails.' }),
    smsProvider: z.enum(['none', 'webhook', 'twilio']).optional().meta({
      description:
        'SMS provider: `webhook` (documented JSON POST), `twilio` (its Messages API shape) or `none`; unset: `webhook` when `REMPART_SMS_URL` is set.',
    }),
    smsUrl: z
      .string()
      .regex(/^https?:\/\//, { message: 'an http(s) URL' })
      .optional()
      .meta({ description: 'Where text messages are posted (the webhook, or Twilio’s Messages.json URL).' }),
    smsCredentials: z.string().min(1).optional().meta({ description: 'Bearer token of the webhook, or `AccountSid:AuthToken` for Twilio; never printed.' }),
    smsFrom: z.string().min(1).optional().meta({ description: 'Sender id or number of text messages.' }),
    smsWebhookSecret: z.string().min(16, { message: 'at least 16 characters' }).optional().meta({
      description: 'Shared secret of the SMS provider’s inbound webhooks (receipts, replies), checked as an HMAC-SHA256 signature; unset: they are refused.',
    }),
    alertChunk: z.coerce.number().int().min(1).max(5000).default(500).meta({ description: 'Recipients one alert send job takes.' }),
    smsPerNumberSeconds: z.coerce
      .number()
      .int()
      .min(0)
      .max(86_400)
      .default(60)
      .meta({ description: 'Least seconds between two text messages to one number (across alerts and organisations).' }),
    emailPerMinute: z.coerce.number().int().min(0).default(0).meta({ description: 'Alert e-mails a minute for the whole deployment (0: no limit).' }),
    smsPerMinute: z.coerce.number().int().min(0).default(0).meta({ description: 'Alert text messages a minute for the whole deployment (0: no limit).' }),
    followUpRetentionDays: z.coerce
      .number()
      .int()
      .min(0)
      .max(3650)
      .default(30)
      .meta({ description: 'Days after an incident closes when its follow-up notes and check-in notes (possibly health data) are purged.' }),
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
  workers?: string | number;
}

type SettingKey = keyof z.input<typeof Config>;

/** Where a setting comes from: a command-line flag (of the commands that take it), then environment variables in order. */
export interface SettingSource {
  flag?: { option: string; key: keyof ConfigFlags };
  env: string[];
  /** An on/off setting: `0` and `false` are off, anything else on. */
  boolean?: boolean;
}

/** The sources of every setting (precedence: flag, then environment, then the schema's default). */
export const CONFIG_SOURCES: Record<SettingKey, SettingSource> = {
  port: { flag: { option: '--port', key: 'port' }, env: ['REMPART_PORT', 'PORT'] },
  host: { flag: { option: '--host', key: 'host' }, env: ['REMPART_HOST'] },
  dataDir: { flag: { option: '--data', key: 'data' }, env: ['REMPART_DATA'] },
  databaseUrl: { env: ['DATABASE_URL'] },
  logLevel: { env: ['REMPART_LOG_LEVEL'] },
  logFormat: { flag: { option: '--log-format', key: 'logFormat' }, env: ['REMPART_LOG_FORMAT'] },
  demo: { flag: { option: '--no-demo', key: 'demo' }, env: ['REMPART_DEMO'], boolean: true },
  secretKey: { env: ['REMPART_SECRET_KEY'] },
  auditCheckpoints: { env: ['REMPART_AUDIT_CHECKPOINTS'] },
  trustProxy: { env: ['REMPART_TRUST_PROXY'] },
  rateLimit: { env: ['REMPART_RATE_LIMIT'] },
  signInRateLimit: { env: ['REMPART_SIGN_IN_RATE_LIMIT'] },
  sessionIdleMinutes: { env: ['REMPART_SESSION_IDLE_MINUTES'] },
  sessionMaxHours: { env: ['REMPART_SESSION_MAX_HOURS'] },
  callerCacheMs: { env: ['REMPART_CALLER_CACHE_MS'] },
  runJobs: { flag: { option: '--no-jobs', key: 'jobs' }, env: ['REMPART_JOBS'], boolean: true },
  workers: { flag: { option: '--workers', key: 'workers' }, env: ['REMPART_WORKERS'] },
  jobsPerOrganisation: { env: ['REMPART_JOBS_PER_ORG'] },
  maxRuns: { env: ['REMPART_MAX_RUNS'] },
  jobTurnSeconds: { env: ['REMPART_JOB_TURN_SECONDS'] },
  jobStaleSeconds: { env: ['REMPART_JOB_STALE_SECONDS'] },
  organisationCreation: { env: ['REMPART_ORG_CREATION'] },
  fileMaxMb: { env: ['REMPART_FILE_MAX_MB'] },
  fileQuotaMb: { env: ['REMPART_FILE_QUOTA_MB'] },
  readyMaxBacklog: { env: ['REMPART_READY_MAX_BACKLOG'] },
  metricsToken: { env: ['REMPART_METRICS_TOKEN'] },
  shutdownGraceSeconds: { env: ['REMPART_SHUTDOWN_GRACE_SECONDS'] },
  publicUrl: { env: ['REMPART_PUBLIC_URL'] },
  oidcIssuer: { env: ['REMPART_OIDC_ISSUER'] },
  oidcClientId: { env: ['REMPART_OIDC_CLIENT_ID'] },
  oidcClientSecret: { env: ['REMPART_OIDC_CLIENT_SECRET'] },
  oidcName: { env: ['REMPART_OIDC_NAME'] },
  smtpUrl: { env: ['REMPART_SMTP_URL'] },
  mailFrom: { env: ['REMPART_MAIL_FROM'] },
  smsProvider: { env: ['REMPART_SMS_PROVIDER'] },
  smsUrl: { env: ['REMPART_SMS_URL'] },
  smsCredentials: { env: ['REMPART_SMS_CREDENTIALS'] },
  smsFrom: { env: ['REMPART_SMS_FROM'] },
  smsWebhookSecret: { env: ['REMPART_SMS_WEBHOOK_SECRET'] },
  alertChunk: { env: ['REMPART_ALERT_CHUNK'] },
  smsPerNumberSeconds: { env: ['REMPART_SMS_PER_NUMBER_SECONDS'] },
  emailPerMinute: { env: ['REMPART_EMAIL_PER_MINUTE'] },
  smsPerMinute: { env: ['REMPART_SMS_PER_MINUTE'] },
  followUpRetentionDays: { env: ['REMPART_FOLLOW_UP_RETENTION_DAYS'] },
};

/** Builds the configuration; throws a RempartError naming every bad setting. An empty variable counts as unset. */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, unknown> = {};
  for (const [key, source] of Object.entries(CONFIG_SOURCES) as [SettingKey, SettingSource][]) {
    const fromFlag = source.flag ? flags[source.flag.key] : undefined;
    const fromEnv = source.env.map((name) => env[name]).find((value) => value !== undefined && value !== '');
    input[key] = fromFlag ?? (fromEnv !== undefined && source.boolean ? fromEnv !== '0' && fromEnv !== 'false' : fromEnv);
  }
  const result = Config.safeParse(input, { reportInput: true });
  if (!result.success) {
    const details = problemsFromZod(result.error, input).map((p) =>
      p.path === 'databaseUrl'
        ? { ...p, value: redactUrl(String(p.value)) }
        : p.path === 'secretKey' ||
            p.path === 'oidcClientSecret' ||
            p.path === 'metricsToken' ||
            p.path === 'smsCredentials' ||
            p.path === 'smsWebhookSecret' ||
            p.path === 'smtpUrl'
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
    smtpUrl: config.smtpUrl ? redactUrl(config.smtpUrl) : undefined,
    smsCredentials: config.smsCredentials ? '[set]' : undefined,
    smsWebhookSecret: config.smsWebhookSecret ? '[set]' : undefined,
    oidcClientSecret: config.oidcClientSecret ? '[set]' : undefined,
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

/**
 * The single sign-on provider's settings when issuer, client id and secret are set (none: null); the callback is
 * under the public address. Some of them only is a half-done set-up: refused, rather than silently passwords only.
 */
export function oidcSettingsOf(config: Config): OidcOptions | null {
  const required = { oidcIssuer: 'REMPART_OIDC_ISSUER', oidcClientId: 'REMPART_OIDC_CLIENT_ID', oidcClientSecret: 'REMPART_OIDC_CLIENT_SECRET' } as const;
  const missing = (Object.keys(required) as Array<keyof typeof required>).filter((key) => config[key] === undefined);
  if (missing.length === 3) return null;
  if (missing.length > 0)
    throw new RempartError(
      'invalid_input',
      'The configuration is invalid.',
      missing.map((key) => ({ path: key, rule: 'required', value: null, message: `${required[key]}: required with the other REMPART_OIDC_* settings` })),
    );
  if (!config.oidcIssuer || !config.oidcClientId || !config.oidcClientSecret) return null;
  return {
    issuer: config.oidcIssuer,
    clientId: config.oidcClientId,
    clientSecret: config.oidcClientSecret,
    name: config.oidcName,
    redirectUri: `${config.publicUrl.replace(/\/$/, '')}${CALLBACK_PATH}`,
  };
}
