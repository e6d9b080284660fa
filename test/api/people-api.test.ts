// The people directory over HTTP on a real database (embedded, or PostgreSQL with DATABASE_URL): one person at a time,
// pages and search, spreadsheet import (all or nothing, problems by row and column) and export, audit, roles, tenants.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallModel, startTestApp, type TestApp, type TestUser } from '../support/app.js';
import { writeXlsxBomb } from '../support/xlsx-bomb.js';

let t: TestApp;
const ORG = 'acme';
const OTHER = 'rival';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const BASE = `/api/orgs/${ORG}/people`;
const users: Record<string, TestUser> = {};

beforeAll(async () => {
  t = await startTestApp();
  for (const org of [ORG, OTHER]) {
    const response = await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: smallModel() });
    expect(response.statusCode, response.body).toBe(200);
  }
  for (const role of ['crisisTeam', 'auditor', 'activityOwner', 'employee', 'continuityManager'] as const)
    users[role] = await t.createUser(`${role.toLowerCase()}@acme.example`, { org: ORG, role });
});
afterAll(async () => {
  await t?.close();
});

function claire(overrides: Record<string, unknown> = {}) {
  return {
    id: 'S-0001',
    name: 'Claire Morel',
    email: 'Claire.Morel@acme.example',
    mobile: '+33 6 12 34 56 78',
    language: 'fr',
    site: 'paris',
    activities: ['claims'],
    remoteCapable: true,
    ...overrides,
  };
}

async function create(body: Record<string, unknown>, org = ORG) {
  return t.request({ method: 'POST', url: `/api/orgs/${org}/people`, payload: body });
}

async function importSheet(body: string | Buffer, options: { type?: string; mode?: 'upsert' | 'replace'; org?: string } = {}) {
  return t.request({
    method: 'POST',
    url: `/api/orgs/${options.org ?? ORG}/people.sheet${options.mode ? `?mode=${options.mode}` : ''}`,
    payload: body,
    headers: { 'content-type': options.type ?? 'text/csv' },
  });
}

async function count(org = ORG): Promise<number> {
  const response = await t.request({ method: 'GET', url: `/api/orgs/${org}/people?limit=1` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().total;
}

async function removeAll() {
  await t.database.db.deleteFrom('people').execute();
}

async function modelVersion(): Promise<number> {
  return (await t.request({ method: 'GET', url: `/api/orgs/${ORG}` })).json().modelVersion;
}

describe('one person at a time', () => {
  beforeAll(removeAll);

  it('creates a person, normalising the mobile number and the e-mail address, without touching the model', async () => {
    const version = await modelVersion();
    const response = await create(claire());
    expect(response.statusCode, response.body).toBe(201);
    const person = response.json();
    expect(person).toMatchObject({
      id: 'S-0001',
      name: 'Claire Morel',
      email: 'claire.morel@acme.example',
      mobile: '+33612345678',
      language: 'fr',
      site: 'paris',
      activities: ['claims'],
      remoteCapable: true,
      abilities: { update: true, delete: true },
    });
    expect(Date.parse(person.createdAt)).not.toBeNaN();
    expect((await t.request({ method: 'GET', url: `${BASE}/S-0001` })).json()).toMatchObject({ id: 'S-0001', mobile: '+33612345678' });
    // People are not the model: no model version moves.
    expect(await modelVersion()).toBe(version);
  });

  it('generates an id when none is given, and accepts a person reachable by mobile only or by e-mail only', async () => {
    const mobileOnly = await create({ name: 'Tom Baker', mobile: '0044 7700 900123', language: 'en' });
    expect(mobileOnly.statusCode, mobileOnly.body).toBe(201);
    expect(mobileOnly.json()).toMatchObject({
      id: expect.stringMatching(/^p-[a-z2-9]{10}$/),
      email: null,
      mobile: '+447700900123',
      site: null,
      activities: [],
    });
    const emailOnly = await create({ name: 'Léa Dubois', email: 'lea@acme.example', language: 'fr', activities: ['claims', 'payments'] });
    expect(emailOnly.statusCode, emailOnly.body).toBe(201);
    expect(emailOnly.json()).toMatchObject({ mobile: null, remoteCapable: false, activities: ['claims', 'payments'] });
  });

  it('refuses a second person with the same id (409) or the same e-mail address in any case (409, naming the holder)', async () => {
    const sameId = await create(claire({ email: 'other@acme.example' }));
    expect(sameId.statusCode).toBe(409);
    expect(sameId.json().error).toMatchObject({ code: 'duplicate_id', details: [{ path: 'id', rule: 'duplicate_id', value: 'S-0001' }] });
    const sameEmail = await create(claire({ id: 'S-0002', email: 'CLAIRE.MOREL@ACME.EXAMPLE' }));
    expect(sameEmail.statusCode).toBe(409);
    expect(sameEmail.json().error.details).toEqual([expect.objectContaining({ path: 'email', rule: 'duplicate_email', value: 'claire.morel@acme.example' })]);
    expect(sameEmail.json().error.message).toContain('S-0001');
  });

  it('refuses sites and activities the model does not have, naming each', async () => {
    const response = await create(claire({ id: 'S-0003', email: 's3@acme.example', site: 'berlin', activities: ['claims', 'ghost', 'spectre'] }));
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_reference');
    expect(response.json().error.details).toEqual([
      expect.objectContaining({ path: 'site', rule: 'unknown_reference', value: 'berlin' }),
      expect.objectContaining({ path: 'activities[1]', rule: 'unknown_reference', value: 'ghost' }),
      expect.objectContaining({ path: 'activities[2]', rule: 'unknown_reference', value: 'spectre' }),
    ]);
    expect(await count()).toBe(3);
  });

  it.each([
    ['a national mobile number (no country)', { mobile: '06 12 34 56 78' }, 'body.mobile', 'e164', '0612345678'],
    ['letters in the mobile number', { mobile: '+33 6 CALL ME' }, 'body.mobile', 'e164', '+336CALLME'],
    ['a language other than fr or en', { language: 'de' }, 'body.language', 'invalid_value', 'de'],
    ['an e-mail address that is not one', { email: 'claire at acme' }, 'body.email', 'email', 'claire at acme'],
    ['no way to reach the person', { email: null, mobile: null }, 'body.email', 'contact_required', null],
    ['an empty name', { name: '   ' }, 'body.name', 'too_small', ''],
    ['the same activity twice', { activities: ['claims', 'claims'] }, 'body.activities[1]', 'unique', 'claims'],
    ['an id that is no id', { id: '../etc/passwd' }, 'body.id', 'format', '../etc/passwd'],
    ['remoteCapable as text', { remoteCapable: 'yes' }, 'body.remoteCapable', 'invalid_type', 'yes'],
  ])('refuses %s, naming field, rule and value', async (_label, change, path, rule, value) => {
    const response = await create(claire({ id: 'S-0100', email: 's100@acme.example', ...change }));
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.details).toContainEqual(expect.objectContaining({ path, rule, value }));
  });

  it('refuses fields it does not keep (address, birth date), not silently dropping them', async () => {
    const response = await create(claire({ id: 'S-0101', email: 's101@acme.example', address: '1 rue de la Paix', birthDate: '1980-01-01' }));
    expect(response.statusCode).toBe(400);
    const detail = response.json().error.details[0];
    expect(detail.rule).toBe('unrecognized_keys');
    expect(JSON.stringify(detail)).toContain('address');
    expect(JSON.stringify(detail)).toContain('birthDate');
    expect(await count()).toBe(3);
  });

  it('refuses oversized, malformed and hostile input', async () => {
    const long = await create(claire({ id: 'S-0102', email: 's102@acme.example', name: 'x'.repeat(201) }));
    expect(long.statusCode).toBe(400);
    expect(long.json().error.details).toContainEqual(expect.objectContaining({ path: 'body.name', rule: 'too_big', limit: 200 }));
    const many = await create(claire({ id: 'S-0103', email: 's103@acme.example', activities: Array.from({ length: 101 }, (_, i) => `a${i}`) }));
    expect(many.statusCode).toBe(400);
    expect(many.json().error.details).toContainEqual(expect.objectContaining({ path: 'body.activities', rule: 'too_big' }));
    const longMobile = await create(claire({ id: 'S-0104', email: 's104@acme.example', mobile: '+3'.padEnd(41, '3') }));
    expect(longMobile.statusCode).toBe(400);
    expect(longMobile.json().error.details).toContainEqual(expect.objectContaining({ path: 'body.mobile', rule: 'too_big' }));
    const huge = await t.request({
      method: 'POST',
      url: BASE,
      payload: JSON.stringify(claire({ name: 'x'.repeat(2 * 1024 * 1024) })),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('payload_too_large');
    const broken = await t.request({ method: 'POST', url: BASE, payload: '{"name": "Claire",', headers: { 'content-type': 'application/json' } });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('invalid_input');
    const nul = await create(claire({ id: 'S-0105', email: 's105@acme.example', name: 'Claire\u0000Morel' }));
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error.details).toContainEqual(expect.objectContaining({ path: 'body.name', rule: 'invalid_text' }));
    const script = await create(claire({ id: 'S-0106', email: 's106@acme.example', name: '<script>alert(1)</script>' }));
    // Stored as text (it is someone's name as typed); the web app escapes what it shows.
    expect(script.statusCode).toBe(201);
    expect(script.json().name).toBe('<script>alert(1)</script>');
    expect((await t.request({ method: 'DELETE', url: `${BASE}/S-0106` })).statusCode).toBe(204);
    const badQuery = await t.request({ method: 'GET', url: `${BASE}?limit=501&q=${'q'.repeat(201)}` });
    expect(badQuery.statusCode).toBe(400);
    expect(
      badQuery
        .json()
        .error.details.map((detail: { path: string; rule: string }) => `${detail.path} ${detail.rule}`)
        .sort(),
    ).toEqual(['query.limit too_big', 'query.q too_big']);
    expect(await count()).toBe(3);
  });

  it('refuses over-long, malformed and hostile ids and queries on every route of one person and on the exports', async () => {
    const long = 'a'.repeat(201);
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const tooLong = await t.request({ method, url: `${BASE}/${long}`, ...(method === 'PUT' ? { payload: claire() } : {}) });
      expect(tooLong.statusCode, method).toBe(400);
      expect(tooLong.json().error.details[0]).toMatchObject({ rule: 'too_long' });
      const nul = await t.request({ method, url: `${BASE}/a%00b`, ...(method === 'PUT' ? { payload: claire() } : {}) });
      expect(nul.statusCode, method).toBe(400);
      expect(nul.json().error.details[0]).toMatchObject({ rule: 'invalid_text' });
      const traversal = await t.request({ method, url: `${BASE}/..%2F..%2Fsecrets`, ...(method === 'PUT' ? { payload: claire() } : {}) });
      expect(traversal.statusCode, method).toBe(400);
      expect(traversal.json().error.details[0]).toMatchObject({ path: 'params.id', rule: 'format', value: '../../secrets' });
    }
    const separator = await t.request({ method: 'GET', url: `${BASE}.csv?separator=tab` });
    expect(separator.statusCode).toBe(400);
    expect(separator.json().error.details[0]).toMatchObject({ path: 'query.separator', rule: 'invalid_value', value: 'tab' });
    const unknown = await t.request({ method: 'GET', url: `${BASE}.xlsx?format=csv` });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details[0]).toMatchObject({ rule: 'unrecognized_keys' });
    const filter = await t.request({ method: 'GET', url: `${BASE}?site=${encodeURIComponent("paris' or 1=1 --")}` });
    expect(filter.statusCode).toBe(400);
    expect(filter.json().error.details[0]).toMatchObject({ path: 'query.site', rule: 'format' });
  });

  it('lets one of many simultaneous writers take an e-mail address, never two', async () => {
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => create(claire({ id: `RACE-${i}`, email: 'race@acme.example', mobile: null }))));
    expect(responses.map((response) => response.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const holders = await t.database.db.selectFrom('people').select('id').where('email', '=', 'race@acme.example').execute();
    expect(holders).toHaveLength(1);
    expect((await t.request({ method: 'DELETE', url: `${BASE}/${holders[0].id}` })).statusCode).toBe(204);
  });

  it('replaces a person, keeping id and creation time; the body may carry back what was read', async () => {
    const before = (await t.request({ method: 'GET', url: `${BASE}/S-0001` })).json();
    const response = await t.request({
      method: 'PUT',
      url: `${BASE}/S-0001`,
      payload: { ...before, site: 'lyon', remoteCapable: false, mobile: '+33 7 00 00 00 01' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ id: 'S-0001', site: 'lyon', remoteCapable: false, mobile: '+33700000001', createdAt: before.createdAt });
    const { id: _id, ...withoutId } = claire({ email: 'claire.morel@acme.example' });
    expect((await t.request({ method: 'PUT', url: `${BASE}/S-0001`, payload: withoutId })).statusCode).toBe(200);
  });

  it('refuses to change an id, to replace a missing person or to take another person’s address', async () => {
    const renamed = await t.request({ method: 'PUT', url: `${BASE}/S-0001`, payload: claire({ id: 'S-9999' }) });
    expect(renamed.statusCode).toBe(400);
    expect(renamed.json().error.details).toEqual([expect.objectContaining({ path: 'body.id', rule: 'id_mismatch', value: 'S-9999' })]);
    const missing = await t.request({ method: 'PUT', url: `${BASE}/S-0404`, payload: claire({ id: 'S-0404', email: 'nobody@acme.example' }) });
    expect(missing.statusCode).toBe(404);
    const lea = (await t.request({ method: 'GET', url: `${BASE}?q=lea@` })).json().items[0];
    const taken = await t.request({ method: 'PUT', url: `${BASE}/S-0001`, payload: claire({ email: lea.email }) });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.details[0]).toMatchObject({ path: 'email', rule: 'duplicate_email', value: 'lea@acme.example' });
  });

  it('removes a person (204), then knows them no more (404)', async () => {
    const created = await create(claire({ id: 'S-0200', email: 's200@acme.example' }));
    expect(created.statusCode).toBe(201);
    expect((await t.request({ method: 'DELETE', url: `${BASE}/S-0200` })).statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: `${BASE}/S-0200` })).statusCode).toBe(404);
    const again = await t.request({ method: 'DELETE', url: `${BASE}/S-0200` });
    expect(again.statusCode).toBe(404);
    expect(again.json().error.details[0]).toMatchObject({ path: 'id', rule: 'exists', value: 'S-0200' });
  });

  it('audits every change without the name, e-mail address or mobile number', async () => {
    const page = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/audit?entity=person&limit=100` })).json();
    const actions = page.items.map((entry: { action: string; entity: { id: string } }) => `${entry.action} ${entry.entity.id}`);
    expect(actions).toEqual(expect.arrayContaining(['create S-0001', 'update S-0001', 'delete S-0200', 'create S-0200']));
    const update = page.items.find((entry: { action: string }) => entry.action === 'update');
    expect(update.after.changed).toEqual(expect.arrayContaining(['site', 'remoteCapable']));
    const text = JSON.stringify(page.items);
    for (const secret of ['Claire', 'Morel', 'claire.morel', '612345678', '700000001', 'lea@acme']) expect(text).not.toContain(secret);
  });
});

describe('pages, search and filters', () => {
  const NAMES = ['Zoé Martin', 'adam Smith', 'Élodie Roux', 'Bruno Petit', 'chloé Faure', 'David Girard', 'Emma Blanc'];
  beforeAll(async () => {
    await removeAll();
    for (const [index, name] of NAMES.entries()) {
      const response = await create({
        id: `P${index}`,
        name,
        email: `p${index}@acme.example`,
        mobile: `+3361000000${index}`,
        language: index % 2 ? 'en' : 'fr',
        site: index < 4 ? 'paris' : 'lyon',
        activities: index % 3 === 0 ? ['claims', 'payments'] : ['payments'],
      });
      expect(response.statusCode, response.body).toBe(201);
    }
    await create({ id: 'X1', name: 'Outsider', email: 'p0@acme.example', language: 'en' }, OTHER);
  });

  it('walks every page by cursor, by name case-insensitively, each person once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `${BASE}?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.request({ method: 'GET', url })).json();
      expect(page.total).toBe(7);
      expect(page.abilities).toEqual({ create: true, import: true });
      seen.push(...page.items.map((person: { name: string }) => person.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['adam Smith', 'Bruno Petit', 'chloé Faure', 'David Girard', 'Emma Blanc', 'Zoé Martin', 'Élodie Roux']);
    const byId = (await t.request({ method: 'GET', url: `${BASE}?sort=id&order=desc&limit=2` })).json();
    expect(byId.items.map((person: { id: string }) => person.id)).toEqual(['P6', 'P5']);
    const next = (await t.request({ method: 'GET', url: `${BASE}?sort=id&order=desc&limit=2&cursor=${byId.nextCursor}` })).json();
    expect(next.items.map((person: { id: string }) => person.id)).toEqual(['P4', 'P3']);
  });

  it('searches ids, names, e-mail addresses and mobile numbers; filters by site and activity', async () => {
    const ids = async (query: string) => (await t.request({ method: 'GET', url: `${BASE}?${query}` })).json().items.map((person: { id: string }) => person.id);
    expect(await ids('q=SMITH')).toEqual(['P1']);
    expect(await ids('q=p4@')).toEqual(['P4']);
    expect(await ids('q=%2B33610000005')).toEqual(['P5']);
    // Pattern characters are matched literally.
    expect(await ids('q=%25')).toEqual([]);
    expect(await ids('q=_')).toEqual([]);
    expect(await ids('site=lyon&sort=id')).toEqual(['P4', 'P5', 'P6']);
    expect(await ids('activity=claims&sort=id')).toEqual(['P0', 'P3', 'P6']);
    expect(await ids('activity=claims&site=paris&sort=id')).toEqual(['P0', 'P3']);
    const filtered = (await t.request({ method: 'GET', url: `${BASE}?activity=claims` })).json();
    expect(filtered.total).toBe(3);
  });

  it('refuses a cursor that does not come from the list, and one of another sort', async () => {
    for (const cursor of ['nonsense', Buffer.from('[1,2,3]').toString('base64url')]) {
      const response = await t.request({ method: 'GET', url: `${BASE}?cursor=${cursor}` });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.details[0]).toMatchObject({ path: 'query.cursor', rule: 'cursor', value: cursor });
    }
    const byName = (await t.request({ method: 'GET', url: `${BASE}?limit=1` })).json().nextCursor;
    expect((await t.request({ method: 'GET', url: `${BASE}?sort=id&cursor=${byName}` })).statusCode).toBe(400);
  });

  it('keeps organisations apart: another organisation’s person is not found, listed, changed or removed here', async () => {
    expect((await t.request({ method: 'GET', url: `${BASE}/X1` })).statusCode).toBe(404);
    expect((await t.request({ method: 'PUT', url: `${BASE}/X1`, payload: { name: 'Hijack', email: 'h@acme.example', language: 'en' } })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `${BASE}/X1` })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `${BASE}?q=Outsider` })).json().total).toBe(0);
    // The same e-mail address in two organisations is two people.
    expect((await t.request({ method: 'GET', url: `/api/orgs/${OTHER}/people/X1` })).json().email).toBe('p0@acme.example');
    const export_ = await t.request({ method: 'GET', url: `${BASE}.csv` });
    expect(export_.body).not.toContain('Outsider');
    // A member of acme only is not a member of rival.
    const crisis = await t.request({ method: 'GET', url: `/api/orgs/${OTHER}/people`, as: users.crisisTeam.session });
    expect(crisis.statusCode).toBe(404);
  });

  it('lets the crisis team read but not change; activity owners, auditors and employees read nothing', async () => {
    const crisis = users.crisisTeam.session;
    const list = await t.request({ method: 'GET', url: BASE, as: crisis });
    expect(list.statusCode).toBe(200);
    expect(list.json().abilities).toEqual({ create: false, import: false });
    expect(list.json().items[0].abilities).toEqual({ update: false, delete: false });
    expect((await t.request({ method: 'GET', url: `${BASE}.csv`, as: crisis })).statusCode).toBe(200);
    const write = await t.request({ method: 'POST', url: BASE, payload: claire({ id: 'C1', email: 'c1@acme.example' }), as: crisis });
    expect(write.statusCode).toBe(403);
    for (const role of ['auditor', 'activityOwner', 'employee'])
      for (const url of [BASE, `${BASE}/P0`, `${BASE}.csv`, `${BASE}.xlsx`]) {
        const response = await t.request({ method: 'GET', url, as: users[role].session });
        expect(response.statusCode, `${role} ${url}`).toBe(403);
        expect(response.body).not.toContain('p0@acme.example');
      }
    const manager = await t.request({ method: 'DELETE', url: `${BASE}/P6`, as: users.continuityManager.session });
    expect(manager.statusCode).toBe(204);
  });
});

describe('spreadsheet import and export', () => {
  const HEADER = 'id,name,email,mobile,language,site,activities,remote_capable';
  beforeAll(removeAll);

  it('imports a CSV file (upsert): new rows created, changed ones replaced, others kept; one audit entry with counts and ids', async () => {
    const first = await importSheet(
      [
        HEADER,
        'S1,Claire Morel,claire@acme.example,+33 6 12 34 56 78,fr,paris,claims; payments,yes',
        'S2,Tom Baker,,+447700900123,EN,lyon,payments,no',
        'S3,Léa Dubois,lea@acme.example,,Français,,,',
      ].join('\r\n'),
    );
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ mode: 'upsert', rows: 3, created: 3, updated: 0, unchanged: 0, removed: 0, total: 3 });
    expect((await t.request({ method: 'GET', url: `${BASE}/S2` })).json()).toMatchObject({
      email: null,
      mobile: '+447700900123',
      language: 'en',
      remoteCapable: false,
    });
    expect((await t.request({ method: 'GET', url: `${BASE}/S3` })).json()).toMatchObject({ language: 'fr', site: null, activities: [] });

    const second = await importSheet(
      [HEADER, 'S1,Claire Morel,claire@acme.example,+33612345678,fr,lyon,claims,yes', 'S4,New Person,new@acme.example,,en,,,no'].join('\n'),
    );
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toEqual({ mode: 'upsert', rows: 2, created: 1, updated: 1, unchanged: 0, removed: 0, total: 4 });

    const audit = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/audit?entity=people` })).json().items;
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ action: 'import', entity: { type: 'people', id: null } });
    expect(audit[0].after).toMatchObject({ created: 1, updated: 1, removed: 0, format: 'csv', ids: { created: ['S4'], updated: ['S1'], removed: [] } });
    expect(JSON.stringify(audit)).not.toContain('claire@acme.example');
  });

  it('replaces the whole directory with --replace semantics: people absent from the file are removed', async () => {
    const response = await importSheet(
      [HEADER, 'S1,Claire Morel,claire@acme.example,+33612345678,fr,lyon,claims,yes', 'S5,Five,s2-address@acme.example,,fr,,,'].join('\n'),
      {
        mode: 'replace',
      },
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ mode: 'replace', rows: 2, created: 1, updated: 0, unchanged: 1, removed: 3, total: 2 });
    const ids = (await t.request({ method: 'GET', url: `${BASE}?sort=id` })).json().items.map((person: { id: string }) => person.id);
    expect(ids).toEqual(['S1', 'S5']);
    const audit = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/audit?entity=people&limit=1` })).json().items[0];
    expect(audit.after.ids.removed.sort()).toEqual(['S2', 'S3', 'S4']);
  });

  it('reports every problem of every row by row, column, rule and value, and writes nothing', async () => {
    const response = await importSheet(
      [
        'ID;Nom;Courriel;Portable;Langue;Site;Activités;Télétravail',
        'A1;Ann;ann@acme.example;06 12 34 56 78;fr;paris;claims;oui',
        'A2;;bob@acme.example;;de;berlin;claims, ghost;maybe',
        ';Nobody;nobody@acme.example;;fr;;;',
        'A1;Ann Again;ANN@acme.example;;en;;;',
        'A5;No Contact;;;en;;;',
      ].join('\n'),
    );
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error.message).toMatch(/problem\(s\); nothing was imported/);
    const found = error.details.map((p: { row: number; column: string; rule: string; value: unknown }) => [p.row, p.column, p.rule, p.value]);
    expect(found).toEqual([
      [2, 'Portable', 'e164', '0612345678'],
      [3, 'Nom', 'required', ''],
      [3, 'Langue', 'invalid_value', 'de'],
      [3, 'Site', 'unknown_reference', 'berlin'],
      [3, 'Activités', 'unknown_reference', 'ghost'],
      [3, 'Télétravail', 'boolean', 'maybe'],
      [4, 'ID', 'required', ''],
      [5, 'ID', 'duplicate_id', 'A1'],
      [5, 'Courriel', 'duplicate_email', 'ann@acme.example'],
      [6, 'Courriel', 'contact_required', ''],
    ]);
    for (const detail of error.details) expect(detail.message.length).toBeGreaterThan(5);
    expect(await count()).toBe(2);
  });

  it('refuses columns of data it does not keep, unknown and repeated columns, and data under no header', async () => {
    const response = await importSheet(
      ['id,name,email,language,Address,Date of birth,shoe size,name,', 'A1,Ann,ann@acme.example,fr,1 rue de la Paix,1980-01-01,42,Ann,stray'].join('\n'),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.map((p: { column: string; rule: string }) => `${p.column} ${p.rule}`)).toEqual([
      'Address not_kept',
      'Date of birth not_kept',
      'shoe size unknown_column',
      'name duplicate_column',
      'I unnamed_column',
    ]);
    const missing = await importSheet('name,site\nAnn,paris\n');
    expect(missing.json().error.details.map((p: { value: string; rule: string }) => `${p.value} ${p.rule}`)).toEqual([
      'id missing_column',
      'language missing_column',
      'email missing_column',
    ]);
    expect(await count()).toBe(2);
  });

  it('refuses in upsert mode an address held by someone the file does not name; in replace mode that person goes', async () => {
    const upsert = await importSheet([HEADER, 'N1,Newcomer,S2-ADDRESS@acme.example,,fr,,,'].join('\n'));
    expect(upsert.statusCode).toBe(400);
    expect(upsert.json().error.details).toEqual([
      expect.objectContaining({ row: 2, column: 'email', rule: 'duplicate_email', value: 's2-address@acme.example', message: expect.stringContaining('S5') }),
    ]);
    const replace = await importSheet(
      [HEADER, 'S1,Claire Morel,claire@acme.example,+33612345678,fr,lyon,claims,yes', 'N1,Newcomer,s2-address@acme.example,,fr,,,'].join('\n'),
      {
        mode: 'replace',
      },
    );
    expect(replace.statusCode, replace.body).toBe(200);
    expect(replace.json()).toMatchObject({ created: 1, removed: 1, unchanged: 1, total: 2 });
  });

  it('exports CSV (BOM, comma or semicolon) and XLSX that import back unchanged', async () => {
    const formula = await create({
      id: 'F1',
      name: '=HYPERLINK("http://evil.example","x")',
      email: 'f1@acme.example',
      language: 'en',
      activities: ['claims', 'payments'],
    });
    expect(formula.statusCode).toBe(201);
    const csv = await t.request({ method: 'GET', url: `${BASE}.csv` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="${ORG}-people.csv"`);
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = csv.rawPayload.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe(HEADER);
    // A cell Excel would run as a formula is defused; reading removes the quote again.
    expect(lines.find((line) => line.startsWith('F1'))).toContain(`'=HYPERLINK`);
    expect(lines.find((line) => line.startsWith('F1'))).toContain('claims; payments');
    const semicolon = await t.request({ method: 'GET', url: `${BASE}.csv?separator=semicolon` });
    expect(semicolon.rawPayload.toString('utf8').split('\r\n')[0]).toBe(`\uFEFF${HEADER.replaceAll(',', ';')}`);
    const xlsx = await t.request({ method: 'GET', url: `${BASE}.xlsx` });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toBe(XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(workbook.getWorksheet('People')!.getRow(1).values).toEqual([undefined, ...HEADER.split(',')]);

    const before = (await t.request({ method: 'GET', url: BASE })).json().items;
    for (const [body, type] of [
      [csv.rawPayload, 'text/csv'],
      [semicolon.rawPayload, 'text/csv'],
      [xlsx.rawPayload, XLSX],
      // Some clients send every file as application/octet-stream: the bytes tell XLSX from CSV.
      [xlsx.rawPayload, 'application/octet-stream'],
    ] as const) {
      const response = await importSheet(body, { type, mode: 'replace' });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ created: 0, updated: 0, removed: 0, unchanged: 3 });
    }
    expect((await t.request({ method: 'GET', url: BASE })).json().items).toEqual(before);
    expect(before.find((person: { id: string }) => person.id === 'F1').name).toBe('=HYPERLINK("http://evil.example","x")');
  });

  it('refuses a mobile number the spreadsheet stored as a number (its + is gone), saying how to fix it', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('People');
    sheet.addRow(['id', 'name', 'mobile', 'language']);
    sheet.addRow(['M1', 'Numeric', 33612345678, 'fr']);
    const response = await importSheet(Buffer.from(await workbook.xlsx.writeBuffer()), { type: XLSX });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([
      expect.objectContaining({ row: 2, column: 'mobile', rule: 'e164', value: 33612345678, message: expect.stringContaining('as text') }),
    ]);
  });

  it('refuses malformed, oversized and hostile files with the rule, and an empty body or another media type', async () => {
    const garbage = await importSheet(Buffer.from('PK\u0003\u0004 this is no zip at all'), { type: XLSX });
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().error.details[0]).toMatchObject({ path: 'file', rule: 'unreadable_file' });
    const nul = await importSheet(`${HEADER}\nA1,Ann\u0000,ann@acme.example,,fr,,,\n`);
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error.details[0]).toMatchObject({ rule: 'invalid_text', row: 2, column: 'B' });
    const quotes = await importSheet(`${HEADER}\nA1,"Ann,ann@acme.example,,fr,,,\n`);
    expect(quotes.statusCode).toBe(400);
    expect(quotes.json().error.details[0].rule).toBeDefined();
    const headerOnly = await importSheet(`${HEADER}\r\n`);
    expect(headerOnly.json().error.details[0]).toMatchObject({ rule: 'empty_file', row: 2 });
    const empty = await t.request({ method: 'POST', url: `${BASE}.sheet`, headers: { 'content-type': 'text/csv', 'content-length': '0' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details[0]).toMatchObject({ path: 'body', rule: 'required' });
    const json = await t.request({ method: 'POST', url: `${BASE}.sheet`, payload: { id: 'A1' } });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.details[0]).toMatchObject({ path: 'headers.content-type', rule: 'media_type', value: 'application/json' });
    const huge = await t.request({
      method: 'POST',
      url: `${BASE}.sheet`,
      payload: Buffer.alloc(33 * 1024 * 1024, 0x61),
      headers: { 'content-type': 'text/csv' },
    });
    expect(huge.statusCode).toBe(413);
    const badMode = await importSheet(`${HEADER}\nA1,Ann,ann@acme.example,,fr,,,\n`, { mode: 'merge' as 'upsert' });
    expect(badMode.statusCode).toBe(400);
    expect(badMode.json().error.details[0]).toMatchObject({ path: 'query.mode', value: 'merge' });
    expect(await count()).toBe(3);
  });

  it('refuses a spreadsheet bomb from its ZIP directory, before inflating it', { timeout: 60_000 }, async () => {
    const bomb = await writeXlsxBomb({ rows: 60_000, columns: 20, sheetName: 'People' });
    expect(bomb.sheetXmlBytes).toBeGreaterThan(50 * 1024 * 1024);
    const before = await count();
    const started = performance.now();
    const response = await importSheet(bomb.file, { type: XLSX });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([expect.objectContaining({ path: 'file', rule: 'too_large_uncompressed' })]);
    expect(response.json().error.details[0].value).toBeGreaterThanOrEqual(bomb.sheetXmlBytes);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await count()).toBe(before);
  });

  it('refuses a file of more than 100,000 people before reading the rest, and lists at most 500 problems', { timeout: 60_000 }, async () => {
    const rows = Array.from({ length: 100_001 }, (_, i) => `R${i},P${i},,,fr,,,`);
    const tooMany = await importSheet(`${HEADER}\n${rows.join('\n')}\n`);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.details).toEqual([expect.objectContaining({ path: 'file', rule: 'too_many_rows', value: 100_001 })]);
    const bad = await importSheet(`${HEADER}\n${rows.slice(0, 600).join('\n')}\n`);
    const details = bad.json().error.details;
    expect(details).toHaveLength(501);
    expect(details[0]).toMatchObject({ row: 2, column: 'email', rule: 'contact_required' });
    expect(details[500]).toMatchObject({ rule: 'too_many_problems', value: 100 });
    expect(await count()).toBe(3);
  });

  it('imports 20,000 people in one request, quickly, and pages through them', { timeout: 60_000 }, async () => {
    const rows = Array.from(
      { length: 20_000 },
      (_, i) => `B${String(i).padStart(5, '0')},Person ${i},b${i}@acme.example,+3361${String(i).padStart(7, '0')},${i % 2 ? 'en' : 'fr'},paris,claims,yes`,
    );
    const started = performance.now();
    const response = await importSheet(`${HEADER}\n${rows.join('\n')}\n`);
    const elapsed = performance.now() - started;
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    expect(response.json()).toMatchObject({ created: 20_000, total: 20_003 });
    console.log(`people import: 20,000 rows in ${Math.round(elapsed)} ms`);
    expect(elapsed).toBeLessThan(20_000);
    const deep = (await t.request({ method: 'GET', url: `${BASE}?sort=id&limit=500&activity=claims&site=paris` })).json();
    expect(deep.total).toBe(20_000);
    expect(deep.items).toHaveLength(500);
  });

  it('answers 404 for an organisation that does not exist or is another’s, on every people route', async () => {
    for (const [method, url] of [
      ['GET', '/api/orgs/nowhere/people'],
      ['GET', '/api/orgs/nowhere/people.csv'],
      ['POST', '/api/orgs/nowhere/people.sheet'],
    ] as const) {
      const response = await t.request({ method, url, ...(method === 'POST' ? { payload: `${HEADER}\n`, headers: { 'content-type': 'text/csv' } } : {}) });
      expect(response.statusCode, url).toBe(404);
    }
  });
});
