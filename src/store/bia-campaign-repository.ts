// BIA campaigns in the database: the campaign row (its version number is the BIA version it makes) and one task per
// activity, with the owner's sign-off, the manager's review and, once approved, the snapshot of the impacts.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { BiaCampaignsTable, BiaCampaignTasksTable, Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface BiaSnapshot {
  impacts: Record<string, Array<number | null>>;
  mtpd: number;
  rto: number;
  mbco: number;
}

/** One mailing of a campaign: to whom it went, whom it skipped and why. */
export interface MailingRecord {
  at: string;
  kind: 'launch' | 'return';
  /** The returned activity (a return's mailing). */
  activity: string | null;
  sent: Array<{ to: string; owners: string[]; activities: string[] }>;
  skipped: Array<{ owner: string; activities: string[]; reason: 'noAddress' | 'ambiguous' | 'refused' }>;
}

export interface CampaignRecord {
  id: string;
  version: number;
  title: string;
  due: string;
  status: 'open' | 'approved';
  createdBy: string;
  createdAt: Date;
  approvedAt: Date | null;
  mailings: MailingRecord[];
}

export interface TaskRecord {
  campaign: string;
  activity: string;
  owner: string;
  status: 'pending' | 'submitted' | 'approved' | 'returned';
  submittedAt: Date | null;
  submittedBy: string | null;
  note: string | null;
  reviewedAt: Date | null;
  reviewedBy: string | null;
  comment: string | null;
  snapshot: BiaSnapshot | null;
}

const toCampaign = (row: Selectable<BiaCampaignsTable>): CampaignRecord => ({
  id: row.id,
  version: row.version,
  title: row.title,
  due: row.due,
  status: row.status,
  createdBy: row.created_by,
  createdAt: new Date(row.created_at),
  approvedAt: row.approved_at ? new Date(row.approved_at) : null,
  mailings: (row.mailings as MailingRecord[] | null) ?? [],
});

const toTask = (row: Selectable<BiaCampaignTasksTable>): TaskRecord => ({
  campaign: row.campaign_id,
  activity: row.activity_id,
  owner: row.owner,
  status: row.status,
  submittedAt: row.submitted_at ? new Date(row.submitted_at) : null,
  submittedBy: row.submitted_by,
  note: row.note,
  reviewedAt: row.reviewed_at ? new Date(row.reviewed_at) : null,
  reviewedBy: row.reviewed_by,
  comment: row.comment,
  snapshot: (row.snapshot as BiaSnapshot | null) ?? null,
});

export class BiaCampaignRepository {
  constructor(private readonly db: Executor) {}

  /** Inserts a campaign with the next version number; call within a transaction holding the organisation's lock. */
  async insert(orgId: string, campaign: { title: string; due: string; createdBy: string }, tasks: Array<{ activity: string; owner: string }>, now: Date) {
    const last = await this.db
      .selectFrom('bia_campaigns')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    const row = await this.db
      .insertInto('bia_campaigns')
      .values({ org_id: orgId, version: Number(last?.v ?? 0) + 1, title: campaign.title, due: campaign.due, created_by: campaign.createdBy, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.db
      .insertInto('bia_campaign_tasks')
      .values(tasks.map((task) => ({ org_id: orgId, campaign_id: row.id, activity_id: task.activity, owner: task.owner })))
      .execute();
    return row.id;
  }

  async list(orgId: string): Promise<CampaignRecord[]> {
    return (await this.db.selectFrom('bia_campaigns').selectAll().where('org_id', '=', orgId).orderBy('version', 'desc').execute()).map(toCampaign);
  }

  async get(orgId: string, id: string, options: { lock?: boolean } = {}): Promise<CampaignRecord | undefined> {
    let query = this.db.selectFrom('bia_campaigns').selectAll().where('org_id', '=', orgId).where('id', '=', id);
    if (options.lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toCampaign(row) : undefined;
  }

  /** The latest approved campaign before this version. */
  async previousApproved(orgId: string, version: number): Promise<CampaignRecord | undefined> {
    const row = await this.db
      .selectFrom('bia_campaigns')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('status', '=', 'approved')
      .where('version', '<', version)
      .orderBy('version', 'desc')
      .executeTakeFirst();
    return row ? toCampaign(row) : undefined;
  }

  async tasks(orgId: string, campaignIds: readonly string[]): Promise<TaskRecord[]> {
    if (campaignIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('bia_campaign_tasks')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('campaign_id', 'in', [...campaignIds])
      .orderBy('owner')
      .orderBy('activity_id')
      .execute();
    return rows.map(toTask);
  }

  /** The tasks of open campaigns. */
  async openTasks(orgId: string): Promise<Array<TaskRecord & { campaignRecord: CampaignRecord }>> {
    const campaigns = (await this.list(orgId)).filter((campaign) => campaign.status === 'open');
    const byId = new Map(campaigns.map((campaign) => [campaign.id, campaign]));
    return (await this.tasks(orgId, [...byId.keys()])).map((task) => ({ ...task, campaignRecord: byId.get(task.campaign)! }));
  }

  async updateTask(orgId: string, campaignId: string, activity: string, fields: Partial<Omit<TaskRecord, 'campaign' | 'activity' | 'owner'>>): Promise<void> {
    const set: Record<string, unknown> = {};
    const names: Record<string, string> = {
      status: 'status',
      submittedAt: 'submitted_at',
      submittedBy: 'submitted_by',
      note: 'note',
      reviewedAt: 'reviewed_at',
      reviewedBy: 'reviewed_by',
      comment: 'comment',
      snapshot: 'snapshot',
    };
    for (const [key, value] of Object.entries(fields))
      if (value !== undefined) set[names[key]] = key === 'snapshot' && value !== null ? JSON.stringify(value) : value;
    await this.db
      .updateTable('bia_campaign_tasks')
      .set(set)
      .where('org_id', '=', orgId)
      .where('campaign_id', '=', campaignId)
      .where('activity_id', '=', activity)
      .execute();
  }

  async approve(orgId: string, id: string, at: Date): Promise<void> {
    await this.db.updateTable('bia_campaigns').set({ status: 'approved', approved_at: at }).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  /** Whether every task of the campaign is approved. */
  async allApproved(orgId: string, id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('bia_campaign_tasks')
      .select(sql<string>`count(*) filter (where status <> 'approved')`.as('left'))
      .where('org_id', '=', orgId)
      .where('campaign_id', '=', id)
      .executeTakeFirstOrThrow();
    return Number(row.left) === 0;
  }

  async addMailing(orgId: string, id: string, mailing: MailingRecord): Promise<void> {
    await this.db
      .updateTable('bia_campaigns')
      .set({ mailings: sql`mailings || ${JSON.stringify([mailing])}::jsonb` })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }
}
