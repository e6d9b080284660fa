// Live events in the database: written in the transaction of the change they report, announced with a NOTIFY that
// PostgreSQL (and PGlite) deliver to every listening connection at commit, read back by id for replay.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

/** The one channel every server process listens on; the payload says which organisation and topic to look at. */
export const LIVE_EVENTS_CHANNEL = 'rempart_events';

/** An event as clients see it: `id` is what they send back as Last-Event-ID. */
export interface LiveEvent {
  id: string;
  org: string;
  topic: string;
  type: string;
  data: unknown;
  at: string;
}

/** What a NOTIFY carries: small, whatever the event's size (NOTIFY payloads stop at 8,000 bytes). */
export interface LiveEventNotice {
  org: string;
  topic: string;
  id: string;
}

/**
 * Records an event for `topic` (e.g. `run:<id>`) of an organisation. Call it inside the transaction that makes the
 * change, as its last statement: listeners hear of it only if, and when, that transaction commits.
 *
 * Readers follow a topic by id, so ids must commit in order within a topic: a transaction holding id 9 that commits
 * after the one holding id 10 would be skipped by a reader already past 10. A transaction-scoped advisory lock per
 * topic, taken before the id, makes writers of one topic commit one after the other (writers of different topics
 * do not wait for each other); high-volume sources publish aggregates on a topic rather than one event per row.
 */
export async function publishLiveEvent(db: Transaction<Database>, event: { org: string; topic: string; type: string; data: unknown }): Promise<string> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`live:${event.org}:${event.topic}`}, 0))`.execute(db);
  const row = await db
    .insertInto('live_events')
    .values({ org_id: event.org, topic: event.topic, type: event.type, data: JSON.stringify(event.data) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const notice: LiveEventNotice = { org: event.org, topic: event.topic, id: String(row.id) };
  await sql`select pg_notify(${LIVE_EVENTS_CHANNEL}, ${JSON.stringify(notice)})`.execute(db);
  return String(row.id);
}

/** Events of a topic after `afterId` (exclusive), oldest first. */
export async function liveEventsAfter(db: Kysely<Database>, org: string, topic: string, afterId: string, limit = 500): Promise<LiveEvent[]> {
  const rows = await db
    .selectFrom('live_events')
    .select(['id', 'org_id', 'topic', 'type', 'data', 'created_at'])
    .where('org_id', '=', org)
    .where('topic', '=', topic)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: String(row.id),
    org: row.org_id,
    topic: row.topic,
    type: row.type,
    data: row.data,
    at: new Date(row.created_at).toISOString(),
  }));
}

/** Forgets events older than `before`: replay covers reconnections, not history. */
export async function purgeLiveEvents(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db.deleteFrom('live_events').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
