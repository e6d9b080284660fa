// The `rempart` command as a user runs it: real processes, real files, the embedded database in a temp folder.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEntry } from '../support/cli-entry.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'rempart-cli-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function rempart(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // DATABASE_URL is cleared so that the CLI uses the embedded folder even in the PostgreSQL pass.
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

describe('rempart validate', () => {
  it('prints every problem with path, rule and value, and exits 1', async () => {
    const file = join(folder, 'bad-model.json');
    await writeFile(
      file,
      JSON.stringify({
        sites: [{ id: 'paris', name: 'Paris' }],
        activities: [
          { id: 'a', name: 'A', mtpd: 24, rto: 4, mbco: 1.5, staff: [{ site: 'paris', headcount: 1, remote: 0 }] },
          { id: 'b', name: 'B', mtpd: 'soon', rto: 4, mbco: 0.5 },
        ],
      }),
    );
    const result = await rempart('validate', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('2 problem(s)');
    expect(result.stderr).toContain('activities[0].mbco: must be between 0 % and 100 % [share] (value: 1.5)');
    expect(result.stderr).toMatch(/activities\[1\]\.mtpd: .*\[format\] \(value: "soon"\)/);
  });

  it('refuses text the database cannot store (NUL, lone surrogates) in a model file, with its path', async () => {
    const file = join(folder, 'nul-model.json');
    await writeFile(
      file,
      '{"sites": [{"id": "paris", "name": "Paris\\u0000"}], "activities": [{"id": "a", "name": "\\ud800", "mtpd": 24, "rto": 4, "mbco": 0.5}]}',
    );
    const result = await rempart('import', file, '--org', 'nul', '--data', join(folder, 'nul-data'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/sites\[0\]\.name: .*\[invalid_text\]/);
    expect(result.stderr).toMatch(/activities\[0\]\.name: .*\[invalid_text\]/);
  });

  it('accepts the demo organisation, and shows the findings it has on purpose', { timeout: 120_000 }, async () => {
    const result = await rempart('validate', 'data/demo/organisation.json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('data/demo/organisation.json: valid');
    // A newcomer sees what a finding looks like before breaking anything (data/README.md).
    expect(result.stdout).toContain(
      [
        '2 BIA finding(s):',
        '  [error] document-print-mail: Application print-mail-hub recovers in 120 h but the activity needs it within its RTO of 72 h. (recovery_gap)',
        '  [error] policy-administration: Application print-mail-hub recovers in 120 h but the activity needs it within its RTO of 72 h. (recovery_gap)',
      ].join('\n'),
    );
    const strict = await rempart('validate', 'data/demo/organisation.json', '--strict');
    expect(strict.code).toBe(1);
  });
});

describe('rempart simulate and recommend on files', () => {
  it('prints the §5 result object with --json', async () => {
    const result = await rempart('simulate', '--model', 'data/demo/organisation.json', '--scenario', 'data/scenarios/pandemic-lockdown.json', '--json');
    expect(result.code, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(Object.keys(parsed).sort()).toEqual(['activities', 'breached', 'cost', 'downtimeCost', 'pools', 'yearlyDowntimeCost']);
    expect(parsed.breached).toBeGreaterThan(0);
    // The demo's claims hotline costs 12,000 an hour down; the pandemic happens 0.03 times a year.
    const fnol = parsed.activities.find((a: { id: string }) => a.id === 'claims-fnol');
    expect(fnol.downtimeCost).toBe(fnol.disruptedHours * 12_000);
    expect(parsed.yearlyDowntimeCost).toBeCloseTo(parsed.downtimeCost * 0.03, 6);
  });

  it('prints a table naming the breached activities and the short pool', async () => {
    const result = await rempart('simulate', '--model', 'data/demo/organisation.json', '--scenario', 'data/scenarios/pandemic-lockdown.json');
    expect(result.stdout).toMatch(/customer-service\s+56 d\s+56 d\s+3 d\s+3 d\s+staff 0 h–56 d/);
    expect(result.stdout).toMatch(/Pool vpn: peak demand \d+ for a capacity of 300/);
    expect(result.stdout).toMatch(/Cost of downtime: [\d,]+ EUR \(expected yearly, 0\.03 a year: [\d,]+ EUR; 20 of 26 activities have a cost per hour\)/);
  });

  it('recommends strategies for two scenarios', async () => {
    const result = await rempart(
      'recommend',
      '--model',
      'data/demo/organisation.json',
      '--scenario',
      'data/scenarios/pandemic-lockdown.json',
      'data/scenarios/ransomware-core-apps.json',
      '--json',
    );
    expect(result.code, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed).toMatchObject({ feasible: true, exact: true });
    expect(parsed.strategies).toEqual(expect.arrayContaining(['vpn-upgrade', 'cloud-desktops']));
    // Reported beside the strategies' cost: what they avoid, per scenario and in total.
    const downtime = parsed.downtimeCost;
    expect(downtime.scenarios.map((s: { scenario: { id: string } }) => s.scenario.id)).toEqual(['pandemic-lockdown', 'ransomware-core-apps']);
    expect(downtime.withStrategies).toBeLessThan(downtime.withoutStrategies);
    expect(downtime.withoutStrategies).toBeCloseTo(downtime.scenarios[0].withoutStrategies + downtime.scenarios[1].withoutStrategies, 6);
  });

  it('prints the cost of downtime avoided beside the strategies’ cost', async () => {
    const result = await rempart('recommend', '--model', 'data/demo/organisation.json', '--scenario', 'data/scenarios/ransomware-core-apps.json');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Expected yearly cost of downtime: [\d,]+ EUR without strategies, [\d,]+ EUR with them \(avoided: [\d,]+ EUR; 20 of 26/);
  });

  it('refuses a scenario naming an unknown site', async () => {
    const file = join(folder, 'bad-scenario.json');
    await writeFile(file, JSON.stringify({ disruptions: [{ type: 'siteUnavailable', site: 'atlantis', from: 0 }] }));
    const result = await rempart('simulate', '--model', 'data/demo/organisation.json', '--scenario', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('model_invalid');
    expect(result.stderr).toContain('disruptions[0].site');
  });
});

describe('rempart import, export and template on the embedded database', () => {
  it('round-trips a model and reports a bad spreadsheet by row', { timeout: 240_000 }, async () => {
    const data = join(folder, 'data');
    const imported = await rempart('import', 'data/demo/organisation.json', '--org', 'insurer', '--data', data);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/Created organisation insurer: 3 sites/);

    const exported = await rempart('export', '--data', data);
    expect(exported.code, exported.stderr).toBe(0);
    const model = JSON.parse(exported.stdout);
    const original = JSON.parse(await readFile('data/demo/organisation.json', 'utf8'));
    expect(model.activities.map((a: { id: string }) => a.id)).toEqual(original.activities.map((a: { id: string }) => a.id));

    const csv = join(folder, 'bad.csv');
    await writeFile(csv, 'id,name,mtpd,rto,mbco\nok,Fine,1d,4h,0.5\nbad,Bad,1d,4h,150%\n');
    const refused = await rempart('import', csv, '--data', data);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/row 3, column mbco/);

    const template = join(folder, 'template.xlsx');
    const written = await rempart('template', '--format', 'xlsx', '-o', template);
    expect(written.code).toBe(0);
    expect((await readFile(template)).subarray(0, 2).toString()).toBe('PK');
  });
});
