// Continuity plans with their versions, and incidents with their activated plans, tasks, crisis log, activity
// statuses and corrective actions. They live outside the organisation model: writing them never locks the model.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table plans (
      org_id text not null references organisations (id) on delete cascade,
      id text not null,
      latest_version integer not null default 1,
      approved_version integer,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      review_reminded_at timestamptz,
      primary key (org_id, id)
    )`.execute(db);
  // A version is what was written, reviewed and approved; it is never rewritten once it left the draft.
  await sql`
    create table plan_versions (
      org_id text not null,
      plan_id text not null,
      version integer not null check (version >= 1),
      status text not null default 'draft' check (status in ('draft', 'inReview', 'approved', 'archived')),
      doc jsonb not null,
      author_id uuid,
      author text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      submitted_by text,
      submitted_at timestamptz,
      approved_by_id uuid,
      approved_by text,
      approved_at timestamptz,
      archived_at timestamptz,
      comment text,
      validation jsonb,
      primary key (org_id, plan_id, version),
      foreign key (org_id, plan_id) references plans (org_id, id) on delete cascade
    )`.execute(db);

  await sql`
    create table incidents (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      title text not null,
      severity text not null check (severity in ('minor', 'major', 'critical')),
      type text,
      description text,
      status text not null default 'open' check (status in ('open', 'closed')),
      exercise boolean not null default false,
      start_at timestamptz not null,
      declared_at timestamptz not null default now(),
      declared_by text not null,
      closed_at timestamptz,
      sites text[] not null default '{}',
      activities text[] not null default '{}',
      applications text[] not null default '{}',
      suppliers text[] not null default '{}',
      review jsonb,
      primary key (org_id, id)
    )`.execute(db);
  await sql`create index incidents_listing on incidents (org_id, declared_at desc, id desc)`.execute(db);
  await sql`
    create table incident_plans (
      org_id text not null,
      incident_id uuid not null,
      plan_id text not null,
      plan_version integer not null,
      activated_at timestamptz not null,
      activated_by text not null,
      primary key (org_id, incident_id, plan_id),
      foreign key (org_id, incident_id) references incidents (org_id, id) on delete cascade
    )`.execute(db);
  await sql`
    create table incident_tasks (
      org_id text not null,
      incident_id uuid not null,
      id uuid not null default gen_random_uuid(),
      plan_id text not null,
      plan_version integer not null,
      step_id text not null,
      position integer not null,
      doc jsonb not null,
      owner text,
      due_at timestamptz not null,
      status text not null default 'open' check (status in ('open', 'done')),
      done_at timestamptz,
      done_by text,
      primary key (org_id, incident_id, id),
      foreign key (org_id, incident_id) references incidents (org_id, id) on delete cascade
    )`.execute(db);
  // The crisis log is append-only: a correction is a new entry naming the one it corrects; nothing is ever updated.
  await sql`
    create table incident_log (
      org_id text not null,
      incident_id uuid not null,
      seq integer not null check (seq >= 1),
      at timestamptz not null default now(),
      kind text not null,
      text text not null,
      author text not null,
      decided_by text,
      corrects integer,
      data jsonb,
      primary key (org_id, incident_id, seq),
      foreign key (org_id, incident_id) references incidents (org_id, id) on delete cascade
    )`.execute(db);
  await sql`
    create function incident_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the crisis log is append-only: write a correction instead';
    end $$`.execute(db);
  await sql`create trigger incident_log_no_update before update on incident_log for each row execute function incident_log_append_only()`.execute(db);
  await sql`
    create table incident_activity_status (
      org_id text not null,
      incident_id uuid not null,
      activity_id text not null,
      status text not null check (status in ('operating', 'degraded', 'stopped')),
      since timestamptz not null,
      disrupted_since timestamptz,
      updated_by text not null,
      primary key (org_id, incident_id, activity_id),
      foreign key (org_id, incident_id) references incidents (org_id, id) on delete cascade
    )`.execute(db);
  await sql`
    create table corrective_actions (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      incident_id uuid,
      lesson text not null,
      title text not null,
      owner text,
      due text check (due ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      status text not null default 'open' check (status in ('open', 'inProgress', 'done', 'cancelled')),
      created_at timestamptz not null default now(),
      primary key (org_id, id)
    )`.execute(db);
}
