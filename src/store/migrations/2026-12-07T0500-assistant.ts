// The assistant for signed-in staff and per-organisation flows (issues 13 and 14): conversations are started by a
// public key or by a member (a staff conversation, or a preview of a flow that leaves no record behind); a question
// the assistant could not answer becomes a follow-up case only with the person's consent, carrying the question and
// the one way to reach them they gave; organisations keep their own versioned flows, and a key names the flow its
// widget starts with.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table conversations alter column key_id drop not null`.execute(db);
  await sql`alter table conversations add column user_id uuid`.execute(db);
  await sql`alter table conversations add column kind text not null default 'public' check (kind in ('public', 'staff', 'preview'))`.execute(db);
  await sql`alter table conversations add constraint conversations_caller check ((kind = 'public') = (key_id is not null) and (kind = 'public') = (user_id is null))`.execute(
    db,
  );

  await sql`alter table follow_up_cases alter column incident_id drop not null`.execute(db);
  await sql`alter table follow_up_cases alter column person_id drop not null`.execute(db);
  await sql`alter table follow_up_cases drop constraint follow_up_cases_reason_check`.execute(db);
  await sql`alter table follow_up_cases add constraint follow_up_cases_reason_check check (reason in ('need_help', 'unreached', 'question'))`.execute(db);
  await sql`alter table follow_up_cases add column question text check (length(question) <= 2000)`.execute(db);
  await sql`alter table follow_up_cases add column contact text check (length(contact) <= 200)`.execute(db);
  await sql`alter table follow_up_cases add column language text`.execute(db);
  await sql`alter table follow_up_cases add column consented_at timestamptz`.execute(db);
  await sql`alter table follow_up_cases add column requester text check (requester in ('staff', 'public'))`.execute(db);
  // An alert's case has its incident and person; a question's case exists only with its question and the consent given.
  await sql`
    alter table follow_up_cases add constraint follow_up_cases_kind check (
      case when reason = 'question' then question is not null and consented_at is not null and contact is not null and requester is not null
      else incident_id is not null and person_id is not null end)`.execute(db);
  await sql`create index follow_up_questions on follow_up_cases (org_id, created_at) where reason = 'question'`.execute(db);

  await sql`
    create table org_flows (
      org_id text not null references organisations (id) on delete cascade,
      flow_id text not null,
      revision integer not null check (revision >= 1),
      version text not null,
      doc jsonb not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      primary key (org_id, flow_id, revision)
    )`.execute(db);
  await sql`alter table public_keys add column flow text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table public_keys drop column flow`.execute(db);
  await sql`drop table org_flows`.execute(db);
  await sql`delete from follow_up_cases where reason = 'question'`.execute(db);
  await sql`drop index follow_up_questions`.execute(db);
  await sql`alter table follow_up_cases drop constraint follow_up_cases_kind`.execute(db);
  for (const column of ['question', 'contact', 'language', 'consented_at', 'requester'])
    await sql`alter table follow_up_cases drop column ${sql.ref(column)}`.execute(db);
  await sql`alter table follow_up_cases drop constraint follow_up_cases_reason_check`.execute(db);
  await sql`alter table follow_up_cases add constraint follow_up_cases_reason_check check (reason in ('need_help', 'unreached'))`.execute(db);
  await sql`alter table follow_up_cases alter column person_id set not null`.execute(db);
  await sql`alter table follow_up_cases alter column incident_id set not null`.execute(db);
  await sql`delete from conversations where kind <> 'public'`.execute(db);
  await sql`alter table conversations drop constraint conversations_caller`.execute(db);
  await sql`alter table conversations drop column kind`.execute(db);
  await sql`alter table conversations drop column user_id`.execute(db);
  await sql`alter table conversations alter column key_id set not null`.execute(db);
}
