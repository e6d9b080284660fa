// `rempart risks list | import | export` in-process on the test database (embedded, or PostgreSQL with DATABASE_URL).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRiskCommands } from '../../src/cli/risk-commands.js';
import { RempartError } from '../../src/errors.js';
import { loadDemo } from '../../src/operations/demo.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { runCommandsInProcess } from '../support/cli.js';
import { createTestDatabase } from '../support/database.js';

let database: DatabaseHandle;
let folder: string;
beforeAll(async () => {
  database = await createTestDatabase();
  folder = await mkdtemp(join(tmpdir(), 'rempart-risks-'));
  await loadDemo(database.db, 'demo');
});
afterAll(async () => {
  await database?.close();
  await rm(folder, { recursive: true, force: true });
});

/** Runs `rempart …args` against the test database and returns what it printed. */
function rempart(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return runCommandsInProcess(registerRiskCommands, database, args);
}

describe('rempart risks', () => {
  it('lists the demo register, most severe first, and as JSON', async () => {
    const { stdout } = await rempart('risks', 'list');
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+TITLE\s+THREAT\s+INHERENT\s+RESIDUAL\s+APPETITE\s+OWNER$/);
    // Residual 15 for both; ransomware's inherent 20 comes before the lockdown's 15.
    expect(lines[1]).toMatch(/^ransomware-core-systems\s.*4×5=20 critical\s+3×5=15 high\s+above, treated\s+Chief Information Security Officer$/);
    expect(lines[2]).toMatch(/^lockdown-remote-capacity\s.*3×5=15 high\s+3×5=15 high\s+above, treated\s+Caroline Dupont$/);
    expect(stdout).toMatch(/\nactuarial-key-staff\s.*ABOVE, untreated/);
    expect(stdout).toMatch(/20 risk\(s\); \d+ above appetite, \d+ of them without treatment\./);

    const json = JSON.parse((await rempart('risks', 'list', '--org', 'demo', '--json')).stdout);
    expect(json).toHaveLength(20);
    expect(json[0].computed.residual.score).toBeGreaterThanOrEqual(json[1].computed.residual.score);
    expect(json.find((risk: { id: string }) => risk.id === 'remote-access-attack').scenarios).toContain('pandemic-lockdown');
  });

  it('exports and imports the register again, unchanged', async () => {
    const before = (await rempart('risks', 'list', '--json')).stdout;
    for (const format of ['csv', 'xlsx']) {
      const file = join(folder, `register.${format}`);
      const exported = await rempart('risks', 'export', '-o', file);
      expect(exported.stderr).toContain(`to ${file}`);
      expect((await readFile(file)).length).toBeGreaterThan(100);
      const imported = await rempart('risks', 'import', file, '--by', 'CLI');
      expect(imported.stdout).toBe('Imported 20 risk(s) into demo: 0 new, 20 replaced (0 re-rated).\n');
    }
    expect((await rempart('risks', 'list', '--json')).stdout).toEqual(before);
  });

  it('refuses a bad file with every problem and writes nothing', async () => {
    const file = join(folder, 'bad.csv');
    await writeFile(
      file,
      'id,title,threat,inherent_likelihood,inherent_impact,residual_likelihood,residual_impact\nnew-one,New,fire,1,1,1,1\nbad,Bad,meteor,1,1,1,1\n',
    );
    const error = await rempart('risks', 'import', file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RempartError);
    expect((error as RempartError).message).toContain('bad.csv');
    expect((error as RempartError).details).toEqual([expect.objectContaining({ row: 3, column: 'threat', rule: 'unknown_reference', value: 'meteor' })]);
    expect(JSON.parse((await rempart('risks', 'list', '--json')).stdout)).toHaveLength(20);

    const wrong = await rempart('risks', 'import', join(folder, 'register.txt')).catch((e: unknown) => e);
    expect((wrong as RempartError).details[0]).toMatchObject({ path: 'FILE', rule: 'extension' });
  });
});
