// Invitations instead of handed-out passwords, and server administrators (who may create organisations).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Set for accounts made by the operator (`rempart user create`, the first-run demo owner); nobody is one after
  // this migration: `rempart user admin --email …` names them.
  await sql`alter table users add column is_server_admin boolean not null default false`.execute(db);
  // One invitation, one address, one role in one organisation. Only the SHA-256 of its secret is stored; it is used
  // once (accepted_at), expires, and can be revoked.
  await sql`
    create table invitations (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      email text not null check (email = lower(email)),
      role text not null check (role in ('owner', 'administrator', 'continuityManager', 'activityOwner', 'crisisTeam', 'auditor', 'employee')),
      display_name text,
      token_hash text not null,
      invited_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      accepted_at timestamptz,
      accepted_by uuid references users (id) on delete set null,
      revoked_at timestamptz,
      primary key (org_id, id)
    )`.execute(db);
  await sql`create unique index invitations_token on invitations (org_id, token_hash)`.execute(db);
  await sql`create index invitations_email on invitations (org_id, email)`.execute(db);
}
