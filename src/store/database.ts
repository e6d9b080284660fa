// Opens the one PostgreSQL dialect Rempart speaks: embedded PGlite in a locked data folder, or a server by URL.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, Migrator, PostgresDialect, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { RempartError } from '../errors.js';
import { acquireFolderLock, type FolderLock } from './folder-lock.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Database } from './schema.js';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: 'embedded' | 'postgres';
  /** Where the data lives, for messages: the folder, or the server URL without its password. */
  location: string;
  /** The PGlite instance in embedded mode (tests dump and load data folders through it). */
  pglite?: PGlite;
  /**
   * Hears NOTIFY payloads on a channel, on a connection of its own. `onReconnect` is called when a lost connection
   * is back: notices sent meanwhile were missed, and the listener should catch up from the table.
   */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<Listening>;
  close(): Promise<void>;
}

export interface Listening {
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL server URL; when set, the embedded database is not used. */
  databaseUrl?: string;
  /** Embedded data folder; `memory://` keeps everything in memory (tests). */
  dataDir?: string;
  /** Embedded only: start from a dumped data folder (tests share one migrated template). */
  loadDataDir?: Blob | File;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  poolSize?: number;
}

/** Hides the password of a connection URL so it can be printed or logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '*****';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  const handle = options.databaseUrl ? openServer(options.databaseUrl, options.poolSize ?? 10) : await openEmbedded(options);
  if (options.migrate !== false) {
    try {
      await migrate(handle.db);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  return handle;
}

/** How long a server session may sit idle inside a transaction before PostgreSQL ends it (see `openServer`). */
export const IDLE_IN_TRANSACTION_MS = 60_000;

function openServer(databaseUrl: string, poolSize: number): DatabaseHandle {
  // A process paused or hung inside a transaction (SIGSTOP, a debugger, a frozen VM) would hold its row locks for
  // ever: a job's row stays unclaimable by every other process. PostgreSQL ends such a session after a minute, far
  // beyond any pause between the statements of our own transactions.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS });
  // A client losing its connection must not take the process down: idle ones are the pool's (its 'error' event),
  // checked-out ones between two statements are ours (the server ends a session idle in a transaction): the next
  // statement on it fails with the reason and the pool replaces it.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    location: redactUrl(databaseUrl),
    listen: (channel, onPayload, onReconnect) => listenOnServer(databaseUrl, channel, onPayload, onReconnect),
    close: () => db.destroy(),
  };
}

/** LISTEN on a client outside the pool (a pooled client would be handed to queries), reconnecting with back-off. */
async function listenOnServer(databaseUrl: string, channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<Listening> {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let delay = 100;
  const connect = async (first: boolean): Promise<void> => {
    const next = new pg.Client({ connectionString: databaseUrl });
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload);
    });
    const lost = () => {
      if (closed || client !== next) return;
      client = undefined;
      next.removeAllListeners('end');
      void next.end().catch(() => {});
      retry = setTimeout(() => void connect(false).catch(lost), delay);
      delay = Math.min(delay * 2, 5_000);
    };
    next.on('error', lost);
    next.on('end', lost);
    client = next;
    await next.connect();
    await next.query(`listen ${pg.escapeIdentifier(channel)}`);
    delay = 100;
    if (!first) onReconnect?.();
  };
  await connect(true);
  return {
    close: async () => {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}

/**
 * Creates an embedded data folder (initdb) in a short-lived child process. Inside this process, initdb would leave
 * PGlite's WebAssembly memory and compiled code at about 850 MB of resident memory that is never given back, twice
 * what the same folder needs when opened again: a laptop's first run would carry that for its whole life.
 */
async function initialiseInChildProcess(pgdata: string): Promise<void> {
  const script = `import { PGlite } from ${JSON.stringify(import.meta.resolve('@electric-sql/pglite'))};
const db = new PGlite(process.argv[1]); await db.waitReady; await db.close();`;
  await new Promise<void>((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, pgdata], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`Creating the embedded database in ${pgdata} failed (exit ${code}): ${stderr.trim()}`)),
    );
  });
}

async function openEmbedded(options: OpenOptions): Promise<DatabaseHandle> {
  const dataDir = options.dataDir ?? '.rempart';
  const inMemory = dataDir.startsWith('memory://');
  let lock: FolderLock | undefined;
  let pglite: PGlite;
  if (inMemory) {
    pglite = new PGlite(dataDir, { loadDataDir: options.loadDataDir });
  } else {
    const folder = resolve(dataDir);
    mkdirSync(folder, { recursive: true });
    lock = acquireFolderLock(folder);
    try {
      if (!options.loadDataDir && !existsSync(`${folder}/pgdata/PG_VERSION`)) await initialiseInChildProcess(`${folder}/pgdata`);
      pglite = new PGlite(`${folder}/pgdata`, { loadDataDir: options.loadDataDir });
      await pglite.waitReady;
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  await pglite.waitReady;
  const pool = new pg.Pool(createPgConfig(pglite));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'embedded',
    location: inMemory ? dataDir : resolve(dataDir),
    pglite,
    listen: async (channel, onPayload) => {
      const unlisten = await pglite.listen(channel, onPayload);
      return { close: () => unlisten() };
    },
    close: async () => {
      await db.destroy();
      await pglite.close();
      lock?.release();
    },
  };
}

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Applies pending migrations; refuses a database whose applied history is not a prefix of ours. */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/corrupted migrations|missing|not found|order/i.test(message))
      throw new RempartError('migration_mismatch', `The database's migration history does not match this version of Rempart: ${message}`);
    throw error;
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
