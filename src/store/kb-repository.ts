// The knowledge base in the database: articles scoped by organisation, listed by keyset pages, written one by one or
// in bulk by imports; and per organisation the revision every write moves (the search indexes' freshness) and the
// handoff contact.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { KbArticle } from '../model/kb.js';
import type { Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface KbArticleRecord extends KbArticle {
  createdAt: Date;
  updatedAt: Date;
}

export interface KbListQuery {
  limit: number;
  /** The last id of the previous page. */
  cursor?: string;
  /** Case-insensitive text in the id, question, variants, answer, source or tags. */
  q?: string;
  lang?: 'fr' | 'en';
  audience?: 'public' | 'staff';
  tag?: string;
  /** Only the articles past their review date on this day (YYYY-MM-DD). */
  staleOn?: string;
}

const CHUNK = 2000;

const COLUMNS = ['id', 'lang', 'question', 'variants', 'answer', 'source', 'url', 'audience', 'tags', 'created_at', 'updated_at'] as const;

function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

interface Row {
  id: string;
  lang: 'fr' | 'en';
  question: string;
  variants: string[];
  answer: string;
  source: string;
  url: string | null;
  published: string;
  review_by: string | null;
  audience: 'public' | 'staff';
  tags: string[];
  created_at: Date | string;
  updated_at: Date | string;
}

function toRecord(row: Row): KbArticleRecord {
  return {
    id: row.id,
    lang: row.lang,
    question: row.question,
    variants: row.variants,
    answer: row.answer,
    source: row.source,
    url: row.url,
    published: row.published,
    reviewBy: row.review_by,
    audience: row.audience,
    tags: row.tags,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export class KbRepository {
  constructor(private readonly db: Executor) {}

  private select() {
    // Dates as text: a `date` is a day, not an instant in the server's time zone.
    return this.db
      .selectFrom('kb_articles')
      .select(COLUMNS)
      .select([sql<string>`published::text`.as('published'), sql<string | null>`review_by::text`.as('review_by')]);
  }

  /**
   * Moves the organisation's revision, which also queues the writers of one knowledge base (the row stays locked
   * until the transaction ends). Returns the new revision.
   */
  async bumpRevision(orgId: string): Promise<number> {
    const row = await sql<{ revision: string }>`
      insert into kb_settings (org_id, revision) values (${orgId}, 1)
      on conflict (org_id) do update set revision = kb_settings.revision + 1
      returning revision`.execute(this.db);
    return Number(row.rows[0].revision);
  }

  async revision(orgId: string): Promise<number> {
    const row = await this.db.selectFrom('kb_settings').select('revision').where('org_id', '=', orgId).executeTakeFirst();
    return row ? Number(row.revision) : 0;
  }

  async handoff(orgId: string): Promise<unknown> {
    const row = await this.db.selectFrom('kb_settings').select('handoff').where('org_id', '=', orgId).executeTakeFirst();
    return row?.handoff ?? {};
  }

  async setHandoff(orgId: string, handoff: unknown): Promise<void> {
    await sql`
      insert into kb_settings (org_id, handoff) values (${orgId}, ${JSON.stringify(handoff)}::jsonb)
      on conflict (org_id) do update set handoff = excluded.handoff`.execute(this.db);
  }

  async list(orgId: string, query: KbListQuery): Promise<{ items: KbArticleRecord[]; nextCursor: string | null; total: number }> {
    let filtered = this.db.selectFrom('kb_articles').where('org_id', '=', orgId);
    if (query.lang) filtered = filtered.where('lang', '=', query.lang);
    if (query.audience) filtered = filtered.where('audience', '=', query.audience);
    if (query.tag) filtered = filtered.where(sql<boolean>`tags @> array[${query.tag}]::text[]`);
    if (query.staleOn) filtered = filtered.where('review_by', '<', query.staleOn);
    if (query.q) {
      const pattern = containing(query.q);
      filtered = filtered.where(
        sql<boolean>`(id ilike ${pattern} or question ilike ${pattern} or answer ilike ${pattern} or source ilike ${pattern}
          or array_to_string(variants, ' ') ilike ${pattern} or array_to_string(tags, ' ') ilike ${pattern})`,
      );
    }
    const counting = filtered.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
    let listing = filtered.select(COLUMNS).select([sql<string>`published::text`.as('published'), sql<string | null>`review_by::text`.as('review_by')]);
    if (query.cursor) listing = listing.where('id', '>', query.cursor);
    const [rows, count] = await Promise.all([
      listing
        .orderBy('id')
        .limit(query.limit + 1)
        .execute(),
      counting,
    ]);
    const more = rows.length > query.limit;
    const page = (more ? rows.slice(0, query.limit) : rows) as Row[];
    return { items: page.map(toRecord), nextCursor: more ? page[page.length - 1].id : null, total: Number(count.total) };
  }

  async get(orgId: string, id: string): Promise<KbArticleRecord | undefined> {
    const row = await this.select().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row as Row) : undefined;
  }

  /** Every article of the organisation, by id. */
  async all(orgId: string): Promise<KbArticleRecord[]> {
    const rows = await this.select().where('org_id', '=', orgId).orderBy('id').execute();
    return (rows as Row[]).map(toRecord);
  }

  async count(orgId: string): Promise<number> {
    const row = await this.db
      .selectFrom('kb_articles')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Inserts the articles and replaces those whose id exists (keeping when they were created), 2,000 per statement. */
  async upsertMany(orgId: string, articles: readonly KbArticle[]): Promise<void> {
    for (let start = 0; start < articles.length; start += CHUNK) {
      const rows = articles.slice(start, start + CHUNK);
      await sql`
        insert into kb_articles (org_id, id, lang, question, variants, answer, source, url, published, review_by, audience, tags)
        select ${orgId}, r.id, r.lang, r.question, array(select jsonb_array_elements_text(r.variants)), r.answer, r.source, r.url,
               r."published"::date, r."reviewBy"::date, r.audience, array(select jsonb_array_elements_text(r.tags))
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as r(id text, lang text, question text, variants jsonb, answer text, source text, url text, "published" text, "reviewBy" text,
               audience text, tags jsonb)
        on conflict (org_id, id) do update set
          lang = excluded.lang, question = excluded.question, variants = excluded.variants, answer = excluded.answer,
          source = excluded.source, url = excluded.url, published = excluded.published, review_by = excluded.review_by,
          audience = excluded.audience, tags = excluded.tags, updated_at = now()`.execute(this.db);
    }
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('kb_articles').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteMany(orgId: string, ids: readonly string[]): Promise<void> {
    for (let start = 0; start < ids.length; start += CHUNK)
      await sql`delete from kb_articles where org_id = ${orgId} and id = any(${ids.slice(start, start + CHUNK)}::text[])`.execute(this.db);
  }
}
