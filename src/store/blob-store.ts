// Stored files on either database: content streamed in as 256 KiB bytea chunks (never the whole file in memory),
// counted and hashed as it comes, refused past the per-file limit or the organisation's quota, and streamed out
// chunk by chunk. A file becomes visible only once complete; a failed upload leaves no row behind.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { RempartError } from '../errors.js';
import type { FilePurpose } from '../model/file.js';
import type { BlobsTable, Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

const MB = 1024 * 1024;

/** Bytes per stored chunk: large enough that a 50 MB file is 200 rows, small enough to hold a few in memory. */
export const CHUNK_SIZE = 256 * 1024;

/** An upload not completed this long after it started belongs to a process that died: its rows are purged (by the files.purge-unfinished job). */
export const STALE_UPLOAD_MS = 60 * 60 * 1000;

/** What one file and one organisation's files may weigh. */
export interface BlobLimits {
  /** Largest file, in bytes (REMPART_FILE_MAX_MB). */
  maxBytes: number;
  /** Sum of an organisation's files, in bytes (REMPART_FILE_QUOTA_MB). */
  quotaBytes: number;
}

export const DEFAULT_BLOB_LIMITS: BlobLimits = { maxBytes: 50 * MB, quotaBytes: 1024 * MB };

/** A stored, complete file. */
export interface BlobRecord {
  orgId: string;
  id: string;
  name: string;
  contentType: string;
  purpose: FilePurpose;
  size: number;
  sha256: string;
  createdAt: string;
  /** Who uploaded it: their id and e-mail address (null once their account is gone, or for the system). */
  createdBy: { id: string; email: string } | null;
}

/** What describes a new file; its content comes as a stream. */
export interface NewBlob {
  orgId: string;
  name: string;
  contentType: string;
  purpose?: FilePurpose;
  createdBy: string | null;
}

export interface PutOptions {
  /** The size the sender announced (Content-Length): refused at once when over a limit, before any byte is stored. */
  declaredSize?: number;
  /** Runs in the transaction that makes the file visible (the audit entry): both commit, or neither. */
  inCommit?: (trx: Transaction<Database>, record: BlobRecord) => Promise<void>;
}

export interface BlobListQuery {
  limit: number;
  cursor?: string;
  purpose?: FilePurpose;
}

export interface BlobPage {
  items: BlobRecord[];
  nextCursor: string | null;
  total: number;
}

/** Files of organisations: write from a stream, read as a stream, list, delete, measure. */
export interface BlobStore {
  readonly limits: BlobLimits;
  /** Stores a file from a stream; refuses (413 `payload_too_large`, rule `max_size` or `quota`) leaving nothing behind. */
  put(blob: NewBlob, content: AsyncIterable<Uint8Array>, options?: PutOptions): Promise<BlobRecord>;
  get(orgId: string, id: string): Promise<BlobRecord | undefined>;
  /** The file and a stream of its content, read one chunk at a time as the consumer asks. */
  open(orgId: string, id: string): Promise<{ record: BlobRecord; content: Readable } | undefined>;
  list(orgId: string, query: BlobListQuery): Promise<BlobPage>;
  /** Removes a file; `inCommit` runs in its transaction. Undefined when there was no such file. */
  delete(
    orgId: string,
    id: string,
    options?: { inCommit?: (trx: Transaction<Database>, record: BlobRecord) => Promise<void> },
  ): Promise<BlobRecord | undefined>;
  /** Complete files and their total size. */
  usage(orgId: string): Promise<{ files: number; bytes: number }>;
  /** Removes uploads left incomplete since before `olderThan` (their process died); returns how many. */
  purgeIncomplete(olderThan: Date): Promise<number>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A file larger than the limit, or an organisation past its quota: the same refusal as the edge's. */
export function fileTooLarge(limits: BlobLimits, rule: 'max_size' | 'quota', value: number): RempartError {
  return rule === 'max_size'
    ? new RempartError('payload_too_large', `The file is larger than ${limits.maxBytes} bytes, the most a file may weigh.`, [
        { path: 'body', rule: 'max_size', value, message: `at most ${limits.maxBytes} bytes` },
      ])
    : new RempartError('payload_too_large', `The organisation's files would weigh more than its quota of ${limits.quotaBytes} bytes: delete some first.`, [
        { path: 'body', rule: 'quota', value, message: `the organisation's files total at most ${limits.quotaBytes} bytes` },
      ]);
}

function invalidCursor(cursor: string): RempartError {
  return new RempartError('invalid_input', 'The cursor is not one this list gave.', [
    { path: 'query.cursor', rule: 'cursor', value: cursor.slice(0, 200), message: 'a nextCursor from this list' },
  ]);
}

type Row = Selectable<BlobsTable> & { creator_email: string | null };

function toRecord(row: Row): BlobRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    name: row.name,
    contentType: row.content_type,
    purpose: row.purpose as FilePurpose,
    size: Number(row.size),
    sha256: row.sha256 ?? '',
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by && row.creator_email ? { id: row.created_by, email: row.creator_email } : null,
  };
}

function encodeCursor(record: BlobRecord): string {
  return Buffer.from(JSON.stringify([record.createdAt, record.id])).toString('base64url');
}

function decodeCursor(cursor: string): [Date, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const date = new Date(String(at));
    if (typeof at !== 'string' || Number.isNaN(date.getTime()) || typeof id !== 'string' || !UUID.test(id)) throw new Error('bad cursor');
    return [date, id];
  } catch {
    throw invalidCursor(cursor);
  }
}

/** The blob store on the Rempart database, PGlite or PostgreSQL alike: `blobs` rows and their `blob_chunks`. */
export class DatabaseBlobStore implements BlobStore {
  readonly limits: BlobLimits;

  constructor(
    private readonly db: Kysely<Database>,
    limits: Partial<BlobLimits> = {},
  ) {
    this.limits = { ...DEFAULT_BLOB_LIMITS, ...limits };
  }

  private select(db: Executor) {
    return db.selectFrom('blobs as b').leftJoin('users as u', 'u.id', 'b.created_by').selectAll('b').select('u.email as creator_email');
  }

  private async usedBytes(db: Executor, orgId: string): Promise<number> {
    const row = await db
      .selectFrom('blobs')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<string | number>('size'), sql<number>`0`).as('bytes'))
      .where('org_id', '=', orgId)
      .where('completed_at', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(row.bytes);
  }

  async put(blob: NewBlob, content: AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<BlobRecord> {
    const { maxBytes, quotaBytes } = this.limits;
    const declared = options.declaredSize;
    if (declared !== undefined && declared > maxBytes) throw fileTooLarge(this.limits, 'max_size', declared);
    // A first look at the quota: a file that cannot fit is refused before a byte is stored. The look that counts is
    // the one in the completing transaction, which sees the uploads that finished meanwhile.
    const usedAtStart = await this.usedBytes(this.db, blob.orgId);
    if (usedAtStart + (declared ?? 0) > quotaBytes) throw fileTooLarge(this.limits, 'quota', usedAtStart + (declared ?? 0));

    const { orgId } = blob;
    const created = await this.db
      .insertInto('blobs')
      .values({
        org_id: orgId,
        name: blob.name,
        content_type: blob.contentType,
        purpose: blob.purpose ?? 'attachment',
        created_by: blob.createdBy,
        created_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = created.id;
    try {
      const hash = createHash('sha256');
      let size = 0;
      let seq = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      // Each chunk is its own statement, outside any transaction: in embedded mode the database has one connection,
      // and an upload as slow as its sender must not hold it.
      const store = (data: Buffer) => this.db.insertInto('blob_chunks').values({ org_id: orgId, blob_id: id, seq: seq++, data }).execute();
      for await (const piece of content) {
        const bytes = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
        if (bytes.length === 0) continue;
        size += bytes.length;
        if (size > maxBytes) throw fileTooLarge(this.limits, 'max_size', size);
        if (usedAtStart + size > quotaBytes) throw fileTooLarge(this.limits, 'quota', usedAtStart + size);
        hash.update(bytes);
        pending.push(bytes);
        pendingBytes += bytes.length;
        while (pendingBytes >= CHUNK_SIZE) {
          const joined = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
          await store(joined.subarray(0, CHUNK_SIZE));
          const rest = joined.subarray(CHUNK_SIZE);
          pending = rest.length > 0 ? [rest] : [];
          pendingBytes = rest.length;
        }
      }
      if (size === 0)
        throw new RempartError('invalid_input', 'The file is empty: send its content as the body.', [
          { path: 'body', rule: 'required', value: 0, message: 'at least one byte' },
        ]);
      if (pendingBytes > 0) await store(pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes));
      const sha256 = hash.digest('hex');

      return await this.db.transaction().execute(async (trx) => {
        // One completion at a time per organisation, so that two uploads finishing together cannot both fit a quota
        // that has room for one.
        await sql`select pg_advisory_xact_lock(hashtextextended(${`rempart.blobs:${orgId}`}, 0))`.execute(trx);
        const used = await this.usedBytes(trx, orgId);
        if (used + size > quotaBytes) throw fileTooLarge(this.limits, 'quota', used + size);
        const completed = await trx
          .updateTable('blobs')
          .set({ size, sha256, completed_at: new Date() })
          .where('org_id', '=', orgId)
          .where('id', '=', id)
          .where('completed_at', 'is', null)
          .returning('id')
          .executeTakeFirst();
        if (!completed) throw new RempartError('conflict', 'The upload took too long and was discarded: send the file again.');
        const record = toRecord(await this.select(trx).where('b.org_id', '=', orgId).where('b.id', '=', id).executeTakeFirstOrThrow());
        await options.inCommit?.(trx, record);
        return record;
      });
    } catch (error) {
      // Nothing half-written stays: the row and its chunks go (the purge catches what a dead process leaves).
      await this.db
        .deleteFrom('blobs')
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .execute()
        .catch(() => undefined);
      throw error;
    }
  }

  async get(orgId: string, id: string): Promise<BlobRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    const row = await this.select(this.db).where('b.org_id', '=', orgId).where('b.id', '=', id).where('b.completed_at', 'is not', null).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async open(orgId: string, id: string): Promise<{ record: BlobRecord; content: Readable } | undefined> {
    const record = await this.get(orgId, id);
    if (!record) return undefined;
    const db = this.db;
    const chunks = Math.ceil(record.size / CHUNK_SIZE);
    let seq = 0;
    let read = 0;
    const content = new Readable({
      highWaterMark: CHUNK_SIZE,
      read() {
        if (seq >= chunks) {
          // A file deleted while it was being read ends short: an error, never a silently truncated file.
          if (read !== record.size) this.destroy(new Error(`File ${id} ended after ${read} of ${record.size} bytes.`));
          else this.push(null);
          return;
        }
        const current = seq++;
        db.selectFrom('blob_chunks')
          .select('data')
          .where('org_id', '=', orgId)
          .where('blob_id', '=', id)
          .where('seq', '=', current)
          .executeTakeFirst()
          .then(
            (row) => {
              if (!row) return this.destroy(new Error(`Chunk ${current} of file ${id} is missing.`));
              read += row.data.length;
              this.push(row.data);
            },
            (error: Error) => this.destroy(error),
          );
      },
    });
    return { record, content };
  }

  async list(orgId: string, query: BlobListQuery): Promise<BlobPage> {
    let items = this.select(this.db).where('b.org_id', '=', orgId).where('b.completed_at', 'is not', null);
    let count = this.db
      .selectFrom('blobs')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('org_id', '=', orgId)
      .where('completed_at', 'is not', null);
    if (query.purpose) {
      items = items.where('b.purpose', '=', query.purpose);
      count = count.where('purpose', '=', query.purpose);
    }
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor);
      items = items.where(sql<boolean>`(b.created_at, b.id) < (${at}, ${id}::uuid)`);
    }
    const [rows, total] = await Promise.all([
      items
        .orderBy('b.created_at', 'desc')
        .orderBy('b.id', 'desc')
        .limit(query.limit + 1)
        .execute(),
      count.executeTakeFirstOrThrow(),
    ]);
    const page = rows.slice(0, query.limit).map(toRecord);
    return { items: page, nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]) : null, total: Number(total.n) };
  }

  async delete(
    orgId: string,
    id: string,
    options: { inCommit?: (trx: Transaction<Database>, record: BlobRecord) => Promise<void> } = {},
  ): Promise<BlobRecord | undefined> {
    if (!UUID.test(id)) return undefined;
    return this.db.transaction().execute(async (trx) => {
      const row = await this.select(trx)
        .where('b.org_id', '=', orgId)
        .where('b.id', '=', id)
        .where('b.completed_at', 'is not', null)
        .forUpdate('b')
        .executeTakeFirst();
      if (!row) return undefined;
      const record = toRecord(row);
      // The chunks go with the row (on delete cascade).
      await trx.deleteFrom('blobs').where('org_id', '=', orgId).where('id', '=', id).execute();
      await options.inCommit?.(trx, record);
      return record;
    });
  }

  async usage(orgId: string): Promise<{ files: number; bytes: number }> {
    const row = await this.db
      .selectFrom('blobs')
      .select((eb) => [eb.fn.countAll<string | number>().as('files'), eb.fn.coalesce(eb.fn.sum<string | number>('size'), sql<number>`0`).as('bytes')])
      .where('org_id', '=', orgId)
      .where('completed_at', 'is not', null)
      .executeTakeFirstOrThrow();
    return { files: Number(row.files), bytes: Number(row.bytes) };
  }

  async purgeIncomplete(olderThan: Date): Promise<number> {
    const removed = await this.db.deleteFrom('blobs').where('completed_at', 'is', null).where('created_at', '<', olderThan).executeTakeFirst();
    return Number(removed.numDeletedRows);
  }
}
