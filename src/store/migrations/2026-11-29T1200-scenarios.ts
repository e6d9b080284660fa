// Scenarios per organisation, and their runs (simulations, Monte Carlo, recommendations) as claimable jobs.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table scenarios (
      org_id text not null references organisations (id) on delete cascade,
      id text not null,
      position integer not null,
      name text not null,
      doc jsonb not null,
      updated_at timestamptz not null default now(),
      primary key (org_id, id)
    )`.execute(db);
  await sql`create index scenarios_org_position on scenarios (org_id, position)`.execute(db);
  // A run keeps the scenarios it ran (they may be edited later) and the model version it ran on.
  await sql`
    create table scenario_runs (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      kind text not null check (kind in ('simulation', 'montecarlo', 'recommendation')),
      scenario_ids text[] not null,
      input jsonb not null,
      model_version integer not null,
      status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed', 'cancelled')),
      cancel_requested boolean not null default false,
      progress double precision not null default 0,
      result jsonb,
      error jsonb,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      heartbeat_at timestamptz,
      primary key (org_id, id)
    )`.execute(db);
  await sql`create index scenario_runs_org_created on scenario_runs (org_id, created_at desc)`.execute(db);
  await sql`create index scenario_runs_pending on scenario_runs (created_at) where status in ('queued', 'running')`.execute(db);
}
