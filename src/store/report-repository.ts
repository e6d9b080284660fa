// Reports in the database: one row per requested report (its job has the same id), with the stored file it produced.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ReportFormat, ReportLanguage, ReportStatus } from '../model/report.js';
import type { Database, ReportsTable } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface ReportRecord {
  orgId: string;
  id: string;
  kind: string;
  format: ReportFormat;
  lang: ReportLanguage;
  params: Record<string, unknown>;
  status: ReportStatus;
  title: string | null;
  /** The stored file, while it is kept (null before it is generated, or once the file was deleted). */
  file: { id: string; name: string; size: number; contentType: string } | null;
  error: { code: string; message: string } | null;
  createdBy: { id: string; email: string } | null;
  createdAt: Date;
  finishedAt: Date | null;
}

type Row = Selectable<ReportsTable> & {
  creator_email: string | null;
  file_name: string | null;
  file_size: string | number | null;
  file_type: string | null;
};

function toRecord(row: Row): ReportRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    kind: row.kind,
    format: row.format,
    lang: row.lang,
    params: (row.params ?? {}) as Record<string, unknown>,
    status: row.status,
    title: row.title,
    file: row.blob_id && row.file_name ? { id: row.blob_id, name: row.file_name, size: Number(row.file_size), contentType: row.file_type ?? '' } : null,
    error: (row.error as ReportRecord['error']) ?? null,
    createdBy: row.created_by && row.creator_email ? { id: row.created_by, email: row.creator_email } : null,
    createdAt: new Date(row.created_at),
    finishedAt: row.finished_at ? new Date(row.finished_at) : null,
  };
}

export class ReportRepository {
  constructor(private readonly db: Executor) {}

  private select() {
    return this.db
      .selectFrom('reports as r')
      .leftJoin('users as u', 'u.id', 'r.created_by')
      .leftJoin('blobs as b', (join) => join.onRef('b.org_id', '=', 'r.org_id').onRef('b.id', '=', 'r.blob_id'))
      .selectAll('r')
      .select(['u.email as creator_email', 'b.name as file_name', 'b.size as file_size', 'b.content_type as file_type']);
  }

  async insert(report: {
    orgId: string;
    id?: string;
    kind: string;
    format: ReportFormat;
    lang: ReportLanguage;
    params: Record<string, unknown>;
    createdBy: string | null;
  }): Promise<string> {
    const row = await this.db
      .insertInto('reports')
      .values({
        org_id: report.orgId,
        ...(report.id ? { id: report.id } : {}),
        kind: report.kind,
        format: report.format,
        lang: report.lang,
        params: JSON.stringify(report.params),
        created_by: report.createdBy,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async get(orgId: string, id: string): Promise<ReportRecord | undefined> {
    const row = await this.select().where('r.org_id', '=', orgId).where('r.id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** The organisation's reports of these kinds, newest first, a page at a time (`cursor`: the last page's `nextCursor`). */
  async list(orgId: string, options: { kinds: readonly string[]; limit: number; cursor?: { at: string; id: string } }) {
    if (options.kinds.length === 0) return { items: [], total: 0, last: undefined };
    let query = this.select().where('r.org_id', '=', orgId).where('r.kind', 'in', options.kinds);
    if (options.cursor) query = query.where(sql<boolean>`(r.created_at, r.id) < (${options.cursor.at}::timestamptz, ${options.cursor.id}::uuid)`);
    const [rows, count] = await Promise.all([
      query
        .orderBy('r.created_at', 'desc')
        .orderBy('r.id', 'desc')
        .limit(options.limit + 1)
        .select(sql<string>`r.created_at::text`.as('cursor_at'))
        .execute(),
      this.db
        .selectFrom('reports')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('org_id', '=', orgId)
        .where('kind', 'in', options.kinds)
        .executeTakeFirstOrThrow(),
    ]);
    const page = rows.slice(0, options.limit);
    // Microseconds matter: a JavaScript Date would round the cursor and skip or repeat rows.
    const last = rows.length > options.limit ? page.at(-1) : undefined;
    return { items: page.map(toRecord), total: Number(count.n), last: last && { at: last.cursor_at, id: last.id } };
  }

  async markRunning(orgId: string, id: string): Promise<void> {
    await this.db.updateTable('reports').set({ status: 'running' }).where('org_id', '=', orgId).where('id', '=', id).where('status', '=', 'queued').execute();
  }

  async markDone(orgId: string, id: string, done: { title: string; blobId: string }): Promise<void> {
    await this.db
      .updateTable('reports')
      .set({ status: 'done', title: done.title, blob_id: done.blobId, error: null, finished_at: sql`now()` })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  async markFailed(orgId: string, id: string, error: { code: string; message: string }): Promise<void> {
    await this.db
      .updateTable('reports')
      .set({ status: 'failed', error: JSON.stringify(error), finished_at: sql`now()` })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  async markQueued(orgId: string, id: string): Promise<void> {
    await this.db.updateTable('reports').set({ status: 'queued', error: null, finished_at: null }).where('org_id', '=', orgId).where('id', '=', id).execute();
  }
}
