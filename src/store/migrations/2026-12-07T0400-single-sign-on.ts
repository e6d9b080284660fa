// Single sign-on (OpenID Connect): the identities of a provider linked to accounts, and per organisation the e-mail
// domains whose people join it at their first sign-in and how a claim of the provider maps to roles.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // An account is found by the provider's issuer and subject, which never change, not by an e-mail address, which can.
  await sql`
    create table user_identities (
      issuer text not null,
      subject text not null,
      user_id uuid not null references users (id) on delete cascade,
      email text,
      created_at timestamptz not null default now(),
      last_sign_in_at timestamptz not null default now(),
      primary key (issuer, subject)
    )`.execute(db);
  await sql`create index user_identities_user on user_identities (user_id)`.execute(db);
  await sql`
    create table organisation_sso (
      org_id text primary key references organisations (id) on delete cascade,
      role_claim text,
      role_map jsonb not null default '{}',
      default_role text not null default 'employee'
        check (default_role in ('owner', 'administrator', 'continuityManager', 'activityOwner', 'crisisTeam', 'auditor', 'employee'))
    )`.execute(db);
  // One organisation per domain: people of a domain cannot be drawn into an organisation that claimed it second.
  await sql`
    create table sso_email_domains (
      domain text primary key check (domain = lower(domain)),
      org_id text not null references organisations (id) on delete cascade
    )`.execute(db);
  await sql`create index sso_email_domains_org on sso_email_domains (org_id)`.execute(db);
}
