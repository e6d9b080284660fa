// The organisation's status per ISO 22301 clause: only the clauses someone has touched have a row; the others are
// "not started".
import type { Kysely, Transaction } from 'kysely';
import type { ClauseStatus, EvidenceLink } from '../model/assurance.js';
import type { Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface ClauseRecord {
  clause: string;
  status: ClauseStatus;
  owner: string | null;
  notes: string | null;
  evidence: EvidenceLink[];
  updatedBy: string;
  updatedAt: Date;
}

export class ClauseRepository {
  constructor(private readonly db: Executor) {}

  async all(orgId: string): Promise<Map<string, ClauseRecord>> {
    const rows = await this.db.selectFrom('clause_statuses').selectAll().where('org_id', '=', orgId).execute();
    return new Map(
      rows.map((row) => [
        row.clause,
        {
          clause: row.clause,
          status: row.status,
          owner: row.owner,
          notes: row.notes,
          evidence: row.evidence as EvidenceLink[],
          updatedBy: row.updated_by,
          updatedAt: new Date(row.updated_at),
        },
      ]),
    );
  }

  async get(orgId: string, clause: string, options: { lock?: boolean } = {}): Promise<ClauseRecord | undefined> {
    let query = this.db.selectFrom('clause_statuses').selectAll().where('org_id', '=', orgId).where('clause', '=', clause);
    if (options.lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row
      ? {
          clause,
          status: row.status,
          owner: row.owner,
          notes: row.notes,
          evidence: row.evidence as EvidenceLink[],
          updatedBy: row.updated_by,
          updatedAt: new Date(row.updated_at),
        }
      : undefined;
  }

  async put(orgId: string, record: Omit<ClauseRecord, 'updatedAt'>, now: Date): Promise<void> {
    const values = {
      status: record.status,
      owner: record.owner,
      notes: record.notes,
      evidence: JSON.stringify(record.evidence),
      updated_by: record.updatedBy,
      updated_at: now,
    };
    await this.db
      .insertInto('clause_statuses')
      .values({ org_id: orgId, clause: record.clause, ...values })
      .onConflict((oc) => oc.columns(['org_id', 'clause']).doUpdateSet(values))
      .execute();
  }
}
