// Exercises in the database: one row per exercise of an organisation, its lists (participants, objectives,
// injects, notes) and results as JSON. Writers of one exercise queue on its row (`get(..., {lock})`).
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AlertAudience, AlertChannel } from '../model/alert.js';
import type { ExerciseKind } from '../model/exercise.js';
import type { Database, ExercisesTable } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface InjectRecord {
  id: string;
  at: number;
  message: string;
  to?: string;
  audience?: AlertAudience;
  channels?: AlertChannel[];
  sentAt?: string;
  /** The alert that took it to the players. */
  alert?: string;
}
export interface ObjectiveRecord {
  id: string;
  text: string;
  met?: boolean;
  note?: string;
}
export interface ExerciseResults {
  summary: string | null;
  recovery: Array<{
    activity: string;
    name: string;
    rto: number;
    recoveryHours: number | null;
    rtoMet: boolean | null;
    measuredBy: 'incident' | 'simulation' | 'observers';
  }>;
  lessons: Array<{ text: string; correctiveAction: string | null }>;
}

export interface ExerciseRecord {
  id: string;
  title: string;
  kind: ExerciseKind;
  status: 'planned' | 'running' | 'completed' | 'cancelled';
  description: string | null;
  location: string | null;
  scheduledAt: Date;
  durationMinutes: number;
  scenario: string | null;
  activities: string[];
  participants: Array<{ name: string; role?: string }>;
  objectives: ObjectiveRecord[];
  injects: InjectRecord[];
  notes: Array<{ at: string; author: string; text: string }>;
  incident: string | null;
  run: string | null;
  results: ExerciseResults | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

function toExercise(row: Selectable<ExercisesTable>): ExerciseRecord {
  return {
    id: row.id,
    title: row.title,
    kind: row.kind,
    status: row.status,
    description: row.description,
    location: row.location,
    scheduledAt: new Date(row.scheduled_at),
    durationMinutes: row.duration_minutes,
    scenario: row.scenario_id,
    activities: row.activities,
    participants: row.participants as ExerciseRecord['participants'],
    objectives: row.objectives as ObjectiveRecord[],
    injects: row.injects as InjectRecord[],
    notes: row.notes as ExerciseRecord['notes'],
    incident: row.incident_id,
    run: row.run_id,
    results: (row.results as ExerciseResults | null) ?? null,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    startedAt: row.started_at ? new Date(row.started_at) : null,
    completedAt: row.completed_at ? new Date(row.completed_at) : null,
  };
}

/** The columns a write may set, by field. */
export type ExerciseFields = Partial<Omit<ExerciseRecord, 'id' | 'createdAt' | 'updatedAt'>>;

function columns(fields: ExerciseFields): Record<string, unknown> {
  const json = (value: unknown) => (value === undefined ? undefined : value === null ? null : JSON.stringify(value));
  const all: Record<string, unknown> = {
    title: fields.title,
    kind: fields.kind,
    status: fields.status,
    description: fields.description,
    location: fields.location,
    scheduled_at: fields.scheduledAt,
    duration_minutes: fields.durationMinutes,
    scenario_id: fields.scenario,
    activities: fields.activities,
    participants: json(fields.participants),
    objectives: json(fields.objectives),
    injects: json(fields.injects),
    notes: json(fields.notes),
    incident_id: fields.incident,
    run_id: fields.run,
    results: json(fields.results),
    created_by: fields.createdBy,
    started_at: fields.startedAt,
    completed_at: fields.completedAt,
  };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
}

export class ExerciseRepository {
  constructor(private readonly db: Executor) {}

  async insert(orgId: string, fields: ExerciseFields, now: Date): Promise<string> {
    const row = await this.db
      .insertInto('exercises')
      .values({ ...columns(fields), org_id: orgId, created_at: now, updated_at: now } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async get(orgId: string, id: string, options: { lock?: boolean } = {}): Promise<ExerciseRecord | undefined> {
    let query = this.db.selectFrom('exercises').selectAll().where('org_id', '=', orgId).where('id', '=', id);
    if (options.lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toExercise(row) : undefined;
  }

  async update(orgId: string, id: string, fields: ExerciseFields, now: Date): Promise<void> {
    await this.db
      .updateTable('exercises')
      .set({ ...columns(fields), updated_at: now } as never)
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  /** The programme in schedule order, filtered. */
  async list(orgId: string, filter: { status?: ExerciseRecord['status']; kind?: ExerciseKind; from?: Date; to?: Date } = {}): Promise<ExerciseRecord[]> {
    let query = this.db.selectFrom('exercises').selectAll().where('org_id', '=', orgId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    if (filter.from) query = query.where('scheduled_at', '>=', filter.from);
    if (filter.to) query = query.where('scheduled_at', '<', filter.to);
    return (await query.orderBy('scheduled_at').orderBy('id').execute()).map(toExercise);
  }

  /** The titles of these exercises, by id. */
  async titles(orgId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('exercises')
      .select(['id', 'title'])
      .where('org_id', '=', orgId)
      .where('id', 'in', [...ids])
      .execute();
    return new Map(rows.map((row) => [row.id, row.title]));
  }
}
