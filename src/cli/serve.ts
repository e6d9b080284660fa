// Starts the server: database (migrated), secret key, demo organisation and first account on first run, HTTP, graceful shutdown.
import { auditCheckpointFolder, describeConfig, oidcSettingsOf, type Config } from '../config.js';
import { actAs, SYSTEM } from '../operations/actor.js';
import { configureAuditTrail } from '../operations/audit.js';
import { loadDemo } from '../operations/demo.js';
import { LOG_REDACT, buildApp } from '../server/app.js';
import { alertSettingsOf } from '../operations/alert-settings.js';
import { loadSecretKey } from '../security/secret-key.js';
import { openDatabase, type DatabaseHandle } from '../store/database.js';
import { ModelRepository } from '../store/model-repository.js';
import { firstRunAccess } from './first-run.js';
import { chooseLogFormat, framed, humanLogStream } from './log-format.js';

/**
 * `clusterWorker`: one of the HTTP processes of `serve --workers N`, whose primary has already migrated, loaded the
 * demo and told about the first account, and prints the banner once every process listens.
 */
export async function startServer(config: Config, options: { clusterWorker?: boolean } = {}): Promise<void> {
  // Before touching the database: a server missing its key, or half its single sign-on settings, must not even migrate.
  const oidc = oidcSettingsOf(config);
  const secret = loadSecretKey({ fromEnv: config.secretKey, embeddedDataDir: config.databaseUrl ? undefined : config.dataDir });
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  // Keyed before anything can record: an unkeyed entry after keyed ones would read as forged.
  const checkpointDir = auditCheckpointFolder(config);
  let warn: (message: string) => void = (message) => process.stderr.write(`Warning: ${message}\n`);
  const trail = configureAuditTrail({ key: secret.key, db: handle.db, checkpointDir, onProblem: (message) => warn(message) });
  const app = await buildApp({
    db: handle.db,
    databaseKind: handle.kind,
    listen: handle.listen,
    // Server processes run jobs unless told to serve only; the limits keep one organisation from holding the shared runners.
    jobs: config.runJobs ? { turnSeconds: config.jobTurnSeconds, staleAfterSeconds: config.jobStaleSeconds } : false,
    jobLimits: { perOrganisation: config.jobsPerOrganisation, maxRuns: config.maxRuns },
    secretKey: secret.key,
    alerts: alertSettingsOf(config),
    trustProxy: config.trustProxy,
    rateLimit: { perMinute: config.rateLimit === 0 ? false : config.rateLimit, signInPerMinute: config.signInRateLimit },
    sessions: { idleMs: config.sessionIdleMinutes * 60_000, absoluteMs: config.sessionMaxHours * 3_600_000, callerCacheMs: config.callerCacheMs },
    organisationCreation: config.organisationCreation,
    ready: { maxBacklog: config.readyMaxBacklog },
    metrics: { token: config.metricsToken ?? null },
    oidc,
    files: { maxBytes: Math.round(config.fileMaxMb * 1024 * 1024), quotaBytes: Math.round(config.fileQuotaMb * 1024 * 1024) },
    // Credentials never reach the log (buildApp applies the same list to any logger it is given).
    logger: {
      level: config.logLevel,
      redact: LOG_REDACT,
      // Through process.stdout in both formats: written in order with the banner below (pino's own destination
      // writes later, asynchronously, and a start-up log line would land under the one-time password).
      stream: chooseLogFormat(config.logFormat) === 'pretty' ? humanLogStream(process.stdout) : process.stdout,
    },
  });
  warn = (message) => app.log.warn(message);

  // A laptop's first run gets the demo; a shared server gets it only when asked (REMPART_DEMO=1).
  const access = options.clusterWorker ? null : await firstRun(handle, config, (message) => app.log.info(message));

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    // No new connection is accepted; requests in flight finish (new ones on kept-alive connections get 503), within
    // the grace period: then the connections still open (event streams, a stalled upload) are closed. The job runner
    // hands its jobs back (claimable at once by another process), and the database closes last.
    app.log.info({ signal, graceSeconds: config.shutdownGraceSeconds }, 'shutting down: finishing the requests in flight');
    const grace = setTimeout(() => {
      app.log.warn('shutdown grace period over: closing the connections still open');
      app.server.closeAllConnections();
    }, config.shutdownGraceSeconds * 1000);
    grace.unref();
    await app.close();
    clearTimeout(grace);
    // The last entries get their checkpoint before the database closes.
    await trail.close();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // A stray rejection (a client gone mid-request, a query cut by shutdown) is logged; it must not take
  // down a server that other users are working on.
  process.on('unhandledRejection', (reason) => {
    if (!closing) app.log.error({ err: reason }, 'unhandled rejection');
  });

  // Requests carry their own actor; whatever runs outside one (the job runner) is the server's.
  await actAs(SYSTEM, () => app.listen({ port: config.port, host: config.host }));
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (options.clusterWorker) {
    app.log.info({ port, jobs: config.runJobs }, 'HTTP process listening');
    return;
  }
  app.log.info({ config: describeConfig(config), database: handle.location, secretKey: secret.origin }, 'configuration');
  if (!checkpointDir) app.log.warn(AUDIT_CHECKPOINTS_OFF.trim());
  // Chains idle since an upgrade (or since the last run) get their checkpoint; one that no longer verifies is reported.
  const sealed = trail.sealAll().catch((error: unknown) => app.log.warn({ err: error }, 'audit checkpoints could not be written'));
  // The banner comes last, once the start-up logs are written: a one-time password printed among them scrolls away
  // unseen. Sealing is quick; a slow one does not hold the banner back for long.
  await Promise.race([sealed, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  await new Promise((resolve) => setImmediate(resolve));
  process.stdout.write(banner(config, port, handle, access));
}

/**
 * What a first start does before serving: the demo into an empty database (a laptop's always, a shared server's only
 * with REMPART_DEMO=1), and what to tell about the first account (null when there is one).
 */
export async function firstRun(handle: DatabaseHandle, config: Config, log: (message: string) => void): Promise<string | null> {
  const wantDemo = config.demo && (handle.kind === 'embedded' || process.env.REMPART_DEMO === '1');
  let demoLoadedNow = false;
  if (wantDemo && (await new ModelRepository(handle.db).listOrganisations()).length === 0) {
    await actAs(SYSTEM, () => loadDemo(handle.db));
    demoLoadedNow = true;
    log('loaded the demo organisation "demo"');
  }
  return actAs(SYSTEM, () => firstRunAccess(handle.db, { embedded: handle.kind === 'embedded', host: config.host, demoLoadedNow }));
}

/** The framed lines a person starting the server reads: where it runs, on which database, how to get in. */
export function banner(config: Config, port: number, handle: Pick<DatabaseHandle, 'kind' | 'location'>, access: string | null, extra: string[] = []): string {
  const lines = [
    `Rempart is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}  (API reference: /api/docs)`,
    `Database: ${handle.kind} (${handle.location})`,
    ...extra,
    ...(auditCheckpointFolder(config) ? [] : ['Audit checkpoints: OFF (see the warning above: set REMPART_AUDIT_CHECKPOINTS).']),
    ...(access ? ['', ...access.split('\n')] : []),
  ];
  return `\n${framed(lines)}\n\n`;
}

const AUDIT_CHECKPOINTS_OFF =
  'Audit checkpoints: OFF. Set REMPART_AUDIT_CHECKPOINTS to a folder outside the database (shared by every server process): without it, keyed hashes still reveal edited entries, but not the removal of the newest entries or of a whole chain.\n';
