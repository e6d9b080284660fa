// The risk register: organisation threats, the risk matrix, risks and the history of their assessments.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Primary keys start with the organisation so a tenant's rows stay together (and shard by tenant).
  await sql`
    create table org_threats (
      org_id text not null references organisations (id) on delete cascade,
      id text not null,
      position integer not null,
      name text not null,
      family text not null,
      doc jsonb not null,
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    )`.execute(db);
  await sql`
    create table risk_matrices (
      org_id text primary key references organisations (id) on delete cascade,
      doc jsonb not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
  // Scores are likelihood × impact, kept in columns so that band filters and the severity order run in SQL.
  await sql`
    create table risks (
      org_id text not null references organisations (id) on delete cascade,
      id text not null,
      position integer not null,
      title text not null,
      threat text not null,
      inherent_score integer not null,
      residual_score integer not null,
      doc jsonb not null,
      assessed_at timestamptz,
      assessed_by text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    )`.execute(db);
  await sql`create index risks_org_position on risks (org_id, position)`.execute(db);
  await sql`create index risks_org_severity on risks (org_id, residual_score desc, inherent_score desc, id)`.execute(db);
  await sql`create index risks_org_threat on risks (org_id, threat)`.execute(db);
  await sql`
    create table risk_assessments (
      org_id text not null,
      risk_id text not null,
      seq integer not null,
      assessed_at timestamptz not null default now(),
      assessed_by text,
      reason text not null,
      inherent_likelihood smallint not null,
      inherent_impact smallint not null,
      residual_likelihood smallint not null,
      residual_impact smallint not null,
      primary key (org_id, risk_id, seq),
      foreign key (org_id, risk_id) references risks (org_id, id) on delete cascade on update cascade
    )`.execute(db);
}
