// Corrective actions: one row per action of an organisation, whatever its source (incident, exercise, audit,
// review). Writers of one action queue on its row (`get(..., {lock})`).
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ActionSourceKind, ActionStatus } from '../model/corrective-action.js';
import type { CorrectiveActionsTable, Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface CorrectiveActionRecord {
  id: string;
  kind: 'nonconformity' | 'improvement';
  sourceKind: ActionSourceKind;
  sourceId: string | null;
  incident: string | null;
  lesson: string | null;
  title: string;
  description: string | null;
  rootCause: string | null;
  owner: string | null;
  due: string | null;
  status: ActionStatus;
  evidence: string | null;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  doneAt: Date | null;
  verifiedAt: Date | null;
  verifiedBy: string | null;
  verifiedById: string | null;
  verificationEffective: boolean | null;
  verificationNote: string | null;
}

/** What a new action holds. */
export type NewCorrectiveAction = Pick<
  CorrectiveActionRecord,
  'kind' | 'sourceKind' | 'sourceId' | 'incident' | 'lesson' | 'title' | 'owner' | 'due' | 'createdBy'
> &
  Partial<Pick<CorrectiveActionRecord, 'description' | 'rootCause'>>;

/** The fields a change writes. */
export type CorrectiveActionFields = Partial<
  Pick<
    CorrectiveActionRecord,
    | 'kind'
    | 'title'
    | 'description'
    | 'rootCause'
    | 'owner'
    | 'due'
    | 'status'
    | 'evidence'
    | 'doneAt'
    | 'verifiedAt'
    | 'verifiedBy'
    | 'verifiedById'
    | 'verificationEffective'
    | 'verificationNote'
  >
>;

export interface CorrectiveActionFilter {
  status?: ActionStatus;
  kind?: CorrectiveActionRecord['kind'];
  sourceKind?: ActionSourceKind;
  sourceId?: string;
  incident?: string;
  owner?: string;
  /** Due before this day (YYYY-MM-DD) and not done: true; the others: false. */
  overdue?: { today: string; value: boolean };
  q?: string;
}

function toAction(row: Selectable<CorrectiveActionsTable>): CorrectiveActionRecord {
  const date = (value: Date | null) => (value ? new Date(value) : null);
  return {
    id: row.id,
    kind: row.kind,
    sourceKind: row.source_kind,
    sourceId: row.source_id,
    incident: row.incident_id,
    lesson: row.lesson,
    title: row.title,
    description: row.description,
    rootCause: row.root_cause,
    owner: row.owner,
    due: row.due,
    status: row.status,
    evidence: row.evidence,
    createdAt: new Date(row.created_at),
    createdBy: row.created_by,
    updatedAt: new Date(row.updated_at),
    doneAt: date(row.done_at),
    verifiedAt: date(row.verified_at),
    verifiedBy: row.verified_by,
    verifiedById: row.verified_by_id,
    verificationEffective: row.verification_effective,
    verificationNote: row.verification_note,
  };
}

const COLUMNS = {
  kind: 'kind',
  title: 'title',
  description: 'description',
  rootCause: 'root_cause',
  owner: 'owner',
  due: 'due',
  status: 'status',
  evidence: 'evidence',
  doneAt: 'done_at',
  verifiedAt: 'verified_at',
  verifiedBy: 'verified_by',
  verifiedById: 'verified_by_id',
  verificationEffective: 'verification_effective',
  verificationNote: 'verification_note',
} as const satisfies Record<keyof CorrectiveActionFields, keyof CorrectiveActionsTable>;

/** `%text%` for ILIKE, its wildcards escaped. */
function contains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class CorrectiveActionRepository {
  constructor(private readonly db: Executor) {}

  async insert(orgId: string, action: NewCorrectiveAction, now: Date): Promise<string> {
    const row = await this.db
      .insertInto('corrective_actions')
      .values({
        org_id: orgId,
        kind: action.kind,
        source_kind: action.sourceKind,
        source_id: action.sourceId,
        incident_id: action.incident,
        lesson: action.lesson,
        title: action.title,
        description: action.description ?? null,
        root_cause: action.rootCause ?? null,
        owner: action.owner,
        due: action.due,
        created_by: action.createdBy,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  private filtered(orgId: string, filter: CorrectiveActionFilter) {
    let query = this.db.selectFrom('corrective_actions').where('org_id', '=', orgId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    if (filter.sourceKind) query = query.where('source_kind', '=', filter.sourceKind);
    if (filter.sourceId) query = query.where('source_id', '=', filter.sourceId);
    if (filter.incident) query = query.where('incident_id', '=', filter.incident);
    if (filter.owner) query = query.where(sql<boolean>`owner ilike ${contains(filter.owner)}`);
    if (filter.q) {
      const pattern = contains(filter.q);
      query = query.where(sql<boolean>`(title ilike ${pattern} or description ilike ${pattern} or root_cause ilike ${pattern})`);
    }
    if (filter.overdue) {
      const late = sql<boolean>`(due < ${filter.overdue.today} and status in ('open', 'inProgress'))`;
      query = query.where(filter.overdue.value ? late : sql<boolean>`not coalesce(${late}, false)`);
    }
    return query;
  }

  /** A page of the actions that pass the filter, the latest due first to come (no due date last), and their total. */
  async list(
    orgId: string,
    filter: CorrectiveActionFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: CorrectiveActionRecord[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.filtered(orgId, filter)
        .selectAll()
        .orderBy(sql`due asc nulls last`)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .offset(page.offset)
        .limit(page.limit)
        .execute(),
      this.filtered(orgId, filter)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toAction), total: Number(count.n) };
  }

  /** How many actions of the organisation are in each status, and how many are overdue on `today`. */
  async counts(orgId: string, today: string): Promise<Record<ActionStatus | 'overdue', number>> {
    const rows = await this.db
      .selectFrom('corrective_actions')
      .select([
        'status',
        (eb) => eb.fn.countAll<string>().as('n'),
        sql<string>`count(*) filter (where due < ${today} and status in ('open', 'inProgress'))`.as('late'),
      ])
      .where('org_id', '=', orgId)
      .groupBy('status')
      .execute();
    const counts = { open: 0, inProgress: 0, done: 0, verified: 0, cancelled: 0, overdue: 0 };
    for (const row of rows) {
      counts[row.status] = Number(row.n);
      counts.overdue += Number(row.late);
    }
    return counts;
  }

  async get(orgId: string, id: string, options: { lock?: boolean } = {}): Promise<CorrectiveActionRecord | undefined> {
    let query = this.db.selectFrom('corrective_actions').selectAll().where('org_id', '=', orgId).where('id', '=', id);
    if (options.lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toAction(row) : undefined;
  }

  async update(orgId: string, id: string, fields: CorrectiveActionFields, now: Date): Promise<void> {
    const set: Record<string, unknown> = { updated_at: now };
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) set[COLUMNS[key as keyof CorrectiveActionFields]] = value;
    await this.db.updateTable('corrective_actions').set(set).where('org_id', '=', orgId).where('id', '=', id).execute();
  }

  /** The titles of the incidents these actions come from, by id. */
  async incidentTitles(orgId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('incidents')
      .select(['id', 'title'])
      .where('org_id', '=', orgId)
      .where('id', 'in', [...ids])
      .execute();
    return new Map(rows.map((row) => [row.id, row.title]));
  }
}
