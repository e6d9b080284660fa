// Live events: what SSE clients are told (run progress, check-ins, incident updates), kept a while so that a client
// that reconnects with Last-Event-ID misses nothing. Rows are written in the transaction of the change they report,
// with a NOTIFY that PostgreSQL delivers to every server process at commit.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table live_events (
      org_id text not null references organisations (id) on delete cascade,
      id bigint generated always as identity,
      topic text not null,
      type text not null,
      data jsonb not null,
      created_at timestamptz not null default now(),
      primary key (org_id, id)
    )`.execute(db);
  await sql`create index live_events_topic on live_events (org_id, topic, id)`.execute(db);
  await sql`create index live_events_created on live_events (created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table live_events`.execute(db);
}
