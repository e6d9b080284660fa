// One job table for every kind of background work (Monte Carlo, recommendations, purges, and the deliveries to
// come): claimed with FOR UPDATE SKIP LOCKED by any process, retried with back-off, scheduled by run_at, deduplicated
// by an idempotency key, fenced by the claim number, dead after its last attempt. scenario_runs stays the runs'
// user-visible record; the queue columns it carried move here.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // max_attempts null: the kind's own (its handler's). org_id is null for the system's own jobs (purges across every organisation). The key is the job id alone, not
  // (org_id, id): a claim must see every organisation's jobs in one SKIP LOCKED query (that is what makes it fair),
  // which a table distributed by organisation cannot serve (Citus refuses multi-shard FOR UPDATE). So this table
  // stays whole on one node when tenants are distributed, and an organisation's jobs still go with it on delete.
  await sql`
    create table jobs (
      id uuid primary key default gen_random_uuid(),
      org_id text references organisations (id) on delete cascade,
      kind text not null,
      payload jsonb not null default '{}',
      status text not null default 'queued' check (status in ('queued', 'running', 'done', 'dead', 'cancelled')),
      priority integer not null default 0,
      run_at timestamptz not null default now(),
      attempt integer not null default 0,
      failures integer not null default 0,
      max_attempts integer check (max_attempts >= 1),
      idempotency_key text,
      state jsonb,
      cancel_requested boolean not null default false,
      last_error jsonb,
      created_at timestamptz not null default now(),
      claimed_at timestamptz,
      heartbeat_at timestamptz,
      finished_at timestamptz
    )`.execute(db);
  // What a claim scans: only unfinished jobs, by due time.
  await sql`create index jobs_pending on jobs (run_at) where status in ('queued', 'running')`.execute(db);
  // An organisation's latest claim orders the queue (least recently served first); system jobs count as one more.
  await sql`create index jobs_org_claimed on jobs ((coalesce(org_id, '')), claimed_at)`.execute(db);
  await sql`create index jobs_org_status on jobs (org_id, status, created_at desc, id desc)`.execute(db);
  // The same key twice (per organisation and kind) is the same job, however many times it is asked for.
  await sql`create unique index jobs_idempotency on jobs ((coalesce(org_id, '')), kind, idempotency_key) where idempotency_key is not null`.execute(db);

  // Runs waiting or under way become jobs with the run's own id; the claim number and checkpoint go with them.
  await sql`
    insert into jobs (id, org_id, kind, payload, status, attempt, max_attempts, state, cancel_requested, created_at, claimed_at, heartbeat_at)
    select id, org_id, 'runs.' || kind, jsonb_build_object('run', id), status, attempt, null,
      case when checkpoint is null then null else jsonb_build_object('modelVersion', model_version, 'partial', checkpoint) end,
      cancel_requested, created_at, claimed_at, heartbeat_at
    from scenario_runs where status in ('queued', 'running') and kind <> 'simulation'`.execute(db);
  await sql`drop index if exists scenario_runs_org_claimed`.execute(db);
  // attempt stays: the claim that last wrote the run (a fenced write copies it), for whoever audits a hand-over.
  await sql`alter table scenario_runs drop column cancel_requested, drop column heartbeat_at, drop column claimed_at, drop column checkpoint`.execute(db);
}
