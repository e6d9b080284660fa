// Names for the entities of audit entries: people read "Claims handling" or "Claire Morel", not a UUID. A name comes
// from the entry itself (what it recorded before or after the change) or, for entries that recorded none (a run
// cancelled, a member removed long ago), from what the organisation holds today.
import type { Kysely } from 'kysely';
import type { AuditEntry } from '../model/account.js';
import type { Database } from '../store/schema.js';

type Language = 'en' | 'fr';
type Snapshot = Record<string, unknown>;

const TABLES = {
  site: 'sites',
  pool: 'pools',
  application: 'applications',
  supplier: 'suppliers',
  activity: 'activities',
  strategy: 'strategies',
  scenario: 'scenarios',
} as const;

export const entityKey = (type: string, id: string | null) => `${type}/${id ?? ''}`;

// Accounts, tokens and runs have UUIDs: anything else cannot name one, and PostgreSQL refuses to compare it with one.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function named(doc: unknown, language: Language): string | undefined {
  if (!doc || typeof doc !== 'object') return undefined;
  const value = doc as Snapshot;
  const names = value.names as { en?: string; fr?: string } | undefined;
  const text = names?.[language] ?? value.name ?? value.title ?? value.displayName ?? value.email ?? value.label;
  return typeof text === 'string' && text.trim() ? text : undefined;
}

/** Each entry's entity name (null when nothing names it), keyed by `entityKey`. */
export async function auditEntityNames(db: Kysely<Database>, orgId: string, entries: readonly AuditEntry[], language: Language): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const runScenarios = new Map<string, string[]>();
  for (const entry of entries) {
    if (!entry.entity.id) continue;
    const key = entityKey(entry.entity.type, entry.entity.id);
    if (entry.entity.type === 'run') {
      const scenarios = ((entry.after ?? entry.before) as Snapshot | null)?.scenarios;
      if (Array.isArray(scenarios)) runScenarios.set(entry.entity.id, scenarios.map(String));
      continue;
    }
    if (!found.has(key)) {
      const name = named(entry.after, language) ?? named(entry.before, language);
      if (name) found.set(key, name);
    }
  }
  const missing = (type: string) => [
    ...new Set(
      entries.filter((entry) => entry.entity.type === type && entry.entity.id && !found.has(entityKey(type, entry.entity.id))).map((e) => e.entity.id!),
    ),
  ];

  for (const [type, table] of Object.entries(TABLES)) {
    const ids = missing(type);
    if (ids.length === 0) continue;
    const rows = await db.selectFrom(table).select(['id', 'name', 'doc']).where('org_id', '=', orgId).where('id', 'in', ids).execute();
    for (const row of rows) found.set(entityKey(type, row.id), named(row.doc, language) ?? row.name ?? row.id);
  }
  const members = [...new Set([...missing('member'), ...missing('user')])].filter((id) => UUID.test(id));
  if (members.length > 0) {
    const rows = await db
      .selectFrom('users')
      .leftJoin('memberships', (join) => join.onRef('memberships.user_id', '=', 'users.id').on('memberships.org_id', '=', orgId))
      .select(['users.id', 'users.email', 'memberships.display_name'])
      .where('users.id', 'in', members)
      .execute();
    for (const row of rows) {
      const name = row.display_name ? `${row.display_name} <${row.email}>` : row.email;
      found.set(entityKey('member', row.id), name);
      found.set(entityKey('user', row.id), name);
    }
  }
  const organisations = [...new Set([...missing('organisation'), ...missing('model'), ...missing('security')])];
  if (organisations.length > 0) {
    const rows = await db.selectFrom('organisations').select(['id', 'name', 'doc']).where('id', 'in', organisations).execute();
    for (const row of rows) for (const type of ['organisation', 'model', 'security']) found.set(entityKey(type, row.id), named(row.doc, language) ?? row.name);
  }
  const tokens = missing('token').filter((id) => UUID.test(id));
  if (tokens.length > 0) {
    const rows = await db.selectFrom('api_tokens').select(['id', 'name']).where('org_id', '=', orgId).where('id', 'in', tokens).execute();
    for (const row of rows) found.set(entityKey('token', row.id), row.name);
  }

  // A run is named by its scenarios, read from the entry or from the run itself.
  const runs = missing('run').filter((id) => !runScenarios.has(id) && UUID.test(id));
  if (runs.length > 0) {
    const rows = await db.selectFrom('scenario_runs').select(['id', 'scenario_ids']).where('org_id', '=', orgId).where('id', 'in', runs).execute();
    for (const row of rows) runScenarios.set(row.id, row.scenario_ids);
  }
  const scenarioIds = [...new Set([...runScenarios.values()].flat())];
  const scenarioNames = new Map<string, string>();
  if (scenarioIds.length > 0) {
    const rows = await db.selectFrom('scenarios').select(['id', 'name', 'doc']).where('org_id', '=', orgId).where('id', 'in', scenarioIds).execute();
    for (const row of rows) scenarioNames.set(row.id, named(row.doc, language) ?? row.name ?? row.id);
  }
  for (const [run, scenarios] of runScenarios) found.set(entityKey('run', run), scenarios.map((id) => scenarioNames.get(id) ?? id).join(', '));
  return found;
}
