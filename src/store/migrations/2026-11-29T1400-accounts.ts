// Accounts and access: users, memberships (one role per organisation), sessions, API tokens, second factor,
// sign-in throttling, the organisations' security settings and the hash-chained audit trail.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // People exist across organisations, so users and their sessions are the only rows without an organisation.
  await sql`
    create table users (
      id uuid primary key default gen_random_uuid(),
      email text not null unique check (email = lower(email)),
      display_name text not null,
      password_hash text not null,
      password_changed_at timestamptz not null default now(),
      password_must_change boolean not null default false,
      mfa_secret text,
      mfa_pending_secret text,
      mfa_enabled_at timestamptz,
      mfa_last_step bigint,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table recovery_codes (
      user_id uuid not null references users (id) on delete cascade,
      code_hash text not null,
      used_at timestamptz,
      primary key (user_id, code_hash)
    )`.execute(db);
  await sql`
    create table memberships (
      org_id text not null references organisations (id) on delete cascade,
      user_id uuid not null references users (id) on delete cascade,
      role text not null check (role in ('owner', 'administrator', 'continuityManager', 'activityOwner', 'crisisTeam', 'auditor', 'employee')),
      display_name text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (org_id, user_id)
    )`.execute(db);
  await sql`create index memberships_user on memberships (user_id)`.execute(db);
  // Only the SHA-256 of a session id is stored: a copy of the table does not let anyone in.
  await sql`
    create table sessions (
      id uuid primary key default gen_random_uuid(),
      token_hash text not null unique,
      user_id uuid not null references users (id) on delete cascade,
      stage text not null check (stage in ('mfa', 'full')),
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      expires_at timestamptz not null,
      ip text,
      user_agent text
    )`.execute(db);
  await sql`create index sessions_user on sessions (user_id)`.execute(db);
  await sql`
    create table api_tokens (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      name text not null,
      token_hash text not null,
      role text not null check (role in ('owner', 'administrator', 'continuityManager', 'activityOwner', 'crisisTeam', 'auditor', 'employee')),
      created_by uuid not null references users (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      last_used_at timestamptz,
      revoked_at timestamptz,
      primary key (org_id, id)
    )`.execute(db);
  await sql`create unique index api_tokens_hash on api_tokens (org_id, token_hash)`.execute(db);
  // Failed sign-in and second-factor attempts per account and per address, shared by every server process.
  await sql`
    create table auth_throttle (
      key text primary key,
      failures integer not null,
      last_failure_at timestamptz not null,
      locked_until timestamptz
    )`.execute(db);
  await sql`alter table organisations add column mfa_required_roles text[] not null default '{}'`.execute(db);

  // One chain per organisation (and one for accounts, "@accounts"); no foreign key, so the trail outlives what it records.
  await sql`
    create table audit_log (
      chain text not null,
      seq bigint not null,
      at timestamptz not null,
      org_id text,
      actor_type text not null,
      actor_id text,
      actor_label text not null,
      action text not null,
      entity_type text not null,
      entity_id text,
      before jsonb,
      after jsonb,
      source text,
      prev_hash text not null,
      hash text not null,
      primary key (chain, seq)
    )`.execute(db);
  await sql`create index audit_log_entity on audit_log (chain, entity_type, entity_id, seq)`.execute(db);
  await sql`create index audit_log_at on audit_log (chain, at)`.execute(db);
  // The last entry of each chain: locked by every writer (so concurrent writers cannot fork the chain) and
  // compared with the log by verification (so removing the newest entries is noticed too).
  await sql`
    create table audit_heads (
      chain text primary key,
      seq bigint not null,
      hash text not null
    )`.execute(db);
  // Append-only: changing or removing an entry takes a deliberate schema change, not a stray statement.
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the audit log is append-only';
    end $$`.execute(db);
  await sql`
    create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);
  await sql`
    create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only()`.execute(db);
}
