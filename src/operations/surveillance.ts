// Surveillance of an organisation's completed orientation questionnaires: daily aggregates published with small-cell
// suppression, the records in the official data-sharing columns (the organisation's own export), the aggregates as
// their own CSV, settings (k, retention, sharing with the network), the network view and the retention purge.
import type { Kysely } from 'kysely';
import { SHARING_COLUMNS } from '../engine/orientation.js';
import { publishDays, type SurveillanceDay } from '../engine/surveillance.js';
import { RempartError } from '../errors.js';
import { DEFAULT_SURVEILLANCE_SETTINGS, SurveillanceRepository, type SurveillanceSettingsRecord } from '../store/surveillance-repository.js';
import type { Database } from '../store/schema.js';
import { recordAudit } from './audit.js';

const DAY = 24 * 60 * 60 * 1000;
/** The longest period one request may cover. */
export const MAX_SPAN_DAYS = 366;
/** The period when none is asked: the last 30 days. */
const DEFAULT_SPAN_DAYS = 30;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The days asked for, `from` and `to` included: the last 30 days by default, a year at most. */
export function period(query: { from?: string; to?: string }, now: number): { from: string; to: string } {
  const to = query.to ?? isoDay(now);
  const from = query.from ?? isoDay(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_SPAN_DAYS - 1) * DAY);
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY;
  if (span < 0)
    throw new RempartError('invalid_input', '`from` comes after `to`.', [{ path: 'query.from', rule: 'order', value: from, message: `on or before ${to}` }]);
  if (span >= MAX_SPAN_DAYS)
    throw new RempartError('invalid_input', `A period covers ${MAX_SPAN_DAYS} days at most.`, [
      { path: 'query.from', rule: 'span', value: from, message: `at most ${MAX_SPAN_DAYS} days before to` },
    ]);
  return { from, to };
}

export async function surveillanceView(
  db: Kysely<Database>,
  orgId: string,
  range: { from: string; to: string },
): Promise<{ k: number; from: string; to: string; days: SurveillanceDay[] }> {
  const repository = new SurveillanceRepository(db);
  const { k } = await repository.settings(orgId);
  return { k, ...range, days: publishDays(await repository.counts([orgId], range.from, range.to), k) };
}

/**
 * The deployment's network: the organisations that opted in, their records counted together and suppressed with the
 * largest k any of them asked for (each is protected at least as it asked).
 */
export async function networkView(
  db: Kysely<Database>,
  range: { from: string; to: string },
): Promise<{ organisations: number; k: number; from: string; to: string; days: SurveillanceDay[] }> {
  const repository = new SurveillanceRepository(db);
  const members = await repository.network();
  const k = Math.max(DEFAULT_SURVEILLANCE_SETTINGS.k, ...members.map((member) => member.k));
  const counts = await repository.counts(
    members.map((member) => member.orgId),
    range.from,
    range.to,
  );
  return { organisations: members.length, k, ...range, days: publishDays(counts, k) };
}

const csvCell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const csvLine = (cells: readonly string[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** The organisation's records as the official data-sharing CSV (schema.json's columns, in order). */
export async function recordsCsv(db: Kysely<Database>, orgId: string, range: { from: string; to: string }): Promise<string> {
  const records = await new SurveillanceRepository(db).records(orgId, range.from, range.to);
  return csvLine(SHARING_COLUMNS) + records.map((record) => csvLine(SHARING_COLUMNS.map((column) => record[column] ?? ''))).join('');
}

/**
 * The published aggregates as CSV, one figure a line: `level` says which (cell, department, orientation, age_range,
 * total); a hidden figure has an empty count and `suppressed` true.
 */
export function aggregatesCsv(view: { days: SurveillanceDay[] }): string {
  const lines = [csvLine(['day', 'level', 'department', 'orientation', 'age_range', 'count', 'suppressed'])];
  const line = (
    day: string,
    level: string,
    department: string | null | undefined,
    orientation: string | undefined,
    ageRange: string | undefined,
    count: number | null,
  ) => lines.push(csvLine([day, level, department ?? '', orientation ?? '', ageRange ?? '', count === null ? '' : String(count), String(count === null)]));
  for (const day of view.days) {
    line(day.day, 'total', undefined, undefined, undefined, day.total);
    for (const entry of day.byDepartment) line(day.day, 'department', entry.department, undefined, undefined, entry.count);
    for (const entry of day.byOrientation) line(day.day, 'orientation', undefined, entry.orientation, undefined, entry.count);
    for (const entry of day.byAgeRange) line(day.day, 'age_range', undefined, undefined, entry.ageRange, entry.count);
    for (const cell of day.cells) line(day.day, 'cell', cell.department, cell.orientation, cell.ageRange, cell.count);
  }
  return lines.join('');
}

export async function readSurveillanceSettings(db: Kysely<Database>, orgId: string): Promise<SurveillanceSettingsRecord> {
  return new SurveillanceRepository(db).settings(orgId);
}

export async function updateSurveillanceSettings(
  db: Kysely<Database>,
  orgId: string,
  settings: SurveillanceSettingsRecord,
  now: number,
): Promise<SurveillanceSettingsRecord> {
  return db.transaction().execute(async (trx) => {
    const repository = new SurveillanceRepository(trx);
    const before = await repository.settings(orgId);
    await repository.setSettings(orgId, settings);
    await recordAudit(
      trx,
      { org: orgId, action: 'update', entityType: 'surveillance', entityId: null, before: { ...before }, after: { ...settings } },
      new Date(now),
    );
    return settings;
  });
}

/** Deletes the records past each organisation's retention. */
export async function purgeExpiredRecords(db: Kysely<Database>, now: number): Promise<number> {
  return new SurveillanceRepository(db).purgeExpired(isoDay(now));
}
