// Organisations and their model: one table per collection, each row the validated entity document.
import { sql, type Kysely } from 'kysely';

const COLLECTION_TABLES = ['sites', 'pools', 'applications', 'suppliers', 'activities', 'strategies'];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table organisations (
      id text primary key,
      name text not null,
      doc jsonb not null default '{}'::jsonb,
      bia jsonb not null,
      model_version integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  for (const table of COLLECTION_TABLES) {
    // The primary key starts with the organisation so a tenant's rows stay together (and shard by tenant).
    await sql`
      create table ${sql.table(table)} (
        org_id text not null references organisations (id) on delete cascade,
        id text not null,
        position integer not null,
        name text not null,
        doc jsonb not null,
        updated_at timestamptz not null default now(),
        primary key (org_id, id)
      )`.execute(db);
    await sql`create index ${sql.id(`${table}_org_position`)} on ${sql.table(table)} (org_id, position)`.execute(db);
    await sql`create index ${sql.id(`${table}_org_name`)} on ${sql.table(table)} (org_id, lower(name), id)`.execute(db);
  }
}
