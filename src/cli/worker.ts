// `rempart worker`: runs jobs only (no HTTP), beside `serve --no-jobs` processes or alone on an embedded data folder;
// on SIGTERM or SIGINT it hands the jobs it holds back (from their last checkpoint) and exits.
import { auditCheckpointFolder, type Config } from '../config.js';
import { actAs, SYSTEM } from '../operations/actor.js';
import { configureAuditTrail } from '../operations/audit.js';
import { alertSettingsOf, configureAlerts } from '../operations/alert-settings.js';
import { JOB_HANDLERS } from '../operations/jobs/handlers/index.js';
import { JobRunner } from '../operations/jobs/runner.js';
import { loadSecretKey } from '../security/secret-key.js';
import { openDatabase } from '../store/database.js';
import { lineLogger } from './log-format.js';

export async function startWorker(config: Config): Promise<void> {
  // The same key and audit trail as the server's: a handler that records does so in the same keyed chains.
  const secret = loadSecretKey({ fromEnv: config.secretKey, embeddedDataDir: config.databaseUrl ? undefined : config.dataDir });
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  // One JSON line per message on stderr, as the server's logger writes them; a line for people on a terminal.
  const log = lineLogger(config);
  const trail = configureAuditTrail({
    key: secret.key,
    db: handle.db,
    checkpointDir: auditCheckpointFolder(config),
    onProblem: (message) => log('warn', message),
  });
  configureAlerts({ secretKey: secret.key, settings: alertSettingsOf(config) });
  const runner = new JobRunner(handle.db, JOB_HANDLERS, {
    turnSeconds: config.jobTurnSeconds,
    staleAfterSeconds: config.jobStaleSeconds,
    listen: handle.listen,
    log: (message, data) => log('warn', message, data),
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log('info', 'shutting down: handing the jobs held back', { signal });
    await runner.stop();
    await trail.close();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('unhandledRejection', (reason) => {
    if (!closing) log('error', 'unhandled rejection', { error: String(reason) });
  });

  // Whatever a job writes is the system's in the audit trail.
  await actAs(SYSTEM, () => runner.start());
  process.stdout.write(`Rempart worker is running jobs (${[...JOB_HANDLERS.keys()].join(', ')})\nDatabase: ${handle.kind} (${handle.location})\n`);
}
