// Conversations of the crisis assistant (issue 13) and what they feed: each conversation's state in its own row (not
// the organisation model: a message never locks the organisation), the minimised orientation records of completed
// questionnaires, each organisation's surveillance settings, and the counters that rate-limit public keys and their
// clients across server processes.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table conversations (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null,
      key_id uuid not null,
      flow_id text not null,
      flow_version text not null,
      state jsonb not null,
      turn integer not null default 0,
      ended boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    )`.execute(db);
  // The purge of idle conversations (their answers are not kept beyond a day) walks this.
  await sql`create index conversations_by_update on conversations (updated_at)`.execute(db);
  await sql`
    create table orientation_records (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      day date not null,
      department text,
      orientation text not null,
      age_range text not null,
      record jsonb not null,
      primary key (org_id, id)
    )`.execute(db);
  await sql`create index orientation_records_by_day on orientation_records (org_id, day)`.execute(db);
  await sql`
    create table surveillance_settings (
      org_id text primary key references organisations (id) on delete cascade,
      k integer not null default 10 check (k between 2 and 1000),
      retention_days integer not null default 90 check (retention_days between 1 and 3650),
      share_with_network boolean not null default false
    )`.execute(db);
  await sql`
    create table public_rate_counters (
      scope text not null,
      bucket bigint not null,
      count integer not null,
      primary key (scope, bucket)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table public_rate_counters`.execute(db);
  await sql`drop table surveillance_settings`.execute(db);
  await sql`drop table orientation_records`.execute(db);
  await sql`drop table conversations`.execute(db);
}
