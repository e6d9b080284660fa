// New kinds of caller: link tokens (one person, one purpose; invitations move onto them) and an organisation's public
// widget keys with their allowed origins, plus the widget's public settings.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per link: the SHA-256 of `<org>.<secret>` (the secret is 256 random bits, so one hash is enough and a
  // lookup by it is the constant-time check), a purpose, what it is about (`invitation/<id>`, `alert/<id>/person/<id>`),
  // an expiry, a number of uses (max_uses null: until expiry), revocation. Keyed by organisation like every table.
  await sql`
    create table link_tokens (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      purpose text not null check (purpose ~ '^[a-z][a-zA-Z0-9]{0,39}$'),
      subject text not null check (length(subject) between 1 and 300),
      secret_hash text not null check (secret_hash ~ '^[0-9a-f]{64}$'),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      max_uses integer check (max_uses is null or max_uses >= 1),
      uses integer not null default 0 check (uses >= 0),
      used_at timestamptz,
      revoked_at timestamptz,
      primary key (org_id, id),
      check (max_uses is null or uses <= max_uses)
    )`.execute(db);
  await sql`create unique index link_tokens_secret on link_tokens (org_id, secret_hash)`.execute(db);
  await sql`create index link_tokens_subject on link_tokens (org_id, purpose, subject)`.execute(db);
  await sql`create index link_tokens_expiry on link_tokens (expires_at)`.execute(db);

  // Invitations keep who, which role and their state; their secret becomes a link token of purpose `invitation` with
  // the same digest, so links already handed out keep working.
  await sql`
    insert into link_tokens (org_id, id, purpose, subject, secret_hash, created_by, created_at, expires_at, max_uses, uses, used_at, revoked_at)
    select org_id, gen_random_uuid(), 'invitation', 'invitation/' || id::text, token_hash, invited_by, created_at, expires_at, 1,
           case when accepted_at is null then 0 else 1 end, accepted_at, revoked_at
    from invitations`.execute(db);
  await sql`drop index invitations_token`.execute(db);
  await sql`alter table invitations drop column token_hash`.execute(db);

  // Public keys are not secrets (they are written into web pages): stored as they are, unique, each with its origins.
  await sql`
    create table public_keys (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      key text not null check (key ~ '^rmpk_[A-Za-z0-9][A-Za-z0-9._-]{0,79}\\.[A-Za-z0-9_-]{22}$'),
      label text not null check (length(label) between 1 and 100),
      origins text[] not null check (cardinality(origins) between 1 and 50),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      primary key (org_id, id)
    )`.execute(db);
  await sql`create unique index public_keys_key on public_keys (org_id, key)`.execute(db);
  await sql`alter table organisations add column widget jsonb not null default '{}'::jsonb`.execute(db);
}
