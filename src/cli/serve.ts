// Starts the server: database (migrated), demo organisation on first run, HTTP, graceful shutdown.
import { describeConfig, type Config } from '../config.js';
import { loadDemo } from '../operations/demo.js';
import { buildApp } from '../server/app.js';
import { openDatabase } from '../store/database.js';
import { ModelRepository } from '../store/model-repository.js';

export async function startServer(config: Config): Promise<void> {
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const app = await buildApp({
    db: handle.db,
    databaseKind: handle.kind,
    jobs: {},
    logger: {
      level: config.logLevel,
      // Credentials never reach the log.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    },
  });

  // A laptop's first run gets the demo; a shared server gets it only when asked (REMPART_DEMO=1).
  const wantDemo = config.demo && (handle.kind === 'embedded' || process.env.REMPART_DEMO === '1');
  if (wantDemo && (await new ModelRepository(handle.db).listOrganisations()).length === 0) {
    await loadDemo(handle.db);
    app.log.info('loaded the demo organisation "demo"');
  }

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

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  app.log.info({ config: describeConfig(config), database: handle.location }, 'configuration');
  process.stdout.write(
    `Rempart is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}  (API reference: /api/docs)\n` +
      `Database: ${handle.kind} (${handle.location})\n`,
  );
}
