// Reports generated as jobs (issue 15): one row per requested report, its job sharing its id; the file it produces
// lives in the blob store, and deleting that file leaves the report's record without a download.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // No check on `kind`: a new kind of report is a handler and a schema, not a migration.
  await sql`
    create table reports (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      kind text not null check (length(kind) between 1 and 40),
      format text not null check (format in ('pdf', 'xlsx')),
      lang text not null check (lang in ('en', 'fr')),
      params jsonb not null default '{}',
      status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
      title text,
      blob_id uuid,
      error jsonb,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      finished_at timestamptz,
      primary key (org_id, id),
      foreign key (org_id, blob_id) references blobs (org_id, id) on delete set null (blob_id)
    )`.execute(db);
  await sql`create index reports_listing on reports (org_id, created_at desc, id desc)`.execute(db);
}
