// Roles are declared once (ROLES in src/model/account.ts); the CHECK constraints of old migrations must list the same.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/model/account.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { createTestDatabase } from '../support/database.js';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.close());

/** The quoted values of a constraint definition: `CHECK ((role = ANY (ARRAY['owner'::text, …])))` → ['owner', …]. */
function quoted(definition: string): string[] {
  return [...definition.matchAll(/'([^']*)'/g)].map((match) => match[1]);
}

describe('roles in the database', () => {
  it('every CHECK on a role column allows exactly ROLES', async () => {
    const { rows } = await sql<{ table: string; name: string; definition: string }>`
      select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as definition
      from pg_constraint where contype = 'c' and pg_get_constraintdef(oid) like '%(role %'
      order by 1, 2`.execute(database.db);
    // memberships, api_tokens and invitations hold a role each.
    expect(rows.length, JSON.stringify(rows)).toBeGreaterThanOrEqual(3);
    for (const row of rows) expect([...quoted(row.definition)].sort(), `${row.table}.${row.name}`).toEqual([...ROLES].sort());
  });

  it('reads the values of a definition (the check can fail)', () => {
    expect(quoted("CHECK ((role = ANY (ARRAY['owner'::text, 'auditor'::text])))")).toEqual(['owner', 'auditor']);
    expect(quoted("CHECK ((role = ANY (ARRAY['owner'::text])))").sort()).not.toEqual([...ROLES].sort());
  });
});
