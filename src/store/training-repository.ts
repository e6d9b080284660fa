// Training campaigns in the database: the campaign (its audience, content, acknowledgement, quiz and reminders) and
// one assignment per person asked, with the person as they were at launch and their answer.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Quiz, TrainingAudience } from '../model/assurance.js';
import type { Database, TrainingAssignmentsTable, TrainingCampaignsTable } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface ReminderRecord {
  at: string;
  kind: 'invitation' | 'reminder';
  sent: number;
  withoutEmail: number;
  mail: boolean;
}

export interface TrainingCampaignRecord {
  id: string;
  title: string;
  audience: TrainingAudience;
  content: Array<{ title: string; url: string }>;
  acknowledgement: string;
  quiz: Quiz | null;
  due: string;
  reminderDays: number[];
  status: 'open' | 'closed';
  reminders: ReminderRecord[];
  createdBy: string;
  createdAt: Date;
  closedAt: Date | null;
  closedBy: string | null;
}

export interface AssignmentRecord {
  campaign: string;
  person: string;
  name: string;
  email: string | null;
  language: 'fr' | 'en';
  site: string | null;
  activities: string[];
  linkId: string | null;
  acknowledgedAt: Date | null;
  score: number | null;
  passed: boolean | null;
  attempts: number;
  completedAt: Date | null;
  via: 'link' | 'session' | null;
}

const date = (value: Date | null) => (value ? new Date(value) : null);

const toCampaign = (row: Selectable<TrainingCampaignsTable>): TrainingCampaignRecord => ({
  id: row.id,
  title: row.title,
  audience: row.audience as TrainingAudience,
  content: row.content as TrainingCampaignRecord['content'],
  acknowledgement: row.acknowledgement,
  quiz: (row.quiz as Quiz | null) ?? null,
  due: row.due,
  reminderDays: row.reminder_days,
  status: row.status,
  reminders: row.reminders as ReminderRecord[],
  createdBy: row.created_by,
  createdAt: new Date(row.created_at),
  closedAt: date(row.closed_at),
  closedBy: row.closed_by,
});

const toAssignment = (row: Selectable<TrainingAssignmentsTable>): AssignmentRecord => ({
  campaign: row.campaign_id,
  person: row.person_id,
  name: row.name,
  email: row.email,
  language: row.language,
  site: row.site,
  activities: row.activities,
  linkId: row.link_id,
  acknowledgedAt: date(row.acknowledged_at),
  score: row.score,
  passed: row.passed,
  attempts: row.attempts,
  completedAt: date(row.completed_at),
  via: row.answered_via,
});

export type NewAssignment = Pick<AssignmentRecord, 'person' | 'name' | 'email' | 'language' | 'site' | 'activities' | 'linkId'>;

export class TrainingRepository {
  constructor(private readonly db: Executor) {}

  async insert(
    orgId: string,
    campaign: Pick<TrainingCampaignRecord, 'title' | 'audience' | 'content' | 'acknowledgement' | 'quiz' | 'due' | 'reminderDays' | 'createdBy'> & {
      id: string;
    },
    now: Date,
  ): Promise<void> {
    await this.db
      .insertInto('training_campaigns')
      .values({
        org_id: orgId,
        id: campaign.id,
        title: campaign.title,
        audience: JSON.stringify(campaign.audience),
        content: JSON.stringify(campaign.content),
        acknowledgement: campaign.acknowledgement,
        quiz: campaign.quiz ? JSON.stringify(campaign.quiz) : null,
        due: campaign.due,
        reminder_days: campaign.reminderDays,
        created_by: campaign.createdBy,
        created_at: now,
      })
      .execute();
  }

  async insertAssignments(orgId: string, campaignId: string, assignments: readonly NewAssignment[]): Promise<void> {
    // 9 parameters a row: well under PostgreSQL's 65,535 per statement at 5,000 rows.
    for (let start = 0; start < assignments.length; start += 5000)
      await this.db
        .insertInto('training_assignments')
        .values(
          assignments.slice(start, start + 5000).map((a) => ({
            org_id: orgId,
            campaign_id: campaignId,
            person_id: a.person,
            name: a.name,
            email: a.email,
            language: a.language,
            site: a.site,
            activities: a.activities,
            link_id: a.linkId,
          })),
        )
        .execute();
  }

  async list(orgId: string): Promise<TrainingCampaignRecord[]> {
    const rows = await this.db.selectFrom('training_campaigns').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toCampaign);
  }

  async get(orgId: string, id: string, options: { lock?: boolean } = {}): Promise<TrainingCampaignRecord | undefined> {
    let query = this.db.selectFrom('training_campaigns').selectAll().where('org_id', '=', orgId).where('id', '=', id);
    if (options.lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toCampaign(row) : undefined;
  }

  async titles(orgId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('training_campaigns')
      .select(['id', 'title'])
      .where('org_id', '=', orgId)
      .where('id', 'in', [...ids])
      .execute();
    return new Map(rows.map((row) => [row.id, row.title]));
  }

  async assignments(orgId: string, campaignIds: readonly string[]): Promise<AssignmentRecord[]> {
    if (campaignIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('training_assignments')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('campaign_id', 'in', [...campaignIds])
      .orderBy('name')
      .orderBy('person_id')
      .execute();
    return rows.map(toAssignment);
  }

  async assignment(orgId: string, campaignId: string, person: string, options: { lock?: boolean } = {}): Promise<AssignmentRecord | undefined> {
    let query = this.db
      .selectFrom('training_assignments')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('campaign_id', '=', campaignId)
      .where('person_id', '=', person);
    if (options.lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toAssignment(row) : undefined;
  }

  /** The assignments of open campaigns for the people with this e-mail address (a member answering in the app). */
  async openFor(orgId: string, email: string): Promise<AssignmentRecord[]> {
    const rows = await this.db
      .selectFrom('training_assignments as a')
      .innerJoin('training_campaigns as c', (join) => join.onRef('c.org_id', '=', 'a.org_id').onRef('c.id', '=', 'a.campaign_id'))
      .selectAll('a')
      .where('a.org_id', '=', orgId)
      .where('c.status', '=', 'open')
      .where('a.email', '=', email.toLowerCase())
      .orderBy('c.due')
      .execute();
    return rows.map(toAssignment);
  }

  async answer(
    orgId: string,
    campaignId: string,
    person: string,
    fields: { acknowledgedAt: Date; score: number | null; passed: boolean | null; completedAt: Date | null; via: 'link' | 'session' },
  ): Promise<void> {
    await this.db
      .updateTable('training_assignments')
      .set({
        acknowledged_at: sql`coalesce(acknowledged_at, ${fields.acknowledgedAt})`,
        score: fields.score,
        passed: fields.passed,
        attempts: sql`attempts + 1`,
        completed_at: fields.completedAt,
        answered_via: fields.via,
      })
      .where('org_id', '=', orgId)
      .where('campaign_id', '=', campaignId)
      .where('person_id', '=', person)
      .execute();
  }

  async close(orgId: string, id: string, by: string, at: Date): Promise<void> {
    await this.db
      .updateTable('training_campaigns')
      .set({ status: 'closed', closed_at: at, closed_by: by })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  async addReminder(orgId: string, id: string, reminder: ReminderRecord): Promise<void> {
    await this.db
      .updateTable('training_campaigns')
      .set({ reminders: sql`reminders || ${JSON.stringify([reminder])}::jsonb` })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }
}
