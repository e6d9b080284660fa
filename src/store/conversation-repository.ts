// Conversations, their orientation records and the shared rate counters. Rows stay in here. A message is at most two
// statements, whatever happens: read the state (unless this process wrote it last), then write the next one with a
// compare-and-set on its turn (and the record of a completed questionnaire in the same statement), so that no
// transaction is held while the flow runs; the writes of messages answered together share one statement.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { batchedStatement } from './statement-batcher.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** A conversation's next state, written if its turn is still the one read. */
interface Move {
  id: string;
  turn: number;
  state: unknown;
  ended: boolean;
  flowId: string;
  flowVersion: string;
  at: Date;
}

/**
 * The messages of one organisation's conversations answered together are one statement (each a compare-and-set on its
 * turn), where one statement each cost a round trip, a parse and a plan: at a crisis peak the statements, not the rows,
 * were the cost. Each row is found by its key in a lateral subquery and updated by its position (ctid), so the plan
 * stays index lookups whatever the planner's statistics say about a table that grew a hundredfold in minutes.
 */
async function moveConversations(db: Executor, orgId: string, moves: Move[]): Promise<boolean[]> {
  const input = moves.map((move, n) => ({ n, ...move, at: move.at.toISOString() }));
  const { rows } = await sql<{ n: number }>`
    update conversations c set state = m.state, turn = c.turn + 1, ended = m.ended, flow_id = m.flow_id, flow_version = m.flow_version, updated_at = m.at
    from (
      select i.*, x.rid from jsonb_to_recordset(${JSON.stringify(input)}::jsonb)
        as i(n int, id uuid, turn int, state jsonb, ended boolean, "flowId" text, "flowVersion" text, at timestamptz)
      cross join lateral (select ctid as rid from conversations where org_id = ${orgId} and id = i.id and turn = i.turn limit 1) x
    ) m (n, id, turn, state, ended, flow_id, flow_version, at, rid)
    where c.ctid = m.rid
    returning m.n`.execute(db);
  const moved = moves.map(() => false);
  for (const row of rows) moved[row.n] = true;
  return moved;
}

const moveConversation = batchedStatement(moveConversations, { limit: 200, conflictKey: (move) => move.id });

export interface ConversationRow {
  orgId: string;
  id: string;
  flowId: string;
  state: unknown;
  turn: number;
  ended: boolean;
}

/** Who started a conversation, and so who alone may read and continue it. */
export type ConversationOwner = { kind: 'public'; keyId: string } | { kind: 'staff' | 'preview'; userId: string };

/** A question handed over to the follow-up queue with the person's consent. */
export interface QuestionCaseRow {
  question: string;
  contact: string;
  language: string;
  requester: 'staff' | 'public';
  consentedAt: Date;
}

/** A completed questionnaire's record, and the columns aggregates are counted by. */
export interface OrientationRecordRow {
  day: string;
  department: string | null;
  orientation: string;
  ageRange: string;
  record: Record<string, string>;
}

export class ConversationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(
    row: {
      orgId: string;
      id: string;
      owner: ConversationOwner;
      flowId: string;
      flowVersion: string;
      state: unknown;
      ended: boolean;
      records: OrientationRecordRow[];
    },
    at: Date,
  ): Promise<void> {
    // A conversation whose first turn saves no record is one statement; with records, both or neither.
    if (row.records.length === 0) return this.insertConversation(this.db, row, at);
    await this.db.transaction().execute(async (trx) => {
      await this.insertConversation(trx, row, at);
      await new ConversationRepository(trx).insertRecords(row.orgId, row.records);
    });
  }

  private async insertConversation(
    db: Executor,
    row: { orgId: string; id: string; owner: ConversationOwner; flowId: string; flowVersion: string; state: unknown; ended: boolean },
    at: Date,
  ): Promise<void> {
    await db
      .insertInto('conversations')
      .values({
        org_id: row.orgId,
        id: row.id,
        key_id: 'keyId' in row.owner ? row.owner.keyId : null,
        user_id: 'userId' in row.owner ? row.owner.userId : null,
        kind: row.owner.kind,
        flow_id: row.flowId,
        flow_version: row.flowVersion,
        state: JSON.stringify(row.state),
        ended: row.ended,
        created_at: at,
        updated_at: at,
      })
      .execute();
  }

  /**
   * The conversation, when this key (or this member, in this kind of conversation) of this organisation started it;
   * undefined otherwise: another key's or another member's conversation is not found.
   */
  async get(orgId: string, owner: ConversationOwner, id: string): Promise<ConversationRow | undefined> {
    let query = this.db
      .selectFrom('conversations')
      .select(['org_id', 'id', 'flow_id', 'state', 'turn', 'ended'])
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .where('kind', '=', owner.kind);
    query = 'keyId' in owner ? query.where('key_id', '=', owner.keyId) : query.where('user_id', '=', owner.userId);
    const row = await query.executeTakeFirst();
    if (!row) return undefined;
    return { orgId: row.org_id, id: row.id, flowId: row.flow_id, state: row.state, turn: row.turn, ended: row.ended };
  }

  /**
   * Writes the next state if nobody wrote since `turn` was read, with the records of a completed questionnaire in the
   * same statement (both or neither); false when another message came first.
   */
  async advance(
    conversation: { orgId: string; id: string; turn: number },
    next: { state: unknown; flowId: string; flowVersion: string; ended: boolean },
    records: OrientationRecordRow[],
    at: Date,
    cases: QuestionCaseRow[] = [],
    onCase?: (trx: Transaction<Database>, id: string, row: QuestionCaseRow) => Promise<void>,
  ): Promise<boolean> {
    // A handed-over question is rare: a transaction keeps the move and the case together (both or neither).
    if (cases.length > 0)
      return this.db.transaction().execute(async (trx) => {
        if (!(await new ConversationRepository(trx).advance(conversation, next, records, at))) return false;
        for (const row of cases) {
          const { rows } = await sql<{ id: string }>`
            insert into follow_up_cases (org_id, reason, question, contact, language, requester, consented_at, created_at, updated_at)
            values (${conversation.orgId}, 'question', ${row.question}, ${row.contact}, ${row.language}, ${row.requester}, ${row.consentedAt}, ${at}, ${at})
            returning id`.execute(trx);
          await onCase?.(trx, rows[0].id, row);
        }
        return true;
      });
    if (records.length === 0) {
      const move: Move = {
        id: conversation.id,
        turn: conversation.turn,
        state: next.state,
        ended: next.ended,
        flowId: next.flowId,
        flowVersion: next.flowVersion,
        at,
      };
      return moveConversation(this.db, conversation.orgId, move);
    }
    const state = JSON.stringify(next.state);
    const values = sql.join(
      records.map(
        (record) =>
          sql`(${conversation.orgId}, ${record.day}::date, ${record.department}, ${record.orientation}, ${record.ageRange}, ${JSON.stringify(record.record)}::jsonb)`,
      ),
    );
    const result = await sql<{ n: number }>`
      with moved as (
        update conversations set state = ${state}::jsonb, turn = turn + 1, ended = ${next.ended}, flow_id = ${next.flowId},
          flow_version = ${next.flowVersion}, updated_at = ${at}
        where org_id = ${conversation.orgId} and id = ${conversation.id} and turn = ${conversation.turn}
        returning 1
      ), saved as (
        insert into orientation_records (org_id, day, department, orientation, age_range, record)
        select v.* from (values ${values}) as v (org_id, day, department, orientation, age_range, record)
        where exists (select 1 from moved)
        returning 1
      )
      select (select count(*) from moved)::int as n`.execute(this.db);
    return result.rows[0]?.n === 1;
  }

  async insertRecords(orgId: string, records: OrientationRecordRow[]): Promise<void> {
    if (records.length === 0) return;
    await this.db
      .insertInto('orientation_records')
      .values(
        records.map((record) => ({
          org_id: orgId,
          day: record.day,
          department: record.department,
          orientation: record.orientation,
          age_range: record.ageRange,
          record: JSON.stringify(record.record),
        })),
      )
      .execute();
  }

  /** Forgets conversations idle since `before`: the answers of an abandoned questionnaire are not kept. */
  async purgeIdle(before: Date): Promise<number> {
    const result = await this.db.deleteFrom('conversations').where('updated_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Adds what this process counted to the shared counters and returns the totals all processes reached: one
   * statement for every scope of the flush.
   */
  async addCounts(counts: ReadonlyArray<{ scope: string; bucket: number; count: number }>): Promise<Map<string, number>> {
    const totals = new Map<string, number>();
    if (counts.length === 0) return totals;
    const values = sql.join(counts.map((c) => sql`(${c.scope}, ${c.bucket}::bigint, ${c.count}::int)`));
    const result = await sql<{ scope: string; bucket: string; count: number }>`
      insert into public_rate_counters as c (scope, bucket, count) values ${values}
      on conflict (scope, bucket) do update set count = c.count + excluded.count
      returning scope, bucket::text as bucket, count`.execute(this.db);
    for (const row of result.rows) totals.set(`${row.scope}@${row.bucket}`, row.count);
    return totals;
  }

  async purgeCounters(beforeBucket: number): Promise<void> {
    await this.db.deleteFrom('public_rate_counters').where('bucket', '<', beforeBucket).execute();
  }
}
