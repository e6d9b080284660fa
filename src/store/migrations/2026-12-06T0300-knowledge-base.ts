// The knowledge base (issue 14): one row per article of an organisation, and per organisation a revision that every
// write moves in its transaction (each server process keeps the search index of the revision it built, and builds it
// again when the revision moved: articles written through another process are found at the next question) and the
// handoff contact offered when the assistant has no answer.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table kb_articles (
      org_id text not null references organisations (id) on delete cascade,
      id text not null,
      lang text not null check (lang in ('fr', 'en')),
      question text not null,
      variants text[] not null default '{}',
      answer text not null,
      source text not null,
      url text,
      published date not null,
      review_by date,
      audience text not null check (audience in ('public', 'staff')),
      tags text[] not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    )`.execute(db);
  // Editors' "to review" list walks this.
  await sql`create index kb_articles_by_review on kb_articles (org_id, review_by)`.execute(db);
  await sql`
    create table kb_settings (
      org_id text primary key references organisations (id) on delete cascade,
      revision bigint not null default 0,
      handoff jsonb not null default '{}'
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table kb_settings`.execute(db);
  await sql`drop table kb_articles`.execute(db);
}
