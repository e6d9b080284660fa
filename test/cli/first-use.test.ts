// What a new user trips over on the command line (issue 17): arguments never ignored, misspelt options named, files
// and data folders that do not exist refused by name without a stack trace, spreadsheets checked against a model.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runRempart as rempart } from '../support/cli.js';

const MODEL = join(ROOT, 'data/demo/organisation.json');
const PANDEMIC = join(ROOT, 'data/scenarios/pandemic-lockdown.json');
const STRIKE = join(ROOT, 'data/scenarios/strike.json');
const RANSOMWARE = join(ROOT, 'data/scenarios/ransomware-core-apps.json');

let folder: string;
/** An activity sheet whose values are all valid. */
let good: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'rempart-first-use-'));
  good = join(folder, 'good.csv');
  await writeFile(good, 'id,name,mtpd,rto,mbco,applications\nfine,Fine,3d,1d,50%,crm\n');
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Each test spawns a few CLI processes (seconds each, many more on a loaded 2-core machine). */
const SPAWNS_TIMEOUT = 120_000;

/** No line of a Node.js stack trace. */
const STACK = /^\s+at .+[:(]/m;

describe('scenarios given to simulate and montecarlo are never ignored', () => {
  it('simulates each scenario given, in turn, whatever their order', { timeout: SPAWNS_TIMEOUT }, async () => {
    const result = await rempart(['simulate', '--model', MODEL, '--scenario', STRIKE, PANDEMIC]);
    expect(result.code, result.stderr).toBe(0);
    const [strike, pandemic] = result.stdout.split(/^Scenario /m).slice(1);
    expect(strike).toMatch(/^strike \(.*strike\.json\)/);
    expect(strike).toContain('0 activities breach their MTPD');
    expect(pandemic).toMatch(/^pandemic-lockdown \(.*pandemic-lockdown\.json\)/);
    expect(pandemic).toContain('16 activities breach their MTPD');

    const json = await rempart(['simulate', '--model', MODEL, '--scenario', PANDEMIC, STRIKE, '--json']);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.map((entry: { scenario: string; result: { breached: number } }) => [entry.scenario, entry.result.breached])).toEqual([
      [PANDEMIC, 16],
      [STRIKE, 0],
    ]);
  });

  it('refuses several scenarios for montecarlo instead of running the first', { timeout: SPAWNS_TIMEOUT }, async () => {
    const result = await rempart(['montecarlo', '--model', MODEL, '--scenario', STRIKE, PANDEMIC, '--runs', '10']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \(invalid_input\): montecarlo runs one scenario at a time; 2 were given/);
    expect(result.stderr).toContain('--scenario: exactly one scenario file or id [one_scenario]');
    expect(result.stdout).toBe('');
  });

  it('runs 10,000 draws unless told otherwise, as the API and the web page do', { timeout: SPAWNS_TIMEOUT }, async () => {
    const help = await rempart(['montecarlo', '--help']);
    expect(help.stdout).toMatch(/--runs <n>\s+number of runs \(default: "10000"\)/);
  });

  it('says "unknown option" for a misspelt option, even when a required one is missing', { timeout: SPAWNS_TIMEOUT }, async () => {
    const result = await rempart(['simulate', '--model', MODEL, '--scenarios', PANDEMIC]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: unknown option '--scenarios'/);
    expect(result.stderr).toContain('Did you mean --scenario?');
    expect(result.stderr).not.toContain('required option');
    // One line and a hint, not the whole help.
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);

    const both = await rempart(['simulate', '--model', MODEL, '--org', 'demo', '--scenario', PANDEMIC]);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/^error \(invalid_input\): Give --model FILE or --org ID, not both/);

    // A data folder beside a model file would be ignored: refused, whichever command reads the file.
    const withData = await rempart(['simulate', '--model', MODEL, '--data', folder, '--scenario', PANDEMIC]);
    expect(withData.code).toBe(1);
    expect(withData.stderr).toMatch(/^error \(invalid_input\): Give --model or --data, not both/);
    expect(withData.stderr).toContain('--data: not with --model');
    const validateWithData = await rempart(['validate', MODEL, '--data', folder]);
    expect(validateWithData.code).toBe(1);
    expect(validateWithData.stderr).toMatch(/^error \(invalid_input\): validate opens the database of --data only to check a spreadsheet against --org ID/);

    const missing = await rempart(['simulate', '--model', MODEL]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: required option '--scenario <file-or-id\.\.\.>' not specified/);
  });
});

describe('the simulation table', () => {
  it('says when each MTPD was breached and every cause the engine gives, with its hours', { timeout: SPAWNS_TIMEOUT }, async () => {
    const result = await rempart(['simulate', '--model', MODEL, '--scenario', RANSOMWARE]);
    expect(result.code, result.stderr).toBe(0);
    const [header, ...rows] = result.stdout.split('\n');
    expect(header).toMatch(/^ACTIVITY\s+LONGEST DISRUPTION\s+RECOVERED AT\s+MTPD\s+BREACHED AT\s+CAUSES \(FROM–TO\)$/);
    // CRM is down 21 days; customer service (MTPD 3 days) is past its MTPD from the 72nd hour.
    expect(rows.find((row) => row.startsWith('customer-service '))).toMatch(/\s21 d\s+21 d\s+3 d\s+3 d\s+application:crm 0 h–21 d$/);
    // Within its MTPD: no breach time.
    expect(rows.find((row) => row.startsWith('accounts-payable '))).toMatch(/\s14 d\s+no\s+application:general-ledger 0 h–10 d$/);

    const pandemic = await rempart(['simulate', '--model', MODEL, '--scenario', PANDEMIC]);
    // Two disrupted runs: both are named, with their hours.
    expect(pandemic.stdout).toMatch(/^claims-payment\s+18 d 1 h\s+56 d\s+3 d\s+3 d\s+staff 0 h–18 d 1 h; staff 44 d 18 h–56 d$/m);
  });
});

describe('help', () => {
  it('points to the scenario model reference Rempart ships, not to a file users do not have', { timeout: SPAWNS_TIMEOUT }, async () => {
    for (const command of ['simulate', 'montecarlo', 'recommend']) {
      const help = await rempart([command, '--help']);
      expect(help.stdout, command).toContain('docs/scenario-model.md');
      expect(help.stdout, command).not.toContain('shared/spec');
    }
  });
});

describe('failures print one line, no stack trace', () => {
  it('names a file that does not exist', { timeout: SPAWNS_TIMEOUT }, async () => {
    for (const args of [
      ['validate', 'missing.csv'],
      ['validate', 'missing.json'],
      ['import', 'missing.csv', '--data', join(folder, 'never')],
    ]) {
      const result = await rempart(args, { cwd: folder });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(
        /^error \(not_found\): Cannot read missing\.(csv|json): no such file or folder\.\n {2}FILE: no such file \[exists\] \(value: "missing\.(csv|json)"\)\n$/,
      );
      expect(result.stderr).not.toMatch(STACK);
    }
    const scenario = await rempart(['simulate', '--model', MODEL, '--scenario', join(folder, 'nowhere.json')]);
    expect(scenario.stderr).toMatch(/^error \(not_found\): Cannot read .*nowhere\.json: no such file or folder\.\n {2}--scenario: no such file \[exists\]/);
    // The import refused before opening anything: no data folder was made.
    expect(existsSync(join(folder, 'never'))).toBe(false);
  });

  it('prints where it failed only with --debug', { timeout: SPAWNS_TIMEOUT }, async () => {
    const result = await rempart(['validate', 'missing.csv', '--debug'], { cwd: folder });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \(not_found\): Cannot read missing\.csv/);
    expect(result.stderr).toMatch(STACK);
  });
});

describe('read-only commands never create a database', () => {
  it('refuses a data folder without a database, naming it, and leaves nothing behind', { timeout: 2 * SPAWNS_TIMEOUT }, async () => {
    const cwd = await mkdtemp(join(folder, 'empty-'));
    for (const args of [
      ['simulate', '--org', 'demo', '--scenario', 'pandemic-lockdown'],
      ['montecarlo', '--org', 'demo', '--scenario', 'pandemic-lockdown'],
      ['recommend', '--scenario', 'pandemic-lockdown'],
      ['export', '--org', 'demo'],
      ['risks', 'list'],
      ['audit', 'verify'],
      ['template', '--org', 'demo', '--format', 'csv'],
      ['validate', good, '--org', 'demo'],
    ]) {
      const result = await rempart(args, { cwd });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toContain(
        `error (not_found): No Rempart database in ${join(cwd, '.rempart')}: give the data folder with --data DIR`,
      );
      expect(result.stderr).toContain(`--data: no such folder [exists] (value: "${join(cwd, '.rempart')}")`);
      expect(existsSync(join(cwd, '.rempart')), args.join(' ')).toBe(false);
    }
  });

  it('names the data folder it opened when the organisation is not there', { timeout: 3 * SPAWNS_TIMEOUT }, async () => {
    const data = join(folder, 'insurer-data');
    const imported = await rempart(['import', MODEL, '--org', 'insurer', '--data', data]);
    expect(imported.code, imported.stderr).toBe(0);
    const result = await rempart(['simulate', '--org', 'demo', '--scenario', 'pandemic-lockdown', '--data', data]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \(not_found\): No organisation "demo" in the data folder .*insurer-data \(it has insurer\)\./);

    // The same data folder checks a spreadsheet's references (item 2, with --org).
    const sheet = join(folder, 'refs.csv');
    await writeFile(sheet, 'id,name,mtpd,rto,mbco,applications,depends_on\nnew-one,New one,3d,1d,50%,no-such-app,ghost-activity\n');
    const checked = await rempart(['validate', sheet, '--org', 'insurer', '--data', data]);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('row 2, column applications: no application with id "no-such-app" [unknown_reference]');
    expect(checked.stderr).toContain('row 2, column depends_on: no activity with id "ghost-activity" [unknown_reference]');
  });
});

describe('rempart validate checks a spreadsheet’s references against a model', () => {
  const sheet = () => join(folder, 'bad-references.csv');
  beforeAll(async () => {
    await writeFile(
      sheet(),
      [
        'id,name,mtpd,rto,mbco,applications,depends_on,staff',
        'new-one,New one,3d,1d,50%,no-such-app,ghost-activity,',
        'bad-mbco,Refused for its MBCO,1d,4h,150%,crm;nope,new-one,paris:3:0.5:vpn',
        'remote,Works from home,1d,4h,50%,crm,,atlantis:3:0.5:vpn|no-pool',
      ].join('\n'),
    );
  });

  it('reports values and references in one pass with --model', { timeout: SPAWNS_TIMEOUT }, async () => {
    const result = await rempart(['validate', sheet(), '--model', MODEL]);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      `${sheet()}: 6 problem(s)`,
      '  row 2, column applications: no application with id "no-such-app" [unknown_reference] (value: "no-such-app")',
      '  row 2, column depends_on: no activity with id "ghost-activity" [unknown_reference] (value: "ghost-activity")',
      expect.stringMatching(/^ {2}row 3, column mbco: .* \(value: "150%"\)$/),
      '  row 3, column applications: no application with id "nope" [unknown_reference] (value: "nope")',
      '  row 4, column staff: no site with id "atlantis" [unknown_reference] (value: "atlantis")',
      '  row 4, column staff: no pool with id "no-pool" [unknown_reference] (value: "no-pool")',
    ]);
  });

  it('does not call a spreadsheet valid when its references were not checked', { timeout: SPAWNS_TIMEOUT }, async () => {
    const plain = await rempart(['validate', good]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('values valid; its references to applications, suppliers, sites, pools and activities were not checked');
    expect(plain.stdout).not.toMatch(/: valid\n/);

    const strict = await rempart(['validate', good, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^error \(invalid_input\): .*good\.csv: its references .* were not checked: add --model FILE or --org ID\./);
    expect(strict.stdout).not.toContain('valid');

    const checked = await rempart(['validate', good, '--model', MODEL]);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toContain(`${good}: valid\n`);
  });
});
