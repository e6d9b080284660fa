// The knowledge base over HTTP on a real database (embedded, or PostgreSQL with DATABASE_URL): articles one at a time,
// sanitised answers, review dates, imports (JSON, CSV, XLSX) and exports, the search a signed-in member gets, the
// handoff contact, audit, roles, tenants, and hostile input.
import ExcelJS from 'exceljs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallModel, startTestApp, type TestApp, type TestUser } from '../support/app.js';
import { ROOT } from '../support/cli.js';

let t: TestApp;
const ORG = 'acme';
const OTHER = 'rival';
const BASE = `/api/orgs/${ORG}/kb/articles`;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const users: Record<string, TestUser> = {};
let fixture: { articles: Array<Record<string, unknown>> };

beforeAll(async () => {
  t = await startTestApp();
  for (const org of [ORG, OTHER]) {
    const response = await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: smallModel() });
    expect(response.statusCode, response.body).toBe(200);
  }
  for (const role of ['continuityManager', 'auditor', 'employee', 'crisisTeam'] as const)
    users[role] = await t.createUser(`${role.toLowerCase()}@acme.example`, { org: ORG, role });
  fixture = JSON.parse(await readFile(join(ROOT, 'bench/data/kb-fixture.json'), 'utf8'));
});
afterAll(async () => {
  await t?.close();
});

function article(overrides: Record<string, unknown> = {}) {
  return {
    id: 'masks',
    lang: 'fr',
    question: 'Où trouver des masques ?',
    variants: ['masques FFP2'],
    answer: '<p>À l’accueil de chaque site, <strong>deux par jour</strong>. <a href="https://example.org/masques" onclick="x()">Détails</a></p>',
    source: 'Services généraux',
    url: 'https://intranet.acme.example/masques',
    published: '2020-03-17',
    reviewBy: '2099-06-30',
    audience: 'public',
    tags: ['santé'],
    ...overrides,
  };
}

const LONG_QUESTION = 'x'.repeat(501);
const LONG_ANSWER = 'a'.repeat(20_001);

describe('one article at a time', () => {
  it('creates an article with a sanitised answer, reads, lists, replaces and removes it, each change audited', async () => {
    const created = await t.request({
      method: 'POST',
      url: BASE,
      payload: article({ answer: '<p onmouseover="x">Hi<script>alert(1)</script> <img src=x onerror=alert(1)><a href="javascript:alert(1)">me</a></p>' }),
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ id: 'masks', answer: '<p>Hi <a>me</a></p>', stale: false, abilities: { update: true, delete: true } });
    expect((await t.request({ method: 'POST', url: BASE, payload: article() })).statusCode).toBe(409);
    const replaced = await t.request({
      method: 'PUT',
      url: `${BASE}/masks`,
      payload: { ...created.json<Record<string, unknown>>(), answer: article().answer },
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json().answer).toBe(
      '<p>À l’accueil de chaque site, <strong>deux par jour</strong>. <a href="https://example.org/masques" rel="noopener noreferrer" target="_blank">Détails</a></p>',
    );
    const list = (await t.request({ method: 'GET', url: `${BASE}?q=ffp2` })).json();
    expect(list).toMatchObject({ total: 1, stale: 0, abilities: { create: true, import: true } });
    const renamed = await t.request({ method: 'PUT', url: `${BASE}/masks`, payload: article({ id: 'other' }) });
    expect(renamed.json().error.details[0]).toMatchObject({ path: 'body.id', rule: 'id_mismatch' });
    expect((await t.request({ method: 'DELETE', url: `${BASE}/masks` })).statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: `${BASE}/masks` })).statusCode).toBe(404);
    const audit = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/audit?entity=kbArticle&limit=10` })).json().items;
    expect(audit.map((entry: { action: string }) => entry.action)).toEqual(['delete', 'update', 'create']);
    expect(audit[2].after).toMatchObject({ id: 'masks', source: 'Services généraux', answerLength: expect.any(Number) });
  });

  it('flags articles past their review date and lists them for editors', async () => {
    await t.request({ method: 'POST', url: BASE, payload: article({ id: 'old', reviewBy: '2020-06-30' }) });
    await t.request({ method: 'POST', url: BASE, payload: article({ id: 'fresh' }) });
    const page = (await t.request({ method: 'GET', url: `${BASE}?stale=true` })).json();
    expect(page).toMatchObject({ total: 1, stale: 1, items: [{ id: 'old', stale: true, reviewBy: '2020-06-30' }] });
    expect((await t.request({ method: 'GET', url: `${BASE}/fresh` })).json().stale).toBe(false);
  });

  it.each([
    [{ lang: 'de' }, 'body.lang', 'invalid_value'],
    [{ published: '17/03/2020' }, 'body.published', 'format'],
    [{ reviewBy: '2020-01-01' }, 'body.reviewBy', 'after_published'],
    [{ url: 'javascript:alert(1)' }, 'body.url', 'format'],
    [{ audience: 'everyone' }, 'body.audience', 'invalid_value'],
    [{ answer: '<script>only</script>' }, 'body.answer', 'required'],
    [{ question: LONG_QUESTION }, 'body.question', 'too_big'],
    [{ answer: LONG_ANSWER }, 'body.answer', 'too_big'],
    [{ id: '../etc' }, 'body.id', 'format'],
    [{ question: 'nul \u0000 byte' }, 'body.question', 'invalid_text'],
    [{ birthday: '2020-01-01' }, 'body', 'unrecognized_keys'],
  ])('refuses a bad article (%#)', async (overrides, path, rule) => {
    const response = await t.request({ method: 'POST', url: BASE, payload: article({ id: 'bad', ...overrides }) });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path, rule })]));
  });

  it('refuses malformed and oversized bodies without echoing them', async () => {
    const malformed = await t.request({ method: 'POST', url: BASE, payload: '{"id": ', headers: { 'content-type': 'application/json' } });
    expect(malformed.statusCode).toBe(400);
    const big = await t.request({
      method: 'POST',
      url: BASE,
      payload: JSON.stringify(article({ answer: 'x'.repeat(2_000_000) })),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.statusCode).toBe(413);
    expect(big.body.length).toBeLessThan(2000);
    const query = await t.request({ method: 'GET', url: `${BASE}?limit=100000&evil=1` });
    expect(query.statusCode).toBe(400);
  });
});

describe('import, export and search', () => {
  it('imports the fixture as JSON, exports JSON, CSV and XLSX that import back unchanged, and replaces', async () => {
    const imported = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/kb.json?mode=replace`, payload: fixture });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toEqual({ mode: 'replace', articles: 60, created: 60, updated: 0, unchanged: 0, removed: 2, total: 60 });
    for (const format of ['json', 'csv', 'xlsx'] as const) {
      const exported = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/kb.${format}` });
      expect(exported.statusCode).toBe(200);
      expect(exported.headers['content-disposition']).toBe(`attachment; filename="${ORG}-kb.${format}"`);
      const back =
        format === 'json'
          ? await t.request({ method: 'POST', url: `/api/orgs/${ORG}/kb.json?mode=replace`, payload: exported.json() })
          : await t.request({
              method: 'POST',
              url: `/api/orgs/${ORG}/kb.sheet?mode=replace`,
              payload: exported.rawPayload,
              headers: { 'content-type': format === 'csv' ? 'text/csv' : XLSX },
            });
      expect(back.json(), `${format}: ${back.body}`).toEqual({ mode: 'replace', articles: 60, created: 0, updated: 0, unchanged: 60, removed: 0, total: 60 });
    }
    const audit = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/audit?entity=kb&limit=10` })).json().items;
    expect(audit[0]).toMatchObject({ action: 'import', after: { mode: 'replace', created: expect.any(Array) } });
  });

  it('refuses a bad spreadsheet whole, each problem by row and column', async () => {
    const csv = 'id,lang,question,answer,source,published,audience,colour\r\na,fr,Q,A,S,2020-01-01,staff,red\r\n';
    const unknown = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/kb.sheet`, payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details[0]).toMatchObject({ rule: 'unknown_column', value: 'colour', row: 1 });
    const rows = 'id,lang,question,answer,source,published,audience\r\na,fr,Q,A,S,2020-13-01,staff\r\nb,xx,Q,A,S,2020-01-01,staff\r\n';
    const bad = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/kb.sheet`, payload: rows, headers: { 'content-type': 'text/csv' } });
    expect(bad.json().error.details).toEqual([
      expect.objectContaining({ row: 2, column: 'published', rule: 'format' }),
      expect.objectContaining({ row: 3, column: 'lang', rule: 'invalid_value' }),
    ]);
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Articles').addRows([
      ['id', 'lang', 'question', 'answer', 'source', 'published', 'audience'],
      ['x', 'en', 'Q?', 'A.', 'S', 43_900, 'public'],
    ]);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const dated = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/kb.sheet`, payload: xlsx, headers: { 'content-type': XLSX } });
    expect(dated.json()).toMatchObject({ created: 1 });
    expect((await t.request({ method: 'GET', url: `${BASE}/x` })).json().published).toBe('2020-03-10');
    await t.request({ method: 'DELETE', url: `${BASE}/x` });
    const empty = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/kb.sheet`, payload: '', headers: { 'content-type': 'text/csv' } });
    expect(empty.statusCode).toBe(400);
    const wrongType = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/kb.sheet`, payload: '<x/>', headers: { 'content-type': 'application/xml' } });
    expect(wrongType.statusCode).toBe(415);
  });

  it('answers a signed-in member from public and staff articles, with source, date and the handoff; nothing when nothing fits', async () => {
    const search = (q: string, lang: string, as = users.employee.session) =>
      t.request({ method: 'GET', url: `/api/orgs/${ORG}/kb/search?q=${encodeURIComponent(q)}&lang=${lang}`, as });
    const found = await search('j ai oublie mon mdp', 'fr');
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().answers[0]).toMatchObject({
      id: 'password-reset',
      article: { source: "Direction des systèmes d'information", published: '2020-03-17', stale: true },
    });
    expect((await search('tarte aux pommes', 'fr')).json()).toEqual({ answers: [], handoff: null });
    const handoff = { label: { fr: 'Cellule de crise', en: 'Crisis team' }, phone: '+33 1 70 00 00 00' };
    const set = await t.request({ method: 'PUT', url: `/api/orgs/${ORG}/kb/handoff`, payload: { handoff } });
    expect(set.statusCode, set.body).toBe(200);
    expect((await search('tarte aux pommes', 'fr')).json().handoff).toMatchObject(handoff);
    const refused = await t.request({ method: 'PUT', url: `/api/orgs/${ORG}/kb/handoff`, payload: { handoff: { label: {} } } });
    expect(refused.json().error.details[0]).toMatchObject({ path: 'body.handoff.phone', rule: 'contact_required' });
    // A write is searchable at once (the index follows the knowledge base's revision).
    await t.request({ method: 'POST', url: BASE, payload: article({ id: 'zebra', question: 'Où sont les zèbres du parking ?', audience: 'staff' }) });
    expect((await search('zebres parking', 'fr')).json().answers[0].id).toBe('zebra');
    await t.request({ method: 'DELETE', url: `${BASE}/zebra` });
    expect((await search('zebres parking', 'fr')).json().answers).toEqual([]);
    for (const bad of ['q=&lang=fr', 'q=x&lang=de', `q=${'x'.repeat(2001)}&lang=en`, 'q=x&lang=fr&limit=99'])
      expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/kb/search?${bad}` })).statusCode, bad).toBe(400);
  });
});

describe('roles and tenants', () => {
  it('lets every member read and search; only owners, administrators and continuity managers change it', async () => {
    for (const role of ['employee', 'auditor', 'crisisTeam']) {
      const as = users[role].session;
      const list = await t.request({ method: 'GET', url: BASE, as });
      expect(list.statusCode).toBe(200);
      expect(list.json().abilities).toEqual({ create: false, import: false });
      expect((await t.request({ method: 'POST', url: BASE, payload: article({ id: 'r' }), as })).statusCode, role).toBe(403);
      expect((await t.request({ method: 'DELETE', url: `${BASE}/masks-en`, as })).statusCode, role).toBe(403);
      expect((await t.request({ method: 'PUT', url: `/api/orgs/${ORG}/kb/handoff`, payload: { handoff: null }, as })).statusCode, role).toBe(403);
    }
    const manager = await t.request({ method: 'POST', url: BASE, payload: article({ id: 'by-manager' }), as: users.continuityManager.session });
    expect(manager.statusCode).toBe(201);
  });

  it('keeps organisations apart', async () => {
    await t.request({
      method: 'POST',
      url: `/api/orgs/${OTHER}/kb/articles`,
      payload: article({ id: 'secret', question: 'Quel est le code du coffre ?', answer: 'RIVAL-SECRET' }),
    });
    expect((await t.request({ method: 'GET', url: `${BASE}/secret` })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `${BASE}?q=RIVAL` })).json().total).toBe(0);
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/kb/search?q=code+du+coffre&lang=fr` })).json().answers).toEqual([]);
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/kb.json` })).body).not.toContain('RIVAL-SECRET');
    expect((await t.request({ method: 'GET', url: `/api/orgs/${OTHER}/kb/articles`, as: users.employee.session })).statusCode).toBe(404);
  });
});
