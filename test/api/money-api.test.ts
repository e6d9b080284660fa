// Impact criteria in money and the cost of downtime per activity (issue 15) over HTTP, on a real database: stored,
// validated with field, rule and value, carried by the model's export, and reported by simulations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallModel, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  for (const org of ['money', 'other']) {
    const imported = await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: smallModel() });
    expect(imported.statusCode, imported.body).toBe(200);
  }
});
afterAll(async () => {
  await t?.close();
});

type Criterion = { category: string; level: number; description?: string; descriptions?: { en?: string; fr?: string }; threshold?: number };
const organisation = async (org = 'money') => (await t.request({ method: 'GET', url: `/api/orgs/${org}` })).json();
const putBia = (bia: object, org = 'money', as?: Parameters<TestApp['request']>[0]['as']) =>
  t.request({ method: 'PUT', url: `/api/orgs/${org}`, payload: { name: 'Small Co', bia }, ...(as === undefined ? {} : { as }) });

describe('impact criteria of the BIA settings', () => {
  it('a new organisation gets the default criteria, bilingual, with financial thresholds', async () => {
    const { bia } = await organisation();
    expect(bia.categories.find((c: { id: string }) => c.id === 'financial')).toMatchObject({ money: true });
    expect(bia.criteria).toHaveLength(30);
    expect(bia.criteria.find((c: Criterion) => c.category === 'financial' && c.level === 4)).toMatchObject({
      threshold: 1_000_000,
      descriptions: { en: 'Loss that affects the results of the year', fr: "Perte qui affecte le résultat de l'année" },
    });
  });

  it('stores criteria as given, text verbatim, and gives them back', async () => {
    const { bia } = await organisation();
    const criteria: Criterion[] = [
      { category: 'financial', level: 2, descriptions: { en: 'Loss <script>alert(1)</script>', fr: 'Perte « modérée »' }, threshold: 25_000 },
      { category: 'financial', level: 4, description: 'Loss above a million', threshold: 1_000_000 },
      { category: 'legal', level: 3, descriptions: { fr: 'Déclaration au régulateur' } },
    ];
    const saved = await putBia({ ...bia, criteria });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await organisation()).bia.criteria).toEqual(criteria);
    // Settings without criteria are still accepted (and then have none).
    const { criteria: _criteria, ...without } = bia;
    expect((await putBia(without)).statusCode).toBe(200);
    expect((await organisation()).bia.criteria).toBeUndefined();
    expect((await putBia(bia)).statusCode).toBe(200);
  });

  it.each([
    [
      'thresholds that fall as the level rises',
      [
        { category: 'financial', level: 3, threshold: 9 },
        { category: 'financial', level: 4, threshold: 5 },
      ],
      { path: 'body.bia.criteria[1].threshold', rule: 'ascending', value: 5 },
    ],
    ['an unknown category', [{ category: 'weather', level: 1 }], { path: 'body.bia.criteria[0].category', rule: 'unknown_reference', value: 'weather' }],
    ['a level the scale does not have', [{ category: 'legal', level: 7 }], { path: 'body.bia.criteria[0].level', rule: 'not_in_scale', value: 7 }],
    [
      'a threshold on a category not in money',
      [{ category: 'customer', level: 2, threshold: 10 }],
      { path: 'body.bia.criteria[0].threshold', rule: 'money_category', value: 10 },
    ],
    [
      'an oversized description',
      [{ category: 'legal', level: 1, description: 'x'.repeat(4001) }],
      { path: 'body.bia.criteria[0].description', rule: 'too_big' },
    ],
    [
      'a threshold given as text',
      [{ category: 'financial', level: 1, threshold: '1e6' }],
      { path: 'body.bia.criteria[0].threshold', rule: 'invalid_type', value: '1e6' },
    ],
    ['criteria that are not a list', 'all of them', { path: 'body.bia.criteria', rule: 'invalid_type', value: 'all of them' }],
    ['more than 200 criteria', Array.from({ length: 201 }, () => ({ category: 'legal', level: 1 })), { path: 'body.bia.criteria', rule: 'too_big' }],
  ])('refuses %s with field, rule and value', async (_what, criteria, expected) => {
    const { bia } = await organisation();
    const refused = await putBia({ ...bia, criteria });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details).toContainEqual(expect.objectContaining(expected));
    expect((await organisation()).bia.criteria).toEqual(bia.criteria);
  });

  it('only those who may change the organisation change its criteria; another organisation is not found', async () => {
    const auditor = await t.createUser('auditor@money.test', { org: 'money', role: 'auditor' });
    const { bia } = await organisation();
    const refused = await putBia({ ...bia, criteria: [] }, 'money', auditor.session);
    expect(refused.statusCode).toBe(403);
    // The auditor reads them; in an organisation they are not a member of, there is nothing to read or change.
    expect((await t.request({ method: 'GET', url: '/api/orgs/money', as: auditor.session })).json().bia.criteria).toEqual(bia.criteria);
    expect((await t.request({ method: 'GET', url: '/api/orgs/other', as: auditor.session })).statusCode).toBe(404);
    expect((await putBia({ ...bia, criteria: [] }, 'other', auditor.session)).statusCode).toBe(404);
  });
});

describe('cost of downtime per hour of an activity', () => {
  const claims = () => smallModel().activities[0];

  it('is stored, exported with the model and reported by the simulation', async () => {
    for (const [id, cost] of [
      ['claims', 2500],
      ['payments', 1000],
    ] as const) {
      const activity = smallModel().activities.find((a) => a.id === id)!;
      const saved = await t.request({ method: 'PUT', url: `/api/orgs/money/activities/${id}`, payload: { ...activity, downtimeCostPerHour: cost } });
      expect(saved.statusCode, saved.body).toBe(200);
      expect(saved.json().downtimeCostPerHour).toBe(cost);
    }
    const exported = (await t.request({ method: 'GET', url: '/api/orgs/money/model' })).json();
    expect(exported.activities.map((a: { downtimeCostPerHour?: number }) => a.downtimeCostPerHour)).toEqual([2500, 1000]);
    expect(exported.bia.criteria).toHaveLength(30);
    // The export imports as it is into another organisation.
    const copied = await t.request({ method: 'PUT', url: '/api/orgs/copy/model', payload: exported });
    expect(copied.statusCode, copied.body).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/orgs/copy/activities/claims' })).json().downtimeCostPerHour).toBe(2500);

    // The CRM is down for its RTO of 4 h: claims (needs it) and payments (needs claims) are disrupted 4 h each.
    const scenario = { id: 'crm-down', name: 'CRM down', horizon: 48, frequency: 2, disruptions: [{ type: 'applicationOutage', application: 'crm', from: 0 }] };
    expect((await t.request({ method: 'POST', url: '/api/orgs/money/scenarios', payload: scenario })).statusCode).toBe(201);
    const run = await t.request({ method: 'POST', url: '/api/orgs/money/scenarios/crm-down/simulate' });
    expect(run.statusCode, run.body).toBe(201);
    const result = run.json().result;
    expect(result.activities.map((a: { id: string; disruptedHours: number; downtimeCost: number }) => [a.id, a.disruptedHours, a.downtimeCost])).toEqual([
      ['claims', 4, 10_000],
      ['payments', 4, 4_000],
    ]);
    expect(result).toMatchObject({ downtimeCost: 14_000, yearlyDowntimeCost: 28_000 });
    // The result's spreadsheet carries them too, in the organisation's currency.
    const sheet = await t.request({ method: 'GET', url: `/api/orgs/money/runs/${run.json().id}/result.sheet?lang=en` });
    expect(sheet.statusCode, sheet.body).toBe(200);
    const [header, ...rows] = sheet.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(header.split(',').at(-1)).toBe('Cost of downtime (EUR)');
    expect(rows.map((row) => row.split(',').at(-1))).toEqual(['10000', '4000']);
  });

  it.each([
    ['a negative amount', -5, 'too_small'],
    ['an amount as text', '2500', 'invalid_type'],
    ['a list', [1], 'invalid_type'],
  ])('refuses %s with field, rule and value', async (_what, value, rule) => {
    const refused = await t.request({ method: 'PUT', url: '/api/orgs/money/activities/claims', payload: { ...claims(), downtimeCostPerHour: value } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details).toContainEqual(expect.objectContaining({ path: 'body.downtimeCostPerHour', rule, value }));
  });
});
