// Training and awareness campaigns (ISO 22301 7.2, 7.3) with one assignment per person of the directory, management
// reviews (9.3) whose agenda is a snapshot of the programme's state, and the organisation's status per clause of the
// standard with its evidence. Review decisions are corrective actions (source `review`), so they need no table here.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table training_campaigns (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      title text not null,
      audience jsonb not null,
      content jsonb not null,
      acknowledgement text not null,
      quiz jsonb,
      due text not null check (due ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      reminder_days integer[] not null default '{}',
      status text not null default 'open' check (status in ('open', 'closed')),
      reminders jsonb not null default '[]',
      created_by text not null,
      created_at timestamptz not null default now(),
      closed_at timestamptz,
      closed_by text,
      primary key (org_id, id)
    )`.execute(db);
  // Who the person was when the campaign was launched (name, site, activities): completion per site and activity
  // stays what it was even after the directory changes.
  await sql`
    create table training_assignments (
      org_id text not null,
      campaign_id uuid not null,
      person_id text not null,
      name text not null,
      email text,
      language text not null check (language in ('fr', 'en')),
      site text,
      activities text[] not null default '{}',
      link_id uuid,
      acknowledged_at timestamptz,
      score integer,
      passed boolean,
      attempts integer not null default 0,
      completed_at timestamptz,
      answered_via text check (answered_via in ('link', 'session')),
      primary key (org_id, campaign_id, person_id),
      foreign key (org_id, campaign_id) references training_campaigns (org_id, id) on delete cascade
    )`.execute(db);
  await sql`
    create table management_reviews (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      title text not null,
      held_on text not null check (held_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      since text,
      status text not null default 'open' check (status in ('open', 'closed')),
      attendees jsonb not null default '[]',
      agenda jsonb not null,
      minutes jsonb not null default '{}',
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      closed_at timestamptz,
      closed_by text,
      signature text,
      primary key (org_id, id)
    )`.execute(db);
  await sql`
    create table clause_statuses (
      org_id text not null references organisations (id) on delete cascade,
      clause text not null,
      status text not null default 'notStarted' check (status in ('notStarted', 'partial', 'implemented', 'notApplicable')),
      owner text,
      notes text,
      evidence jsonb not null default '[]',
      updated_by text not null,
      updated_at timestamptz not null default now(),
      primary key (org_id, clause)
    )`.execute(db);
}
