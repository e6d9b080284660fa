// The people directory: one row per person of an organisation, outside the organisation model (writing people never
// locks the model nor moves its version), with the indexes its lists search and filter by.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table people (
      org_id text not null references organisations (id) on delete cascade,
      id text not null,
      name text not null,
      email text,
      mobile text,
      language text not null check (language in ('fr', 'en')),
      site text,
      activities text[] not null default '{}',
      remote_capable boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (org_id, id),
      check (email is not null or mobile is not null)
    )`.execute(db);
  // The list's default order (name, then id) is also its keyset: deep pages cost what the first one does.
  await sql`create index people_by_name on people (org_id, lower(name), id)`.execute(db);
  // E-mail addresses are stored in lower case: one lookup per address (uniqueness is checked under the directory's lock).
  await sql`create index people_by_email on people (org_id, email)`.execute(db);
  await sql`create index people_by_site on people (org_id, site, lower(name), id)`.execute(db);
  await sql`create index people_by_activity on people using gin (activities)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table people`.execute(db);
}
