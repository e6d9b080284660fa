// Starts the server: database (migrated), secret key, demo organisation and first account on first run, HTTP, graceful shutdown.
import { describeConfig, type Config } from '../config.js';
import { actAs, SYSTEM } from '../operations/actor.js';
import { loadDemo } from '../operations/demo.js';
import { LOG_REDACT, buildApp } from '../server/app.js';
import { loadSecretKey } from '../security/secret-key.js';
import { openDatabase } from '../store/database.js';
import { ModelRepository } from '../store/model-repository.js';
import { firstRunAccess } from './first-run.js';

export async function startServer(config: Config): Promise<void> {
  // Before touching the database: a server missing its key must not even migrate.
  const secret = loadSecretKey({ fromEnv: config.secretKey, embeddedDataDir: config.databaseUrl ? undefined : config.dataDir });
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const app = await buildApp({
    db: handle.db,
    databaseKind: handle.kind,
    listen: handle.listen,
    jobs: {},
    secretKey: secret.key,
    trustProxy: config.trustProxy,
    rateLimit: { perMinute: config.rateLimit === 0 ? false : config.rateLimit, signInPerMinute: config.signInRateLimit },
    sessions: { idleMs: config.sessionIdleMinutes * 60_000, absoluteMs: config.sessionMaxHours * 3_600_000 },
    organisationCreation: config.organisationCreation,
    // Credentials never reach the log (buildApp applies the same list to any logger it is given).
    logger: { level: config.logLevel, redact: LOG_REDACT },
  });

  // A laptop's first run gets the demo; a shared server gets it only when asked (REMPART_DEMO=1).
  const wantDemo = config.demo && (handle.kind === 'embedded' || process.env.REMPART_DEMO === '1');
  let demoLoadedNow = false;
  if (wantDemo && (await new ModelRepository(handle.db).listOrganisations()).length === 0) {
    await actAs(SYSTEM, () => loadDemo(handle.db));
    demoLoadedNow = true;
    app.log.info('loaded the demo organisation "demo"');
  }
  const access = await actAs(SYSTEM, () => firstRunAccess(handle.db, { embedded: handle.kind === 'embedded', host: config.host, demoLoadedNow }));

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
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
  app.log.info({ config: describeConfig(config), database: handle.location, secretKey: secret.origin }, 'configuration');
  process.stdout.write(
    `Rempart is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}  (API reference: /api/docs)\n` +
      `Database: ${handle.kind} (${handle.location})\n` +
      (access ? `\n${access}\n` : ''),
  );
}
