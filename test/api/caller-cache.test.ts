// Resolved callers are reused for a short while (DEFAULT_SESSION_SETTINGS.callerCacheMs) so that a busy client is not
// looked up on every request: changes made through this process apply at once, changes made behind its back (another
// server process) apply once the entry's lifetime is over, and with the cache off, at once.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SESSION_SETTINGS } from '../../src/operations/sessions.js';
import { startTestApp, type TestApp, type TestUser } from '../support/app.js';

const ORG = 'cached';
const LIFETIME = DEFAULT_SESSION_SETTINGS.callerCacheMs!;
let t: TestApp;
let member: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  expect((await t.request({ method: 'POST', url: '/api/orgs', payload: { id: ORG, name: 'Cached' } })).statusCode).toBe(201);
  member = await t.createUser('member@cached.example', { org: ORG, role: 'continuityManager' });
});
afterAll(async () => t?.close());

/** What the member may do with sites, as the server tells the web app. */
const canCreateSites = async (as: TestUser['session'] | { bearer: string }) => {
  const response = await t.request({ url: `/api/orgs/${ORG}/sites`, as });
  return response.statusCode === 200 ? Boolean(response.json().abilities?.create) : response.statusCode;
};

describe('the caller cache', () => {
  it('applies a role change made through this process at once', async () => {
    expect(LIFETIME).toBeGreaterThan(0);
    expect(await canCreateSites(member.session)).toBe(true);
    const changed = await t.request({ method: 'PUT', url: `/api/orgs/${ORG}/members/${member.id}`, payload: { role: 'auditor' } });
    expect(changed.statusCode).toBe(200);
    expect(await canCreateSites(member.session)).toBe(false);
    await t.request({ method: 'PUT', url: `/api/orgs/${ORG}/members/${member.id}`, payload: { role: 'continuityManager' } });
    expect(await canCreateSites(member.session)).toBe(true);
  });

  it('applies a change made behind its back once the lifetime is over, and never later', async () => {
    expect(await canCreateSites(member.session)).toBe(true);
    // As another server process would: straight in the database.
    await sql`update memberships set role = 'auditor' where org_id = ${ORG} and user_id = ${member.id}`.execute(t.database.db);
    expect(await canCreateSites(member.session)).toBe(true);
    t.clock.advance(LIFETIME + 1);
    expect(await canCreateSites(member.session)).toBe(false);
    await sql`update memberships set role = 'continuityManager' where org_id = ${ORG} and user_id = ${member.id}`.execute(t.database.db);
    t.clock.advance(LIFETIME + 1);
    expect(await canCreateSites(member.session)).toBe(true);
  });

  it('ends a session signed out elsewhere within the lifetime, and a revoked token at once when revoked here', async () => {
    const other = await t.newSession(member);
    expect(await canCreateSites(other)).toBe(true);
    await sql`delete from sessions where user_id = ${member.id} and token_hash <> ''`.execute(t.database.db);
    t.clock.advance(LIFETIME + 1);
    expect(await canCreateSites(other)).toBe(401);

    const created = await t.request({
      method: 'POST',
      url: `/api/orgs/${ORG}/tokens`,
      payload: { name: 'script', role: 'continuityManager', expiresInDays: 1 },
    });
    expect(created.statusCode).toBe(201);
    const bearer = created.json().token as string;
    expect(await canCreateSites({ bearer })).toBe(true);
    expect(await canCreateSites({ bearer })).toBe(true);
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/${ORG}/tokens/${created.json().id}` })).statusCode).toBe(204);
    expect(await canCreateSites({ bearer })).toBe(401);
  });
});

describe('with the cache off', () => {
  let off: TestApp;
  beforeAll(async () => {
    off = await startTestApp({ sessions: { callerCacheMs: 0 } });
    await off.request({ method: 'POST', url: '/api/orgs', payload: { id: ORG, name: 'Cached' } });
  });
  afterAll(async () => off?.close());

  it('sees a change made behind its back on the next request', async () => {
    const someone = await off.createUser('someone@cached.example', { org: ORG, role: 'continuityManager' });
    const sites = async () => (await off.request({ url: `/api/orgs/${ORG}/sites`, as: someone.session })).json().abilities?.create;
    expect(await sites()).toBe(true);
    await sql`update memberships set role = 'auditor' where org_id = ${ORG} and user_id = ${someone.id}`.execute(off.database.db);
    expect(await sites()).toBe(false);
  });
});

describe('public keys', () => {
  const origin = 'https://shop.cached.example';
  let key: string;
  let id: string;
  beforeAll(async () => {
    const created = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/public-keys`, payload: { label: 'shop', origins: [origin] } });
    expect(created.statusCode, created.body).toBe(201);
    ({ key, id } = created.json());
  });
  const start = async () =>
    (await t.request({ method: 'POST', url: `/api/public/${key}/conversations`, payload: { lang: 'fr' }, headers: { origin }, as: null })).statusCode;

  it('applies a revocation made behind its back once the lifetime is over, and one made here at once', async () => {
    expect(await start()).toBe(201);
    await sql`update public_keys set revoked_at = now() where org_id = ${ORG} and id = ${id}`.execute(t.database.db);
    expect(await start()).toBe(201);
    t.clock.advance(LIFETIME + 1);
    expect(await start()).toBe(401);
    await sql`update public_keys set revoked_at = null where org_id = ${ORG} and id = ${id}`.execute(t.database.db);
    expect(await start()).toBe(201);
    expect(await start()).toBe(201);
    // A change of the key made here (its origins) applies to the next request.
    const moved = await t.request({ method: 'PATCH', url: `/api/orgs/${ORG}/public-keys/${id}`, payload: { origins: ['https://elsewhere.cached.example'] } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(await start()).toBe(403);
    await t.request({ method: 'PATCH', url: `/api/orgs/${ORG}/public-keys/${id}`, payload: { origins: [origin] } });
    expect(await start()).toBe(201);
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/${ORG}/public-keys/${id}` })).statusCode).toBe(204);
    expect(await start()).toBe(401);
  });
});
