// Organisations and their model collections; every query is scoped by organisation.
import { accountsChanged } from './account-repository.js';
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { COLLECTIONS, DEFAULT_BIA, type BiaSettings, type Collection, type EntityOf, type OrganisationModel } from '../model/organisation.js';
import type { Scenario } from '../model/scenario.js';
import type { Database } from './schema.js';

/** Tables holding one JSON document per item: the model's collections and the organisation's scenarios. */
export type Stored = Collection | 'scenarios';
/** A stored scenario always has its id. */
export type DocOf<C extends Stored> = C extends Collection ? EntityOf<C> : Scenario & { id: string };
/** What every stored document has: an id, and usually a name (sorting and search). */
export type StoredDoc = { id: string; name?: string };

type Executor = Kysely<Database> | Transaction<Database>;

export interface OrganisationRecord {
  id: string;
  name: string;
  names?: { en?: string; fr?: string };
  description?: string;
  currency: string;
  bia: BiaSettings;
  modelVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface PageRequest {
  limit: number;
  /** Opaque cursor from the previous page. */
  cursor?: string;
  /** Case-insensitive search in id and name. */
  q?: string;
  sort: SortKey;
  order?: 'asc' | 'desc';
}

/**
 * Sort orders of lists, each a tuple of SQL keys ending with a unique one, so that a cursor (the
 * last row's key values) always names one place. Numeric fields of the documents sort as numbers;
 * a document without the field sorts last.
 */
// A sentinel, not Infinity: the cursor travels as JSON, which has no Infinity.
const numeric = (field: string) => sql<number>`coalesce((doc ->> ${field})::float8, 1e300)`;
const SORT_KEYS: Record<'position' | 'id' | 'name' | 'mtpd' | 'rto' | 'capacity', ReadonlyArray<RawBuilder<unknown>>> = {
  position: [sql<number>`position`],
  id: [sql<string>`id`],
  name: [sql<string>`lower(name)`, sql<string>`id`],
  mtpd: [numeric('mtpd'), sql<string>`id`],
  rto: [numeric('rto'), sql<string>`id`],
  capacity: [numeric('capacity'), sql<string>`id`],
};
export type SortKey = keyof typeof SORT_KEYS;
export const SORT_KEY_NAMES = Object.keys(SORT_KEYS) as SortKey[];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
}

export function toOrganisation(row: {
  id: string;
  name: string;
  doc: unknown;
  bia: unknown;
  currency: string;
  model_version: number;
  created_at: Date;
  updated_at: Date;
}): OrganisationRecord {
  const doc = (row.doc ?? {}) as { names?: OrganisationRecord['names']; description?: string };
  return {
    id: row.id,
    name: row.name,
    ...(doc.names ? { names: doc.names } : {}),
    ...(doc.description !== undefined ? { description: doc.description } : {}),
    currency: row.currency,
    bia: row.bia as BiaSettings,
    modelVersion: row.model_version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string): unknown[] | undefined {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(values) ? values : undefined;
  } catch {
    return undefined;
  }
}

export function isValidCursor(cursor: string, sort: SortKey): boolean {
  const values = decodeCursor(cursor);
  const keys = SORT_KEYS[sort];
  if (!values || values.length !== keys.length) return false;
  const last = values[values.length - 1];
  if (sort === 'position') return Number.isInteger(last);
  return typeof last === 'string' && (values.length === 1 || typeof values[0] === (sort === 'name' ? 'string' : 'number'));
}

export class ModelRepository {
  constructor(private readonly db: Executor) {}

  /** The same repository bound to a transaction. */
  with(trx: Transaction<Database>): ModelRepository {
    return new ModelRepository(trx);
  }

  /** Every organisation, or only those with these ids (a person's). */
  async listOrganisations(ids?: readonly string[]): Promise<OrganisationRecord[]> {
    if (ids && ids.length === 0) return [];
    let query = this.db.selectFrom('organisations').selectAll();
    if (ids) query = query.where('id', 'in', [...ids]);
    const rows = await query.orderBy('id').execute();
    return rows.map(toOrganisation);
  }

  async getOrganisation(orgId: string): Promise<OrganisationRecord | undefined> {
    const row = await this.db.selectFrom('organisations').selectAll().where('id', '=', orgId).executeTakeFirst();
    return row ? toOrganisation(row) : undefined;
  }

  /** Locks the organisation row until the transaction ends, so model writes of one tenant are serialised. */
  async lockOrganisation(orgId: string): Promise<OrganisationRecord | undefined> {
    const row = await this.db.selectFrom('organisations').selectAll().where('id', '=', orgId).forUpdate().executeTakeFirst();
    return row ? toOrganisation(row) : undefined;
  }

  /**
   * Locks the organisation row until the transaction ends and moves its model version on, in one statement: the
   * first of a model write, so that the lock is held for the write alone. The record carries the new version.
   */
  async lockForModelChange(orgId: string): Promise<OrganisationRecord | undefined> {
    const row = await this.db
      .updateTable('organisations')
      .set({ model_version: sql`model_version + 1`, updated_at: sql`now()` })
      .where('id', '=', orgId)
      .returningAll()
      .executeTakeFirst();
    return row ? toOrganisation(row) : undefined;
  }

  async insertOrganisation(org: { id: string; name: string; names?: object; description?: string; currency?: string; bia?: BiaSettings }): Promise<void> {
    await this.db
      .insertInto('organisations')
      .values({
        id: org.id,
        name: org.name,
        doc: JSON.stringify({ names: org.names, description: org.description }),
        bia: JSON.stringify(org.bia ?? DEFAULT_BIA),
        ...(org.currency ? { currency: org.currency } : {}),
      })
      .execute();
  }

  async updateOrganisation(orgId: string, org: { name: string; names?: object; description?: string; currency?: string; bia: BiaSettings }): Promise<void> {
    await this.db
      .updateTable('organisations')
      .set({
        name: org.name,
        doc: JSON.stringify({ names: org.names, description: org.description }),
        bia: JSON.stringify(org.bia),
        // Absent: unchanged (an update of the name alone keeps the currency).
        ...(org.currency ? { currency: org.currency } : {}),
        updated_at: sql`now()`,
      })
      .where('id', '=', orgId)
      .execute();
  }

  async deleteOrganisation(orgId: string): Promise<boolean> {
    // Its memberships go with it.
    accountsChanged();
    const result = await this.db.deleteFrom('organisations').where('id', '=', orgId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Marks a change of the model; results computed on an older version can say so. */
  async bumpModelVersion(orgId: string): Promise<number> {
    const row = await this.db
      .updateTable('organisations')
      .set({ model_version: sql`model_version + 1`, updated_at: sql`now()` })
      .where('id', '=', orgId)
      .returning('model_version')
      .executeTakeFirstOrThrow();
    return row.model_version;
  }

  /** One page of a collection; pass `knownTotal` when the caller already knows the count, to skip it. */
  async listEntities<C extends Stored>(orgId: string, collection: C, page: PageRequest, knownTotal?: number): Promise<Page<DocOf<C>>> {
    let query = this.db.selectFrom(table(collection)).where('org_id', '=', orgId);
    if (page.q) {
      const pattern = `%${page.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb('id', 'ilike', pattern), eb('name', 'ilike', pattern)]));
    }
    const counting =
      knownTotal === undefined
        ? query.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow()
        : Promise.resolve({ total: String(knownTotal) });
    const keys = SORT_KEYS[page.sort];
    const descending = page.order === 'desc';
    let listing = query.select(['id', 'doc', 'position', 'name']).select(keys.map((key, index) => key.as(`k${index}`)));
    const after = page.cursor ? decodeCursor(page.cursor) : undefined;
    // Keyset pagination: the page starts after the last row's sort key, so deep pages cost what the first one does.
    if (after) {
      const left = sql.join([...keys]);
      const right = sql.join(after.map((value) => sql`${value}`));
      listing = listing.where(descending ? sql<boolean>`(${left}) < (${right})` : sql<boolean>`(${left}) > (${right})`);
    }
    for (const key of keys) listing = listing.orderBy(key, descending ? 'desc' : 'asc');
    const rows = (await listing.limit(page.limit + 1).execute()) as Array<{ doc: unknown } & Record<string, unknown>>;
    const totalRow = await counting;
    const more = rows.length > page.limit;
    const pageRows = more ? rows.slice(0, page.limit) : rows;
    const last = pageRows[pageRows.length - 1];
    const nextCursor = more && last ? encodeCursor(keys.map((_, index) => last[`k${index}`])) : null;
    return { items: pageRows.map((row) => row.doc as DocOf<C>), nextCursor, total: Number(totalRow.total) };
  }

  async getEntity<C extends Stored>(orgId: string, collection: C, id: string): Promise<DocOf<C> | undefined> {
    const row = await this.db.selectFrom(table(collection)).select('doc').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return row ? (row.doc as DocOf<C>) : undefined;
  }

  /** The whole model of an organisation, each collection in its stored order. */
  async loadModel(orgId: string): Promise<Omit<OrganisationModel, 'organisation' | 'bia'>> {
    const loaded = await Promise.all(
      COLLECTIONS.map((collection) => this.db.selectFrom(collection).select('doc').where('org_id', '=', orgId).orderBy('position').execute()),
    );
    const model = {} as Record<Collection, unknown[]>;
    COLLECTIONS.forEach((collection, index) => {
      model[collection] = loaded[index].map((row) => row.doc);
    });
    return model as unknown as Omit<OrganisationModel, 'organisation' | 'bia'>;
  }

  async insertEntity<C extends Stored>(orgId: string, collection: C, entity: StoredDoc): Promise<void> {
    await this.db
      .insertInto(table(collection))
      .values((eb) => ({
        org_id: orgId,
        id: entity.id,
        position: eb
          .selectFrom(table(collection))
          .select(sql<number>`coalesce(max(position), -1) + 1`.as('next'))
          .where('org_id', '=', orgId),
        name: entityName(entity),
        doc: JSON.stringify(entity),
      }))
      .execute();
  }

  async replaceEntity<C extends Stored>(orgId: string, collection: C, id: string, entity: StoredDoc): Promise<void> {
    await this.db
      .updateTable(table(collection))
      .set({ id: entity.id, name: entityName(entity), doc: JSON.stringify(entity), updated_at: sql`now()` })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  /** Appends items after the existing ones, in their order, in one statement (a batch of model writes). */
  async insertEntities(orgId: string, collection: Stored, entities: ReadonlyArray<StoredDoc>): Promise<void> {
    const rows = entities.map((entity, index) => ({ id: entity.id, n: index, name: entityName(entity), doc: entity }));
    await sql`
      insert into ${sql.table(collection)} (org_id, id, position, name, doc)
      select ${orgId}, r.id, (select coalesce(max(position), -1) + 1 from ${sql.table(collection)} where org_id = ${orgId}) + r.n, r.name, r.doc
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id text, n integer, name text, doc jsonb)`.execute(this.db);
  }

  /** Replaces items by their id (none of them changes it), in one statement. */
  async replaceEntities(orgId: string, collection: Stored, entities: ReadonlyArray<StoredDoc>): Promise<void> {
    const rows = entities.map((entity) => ({ id: entity.id, name: entityName(entity), doc: entity }));
    await sql`
      update ${sql.table(collection)} as t set name = r.name, doc = r.doc, updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id text, name text, doc jsonb)
      where t.org_id = ${orgId} and t.id = r.id`.execute(this.db);
  }

  async deleteEntities(orgId: string, collection: Stored, ids: readonly string[]): Promise<void> {
    await sql`delete from ${sql.table(collection)} where org_id = ${orgId} and id = any(${ids}::text[])`.execute(this.db);
  }

  async deleteEntity(orgId: string, collection: Stored, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom(collection).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Refreshes planner statistics and the visibility map after a bulk load, so counts and pages stay index-only. */
  async refreshStatistics(): Promise<void> {
    for (const collection of COLLECTIONS) await sql`vacuum analyze ${sql.table(collection)}`.execute(this.db);
  }

  /** Ids of the risks whose assets include this one. */
  async risksNamingAsset(orgId: string, type: string, id: string): Promise<string[]> {
    const rows = await sql<{ id: string }>`
      select id from risks where org_id = ${orgId} and doc -> 'assets' @> ${JSON.stringify([{ type, id }])}::jsonb order by id`.execute(this.db);
    return rows.rows.map((row) => row.id);
  }

  /** Ids of people (at most `limit`) in the directory who work at this site or for this activity, and how many there are. */
  async peopleNaming(orgId: string, kind: 'site' | 'activity', id: string, limit = 20): Promise<{ ids: string[]; total: number }> {
    const naming = kind === 'site' ? sql<boolean>`site = ${id}` : sql<boolean>`activities @> array[${id}]::text[]`;
    const rows = await sql<{ id: string; total: string }>`
      select id, count(*) over () as total from people where org_id = ${orgId} and ${naming} order by id limit ${limit}`.execute(this.db);
    return { ids: rows.rows.map((row) => row.id), total: rows.rows.length > 0 ? Number(rows.rows[0].total) : 0 };
  }

  /** People (at most 20) who name a site or an activity outside these: what a new model would leave dangling. */
  async peopleNamingOutside(
    orgId: string,
    sites: readonly string[],
    activities: readonly string[],
  ): Promise<Array<{ id: string; site: string | null; activities: string[] }>> {
    const rows = await sql<{ id: string; site: string | null; activities: string[] }>`
      select id, site, activities from people
      where org_id = ${orgId}
        and ((site is not null and not (site = any(${[...sites]}::text[]))) or not (activities <@ ${[...activities]}::text[]))
      order by id limit 20`.execute(this.db);
    return rows.rows;
  }

  /** Ids of the risks that link to this scenario. */
  async risksLinkingScenario(orgId: string, scenarioId: string): Promise<string[]> {
    const rows = await sql<{ id: string }>`
      select id from risks where org_id = ${orgId} and doc -> 'scenarios' ? ${scenarioId} order by id`.execute(this.db);
    return rows.rows.map((row) => row.id);
  }

  /** Every asset named by the organisation's risks. */
  async riskAssets(orgId: string): Promise<Array<{ risk: string; type: string; id: string }>> {
    const rows = await sql<{ risk: string; type: string; id: string }>`
      select r.id as risk, a.type, a.id from risks r, jsonb_to_recordset(r.doc -> 'assets') as a(type text, id text)
      where r.org_id = ${orgId} order by r.id`.execute(this.db);
    return rows.rows;
  }

  /** How many items each collection of the organisation holds. */
  async countEntities(orgId: string): Promise<Record<Collection, number>> {
    const counts = await Promise.all(
      COLLECTIONS.map((collection) =>
        this.db
          .selectFrom(collection)
          .select((eb) => eb.fn.countAll<string>().as('count'))
          .where('org_id', '=', orgId)
          .executeTakeFirstOrThrow(),
      ),
    );
    return Object.fromEntries(COLLECTIONS.map((collection, index) => [collection, Number(counts[index].count)])) as Record<Collection, number>;
  }

  async deleteAllEntities(orgId: string): Promise<void> {
    for (const collection of [...COLLECTIONS].reverse()) await this.db.deleteFrom(collection).where('org_id', '=', orgId).execute();
  }

  /**
   * Writes a whole collection in one statement: the rows travel as one JSON parameter and are
   * unpacked by the server, which keeps a 10,000-activity import to a handful of round trips.
   */
  async bulkInsert<C extends Stored>(orgId: string, collection: C, entities: ReadonlyArray<StoredDoc>, firstPosition = 0): Promise<void> {
    await this.bulkWrite(orgId, collection, entities, firstPosition, sql``);
  }

  /** Inserts new items after the existing ones and replaces those whose id exists, keeping their place. */
  async upsertEntities<C extends Stored>(orgId: string, collection: C, entities: ReadonlyArray<StoredDoc>): Promise<void> {
    const row = await this.db
      .selectFrom(table(collection))
      .select(sql<number>`coalesce(max(position), -1) + 1`.as('next'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    await this.bulkWrite(
      orgId,
      collection,
      entities,
      row.next,
      sql`on conflict (org_id, id) do update set name = excluded.name, doc = excluded.doc, updated_at = now()`,
    );
  }

  private async bulkWrite<C extends Stored>(
    orgId: string,
    collection: C,
    entities: ReadonlyArray<StoredDoc>,
    firstPosition: number,
    onConflict: ReturnType<typeof sql>,
  ): Promise<void> {
    const chunk = 5000;
    for (let start = 0; start < entities.length; start += chunk) {
      const rows = entities.slice(start, start + chunk).map((entity, index) => ({
        id: entity.id,
        position: firstPosition + start + index,
        name: entityName(entity),
        doc: entity,
      }));
      await sql`
        insert into ${sql.table(collection)} (org_id, id, position, name, doc)
        select ${orgId}, r.id, r.position, r.name, r.doc
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id text, position integer, name text, doc jsonb)
        ${onConflict}`.execute(this.db);
    }
  }
}

/** Every collection table has the same columns; typing them as one keeps Kysely's generics simple. */
function table(collection: Stored): 'sites' {
  return collection as 'sites';
}

function entityName(entity: { id: string; name?: string }): string {
  return entity.name ?? entity.id;
}
