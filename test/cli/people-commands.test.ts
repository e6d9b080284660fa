// `rempart people import | export` in-process on the test database (embedded, or PostgreSQL with DATABASE_URL), and as
// a real process for what a user sees when a file is refused: one line, the problems, a non-zero exit, no stack trace.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPeopleCommands } from '../../src/cli/people-commands.js';
import { RempartError } from '../../src/errors.js';
import { loadDemo } from '../../src/operations/demo.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { runRempart, runCommandsInProcess } from '../support/cli.js';
import { createTestDatabase } from '../support/database.js';

let database: DatabaseHandle;
let folder: string;
beforeAll(async () => {
  database = await createTestDatabase();
  folder = await mkdtemp(join(tmpdir(), 'rempart-people-'));
  await loadDemo(database.db, 'demo');
});
afterAll(async () => {
  await database?.close();
  await rm(folder, { recursive: true, force: true });
});

/** Runs `rempart …args` against the test database and returns what it printed. */
function rempart(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return runCommandsInProcess(registerPeopleCommands, database, args);
}

async function directory(): Promise<string[]> {
  const rows = await database.db.selectFrom('people').select(['id', 'email', 'site']).where('org_id', '=', 'demo').orderBy('id').execute();
  return rows.map((row) => `${row.id} ${row.email} ${row.site}`);
}

describe('rempart people', () => {
  it('exports the demo directory as CSV and XLSX, and imports both back unchanged', async () => {
    const before = await directory();
    expect(before).toHaveLength(1204);
    for (const format of ['csv', 'xlsx']) {
      const file = join(folder, `people.${format}`);
      const exported = await rempart('people', 'export', '--org', 'demo', '--output', file);
      expect(exported.stderr).toBe(`Wrote the people directory of demo to ${file}.\n`);
      expect((await readFile(file)).length).toBeGreaterThan(10_000);
      const imported = await rempart('people', 'import', file, '--org', 'demo', '--replace');
      expect(imported.stdout).toBe('Imported 1204 people into demo: 0 new, 0 changed, 1204 unchanged, 0 removed; the directory holds 1204.\n');
    }
    const semicolon = join(folder, 'semicolon.csv');
    await rempart('people', 'export', '--format', 'csv', '--separator', 'semicolon', '-o', semicolon);
    expect((await readFile(semicolon, 'utf8')).split('\r\n')[0]).toBe('\uFEFFid;name;email;mobile;language;site;activities;remote_capable');
    expect(await directory()).toEqual(before);
  });

  it('adds and changes people (upsert), then replaces the directory with a file (--replace)', async () => {
    const file = join(folder, 'two.csv');
    await writeFile(
      file,
      'id,name,email,mobile,language,site,activities,remote_capable\r\nE10001,Renamed,renamed@demo.rempart.example,,fr,lyon,claims-fnol,no\r\nNEW1,New Hire,new.hire@demo.rempart.example,+33639989999,en,paris,,yes\r\n',
    );
    const upsert = await rempart('people', 'import', file, '--org', 'demo');
    expect(upsert.stdout).toBe('Imported 2 people into demo: 1 new, 1 changed, 0 unchanged; the directory holds 1205.\n');
    const replace = await rempart('people', 'import', file, '--org', 'demo', '--replace');
    expect(replace.stdout).toBe('Imported 2 people into demo: 0 new, 0 changed, 2 unchanged, 1203 removed; the directory holds 2.\n');
    expect(await directory()).toEqual(['E10001 renamed@demo.rempart.example lyon', 'NEW1 new.hire@demo.rempart.example paris']);
  });

  it('refuses a bad file with every problem, prefixed by the file name, and writes nothing', async () => {
    const before = await directory();
    const file = join(folder, 'bad.csv');
    await writeFile(file, 'id,name,email,mobile,language,address\r\nB1,Bad,,06 12 34 56 78,fr,1 rue de la Paix\r\n');
    const error = await rempart('people', 'import', file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RempartError);
    expect((error as RempartError).message).toBe(`${file}: The spreadsheet has 1 problem(s); nothing was imported.`);
    expect((error as RempartError).details).toEqual([expect.objectContaining({ row: 1, column: 'address', rule: 'not_kept' })]);
    const wrongType = await rempart('people', 'import', join(folder, 'people.json')).catch((caught: unknown) => caught);
    expect((wrongType as RempartError).details[0]).toMatchObject({ path: 'FILE', rule: 'extension' });
    expect(await directory()).toEqual(before);
  });

  it('prints one line and the problems, exits non-zero and shows no stack trace, as a real process', { timeout: 120_000 }, async () => {
    const data = join(folder, 'data');
    const file = join(folder, 'refused.csv');
    await writeFile(file, 'id,name,email,language,birth date\r\nB1,Bad,bad@example.com,xx,1980-01-01\r\n');
    const missing = await runRempart(['people', 'import', join(folder, 'absent.csv'), '--data', data]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toEqual([
      `error (not_found): Cannot read ${join(folder, 'absent.csv')}: no such file or folder.`,
      `  FILE: no such file [exists] (value: "${join(folder, 'absent.csv')}")`,
    ]);
    const refused = await runRempart(['people', 'import', file, '--data', data]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error \((not_found|invalid_input)\): /);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const exported = await runRempart(['people', 'export', '--data', join(folder, 'nowhere')]);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toMatch(/^error \(not_found\): No Rempart database in /);
    expect(exported.stderr).not.toMatch(/\n\s+at /);
  });
});
