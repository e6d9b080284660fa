// Corrective actions grow from the incident review's minimal record into ISO 22301 10.1's: nonconformities and
// improvement opportunities from exercises, incidents, audits and reviews, with root cause, evidence of
// effectiveness and a verification by someone other than the owner (status open → inProgress → done → verified).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table corrective_actions drop constraint corrective_actions_status_check`.execute(db);
  await sql`
    alter table corrective_actions
      add constraint corrective_actions_status_check check (status in ('open', 'inProgress', 'done', 'verified', 'cancelled')),
      alter column lesson drop not null,
      add column kind text not null default 'nonconformity' check (kind in ('nonconformity', 'improvement')),
      add column source_kind text not null default 'other' check (source_kind in ('incident', 'exercise', 'audit', 'review', 'other')),
      add column source_id text,
      add column description text,
      add column root_cause text,
      add column evidence text,
      add column created_by text not null default '',
      add column updated_at timestamptz not null default now(),
      add column done_at timestamptz,
      add column verified_at timestamptz,
      add column verified_by text,
      add column verified_by_id uuid,
      add column verification_effective boolean,
      add column verification_note text`.execute(db);
  // Actions drawn from incident reviews name their incident as their source.
  await sql`update corrective_actions set source_kind = 'incident', source_id = incident_id::text, updated_at = created_at where incident_id is not null`.execute(
    db,
  );
  await sql`create index corrective_actions_follow_up on corrective_actions (org_id, status, due)`.execute(db);
}
