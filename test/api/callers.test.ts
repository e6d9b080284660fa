// The new kinds of caller over HTTP: link tokens on the routes of their purpose (and nowhere else), public keys on
// widget routes from their origins only (with CORS answers), the management of keys and widget settings, policies
// that contradict themselves refused at registration, and hostile input on all of it.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLinkToken } from '../../src/operations/link-tokens.js';
import { buildApp } from '../../src/server/app.js';
import type { RoutePolicy } from '../../src/server/access.js';
import { credentialHeaders, smallModel, startTestApp, type Credentials, type TestApp, type TestResponse } from '../support/app.js';

let t: TestApp;
/** A second server on the same database, with routes of a future purpose (check-in) for the link tests. */
let linkApp: FastifyInstance;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await startTestApp();
  for (const org of ['acme', 'bravo']) {
    const response = await t.request({
      method: 'PUT',
      url: `/api/orgs/${org}/model`,
      payload: { ...smallModel(), organisation: { name: org === 'acme' ? 'Acme' : 'Bravo' } },
    });
    expect(response.statusCode, response.body).toBe(200);
  }
  linkApp = await buildApp({
    db: t.database.db,
    databaseKind: t.database.kind,
    listen: t.database.listen,
    secretKey: Buffer.alloc(32, 7),
    sessions: { now: () => t.clock.now() },
  });
  linkApp.get('/api/test/checkin', { config: { policy: { access: 'link', callers: ['link:checkin'] } } }, async (request) => ({
    org: request.link!.orgId,
    subject: request.link!.subject,
  }));
  linkApp.get(
    '/api/orgs/:org/test/checkins',
    { config: { policy: { resource: 'organisation', action: 'read', callers: ['session', 'token', 'link:checkin'] } } },
    async (request) => ({
      via: request.link ? 'link' : request.principal!.via,
      subject: request.link?.subject ?? null,
    }),
  );
  linkApp.get('/api/orgs/:org/test/people-only', { config: { policy: { resource: 'organisation', action: 'read', callers: ['session'] } } }, async () => ({
    ok: true,
  }));
  linkApp.get('/api/test/tokens-only', { config: { policy: { access: 'signedIn', callers: ['token'] } } }, async () => ({ ok: true }));
  await linkApp.ready();
});
afterAll(async () => {
  await linkApp?.close();
  await t?.close();
});

function link(org: string, purpose: 'checkin' | 'invitation', request: { ttlMs?: number; maxUses?: number | null; subject?: string } = {}) {
  return t.database.db.transaction().execute((trx) =>
    issueLinkToken(trx, {
      org,
      purpose,
      subject: request.subject ?? 'alert/a1/person/p1',
      ttlMs: request.ttlMs ?? HOUR,
      maxUses: request.maxUses,
      now: t.clock.now(),
    }),
  );
}

async function onLinkApp(url: string, as: Credentials, headers: Record<string, string> = {}): Promise<TestResponse> {
  return (await linkApp.inject({ method: 'GET', url, headers: { ...credentialHeaders(as), ...headers } })) as TestResponse;
}

function expectError(response: TestResponse, status: number, code: string, rule?: string): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json().error.code).toBe(code);
  if (rule) expect(response.json().error.details[0].rule).toBe(rule);
}

describe('link tokens', () => {
  it('open the routes of their purpose, in their organisation, while active', async () => {
    const checkin = await link('acme', 'checkin', { maxUses: null });
    const ok = await onLinkApp('/api/test/checkin', { bearer: checkin.token });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ org: 'acme', subject: 'alert/a1/person/p1' });
    expect((await onLinkApp('/api/orgs/acme/test/checkins', { bearer: checkin.token })).json()).toEqual({ via: 'link', subject: 'alert/a1/person/p1' });
    // The same route still takes people and tokens, judged by their role.
    expect((await onLinkApp('/api/orgs/acme/test/checkins', t.owner.session)).json()).toEqual({ via: 'session', subject: null });
    // Another organisation's route: as if it did not exist.
    const elsewhere = await onLinkApp('/api/orgs/bravo/test/checkins', { bearer: checkin.token });
    expectError(elsewhere, 404, 'not_found');
    expect(elsewhere.json().error.message).toMatch(/^No organisation/);
  });

  it('refuses a link of another purpose (403, rule purpose), unknown ones (401), and spent ones (410 with the reason)', async () => {
    const invitation = await link('acme', 'invitation');
    expectError(await onLinkApp('/api/test/checkin', { bearer: invitation.token }), 403, 'forbidden', 'purpose');
    expectError(await onLinkApp('/api/orgs/acme/test/checkins', { bearer: invitation.token }), 403, 'forbidden', 'purpose');
    expectError(await onLinkApp('/api/test/checkin', { bearer: `rmpl_acme.${'a'.repeat(43)}` }), 401, 'unauthenticated', 'link');
    expectError(await onLinkApp('/api/test/checkin', { bearer: `rmpl_bravo.${invitation.token.split('.')[1]}` }), 401, 'unauthenticated', 'link');
    expectError(await onLinkApp('/api/test/checkin', null), 401, 'unauthenticated', 'link');
    expectError(await onLinkApp('/api/test/checkin', t.owner.session), 401, 'unauthenticated', 'link');

    const shortLived = await link('acme', 'checkin', { ttlMs: 60_000 });
    t.clock.advance(60_000);
    try {
      expectError(await onLinkApp('/api/test/checkin', { bearer: shortLived.token }), 410, 'link_gone', 'expired');
    } finally {
      t.clock.advance(-60_000);
    }
    const revoked = await link('acme', 'checkin');
    await t.database.db.updateTable('link_tokens').set({ revoked_at: new Date() }).where('id', '=', revoked.id).execute();
    expectError(await onLinkApp('/api/test/checkin', { bearer: revoked.token }), 410, 'link_gone', 'revoked');
    const used = await link('acme', 'checkin', { maxUses: 1 });
    await t.database.db.updateTable('link_tokens').set({ uses: 1 }).where('id', '=', used.id).execute();
    expectError(await onLinkApp('/api/test/checkin', { bearer: used.token }), 410, 'link_gone', 'used');
  });

  it('opens nothing else: every ordinary route refuses a link token (403, rule caller), whatever its state', async () => {
    const checkin = await link('acme', 'checkin');
    for (const [method, url] of [
      ['GET', '/api/orgs/acme/activities'],
      ['GET', '/api/auth/me'],
      ['POST', '/api/orgs/acme/tokens'],
      ['GET', '/api/orgs/acme/public-keys'],
      ['GET', '/api/orgs'],
    ] as const) {
      const response = await t.request({ method, url, as: { bearer: checkin.token }, ...(method === 'POST' ? { payload: {} } : {}) });
      expectError(response, 403, 'forbidden', 'caller');
    }
    // Health and sign-in read no credentials at all.
    expect((await t.request({ method: 'GET', url: '/api/health', as: { bearer: checkin.token } })).statusCode).toBe(200);
  });

  it('refuses hostile link tokens without a 500', async () => {
    for (const bearer of [
      'rmpl_',
      'rmpl_acme.',
      `rmpl_${'a'.repeat(5000)}`,
      `rmpl_acme.${'a'.repeat(42)}`,
      "rmpl_acme.' or 1=1 --",
      `rmpl_ac me.${'a'.repeat(43)}`,
    ]) {
      const response = await onLinkApp('/api/test/checkin', { bearer });
      expect([400, 401], `${bearer.slice(0, 40)}: ${response.body}`).toContain(response.statusCode);
    }
    const nul = await linkApp
      .inject({ method: 'GET', url: '/api/test/checkin', headers: { authorization: 'Bearer rmpl_acme.\u0000' } })
      .catch((error: unknown) => error);
    if (!(nul instanceof Error)) expect((nul as TestResponse).statusCode).toBeLessThan(500);
  });

  it('gives an invitation link of another purpose in the invitation path: 403, rule purpose', async () => {
    const checkin = await link('acme', 'checkin');
    const bare = checkin.token.slice('rmpl_'.length);
    for (const token of [bare, checkin.token]) {
      expectError(await t.request({ method: 'GET', url: `/api/invitations/${token}`, as: null }), 403, 'forbidden', 'purpose');
      expectError(
        await t.request({ method: 'POST', url: `/api/invitations/${token}/accept`, payload: { password: 'a long password for the test' }, as: null }),
        403,
        'forbidden',
        'purpose',
      );
    }
    // A real invitation works with or without its prefix.
    const invited = await t.request({ method: 'POST', url: '/api/orgs/acme/members', payload: { email: 'prefixed@acme.example', role: 'auditor' } });
    expect(invited.statusCode, invited.body).toBe(202);
    expect((await t.request({ method: 'GET', url: `/api/invitations/rmpl_${invited.json().token}`, as: null })).json()).toMatchObject({
      status: 'pending',
      email: 'prefixed@acme.example',
    });
  });
});

describe('callers narrowed by a policy', () => {
  it('refuse the kinds a route leaves out: a token where only people are taken, a person where only tokens are', async () => {
    const token = (await t.request({ method: 'POST', url: '/api/orgs/acme/tokens', payload: { name: 'narrow', role: 'owner' } })).json().token;
    expect((await onLinkApp('/api/orgs/acme/test/people-only', t.owner.session)).statusCode).toBe(200);
    expectError(await onLinkApp('/api/orgs/acme/test/people-only', { bearer: token }), 403, 'forbidden');
    expect((await onLinkApp('/api/test/tokens-only', { bearer: token })).statusCode).toBe(200);
    expectError(await onLinkApp('/api/test/tokens-only', t.owner.session), 403, 'forbidden', 'caller');
    expectError(await onLinkApp('/api/test/tokens-only', null), 401, 'unauthenticated');
  });
});

describe('policies that contradict themselves are refused at registration', () => {
  const cases: Array<[string, string, RoutePolicy, RegExp]> = [
    ['GET', '/api/x/public', { access: 'public', callers: ['session'] }, /is public/],
    ['GET', '/api/x/signed', { access: 'signedIn', callers: ['publicKey'] }, /only `access: "publicKey"`/],
    ['GET', '/api/orgs/:org/x', { resource: 'sites', action: 'read', callers: ['publicKey'] }, /only `access: "publicKey"`/],
    ['GET', '/api/orgs/:org/y', { resource: 'sites', action: 'read', callers: ['nobody'] }, /does not admit/],
    ['GET', '/api/x/person', { access: 'person', callers: ['token'] }, /does not admit/],
    ['GET', '/api/x/signed2', { access: 'signedIn', callers: ['link:checkin'] }, /does not admit/],
    ['GET', '/api/x/empty', { access: 'signedIn', callers: [] }, /no caller/],
    ['GET', '/api/x/twice', { access: 'signedIn', callers: ['session', 'session'] }, /twice/],
    ['GET', '/api/x/unknown', { access: 'signedIn', callers: ['link:login' as never] }, /unknown caller/],
    ['GET', '/api/x/link', { access: 'link' }, /names no `link:<purpose>`/],
    ['GET', '/api/x/link2', { access: 'link', callers: ['session'] }, /does not admit/],
    ['GET', '/api/orgs/:org/widget2', { access: 'publicKey' }, /under an organisation/],
    ['GET', '/api/x/pk', { access: 'publicKey', callers: ['publicKey', 'session'] }, /does not admit/],
    ['GET', '/api/x/pon/:token', { access: 'personOrNobody', callers: ['nobody', 'link:invitation'] }, /linkParam/],
    ['GET', '/api/x/pon2/:token', { access: 'personOrNobody', callers: ['nobody', 'link:invitation'], linkParam: 'secret' }, /no :secret parameter/],
    ['GET', '/api/x/pon3/:token', { access: 'personOrNobody', linkParam: 'token' }, /accepts no `link:<purpose>`/],
    ['GET', '/api/x/pon4/:token', { access: 'personOrNobody', callers: ['token'] }, /does not admit/],
    ['GET', '/api/x/lp/:token', { access: 'link', callers: ['link:checkin'], linkParam: 'token' }, /personOrNobody/],
    ['GET', '/api/x/res', { resource: 'sites', action: 'read' }, /no :org parameter/],
  ];
  it.each(cases)('%s %s', async (method, url, policy, message) => {
    const bare = await buildApp({ db: t.database.db, databaseKind: t.database.kind, listen: t.database.listen, secretKey: Buffer.alloc(32) });
    try {
      expect(() => bare.route({ method: method as 'GET', url, config: { policy }, handler: async () => ({}) })).toThrow(message);
    } finally {
      await bare.close();
    }
  });
});

describe('public keys', () => {
  const SHOP = 'https://shop.acme.example';
  let key = '';
  let keyId = '';

  beforeAll(async () => {
    const created = await t.request({
      method: 'POST',
      url: '/api/orgs/acme/public-keys',
      payload: { label: 'Shop', origins: ['HTTPS://Shop.Acme.Example:443/', 'http://localhost:5173'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    key = created.json().key;
    keyId = created.json().id;
    const widget = await t.request({
      method: 'PUT',
      url: '/api/orgs/acme/widget',
      payload: { name: 'Acme help', languages: ['fr', 'en'], greeting: { fr: 'Bonjour', en: 'Hello' } },
    });
    expect(widget.statusCode, widget.body).toBe(200);
  });

  const config = (headers: Record<string, string | undefined>, query = '', as: Credentials = null) =>
    t.request({
      method: 'GET',
      url: `/api/widget/config${query}`,
      as,
      headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<string, string>,
    });

  it('are created by owners and administrators with canonical origins, listed, and revoked', async () => {
    const list = await t.request({ method: 'GET', url: '/api/orgs/acme/public-keys' });
    expect(list.statusCode, list.body).toBe(200);
    const mine = list.json().items.find((item: { id: string }) => item.id === keyId);
    expect(mine).toMatchObject({
      key: expect.stringMatching(/^rmpk_acme\.[A-Za-z0-9_-]{22}$/),
      label: 'Shop',
      origins: [SHOP, 'http://localhost:5173'],
      status: 'active',
      createdBy: { id: t.owner.id, email: t.owner.email },
      abilities: { delete: true },
    });
    expect(list.json().abilities).toEqual({ create: true });
    const admin = await t.createUser('admin@acme.example', { org: 'acme', role: 'administrator' });
    const manager = await t.createUser('manager@acme.example', { org: 'acme', role: 'continuityManager' });
    const auditor = await t.createUser('auditor@acme.example', { org: 'acme', role: 'auditor' });
    const byAdmin = await t.request({
      method: 'POST',
      url: '/api/orgs/acme/public-keys',
      payload: { label: 'Intranet', origins: ['https://intranet.acme.example'] },
      as: admin.session,
    });
    expect(byAdmin.statusCode, byAdmin.body).toBe(201);
    expect(
      (await t.request({ method: 'POST', url: '/api/orgs/acme/public-keys', payload: { label: 'x', origins: [SHOP] }, as: manager.session })).statusCode,
    ).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/public-keys', as: manager.session })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/public-keys', as: auditor.session })).statusCode).toBe(200);
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/acme/public-keys/${byAdmin.json().id}`, as: auditor.session })).statusCode).toBe(403);
    // An API token may list and revoke keys, never make one.
    const token = (await t.request({ method: 'POST', url: '/api/orgs/acme/tokens', payload: { name: 'automation', role: 'administrator' } })).json().token;
    expect(
      (await t.request({ method: 'POST', url: '/api/orgs/acme/public-keys', payload: { label: 'x', origins: [SHOP] }, as: { bearer: token } })).statusCode,
    ).toBe(403);
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/acme/public-keys/${byAdmin.json().id}`, as: { bearer: token } })).statusCode).toBe(204);
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/acme/public-keys/${byAdmin.json().id}` })).statusCode).toBe(204);
    const revoked = (await t.request({ method: 'GET', url: '/api/orgs/acme/public-keys' }))
      .json()
      .items.find((item: { id: string }) => item.id === byAdmin.json().id);
    expect(revoked).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    const stopped = await config({ 'x-rempart-key': byAdmin.json().key, origin: 'https://intranet.acme.example' });
    expectError(stopped, 401, 'unauthenticated', 'public_key');
    // Another organisation's key is not found from here.
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/bravo/public-keys/${keyId}` })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: '/api/orgs/acme/public-keys/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    const audit = (await t.request({ method: 'GET', url: '/api/orgs/acme/audit?entity=public_key' }))
      .json()
      .items.map((entry: { action: string }) => entry.action);
    expect(audit).toEqual(expect.arrayContaining(['create', 'revoke']));
  });

  it('give a widget its organisation’s public settings, from an allowed origin, with CORS for that origin only', async () => {
    const answer = await config({ 'x-rempart-key': key, origin: SHOP });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toEqual({ name: 'Acme help', languages: ['fr', 'en'], greeting: { fr: 'Bonjour', en: 'Hello' }, flow: null });
    expect(answer.headers['access-control-allow-origin']).toBe(SHOP);
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    expect(String(answer.headers.vary)).toMatch(/Origin/i);
    expect(answer.headers['set-cookie']).toBeUndefined();
    const byQuery = await config({ origin: 'http://localhost:5173' }, `?key=${key}`);
    expect(byQuery.statusCode, byQuery.body).toBe(200);
    expect(byQuery.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    // The organisation's name when the widget has none.
    const bravoKey = (
      await t.request({ method: 'POST', url: '/api/orgs/bravo/public-keys', payload: { label: 'B', origins: ['https://bravo.example'] } })
    ).json().key;
    expect((await config({ 'x-rempart-key': bravoKey, origin: 'https://bravo.example' })).json()).toEqual({
      name: 'Bravo',
      languages: ['fr', 'en'],
      greeting: {},
      flow: null,
    });
  });

  it.each([
    ['a trailing slash', `${SHOP}/`],
    ['upper case', 'https://SHOP.acme.example'],
    ['the default port spelt out', `${SHOP}:443`],
    ['another port', `${SHOP}:8443`],
    ['another scheme', 'http://shop.acme.example'],
    ['a sub-domain', 'https://evil.shop.acme.example'],
    ['a look-alike', 'https://shop.acme.example.evil.example'],
    ['the null origin', 'null'],
    ['two origins', `${SHOP} https://evil.example`],
    ['no Origin at all', undefined],
  ])('refuse %s (403, rule origin), without CORS headers', async (_, origin) => {
    const response = await config({ 'x-rempart-key': key, origin });
    expectError(response, 403, 'forbidden', 'origin');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.body).not.toContain('Acme help');
  });

  it('take no cookie and no token: a session alone is nobody here, a token is refused', async () => {
    expectError(await config({}, '', t.owner.session), 401, 'unauthenticated', 'public_key');
    const token = (await t.request({ method: 'POST', url: '/api/orgs/acme/tokens', payload: { name: 'w', role: 'auditor' } })).json().token;
    expectError(await config({ 'x-rempart-key': key, origin: SHOP }, '', { bearer: token }), 403, 'forbidden', 'caller');
    // A cookie sent along is not read: the answer is the widget's, and sets nothing.
    const withCookie = await config({ 'x-rempart-key': key, origin: SHOP }, '', t.owner.session);
    expect(withCookie.statusCode).toBe(200);
    expect(withCookie.headers['set-cookie']).toBeUndefined();
  });

  it('open nothing but widget routes (403, rule caller), even beside a valid session', async () => {
    for (const url of ['/api/orgs/acme/activities', '/api/orgs/acme/widget', '/api/auth/me', '/api/orgs/acme/public-keys']) {
      expectError(await t.request({ method: 'GET', url, headers: { 'x-rempart-key': key, origin: SHOP } }), 403, 'forbidden', 'caller');
      expectError(
        await t.request({ method: 'GET', url: `${url}${url.includes('?') ? '&' : '?'}key=${key}`, headers: { origin: SHOP } }),
        403,
        'forbidden',
        'caller',
      );
    }
  });

  it('answer the CORS preflight with that origin, never "*", never credentials', async () => {
    const preflight = (origin: string | undefined, query = '') =>
      t.request({
        method: 'OPTIONS',
        url: `/api/widget/config${query}`,
        as: null,
        headers: { ...(origin ? { origin } : {}), 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-rempart-key' },
      });
    const ok = await preflight(SHOP);
    expect(ok.statusCode, ok.body).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(SHOP);
    expect(ok.headers['access-control-allow-headers']).toBe('x-rempart-key');
    expect(String(ok.headers['access-control-allow-methods'])).toContain('GET');
    expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
    expect((await preflight(SHOP, `?key=${key}`)).statusCode).toBe(204);
    for (const [origin, query] of [
      ['https://evil.example', `?key=${key}`],
      ['null', ''],
      [undefined, ''],
      [`${SHOP}/`, ''],
      ['*', ''],
    ] as const) {
      const refused = await preflight(origin, query);
      expect(refused.statusCode, `${origin} ${refused.body}`).toBe(403);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('opened to every origin only explicitly, and never to "null"', async () => {
    const open = await t.request({ method: 'POST', url: '/api/orgs/acme/public-keys', payload: { label: 'Anywhere', origins: ['*'] } });
    expect(open.statusCode, open.body).toBe(201);
    const anywhere = await config({ 'x-rempart-key': open.json().key, origin: 'https://anyone.example' });
    expect(anywhere.statusCode).toBe(200);
    expect(anywhere.headers['access-control-allow-origin']).toBe('https://anyone.example');
    expectError(await config({ 'x-rempart-key': open.json().key, origin: 'null' }), 403, 'forbidden', 'origin');
    expectError(await config({ 'x-rempart-key': open.json().key }), 403, 'forbidden', 'origin');
  });

  it('refuse hostile keys and bodies with 400/401/413, never 500', async () => {
    for (const sent of [
      '',
      'rmpk_',
      'rmpk_acme.',
      `rmpk_acme.${'a'.repeat(22)}`,
      `rmpk_bravo.${key.split('.')[1]}`,
      `${key}x`,
      'x'.repeat(5000),
      `rmpk_${'a'.repeat(300)}`,
      "rmpk_acme.' or 1=1 --aaaaaaaaaa",
    ]) {
      const response = await config({ 'x-rempart-key': sent, origin: SHOP });
      expect([400, 401], `${sent.slice(0, 40)}: ${response.body}`).toContain(response.statusCode);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
    for (const query of ['?key=%00', `?key=${key}%00`, `?key=${'k'.repeat(5000)}`, `?key=${key}&extra=1`, '?key=a&key=b']) {
      const response = await config({ origin: SHOP }, query);
      expect([400, 401], `${query.slice(0, 40)}: ${response.body}`).toContain(response.statusCode);
    }
    expectError(await config({ 'x-rempart-key': key, origin: SHOP }, `?key=${key}x`), 400, 'invalid_input', 'one_key');
    const post = (payload: unknown, headers: Record<string, string> = {}) =>
      t.request({ method: 'POST', url: '/api/orgs/acme/public-keys', payload: payload as object, headers });
    const bad: Array<[unknown, string]> = [
      [{ label: 'x', origins: ['https://shop.example/path'] }, 'origin'],
      [{ label: 'x', origins: ['null'] }, 'origin'],
      [{ label: 'x', origins: ['https://*.shop.example'] }, 'origin'],
      [{ label: 'x', origins: ['*', SHOP] }, 'any_origin_alone'],
      [{ label: 'x', origins: [] }, 'too_small'],
      [{ label: 'x', origins: Array.from({ length: 51 }, (_, i) => `https://s${i}.example`) }, 'too_big'],
      [{ label: 'Eve\u0000', origins: [SHOP] }, 'invalid_text'],
      [{ label: '', origins: [SHOP] }, 'too_small'],
      [{ label: 'x', origins: [SHOP], key: 'rmpk_acme.chosenbyme0000000000' }, 'unrecognized_keys'],
      [{ label: 'x', origins: 'https://shop.example' }, 'invalid_type'],
    ];
    for (const [payload, rule] of bad) {
      const response = await post(payload);
      expect(response.statusCode, `${JSON.stringify(payload).slice(0, 80)}: ${response.body}`).toBe(400);
      expect(
        response.json().error.details.map((d: { rule: string }) => d.rule),
        JSON.stringify(payload).slice(0, 80),
      ).toContain(rule);
    }
    expect((await post({ label: 'x', origins: [SHOP], padding: 'x'.repeat(64 * 1024) })).statusCode).toBe(413);
    expect((await t.request({ method: 'DELETE', url: '/api/orgs/acme/public-keys/not-a-uuid' })).statusCode).toBe(400);
    const widget = (payload: unknown) => t.request({ method: 'PUT', url: '/api/orgs/acme/widget', payload: payload as object });
    expect((await widget({ greeting: { fr: 'x'.repeat(501) } })).statusCode).toBe(400);
    expect((await widget({ greeting: { fr: 'Bon\u0000jour' } })).statusCode).toBe(400);
    expect((await widget({ languages: ['fr'], greeting: { en: 'Hello' } })).json().error.details[0]).toMatchObject({
      path: 'body.greeting.en',
      rule: 'language',
    });
    expect((await widget({ name: 'N', padding: 'x'.repeat(64 * 1024) })).statusCode).toBe(413);
    // The widget's settings survived all of it.
    expect((await config({ 'x-rempart-key': key, origin: SHOP })).json().name).toBe('Acme help');
  });
});

describe('widget settings', () => {
  it('are read by owners, administrators and auditors, changed by owners and administrators, and what was read may be sent back', async () => {
    const auditor = await t.createUser('auditor@bravo.example', { org: 'bravo', role: 'auditor' });
    const manager = await t.createUser('manager@bravo.example', { org: 'bravo', role: 'continuityManager' });
    const read = await t.request({ method: 'GET', url: '/api/orgs/bravo/widget', as: auditor.session });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toEqual({ name: null, languages: ['fr', 'en'], greeting: {}, abilities: { update: false } });
    expect((await t.request({ method: 'GET', url: '/api/orgs/bravo/widget', as: manager.session })).statusCode).toBe(403);
    expect((await t.request({ method: 'PUT', url: '/api/orgs/bravo/widget', payload: { name: 'x' }, as: auditor.session })).statusCode).toBe(403);
    const mine = (await t.request({ method: 'GET', url: '/api/orgs/bravo/widget' })).json();
    const saved = await t.request({
      method: 'PUT',
      url: '/api/orgs/bravo/widget',
      payload: { ...mine, languages: ['en'], greeting: { en: 'How can we help?' } },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ name: null, languages: ['en'], greeting: { en: 'How can we help?' }, abilities: { update: true } });
    const audit = (await t.request({ method: 'GET', url: '/api/orgs/bravo/audit?entity=widget' })).json().items;
    expect(audit[0]).toMatchObject({ action: 'update', after: { languages: ['en'] } });
  });
});

describe('the API reference', () => {
  it('states the accepted callers per route, with security schemes for link tokens and public keys', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/openapi.json', as: null })).json();
    expect(Object.keys(doc.components.securitySchemes)).toEqual(expect.arrayContaining(['session', 'bearer', 'link', 'publicKey', 'publicKeyQuery']));
    expect(doc.paths['/api/widget/config'].get.security).toEqual([{ publicKey: [] }, { publicKeyQuery: [] }]);
    expect(doc.paths['/api/widget/config'].get.description).toMatch(/\*\*Callers\.\*\* an organisation’s public key/);
    expect(doc.paths['/api/orgs/{org}/sites'].get.security).toEqual([{ session: [] }, { bearer: [] }]);
    expect(doc.paths['/api/invitations/{token}'].get.security).toEqual([{}, { session: [] }]);
    expect(doc.paths['/api/invitations/{token}'].get.description).toMatch(/link token of purpose `invitation` in the path/);
    expect(doc.paths['/api/auth/sign-out'].post.security).toEqual([{ session: [] }]);
    expect(doc.paths['/api/health'].get.security).toEqual([]);
  });
});
