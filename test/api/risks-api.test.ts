// Risk appraisal over HTTP on a real database (embedded, or PostgreSQL with DATABASE_URL): threats, matrix, register, views, files.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/operations/demo.js';
import { smallModel, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const LIBRARY = readdirSync(new URL('../../data/scenarios/', import.meta.url)).map((file) => file.replace(/\.json$/, ''));

async function importSmall(org: string) {
  const response = await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: smallModel() });
  expect(response.statusCode, response.body).toBe(200);
}

/**
 * Five risks on the small model (default 5 × 5 matrix, appetite "medium": treatment required from 10).
 *
 * | id                | family     | assets                             | inherent | residual | treatments                         | review     |
 * |-------------------|------------|------------------------------------|----------|----------|------------------------------------|------------|
 * | pandemic-absence  | health     | site:paris, activity:claims, pool  | 4×5=20   | 3×4=12   | planned, due 2026-10-01, effect I3 | 2027-01-31 |
 * | ransomware        | technology | application:crm                    | 4×5=20   | 3×5=15   |                                    | 2026-06-30 |
 * | paris-fire        | sites      | site:paris                         | 2×4=8    | 2×3=6    |                                    |            |
 * | lyon-strike       | people     | site:lyon, activity:claims         | 4×2=8    | 4×2=8    | accept, done                       |            |
 * | telco-outage      | technology | supplier:telco, activity:payments  | 3×3=9    | 2×2=4    | in progress, due 2026-11-01        |            |
 */
function registerFixture() {
  return [
    {
      id: 'pandemic-absence',
      title: 'Pandemic absence waves',
      names: { fr: "Vagues d'absences pandémiques" },
      threat: 'pandemic',
      assets: [
        { type: 'site', id: 'paris' },
        { type: 'activity', id: 'claims' },
        { type: 'pool', id: 'vpn' },
      ],
      cause: 'A new virus',
      consequence: 'Claims below minimum staffing',
      owner: 'HR Director',
      inherent: { likelihood: 4, impact: 5 },
      residual: { likelihood: 3, impact: 4 },
      treatments: [
        {
          id: 'vpn',
          type: 'reduce',
          description: 'VPN upgrade | +400 users',
          owner: 'IT',
          due: '2026-10-01',
          status: 'planned',
          expectedEffect: { impact: 3 },
        },
      ],
      reviewDate: '2027-01-31',
      scenarios: ['pandemic-lockdown'],
    },
    {
      id: 'ransomware',
      title: 'Ransomware on the CRM',
      threat: 'ransomware',
      assets: [{ type: 'application', id: 'crm' }],
      inherent: { likelihood: 4, impact: 5 },
      residual: { likelihood: 3, impact: 5 },
      reviewDate: '2026-06-30',
      scenarios: ['ransomware-core-apps'],
    },
    {
      id: 'paris-fire',
      title: 'Fire in Paris',
      threat: 'fire',
      assets: [{ type: 'site', id: 'paris' }],
      inherent: { likelihood: 2, impact: 4 },
      residual: { likelihood: 2, impact: 3 },
      scenarios: ['site-loss-paris-fire'],
    },
    {
      id: 'lyon-strike',
      title: 'Strike in Lyon',
      threat: 'strike',
      assets: [
        { type: 'site', id: 'lyon' },
        { type: 'activity', id: 'claims' },
      ],
      inherent: { likelihood: 4, impact: 2 },
      residual: { likelihood: 4, impact: 2 },
      treatments: [{ id: 'accepted', type: 'accept', description: 'Accepted by the board', status: 'done' }],
    },
    {
      id: 'telco-outage',
      title: 'Telecom outage',
      threat: 'telecom-outage',
      assets: [
        { type: 'supplier', id: 'telco' },
        { type: 'activity', id: 'payments' },
      ],
      inherent: { likelihood: 3, impact: 3 },
      residual: { likelihood: 2, impact: 2 },
      treatments: [{ id: 'second-carrier', type: 'reduce', description: 'Second carrier', due: '2026-11-01', status: 'in-progress' }],
    },
  ];
}

async function seedRegister(org: string) {
  await importSmall(org);
  for (const risk of registerFixture()) {
    const response = await t.request({ method: 'POST', url: `/api/orgs/${org}/risks`, payload: { ...risk, by: 'Seeder' } });
    expect(response.statusCode, response.body).toBe(201);
  }
}

const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);

describe('threat catalogue', () => {
  beforeAll(async () => {
    await importSmall('threats');
    await importSmall('threats-other');
  });

  it('ships at least 30 bilingual threats in every family, linked to existing scenarios', async () => {
    const response = await t.request({ method: 'GET', url: '/api/threats' });
    expect(response.statusCode).toBe(200);
    const { families, items } = response.json();
    expect(items.length).toBeGreaterThanOrEqual(30);
    expect(families.map((f: { id: string }) => f.id)).toEqual([
      'health',
      'people',
      'sites',
      'technology',
      'third-parties',
      'environment',
      'society',
      'governance',
    ]);
    for (const threat of items) {
      expect(threat.source).toBe('shipped');
      expect(threat.names.en && threat.names.fr && threat.descriptions.en && threat.descriptions.fr, threat.id).toBeTruthy();
      for (const scenario of threat.scenarios) expect(LIBRARY, `${threat.id} → ${scenario}`).toContain(scenario);
    }
    const byId = Object.fromEntries(items.map((threat: { id: string }) => [threat.id, threat]));
    for (const id of [
      'pandemic',
      'epidemic',
      'mass-absenteeism',
      'key-staff-loss',
      'strike',
      'fire',
      'flood',
      'site-access-denied',
      'lockdown',
      'ransomware',
      'data-centre-loss',
      'remote-access-attack',
      'telecom-outage',
      'power-outage',
      'supplier-failure',
      'cloud-provider-outage',
      'heatwave',
      'storm',
      'civil-unrest',
    ])
      expect(byId[id], id).toBeDefined();
    expect(byId.pandemic.scenarios).toContain('pandemic-lockdown');
    expect(byId['remote-access-attack'].scenarios.length).toBeGreaterThan(0);
    // Every library scenario is reachable from some threat.
    for (const scenario of LIBRARY)
      expect(
        items.some((threat: { scenarios: string[] }) => threat.scenarios.includes(scenario)),
        scenario,
      ).toBe(true);
  });

  it('adds, reads, changes and deletes an organisation threat, which other organisations do not see', async () => {
    const threat = {
      id: 'volcanic-ash',
      name: 'Volcanic ash cloud',
      names: { fr: 'Nuage de cendres volcaniques' },
      family: 'environment',
      scenarios: ['strike'],
    };
    const created = await t.request({ method: 'POST', url: '/api/orgs/threats/threats', payload: threat });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ ...threat, source: 'organisation' });

    const list = (await t.request({ method: 'GET', url: '/api/orgs/threats/threats?family=environment' })).json();
    expect(list.items.every((item: { family: string }) => item.family === 'environment')).toBe(true);
    expect(list.items.at(-1)).toMatchObject({ id: 'volcanic-ash', source: 'organisation' });
    expect((await t.request({ method: 'GET', url: '/api/orgs/threats/threats/pandemic' })).json().source).toBe('shipped');

    const other = (await t.request({ method: 'GET', url: '/api/orgs/threats-other/threats' })).json();
    expect(ids(other.items)).not.toContain('volcanic-ash');
    expect((await t.request({ method: 'GET', url: '/api/orgs/threats-other/threats/volcanic-ash' })).statusCode).toBe(404);
    expect((await t.request({ method: 'PUT', url: '/api/orgs/threats-other/threats/volcanic-ash', payload: threat })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: '/api/orgs/threats-other/threats/volcanic-ash' })).statusCode).toBe(404);

    // What was read can be sent back (source is read-only).
    const read = (await t.request({ method: 'GET', url: '/api/orgs/threats/threats/volcanic-ash' })).json();
    const changed = await t.request({ method: 'PUT', url: '/api/orgs/threats/threats/volcanic-ash', payload: { ...read, name: 'Ash cloud' } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().name).toBe('Ash cloud');
    expect((await t.request({ method: 'DELETE', url: '/api/orgs/threats/threats/volcanic-ash' })).statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: '/api/orgs/threats/threats/volcanic-ash' })).statusCode).toBe(404);
  });

  it('refuses ids of shipped threats (409), duplicates (409), changes to the catalogue (403) and bad input (400)', async () => {
    const shipped = await t.request({ method: 'POST', url: '/api/orgs/threats/threats', payload: { id: 'pandemic', name: 'Mine', family: 'health' } });
    expect(shipped.statusCode).toBe(409);
    expect(shipped.json().error).toMatchObject({ code: 'duplicate_id', details: [{ path: 'id', rule: 'unique', value: 'pandemic' }] });

    await t.request({ method: 'POST', url: '/api/orgs/threats/threats', payload: { id: 'meteor', name: 'Meteor', family: 'environment' } });
    const twice = await t.request({ method: 'POST', url: '/api/orgs/threats/threats', payload: { id: 'meteor', name: 'Meteor', family: 'environment' } });
    expect(twice.statusCode).toBe(409);
    const renameToShipped = await t.request({
      method: 'PUT',
      url: '/api/orgs/threats/threats/meteor',
      payload: { id: 'fire', name: 'Meteor', family: 'environment' },
    });
    expect(renameToShipped.statusCode).toBe(409);

    for (const method of ['PUT', 'DELETE'] as const) {
      const response = await t.request({
        method,
        url: '/api/orgs/threats/threats/pandemic',
        ...(method === 'PUT' ? { payload: { id: 'pandemic', name: 'X', family: 'health' } } : {}),
      });
      expect(response.statusCode, method).toBe(403);
      expect(response.json().error).toMatchObject({ code: 'forbidden', details: [{ path: 'id', rule: 'read_only', value: 'pandemic' }] });
    }

    const bad = await t.request({ method: 'POST', url: '/api/orgs/threats/threats', payload: { id: 'not an id', name: 'X', family: 'aliens' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'body.id', rule: 'format', value: 'not an id' }),
        expect.objectContaining({ path: 'body.family', rule: 'invalid_value', value: 'aliens' }),
      ]),
    );
    const unknownScenario = await t.request({
      method: 'POST',
      url: '/api/orgs/threats/threats',
      payload: { id: 'x', name: 'X', family: 'health', scenarios: ['nowhere'] },
    });
    expect(unknownScenario.statusCode).toBe(400);
    expect(unknownScenario.json().error).toMatchObject({
      code: 'invalid_reference',
      details: [{ path: 'scenarios[0]', rule: 'unknown_reference', value: 'nowhere' }],
    });

    expect((await t.request({ method: 'GET', url: '/api/orgs/nobody/threats' })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url: '/api/orgs/nobody/threats', payload: { id: 'x', name: 'X', family: 'health' } })).statusCode).toBe(404);
    expect(
      (await t.request({ method: 'PUT', url: '/api/orgs/threats/threats/unknown', payload: { id: 'unknown', name: 'X', family: 'health' } })).statusCode,
    ).toBe(404);
  });

  it('refuses to delete or rename a threat while risks name it, listing them (409)', async () => {
    await t.request({ method: 'POST', url: '/api/orgs/threats/threats', payload: { id: 'sinkhole', name: 'Sinkhole', family: 'sites' } });
    const risk = {
      id: 'hole',
      title: 'Sinkhole under Paris',
      threat: 'sinkhole',
      assets: [{ type: 'site', id: 'paris' }],
      inherent: { likelihood: 1, impact: 4 },
      residual: { likelihood: 1, impact: 3 },
    };
    expect((await t.request({ method: 'POST', url: '/api/orgs/threats/risks', payload: risk })).statusCode).toBe(201);
    expect((await t.request({ method: 'GET', url: '/api/orgs/threats/risks/hole' })).json().computed.family).toBe('sites');
    const deleted = await t.request({ method: 'DELETE', url: '/api/orgs/threats/threats/sinkhole' });
    expect(deleted.statusCode).toBe(409);
    expect(deleted.json().error).toMatchObject({ code: 'in_use', details: [{ path: 'risks.hole.threat', value: 'sinkhole' }] });
    const renamed = await t.request({ method: 'PUT', url: '/api/orgs/threats/threats/sinkhole', payload: { id: 'doline', name: 'Sinkhole', family: 'sites' } });
    expect(renamed.statusCode).toBe(409);
    // A risk of another organisation cannot name it.
    const foreign = await t.request({ method: 'POST', url: '/api/orgs/threats-other/risks', payload: risk });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.details).toEqual([expect.objectContaining({ path: 'threat', rule: 'unknown_reference', value: 'sinkhole' })]);
  });
});

describe('risk matrix', () => {
  beforeAll(async () => {
    await importSmall('matrix');
  });

  it('starts as the default 5 × 5 with four bands and appetite "medium"', async () => {
    const response = await t.request({ method: 'GET', url: '/api/orgs/matrix/risk-matrix' });
    expect(response.statusCode).toBe(200);
    const matrix = response.json();
    expect(matrix.likelihood).toHaveLength(5);
    expect(matrix.impact).toHaveLength(5);
    expect(matrix.bands.map((band: { id: string; min: number }) => [band.id, band.min])).toEqual([
      ['low', 1],
      ['medium', 5],
      ['high', 10],
      ['critical', 17],
    ]);
    expect(matrix.appetite).toBe('medium');
    expect(matrix.likelihood[4].names.fr).toBe('Quasi certain');
    expect((await t.request({ method: 'GET', url: '/api/orgs/nobody/risk-matrix' })).statusCode).toBe(404);
  });

  it('refuses a malformed matrix with path, rule and value (400)', async () => {
    const matrix = (await t.request({ method: 'GET', url: '/api/orgs/matrix/risk-matrix' })).json();
    const bad = {
      ...matrix,
      likelihood: [...matrix.likelihood.slice(0, 2), { ...matrix.likelihood[3] }],
      impact: [...matrix.impact, { value: 6, label: 'Six' }, { value: 7, label: 'Seven' }],
      bands: [
        { ...matrix.bands[0], min: 2 },
        { ...matrix.bands[1], colour: 'green' },
        { ...matrix.bands[2], min: 40 },
      ],
      appetite: 'none',
    };
    const response = await t.request({ method: 'PUT', url: '/api/orgs/matrix/risk-matrix', payload: bad });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'body.impact', rule: 'too_big' }),
        expect.objectContaining({ path: 'body.bands[2].min', rule: 'too_big', value: 40 }),
        expect.objectContaining({ path: 'body.bands[1].colour', rule: 'format', value: 'green' }),
      ]),
    );
    const refined = await t.request({
      method: 'PUT',
      url: '/api/orgs/matrix/risk-matrix',
      payload: {
        ...matrix,
        likelihood: [...matrix.likelihood.slice(0, 2), { ...matrix.likelihood[3] }],
        bands: [{ ...matrix.bands[0], min: 2 }, matrix.bands[1], { ...matrix.bands[2], min: 30 }],
        appetite: 'none',
      },
    });
    expect(refined.statusCode).toBe(400);
    expect(refined.json().error.details).toEqual([
      expect.objectContaining({ path: 'body.likelihood[2].value', rule: 'level_order', value: 4 }),
      expect.objectContaining({ path: 'body.bands[0].min', rule: 'band_start', value: 2 }),
      // 3 likelihood levels × 5 impact levels: no score reaches 30.
      expect.objectContaining({ path: 'body.bands[2].min', rule: 'band_unreachable', value: 30 }),
      expect.objectContaining({ path: 'body.appetite', rule: 'unknown_band', value: 'none' }),
    ]);
    expect((await t.request({ method: 'PUT', url: '/api/orgs/nobody/risk-matrix', payload: matrix })).statusCode).toBe(404);
  });
});

describe('risk register', () => {
  beforeAll(async () => {
    await seedRegister('reg');
    await importSmall('reg-other');
  });

  it('creates a risk with computed scores, bands and its first assessment', async () => {
    const risk = (await t.request({ method: 'GET', url: '/api/orgs/reg/risks/pandemic-absence' })).json();
    expect(risk).toMatchObject({ ...registerFixture()[0] });
    expect(risk.computed).toMatchObject({
      family: 'health',
      inherent: { likelihood: 4, impact: 5, score: 20, band: 'critical' },
      residual: { likelihood: 3, impact: 4, score: 12, band: 'high' },
      target: { likelihood: 3, impact: 3, score: 9, band: 'medium' },
      aboveAppetite: true,
      treatmentRequired: false,
      assessedBy: 'Seeder',
    });
    expect(Date.parse(risk.computed.assessedAt)).not.toBeNaN();
    expect((await t.request({ method: 'GET', url: '/api/orgs/reg/risks/ransomware' })).json().computed).toMatchObject({
      aboveAppetite: true,
      treatmentRequired: true,
    });
  });

  it('refuses a duplicate id (409), bad input (400 with path, rule, value) and references to nothing (400)', async () => {
    const duplicate = await t.request({ method: 'POST', url: '/api/orgs/reg/risks', payload: registerFixture()[2] });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error).toMatchObject({ code: 'duplicate_id', details: [{ path: 'id', rule: 'unique', value: 'paris-fire' }] });

    const bad = await t.request({
      method: 'POST',
      url: '/api/orgs/reg/risks',
      payload: {
        id: 'bad',
        title: '',
        threat: 'fire',
        inherent: { likelihood: 0, impact: 3 },
        residual: { likelihood: 2, impact: 2 },
        assets: [{ type: 'building', id: 'paris' }],
        treatments: [{ id: 't', type: 'reduce', description: 'x', due: '31/03/2027', status: 'late' }],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_input');
    expect(bad.json().error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'body.title', rule: 'too_small', value: '' }),
        expect.objectContaining({ path: 'body.inherent.likelihood', rule: 'too_small', value: 0 }),
        expect.objectContaining({ path: 'body.assets[0].type', rule: 'invalid_value', value: 'building' }),
        expect.objectContaining({ path: 'body.treatments[0].due', rule: 'format', value: '31/03/2027' }),
        expect.objectContaining({ path: 'body.treatments[0].status', rule: 'invalid_value', value: 'late' }),
      ]),
    );

    const references = await t.request({
      method: 'POST',
      url: '/api/orgs/reg/risks',
      payload: {
        id: 'refs',
        title: 'Refs',
        threat: 'meteor',
        assets: [
          { type: 'site', id: 'mars' },
          { type: 'application', id: 'paris' },
        ],
        inherent: { likelihood: 6, impact: 3 },
        residual: { likelihood: 2, impact: 2 },
        scenarios: ['pandemic-lockdown', 'alien-invasion'],
      },
    });
    expect(references.statusCode).toBe(400);
    expect(references.json().error.code).toBe('invalid_reference');
    expect(references.json().error.details.map((d: { path: string; rule: string; value: unknown }) => [d.path, d.rule, d.value])).toEqual([
      ['threat', 'unknown_reference', 'meteor'],
      ['assets[0].id', 'unknown_reference', 'mars'],
      ['assets[1].id', 'unknown_reference', 'paris'],
      ['inherent.likelihood', 'not_in_matrix', 6],
      ['scenarios[1]', 'unknown_reference', 'alien-invasion'],
    ]);
    const reserved = await t.request({ method: 'POST', url: '/api/orgs/reg/risks', payload: { ...registerFixture()[2], id: 'heatmap' } });
    expect(reserved.statusCode).toBe(400);
    expect(reserved.json().error.details).toEqual([expect.objectContaining({ path: 'id', rule: 'reserved_id' })]);
    expect((await t.request({ method: 'GET', url: '/api/orgs/reg/risks/refs' })).statusCode).toBe(404);
  });

  it('records an assessment for each change of rating, and only then; the history follows a rename', async () => {
    await t.request({ method: 'POST', url: '/api/orgs/reg/risks', payload: { ...registerFixture()[2], id: 'hist', by: 'Alice' } });
    const read = (await t.request({ method: 'GET', url: '/api/orgs/reg/risks/hist' })).json();
    // What was read can be sent back: `computed` is ignored. Same ratings: no new assessment.
    const same = await t.request({ method: 'PUT', url: '/api/orgs/reg/risks/hist', payload: { ...read, owner: 'Bob', by: 'Bob' } });
    expect(same.statusCode, same.body).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/orgs/reg/risks/hist/history' })).json().items).toHaveLength(1);

    const worse = await t.request({
      method: 'PUT',
      url: '/api/orgs/reg/risks/hist',
      payload: { ...read, residual: { likelihood: 3, impact: 4 }, by: 'Carol' },
    });
    expect(worse.json().computed).toMatchObject({ residual: { score: 12, band: 'high' }, assessedBy: 'Carol' });
    const renamed = await t.request({
      method: 'PUT',
      url: '/api/orgs/reg/risks/hist',
      payload: { ...read, id: 'hist-2', inherent: { likelihood: 3, impact: 4 }, residual: { likelihood: 3, impact: 4 } },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/orgs/reg/risks/hist' })).statusCode).toBe(404);

    const history = await t.request({ method: 'GET', url: '/api/orgs/reg/risks/hist-2/history' });
    expect(history.statusCode).toBe(200);
    const items = history.json().items;
    expect(items.map((i: { seq: number; by: string | null; reason: string }) => [i.seq, i.by, i.reason])).toEqual([
      [1, 'Alice', 'created'],
      [2, 'Carol', 'rated'],
      // Without `by`, the assessment is the signed-in person's: their name in the organisation.
      [3, t.owner.email.split('@')[0], 'rated'],
    ]);
    expect(items[0]).toMatchObject({
      inherent: { likelihood: 2, impact: 4, score: 8, band: 'medium' },
      residual: { likelihood: 2, impact: 3, score: 6, band: 'medium' },
    });
    expect(items[2]).toMatchObject({ inherent: { score: 12, band: 'high' }, residual: { score: 12, band: 'high' } });
    for (let i = 1; i < items.length; i++) expect(Date.parse(items[i].at)).toBeGreaterThanOrEqual(Date.parse(items[i - 1].at));

    const taken = await t.request({ method: 'PUT', url: '/api/orgs/reg/risks/hist-2', payload: { ...read, id: 'paris-fire' } });
    expect(taken.statusCode).toBe(409);
    expect((await t.request({ method: 'PUT', url: '/api/orgs/reg/risks/nothing', payload: read })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/orgs/reg/risks/nothing/history' })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: '/api/orgs/reg/risks/hist-2' })).statusCode).toBe(204);
    expect((await t.request({ method: 'DELETE', url: '/api/orgs/reg/risks/hist-2' })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/orgs/reg/risks/hist-2/history' })).statusCode).toBe(404);
  });

  it('never crosses organisations: ids of another organisation are 404 everywhere', async () => {
    const risk = registerFixture()[2];
    for (const [method, url, payload] of [
      ['GET', '/api/orgs/reg-other/risks/paris-fire', undefined],
      ['PUT', '/api/orgs/reg-other/risks/paris-fire', risk],
      ['DELETE', '/api/orgs/reg-other/risks/paris-fire', undefined],
      ['GET', '/api/orgs/reg-other/risks/paris-fire/history', undefined],
    ] as const) {
      const response = await t.request({ method, url, ...(payload ? { payload } : {}) });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('not_found');
    }
    const list = (await t.request({ method: 'GET', url: '/api/orgs/reg-other/risks' })).json();
    expect(list).toEqual({ items: [], nextCursor: null, total: 0, abilities: expect.any(Object) });
    expect((await t.request({ method: 'GET', url: '/api/orgs/reg-other/risks/heatmap' })).json().total).toBe(0);
    expect((await t.request({ method: 'GET', url: '/api/orgs/reg/risks/paris-fire' })).statusCode).toBe(200);
    for (const url of [
      '/api/orgs/nobody/risks',
      '/api/orgs/nobody/risks/x',
      '/api/orgs/nobody/risks/heatmap',
      '/api/orgs/nobody/risks/attention',
      '/api/orgs/nobody/risks.sheet',
    ])
      expect((await t.request({ method: 'GET', url })).statusCode, url).toBe(404);
    expect((await t.request({ method: 'POST', url: '/api/orgs/nobody/risks', payload: risk })).statusCode).toBe(404);
  });

  it.each<[string, string[], number?]>([
    ['', ['pandemic-absence', 'ransomware', 'paris-fire', 'lyon-strike', 'telco-outage']],
    ['family=technology', ['ransomware', 'telco-outage']],
    ['assetType=site&assetId=lyon', ['lyon-strike']],
    ['assetId=claims', ['pandemic-absence', 'lyon-strike']],
    ['assetType=supplier', ['telco-outage']],
    ['band=high', ['pandemic-absence', 'ransomware']],
    ['band=medium&rating=inherent', ['paris-fire', 'lyon-strike', 'telco-outage']],
    ['band=critical&rating=inherent', ['pandemic-absence', 'ransomware']],
    ['aboveAppetite=true', ['pandemic-absence', 'ransomware']],
    ['aboveAppetite=false', ['paris-fire', 'lyon-strike', 'telco-outage']],
    ['aboveAppetite=true&family=health', ['pandemic-absence']],
    ['aboveAppetite=true&band=critical&rating=inherent', ['pandemic-absence', 'ransomware']],
    ['aboveAppetite=false&band=high', []],
    ['threat=strike', ['lyon-strike']],
    ['threat=strike&family=health', []],
    ['q=FIRE', ['paris-fire']],
    ['sort=severity', ['ransomware', 'pandemic-absence', 'lyon-strike', 'paris-fire', 'telco-outage']],
    ['sort=title', ['paris-fire', 'pandemic-absence', 'ransomware', 'lyon-strike', 'telco-outage']],
  ])('lists with %s', async (query, expected) => {
    const response = await t.request({ method: 'GET', url: `/api/orgs/reg/risks?${query}` });
    expect(response.statusCode, response.body).toBe(200);
    expect(ids(response.json().items)).toEqual(expected);
    expect(response.json().total).toBe(expected.length);
  });

  it('pages by cursor in every sort, and refuses a foreign cursor or an unknown band', async () => {
    for (const sort of ['position', 'id', 'title', 'severity']) {
      const all = ids((await t.request({ method: 'GET', url: `/api/orgs/reg/risks?sort=${sort}` })).json().items);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Array<{ id: string }>; nextCursor: string | null; total: number } = (
          await t.request({ method: 'GET', url: `/api/orgs/reg/risks?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}` })
        ).json();
        expect(page.total).toBe(5);
        seen.push(...ids(page.items));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen, sort).toEqual(all);
    }
    const first = (await t.request({ method: 'GET', url: '/api/orgs/reg/risks?limit=2' })).json();
    const foreign = await t.request({ method: 'GET', url: `/api/orgs/reg/risks?sort=severity&cursor=${first.nextCursor}` });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.details[0]).toMatchObject({ path: 'query.cursor', rule: 'cursor' });
    const band = await t.request({ method: 'GET', url: '/api/orgs/reg/risks?band=extreme' });
    expect(band.statusCode).toBe(400);
    expect(band.json().error.details[0]).toMatchObject({ path: 'query.band', rule: 'unknown_band', value: 'extreme' });
    const flag = await t.request({ method: 'GET', url: '/api/orgs/reg/risks?aboveAppetite=yes&family=aliens' });
    expect(flag.statusCode).toBe(400);
    expect(flag.json().error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'query.aboveAppetite', value: 'yes' }),
        expect.objectContaining({ path: 'query.family', rule: 'invalid_value', value: 'aliens' }),
      ]),
    );
  });

  it.each<[string, Record<string, string>, Record<string, number>]>([
    [
      'rating=residual',
      { '3x4': 'pandemic-absence', '3x5': 'ransomware', '4x2': 'lyon-strike', '2x3': 'paris-fire', '2x2': 'telco-outage' },
      { low: 1, medium: 2, high: 2, critical: 0 },
    ],
    [
      'rating=inherent',
      { '4x5': 'pandemic-absence,ransomware', '4x2': 'lyon-strike', '3x3': 'telco-outage', '2x4': 'paris-fire' },
      { low: 0, medium: 3, high: 0, critical: 2 },
    ],
    ['family=technology', { '3x5': 'ransomware', '2x2': 'telco-outage' }, { low: 1, medium: 0, high: 1, critical: 0 }],
    ['assetType=site', { '3x4': 'pandemic-absence', '4x2': 'lyon-strike', '2x3': 'paris-fire' }, { low: 0, medium: 2, high: 1, critical: 0 }],
    ['assetType=site&assetId=paris&rating=inherent', { '4x5': 'pandemic-absence', '2x4': 'paris-fire' }, { low: 0, medium: 1, high: 0, critical: 1 }],
    ['assetType=activity&assetId=claims&family=people', { '4x2': 'lyon-strike' }, { low: 0, medium: 1, high: 0, critical: 0 }],
  ])('heat map with %s matches the hand count', async (query, cells, bands) => {
    const response = await t.request({ method: 'GET', url: `/api/orgs/reg/risks/heatmap?${query}` });
    expect(response.statusCode, response.body).toBe(200);
    const map = response.json();
    expect(map.cells).toHaveLength(25);
    const found = Object.fromEntries(
      map.cells
        .filter((cell: { count: number }) => cell.count > 0)
        .map((cell: { likelihood: number; impact: number; risks: string[] }) => [`${cell.likelihood}x${cell.impact}`, cell.risks.join(',')]),
    );
    expect(found).toEqual(cells);
    expect(map.bands).toEqual(bands);
    expect(map.total).toBe(Object.values(bands).reduce((sum, n) => sum + n, 0));
  });

  it('refuses a bad heat map query (400)', async () => {
    const response = await t.request({ method: 'GET', url: '/api/orgs/reg/risks/heatmap?rating=target&assetType=car' });
    expect(response.statusCode).toBe(400);
    expect(
      response
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['query.assetType', 'query.rating']);
  });

  it('lists what needs attention on a given day', async () => {
    const response = await t.request({ method: 'GET', url: '/api/orgs/reg/risks/attention?today=2026-11-29&top=3' });
    expect(response.statusCode, response.body).toBe(200);
    const found = response.json();
    expect(found.today).toBe('2026-11-29');
    expect(ids(found.top)).toEqual(['ransomware', 'pandemic-absence', 'lyon-strike']);
    expect(found.top[0].computed.residual.score).toBe(15);
    expect(ids(found.aboveAppetiteWithoutTreatment)).toEqual(['ransomware']);
    expect(
      found.overdueTreatments.map((o: { risk: string; treatment: { id: string }; daysOverdue: number }) => [o.risk, o.treatment.id, o.daysOverdue]),
    ).toEqual([
      ['pandemic-absence', 'vpn', 59],
      ['telco-outage', 'second-carrier', 28],
    ]);
    expect(found.notReviewed).toEqual([{ risk: 'ransomware', title: 'Ransomware on the CRM', reviewDate: '2026-06-30', daysOverdue: 152 }]);

    const earlier = (await t.request({ method: 'GET', url: '/api/orgs/reg/risks/attention?today=2026-10-15' })).json();
    expect(earlier.overdueTreatments.map((o: { risk: string }) => o.risk)).toEqual(['pandemic-absence']);
    expect(earlier.top).toHaveLength(5);

    const today = (await t.request({ method: 'GET', url: '/api/orgs/reg/risks/attention' })).json();
    expect(today.today).toBe(new Date().toISOString().slice(0, 10));
    const bad = await t.request({ method: 'GET', url: '/api/orgs/reg/risks/attention?today=29/11/2026' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0]).toMatchObject({ path: 'query.today', rule: 'format', value: '29/11/2026' });
  });
});

describe('changing the matrix', () => {
  beforeAll(async () => {
    await seedRegister('rerate');
  });

  const fourByFour = {
    likelihood: [1, 2, 3, 4].map((value) => ({ value, label: `Likelihood ${value}` })),
    impact: [1, 2, 3, 4].map((value) => ({ value, label: `Impact ${value}`, names: { fr: `Impact ${value}` } })),
    bands: [
      { id: 'low', label: 'Low', colour: '#2e7d32', min: 1 },
      { id: 'medium', label: 'Medium', colour: '#f9a825', min: 4 },
      { id: 'high', label: 'High', colour: '#ef6c00', min: 8 },
      { id: 'critical', label: 'Critical', colour: '#c62828', min: 12 },
    ],
    appetite: 'medium',
  };

  it('refuses 5 × 5 → 4 × 4 without a mapping, listing the risks whose levels would vanish, and changes nothing', async () => {
    const before = (await t.request({ method: 'GET', url: '/api/orgs/rerate/risks' })).json();
    const response = await t.request({ method: 'PUT', url: '/api/orgs/rerate/risk-matrix', payload: fourByFour });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('in_use');
    expect(response.json().error.message).toContain('2 risk(s)');
    expect(response.json().error.details.map((d: { path: string; rule: string; value: number }) => [d.path, d.rule, d.value])).toEqual([
      ['risks.pandemic-absence.inherent.impact', 'level_removed', 5],
      ['risks.ransomware.inherent.impact', 'level_removed', 5],
      ['risks.ransomware.residual.impact', 'level_removed', 5],
    ]);
    expect((await t.request({ method: 'GET', url: '/api/orgs/rerate/risk-matrix' })).json().likelihood).toHaveLength(5);
    expect((await t.request({ method: 'GET', url: '/api/orgs/rerate/risks' })).json()).toEqual(before);

    const unknownLevel = await t.request({
      method: 'PUT',
      url: '/api/orgs/rerate/risk-matrix',
      payload: { ...fourByFour, mapping: { impact: { '5': 4 }, likelihood: { '6': 4 } } },
    });
    expect(unknownLevel.statusCode).toBe(400);
    expect(unknownLevel.json().error.details).toEqual([expect.objectContaining({ path: 'mapping.likelihood.6', rule: 'unknown_level', value: 6 })]);
    const outside = await t.request({ method: 'PUT', url: '/api/orgs/rerate/risk-matrix', payload: { ...fourByFour, mapping: { impact: { '5': 5 } } } });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.details).toEqual([expect.objectContaining({ path: 'body.mapping.impact.5', rule: 'not_in_matrix', value: 5 })]);
  });

  it('re-rates every risk along an explicit mapping, re-bands them and records the assessments', async () => {
    const response = await t.request({
      method: 'PUT',
      url: '/api/orgs/rerate/risk-matrix',
      payload: { ...fourByFour, mapping: { likelihood: { '5': 4 }, impact: { '5': 4 } }, by: 'Risk committee' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().rerated).toEqual(['pandemic-absence', 'ransomware']);
    expect(response.json().matrix).toEqual(fourByFour);
    expect((await t.request({ method: 'GET', url: '/api/orgs/rerate/risk-matrix' })).json()).toEqual({ ...fourByFour, abilities: { update: true } });

    const ransomware = (await t.request({ method: 'GET', url: '/api/orgs/rerate/risks/ransomware' })).json();
    expect(ransomware.inherent).toEqual({ likelihood: 4, impact: 4 });
    expect(ransomware.residual).toEqual({ likelihood: 3, impact: 4 });
    // 3 × 4 = 12 is critical in the 4 × 4 matrix.
    expect(ransomware.computed.residual).toEqual({ likelihood: 3, impact: 4, score: 12, band: 'critical' });
    const history = (await t.request({ method: 'GET', url: '/api/orgs/rerate/risks/ransomware/history' })).json().items;
    expect(history.map((i: { reason: string; by: string }) => [i.reason, i.by])).toEqual([
      ['created', 'Seeder'],
      ['matrix_changed', 'Risk committee'],
    ]);
    // Untouched levels stay, and their bands follow the new matrix: paris-fire's 2 × 3 = 6 is now "medium" (4–7).
    const fire = (await t.request({ method: 'GET', url: '/api/orgs/rerate/risks/paris-fire' })).json();
    expect(fire.residual).toEqual({ likelihood: 2, impact: 3 });
    expect((await t.request({ method: 'GET', url: '/api/orgs/rerate/risks/paris-fire/history' })).json().items).toHaveLength(1);
    const map = (await t.request({ method: 'GET', url: '/api/orgs/rerate/risks/heatmap' })).json();
    expect(map.cells).toHaveLength(16);
    // Residuals: 12, 12, 6, 8, 4 → medium 2 (6, 4), high 1 (8), critical 2.
    expect(map.bands).toEqual({ low: 0, medium: 2, high: 1, critical: 2 });
    // Appetite "medium" now ends at 7: lyon-strike (8) becomes above appetite, but its acceptance answers it.
    const above = ids((await t.request({ method: 'GET', url: '/api/orgs/rerate/risks?aboveAppetite=true' })).json().items);
    expect(above).toEqual(['pandemic-absence', 'ransomware', 'lyon-strike']);
  });

  it('re-bands without moving any level when only the bands or the appetite change', async () => {
    const matrix = { ...fourByFour, appetite: 'high' };
    const response = await t.request({ method: 'PUT', url: '/api/orgs/rerate/risk-matrix', payload: matrix });
    expect(response.statusCode).toBe(200);
    expect(response.json().rerated).toEqual([]);
    expect(ids((await t.request({ method: 'GET', url: '/api/orgs/rerate/risks?aboveAppetite=true' })).json().items)).toEqual([
      'pandemic-absence',
      'ransomware',
    ]);
  });
});

describe('register spreadsheet', () => {
  beforeAll(async () => {
    await seedRegister('sheet');
  });

  it('exports CSV and XLSX that import back to the same register, adding nothing to the history', async () => {
    const before = (await t.request({ method: 'GET', url: '/api/orgs/sheet/risks' })).json();
    for (const format of ['csv', 'xlsx'] as const) {
      const file = await t.request({ method: 'GET', url: `/api/orgs/sheet/risks.sheet?format=${format}` });
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-disposition']).toContain(`sheet-risks.${format}`);
      if (format === 'csv') {
        const header = file.body.replace(/^\uFEFF/, '').split('\r\n')[0];
        expect(header).toBe(
          'id,title,title_fr,title_en,threat,assets,cause,consequence,owner,inherent_likelihood,inherent_impact,residual_likelihood,residual_impact,review_date,scenarios,treatments,inherent_score,inherent_band,residual_score,residual_band',
        );
        expect(file.body).toContain('site:paris; activity:claims; pool:vpn');
        expect(file.body).toContain('vpn | reduce | planned | 2026-10-01 | IT | I3 | VPN upgrade | +400 users');
      }
      const back = await t.request({
        method: 'POST',
        url: '/api/orgs/sheet/risks.sheet',
        payload: file.rawPayload,
        headers: { 'content-type': format === 'csv' ? 'text/csv' : XLSX },
      });
      expect(back.statusCode, back.body).toBe(200);
      expect(back.json()).toEqual({ created: 0, updated: 5, rerated: 0 });
      expect((await t.request({ method: 'GET', url: '/api/orgs/sheet/risks' })).json()).toEqual(before);
    }
    expect((await t.request({ method: 'GET', url: '/api/orgs/sheet/risks/ransomware/history' })).json().items).toHaveLength(1);
  });

  it('imports new and changed risks, accepting level labels, and records who imported them', async () => {
    const csv = [
      'ID;Title;Threat;Assets;Inherent likelihood;Inherent impact;Residual likelihood;Residual impact;Review date;Treatments',
      'flood-lyon;Flood in Lyon;flood;site:lyon;Possible;Major;2;3;2027-06-30;"levee | reduce | planned | 2027-01-31 | Facilities | L1 | Temporary barriers; pumps"',
      'ransomware;Ransomware on the CRM;ransomware;application:crm;4;5;2;5;;',
    ].join('\n');
    const response = await t.request({ method: 'POST', url: '/api/orgs/sheet/risks.sheet?by=Importer', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ created: 1, updated: 1, rerated: 1 });
    const flood = (await t.request({ method: 'GET', url: '/api/orgs/sheet/risks/flood-lyon' })).json();
    expect(flood).toMatchObject({
      inherent: { likelihood: 3, impact: 4 },
      residual: { likelihood: 2, impact: 3 },
      reviewDate: '2027-06-30',
      treatments: [
        {
          id: 'levee',
          type: 'reduce',
          status: 'planned',
          due: '2027-01-31',
          owner: 'Facilities',
          expectedEffect: { likelihood: 1 },
          description: 'Temporary barriers; pumps',
        },
      ],
      computed: { assessedBy: 'Importer' },
    });
    const history = (await t.request({ method: 'GET', url: '/api/orgs/sheet/risks/ransomware/history' })).json().items;
    expect(history.map((i: { reason: string; by: string }) => [i.reason, i.by])).toEqual([
      ['created', 'Seeder'],
      ['imported', 'Importer'],
    ]);
  });

  it('reports bad rows by number, column, rule and value, and writes nothing', async () => {
    const before = (await t.request({ method: 'GET', url: '/api/orgs/sheet/risks' })).json();
    const csv = [
      'id,title,threat,assets,inherent_likelihood,inherent_impact,residual_likelihood,residual_impact,review_date,treatments',
      'fine,Fine,fire,site:paris,2,2,1,1,,',
      'bad-level,Bad level,fire,,9,Huge,1,1,,',
      ',No id,fire,paris,1,1,1,1,someday,',
      'bad-treatment,Bad treatment,fire,,1,1,1,1,,"t1 | reduce | planned"',
      'fine,Duplicate,fire,,1,1,1,1,,',
    ].join('\n');
    const response = await t.request({ method: 'POST', url: '/api/orgs/sheet/risks.sheet', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('invalid_input');
    expect(response.json().error.details.map((d: { row: number; column: string; rule: string; value: unknown }) => [d.row, d.column, d.rule, d.value])).toEqual(
      [
        [3, 'inherent_likelihood', 'not_in_matrix', '9'],
        [3, 'inherent_impact', 'not_in_matrix', 'Huge'],
        [4, 'id', 'required', ''],
        [4, 'assets', 'asset_syntax', 'paris'],
        [4, 'review_date', 'format', 'someday'],
        [5, 'treatments', 'treatment_syntax', 't1 | reduce | planned'],
        [6, 'id', 'duplicate_id', 'fine'],
      ],
    );
    expect(response.json().error.details[0].path).toBe('rows[3].inherent.likelihood');

    const references = [
      'id,title,threat,assets,inherent_likelihood,inherent_impact,residual_likelihood,residual_impact,scenarios',
      'fine,Fine,fire,site:paris,2,2,1,1,',
      'ghost,Ghost,meteor,application:ghost,1,1,1,1,pandemic-lockdown; nowhere',
    ].join('\n');
    const second = await t.request({ method: 'POST', url: '/api/orgs/sheet/risks.sheet', payload: references, headers: { 'content-type': 'text/csv' } });
    expect(second.statusCode).toBe(400);
    expect(second.json().error.code).toBe('invalid_reference');
    expect(second.json().error.details.map((d: { row: number; column: string; rule: string; value: unknown }) => [d.row, d.column, d.rule, d.value])).toEqual([
      [3, 'threat', 'unknown_reference', 'meteor'],
      [3, 'assets', 'unknown_reference', 'ghost'],
      [3, 'scenarios', 'unknown_reference', 'nowhere'],
    ]);

    const header = await t.request({
      method: 'POST',
      url: '/api/orgs/sheet/risks.sheet',
      payload: 'id,title,colour\nx,X,red',
      headers: { 'content-type': 'text/csv' },
    });
    expect(header.statusCode).toBe(400);
    expect(header.json().error.details.map((d: { column: string; rule: string }) => [d.column, d.rule])).toEqual([
      ['colour', 'unknown_column'],
      ['threat', 'missing_column'],
      ['inherent_likelihood', 'missing_column'],
      ['inherent_impact', 'missing_column'],
      ['residual_likelihood', 'missing_column'],
      ['residual_impact', 'missing_column'],
    ]);
    const broken = await t.request({
      method: 'POST',
      url: '/api/orgs/sheet/risks.sheet',
      payload: Buffer.from('not a zip'),
      headers: { 'content-type': XLSX },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.details[0].rule).toBe('unreadable_file');

    expect((await t.request({ method: 'GET', url: '/api/orgs/sheet/risks' })).json()).toEqual(before);
    expect((await t.request({ method: 'GET', url: '/api/orgs/sheet/risks/fine' })).statusCode).toBe(404);
  });

  it('refuses a body that is not a spreadsheet (415) and an unknown organisation (404)', async () => {
    const response = await t.request({ method: 'POST', url: '/api/orgs/sheet/risks.sheet', payload: 'x', headers: { 'content-type': 'text/plain' } });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('unsupported_media_type');
    const missing = await t.request({ method: 'POST', url: '/api/orgs/nobody/risks.sheet', payload: 'id\nx', headers: { 'content-type': 'text/csv' } });
    expect(missing.statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/orgs/sheet/risks.sheet?format=pdf' })).statusCode).toBe(400);
  });
});

describe('demo register', () => {
  it('loads with the demo: pandemic, lockdown and remote-access attacks rated and linked to their scenarios', async () => {
    await loadDemo(t.database.db, 'demo-risks');
    await t.join('demo-risks');
    const list = (await t.request({ method: 'GET', url: '/api/orgs/demo-risks/risks?limit=500' })).json();
    expect(list.total).toBeGreaterThanOrEqual(15);
    const byThreat = new Map<string, { scenarios: string[]; treatments: unknown[] }>(list.items.map((risk: { threat: string }) => [risk.threat, risk]));
    expect(byThreat.get('pandemic')?.scenarios).toContain('pandemic-lockdown');
    expect(byThreat.get('lockdown')?.scenarios).toContain('pandemic-lockdown');
    expect(byThreat.get('remote-access-attack')?.scenarios.length).toBeGreaterThan(0);
    expect(list.items.filter((risk: { treatments: unknown[] }) => risk.treatments.length > 0).length).toBeGreaterThanOrEqual(12);
    const found = (await t.request({ method: 'GET', url: '/api/orgs/demo-risks/risks/attention?today=2026-11-29' })).json();
    expect(found.overdueTreatments.length).toBeGreaterThanOrEqual(3);
    expect(found.notReviewed.length).toBeGreaterThanOrEqual(1);
    expect(found.aboveAppetiteWithoutTreatment.length).toBeGreaterThanOrEqual(1);
    const threats = (await t.request({ method: 'GET', url: '/api/orgs/demo-risks/threats' })).json();
    expect(threats.items.filter((threat: { source: string }) => threat.source === 'organisation').length).toBeGreaterThanOrEqual(1);

    // Loading again resets the register rather than adding to it.
    await loadDemo(t.database.db, 'demo-risks');
    expect((await t.request({ method: 'GET', url: '/api/orgs/demo-risks/risks' })).json().total).toBe(list.total);
    expect((await t.request({ method: 'GET', url: `/api/orgs/demo-risks/risks/${list.items[0].id}/history` })).json().items).toHaveLength(1);
  });
});

describe('documentation', () => {
  it('lists every risk route under the "risks" tag', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.tags.map((tag: { name: string }) => tag.name)).toContain('risks');
    for (const path of [
      '/api/threats',
      '/api/orgs/{org}/threats',
      '/api/orgs/{org}/threats/{id}',
      '/api/orgs/{org}/risk-matrix',
      '/api/orgs/{org}/risks',
      '/api/orgs/{org}/risks/{id}',
      '/api/orgs/{org}/risks/{id}/history',
      '/api/orgs/{org}/risks/heatmap',
      '/api/orgs/{org}/risks/attention',
      '/api/orgs/{org}/risks.sheet',
    ])
      expect(Object.keys(doc.paths), path).toContain(path);
    expect(doc.paths['/api/orgs/{org}/risks'].get.tags).toEqual(['risks']);
  });
});

describe('assets named by risks', () => {
  it('cannot be deleted, renamed or dropped by a model import while a risk names them', async () => {
    await importSmall('assets');
    const created = await t.request({ method: 'POST', url: '/api/orgs/assets/suppliers', payload: { id: 'insurer-b', name: 'Second insurer' } });
    expect(created.statusCode).toBe(201);
    const risk = {
      id: 'insurer-default',
      title: 'Insurer default',
      threat: 'supplier-failure',
      assets: [{ type: 'supplier', id: 'insurer-b' }],
      inherent: { likelihood: 2, impact: 4 },
      residual: { likelihood: 2, impact: 3 },
    };
    const saved = await t.request({ method: 'POST', url: '/api/orgs/assets/risks', payload: risk });
    expect(saved.statusCode, saved.body).toBe(201);

    const deleted = await t.request({ method: 'DELETE', url: '/api/orgs/assets/suppliers/insurer-b' });
    expect(deleted.statusCode).toBe(409);
    expect(deleted.json().error).toMatchObject({ code: 'in_use', details: [{ path: 'risks[insurer-default].assets', value: 'insurer-b' }] });
    const renamed = await t.request({ method: 'PUT', url: '/api/orgs/assets/suppliers/insurer-b', payload: { id: 'insurer-c', name: 'Second insurer' } });
    expect(renamed.statusCode).toBe(409);
    const dropped = await t.request({ method: 'PUT', url: '/api/orgs/assets/model', payload: smallModel() });
    expect(dropped.statusCode).toBe(409);
    expect(dropped.json().error.details[0]).toMatchObject({ path: 'risks[insurer-default].assets', value: 'insurer-b' });
    expect((await t.request({ method: 'GET', url: '/api/orgs/assets/suppliers/insurer-b' })).statusCode).toBe(200);

    expect((await t.request({ method: 'DELETE', url: '/api/orgs/assets/risks/insurer-default' })).statusCode).toBe(204);
    expect((await t.request({ method: 'DELETE', url: '/api/orgs/assets/suppliers/insurer-b' })).statusCode).toBe(204);
  });
});
