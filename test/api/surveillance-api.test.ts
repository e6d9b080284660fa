// Surveillance over a real server and database: records arrive through completed conversations and directly, the
// organisation sees its own daily aggregates with small cells hidden (k configurable), exports its records in the
// official columns (each row checked against the official schema) and the aggregates as CSV; retention purges the
// records; the network view counts only the organisations that opt in; and hostile input is refused by name.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARING_COLUMNS } from '../../src/engine/orientation.js';
import { purgeExpiredRecords } from '../../src/operations/surveillance.js';
import { ConversationRepository, type OrientationRecordRow } from '../../src/store/conversation-repository.js';
import { smallModel, startTestApp, type TestApp, type TestResponse } from '../support/app.js';

let t: TestApp;
const SHOP = 'https://shop.alpha.example';
let today: string;

/** A record as a completed questionnaire leaves it (only the fields the aggregates count vary here). */
function record(day: string, department: string | null, orientation: string, ageRange: string): OrientationRecordRow {
  const data: Record<string, string> = Object.fromEntries(SHARING_COLUMNS.map((column) => [column, 'false']));
  Object.assign(data, {
    algo_version: '2020-06-09',
    form_version: '2020-06-09.1',
    date: `${day}T00:00:00Z`,
    duration: '120',
    postal_code: department ? `${department}XXX` : '',
    orientation,
    age_range: ageRange,
    imc: '24.2',
    temperature_cat: '35.5-37.7',
    pregnant: '0',
    heart_disease: '0',
    immunosuppressant_disease: '0',
  });
  return { day, department, orientation, ageRange, record: data };
}

async function add(org: string, rows: OrientationRecordRow[]) {
  await new ConversationRepository(t.database.db).insertRecords(org, rows);
}
const repeat = (n: number, row: OrientationRecordRow) => Array.from({ length: n }, () => row);

function expectError(response: TestResponse, status: number, code: string, rule?: string, path?: string) {
  expect(response.statusCode, response.body).toBe(status);
  const error = response.json().error;
  expect(error.code).toBe(code);
  if (rule) expect(error.details.map((detail: { rule: string }) => detail.rule)).toContain(rule);
  if (path) expect(error.details.map((detail: { path: string }) => detail.path)).toContain(path);
}

beforeAll(async () => {
  t = await startTestApp();
  today = new Date(t.clock.now()).toISOString().slice(0, 10);
  for (const org of ['alpha', 'beta', 'gamma']) {
    const response = await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: { ...smallModel(), organisation: { name: org } } });
    expect(response.statusCode, response.body).toBe(200);
  }
});
afterAll(async () => {
  await t?.close();
});

describe('surveillance of an organisation', () => {
  it('counts a questionnaire completed through the public API', async () => {
    const key = (await t.request({ method: 'POST', url: '/api/orgs/alpha/public-keys', payload: { label: 'site', origins: [SHOP] } })).json().key;
    const started = await t.request({ method: 'POST', url: `/api/public/${key}/conversations`, as: null, headers: { origin: SHOP }, payload: {} });
    const id = started.json().id;
    const answers = [
      '37',
      'non',
      'non',
      'non',
      'non',
      'non',
      'oui',
      'oui',
      '70',
      '80',
      '180',
      'non',
      'non',
      'non',
      'non',
      'non',
      'non',
      'non',
      'non',
      'non',
      '13001',
    ];
    for (const text of answers) {
      const response = await t.request({
        method: 'POST',
        url: `/api/public/${key}/conversations/${id}/messages`,
        as: null,
        headers: { origin: SHOP },
        payload: { text },
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    const rows = await t.database.db.selectFrom('orientation_records').selectAll().where('org_id', '=', 'alpha').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ department: '13', orientation: 'SAMU', age_range: 'sup_65' });
  });

  it('publishes cells of at least k and hides the small ones and whatever would reveal them', async () => {
    await add('alpha', [
      ...repeat(14, record(today, '75', 'surveillance', 'from_15_to_49')),
      ...repeat(11, record(today, '75', 'consultation_surveillance_3', 'from_15_to_49')),
      ...repeat(2, record(today, '75', 'SAMU', 'sup_65')),
    ]);
    const response = await t.request({ method: 'GET', url: '/api/orgs/alpha/surveillance' });
    expect(response.statusCode, response.body).toBe(200);
    const view = response.json();
    expect(view).toMatchObject({ k: 10, to: today });
    const [day] = view.days;
    // 14 + 11 + 2 here, and the SAMU of the conversation (department 13): 28.
    expect(day.total).toBe(28);
    const cell = (orientation: string) =>
      day.cells.find((c: { orientation: string; department: string }) => c.orientation === orientation && c.department === '75');
    expect(cell('SAMU').count).toBeNull();
    // The small cells are hidden, and at least one more beside them: 28 − 14 − 11 would give them away.
    expect(day.cells.filter((c: { count: number | null }) => c.count === null).length).toBeGreaterThanOrEqual(3);
    expect(day.byOrientation.find((o: { orientation: string }) => o.orientation === 'SAMU').count).toBeNull();
    expect(JSON.stringify(view)).not.toMatch(/"count":[1-9],/);
  });

  it('publishes more with a smaller k, set by a continuity manager, refused to an auditor, audited', async () => {
    const manager = await t.createUser('manager@alpha.example', { org: 'alpha', role: 'continuityManager' });
    const auditor = await t.createUser('auditor@alpha.example', { org: 'alpha', role: 'auditor' });
    const settings = { k: 3, retentionDays: 30, shareWithNetwork: true };
    expect((await t.request({ method: 'PUT', url: '/api/orgs/alpha/surveillance/settings', payload: settings, as: auditor.session })).statusCode).toBe(403);
    const changed = await t.request({ method: 'PUT', url: '/api/orgs/alpha/surveillance/settings', payload: settings, as: manager.session });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toEqual({ ...settings, abilities: { update: true } });
    const read = await t.request({ method: 'GET', url: '/api/orgs/alpha/surveillance/settings', as: auditor.session });
    expect(read.json()).toEqual({ ...settings, abilities: { update: false } });
    const [day] = (await t.request({ method: 'GET', url: '/api/orgs/alpha/surveillance', as: auditor.session })).json().days;
    expect(day.cells.find((c: { orientation: string }) => c.orientation === 'surveillance').count).toBe(14);
    const audit = (await t.request({ method: 'GET', url: '/api/orgs/alpha/audit?entity=surveillance' })).json().items;
    expect(audit.length).toBeGreaterThan(0);
    const employee = await t.createUser('employee@alpha.example', { org: 'alpha', role: 'employee' });
    expect((await t.request({ method: 'GET', url: '/api/orgs/alpha/surveillance', as: employee.session })).statusCode).toBe(403);
  });

  it('exports its records in the official data-sharing columns, each row valid against the official schema', async () => {
    const response = await t.request({ method: 'GET', url: '/api/orgs/alpha/surveillance/records.csv' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const [header, ...rows] = response.body.trimEnd().split('\r\n');
    expect(header).toBe(SHARING_COLUMNS.join(','));
    expect(rows).toHaveLength(28);
    const schema = JSON.parse(readFileSync('data/orientation/schema.json', 'utf8')) as {
      fields: Array<{ name: string; constraints?: { required?: boolean; enum?: string[]; pattern?: string } }>;
    };
    for (const row of rows) {
      const values = Object.fromEntries(header.split(',').map((column, index) => [column, row.split(',')[index]]));
      for (const field of schema.fields) {
        const value = values[field.name];
        if (value === undefined || value === '') {
          if (field.constraints?.required) expect.fail(`${field.name} is required`);
          continue;
        }
        if (field.constraints?.enum) expect(field.constraints.enum, field.name).toContain(value);
        if (field.constraints?.pattern) expect(value, field.name).toMatch(new RegExp(`^(?:${field.constraints.pattern})$`));
      }
      // Minimised: a department, never a postal code; a day, never a time.
      expect(values.postal_code === '' || /^\d{2}XXX$/.test(values.postal_code)).toBe(true);
      expect(values.date).toMatch(/T00:00:00Z$/);
    }
  });

  it('exports the published aggregates as CSV, hidden figures empty and marked', async () => {
    const response = await t.request({ method: 'GET', url: `/api/orgs/alpha/surveillance/aggregates.csv?from=${today}&to=${today}` });
    expect(response.statusCode).toBe(200);
    const lines = response.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('day,level,department,orientation,age_range,count,suppressed');
    expect(lines).toContain(`${today},total,,,,28,false`);
    expect(lines).toContain(`${today},cell,75,surveillance,from_15_to_49,14,false`);
    expect(lines.some((line) => line.endsWith(',,true'))).toBe(true);
  });

  it('keeps organisations apart: another organisation’s member reads nothing of it', async () => {
    await add('beta', repeat(12, record(today, '69', 'surveillance', 'sup_65')));
    const other = await t.createUser('owner@gamma.example', { org: 'gamma', role: 'owner' });
    expect((await t.request({ method: 'GET', url: '/api/orgs/alpha/surveillance', as: other.session })).statusCode).toBe(404);
    const beta = (await t.request({ method: 'GET', url: '/api/orgs/beta/surveillance' })).json();
    expect(beta.days[0].total).toBe(12);
    expect(JSON.stringify(beta)).not.toContain('"75"');
  });

  it('aggregates the organisations that opt in, and only them, with the largest k, for any signed-in person', async () => {
    await add('gamma', repeat(40, record(today, '33', 'surveillance', 'sup_65')));
    const person = await t.createUser('someone@elsewhere.example');
    const network = (await t.request({ method: 'GET', url: '/api/surveillance/network', as: person.session })).json();
    // Alpha opted in (k 3: the network hides below 10, the default, still); beta and gamma did not.
    expect(network).toMatchObject({ organisations: 1, k: 10 });
    expect(network.days[0].total).toBe(28);
    expect(JSON.stringify(network)).not.toContain('"33"');
    expect((await t.request({ method: 'GET', url: '/api/surveillance/network', as: null })).statusCode).toBe(401);
  });

  it('purges records past the retention, and only those', async () => {
    const old = new Date(t.clock.now() - 40 * 86_400_000).toISOString().slice(0, 10);
    await add('alpha', repeat(3, record(old, '75', 'SAMU', 'sup_65')));
    await add('beta', repeat(3, record(old, '69', 'SAMU', 'sup_65')));
    // Alpha keeps 30 days, beta the default 90.
    const purged = await purgeExpiredRecords(t.database.db, t.clock.now());
    expect(purged).toBe(3);
    const left = await t.database.db.selectFrom('orientation_records').select(['org_id', 'day']).where('day', '=', old).execute();
    expect(left.map((row) => row.org_id)).toEqual(['beta', 'beta', 'beta']);
  });

  it('refuses malformed, oversized and hostile input, naming the field, the rule and the value', async () => {
    expectError(await t.request({ method: 'GET', url: '/api/orgs/alpha/surveillance?from=yesterday' }), 400, 'invalid_input', undefined, 'query.from');
    expectError(await t.request({ method: 'GET', url: '/api/orgs/alpha/surveillance?from=2026-02-30' }), 400, 'invalid_input', undefined, 'query.from');
    expectError(
      await t.request({ method: 'GET', url: '/api/orgs/alpha/surveillance?from=2020-01-01&to=2026-01-01' }),
      400,
      'invalid_input',
      'span',
      'query.from',
    );
    expectError(
      await t.request({ method: 'GET', url: '/api/orgs/alpha/surveillance?from=2026-02-02&to=2026-02-01' }),
      400,
      'invalid_input',
      'order',
      'query.from',
    );
    expectError(await t.request({ method: 'GET', url: "/api/orgs/alpha/surveillance?to=2026-01-01'%20or%201=1" }), 400, 'invalid_input', undefined, 'query.to');
    expectError(await t.request({ method: 'GET', url: '/api/orgs/alpha/surveillance?department=75' }), 400, 'invalid_input', 'unrecognized_keys');
    const put = (payload: unknown) => t.request({ method: 'PUT', url: '/api/orgs/alpha/surveillance/settings', payload: payload as object });
    expectError(await put({ k: 1, retentionDays: 30, shareWithNetwork: false }), 400, 'invalid_input', 'too_small', 'body.k');
    expectError(await put({ k: 10, retentionDays: 100_000, shareWithNetwork: false }), 400, 'invalid_input', 'too_big', 'body.retentionDays');
    expectError(await put({ k: '10', retentionDays: 30, shareWithNetwork: 'yes' }), 400, 'invalid_input', 'invalid_type', 'body.k');
    expectError(
      await put({ k: 10, retentionDays: 30, shareWithNetwork: false, __proto__: { admin: true }, extra: 1 }),
      400,
      'invalid_input',
      'unrecognized_keys',
    );
    expectError(await put({ k: 10, retentionDays: 30, shareWithNetwork: false, padding: 'x'.repeat(10_000) }), 413, 'payload_too_large');
    // Still as set.
    expect((await t.request({ method: 'GET', url: '/api/orgs/alpha/surveillance/settings' })).json().k).toBe(3);
  });
});
