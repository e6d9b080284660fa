// Single sign-on against a real OpenID Connect provider (oidc-provider on a free port), driven as a browser would
// with plain HTTP: just-in-time membership by e-mail domain, roles mapped from a claim, a refused domain, an
// unverified address that never takes over an account, a tampered state, a replayed code, a foreign nonce.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, oidcSettingsOf } from '../../src/config.js';
import { RempartError } from '../../src/errors.js';
import { buildApp } from '../../src/server/app.js';
import { totpCode } from '../../src/security/totp.js';
import { smallModel, startTestApp, type TestApp, type TestResponse } from '../support/app.js';
import { startTestProvider, throughProvider, type TestProvider } from '../support/oidc-provider.js';

const PUBLIC_URL = 'http://rempart.test';
const REDIRECT = `${PUBLIC_URL}/api/auth/oidc/callback`;
const SSO = {
  emailDomains: ['acme.example'],
  roleClaim: 'groups',
  roleMap: { 'bcm-managers': 'continuityManager', auditors: 'auditor' },
  defaultRole: 'employee',
};

let t: TestApp;
let provider: TestProvider;

beforeAll(async () => {
  provider = await startTestProvider(REDIRECT);
  t = await startTestApp({
    oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, name: 'Acme ID', redirectUri: REDIRECT },
  });
  expect((await t.request({ method: 'PUT', url: '/api/orgs/acme/model', payload: smallModel() })).statusCode).toBe(200);
  const settings = await t.request({ method: 'PUT', url: '/api/orgs/acme/security', payload: { mfaRequiredRoles: [], singleSignOn: SSO } });
  expect(settings.statusCode, settings.body).toBe(200);
  provider.accounts.set('alice', { email: 'Alice@acme.example', email_verified: true, name: 'Alice Martin', groups: ['staff', 'bcm-managers'] });
  provider.accounts.set('bob', { email: 'bob@acme.example', email_verified: true, name: 'Bob', groups: ['staff'] });
  provider.accounts.set('carol', { email: 'carol@elsewhere.example', email_verified: true, name: 'Carol' });
  provider.accounts.set('mallory', { email: 'dave@acme.example', email_verified: false, name: 'Not Dave' });
  provider.accounts.set('dave', { email: 'dave@acme.example', email_verified: true, name: 'Dave', groups: ['bcm-managers'] });
  provider.accounts.set('erin', { email: 'erin@acme.example', email_verified: true, name: 'Erin' });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await provider?.close();
});

function cookieOf(response: TestResponse, name: string): string | undefined {
  return response.cookies.find((cookie) => cookie.name === name && cookie.value !== '')?.value;
}

/** Starts a sign-in as the browser would: the sealed flow cookie and the provider's address. */
async function start(returnTo = '/incidents') {
  const started = await t.request({ method: 'GET', url: `/api/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`, as: null });
  expect(started.statusCode, started.body).toBe(302);
  const flow = cookieOf(started, 'rempart_sso')!;
  expect(flow).toBeDefined();
  return { location: String(started.headers.location), flow };
}

async function callback(back: URL, flow: string | undefined) {
  return t.request({ method: 'GET', url: `${back.pathname}${back.search}`, as: null, headers: flow ? { cookie: `rempart_sso=${flow}` } : {} });
}

/** The whole way: start, the provider's forms as `login`, back to the callback. */
async function signInAs(login: string) {
  const { location, flow } = await start();
  const back = await throughProvider(location, login, REDIRECT);
  return { back, flow, answer: await callback(back, flow) };
}

async function me(session: string) {
  return t.request({ method: 'GET', url: '/api/auth/me', as: null, headers: { cookie: `rempart_session=${session}` } });
}

async function lastFailure() {
  const rows = await sql<{ after: { rule: string; detail: string | null } }>`
    select after from audit_log where action = 'sign_in_failed' and after->>'via' = 'oidc' order by at desc, seq desc limit 1`.execute(t.database.db);
  return rows.rows[0]?.after;
}

describe('single sign-on', () => {
  it('tells the sign-in page the provider by name, and nothing on a server without one', async () => {
    const options = await t.request({ method: 'GET', url: '/api/auth/options', as: null });
    expect(options.statusCode).toBe(200);
    // The issuer and client id are in the address the button leads to anyway; the client secret is given nowhere.
    expect(options.json()).toEqual({
      password: true,
      oidc: { name: 'Acme ID', start: '/api/auth/oidc/start', issuer: provider.issuer, clientId: provider.clientId },
    });
    expect(options.body).not.toContain(provider.clientSecret);
    const plain = await buildApp({ db: t.database.db, databaseKind: t.database.kind, listen: t.database.listen, secretKey: Buffer.alloc(32, 3) });
    expect((await plain.inject({ method: 'GET', url: '/api/auth/options' })).json().oidc).toBeNull();
    const refused = await plain.inject({ method: 'GET', url: '/api/auth/oidc/start' });
    expect(refused.statusCode).toBe(404);
    expect(refused.json().error.details[0]).toMatchObject({ path: 'oidc', rule: 'configured' });
    await plain.close();
  });

  it('sends the browser to the provider with PKCE, state and nonce', async () => {
    const { location } = await start();
    const url = new URL(location);
    expect(url.origin).toBe(provider.issuer);
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    for (const name of ['state', 'nonce', 'code_challenge']) expect(url.searchParams.get(name)?.length).toBeGreaterThanOrEqual(32);
  });

  it('lets a new person of the domain in, as a member with the role their claim maps to', async () => {
    const { answer } = await signInAs('alice');
    expect(answer.statusCode, answer.body).toBe(302);
    expect(answer.headers.location).toBe('/incidents');
    const session = cookieOf(answer, 'rempart_session')!;
    const caller = await me(session);
    expect(caller.statusCode).toBe(200);
    expect(caller.json().user).toMatchObject({ email: 'alice@acme.example', displayName: 'Alice Martin' });
    expect(caller.json().memberships).toEqual([expect.objectContaining({ org: expect.objectContaining({ id: 'acme' }), role: 'continuityManager' })]);

    // The second time the same account opens, found by the provider's subject; no second membership.
    const again = await signInAs('alice');
    const second = await me(cookieOf(again.answer, 'rempart_session')!);
    expect(second.json().user.id).toBe(caller.json().user.id);
    expect(second.json().memberships).toHaveLength(1);

    const trail = await sql<{ action: string; org_id: string | null; after: Record<string, unknown> }>`
      select action, org_id, after from audit_log where entity_id = ${caller.json().user.id} order by at, seq`.execute(t.database.db);
    const actions = trail.rows.map((row) => `${row.org_id ?? '-'}:${row.action}`);
    expect(actions).toEqual(['-:create', '-:sso_link', 'acme:add', '-:sign_in', '-:sign_in']);
    expect(trail.rows.find((row) => row.action === 'add')!.after).toMatchObject({ role: 'continuityManager', via: 'oidc' });
  });

  it('gives the default role when no claim value maps', async () => {
    const { answer } = await signInAs('bob');
    expect(answer.headers.location).toBe('/incidents');
    expect((await me(cookieOf(answer, 'rempart_session')!)).json().memberships[0].role).toBe('employee');
  });

  it('refuses a person of a domain no organisation takes, and creates nothing', async () => {
    const { answer } = await signInAs('carol');
    expect(answer.statusCode).toBe(302);
    expect(answer.headers.location).toBe('/sign-in?sso_error=domain');
    expect(cookieOf(answer, 'rempart_session')).toBeUndefined();
    const users = await sql<{ n: number }>`select count(*)::int as n from users where email = 'carol@elsewhere.example'`.execute(t.database.db);
    expect(users.rows[0].n).toBe(0);
    expect(await lastFailure()).toMatchObject({ rule: 'domain' });
  });

  it('never opens a password account for an unverified address, and links it once the provider verified it', async () => {
    const dave = await t.createUser('dave@acme.example', { org: 'acme', role: 'auditor', displayName: 'Dave' });
    const forged = await signInAs('mallory');
    expect(forged.answer.headers.location).toBe('/sign-in?sso_error=email_unverified');
    expect(cookieOf(forged.answer, 'rempart_session')).toBeUndefined();
    const links = await sql<{ n: number }>`select count(*)::int as n from user_identities where user_id = ${dave.id}`.execute(t.database.db);
    expect(links.rows[0].n).toBe(0);

    const verified = await signInAs('dave');
    expect(verified.answer.headers.location).toBe('/incidents');
    const caller = (await me(cookieOf(verified.answer, 'rempart_session')!)).json();
    expect(caller.user.id).toBe(dave.id);
    // A member already: the role stays the one given in Rempart.
    expect(caller.memberships).toEqual([expect.objectContaining({ role: 'auditor' })]);
    // The password still works beside the provider.
    const password = await t.request({ method: 'POST', url: '/api/auth/sign-in', as: null, payload: { email: dave.email, password: dave.password } });
    expect(password.statusCode).toBe(200);
  });

  it('still asks the second factor of a person who enrolled one in Rempart', async () => {
    const erin = await t.createUser('erin@acme.example', { org: 'acme', role: 'crisisTeam' });
    const started = await t.request({ method: 'POST', url: '/api/auth/mfa/enrol', as: erin.session });
    const secret: string = started.json().secret;
    const confirmed = await t.request({
      method: 'POST',
      url: '/api/auth/mfa/confirm',
      payload: { code: await totpCode(secret, t.clock.now()) },
      as: erin.session,
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);

    const { answer } = await signInAs('erin');
    const location = String(answer.headers.location);
    expect(location).toMatch(/^\/sign-in\?step=code&next=%2Fincidents#csrf=[\w-]+$/);
    const waiting = { cookie: cookieOf(answer, 'rempart_session')!, csrf: location.split('#csrf=')[1] };
    // Only the second step is open to this session.
    expect((await me(waiting.cookie)).statusCode).toBe(401);
    t.clock.advance(30_000);
    const second = await t.request({ method: 'POST', url: '/api/auth/mfa', payload: { code: await totpCode(secret, t.clock.now()) }, as: waiting });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().me.user.id).toBe(erin.id);
  });

  it('refuses a tampered state, and a callback without the flow cookie or with a forged one', async () => {
    const { location, flow } = await start();
    const back = await throughProvider(location, 'bob', REDIRECT);
    const tampered = new URL(back);
    tampered.searchParams.set('state', `${back.searchParams.get('state')}x`);
    expect((await callback(tampered, flow)).headers.location).toBe('/sign-in?sso_error=state');
    expect((await callback(back, undefined)).headers.location).toBe('/sign-in?sso_error=state');
    expect((await callback(back, `${flow.slice(0, -4)}AAAA`)).headers.location).toBe('/sign-in?sso_error=state');
    expect(await lastFailure()).toMatchObject({ rule: 'state' });
  });

  it('refuses a replayed code', async () => {
    const { back, flow, answer } = await signInAs('bob');
    expect(answer.headers.location).toBe('/incidents');
    const replay = await callback(back, flow);
    expect(replay.headers.location).toBe('/sign-in?sso_error=token');
    expect(cookieOf(replay, 'rempart_session')).toBeUndefined();
    expect((await lastFailure())?.detail).toMatch(/invalid_grant/);
  });

  it('refuses an ID token carrying another nonce', async () => {
    const { location, flow } = await start();
    const forged = new URL(location);
    forged.searchParams.set('nonce', 'a-nonce-this-browser-never-had-0123456789');
    const back = await throughProvider(forged.href, 'bob', REDIRECT);
    const answer = await callback(back, flow);
    expect(answer.headers.location).toBe('/sign-in?sso_error=token');
    expect(cookieOf(answer, 'rempart_session')).toBeUndefined();
    expect((await lastFailure())?.detail).toMatch(/nonce/);
  });

  it('says when the person turned the provider down', async () => {
    const { location, flow } = await start();
    const state = new URL(location).searchParams.get('state')!;
    const answer = await callback(new URL(`${REDIRECT}?error=access_denied&state=${state}`), flow);
    expect(answer.headers.location).toBe('/sign-in?sso_error=provider_refused');
  });

  it('refuses oversized, malformed and hostile input with field, rule and value', async () => {
    const long = await t.request({ method: 'GET', url: `/api/auth/oidc/callback?code=${'c'.repeat(3000)}&state=s`, as: null });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.details[0]).toMatchObject({ path: 'query.code', rule: 'too_big' });
    for (const returnTo of ['https://evil.example/', '//evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      const away = await t.request({ method: 'GET', url: `/api/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`, as: null });
      expect(away.statusCode, returnTo).toBe(400);
      expect(away.json().error.details[0]).toMatchObject({ path: 'query.returnTo', value: returnTo });
    }
    const extra = await t.request({ method: 'GET', url: '/api/auth/oidc/start?next=/x', as: null });
    expect(extra.statusCode).toBe(400);
  });
});

describe('single sign-on settings', () => {
  it('are read and changed by those who manage security, kept when a change leaves them out', async () => {
    const read = await t.request({ method: 'GET', url: '/api/orgs/acme/security' });
    expect(read.json().singleSignOn).toEqual(SSO);
    const mfaOnly = await t.request({ method: 'PUT', url: '/api/orgs/acme/security', payload: { mfaRequiredRoles: ['crisisTeam'] } });
    expect(mfaOnly.statusCode).toBe(200);
    expect(mfaOnly.json().singleSignOn).toEqual(SSO);
    const auditor = await t.createUser('auditor-sso@acme.example', { org: 'acme', role: 'auditor' });
    const refused = await t.request({
      method: 'PUT',
      url: '/api/orgs/acme/security',
      payload: { mfaRequiredRoles: [], singleSignOn: SSO },
      as: auditor.session,
    });
    expect(refused.statusCode).toBe(403);
    expect((await t.request({ method: 'PUT', url: '/api/orgs/acme/security', payload: { mfaRequiredRoles: [] } })).statusCode).toBe(200);
  });

  it('give a domain to one organisation only, and refuse bad domains, claims and roles', async () => {
    expect((await t.request({ method: 'PUT', url: '/api/orgs/other/model', payload: smallModel() })).statusCode).toBe(200);
    const taken = await t.request({ method: 'PUT', url: '/api/orgs/other/security', payload: { mfaRequiredRoles: [], singleSignOn: SSO } });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.details[0]).toMatchObject({ path: 'singleSignOn.emailDomains[0]', rule: 'unique', value: 'acme.example' });
    const bad = await t.request({
      method: 'PUT',
      url: '/api/orgs/other/security',
      payload: { mfaRequiredRoles: [], singleSignOn: { ...SSO, emailDomains: ['not a domain'], roleClaim: 'x'.repeat(101), roleMap: { a: 'king' } } },
    });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.singleSignOn.emailDomains[0]', 'body.singleSignOn.roleClaim', 'body.singleSignOn.roleMap.a']));
    // Rules of their own, which the web app words for domains and claims (not the `format` of ids).
    const claim = await t.request({
      method: 'PUT',
      url: '/api/orgs/other/security',
      payload: { mfaRequiredRoles: [], singleSignOn: { ...SSO, emailDomains: ['not a domain'], roleClaim: 'two words' } },
    });
    expect(claim.json().error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'body.singleSignOn.emailDomains[0]', rule: 'domain', value: 'not a domain' }),
        expect.objectContaining({ path: 'body.singleSignOn.roleClaim', rule: 'claim', value: 'two words' }),
      ]),
    );
    // Another organisation's settings are not found by a member of acme only.
    const outsider = await t.createUser('outsider@acme.example', { org: 'acme', role: 'administrator' });
    expect((await t.request({ method: 'GET', url: '/api/orgs/other/security', as: outsider.session })).statusCode).toBe(404);
  });
});

describe('single sign-on configuration', () => {
  const full = {
    REMPART_OIDC_ISSUER: 'https://id.acme.example',
    REMPART_OIDC_CLIENT_ID: 'rempart',
    REMPART_OIDC_CLIENT_SECRET: 'shh',
    REMPART_PUBLIC_URL: 'https://bcm.acme.example/',
  };

  it('puts the callback under the public address, and is off when nothing is set', () => {
    expect(oidcSettingsOf(loadConfig({}, full))).toEqual({
      issuer: 'https://id.acme.example',
      clientId: 'rempart',
      clientSecret: 'shh',
      name: 'single sign-on',
      redirectUri: 'https://bcm.acme.example/api/auth/oidc/callback',
    });
    expect(oidcSettingsOf(loadConfig({}, {}))).toBeNull();
  });

  it('refuses half a set-up, and a plain-http provider elsewhere than on this machine', () => {
    const { REMPART_OIDC_CLIENT_SECRET: _secret, ...half } = full;
    const error = (() => {
      try {
        oidcSettingsOf(loadConfig({}, half));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RempartError);
    expect((error as RempartError).details).toEqual([expect.objectContaining({ path: 'oidcClientSecret', rule: 'required' })]);
    expect(() => loadConfig({}, { ...full, REMPART_OIDC_ISSUER: 'http://id.acme.example' })).toThrow(RempartError);
    expect(oidcSettingsOf(loadConfig({}, { ...full, REMPART_OIDC_ISSUER: 'http://127.0.0.1:9000' }))?.issuer).toBe('http://127.0.0.1:9000');
  });
});
