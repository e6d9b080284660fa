// Orientation records and surveillance settings. Rows stay in here: out go counts by cell, records in the official
// columns, and settings.
import { sql, type Kysely } from 'kysely';
import type { CellCount } from '../engine/surveillance.js';
import type { Database } from './schema.js';

export interface SurveillanceSettingsRecord {
  k: number;
  retentionDays: number;
  shareWithNetwork: boolean;
}

export const DEFAULT_SURVEILLANCE_SETTINGS: SurveillanceSettingsRecord = { k: 10, retentionDays: 90, shareWithNetwork: false };

export class SurveillanceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records counted by day and cell, summed over these organisations, days `from` to `to` included. */
  async counts(orgIds: readonly string[], from: string, to: string): Promise<CellCount[]> {
    if (orgIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('orientation_records')
      .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'department', 'orientation', 'age_range', sql<number>`count(*)::int`.as('count')])
      .where('org_id', 'in', orgIds)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .groupBy(['day', 'department', 'orientation', 'age_range'])
      .execute();
    return rows.map((row) => ({ day: row.day, department: row.department, orientation: row.orientation, ageRange: row.age_range, count: row.count }));
  }

  /** The organisation's records (the official data-sharing record each), oldest first. */
  async records(orgId: string, from: string, to: string): Promise<Array<Record<string, string>>> {
    const rows = await this.db
      .selectFrom('orientation_records')
      .select(['record'])
      .where('org_id', '=', orgId)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .orderBy('day')
      .orderBy('id')
      .execute();
    return rows.map((row) => row.record as Record<string, string>);
  }

  async settings(orgId: string): Promise<SurveillanceSettingsRecord> {
    const row = await this.db.selectFrom('surveillance_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();
    return row ? { k: row.k, retentionDays: row.retention_days, shareWithNetwork: row.share_with_network } : { ...DEFAULT_SURVEILLANCE_SETTINGS };
  }

  async setSettings(orgId: string, settings: SurveillanceSettingsRecord): Promise<void> {
    const values = { k: settings.k, retention_days: settings.retentionDays, share_with_network: settings.shareWithNetwork };
    await this.db
      .insertInto('surveillance_settings')
      .values({ org_id: orgId, ...values })
      .onConflict((conflict) => conflict.column('org_id').doUpdateSet(values))
      .execute();
  }

  /** The organisations that share their aggregates with the deployment's network, with their k. */
  async network(): Promise<Array<{ orgId: string; k: number }>> {
    const rows = await this.db.selectFrom('surveillance_settings').select(['org_id', 'k']).where('share_with_network', '=', true).execute();
    return rows.map((row) => ({ orgId: row.org_id, k: row.k }));
  }

  /** Deletes the records older than each organisation's retention (the default where it set none), as of `today`. */
  async purgeExpired(today: string): Promise<number> {
    const result = await sql`
      delete from orientation_records r
      where r.day < ${today}::date - coalesce((select s.retention_days from surveillance_settings s where s.org_id = r.org_id), ${DEFAULT_SURVEILLANCE_SETTINGS.retentionDays})
    `.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }
}
