// Widget keys with their own look (issue 14): branding given at creation or changed later with the origins and the
// start flow, returned by the widget's handshake beside its fields of before, who may change a key, and hostile
// branding (javascript: and data: logos, CSS in a colour, oversized texts) refused at its field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallModel, startTestApp, type TestApp, type TestResponse } from '../support/app.js';

let t: TestApp;
const SHOP = 'https://shop.branded.example';
const OTHER = 'https://other.branded.example';

beforeAll(async () => {
  t = await startTestApp();
  const created = await t.request({ method: 'PUT', url: '/api/orgs/branded/model', payload: { ...smallModel(), organisation: { name: 'Branded' } } });
  expect(created.statusCode, created.body).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

const handshake = (key: string, origin = SHOP) =>
  t.request({ method: 'GET', url: `/api/widget/config?key=${encodeURIComponent(key)}`, as: null, headers: { origin } });
const create = (payload: object) => t.request({ method: 'POST', url: '/api/orgs/branded/public-keys', payload });
const change = (id: string, payload: object, as?: Parameters<TestApp['request']>[0]['as']) =>
  t.request({ method: 'PATCH', url: `/api/orgs/branded/public-keys/${id}`, payload, ...(as !== undefined ? { as } : {}) });

function refusal(response: TestResponse): Array<{ path: string; rule: string; value: unknown }> {
  expect(response.statusCode, response.body).toBe(400);
  expect(response.json().error.code).toBe('invalid_input');
  return response.json().error.details;
}

describe('a widget key’s branding', () => {
  it('is kept with the key, listed, and given in the handshake beside the fields it always had', async () => {
    const created = await create({
      label: 'Town hall',
      origins: [SHOP],
      flow: 'orientation',
      branding: {
        title: { fr: '  Mairie — aide  ', en: 'Town hall help' },
        greeting: { fr: 'Bonjour !' },
        accent: '#7B2D8B',
        logoUrl: 'https://cdn.branded.example/logo.svg',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const branding = {
      title: { fr: 'Mairie — aide', en: 'Town hall help' },
      greeting: { fr: 'Bonjour !' },
      accent: '#7b2d8b',
      logoUrl: 'https://cdn.branded.example/logo.svg',
    };
    expect(created.json()).toMatchObject({ label: 'Town hall', flow: 'orientation', branding, abilities: { update: true, delete: true } });
    const listed = (await t.request({ method: 'GET', url: '/api/orgs/branded/public-keys' })).json().items;
    expect(listed.find((item: { id: string }) => item.id === created.json().id).branding).toEqual(branding);

    const answer = await handshake(created.json().key);
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toEqual({ name: 'Branded', languages: ['fr', 'en'], greeting: {}, flow: 'orientation', branding });

    // A key without branding (or with an empty one) answers exactly as before.
    for (const payload of [{}, { branding: null }, { branding: { title: {}, greeting: {} } }]) {
      const plain = await create({ label: 'Plain', origins: [SHOP], ...payload });
      expect(plain.statusCode, plain.body).toBe(201);
      expect(plain.json().branding).toBeNull();
      expect((await handshake(plain.json().key)).json()).toEqual({ name: 'Branded', languages: ['fr', 'en'], greeting: {}, flow: null });
    }
  });

  it('changes with the key’s origins, flow and label; the key itself stays, and each change is audited', async () => {
    const created = (await create({ label: 'Intranet', origins: [SHOP] })).json();
    const changed = await change(created.id, {
      label: 'Intranet (staff)',
      origins: [SHOP, `${OTHER}/`],
      flow: 'assistant',
      branding: { accent: '#0a7d3e', title: { en: 'Staff help' } },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      id: created.id,
      key: created.key,
      label: 'Intranet (staff)',
      origins: [SHOP, OTHER],
      flow: 'assistant',
      branding: { accent: '#0a7d3e', title: { en: 'Staff help' }, greeting: {}, logoUrl: null },
    });
    // The new origin opens, the handshake says the new look and flow.
    const fromOther = await handshake(created.key, OTHER);
    expect(fromOther.statusCode, fromOther.body).toBe(200);
    expect(fromOther.json()).toMatchObject({ flow: 'assistant', branding: { accent: '#0a7d3e' } });

    // Only what is given changes; branding null takes the look away, origins narrowed close the old one.
    const narrowed = await change(created.id, { origins: [OTHER], branding: null });
    expect(narrowed.json()).toMatchObject({ label: 'Intranet (staff)', flow: 'assistant', origins: [OTHER], branding: null });
    expect((await handshake(created.key, SHOP)).statusCode).toBe(403);
    expect((await handshake(created.key, OTHER)).json().branding).toBeUndefined();
    expect((await change(created.id, { flow: null })).json().flow).toBeNull();

    const audit = (await t.request({ method: 'GET', url: '/api/orgs/branded/audit?entity=public_key' })).json().items;
    const updates = audit.filter((entry: { action: string; entity: { id: string } }) => entry.action === 'update');
    expect(updates.length).toBe(3);
    expect(updates.map((entry: { after: { branding: unknown } }) => entry.after.branding)).toContainEqual(expect.objectContaining({ accent: '#0a7d3e' }));
  });

  it('refuses a change of a revoked key (409), an unknown key (404), an empty change and an unknown flow (400)', async () => {
    const created = (await create({ label: 'Gone', origins: [SHOP] })).json();
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/branded/public-keys/${created.id}` })).statusCode).toBe(204);
    const revoked = await change(created.id, { branding: { accent: '#000000' } });
    expect(revoked.statusCode, revoked.body).toBe(409);
    expect(revoked.json().error.details[0]).toMatchObject({ path: 'id', rule: 'revoked' });
    expect((await change('00000000-0000-4000-8000-000000000000', { label: 'x' })).statusCode).toBe(404);
    expect((await change('not-a-uuid', { label: 'x' })).statusCode).toBe(400);
    const live = (await create({ label: 'Live', origins: [SHOP] })).json();
    expect(refusal(await change(live.id, {}))[0]).toMatchObject({ rule: 'empty_change' });
    expect(refusal(await change(live.id, { flow: 'nope' }))[0]).toMatchObject({ path: 'body.flow', rule: 'exists', value: 'nope' });
    expect(refusal(await change(live.id, { key: 'rmpk_branded.chosenbyme00000000000' })).map((d) => d.rule)).toContain('unrecognized_keys');
    // Another organisation's key is not found from here.
    const other = await t.request({ method: 'PUT', url: '/api/orgs/elsewhere/model', payload: { ...smallModel(), organisation: { name: 'Elsewhere' } } });
    expect(other.statusCode).toBe(200);
    expect((await t.request({ method: 'PATCH', url: `/api/orgs/elsewhere/public-keys/${live.id}`, payload: { label: 'x' } })).statusCode).toBe(404);
  });

  it('is changed by owners and administrators signed in, never by a token, an auditor or a continuity manager', async () => {
    const created = (await create({ label: 'Rights', origins: [SHOP] })).json();
    const admin = await t.createUser('admin@branded.example', { org: 'branded', role: 'administrator' });
    const auditor = await t.createUser('auditor@branded.example', { org: 'branded', role: 'auditor' });
    const manager = await t.createUser('manager@branded.example', { org: 'branded', role: 'continuityManager' });
    expect((await change(created.id, { branding: { accent: '#112233' } }, admin.session)).statusCode).toBe(200);
    for (const as of [auditor.session, manager.session]) expect((await change(created.id, { label: 'x' }, as)).statusCode).toBe(403);
    const listedByAuditor = (await t.request({ method: 'GET', url: '/api/orgs/branded/public-keys', as: auditor.session })).json();
    expect(listedByAuditor.items[0].abilities).toEqual({ update: false, delete: false });
    const token = (await t.request({ method: 'POST', url: '/api/orgs/branded/tokens', payload: { name: 'automation', role: 'administrator' } })).json().token;
    const byToken = await change(created.id, { origins: ['*'] }, { bearer: token });
    expect(byToken.statusCode, byToken.body).toBe(403);
    expect((await handshake(created.key, 'https://anyone.example')).statusCode).toBe(403);
  });

  it('reaches the full-page chat served by this server: a same-origin handshake carries no Origin, Sec-Fetch-Site says it', async () => {
    const own = 'http://rempart.test';
    const created = (await create({ label: 'Chat page', origins: [own], flow: 'orientation', branding: { accent: '#7b2d8b' } })).json();
    const ask = (headers: Record<string, string>) =>
      t.request({ method: 'GET', url: `/api/widget/config?key=${encodeURIComponent(created.key)}`, as: null, headers: { host: 'rempart.test', ...headers } });
    const answer = await ask({ 'sec-fetch-site': 'same-origin' });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ flow: 'orientation', branding: { accent: '#7b2d8b' } });
    // Without the browser's word, or from another site, or for a key that does not allow this server: refused as before.
    for (const headers of [{} as Record<string, string>, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { 'sec-fetch-site': 'none' }]) {
      const refused = await ask(headers);
      expect(refused.statusCode, JSON.stringify(headers)).toBe(403);
      expect(refused.json().error.details[0]).toMatchObject({ path: 'headers.origin', rule: 'origin' });
    }
    const elsewhere = (await create({ label: 'Shop only', origins: [SHOP] })).json();
    const notHere = await t.request({
      method: 'GET',
      url: `/api/widget/config?key=${encodeURIComponent(elsewhere.key)}`,
      as: null,
      headers: { host: 'rempart.test', 'sec-fetch-site': 'same-origin' },
    });
    expect(notHere.statusCode).toBe(403);
    // An Origin, when sent, is what counts.
    expect((await ask({ 'sec-fetch-site': 'same-origin', origin: OTHER })).statusCode).toBe(403);
  });

  it('refuses hostile branding at its field with its rule and value, on creation and on change alike', async () => {
    const live = (await create({ label: 'Target', origins: [SHOP] })).json();
    const bad: Array<[object, string, string, unknown?]> = [
      [{ logoUrl: 'javascript:alert(1)' }, 'branding.logoUrl', 'https_url', 'javascript:alert(1)'],
      [{ logoUrl: 'JAVASCRIPT://https://x.example/%0aalert(1)' }, 'branding.logoUrl', 'https_url'],
      [{ logoUrl: 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=' }, 'branding.logoUrl', 'https_url'],
      [{ logoUrl: 'http://cdn.example/logo.png' }, 'branding.logoUrl', 'https_url'],
      [{ logoUrl: '//cdn.example/logo.png' }, 'branding.logoUrl', 'https_url'],
      [{ logoUrl: 'https://user:secret@cdn.example/logo.png' }, 'branding.logoUrl', 'https_url'],
      [{ logoUrl: 'https://cdn.example/a b.png' }, 'branding.logoUrl', 'https_url'],
      [{ logoUrl: `https://cdn.example/${'a'.repeat(2000)}` }, 'branding.logoUrl', 'too_big'],
      [{ accent: 'red' }, 'branding.accent', 'colour', 'red'],
      [{ accent: '#fff' }, 'branding.accent', 'colour', '#fff'],
      [{ accent: '#gg0000' }, 'branding.accent', 'colour'],
      [{ accent: '#000000;background:url(https://evil.example)' }, 'branding.accent', 'colour'],
      [{ accent: `#${'0'.repeat(10_000)}` }, 'branding.accent', 'colour'],
      [{ accent: 'expression(alert(1))' }, 'branding.accent', 'colour'],
      [{ accent: 123456 }, 'branding.accent', 'invalid_type'],
      [{ title: { fr: 'x'.repeat(101) } }, 'branding.title.fr', 'too_big'],
      [{ title: { en: '   ' } }, 'branding.title.en', 'too_small'],
      [{ title: { fr: 'Bon\u0000jour' } }, 'branding.title.fr', 'invalid_text'],
      [{ greeting: { en: 'x'.repeat(501) } }, 'branding.greeting.en', 'too_big'],
      [{ greeting: { de: 'Hallo' } }, 'branding.greeting', 'unrecognized_keys'],
      [{ greeting: 'Bonjour' }, 'branding.greeting', 'invalid_type'],
      [{ theme: 'dark' }, 'branding', 'unrecognized_keys'],
    ];
    for (const [branding, path, rule, value] of bad) {
      for (const response of [await create({ label: 'x', origins: [SHOP], branding }), await change(live.id, { branding })]) {
        const problem = refusal(response).find((detail) => detail.path === `body.${path}`);
        expect(problem, `${JSON.stringify(branding).slice(0, 80)}: ${response.body.slice(0, 300)}`).toMatchObject({ rule });
        if (value !== undefined) expect(problem!.value).toEqual(value);
      }
    }
    // Oversized bodies are refused before they are read; nothing of it reached the key.
    const huge = await change(live.id, { branding: { greeting: { fr: 'x'.repeat(64 * 1024) } } });
    expect(huge.statusCode).toBe(413);
    expect((await handshake(live.key)).json().branding).toBeUndefined();
  });
});
