// Pages of the model's collections are served from a cache keyed by the organisation's model version and the caller:
// never stale after a write (through this server or another process), never with another caller's abilities.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { replaceEntity } from '../../src/operations/model-writer.js';
import { smallModel, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  expect((await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'cached', name: 'Cached' } })).statusCode).toBe(201);
  const model = smallModel() as { activities: Array<Record<string, unknown>> };
  model.activities[0].owner = 'Claire Morel';
  model.activities[1].owner = 'Paul Durand';
  expect((await t.request({ method: 'PUT', url: '/api/orgs/cached/model', payload: model })).statusCode).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

const page = async (as?: Parameters<TestApp['request']>[0]['as'], query = '') => {
  const response = await t.request({ method: 'GET', url: `/api/orgs/cached/activities${query}`, ...(as !== undefined ? { as } : {}) });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return response.json() as {
    items: Array<{ id: string; name: string; abilities: Record<string, boolean> }>;
    total: number;
    abilities: Record<string, boolean>;
  };
};

describe('cached pages of a collection', () => {
  it('shows a write at once, whether made through this server or by another process', async () => {
    const before = await page();
    expect(before.items.map((item) => item.name)).toEqual(['Claims', 'Payments']);
    expect(await page()).toEqual(before);

    const claims = (await t.request({ method: 'GET', url: '/api/orgs/cached/activities/claims' })).json();
    const { abilities: _a, computed: _c, ...stored } = claims;
    const renamed = await t.request({ method: 'PUT', url: '/api/orgs/cached/activities/claims', payload: { ...stored, name: 'Claims handling' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((await page()).items[0].name).toBe('Claims handling');

    // Another process writes straight to the database: this server's cache has never seen the write.
    await actAs(SYSTEM, () => replaceEntity(t.database.db, 'cached', 'activities', 'claims', { ...stored, name: 'Claims (other process)' } as never));
    expect((await page()).items[0].name).toBe('Claims (other process)');
    const created = await t.request({
      method: 'POST',
      url: '/api/orgs/cached/activities',
      payload: { id: 'audit-prep', name: 'Audit preparation', mtpd: '2w', rto: '1w', mbco: 0.2 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const after = await page();
    expect(after.total).toBe(3);
    expect(after.items.map((item) => item.id)).toContain('audit-prep');
  });

  it('gives each caller their own abilities, and each query its own page', async () => {
    const claire = await t.createUser('claire@cached.example', { org: 'cached', role: 'activityOwner', displayName: 'Claire Morel' });
    const paul = await t.createUser('paul@cached.example', { org: 'cached', role: 'activityOwner', displayName: 'Paul Durand' });
    const auditor = await t.createUser('auditor@cached.example', { org: 'cached', role: 'auditor' });
    for (let round = 0; round < 2; round++) {
      const asClaire = await page(claire.session);
      const asPaul = await page(paul.session);
      const asAuditor = await page(auditor.session);
      const owner = await page();
      expect(asClaire.items.find((item) => item.id === 'claims')!.abilities.update).toBe(true);
      expect(asClaire.items.find((item) => item.id === 'payments')!.abilities.update).toBe(false);
      expect(asPaul.items.find((item) => item.id === 'claims')!.abilities.update).toBe(false);
      expect(asPaul.items.find((item) => item.id === 'payments')!.abilities.update).toBe(true);
      expect(asAuditor.items.every((item) => !item.abilities.update && !item.abilities.delete)).toBe(true);
      expect(asAuditor.abilities.create).toBe(false);
      expect(owner.abilities.create).toBe(true);
    }
    const searched = await page(undefined, '?q=pay');
    expect(searched.items.map((item) => item.id)).toEqual(['payments']);
    expect((await page(undefined, '?limit=1')).items).toHaveLength(1);
  });

  it('follows a change of the BIA settings, which moves the version on', async () => {
    const org = (await t.request({ method: 'GET', url: '/api/orgs/cached' })).json();
    const before = (await page()).items;
    const changed = await t.request({ method: 'PUT', url: '/api/orgs/cached', payload: { name: 'Cached again', bia: org.bia } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().modelVersion).toBeGreaterThan(org.modelVersion);
    expect((await page()).items).toEqual(before);
  });

  it('answers a signed-out caller and an outsider as before: no page from the cache', async () => {
    expect((await t.request({ method: 'GET', url: '/api/orgs/cached/activities', as: null })).statusCode).toBe(401);
    const outsider = await t.createUser('outsider@elsewhere.example');
    expect((await t.request({ method: 'GET', url: '/api/orgs/cached/activities', as: outsider.session })).statusCode).toBe(404);
  });
});
