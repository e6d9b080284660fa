// `rempart serve --workers N`: N HTTP processes sharing one port (node:cluster) on one PostgreSQL. The primary
// prepares the database once (migrations, demo, first-account message), starts the processes, starts again one that
// dies, and on SIGTERM or SIGINT lets each finish its requests and hand its jobs back before it exits itself.
import cluster, { type Worker } from 'node:cluster';
import { auditCheckpointFolder, oidcSettingsOf, type Config } from '../config.js';
import { RempartError } from '../errors.js';
import { configureAuditTrail } from '../operations/audit.js';
import { loadSecretKey } from '../security/secret-key.js';
import { openDatabase } from '../store/database.js';
import { lineLogger } from './log-format.js';
import { banner, firstRun, startServer } from './serve.js';

/** Which process of the cluster a worker is: the first one runs the jobs (unless `--no-jobs`). */
const SLOT_ENV = 'REMPART_CLUSTER_SLOT';
/** A process that dies sooner than this after its start is failing, not unlucky: the next start waits. */
const QUICK_DEATH_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

export function isClusterWorker(): boolean {
  return cluster.isWorker && process.env[SLOT_ENV] !== undefined;
}

export async function startCluster(config: Config): Promise<void> {
  if (isClusterWorker()) {
    const slot = Number(process.env[SLOT_ENV]);
    await startServer({ ...config, runJobs: config.runJobs && slot === 0 }, { clusterWorker: true });
    return;
  }
  if (!config.databaseUrl)
    throw new RempartError(
      'invalid_input',
      'serve --workers needs PostgreSQL (DATABASE_URL): an embedded data folder is opened by one process only. Run `serve` without --workers, or move to PostgreSQL with `rempart backup` then `rempart restore`.',
      [{ path: '--workers', rule: 'postgres_only', value: config.workers, message: 'with DATABASE_URL only' }],
    );
  const log = lineLogger(config, process.stdout);
  oidcSettingsOf(config);

  // Once, before any HTTP process: N processes migrating or loading the demo at the same time would race.
  const secret = loadSecretKey({ fromEnv: config.secretKey, embeddedDataDir: undefined });
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const trail = configureAuditTrail({ key: secret.key, db: handle.db, checkpointDir: auditCheckpointFolder(config), onProblem: (m) => log('warn', m) });
  let access: string | null;
  try {
    access = await firstRun(handle, config, (message) => log('info', message));
  } finally {
    await trail.close();
    await handle.close();
  }

  if (!auditCheckpointFolder(config))
    log('warn', 'Audit checkpoints: OFF. Set REMPART_AUDIT_CHECKPOINTS to a folder outside the database, shared by every server process.');
  let closing = false;
  const slots = new Map<Worker, { slot: number; startedAt: number }>();
  const quickDeaths = new Map<number, number>();
  let port: number | null = null;
  let bannerShown = false;

  const fork = (slot: number) => {
    const worker = cluster.fork({ [SLOT_ENV]: String(slot) });
    slots.set(worker, { slot, startedAt: Date.now() });
  };

  const listening = new Set<Worker>();
  cluster.on('listening', (worker, address) => {
    port ??= address.port;
    listening.add(worker);
    if (!bannerShown && listening.size === config.workers) {
      bannerShown = true;
      const pids = [...slots.keys()].map((worker) => worker.process.pid).join(', ');
      const jobs = config.runJobs ? 'jobs in the first' : 'no jobs (--no-jobs)';
      process.stdout.write(
        banner(config, port, { kind: 'postgres', location: handle.location }, access, [`Processes: ${config.workers} HTTP (pids ${pids}), ${jobs}`]),
      );
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const started = slots.get(worker);
    slots.delete(worker);
    listening.delete(worker);
    if (closing || !started) return;
    if (!bannerShown) {
      // A process that cannot even start (the port taken, the database refused) would fail again: say so and stop.
      log('fatal', 'an HTTP process ended before it listened: stopping', { pid: worker.process.pid, code, signal });
      void shutdown('startup failure', 1);
      return;
    }
    const quick = Date.now() - started.startedAt < QUICK_DEATH_MS;
    const deaths = quick ? (quickDeaths.get(started.slot) ?? 0) + 1 : 0;
    quickDeaths.set(started.slot, deaths);
    const delay = deaths === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 500 * 2 ** deaths);
    log('warn', 'an HTTP process ended: starting another', { pid: worker.process.pid, code, signal, slot: started.slot, inMs: delay });
    setTimeout(() => {
      if (!closing) fork(started.slot);
    }, delay);
  });

  const shutdown = async (reason: string, exitCode = 0) => {
    if (closing) return;
    closing = true;
    log('info', 'shutting down every HTTP process', { reason });
    const running = [...slots.keys()];
    const ended = Promise.all(running.map((worker) => new Promise<void>((done) => (worker.isDead() ? done() : worker.once('exit', () => done())))));
    for (const worker of running) worker.process.kill('SIGTERM');
    // Each process has its own grace period for the requests in flight; one that still hangs after it is killed.
    const force = setTimeout(
      () => {
        for (const worker of running) if (!worker.isDead()) worker.process.kill('SIGKILL');
      },
      (config.shutdownGraceSeconds + 15) * 1000,
    );
    force.unref();
    await ended;
    clearTimeout(force);
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  for (let slot = 0; slot < config.workers; slot++) fork(slot);
}
