// The organisation model over HTTP on a real database (embedded, or PostgreSQL with DATABASE_URL).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../src/errors.js';
import { OrganisationModel } from '../../src/model/organisation.js';
import { smallModel, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function importSmall(org: string, model: object = smallModel()) {
  const response = await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: model });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe('health and documentation', () => {
  it('reports the database ready', async () => {
    const response = await t.request({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', database: { ready: true } });
  });

  it('serves an OpenAPI 3.1 document that lists every collection route', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const collection of ['sites', 'pools', 'applications', 'suppliers', 'activities', 'strategies']) {
      expect(Object.keys(doc.paths)).toContain(`/api/orgs/{org}/${collection}`);
      expect(Object.keys(doc.paths)).toContain(`/api/orgs/{org}/${collection}/{id}`);
    }
    expect(doc.paths['/api/orgs/{org}/findings'].get).toBeDefined();
    const docs = await t.request({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('documents every error code', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOG)) {
      expect(entry.description.length, code).toBeGreaterThan(10);
      expect(entry.status).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('organisations', () => {
  it('creates one, refuses a duplicate (409) and bad input (400 with path, rule, value)', async () => {
    const created = await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'acme', name: 'Acme' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: 'acme', name: 'Acme', modelVersion: 0, bia: { intolerable: 4 } });

    const duplicate = await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'acme', name: 'Acme again' } });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('duplicate_id');

    const bad = await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'not an id', name: '', extra: 1 } });
    expect(bad.statusCode).toBe(400);
    const details = bad.json().error.details;
    expect(details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'body.id', rule: 'format', value: 'not an id' }),
        expect.objectContaining({ path: 'body.name', rule: 'too_small', value: '' }),
        expect.objectContaining({ rule: 'unrecognized_keys' }),
      ]),
    );
  });

  it('answers 404 for an unknown organisation on every kind of route', async () => {
    for (const url of [
      '/api/orgs/nobody',
      '/api/orgs/nobody/activities',
      '/api/orgs/nobody/activities/x',
      '/api/orgs/nobody/findings',
      '/api/orgs/nobody/model',
    ]) {
      const response = await t.request({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('not_found');
    }
  });

  it('refuses BIA settings that existing ratings do not fit, and accepts compatible ones', async () => {
    await importSmall('settings');
    await t.request({
      method: 'PUT',
      url: '/api/orgs/settings/activities/claims',
      payload: { ...smallModel().activities[0], impacts: { financial: [1, 2, 3, 4, 5, 5, 5] } },
    });
    const org = (await t.request({ method: 'GET', url: '/api/orgs/settings' })).json();
    const fewerPoints = { ...org.bia, timePoints: [1, 24] };
    const refused = await t.request({ method: 'PUT', url: '/api/orgs/settings', payload: { name: org.name, bia: fewerPoints } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details[0]).toMatchObject({ path: 'activities[0].impacts.financial', rule: 'length' });

    const renamed = await t.request({ method: 'PUT', url: '/api/orgs/settings', payload: { name: 'Renamed', bia: { ...org.bia, intolerable: 5 } } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Renamed', bia: { intolerable: 5 } });
  });
});

describe('collections', () => {
  beforeAll(async () => {
    await importSmall('small');
  });

  it('creates, reads, replaces and deletes a site', async () => {
    const created = await t.request({ method: 'POST', url: '/api/orgs/small/sites', payload: { id: 'sevilla', name: 'Sevilla', seats: 80 } });
    expect(created.statusCode).toBe(201);
    const read = await t.request({ method: 'GET', url: '/api/orgs/small/sites/sevilla' });
    // Items carry what the caller may do to them; the owner may do everything.
    expect(read.json()).toEqual({ id: 'sevilla', name: 'Sevilla', seats: 80, abilities: { update: true, delete: true } });
    const replaced = await t.request({ method: 'PUT', url: '/api/orgs/small/sites/sevilla', payload: { id: 'sevilla', name: 'Séville', seats: 90 } });
    expect(replaced.statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/orgs/small/sites/sevilla' })).json().name).toBe('Séville');
    expect((await t.request({ method: 'DELETE', url: '/api/orgs/small/sites/sevilla' })).statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: '/api/orgs/small/sites/sevilla' })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: '/api/orgs/small/sites/sevilla' })).statusCode).toBe(404);
  });

  it('refuses a duplicate id with 409', async () => {
    const response = await t.request({ method: 'POST', url: '/api/orgs/small/sites', payload: { id: 'paris', name: 'Paris 2' } });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({ code: 'duplicate_id', details: [{ path: 'id', rule: 'unique', value: 'paris' }] });
  });

  it('refuses an activity that refers to nothing, naming the field', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/orgs/small/activities',
      payload: { id: 'x', name: 'X', mtpd: 24, rto: 4, mbco: 0.5, applications: ['crm', 'nope'], staff: [{ site: 'mars', headcount: 1, remote: 0 }] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_reference');
    expect(response.json().error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'applications[1]', rule: 'unknown_reference', value: 'nope' }),
        expect.objectContaining({ path: 'staff[0].site', rule: 'unknown_reference', value: 'mars' }),
      ]),
    );
    expect((await t.request({ method: 'GET', url: '/api/orgs/small/activities/x' })).statusCode).toBe(404);
  });

  it('refuses to delete an application still needed, listing where (409)', async () => {
    const response = await t.request({ method: 'DELETE', url: '/api/orgs/small/applications/crm' });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'in_use',
      details: [{ path: 'activities[0].applications[0]', value: 'crm', message: 'activity "claims" refers to application "crm"' }],
    });
    expect((await t.request({ method: 'GET', url: '/api/orgs/small/applications/crm' })).statusCode).toBe(200);
  });

  it('refuses the same id twice in a list of references', async () => {
    const response = await t.request({
      method: 'POST',
      url: '/api/orgs/small/activities',
      payload: { id: 'twice', name: 'Twice', mtpd: 24, rto: 4, mbco: 0.5, dependsOn: ['claims', 'claims'] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([expect.objectContaining({ path: 'dependsOn[1]', rule: 'duplicate_entry', value: 'claims' })]);
  });

  it('accepts durations as text and returns hours', async () => {
    const response = await t.request({ method: 'POST', url: '/api/orgs/small/applications', payload: { id: 'mail', name: 'Mail', rto: '90m', rpo: '2w' } });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ rto: 1.5, rpo: 336 });
    const bad = await t.request({ method: 'POST', url: '/api/orgs/small/applications', payload: { id: 'mail2', name: 'Mail', rto: '3 days' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0]).toMatchObject({ path: 'body.rto', value: '3 days' });
  });

  it('pages with a cursor, searches, sorts, and refuses a foreign cursor', async () => {
    for (let i = 0; i < 7; i++)
      await t.request({ method: 'POST', url: '/api/orgs/small/suppliers', payload: { id: `s${i}`, name: `Supplier ${String.fromCharCode(90 - i)}` } });
    const first = (await t.request({ method: 'GET', url: '/api/orgs/small/suppliers?limit=3' })).json();
    expect(first.items.map((s: { id: string }) => s.id)).toEqual(['telco', 's0', 's1']);
    expect(first.total).toBe(8);
    const second = (await t.request({ method: 'GET', url: `/api/orgs/small/suppliers?limit=3&cursor=${first.nextCursor}` })).json();
    expect(second.items.map((s: { id: string }) => s.id)).toEqual(['s2', 's3', 's4']);
    const third = (await t.request({ method: 'GET', url: `/api/orgs/small/suppliers?limit=3&cursor=${second.nextCursor}` })).json();
    expect(third.items).toHaveLength(2);
    expect(third.nextCursor).toBeNull();

    const byName = (await t.request({ method: 'GET', url: '/api/orgs/small/suppliers?sort=name&limit=2' })).json();
    expect(byName.items.map((s: { name: string }) => s.name)).toEqual(['Supplier T', 'Supplier U']);
    const search = (await t.request({ method: 'GET', url: '/api/orgs/small/suppliers?q=supplier%20z' })).json();
    expect(search.items.map((s: { id: string }) => s.id)).toEqual(['s0']);

    const foreign = await t.request({ method: 'GET', url: `/api/orgs/small/suppliers?sort=name&cursor=${first.nextCursor}` });
    expect(foreign.statusCode).toBe(400);
    // The total follows every write (it is cached per model version).
    await t.request({ method: 'POST', url: '/api/orgs/small/suppliers', payload: { id: 's7', name: 'Supplier S' } });
    expect((await t.request({ method: 'GET', url: '/api/orgs/small/suppliers?limit=3' })).json().total).toBe(9);
    await t.request({ method: 'DELETE', url: '/api/orgs/small/suppliers/s7' });
    expect((await t.request({ method: 'GET', url: '/api/orgs/small/suppliers?limit=3' })).json().total).toBe(8);
    const tooMany = await t.request({ method: 'GET', url: '/api/orgs/small/suppliers?limit=100000' });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.details[0]).toMatchObject({ path: 'query.limit', rule: 'too_big' });
  });

  it('sorts activities by MTPD and RTO, both ways, and pages the sorted list', async () => {
    await importSmall('sorted', {
      ...smallModel(),
      activities: [5, 1, 3, 1, 4].map((mtpdDays, i) => ({ id: `a${i}`, name: `A${i}`, mtpd: mtpdDays * 24, rto: 24 - i, mbco: 0.5 })),
    });
    const ids = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Array<{ id: string }>; nextCursor: string | null } = (
          await t.request({ method: 'GET', url: `/api/orgs/sorted/activities?limit=2&${query}${cursor ? `&cursor=${cursor}` : ''}` })
        ).json();
        seen.push(...page.items.map((a: { id: string }) => a.id));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    // MTPDs 5, 1, 3, 1, 4 days: ties (a1, a3 at 1 day) go by id.
    expect(await ids('sort=mtpd')).toEqual(['a1', 'a3', 'a2', 'a4', 'a0']);
    expect(await ids('sort=mtpd&order=desc')).toEqual(['a0', 'a4', 'a2', 'a3', 'a1']);
    expect(await ids('sort=rto')).toEqual(['a4', 'a3', 'a2', 'a1', 'a0']);
    const notSortable = await t.request({ method: 'GET', url: '/api/orgs/sorted/sites?sort=mtpd' });
    expect(notSortable.statusCode).toBe(400);
    expect(notSortable.json().error.details[0]).toMatchObject({ path: 'query.sort', value: 'mtpd' });
  });

  it('answers malformed JSON with 400, never 500', async () => {
    const response = await t.request({ method: 'POST', url: '/api/orgs/small/sites', payload: '{"id": ', headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_input');
  });
});

describe('business impact analysis', () => {
  it('suggests the MTPD from the impact ratings and shows the difference', async () => {
    await importSmall('bia');
    const activity = { ...smallModel().activities[0], impacts: { financial: [1, 2, 3, 3, 4, 5, 5], customer: [1, 1, 2, 4, 5, 5, 5] } };
    const saved = (await t.request({ method: 'PUT', url: '/api/orgs/bia/activities/claims', payload: activity })).json();
    // Financial reaches 4 (intolerable) at the 5th time point (1w = 168 h); customer at the 4th (3d = 72 h).
    expect(saved.computed).toEqual({ suggestedMtpd: 72, mtpdDifference: 0, assessment: 'partial' });

    const worse = { ...activity, impacts: { ...activity.impacts, customer: [4, 5, 5, 5, 5, 5, 5] } };
    const changed = (await t.request({ method: 'PUT', url: '/api/orgs/bia/activities/claims', payload: worse })).json();
    expect(changed.computed).toMatchObject({ suggestedMtpd: 1, mtpdDifference: 71 });
    // What the client read can be sent back as is: `computed` is read-only and ignored.
    expect((await t.request({ method: 'PUT', url: '/api/orgs/bia/activities/claims', payload: changed })).statusCode).toBe(200);

    const badRating = await t.request({
      method: 'PUT',
      url: '/api/orgs/bia/activities/claims',
      payload: { ...activity, impacts: { financial: [1, 2, 3, 3, 4, 5, 9] } },
    });
    expect(badRating.statusCode).toBe(400);
    expect(badRating.json().error.details[0]).toMatchObject({ path: 'impacts.financial[6]', rule: 'not_in_scale', value: 9 });
  });

  it('lists the findings and recomputes them after every change', async () => {
    const model = smallModel();
    // Claims needs the ledger (RTO 72 h) within its RTO of 24 h: a recovery gap.
    model.activities[0].applications = ['crm', 'ledger'];
    // Payments (RTO 48 h) depends on an upstream activity (claims) with an RTO of 24 h: fine. Make it worse:
    model.activities.push({ id: 'fnol', name: 'First notice of loss', mtpd: 4, rto: 8, mbco: 0.5, dependsOn: ['payments'] } as never);
    await importSmall('findings', model);
    const findings = (await t.request({ method: 'GET', url: '/api/orgs/findings/findings' })).json();
    const rules = findings.items.map((f: { rule: string; activity: string }) => `${f.rule}:${f.activity}`).sort();
    expect(rules).toEqual(
      [
        'no_impact_assessment:claims',
        'no_impact_assessment:fnol',
        'no_impact_assessment:payments',
        'recovery_gap:claims',
        // Payments (RTO 48 h) needs the ledger, which recovers in 72 h.
        'recovery_gap:payments',
        'rto_above_mtpd:fnol',
        'upstream_rto:fnol',
      ].sort(),
    );
    expect(findings.counts).toEqual({ error: 4, warning: 3, info: 0 });

    // Make a cycle: claims now depends on fnol (fnol → payments → claims → fnol).
    const claims = (await t.request({ method: 'GET', url: '/api/orgs/findings/activities/claims' })).json();
    await t.request({ method: 'PUT', url: '/api/orgs/findings/activities/claims', payload: { ...claims, dependsOn: ['fnol'] } });
    const after = (await t.request({ method: 'GET', url: '/api/orgs/findings/findings' })).json();
    const cycle = after.items.find((f: { rule: string }) => f.rule === 'dependency_cycle');
    expect(cycle.values.cycle).toMatch(/→/);
    expect(cycle.values.cycle.split(' → ').sort()).toEqual(['claims', 'claims', 'fnol', 'payments'].sort());
    expect(after.modelVersion).toBeGreaterThan(findings.modelVersion);
  });
});

describe('model interchange', () => {
  it('round-trips the demo organisation: import → export → import gives the same model', async () => {
    const demo = JSON.parse(readFileSync(new URL('../../data/demo/organisation.json', import.meta.url), 'utf8'));
    await importSmall('demo-a', demo);
    const exported = (await t.request({ method: 'GET', url: '/api/orgs/demo-a/model' })).json();
    await importSmall('demo-b', exported);
    const again = (await t.request({ method: 'GET', url: '/api/orgs/demo-b/model' })).json();
    expect({ ...again, organisation: { ...again.organisation, id: 'x' } }).toEqual({ ...exported, organisation: { ...exported.organisation, id: 'x' } });
    // And it is the file's model, durations converted to hours.
    const parsed = OrganisationModel.parse(demo);
    expect(exported.activities).toEqual(JSON.parse(JSON.stringify(parsed.activities)));
    expect(exported.strategies).toEqual(JSON.parse(JSON.stringify(parsed.strategies)));
    expect(exported.activities.length).toBeGreaterThanOrEqual(20);
  });

  it('writes nothing when the document has a problem', async () => {
    await importSmall('atomic');
    const before = (await t.request({ method: 'GET', url: '/api/orgs/atomic/model' })).json();
    const broken = smallModel();
    broken.activities.push({ id: 'bad', name: 'Bad', mtpd: 1, rto: 1, mbco: 0.5, suppliers: ['ghost'] } as never);
    const response = await t.request({ method: 'PUT', url: '/api/orgs/atomic/model', payload: broken });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([expect.objectContaining({ path: 'activities[2].suppliers[0]', rule: 'unknown_reference', value: 'ghost' })]);
    expect((await t.request({ method: 'GET', url: '/api/orgs/atomic/model' })).json()).toEqual(before);

    const schemaBroken = await t.request({
      method: 'PUT',
      url: '/api/orgs/atomic/model',
      payload: { activities: [{ id: 'a', name: 'A', mtpd: -1, rto: 0, mbco: 2 }] },
    });
    expect(schemaBroken.statusCode).toBe(400);
    expect(schemaBroken.json().error.details.map((d: { path: string }) => d.path)).toEqual(['body.activities[0].mtpd', 'body.activities[0].mbco']);
  });
});

describe('BIA spreadsheet', () => {
  beforeAll(async () => {
    await importSmall('sheet');
  });

  it('serves templates that import back', async () => {
    for (const format of ['csv', 'xlsx'] as const) {
      const template = await t.request({ method: 'GET', url: `/api/templates/activities?format=${format}` });
      expect(template.statusCode).toBe(200);
      expect(template.headers['content-disposition']).toContain(`.${format}`);
      expect(template.rawPayload.length).toBeGreaterThan(50);
    }
    const orgTemplate = await t.request({ method: 'GET', url: '/api/orgs/sheet/activities.template?format=csv' });
    expect(orgTemplate.body.split('\n')[0]).toContain('financial@1h');
  });

  it('imports a CSV, and exports XLSX that imports again to the same activities', async () => {
    const csv = [
      'id,name,mtpd,rto,mbco,applications,staff,financial@1h,financial@1d',
      'fnol,First notice of loss,1d,4h,60%,crm,paris:10:0.5:vpn,2,4',
      'claims,Claims (renamed),3d,24,0.5,crm,paris:40:0.5:vpn,,',
    ].join('\n');
    const response = await t.request({ method: 'POST', url: '/api/orgs/sheet/activities.sheet', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ created: 1, updated: 1 });
    const fnol = (await t.request({ method: 'GET', url: '/api/orgs/sheet/activities/fnol' })).json();
    expect(fnol).toMatchObject({ mtpd: 24, rto: 4, mbco: 0.6, staff: [{ site: 'paris', headcount: 10, remote: 0.5, access: ['vpn'] }] });
    expect(fnol.computed.suggestedMtpd).toBe(24);

    const xlsx = await t.request({ method: 'GET', url: '/api/orgs/sheet/activities.sheet?format=xlsx' });
    expect(xlsx.statusCode).toBe(200);
    const before = (await t.request({ method: 'GET', url: '/api/orgs/sheet/model' })).json().activities;
    const reimport = await t.request({
      method: 'POST',
      url: '/api/orgs/sheet/activities.sheet',
      payload: xlsx.rawPayload,
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    });
    expect(reimport.statusCode, reimport.body).toBe(200);
    expect(reimport.json()).toMatchObject({ created: 0, updated: before.length });
    expect((await t.request({ method: 'GET', url: '/api/orgs/sheet/model' })).json().activities).toEqual(before);
  });

  it('reports bad rows by number and column, and writes nothing', async () => {
    const before = (await t.request({ method: 'GET', url: '/api/orgs/sheet/model' })).json();
    const csv = [
      'id,name,mtpd,rto,mbco,applications,staff',
      'ok-one,Fine,1d,4h,0.5,crm,',
      'bad-mtpd,Bad MTPD,soon,4h,0.5,,',
      'bad-app,Unknown application,1d,4h,0.5,ghost,',
      'bad-site,Unknown site,1d,4h,0.5,,mars:3:0:',
    ].join('\n');
    const response = await t.request({ method: 'POST', url: '/api/orgs/sheet/activities.sheet', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(response.statusCode).toBe(400);
    // Values and references in one pass: one round of corrections, in the order of the rows.
    expect(response.json().error.details).toEqual([
      expect.objectContaining({ row: 3, column: 'mtpd', value: 'soon' }),
      expect.objectContaining({ row: 4, column: 'applications', rule: 'unknown_reference', value: 'ghost' }),
      expect.objectContaining({ row: 5, column: 'staff', rule: 'unknown_reference', value: 'mars' }),
    ]);

    const references = csv.replace('bad-mtpd,Bad MTPD,soon', 'bad-mtpd,Bad MTPD,1d');
    const second = await t.request({ method: 'POST', url: '/api/orgs/sheet/activities.sheet', payload: references, headers: { 'content-type': 'text/csv' } });
    expect(second.statusCode).toBe(400);
    expect(second.json().error.details).toEqual([
      expect.objectContaining({ row: 4, column: 'applications', rule: 'unknown_reference', value: 'ghost' }),
      expect.objectContaining({ row: 5, column: 'staff', rule: 'unknown_reference', value: 'mars' }),
    ]);
    expect((await t.request({ method: 'GET', url: '/api/orgs/sheet/model' })).json()).toEqual(before);
  });

  it('checks the references of a row refused for its values, and lets other rows depend on it, in the same pass', async () => {
    const csv = [
      'id,name,mtpd,rto,mbco,applications,depends_on',
      'upstream,Refused for its MBCO,1d,4h,150%,ghost-app;crm,',
      'downstream,Depends on the refused row,1d,4h,0.5,,upstream;ghost-activity',
    ].join('\n');
    const response = await t.request({ method: 'POST', url: '/api/orgs/sheet/activities.sheet', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([
      expect.objectContaining({ row: 2, column: 'mbco', value: '150%' }),
      expect.objectContaining({ row: 2, column: 'applications', rule: 'unknown_reference', value: 'ghost-app' }),
      expect.objectContaining({ row: 3, column: 'depends_on', rule: 'unknown_reference', value: 'ghost-activity' }),
    ]);
  });

  it('refuses a body that is not a spreadsheet', async () => {
    const response = await t.request({ method: 'POST', url: '/api/orgs/sheet/activities.sheet', payload: 'x', headers: { 'content-type': 'text/plain' } });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('unsupported_media_type');
  });
});
