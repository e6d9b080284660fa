// The migration runner applies our set once and refuses a database whose history is not a prefix of it.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RempartError } from '../../src/errors.js';
import { migrate, type DatabaseHandle } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { createTestDatabase } from '../support/database.js';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

it('has applied every migration, and applying again does nothing', async () => {
  const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db);
  expect(applied.rows.map((row) => row.name)).toEqual(Object.keys(MIGRATIONS));
  expect(await migrate(database.db)).toEqual([]);
});

it('refuses a history with a migration this version does not know', async () => {
  await sql`insert into kysely_migration (name, timestamp) values ('2020-01-01T0000-from-another-branch', now())`.execute(database.db);
  const error = await migrate(database.db).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RempartError);
  expect((error as RempartError).code).toBe('migration_mismatch');
  await sql`delete from kysely_migration where name = '2020-01-01T0000-from-another-branch'`.execute(database.db);
});
