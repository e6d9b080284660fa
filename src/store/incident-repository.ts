// Incidents in the database: the incident row, its activated plans, tasks, the append-only crisis log, the status of
// each affected activity (corrective actions have their own repository). Writers of one incident queue on its row (`get(..., {lock})`).
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ActivityStatus, LogKind, Severity } from '../model/incident.js';
import type { PlanStep } from '../model/plan.js';
import type { z } from 'zod';
import type { Database, IncidentLogTable, IncidentsTable } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface IncidentRecord {
  id: string;
  title: string;
  severity: Severity;
  type: string | null;
  description: string | null;
  status: 'open' | 'closed';
  exercise: boolean;
  start: Date;
  declaredAt: Date;
  declaredBy: string;
  closedAt: Date | null;
  sites: string[];
  activities: string[];
  applications: string[];
  suppliers: string[];
  review: unknown;
}

export interface TaskRecord {
  id: string;
  planId: string;
  planVersion: number;
  stepId: string;
  step: z.output<typeof PlanStep>;
  owner: string | null;
  dueAt: Date;
  status: 'open' | 'done';
  doneAt: Date | null;
  doneBy: string | null;
}

export interface LogRecord {
  seq: number;
  at: Date;
  kind: LogKind;
  text: string;
  author: string;
  decidedBy: string | null;
  corrects: number | null;
  data: unknown;
}

export interface StatusRecord {
  activity: string;
  status: ActivityStatus;
  since: Date;
  disruptedSince: Date | null;
  updatedBy: string;
}

function toLogRecord(row: Selectable<IncidentLogTable>): LogRecord {
  return {
    seq: row.seq,
    at: new Date(row.at),
    kind: row.kind as LogKind,
    text: row.text,
    author: row.author,
    decidedBy: row.decided_by,
    corrects: row.corrects,
    data: row.data ?? null,
  };
}

function toIncident(row: Selectable<IncidentsTable>): IncidentRecord {
  return {
    id: row.id,
    title: row.title,
    severity: row.severity,
    type: row.type,
    description: row.description,
    status: row.status,
    exercise: row.exercise,
    start: new Date(row.start_at),
    declaredAt: new Date(row.declared_at),
    declaredBy: row.declared_by,
    closedAt: row.closed_at ? new Date(row.closed_at) : null,
    sites: row.sites,
    activities: row.activities,
    applications: row.applications,
    suppliers: row.suppliers,
    review: row.review ?? null,
  };
}

export class IncidentRepository {
  constructor(private readonly db: Executor) {}

  async insert(orgId: string, incident: Omit<IncidentRecord, 'id' | 'status' | 'closedAt' | 'review'>): Promise<string> {
    const row = await this.db
      .insertInto('incidents')
      .values({
        org_id: orgId,
        title: incident.title,
        severity: incident.severity,
        type: incident.type,
        description: incident.description,
        exercise: incident.exercise,
        start_at: incident.start,
        declared_at: incident.declaredAt,
        declared_by: incident.declaredBy,
        closed_at: null,
        sites: incident.sites,
        activities: incident.activities,
        applications: incident.applications,
        suppliers: incident.suppliers,
        review: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** An incident; `lock` holds its row to the end of the transaction, so writers of one incident queue. */
  async get(orgId: string, id: string, options: { lock?: boolean } = {}): Promise<IncidentRecord | undefined> {
    let query = this.db.selectFrom('incidents').selectAll().where('org_id', '=', orgId).where('id', '=', id);
    if (options.lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toIncident(row) : undefined;
  }

  /** Newest first; `before` is the cursor (declared_at and id of the last incident of the previous page). */
  async list(
    orgId: string,
    options: { limit: number; before?: { at: Date; id: string }; status?: 'open' | 'closed'; exercise?: boolean },
  ): Promise<{ items: IncidentRecord[]; total: number }> {
    let query = this.db.selectFrom('incidents').where('org_id', '=', orgId);
    if (options.status) query = query.where('status', '=', options.status);
    if (options.exercise !== undefined) query = query.where('exercise', '=', options.exercise);
    const total = Number((await query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    let page = query.selectAll();
    if (options.before) {
      const { at, id } = options.before;
      page = page.where((eb) => eb.or([eb('declared_at', '<', at), eb.and([eb('declared_at', '=', at), eb('id', '<', id)])]));
    }
    const rows = await page.orderBy('declared_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
    return { items: rows.map(toIncident), total };
  }

  async update(orgId: string, id: string, change: Partial<Omit<Selectable<IncidentsTable>, 'org_id' | 'id' | 'review'>> & { review?: string }): Promise<void> {
    await this.db.updateTable('incidents').set(change).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  async plans(orgId: string, incidentIds: readonly string[]) {
    if (incidentIds.length === 0) return [];
    return this.db
      .selectFrom('incident_plans')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('incident_id', 'in', [...incidentIds])
      .orderBy('activated_at')
      .execute();
  }

  async insertPlan(orgId: string, incidentId: string, plan: { id: string; version: number; at: Date; by: string }): Promise<void> {
    await this.db
      .insertInto('incident_plans')
      .values({ org_id: orgId, incident_id: incidentId, plan_id: plan.id, plan_version: plan.version, activated_at: plan.at, activated_by: plan.by })
      .execute();
  }

  async insertTasks(orgId: string, incidentId: string, tasks: Array<Omit<TaskRecord, 'id' | 'status' | 'doneAt' | 'doneBy'>>, offset: number): Promise<void> {
    if (tasks.length === 0) return;
    await this.db
      .insertInto('incident_tasks')
      .values(
        tasks.map((task, i) => ({
          org_id: orgId,
          incident_id: incidentId,
          plan_id: task.planId,
          plan_version: task.planVersion,
          step_id: task.stepId,
          position: offset + i,
          doc: JSON.stringify(task.step),
          owner: task.owner,
          due_at: task.dueAt,
        })),
      )
      .execute();
  }

  async tasks(orgId: string, incidentIds: readonly string[]): Promise<Array<TaskRecord & { incident: string }>> {
    if (incidentIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('incident_tasks')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('incident_id', 'in', [...incidentIds])
      .orderBy('due_at')
      .orderBy('position')
      .execute();
    return rows.map((row) => ({
      incident: row.incident_id,
      id: row.id,
      planId: row.plan_id,
      planVersion: row.plan_version,
      stepId: row.step_id,
      step: row.doc as z.output<typeof PlanStep>,
      owner: row.owner,
      dueAt: new Date(row.due_at),
      status: row.status,
      doneAt: row.done_at ? new Date(row.done_at) : null,
      doneBy: row.done_by,
    }));
  }

  async setTask(orgId: string, incidentId: string, taskId: string, change: { status: 'open' | 'done'; doneAt: Date | null; doneBy: string | null }) {
    const result = await this.db
      .updateTable('incident_tasks')
      .set({ status: change.status, done_at: change.doneAt, done_by: change.doneBy })
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .where('id', '=', taskId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Appends an entry; call with the incident's row locked, so the numbers follow one another. */
  async append(orgId: string, incidentId: string, entry: Omit<LogRecord, 'seq'>): Promise<number> {
    const seq = (await this.lastLogSeq(orgId, incidentId)) + 1;
    await this.db
      .insertInto('incident_log')
      .values({
        org_id: orgId,
        incident_id: incidentId,
        seq,
        at: entry.at,
        kind: entry.kind,
        text: entry.text,
        author: entry.author,
        decided_by: entry.decidedBy,
        corrects: entry.corrects,
        data: entry.data === undefined || entry.data === null ? null : JSON.stringify(entry.data),
      })
      .execute();
    return seq;
  }

  /** The number of the log's last entry (entries are numbered 1, 2, 3… without gaps); 0 for an empty log. */
  async lastLogSeq(orgId: string, incidentId: string): Promise<number> {
    const last = await this.db
      .selectFrom('incident_log')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .executeTakeFirst();
    return Number(last?.seq ?? 0);
  }

  /** One entry and the entries that correct it. */
  async logEntry(orgId: string, incidentId: string, seq: number): Promise<{ entry: LogRecord; correctedBy: number[] } | undefined> {
    const rows = await this.db
      .selectFrom('incident_log')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .where((eb) => eb.or([eb('seq', '=', seq), eb('corrects', '=', seq)]))
      .orderBy('seq')
      .execute();
    const entry = rows.find((row) => row.seq === seq);
    return entry && { entry: toLogRecord(entry), correctedBy: rows.filter((row) => row.corrects === seq).map((row) => row.seq) };
  }

  async log(orgId: string, incidentId: string): Promise<LogRecord[]> {
    const rows = await this.db
      .selectFrom('incident_log')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('incident_id', '=', incidentId)
      .orderBy('seq')
      .execute();
    return rows.map(toLogRecord);
  }

  async statuses(orgId: string, incidentId: string): Promise<StatusRecord[]> {
    const rows = await this.db.selectFrom('incident_activity_status').selectAll().where('org_id', '=', orgId).where('incident_id', '=', incidentId).execute();
    return rows.map((row) => ({
      activity: row.activity_id,
      status: row.status,
      since: new Date(row.since),
      disruptedSince: row.disrupted_since ? new Date(row.disrupted_since) : null,
      updatedBy: row.updated_by,
    }));
  }

  async setStatus(orgId: string, incidentId: string, status: StatusRecord): Promise<void> {
    await this.db
      .insertInto('incident_activity_status')
      .values({
        org_id: orgId,
        incident_id: incidentId,
        activity_id: status.activity,
        status: status.status,
        since: status.since,
        disrupted_since: status.disruptedSince,
        updated_by: status.updatedBy,
      })
      .onConflict((oc) =>
        oc
          .columns(['org_id', 'incident_id', 'activity_id'])
          .doUpdateSet({ status: status.status, since: status.since, disrupted_since: status.disruptedSince, updated_by: status.updatedBy }),
      )
      .execute();
  }
}
