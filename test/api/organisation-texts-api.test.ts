// Issue 17: an organisation's currency (item 6: EUR unless chosen, an ISO 4217 code, kept by updates that do not name
// it, carried by the model's export and import) and the French variants of prose users type (item 8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallModel, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('organisation currency', () => {
  it('is EUR by default, can be chosen, survives an update of the name alone, and refuses a code that is not ISO 4217', async () => {
    const created = await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'cur-default', name: 'Default' } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().currency).toBe('EUR');

    const pounds = await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'cur-gbp', name: 'Pounds', currency: 'GBP' } });
    expect(pounds.json().currency).toBe('GBP');
    const renamed = await t.request({ method: 'PUT', url: '/api/orgs/cur-gbp', payload: { name: 'Pounds renamed' } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Pounds renamed', currency: 'GBP' });
    const swiss = await t.request({ method: 'PUT', url: '/api/orgs/cur-gbp', payload: { name: 'Francs', currency: 'CHF' } });
    expect(swiss.json().currency).toBe('CHF');

    for (const currency of ['eur', 'EURO', 'XYZ']) {
      const bad = await t.request({ method: 'PUT', url: '/api/orgs/cur-gbp', payload: { name: 'Bad', currency } });
      expect(bad.statusCode, currency).toBe(400);
      expect(bad.json().error.details[0]).toMatchObject({ path: 'body.currency', value: currency });
    }
    expect((await t.request({ method: 'GET', url: '/api/orgs/cur-gbp' })).json().currency).toBe('CHF');
  });

  it('travels with the model: export names it, import sets it', async () => {
    const model = smallModel() as { organisation?: object };
    const imported = await t.request({
      method: 'PUT',
      url: '/api/orgs/cur-model/model',
      payload: { ...model, organisation: { name: 'Dollars', currency: 'USD' } },
    });
    expect(imported.statusCode, imported.body).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/orgs/cur-model' })).json().currency).toBe('USD');
    const exported = (await t.request({ method: 'GET', url: '/api/orgs/cur-model/model' })).json();
    expect(exported.organisation.currency).toBe('USD');
  });
});

describe('bilingual prose', () => {
  it('keeps French and English descriptions of pools, and the owner’s title and products of activities, through the API and the model', async () => {
    const model = smallModel();
    await t.request({ method: 'PUT', url: '/api/orgs/texts/model', payload: model });
    const pool = await t.request({
      method: 'PUT',
      url: '/api/orgs/texts/pools/vpn',
      payload: { id: 'vpn', kind: 'vpn', capacity: 50, description: 'Remote access', descriptions: { fr: 'Accès à distance', en: 'Remote access' } },
    });
    expect(pool.statusCode, pool.body).toBe(200);
    expect(pool.json().descriptions).toEqual({ fr: 'Accès à distance', en: 'Remote access' });

    const activity = { ...model.activities[0], owner: 'Claire Morel, Head of Claims', products: ['Motor insurance'] };
    const saved = await t.request({
      method: 'PUT',
      url: '/api/orgs/texts/activities/claims',
      payload: {
        ...activity,
        ownerTitles: { fr: 'Responsable des sinistres' },
        productNames: { fr: ['Assurance auto'] },
        descriptions: { fr: 'Traite les déclarations' },
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      ownerTitles: { fr: 'Responsable des sinistres' },
      productNames: { fr: ['Assurance auto'] },
      descriptions: { fr: 'Traite les déclarations' },
    });
    const exported = (await t.request({ method: 'GET', url: '/api/orgs/texts/model' })).json();
    expect(exported.pools[0].descriptions.fr).toBe('Accès à distance');
    expect(exported.activities.find((item: { id: string }) => item.id === 'claims').productNames).toEqual({ fr: ['Assurance auto'] });

    const wrong = await t.request({
      method: 'PUT',
      url: '/api/orgs/texts/pools/vpn',
      payload: { id: 'vpn', kind: 'vpn', capacity: 50, descriptions: { de: 'Fernzugang' } },
    });
    expect(wrong.statusCode).toBe(400);
  });
});
