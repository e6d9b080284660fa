// The people directory in the database: one row per person, scoped by organisation, listed by keyset pages and written
// in bulk by imports. Writers of one directory queue on a lock of their own, never on the organisation's row.
import { sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import type { Person } from '../model/person.js';
import type { Database, PeopleTable } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** A person with when it was created and last changed. */
export interface PersonRecord extends Person {
  createdAt: Date;
  updatedAt: Date;
}

export type PeopleSort = 'name' | 'id';

export interface PeopleQuery {
  limit: number;
  /** Opaque cursor from the previous page (same sort and order). */
  cursor?: string;
  /** Case-insensitive search in id, name, e-mail address and mobile number. */
  q?: string;
  /** Only the people of this site. */
  site?: string;
  /** Only the people working for this activity. */
  activity?: string;
  sort: PeopleSort;
  order: 'asc' | 'desc';
}

/** Sort orders, each ending with the unique id so that a cursor names one place. */
const SORT_KEYS: Record<PeopleSort, ReadonlyArray<RawBuilder<string>>> = {
  name: [sql<string>`lower(name)`, sql<string>`id`],
  id: [sql<string>`id`],
};

/** Rows written per statement by bulk writes: one JSON parameter each, unpacked by the server. */
const CHUNK = 5000;

function toRecord(row: Selectable<PeopleTable>): PersonRecord {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    mobile: row.mobile,
    language: row.language,
    site: row.site,
    activities: row.activities,
    remoteCapable: row.remote_capable,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string): unknown[] | undefined {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(values) ? values : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a cursor is one this list hands out for this sort: as many text keys as the sort has. */
export function isValidPeopleCursor(cursor: string, sort: PeopleSort): boolean {
  const values = decodeCursor(cursor);
  return values !== undefined && values.length === SORT_KEYS[sort].length && values.every((value) => typeof value === 'string');
}

/** `%text%` for ILIKE, with the pattern characters of the text matched literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class PeopleRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Serialises the writers of one organisation's directory until the transaction ends: e-mail addresses are unique
   * per directory, and an import compares the whole directory with its file.
   */
  async lockDirectory(orgId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`rempart.people:${orgId}`}, 0))`.execute(this.db);
  }

  /** One page of the directory; the total counts the people matching the filters. */
  async list(orgId: string, query: PeopleQuery): Promise<{ items: PersonRecord[]; nextCursor: string | null; total: number }> {
    let filtered = this.db.selectFrom('people').where('org_id', '=', orgId);
    if (query.site) filtered = filtered.where('site', '=', query.site);
    if (query.activity) filtered = filtered.where(sql<boolean>`activities @> array[${query.activity}]::text[]`);
    if (query.q) {
      const pattern = containing(query.q);
      filtered = filtered.where((eb) =>
        eb.or([eb('id', 'ilike', pattern), eb('name', 'ilike', pattern), eb('email', 'ilike', pattern), eb('mobile', 'like', pattern)]),
      );
    }
    const counting = filtered.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
    const keys = SORT_KEYS[query.sort];
    const descending = query.order === 'desc';
    let listing = filtered.selectAll().select(keys.map((key, index) => key.as(`k${index}`)));
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    if (after) {
      const left = sql.join([...keys]);
      const right = sql.join(after.map((value) => sql`${value}`));
      listing = listing.where(descending ? sql<boolean>`(${left}) < (${right})` : sql<boolean>`(${left}) > (${right})`);
    }
    for (const key of keys) listing = listing.orderBy(key, descending ? 'desc' : 'asc');
    const [rows, count] = await Promise.all([listing.limit(query.limit + 1).execute(), counting]);
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page[page.length - 1] as Record<string, unknown> | undefined;
    return {
      items: page.map(toRecord),
      nextCursor: more && last ? encodeCursor(keys.map((_, index) => last[`k${index}`])) : null,
      total: Number(count.total),
    };
  }

  async get(orgId: string, id: string): Promise<PersonRecord | undefined> {
    const row = await this.db.selectFrom('people').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** The whole directory, by name then id. */
  async all(orgId: string): Promise<PersonRecord[]> {
    const rows = await this.db
      .selectFrom('people')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy(sql`lower(name)`)
      .orderBy('id')
      .execute();
    return rows.map(toRecord);
  }

  async count(orgId: string): Promise<number> {
    const row = await this.db
      .selectFrom('people')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** The id of the person holding this (lower-case) e-mail address, other than `exceptId`. */
  async emailHolder(orgId: string, email: string, exceptId?: string): Promise<string | undefined> {
    let query = this.db.selectFrom('people').select('id').where('org_id', '=', orgId).where('email', '=', email);
    if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
    return (await query.orderBy('id').limit(1).executeTakeFirst())?.id;
  }

  async insert(orgId: string, person: Person): Promise<PersonRecord> {
    const row = await this.db
      .insertInto('people')
      .values({ org_id: orgId, ...columns(person) })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecord(row);
  }

  async replace(orgId: string, person: Person): Promise<PersonRecord | undefined> {
    const row = await this.db
      .updateTable('people')
      .set({ ...columns(person), updated_at: sql`now()` })
      .where('org_id', '=', orgId)
      .where('id', '=', person.id)
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('people').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Inserts new people and replaces those whose id exists (keeping when they were created), one statement per
   * 5,000: the rows travel as one JSON parameter, so a 100,000-person import is twenty round trips.
   */
  async upsertMany(orgId: string, people: readonly Person[]): Promise<void> {
    for (let start = 0; start < people.length; start += CHUNK) {
      const rows = people.slice(start, start + CHUNK).map((person) => ({
        id: person.id,
        name: person.name,
        email: person.email,
        mobile: person.mobile,
        language: person.language,
        site: person.site,
        activities: person.activities,
        remote_capable: person.remoteCapable,
      }));
      await sql`
        insert into people (org_id, id, name, email, mobile, language, site, activities, remote_capable)
        select ${orgId}, r.id, r.name, r.email, r.mobile, r.language, r.site,
               array(select jsonb_array_elements_text(r.activities)), r.remote_capable
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as r(id text, name text, email text, mobile text, language text, site text, activities jsonb, remote_capable boolean)
        on conflict (org_id, id) do update set
          name = excluded.name, email = excluded.email, mobile = excluded.mobile, language = excluded.language,
          site = excluded.site, activities = excluded.activities, remote_capable = excluded.remote_capable, updated_at = now()`.execute(this.db);
    }
  }

  async deleteMany(orgId: string, ids: readonly string[]): Promise<void> {
    for (let start = 0; start < ids.length; start += CHUNK)
      await sql`delete from people where org_id = ${orgId} and id = any(${ids.slice(start, start + CHUNK)}::text[])`.execute(this.db);
  }

  async deleteAll(orgId: string): Promise<number> {
    const result = await this.db.deleteFrom('people').where('org_id', '=', orgId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function columns(person: Person) {
  return {
    id: person.id,
    name: person.name,
    email: person.email,
    mobile: person.mobile,
    language: person.language,
    site: person.site,
    activities: person.activities,
    remote_capable: person.remoteCapable,
  };
}
