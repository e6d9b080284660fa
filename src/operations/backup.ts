// Backup and restore: a consistent logical dump of every table (found in the database's catalogue, not listed by hand),
// of every organisation or one, as gzip'd JSON lines that restore losslessly into an empty database of either kind.
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { Migrator, sql, type Kysely, type Transaction } from 'kysely';
import { RempartError } from '../errors.js';
import { deriveKey, hmacHex } from '../security/crypto.js';
import { migrate } from '../store/database.js';
import { MIGRATIONS } from '../store/migrations/index.js';
import type { Database } from '../store/schema.js';

/** What the first line of a backup says it is. */
export const BACKUP_FORMAT = 'rempart-backup';
/** The version of the file format (not of the schema): a reader refuses versions it does not know. */
export const BACKUP_VERSION = 1;

type Executor = Kysely<Database> | Transaction<Database>;

/** The first line of a backup. */
export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  /** The last migration applied to the database dumped: a restore refuses one it does not know (a newer schema). */
  migration: string;
  createdAt: string;
  /** `all`: the whole database; `organisation`: the rows of one tenant and the accounts its memberships need. */
  scope: 'all' | 'organisation';
  orgs: { id: string; name: string }[];
  /** The kind of database it was made from (informative). */
  source: 'embedded' | 'postgres';
  /**
   * Fingerprint of the server key the audit trail and the second-factor secrets are keyed with (never the key): a
   * restore under another key is refused, since keyed entries would read as forged. Null when no key was at hand.
   */
  keyId: string | null;
  /** Rows that need that key: keyed audit entries, sealed second-factor secrets. */
  keyed: { auditEntries: number; sealedSecrets: number };
  /** The tables in the order they follow (parents before children), with their row counts. */
  tables: { name: string; rows: number }[];
}

/** The line opening each table's rows; exactly `rows` lines of rows follow it. */
interface TableLine {
  '@table': string;
  columns: string[];
  /**
   * Its jsonb columns: each value is written as a one-element array (`[value]`), so that a JSON null stays apart
   * from an SQL NULL (written `null`).
   */
  jsonb: string[];
  rows: number;
}

/** The last line: without it the file was cut short. */
interface EndLine {
  '@end': true;
  rows: number;
}

export interface BackupSummary {
  header: BackupHeader;
  rows: number;
}

/** A table as the catalogue describes it. */
interface CatalogueTable {
  name: string;
  /** Columns that take values (generated columns are computed again on restore). */
  columns: string[];
  columnTypes: Record<string, string>;
  identity: string[];
  primaryKey: string[];
  parents: string[];
}

/** A short fingerprint of the server key: the same key always gives it, and it reveals nothing of the key. */
export function secretKeyId(key: Buffer): string {
  return hmacHex(deriveKey(key, 'rempart backup key id'), 'key id').slice(0, 16);
}

const ident = (name: string) => sql.id(name);

/** The data tables of the current schema (not the migration bookkeeping), parents before children. */
export async function catalogue(db: Executor): Promise<CatalogueTable[]> {
  const tables = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition and c.relname not like 'kysely\\_%'
    order by c.relname`.execute(db);
  const columns = await sql<{ table: string; name: string; type: string; generated: string; identity: string }>`
    select c.relname as table, a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attgenerated::text as generated,
           a.attidentity::text as identity
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and a.attnum > 0 and not a.attisdropped order by c.relname, a.attnum`.execute(db);
  const keys = await sql<{ table: string; name: string }>`
    select c.relname as table, a.attname as name
    from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where n.nspname = current_schema() and i.indisprimary order by c.relname, array_position(i.indkey::int2[], a.attnum)`.execute(db);
  const foreign = await sql<{ child: string; parent: string }>`
    select child.relname as child, parent.relname as parent
    from pg_constraint f join pg_class child on child.oid = f.conrelid join pg_class parent on parent.oid = f.confrelid
    join pg_namespace n on n.oid = child.relnamespace
    where f.contype = 'f' and n.nspname = current_schema()`.execute(db);
  const byName = new Map<string, CatalogueTable>();
  for (const { name } of tables.rows) byName.set(name, { name, columns: [], columnTypes: {}, identity: [], primaryKey: [], parents: [] });
  for (const column of columns.rows) {
    const table = byName.get(column.table);
    if (!table || column.generated === 's') continue;
    table.columns.push(column.name);
    table.columnTypes[column.name] = column.type;
    if (column.identity === 'a' || column.identity === 'd') table.identity.push(column.name);
  }
  for (const key of keys.rows) byName.get(key.table)?.primaryKey.push(key.name);
  for (const link of foreign.rows) {
    const table = byName.get(link.child);
    if (table && link.parent !== link.child && byName.has(link.parent) && !table.parents.includes(link.parent)) table.parents.push(link.parent);
  }
  // Parents first (depth-first, alphabetical among equals, so the order is the same on every database).
  const ordered: CatalogueTable[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: CatalogueTable) => {
    if (state.get(table.name)) return; // done, or a cycle: its other side is loaded first
    state.set(table.name, 'visiting');
    for (const parent of [...table.parents].sort()) visit(byName.get(parent)!);
    state.set(table.name, 'done');
    ordered.push(table);
  };
  for (const table of byName.values()) visit(table);
  return ordered;
}

/** The last migration applied, or null on a database never migrated. */
async function lastMigration(db: Executor): Promise<string | null> {
  const exists = await sql<{ found: boolean }>`select to_regclass('kysely_migration') is not null as found`.execute(db);
  if (!exists.rows[0]?.found) return null;
  const row = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db);
  return row.rows[0]?.name ?? null;
}

/**
 * Which rows of a table belong to one organisation: its own rows, whole audit chains of its records, and the
 * accounts (and their recovery codes) its memberships need. Tables of no tenant (sign-in throttling, rate counters,
 * sessions, jobs of no organisation) are not part of an organisation's backup: null.
 */
function organisationFilter(table: CatalogueTable, org: string) {
  const has = (column: string) => table.columns.includes(column);
  const members = sql`(select user_id from memberships where org_id = ${org})`;
  if (table.name === 'organisations') return sql`id = ${org}`;
  // A chain is kept whole: an organisation's chain and those of its records (`org/incident/…`).
  if (has('chain')) return sql`(chain = ${org} or starts_with(chain, ${`${org}/`}))`;
  if (has('org_id')) return sql`org_id = ${org}`;
  if (table.name === 'users') return sql`id in ${members}`;
  // Sessions are not restored into another server: people sign in again there.
  if (has('user_id') && table.name !== 'sessions') return sql`user_id in ${members}`;
  return null;
}

function whereClause(table: CatalogueTable, org: string | undefined) {
  if (org === undefined) return sql`true`;
  return organisationFilter(table, org);
}

const orderBy = (table: CatalogueTable) =>
  table.primaryKey.length > 0
    ? sql`order by ${sql.join(
        table.primaryKey.map((column) => ident(column)),
        sql`, `,
      )}`
    : sql``;

/** Rows fetched per round trip; files (bytea) come fewer at a time. */
function fetchSize(table: CatalogueTable): number {
  return Object.values(table.columnTypes).includes('bytea') ? 16 : 1000;
}

/** Writes a backup of the whole database, or of one organisation, to `file` (gzip'd JSON lines), in one snapshot. */
export async function writeBackup(
  db: Kysely<Database>,
  file: string,
  options: { org?: string; key?: Buffer | null; source: 'embedded' | 'postgres'; now?: Date },
): Promise<BackupSummary> {
  const partial = `${file}.partial`;
  // Opened first: a folder that does not exist or cannot be written is refused before the database is read.
  const handle = await open(partial, 'w', 0o600);
  const gzip = createGzip();
  const written = pipeline(gzip, handle.createWriteStream());
  written.catch(() => {}); // awaited below; a failure meanwhile must not be an unhandled rejection
  /** Writes text, waiting only when the compressor asks to (a batch of rows is one write). */
  const text = async (chunk: string) => {
    if (!gzip.write(chunk)) await once(gzip, 'drain');
  };
  const line = (value: unknown) => text(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
  try {
    const summary = await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        // JSON of every row: bytea in hex, timestamps in ISO 8601 with their microseconds and offset.
        await sql`set local bytea_output = 'hex'`.execute(trx);
        await sql`set local extra_float_digits = 3`.execute(trx);
        const migration = await lastMigration(trx);
        if (!migration) throw new RempartError('not_found', 'This database has no Rempart schema: there is nothing to back up.');
        let orgs = await trx.selectFrom('organisations').select(['id', 'name']).orderBy('id').execute();
        if (options.org !== undefined) {
          orgs = orgs.filter((org) => org.id === options.org);
          if (orgs.length === 0)
            throw new RempartError('not_found', `No organisation "${options.org}" to back up.`, [
              { path: '--org', rule: 'exists', value: options.org, message: 'unknown organisation' },
            ]);
        }
        const tables = (await catalogue(trx)).filter((table) => whereClause(table, options.org) !== null);
        const counts: { name: string; rows: number }[] = [];
        for (const table of tables) {
          const count = await sql<{ n: string }>`select count(*)::text as n from ${ident(table.name)} where ${whereClause(table, options.org)!}`.execute(trx);
          counts.push({ name: table.name, rows: Number(count.rows[0].n) });
        }
        const keyedAudit = counts.some((count) => count.name === 'audit_log')
          ? await sql<{ n: string }>`select count(*)::text as n from audit_log where hash_alg = 'hmac-sha256' and ${whereClause(
              tables.find((t) => t.name === 'audit_log')!,
              options.org,
            )!}`.execute(trx)
          : { rows: [{ n: '0' }] };
        const sealed = counts.some((count) => count.name === 'users')
          ? await sql<{ n: string }>`select count(*)::text as n from users where (mfa_secret is not null or mfa_pending_secret is not null) and ${whereClause(
              tables.find((t) => t.name === 'users')!,
              options.org,
            )!}`.execute(trx)
          : { rows: [{ n: '0' }] };
        const header: BackupHeader = {
          format: BACKUP_FORMAT,
          version: BACKUP_VERSION,
          migration,
          createdAt: (options.now ?? new Date()).toISOString(),
          scope: options.org === undefined ? 'all' : 'organisation',
          orgs,
          source: options.source,
          keyId: options.key ? secretKeyId(options.key) : null,
          keyed: { auditEntries: Number(keyedAudit.rows[0].n), sealedSecrets: Number(sealed.rows[0].n) },
          tables: counts,
        };
        await line(header);
        let total = 0;
        for (const [index, table] of tables.entries()) {
          const jsonb = table.columns.filter((column) => table.columnTypes[column] === 'jsonb');
          const tableLine: TableLine = { '@table': table.name, columns: table.columns, jsonb, rows: counts[index].rows };
          await line(tableLine);
          const columns = sql.join(
            table.columns.map((column) =>
              jsonb.includes(column)
                ? sql`case when t.${ident(column)} is null then null else jsonb_build_array(t.${ident(column)}) end as ${ident(column)}`
                : sql`t.${ident(column)}`,
            ),
            sql`, `,
          );
          await sql`declare rempart_backup no scroll cursor for
            select row_to_json(r)::text as j from (select ${columns} from ${ident(table.name)} t where ${whereClause(table, options.org)!} ${orderBy(table)}) r`.execute(
            trx,
          );
          let written = 0;
          for (;;) {
            const batch = await sql<{ j: string }>`fetch forward ${sql.raw(String(fetchSize(table)))} from rempart_backup`.execute(trx);
            if (batch.rows.length === 0) break;
            // JSON from PostgreSQL has no raw line break (they are escaped inside strings): one row, one line.
            await text(`${batch.rows.map((row) => row.j).join('\n')}\n`);
            written += batch.rows.length;
          }
          await sql`close rempart_backup`.execute(trx);
          if (written !== counts[index].rows) throw new Error(`${table.name}: counted ${counts[index].rows} rows but read ${written} in the same snapshot`);
          total += written;
        }
        const end: EndLine = { '@end': true, rows: total };
        await line(end);
        return { header, rows: total };
      });
    gzip.end();
    await written;
    await rename(partial, file);
    return summary;
  } catch (error) {
    gzip.destroy();
    await written.catch(() => {});
    await rm(partial, { force: true });
    throw error;
  }
}

/** Reads a backup line by line, checking what it says it is. */
class BackupReader {
  readonly #lines: AsyncIterator<string>;
  readonly file: string;
  lineNumber = 0;

  constructor(file: string) {
    this.file = file;
    const gunzip = createGunzip();
    const source: Readable = createReadStream(file);
    const text = new PassThrough();
    source.on('error', (error) => text.destroy(error));
    gunzip.on('error', (error) =>
      text.destroy(new RempartError('invalid_input', `${file} is not a Rempart backup (not gzip, or cut short): ${error.message}`)),
    );
    source.pipe(gunzip).pipe(text);
    this.#lines = createInterface({ input: text, crlfDelay: Infinity })[Symbol.asyncIterator]();
  }

  async next(): Promise<string> {
    const next = await this.#lines.next();
    this.lineNumber += 1;
    if (next.done) throw new RempartError('invalid_input', `${this.file} ends at line ${this.lineNumber - 1} before its last line: it was cut short.`);
    return next.value;
  }

  async json<T>(what: string): Promise<T> {
    const text = await this.next();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new RempartError('invalid_input', `${this.file}, line ${this.lineNumber}: expected ${what}, found something that is not JSON.`);
    }
  }

  close(): void {
    void this.#lines.return?.();
  }
}

/** The header of a backup file, checked: its format, its version, a schema this version of Rempart knows. */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  const reader = new BackupReader(file);
  try {
    return checkHeader(await reader.json<BackupHeader>('the backup header'), file);
  } finally {
    reader.close();
  }
}

function checkHeader(header: BackupHeader, file: string): BackupHeader {
  if (!header || header.format !== BACKUP_FORMAT || !Array.isArray(header.tables))
    throw new RempartError('invalid_input', `${file} is not a Rempart backup (its first line is not a backup header).`, [
      { path: 'FILE', rule: 'format', value: file, message: 'a file written by `rempart backup`' },
    ]);
  if (header.version !== BACKUP_VERSION)
    throw new RempartError(
      'invalid_input',
      `${file} is a backup in format version ${header.version}; this version of Rempart reads version ${BACKUP_VERSION}.`,
      [{ path: 'FILE', rule: 'format_version', value: header.version, message: `version ${BACKUP_VERSION}` }],
    );
  const known = Object.keys(MIGRATIONS);
  if (!known.includes(header.migration))
    throw new RempartError(
      'migration_mismatch',
      `${file} comes from a newer version of Rempart (its schema ends with migration ${header.migration}, unknown here; this version knows up to ${known.at(-1)}): restore it with that version or a later one.`,
    );
  return header;
}

export interface RestoreOptions {
  /** Restore into a database that already holds data: a full backup replaces everything, an organisation's replaces that organisation. */
  force?: boolean;
  /** This server's key, or null when it has none yet (checked against the backup's key fingerprint). */
  key: Buffer | null;
  /** A restore under another key than the backup's goes on only with this (the keyed audit entries will not verify). */
  ignoreKey?: boolean;
}

export interface RestoreSummary {
  header: BackupHeader;
  rows: number;
  /** What a forced restore replaced. */
  replaced: string | null;
  /** Migrations applied after the rows were loaded (a backup from an older version). */
  migrated: string[];
  /** Set when the target's schema was already newer than the backup's: the rows were loaded column by column. */
  warning: string | null;
}

/** What a database holds, in words, for the refusal of a non-empty target. */
async function contents(db: Executor, tables: CatalogueTable[]): Promise<{ rows: number; description: string }> {
  const counts: string[] = [];
  let rows = 0;
  for (const table of tables) {
    const n = Number((await sql<{ n: string }>`select count(*)::text as n from ${ident(table.name)}`.execute(db)).rows[0].n);
    if (n > 0) counts.push(`${table.name} ${n}`);
    rows += n;
  }
  const orgs = tables.some((table) => table.name === 'organisations')
    ? (await sql<{ id: string }>`select id from organisations order by id`.execute(db)).rows.map((row) => row.id)
    : [];
  return {
    rows,
    description: `${orgs.length} organisation(s)${orgs.length ? ` (${orgs.slice(0, 10).join(', ')}${orgs.length > 10 ? '…' : ''})` : ''}, ${rows} rows in ${counts.length} tables (${counts.slice(0, 8).join(', ')}${counts.length > 8 ? '…' : ''})`,
  };
}

/** The key check: a backup keyed under one server key restored under another would read as forged. */
function checkKey(header: BackupHeader, options: RestoreOptions): void {
  const needsKey = header.keyed.auditEntries > 0 || header.keyed.sealedSecrets > 0;
  if (!needsKey || header.keyId === null || options.ignoreKey) return;
  const here = options.key ? secretKeyId(options.key) : null;
  if (here === header.keyId) return;
  throw new RempartError(
    'conflict',
    `This backup's ${header.keyed.auditEntries} keyed audit entries and ${header.keyed.sealedSecrets} second-factor secrets are keyed with the server key ${header.keyId}, ${here ? `but this server's key is ${here}` : 'and this server has no key yet'}: restore with the original key (REMPART_SECRET_KEY, or its secret.key copied into the data folder), or add --ignore-key to restore anyway (the audit chains will then read as rewritten and second factors must be reset).`,
    [{ path: 'REMPART_SECRET_KEY', rule: 'same_key', value: here, message: `the key ${header.keyId}` }],
  );
}

/**
 * Restores a backup into a database opened without migrating: brings the schema to the backup's migration (an empty
 * database), loads every row in one transaction with triggers off (derived rows are in the backup already), sets the
 * identity sequences past the restored ids, then applies the migrations that came after the backup's.
 */
export async function restoreBackup(db: Kysely<Database>, file: string, options: RestoreOptions): Promise<RestoreSummary> {
  const header = await readBackupHeader(file);
  checkKey(header, options);
  const applied = await appliedMigrations(db);
  const names = Object.keys(MIGRATIONS);
  const upToBackup = names.slice(0, names.indexOf(header.migration) + 1);
  // A database behind the backup's schema is brought to exactly it, so that the rows fit and later migrations transform them.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const ahead = applied.filter((name) => !upToBackup.includes(name));
  const warning =
    ahead.length > 0
      ? `The target database's schema was already ${ahead.length} migration(s) past the backup's (${header.migration}): its rows were loaded column by column, and what those migrations do to existing rows was not applied to them. Restore into a database without a schema to have them migrated.`
      : null;
  if (applied.length < upToBackup.length) {
    const result = await migrator.migrateTo(header.migration);
    if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  }
  let replaced: string | null = null;
  const reader = new BackupReader(file);
  let rows = 0;
  try {
    await reader.json('the backup header');
    await db.transaction().execute(async (trx) => {
      const tables = await catalogue(trx);
      const byName = new Map(tables.map((table) => [table.name, table]));
      const org = header.scope === 'organisation' ? header.orgs[0]?.id : undefined;
      // Triggers stay off until the rows are in (a run's trigger would write its live events a second time, the append-only
      // audit log would refuse the replacement of a forced restore); ALTER TABLE holds the tables until commit.
      for (const table of tables) await sql`alter table ${ident(table.name)} disable trigger user`.execute(trx);
      if (org === undefined) {
        const here = await contents(trx, tables);
        if (here.rows > 0 && !options.force)
          throw new RempartError(
            'conflict',
            `The target database is not empty: it holds ${here.description}. Restore a full backup into an empty database, or add --force to replace everything it holds.`,
            [{ path: 'FILE', rule: 'empty_target', value: here.rows, message: 'an empty database' }],
          );
        if (here.rows > 0) {
          replaced = here.description;
          await sql`truncate ${sql.join(
            tables.map((table) => ident(table.name)),
            sql`, `,
          )}`.execute(trx);
        }
      } else {
        const exists = await sql<{ id: string }>`select id from organisations where id = ${org}`.execute(trx);
        if (exists.rows.length > 0 && !options.force)
          throw new RempartError(
            'conflict',
            `The organisation "${org}" already exists in the target database. Restore it into a database without it, or add --force to replace it.`,
            [{ path: 'FILE', rule: 'organisation_absent', value: org, message: 'an organisation not in the database' }],
          );
        if (exists.rows.length > 0) {
          replaced = `the organisation "${org}"`;
          for (const table of [...tables].reverse()) {
            const has = (column: string) => table.columns.includes(column);
            if (table.name === 'organisations' || has('chain') || has('org_id'))
              await sql`delete from ${ident(table.name)} where ${organisationFilter(table, org)!}`.execute(trx);
          }
        }
      }
      for (;;) {
        const line = await reader.json<TableLine | EndLine>('a table or the end');
        if ('@end' in line) {
          if (line.rows !== rows) throw new RempartError('invalid_input', `${file}: its last line counts ${line.rows} rows, ${rows} were read.`);
          break;
        }
        const table = byName.get(line['@table']);
        if (!table)
          throw new RempartError('migration_mismatch', `${file} has rows of a table "${line['@table']}" this database does not have.`, [
            { path: 'FILE', rule: 'table', value: line['@table'], message: 'a table of the schema' },
          ]);
        rows += await loadTable(trx, table, line, reader, org !== undefined);
      }
      for (const table of tables) {
        for (const column of table.identity)
          await sql`select setval(pg_get_serial_sequence(${table.name}, ${column}), greatest((select max(${ident(column)}) from ${ident(table.name)}), 1), (select count(*) > 0 from ${ident(table.name)}))`.execute(
            trx,
          );
        await sql`alter table ${ident(table.name)} enable trigger user`.execute(trx);
      }
    });
  } finally {
    reader.close();
  }
  const migrated = await migrate(db);
  return { header, rows, replaced, migrated, warning };
}

async function appliedMigrations(db: Executor): Promise<string[]> {
  const exists = await sql<{ found: boolean }>`select to_regclass('kysely_migration') is not null as found`.execute(db);
  if (!exists.rows[0]?.found) return [];
  return (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map((row) => row.name);
}

/** Loads one table's rows in batches: PostgreSQL itself turns each JSON row back into its typed columns. */
async function loadTable(trx: Transaction<Database>, table: CatalogueTable, line: TableLine, reader: BackupReader, shared: boolean): Promise<number> {
  // Columns of the backup this schema still has (a later migration may have added some: they take their defaults).
  const columns = line.columns.filter((column) => table.columns.includes(column));
  const list = sql.join(
    columns.map((column) => ident(column)),
    sql`, `,
  );
  const values = sql.join(
    columns.map((column) => (line.jsonb.includes(column) ? sql`(${ident(column)}::jsonb -> 0)` : ident(column))),
    sql`, `,
  );
  const overriding = table.identity.some((column) => columns.includes(column)) ? sql`overriding system value` : sql``;
  // An organisation's backup brings the accounts its members use: one the target already has is kept as it is.
  const tenantless = shared && !table.columns.includes('org_id') && !table.columns.includes('chain') && table.name !== 'organisations';
  const onConflict = tenantless ? sql`on conflict do nothing` : sql``;
  let batch: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await sql`insert into ${ident(table.name)} (${list}) ${overriding}
      select ${values} from json_populate_recordset(null::${ident(table.name)}, ${`[${batch.join(',')}]`}::json) ${onConflict}`.execute(trx);
    batch = [];
    bytes = 0;
  };
  for (let index = 0; index < line.rows; index += 1) {
    const row = await reader.next();
    batch.push(row);
    bytes += row.length;
    if (batch.length >= 1000 || bytes >= 8 * 1024 * 1024) await flush();
  }
  await flush();
  return line.rows;
}
