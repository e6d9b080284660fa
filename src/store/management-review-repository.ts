// Management reviews in the database: the review, its attendees, the agenda as generated (a snapshot of the
// programme's state, so the minutes keep the figures they discussed) and the minutes per agenda item.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AgendaItem } from '../model/assurance.js';
import type { Database, ManagementReviewsTable } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface ReviewRecord {
  id: string;
  title: string;
  heldOn: string;
  since: string | null;
  status: 'open' | 'closed';
  attendees: Array<{ name: string; role?: string }>;
  agenda: AgendaItem[];
  minutes: Record<string, string>;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  closedBy: string | null;
  signature: string | null;
}

const toReview = (row: Selectable<ManagementReviewsTable>): ReviewRecord => ({
  id: row.id,
  title: row.title,
  heldOn: row.held_on,
  since: row.since,
  status: row.status,
  attendees: row.attendees as ReviewRecord['attendees'],
  agenda: row.agenda as AgendaItem[],
  minutes: row.minutes as Record<string, string>,
  createdBy: row.created_by,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
  closedAt: row.closed_at ? new Date(row.closed_at) : null,
  closedBy: row.closed_by,
  signature: row.signature,
});

export type ReviewFields = Partial<
  Pick<ReviewRecord, 'title' | 'heldOn' | 'attendees' | 'agenda' | 'minutes' | 'status' | 'closedAt' | 'closedBy' | 'signature'>
>;

export class ManagementReviewRepository {
  constructor(private readonly db: Executor) {}

  async insert(orgId: string, review: Pick<ReviewRecord, 'id' | 'title' | 'heldOn' | 'since' | 'attendees' | 'agenda' | 'createdBy'>, now: Date) {
    await this.db
      .insertInto('management_reviews')
      .values({
        org_id: orgId,
        id: review.id,
        title: review.title,
        held_on: review.heldOn,
        since: review.since,
        attendees: JSON.stringify(review.attendees),
        agenda: JSON.stringify(review.agenda),
        created_by: review.createdBy,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }

  async list(orgId: string): Promise<ReviewRecord[]> {
    const rows = await this.db
      .selectFrom('management_reviews')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('held_on', 'desc')
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toReview);
  }

  async get(orgId: string, id: string, options: { lock?: boolean } = {}): Promise<ReviewRecord | undefined> {
    let query = this.db.selectFrom('management_reviews').selectAll().where('org_id', '=', orgId).where('id', '=', id);
    if (options.lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toReview(row) : undefined;
  }

  async titles(orgId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('management_reviews')
      .select(['id', 'title'])
      .where('org_id', '=', orgId)
      .where('id', 'in', [...ids])
      .execute();
    return new Map(rows.map((row) => [row.id, row.title]));
  }

  /** The latest review held before this day (its day is where the next review's "since" starts). */
  async previous(orgId: string, before: string, exceptId?: string): Promise<ReviewRecord | undefined> {
    let query = this.db.selectFrom('management_reviews').selectAll().where('org_id', '=', orgId).where('held_on', '<', before);
    if (exceptId) query = query.where('id', '<>', exceptId);
    const row = await query.orderBy('held_on', 'desc').orderBy('created_at', 'desc').executeTakeFirst();
    return row ? toReview(row) : undefined;
  }

  async update(orgId: string, id: string, fields: ReviewFields, now: Date): Promise<void> {
    const set: Record<string, unknown> = { updated_at: now };
    if (fields.title !== undefined) set.title = fields.title;
    if (fields.heldOn !== undefined) set.held_on = fields.heldOn;
    if (fields.attendees !== undefined) set.attendees = JSON.stringify(fields.attendees);
    if (fields.agenda !== undefined) set.agenda = JSON.stringify(fields.agenda);
    if (fields.minutes !== undefined) set.minutes = JSON.stringify(fields.minutes);
    if (fields.status !== undefined) set.status = fields.status;
    if (fields.closedAt !== undefined) set.closed_at = fields.closedAt;
    if (fields.closedBy !== undefined) set.closed_by = fields.closedBy;
    if (fields.signature !== undefined) set.signature = fields.signature;
    await this.db.updateTable('management_reviews').set(set).where('org_id', '=', orgId).where('id', '=', id).execute();
  }
}
