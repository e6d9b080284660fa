// Every change of a run's status, and each percent of its progress, becomes a live event in the same transaction,
// whichever process and code path made it: streams of a run follow the table, not the job runner's internals.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The lock key and the notice are those of publishLiveEvent (src/store/live-events.ts): one topic, ids in commit order.
  await sql`
    create function publish_run_event() returns trigger language plpgsql as $$
    declare
      topic text := 'run:' || new.id::text;
      event_id bigint;
    begin
      if tg_op = 'INSERT' or new.status is distinct from old.status or floor(new.progress * 100) <> floor(old.progress * 100) then
        perform pg_advisory_xact_lock(hashtextextended('live:' || new.org_id || ':' || topic, 0));
        insert into live_events (org_id, topic, type, data)
          values (new.org_id, topic, 'run', jsonb_build_object('status', new.status, 'progress', new.progress))
          returning id into event_id;
        perform pg_notify('rempart_events', json_build_object('org', new.org_id, 'topic', topic, 'id', event_id::text)::text);
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger scenario_runs_live_events after insert or update on scenario_runs for each row execute function publish_run_event()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger scenario_runs_live_events on scenario_runs`.execute(db);
  await sql`drop function publish_run_event()`.execute(db);
}
