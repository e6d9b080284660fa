// Stored files (reports, plan attachments, evidence): one row per file and its content in 256 KiB bytea chunks,
// keyed by organisation like every table, so that files work alike on PGlite and PostgreSQL and stay with their tenant.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // completed_at is null while the content is being written: such a file is listed nowhere, counted in no quota, and
  // removed by the writer when the upload fails, or by the purge of stale uploads when its process died.
  await sql`
    create table blobs (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      name text not null check (length(name) between 1 and 200),
      content_type text not null check (length(content_type) between 3 and 200),
      purpose text not null default 'attachment' check (purpose in ('attachment', 'evidence', 'report', 'other')),
      size bigint not null default 0 check (size >= 0),
      sha256 text check (sha256 ~ '^[0-9a-f]{64}$'),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      completed_at timestamptz,
      primary key (org_id, id),
      check (completed_at is null or sha256 is not null)
    )`.execute(db);
  await sql`create index blobs_listing on blobs (org_id, created_at desc, id desc) where completed_at is not null`.execute(db);
  await sql`create index blobs_incomplete on blobs (created_at) where completed_at is null`.execute(db);
  await sql`
    create table blob_chunks (
      org_id text not null,
      blob_id uuid not null,
      seq integer not null check (seq >= 0),
      data bytea not null,
      primary key (org_id, blob_id, seq),
      foreign key (org_id, blob_id) references blobs (org_id, id) on delete cascade
    )`.execute(db);
  // Out of line without compression: most stored files (PDF, images, office documents) are compressed already, and
  // trying pglz on each 256 KiB chunk costs CPU for nothing.
  await sql`alter table blob_chunks alter column data set storage external`.execute(db);
}
