// Plans and their versions in the database: a plan row points at its latest and its approved version; each version
// keeps the content as written with its workflow record (author, submission, approval, archiving) and last validation.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { PlanContent, PlanStatus } from '../model/plan.js';
import type { Database, PlanVersionsTable, PlansTable } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface PlanVersionRecord {
  planId: string;
  version: number;
  status: PlanStatus;
  content: PlanContent;
  authorId: string | null;
  author: string;
  createdAt: Date;
  updatedAt: Date;
  submittedBy: string | null;
  submittedAt: Date | null;
  approvedById: string | null;
  approvedBy: string | null;
  approvedAt: Date | null;
  archivedAt: Date | null;
  comment: string | null;
  validation: unknown;
}

export interface PlanRecord {
  id: string;
  latestVersion: number;
  approvedVersion: number | null;
  createdAt: Date;
  updatedAt: Date;
  latest: PlanVersionRecord;
  approval: PlanVersionRecord | null;
}

function toVersion(row: Selectable<PlanVersionsTable>): PlanVersionRecord {
  return {
    planId: row.plan_id,
    version: row.version,
    status: row.status,
    content: row.doc as PlanContent,
    authorId: row.author_id,
    author: row.author,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    submittedBy: row.submitted_by,
    submittedAt: row.submitted_at ? new Date(row.submitted_at) : null,
    approvedById: row.approved_by_id,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at ? new Date(row.approved_at) : null,
    archivedAt: row.archived_at ? new Date(row.archived_at) : null,
    comment: row.comment,
    validation: row.validation ?? null,
  };
}

export class PlanRepository {
  constructor(private readonly db: Executor) {}

  private async assemble(rows: Array<Selectable<PlansTable>>, orgId: string): Promise<PlanRecord[]> {
    if (rows.length === 0) return [];
    const versions = await this.db
      .selectFrom('plan_versions')
      .selectAll()
      .where('org_id', '=', orgId)
      .where(
        'plan_id',
        'in',
        rows.map((row) => row.id),
      )
      .execute();
    const byKey = new Map(versions.map((row) => [`${row.plan_id}#${row.version}`, toVersion(row)]));
    return rows.map((row) => ({
      id: row.id,
      latestVersion: row.latest_version,
      approvedVersion: row.approved_version,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
      latest: byKey.get(`${row.id}#${row.latest_version}`)!,
      approval: row.approved_version === null ? null : (byKey.get(`${row.id}#${row.approved_version}`) ?? null),
    }));
  }

  async list(orgId: string, options: { status?: PlanStatus; q?: string } = {}): Promise<PlanRecord[]> {
    const rows = await this.db.selectFrom('plans').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
    let plans = await this.assemble(rows, orgId);
    if (options.status) plans = plans.filter((plan) => plan.latest.status === options.status);
    if (options.q) {
      const q = options.q.toLowerCase();
      plans = plans.filter((plan) =>
        [plan.id, plan.latest.content.title, ...Object.values(plan.latest.content.titles ?? {})].some((text) => text?.toLowerCase().includes(q)),
      );
    }
    return plans;
  }

  /** A plan; `lock` holds its row to the end of the transaction (workflow changes of one plan queue). */
  async get(orgId: string, planId: string, options: { lock?: boolean } = {}): Promise<PlanRecord | undefined> {
    let query = this.db.selectFrom('plans').selectAll().where('org_id', '=', orgId).where('id', '=', planId);
    if (options.lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? (await this.assemble([row], orgId))[0] : undefined;
  }

  async versions(orgId: string, planId: string): Promise<PlanVersionRecord[]> {
    const rows = await this.db.selectFrom('plan_versions').selectAll().where('org_id', '=', orgId).where('plan_id', '=', planId).orderBy('version').execute();
    return rows.map(toVersion);
  }

  async version(orgId: string, planId: string, version: number): Promise<PlanVersionRecord | undefined> {
    const row = await this.db
      .selectFrom('plan_versions')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('plan_id', '=', planId)
      .where('version', '=', version)
      .executeTakeFirst();
    return row ? toVersion(row) : undefined;
  }

  async insertPlan(orgId: string, planId: string, content: PlanContent, author: { id: string | null; label: string }, now: Date): Promise<void> {
    await this.db.insertInto('plans').values({ org_id: orgId, id: planId, latest_version: 1, created_at: now, updated_at: now }).execute();
    await this.insertVersion(orgId, planId, 1, content, author, now);
  }

  async insertVersion(orgId: string, planId: string, version: number, content: PlanContent, author: { id: string | null; label: string }, now: Date) {
    await this.db
      .insertInto('plan_versions')
      .values({
        org_id: orgId,
        plan_id: planId,
        version,
        status: 'draft',
        doc: JSON.stringify(content),
        author_id: author.id,
        author: author.label,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await this.db.updateTable('plans').set({ latest_version: version, updated_at: now }).where('org_id', '=', orgId).where('id', '=', planId).execute();
  }

  async replaceDraft(orgId: string, planId: string, version: number, content: PlanContent, author: { id: string | null; label: string }, now: Date) {
    await this.db
      .updateTable('plan_versions')
      .set({ doc: JSON.stringify(content), author_id: author.id, author: author.label, updated_at: now, validation: null, comment: null })
      .where('org_id', '=', orgId)
      .where('plan_id', '=', planId)
      .where('version', '=', version)
      .execute();
    await this.db.updateTable('plans').set({ updated_at: now }).where('org_id', '=', orgId).where('id', '=', planId).execute();
  }

  async setVersionState(
    orgId: string,
    planId: string,
    version: number,
    change: Partial<
      Pick<
        Selectable<PlanVersionsTable>,
        'status' | 'submitted_by' | 'submitted_at' | 'approved_by' | 'approved_by_id' | 'approved_at' | 'archived_at' | 'comment'
      >
    >,
    now: Date,
  ): Promise<void> {
    await this.db
      .updateTable('plan_versions')
      .set({ ...change, updated_at: now })
      .where('org_id', '=', orgId)
      .where('plan_id', '=', planId)
      .where('version', '=', version)
      .execute();
    await this.db.updateTable('plans').set({ updated_at: now }).where('org_id', '=', orgId).where('id', '=', planId).execute();
  }

  async setApprovedVersion(orgId: string, planId: string, version: number | null): Promise<void> {
    await this.db.updateTable('plans').set({ approved_version: version }).where('org_id', '=', orgId).where('id', '=', planId).execute();
  }

  async setValidation(orgId: string, planId: string, version: number, validation: unknown): Promise<void> {
    await this.db
      .updateTable('plan_versions')
      .set({ validation: JSON.stringify(validation) })
      .where('org_id', '=', orgId)
      .where('plan_id', '=', planId)
      .where('version', '=', version)
      .execute();
  }

  async markReminded(orgId: string, planId: string, at: Date): Promise<void> {
    await this.db.updateTable('plans').set({ review_reminded_at: at }).where('org_id', '=', orgId).where('id', '=', planId).execute();
  }

  async delete(orgId: string, planId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('plans').where('org_id', '=', orgId).where('id', '=', planId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Incidents that activated the plan: it cannot be deleted while they keep its record. */
  async incidentsActivating(orgId: string, planId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('incident_plans').select('incident_id').where('org_id', '=', orgId).where('plan_id', '=', planId).execute();
    return rows.map((row) => row.incident_id);
  }
}
