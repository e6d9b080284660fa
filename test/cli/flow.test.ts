// `rempart flow validate FILE…` as an author runs it: a real process, real files; every problem with its path.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { cliEntry } from '../support/cli-entry.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'rempart-flow-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function rempart(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...cliEntry(), ...args], {
      env: { ...process.env, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const text = (fr: string, en: string) => ({ fr, en });

// Each test starts the CLI (TypeScript through tsx): seconds on a quiet machine, far more on a loaded one.
describe('rempart flow validate', { timeout: 120_000 }, () => {
  it('accepts the shipped orientation flow', async () => {
    const result = await rempart('flow', 'validate', 'data/flows/orientation.json', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ file: 'data/flows/orientation.json', id: 'orientation', version: '2020-06-09.1', steps: 5 });
  });

  it('prints every problem with its path, rule and value, and exits 1', async () => {
    const file = join(folder, 'broken.json');
    await writeFile(
      file,
      JSON.stringify({
        id: 'broken',
        version: '1',
        title: text('Cassé', 'Broken'),
        languages: ['fr', 'en'],
        start: 'nowhere',
        steps: {
          a: [
            { say: { text: { fr: 'sans anglais' } } },
            { goto: 'b' },
            { ask: { type: 'number', var: 'n', prompt: text('?', '?'), min: 5, max: 1 } },
            { say: { text: { var: 'unset' } } },
          ],
        },
      }),
    );
    const result = await rempart('flow', 'validate', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error (invalid_input): 5 problem(s)');
    expect(result.stderr).toContain('  start: a step of this flow [unknown_step] (value: "nowhere")');
    expect(result.stderr).toContain('  steps.a[0].say.text.en: a text in en, as every language of the flow [language] (value: null)');
    expect(result.stderr).toContain('  steps.a[1].goto: a step of this flow [unknown_step] (value: "b")');
    expect(result.stderr).toContain('  steps.a[2].ask.min: at most max (1) [range] (value: 5)');
    expect(result.stderr).toContain('  steps.a[3].say.text.var: a variable some ask, set or call of this flow assigns [unknown_variable] (value: "unset")');
  });

  it('names the field of a schema problem inside an instruction, not "invalid input"', async () => {
    const file = join(folder, 'schema.json');
    await writeFile(
      file,
      JSON.stringify({
        id: 'schema',
        version: '1',
        title: text('a', 'b'),
        languages: ['fr', 'en'],
        start: 'a',
        steps: { a: [{ call: { fn: 'rm -rf', result: 'r' } }, { ask: { type: 'yesno', var: '1bad', prompt: text('?', '?') } }] },
      }),
    );
    const result = await rempart('flow', 'validate', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/steps\.a\[0\]\.call\.fn: .*\[invalid_value\] \(value: "rm -rf"\)/);
    expect(result.stderr).toMatch(/steps\.a\[1\]\.ask\.var: a name.*\[format\] \(value: "1bad"\)/);
    expect(result.stderr).not.toContain('invalid_union');
  });

  it('reads YAML as it reads JSON: the same flow, the same problems with their paths', async () => {
    const orientation = JSON.parse(readFileSync('data/flows/orientation.json', 'utf8'));
    const file = join(folder, 'orientation.yaml');
    await writeFile(file, stringify(orientation));
    const valid = await rempart('flow', 'validate', file, '--json');
    expect(valid.code, valid.stderr).toBe(0);
    expect(JSON.parse(valid.stdout)).toEqual({ file, id: 'orientation', version: '2020-06-09.1', steps: 5 });

    const broken = join(folder, 'broken.yml');
    await writeFile(broken, stringify({ ...orientation, start: 'nowhere' }));
    const refused = await rempart('flow', 'validate', broken);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('  start: a step of this flow [unknown_step] (value: "nowhere")');
  });

  it('refuses YAML that does not parse with its line and column, and a document of exploding aliases', async () => {
    const file = join(folder, 'bad.yaml');
    await writeFile(file, 'id: bad\nversion: "1"\nsteps:\n  a: [unclosed\n');
    const bad = await rempart('flow', 'validate', file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error \(invalid_input\): Cannot read .*bad\.yaml as YAML/);
    expect(bad.stderr).toMatch(/line \d+, column \d+: .*\[yaml\]/);

    const duplicate = join(folder, 'duplicate.yaml');
    await writeFile(duplicate, 'id: a\nid: b\n');
    expect((await rempart('flow', 'validate', duplicate)).stderr).toMatch(/line 2, column 1: .*[Mm]ap keys must be unique.*\[yaml\]/);

    // Each level refers nine times to the one before: about 9^8 nodes once expanded.
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let level = 1; level < 9; level++)
      levels.push(
        `${'abcdefghi'[level]}: &${'abcdefghi'[level]} [${Array(9)
          .fill(`*${'abcdefghi'[level - 1]}`)
          .join(',')}]`,
      );
    const laughs = join(folder, 'laughs.yaml');
    await writeFile(laughs, levels.join('\n') + '\n');
    const exploded = await rempart('flow', 'validate', laughs);
    expect(exploded.code).toBe(1);
    expect(exploded.stderr).toMatch(/as YAML.*[Aa]lias/);
  });

  it('refuses a file that is not JSON, and a missing file, by name', async () => {
    const file = join(folder, 'not.json');
    await writeFile(file, '{"id": ');
    const bad = await rempart('flow', 'validate', file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('[json]');
    const missing = await rempart('flow', 'validate', join(folder, 'missing.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });
});
