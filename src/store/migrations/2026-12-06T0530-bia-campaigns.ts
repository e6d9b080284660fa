// BIA campaigns: the continuity manager asks the owners of chosen activities to fill in their impacts by a due date;
// each owner signs off, the manager approves or returns with a comment; an approval keeps a snapshot of the
// activity's impacts, so that the approved BIA is versioned and compared with the previous campaign.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table bia_campaigns (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      version integer not null,
      title text not null,
      due text not null check (due ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      status text not null default 'open' check (status in ('open', 'approved')),
      created_by text not null,
      created_at timestamptz not null default now(),
      approved_at timestamptz,
      primary key (org_id, id),
      unique (org_id, version)
    )`.execute(db);
  await sql`
    create table bia_campaign_tasks (
      org_id text not null,
      campaign_id uuid not null,
      activity_id text not null,
      owner text not null,
      status text not null default 'pending' check (status in ('pending', 'submitted', 'approved', 'returned')),
      submitted_at timestamptz,
      submitted_by text,
      note text,
      reviewed_at timestamptz,
      reviewed_by text,
      comment text,
      snapshot jsonb,
      primary key (org_id, campaign_id, activity_id),
      foreign key (org_id, campaign_id) references bia_campaigns (org_id, id) on delete cascade
    )`.execute(db);
}
