// The exercise programme (ISO 22301 8.5): tabletop, walkthrough, simulation (the scenario engine) and live test (an
// incident declared with the exercise flag), with schedule, participants, objectives, injects, observers' notes and
// results (objectives met, measured recovery per activity against its RTO, lessons that become corrective actions).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table exercises (
      org_id text not null references organisations (id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      title text not null,
      kind text not null check (kind in ('tabletop', 'walkthrough', 'simulation', 'liveTest')),
      status text not null default 'planned' check (status in ('planned', 'running', 'completed', 'cancelled')),
      description text,
      location text,
      scheduled_at timestamptz not null,
      duration_minutes integer not null check (duration_minutes between 1 and 10080),
      scenario_id text,
      activities text[] not null default '{}',
      participants jsonb not null default '[]',
      objectives jsonb not null default '[]',
      injects jsonb not null default '[]',
      notes jsonb not null default '[]',
      incident_id uuid,
      run_id uuid,
      results jsonb,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      started_at timestamptz,
      completed_at timestamptz,
      primary key (org_id, id),
      foreign key (org_id, incident_id) references incidents (org_id, id)
    )`.execute(db);
  await sql`create index exercises_schedule on exercises (org_id, scheduled_at)`.execute(db);
}
