// Jobs claimed with a fencing token, claimed fairly across organisations, and resumable from a checkpoint.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // attempt: incremented by every claim; a worker writes only while the row still carries its claim's number,
  // so a process that stalled past the heartbeat limit and lost its job cannot write over the new holder.
  // claimed_at: when the job was last claimed; an organisation's latest claim orders the queue (least recently
  // served organisation first). checkpoint: a Monte Carlo job's merged runs so far, so a job handed over at the end
  // of its turn (or taken from a dead process) resumes where it stopped instead of starting again.
  await sql`
    alter table scenario_runs
      add column attempt integer not null default 0,
      add column claimed_at timestamptz,
      add column checkpoint jsonb`.execute(db);
  await sql`create index scenario_runs_org_claimed on scenario_runs (org_id, claimed_at)`.execute(db);
}
