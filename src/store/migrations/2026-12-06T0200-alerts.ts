// Mass notification of an incident: alerts, one recipient per person and alert (its check-in link, language, state
// and last answer), every delivery of every wave and channel with its state, the check-in history, the follow-up
// queue with its notes, and the `followUp` role in every CHECK that lists roles.
import { sql, type Kysely } from 'kysely';

const ROLES_BEFORE = ['owner', 'administrator', 'continuityManager', 'activityOwner', 'crisisTeam', 'auditor', 'employee'];
const ROLES_AFTER = [...ROLES_BEFORE, 'followUp'];

/** Replaces the role CHECK of a table (its name as PostgreSQL gave it: `<table>_role_check`). */
async function roleCheck(db: Kysely<unknown>, table: string, roles: readonly string[]): Promise<void> {
  const list = sql.join(roles.map((role) => sql.lit(role)));
  await sql`alter table ${sql.table(table)} drop constraint if exists ${sql.id(`${table}_role_check`)}`.execute(db);
  await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_role_check`)} check (role in (${list}))`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['memberships', 'api_tokens', 'invitations']) await roleCheck(db, table, ROLES_AFTER);

  await sql`
    create table alerts (
      org_id text not null,
      id uuid not null,
      incident_id uuid not null,
      audience jsonb not null,
      channels text[] not null check (cardinality(channels) between 1 and 2),
      message jsonb not null,
      waves jsonb not null,
      status text not null default 'sending' check (status in ('sending', 'waiting', 'done', 'stopped')),
      wave integer not null default 1,
      stop_reason text,
      recipients integer not null default 0,
      created_by text not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (org_id, id),
      foreign key (org_id, incident_id) references incidents (org_id, id) on delete cascade
    )`.execute(db);
  await sql`create index alerts_by_incident on alerts (org_id, incident_id, created_at desc)`.execute(db);

  // One per person and alert: a snapshot of what the notification needs (the directory may change meanwhile), the
  // link's id (its secret is derived, never stored), the delivery state and the last answer.
  await sql`
    create table alert_recipients (
      org_id text not null,
      alert_id uuid not null,
      person_id text not null,
      incident_id uuid not null,
      link_id uuid not null,
      language text not null check (language in ('fr', 'en')),
      email text,
      mobile text,
      site text,
      activities text[] not null default '{}',
      remote_capable boolean not null default false,
      state text not null default 'queued' check (state in ('queued', 'sent', 'delivered', 'failed', 'answered')),
      status text check (status in ('available_on_site', 'available_remote', 'unavailable', 'need_help')),
      answered_at timestamptz,
      updated_at timestamptz not null default now(),
      primary key (org_id, alert_id, person_id),
      foreign key (org_id, alert_id) references alerts (org_id, id) on delete cascade
    ) with (fillfactor = 70)`.execute(db);
  // Room in each page (fillfactor) lets an answer update its row in place (a HOT update: no index entry rewritten).
  await sql`create unique index alert_recipients_link on alert_recipients (org_id, link_id)`.execute(db);
  await sql`create index alert_recipients_incident on alert_recipients (org_id, incident_id, person_id)`.execute(db);

  // Every message of every wave and channel: queued, then sent (accepted by the SMTP server or the SMS provider),
  // delivered (a receipt) or failed. The job that sends a chunk marks its rows in the transaction that ends it.
  await sql`
    create table alert_deliveries (
      org_id text not null,
      alert_id uuid not null,
      person_id text not null,
      wave integer not null,
      channel text not null check (channel in ('email', 'sms')),
      address text not null,
      state text not null default 'queued' check (state in ('queued', 'sent', 'delivered', 'failed')),
      attempts integer not null default 0,
      provider_id text,
      error text,
      queued_at timestamptz not null default now(),
      sent_at timestamptz,
      delivered_at timestamptz,
      primary key (org_id, alert_id, person_id, wave, channel),
      foreign key (org_id, alert_id, person_id) references alert_recipients (org_id, alert_id, person_id) on delete cascade
    )`.execute(db);
  await sql`create index alert_deliveries_provider on alert_deliveries (provider_id) where provider_id is not null`.execute(db);
  // The per-number SMS throttle (one text a minute to a number, across alerts and organisations, as carriers count)
  // and SMS replies (the last alert a number was texted for) look deliveries up by number.
  await sql`create index alert_deliveries_sms_number on alert_deliveries (address, sent_at desc) where channel = 'sms'`.execute(db);

  // The history of answers (the recipient row holds the last one): never updated.
  await sql`
    create table checkins (
      org_id text not null,
      id bigint generated always as identity,
      alert_id uuid not null,
      person_id text not null,
      incident_id uuid not null,
      status text not null check (status in ('available_on_site', 'available_remote', 'unavailable', 'need_help')),
      note text check (length(note) <= 1000),
      via text not null check (via in ('link', 'session', 'sms')),
      at timestamptz not null default now(),
      primary key (org_id, id)
    )`.execute(db);
  // No foreign key: an answer is written only through its recipient's row, in the same statement, and a key check
  // (a lock on that row) per answer is what the thousands of answers a second cannot afford. Deleting an alert
  // deletes its answers (below).
  await sql`
    create function checkins_of_alert_deleted() returns trigger language plpgsql as $$
    begin
      delete from checkins where org_id = old.org_id and alert_id = old.id;
      return old;
    end $$`.execute(db);
  await sql`create trigger alerts_delete_checkins after delete on alerts for each row execute function checkins_of_alert_deleted()`.execute(db);
  await sql`create index checkins_by_person on checkins (org_id, alert_id, person_id, id)`.execute(db);

  // The follow-up queue: one open case per person and incident at most; notes may be health data.
  await sql`
    create table follow_up_cases (
      org_id text not null,
      id uuid not null default gen_random_uuid(),
      incident_id uuid not null,
      person_id text not null,
      reason text not null check (reason in ('need_help', 'unreached')),
      status text not null default 'open' check (status in ('open', 'claimed', 'closed')),
      claimed_by uuid,
      claimed_by_label text,
      claimed_at timestamptz,
      closed_at timestamptz,
      outcome text check (outcome in ('reached', 'unreachable', 'referred', 'no_longer_needed')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (org_id, id),
      foreign key (org_id, incident_id) references incidents (org_id, id) on delete cascade
    )`.execute(db);
  await sql`create unique index follow_up_one_open on follow_up_cases (org_id, incident_id, person_id) where status <> 'closed'`.execute(db);
  await sql`
    create table follow_up_notes (
      org_id text not null,
      case_id uuid not null,
      id bigint generated always as identity,
      text text not null check (length(text) between 1 and 4000),
      author_id uuid,
      author text not null,
      at timestamptz not null default now(),
      primary key (org_id, case_id, id),
      foreign key (org_id, case_id) references follow_up_cases (org_id, id) on delete cascade
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['follow_up_notes', 'follow_up_cases', 'checkins', 'alert_deliveries', 'alert_recipients', 'alerts'])
    await sql`drop table ${sql.table(table)}`.execute(db);
  await sql`drop function checkins_of_alert_deleted()`.execute(db);
  for (const table of ['memberships', 'api_tokens', 'invitations']) await roleCheck(db, table, ROLES_BEFORE);
}
