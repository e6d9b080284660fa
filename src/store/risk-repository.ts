// The risk register of each organisation (its threats, matrix, risks and assessment history); every query is scoped by organisation.
import { sql, type ColumnType, type Generated, type Kysely, type Transaction } from 'kysely';
import type { AssessmentReason, AssetType, Rating, Risk, RiskMatrix, Threat } from '../model/risk.js';
import type { Database } from './schema.js';

type Json = ColumnType<unknown, string, string>;

/** Row types of the risk tables; they never leave the store. */
export interface RiskTables {
  org_threats: { org_id: string; id: string; position: number; name: string; family: string; doc: Json; updated_at: Generated<Date> };
  risk_matrices: { org_id: string; doc: Json; updated_at: Generated<Date> };
  risks: {
    org_id: string;
    id: string;
    position: number;
    title: string;
    threat: string;
    inherent_score: number;
    residual_score: number;
    doc: Json;
    assessed_at: Date | null;
    assessed_by: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  risk_assessments: {
    org_id: string;
    risk_id: string;
    seq: number;
    assessed_at: Generated<Date>;
    assessed_by: string | null;
    reason: string;
    inherent_likelihood: number;
    inherent_impact: number;
    residual_likelihood: number;
    residual_impact: number;
  };
}

type RiskDatabase = Database & RiskTables;
type Executor = Kysely<Database> | Transaction<Database>;

/** A risk as stored, with its latest assessment. */
export interface StoredRisk {
  risk: Risk;
  assessedAt: string | null;
  assessedBy: string | null;
}

/** One row of a risk's history: who rated it, when, why, and the ratings. */
export interface AssessmentRecord {
  seq: number;
  at: string;
  by: string | null;
  reason: AssessmentReason;
  inherent: Rating;
  residual: Rating;
}

export interface NewAssessment {
  riskId: string;
  by: string | null;
  reason: AssessmentReason;
  inherent: Rating;
  residual: Rating;
}

export type RiskSort = 'position' | 'id' | 'title' | 'severity';

export interface RiskQuery {
  limit: number;
  cursor?: string;
  /** Case-insensitive search in id and title. */
  q?: string;
  sort: RiskSort;
  /** Only risks of these threats (a family filter, resolved by the caller). */
  threats?: readonly string[];
  assetType?: AssetType;
  assetId?: string;
  /** Only risks whose inherent score lies in `[min, max]`. */
  inherentScore?: { min: number; max: number };
  /** Only risks whose residual score lies in `[min, max]`. */
  residualScore?: { min: number; max: number };
}

export interface RiskPage {
  items: StoredRisk[];
  nextCursor: string | null;
  total: number;
}

function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string): unknown[] | undefined {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(values) ? values : undefined;
  } catch {
    return undefined;
  }
}

/** True when the cursor came from a page of the register with this sort. */
export function isValidRiskCursor(cursor: string, sort: RiskSort): boolean {
  const values = decodeCursor(cursor);
  if (!values) return false;
  if (sort === 'position') return values.length === 1 && Number.isInteger(values[0]);
  if (sort === 'id') return values.length === 1 && typeof values[0] === 'string';
  if (sort === 'title') return values.length === 2 && typeof values[0] === 'string' && typeof values[1] === 'string';
  return values.length === 3 && Number.isInteger(values[0]) && Number.isInteger(values[1]) && typeof values[2] === 'string';
}

function toStored(row: { doc: unknown; assessed_at: Date | null; assessed_by: string | null }): StoredRisk {
  return { risk: row.doc as Risk, assessedAt: row.assessed_at ? new Date(row.assessed_at).toISOString() : null, assessedBy: row.assessed_by };
}

function riskRow(risk: Risk) {
  return {
    id: risk.id,
    title: risk.title,
    threat: risk.threat,
    inherent_score: risk.inherent.likelihood * risk.inherent.impact,
    residual_score: risk.residual.likelihood * risk.residual.impact,
    doc: JSON.stringify(risk),
  };
}

export class RiskRepository {
  private readonly db: Kysely<RiskDatabase>;

  constructor(db: Executor) {
    // The risk tables are declared here rather than in schema.ts so that this aggregate stays in one file.
    this.db = db as unknown as Kysely<RiskDatabase>;
  }

  // -------------------------------------------------------------------------------------------------------------------
  // Matrix

  async getMatrix(orgId: string): Promise<RiskMatrix | undefined> {
    const row = await this.db.selectFrom('risk_matrices').select('doc').where('org_id', '=', orgId).executeTakeFirst();
    return row ? (row.doc as RiskMatrix) : undefined;
  }

  async saveMatrix(orgId: string, matrix: RiskMatrix): Promise<void> {
    await this.db
      .insertInto('risk_matrices')
      .values({ org_id: orgId, doc: JSON.stringify(matrix) })
      .onConflict((oc) => oc.column('org_id').doUpdateSet({ doc: JSON.stringify(matrix), updated_at: sql`now()` }))
      .execute();
  }

  // -------------------------------------------------------------------------------------------------------------------
  // Organisation threats

  async listThreats(orgId: string): Promise<Threat[]> {
    const rows = await this.db.selectFrom('org_threats').select('doc').where('org_id', '=', orgId).orderBy('position').execute();
    return rows.map((row) => row.doc as Threat);
  }

  async getThreat(orgId: string, id: string): Promise<Threat | undefined> {
    const row = await this.db.selectFrom('org_threats').select('doc').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return row ? (row.doc as Threat) : undefined;
  }

  async insertThreat(orgId: string, threat: Threat): Promise<void> {
    await this.db
      .insertInto('org_threats')
      .values((eb) => ({
        org_id: orgId,
        id: threat.id,
        position: eb
          .selectFrom('org_threats')
          .select(sql<number>`coalesce(max(position), -1) + 1`.as('next'))
          .where('org_id', '=', orgId),
        name: threat.name,
        family: threat.family,
        doc: JSON.stringify(threat),
      }))
      .execute();
  }

  async replaceThreat(orgId: string, id: string, threat: Threat): Promise<void> {
    await this.db
      .updateTable('org_threats')
      .set({ id: threat.id, name: threat.name, family: threat.family, doc: JSON.stringify(threat), updated_at: sql`now()` })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  async deleteThreat(orgId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('org_threats').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Ids of the risks that name this threat, in register order. */
  async risksOfThreat(orgId: string, threatId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('risks').select('id').where('org_id', '=', orgId).where('threat', '=', threatId).orderBy('position').execute();
    return rows.map((row) => row.id);
  }

  // -------------------------------------------------------------------------------------------------------------------
  // Risks

  async listRisks(orgId: string, page: RiskQuery): Promise<RiskPage> {
    let query = this.db.selectFrom('risks').where('org_id', '=', orgId);
    if (page.q) {
      const pattern = `%${page.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb('id', 'ilike', pattern), eb('title', 'ilike', pattern)]));
    }
    if (page.threats) {
      const threats = [...page.threats];
      query = threats.length > 0 ? query.where('threat', 'in', threats) : query.where(sql<boolean>`false`);
    }
    if (page.assetType !== undefined || page.assetId !== undefined) {
      // Containment of a partial object matches any asset having these fields, whatever the others.
      const wanted = JSON.stringify([{ ...(page.assetType ? { type: page.assetType } : {}), ...(page.assetId ? { id: page.assetId } : {}) }]);
      query = query.where(sql<boolean>`doc -> 'assets' @> ${wanted}::jsonb`);
    }
    if (page.inherentScore) query = query.where('inherent_score', '>=', page.inherentScore.min).where('inherent_score', '<=', page.inherentScore.max);
    if (page.residualScore) query = query.where('residual_score', '>=', page.residualScore.min).where('residual_score', '<=', page.residualScore.max);
    const counting = query.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
    const after = page.cursor ? decodeCursor(page.cursor) : undefined;
    let rows = query.select(['id', 'doc', 'position', 'title', 'inherent_score', 'residual_score', 'assessed_at', 'assessed_by']);
    if (page.sort === 'title') {
      if (after) rows = rows.where(sql<boolean>`(lower(title), id) > (${after[0]}, ${after[1]})`);
      rows = rows.orderBy(sql`lower(title)`).orderBy('id');
    } else if (page.sort === 'id') {
      if (after) rows = rows.where('id', '>', String(after[0]));
      rows = rows.orderBy('id');
    } else if (page.sort === 'severity') {
      // Most severe first: negated scores let one row comparison continue after the cursor.
      if (after) rows = rows.where(sql<boolean>`(-residual_score, -inherent_score, id) > (${-Number(after[0])}, ${-Number(after[1])}, ${after[2]})`);
      rows = rows.orderBy('residual_score', 'desc').orderBy('inherent_score', 'desc').orderBy('id');
    } else {
      if (after) rows = rows.where('position', '>', Number(after[0]));
      rows = rows.orderBy('position');
    }
    const found = await rows.limit(page.limit + 1).execute();
    const totalRow = await counting;
    const more = found.length > page.limit;
    const pageRows = more ? found.slice(0, page.limit) : found;
    const last = pageRows[pageRows.length - 1];
    let nextCursor: string | null = null;
    if (more && last) {
      if (page.sort === 'title') nextCursor = encodeCursor([last.title.toLowerCase(), last.id]);
      else if (page.sort === 'id') nextCursor = encodeCursor([last.id]);
      else if (page.sort === 'severity') nextCursor = encodeCursor([last.residual_score, last.inherent_score, last.id]);
      else nextCursor = encodeCursor([last.position]);
    }
    return { items: pageRows.map(toStored), nextCursor, total: Number(totalRow.total) };
  }

  /** The whole register in its stored order (heat map, attention lists, export). */
  async allRisks(orgId: string): Promise<StoredRisk[]> {
    const rows = await this.db.selectFrom('risks').select(['doc', 'assessed_at', 'assessed_by']).where('org_id', '=', orgId).orderBy('position').execute();
    return rows.map(toStored);
  }

  async getRisk(orgId: string, id: string): Promise<StoredRisk | undefined> {
    const row = await this.db
      .selectFrom('risks')
      .select(['doc', 'assessed_at', 'assessed_by'])
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toStored(row) : undefined;
  }

  async insertRisk(orgId: string, risk: Risk): Promise<void> {
    await this.db
      .insertInto('risks')
      .values((eb) => ({
        org_id: orgId,
        ...riskRow(risk),
        position: eb
          .selectFrom('risks')
          .select(sql<number>`coalesce(max(position), -1) + 1`.as('next'))
          .where('org_id', '=', orgId),
      }))
      .execute();
  }

  /** Replaces a risk, renaming it when the id differs (its history follows through the foreign key). */
  async replaceRisk(orgId: string, id: string, risk: Risk): Promise<void> {
    await this.db
      .updateTable('risks')
      .set({ ...riskRow(risk), updated_at: sql`now()` })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  async deleteRisk(orgId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('risks').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteAllRisks(orgId: string): Promise<void> {
    await this.db.deleteFrom('risks').where('org_id', '=', orgId).execute();
  }

  /**
   * Inserts new risks after the existing ones and replaces those whose id exists, keeping their place, in one
   * statement per 5,000 risks: the rows travel as one JSON parameter.
   */
  async upsertRisks(orgId: string, risks: readonly Risk[]): Promise<void> {
    const start = await this.db
      .selectFrom('risks')
      .select(sql<number>`coalesce(max(position), -1) + 1`.as('next'))
      .where('org_id', '=', orgId)
      .executeTakeFirstOrThrow();
    const chunk = 5000;
    for (let offset = 0; offset < risks.length; offset += chunk) {
      const rows = risks.slice(offset, offset + chunk).map((risk, index) => ({ ...riskRow(risk), doc: risk, position: start.next + offset + index }));
      await sql`
        insert into risks (org_id, id, position, title, threat, inherent_score, residual_score, doc)
        select ${orgId}, r.id, r.position, r.title, r.threat, r.inherent_score, r.residual_score, r.doc
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as r(id text, position integer, title text, threat text, inherent_score integer, residual_score integer, doc jsonb)
        on conflict (org_id, id) do update set title = excluded.title, threat = excluded.threat, inherent_score = excluded.inherent_score,
          residual_score = excluded.residual_score, doc = excluded.doc, updated_at = now()`.execute(this.db);
    }
  }

  /**
   * Appends one assessment per risk (at most one per risk in a call) and records it as the risk's latest.
   * The sequence number follows the risk's last one, so rows stay ordered even within one transaction.
   */
  async appendAssessments(orgId: string, assessments: readonly NewAssessment[]): Promise<void> {
    const chunk = 5000;
    for (let offset = 0; offset < assessments.length; offset += chunk) {
      const rows = assessments.slice(offset, offset + chunk).map((a) => ({
        risk_id: a.riskId,
        by: a.by,
        reason: a.reason,
        il: a.inherent.likelihood,
        ii: a.inherent.impact,
        rl: a.residual.likelihood,
        ri: a.residual.impact,
      }));
      const payload = JSON.stringify(rows);
      await sql`
        insert into risk_assessments (org_id, risk_id, seq, assessed_by, reason, inherent_likelihood, inherent_impact, residual_likelihood, residual_impact)
        select ${orgId}, r.risk_id,
          coalesce((select max(seq) from risk_assessments h where h.org_id = ${orgId} and h.risk_id = r.risk_id), 0) + 1,
          r.by, r.reason, r.il, r.ii, r.rl, r.ri
        from jsonb_to_recordset(${payload}::jsonb) as r(risk_id text, by text, reason text, il smallint, ii smallint, rl smallint, ri smallint)`.execute(
        this.db,
      );
      await sql`
        update risks set assessed_at = now(), assessed_by = r.by
        from jsonb_to_recordset(${payload}::jsonb) as r(risk_id text, by text)
        where risks.org_id = ${orgId} and risks.id = r.risk_id`.execute(this.db);
    }
  }

  async history(orgId: string, riskId: string): Promise<AssessmentRecord[]> {
    const rows = await this.db.selectFrom('risk_assessments').selectAll().where('org_id', '=', orgId).where('risk_id', '=', riskId).orderBy('seq').execute();
    return rows.map((row) => ({
      seq: row.seq,
      at: new Date(row.assessed_at).toISOString(),
      by: row.assessed_by,
      reason: row.reason as AssessmentReason,
      inherent: { likelihood: row.inherent_likelihood, impact: row.inherent_impact },
      residual: { likelihood: row.residual_likelihood, impact: row.residual_impact },
    }));
  }

  // -------------------------------------------------------------------------------------------------------------------
  // What risks may refer to

  /** Ids of the organisation's sites, activities, applications, suppliers and pools. */
  async assetIds(orgId: string): Promise<Record<AssetType, Set<string>>> {
    const tables = { site: 'sites', activity: 'activities', application: 'applications', supplier: 'suppliers', pool: 'pools' } as const;
    const entries = await Promise.all(
      (Object.keys(tables) as AssetType[]).map(async (type) => {
        const rows = await this.db
          .selectFrom(tables[type] as 'sites')
          .select('id')
          .where('org_id', '=', orgId)
          .execute();
        return [type, new Set(rows.map((row) => row.id))] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<AssetType, Set<string>>;
  }

  /** Ids of the organisation's own scenarios. */
  async scenarioIds(orgId: string): Promise<Set<string>> {
    const result = await sql<{ id: string }>`select id from scenarios where org_id = ${orgId}`.execute(this.db);
    return new Set(result.rows.map((row) => row.id));
  }
}
