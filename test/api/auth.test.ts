// Accounts over HTTP: sign-in, sessions (rotation, expiry, sign-out everywhere), CSRF, lockout and rate limits,
// second factor (enrolment, TOTP, recovery codes, mandatory per role), passwords, members, API tokens, audit.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { verifyChain } from '../../src/operations/audit.js';
import { buildApp } from '../../src/server/app.js';
import { totpCode } from '../../src/security/totp.js';
import { passwordVerifications } from '../../src/security/passwords.js';
import { credentialHeaders, smallModel, startTestApp, TEST_PASSWORD, type Credentials, type TestApp, type TestResponse } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  // Behind a trusted proxy, so a test can say the request came over TLS.
  t = await startTestApp({ trustProxy: true });
  const response = await t.request({ method: 'PUT', url: '/api/orgs/acme/model', payload: smallModel() });
  expect(response.statusCode, response.body).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type Session = { cookie: string; csrf: string };

function sessionOf(response: TestResponse): Session {
  const cookie = response.cookies.find((c) => c.name === 'rempart_session');
  expect(cookie, response.body).toBeDefined();
  return { cookie: cookie!.value, csrf: response.json().csrfToken };
}

async function signIn(email: string, password: string, options: { ip?: string; previous?: Session; headers?: Record<string, string> } = {}) {
  return t.request({
    method: 'POST',
    url: '/api/auth/sign-in',
    payload: { email, password },
    as: null,
    remoteAddress: options.ip ?? '192.0.2.1',
    headers: { ...(options.previous ? { cookie: `rempart_session=${options.previous.cookie}` } : {}), ...options.headers },
  });
}

async function me(as: Credentials) {
  return t.request({ method: 'GET', url: '/api/auth/me', as });
}

let counter = 0;
/** A fresh member of acme with a role (session opened directly, no second factor). */
async function member(role: Parameters<TestApp['createUser']>[1] extends infer M ? (M extends { role: infer R } ? R : never) : never, displayName?: string) {
  counter++;
  return t.createUser(`person${counter}@acme.example`, { org: 'acme', role, displayName });
}

describe('sign-in and sessions', () => {
  it('signs in with e-mail and password into an HttpOnly, SameSite cookie, Secure over TLS, and tells who is signed in', async () => {
    const response = await signIn(t.owner.email.toUpperCase(), TEST_PASSWORD);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.status).toBe('signedIn');
    const cookie = response.cookies.find((c) => c.name === 'rempart_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    expect(cookie.value).toHaveLength(43);
    expect(body.me.memberships).toEqual([expect.objectContaining({ org: { id: 'acme', name: 'Small Co' }, role: 'owner', mfaRequired: false })]);
    expect(body.me.memberships[0].abilities.activities).toMatchObject({ read: true, update: true, delete: true });
    expect(body.me.csrfToken).toBe(body.csrfToken);

    const overTls = await signIn(t.owner.email, TEST_PASSWORD, { headers: { 'x-forwarded-proto': 'https' } });
    expect(overTls.cookies.find((c) => c.name === 'rempart_session')!.secure).toBe(true);
  });

  it('refuses a wrong password and an unknown address the same way', async () => {
    const wrong = await signIn(t.owner.email, 'not the password at all', { ip: '192.0.2.50' });
    const unknown = await signIn('nobody@acme.example', 'not the password at all', { ip: '192.0.2.51' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('invalid_credentials');
    expect(wrong.cookies).toHaveLength(0);
  });

  it('changes the session id at sign-in: the previous session of the browser ends', async () => {
    const first = sessionOf(await signIn(t.owner.email, TEST_PASSWORD));
    expect((await me(first)).statusCode).toBe(200);
    const second = sessionOf(await signIn(t.owner.email, TEST_PASSWORD, { previous: first }));
    expect(second.cookie).not.toBe(first.cookie);
    expect(second.csrf).not.toBe(first.csrf);
    expect((await me(first)).statusCode).toBe(401);
    expect((await me(second)).statusCode).toBe(200);
  });

  it('stores only the SHA-256 of session ids', async () => {
    const session = sessionOf(await signIn(t.owner.email, TEST_PASSWORD));
    const rows = await sql<{ token_hash: string }>`select token_hash from sessions`.execute(t.database.db);
    expect(rows.rows.some((row) => row.token_hash === session.cookie)).toBe(false);
    expect(rows.rows.every((row) => /^[0-9a-f]{64}$/.test(row.token_hash))).toBe(true);
  });

  it('refuses cookie-authenticated changes without the CSRF header, but not reads nor API tokens', async () => {
    const session = sessionOf(await signIn(t.owner.email, TEST_PASSWORD));
    const site = { id: 'csrf-site', name: 'CSRF' };
    const missing = await t.request({
      method: 'POST',
      url: '/api/orgs/acme/sites',
      payload: site,
      as: null,
      headers: { cookie: `rempart_session=${session.cookie}` },
    });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe('csrf_failed');
    const wrong = await t.request({
      method: 'POST',
      url: '/api/orgs/acme/sites',
      payload: site,
      as: null,
      headers: { cookie: `rempart_session=${session.cookie}`, 'x-csrf-token': t.owner.session.csrf },
    });
    expect(wrong.statusCode).toBe(403);
    expect(
      (await t.request({ method: 'GET', url: '/api/orgs/acme/sites', as: null, headers: { cookie: `rempart_session=${session.cookie}` } })).statusCode,
    ).toBe(200);
    expect((await t.request({ method: 'POST', url: '/api/orgs/acme/sites', payload: site, as: session })).statusCode).toBe(201);

    const token = (await t.request({ method: 'POST', url: '/api/orgs/acme/tokens', payload: { name: 'csrf check', role: 'continuityManager' } })).json().token;
    const viaToken = await t.request({ method: 'POST', url: '/api/orgs/acme/sites', payload: { id: 'csrf-token-site', name: 'T' }, as: { bearer: token } });
    expect(viaToken.statusCode).toBe(201);
  });

  it('ends a session after its idle time and after its absolute lifetime', async () => {
    const idle = sessionOf(await signIn(t.owner.email, TEST_PASSWORD));
    t.clock.advance(8 * HOUR + MINUTE);
    const expired = await me(idle);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.details[0].rule).toBe('session');
    expect(expired.cookies.find((c) => c.name === 'rempart_session')?.value).toBe('');

    const busy = sessionOf(await signIn(t.owner.email, TEST_PASSWORD));
    // Used every seven hours, it never idles out, but it still ends after seven days.
    for (let elapsed = 0; elapsed < 7 * 24 * HOUR - 7 * HOUR; elapsed += 7 * HOUR) {
      t.clock.advance(7 * HOUR);
      expect((await me(busy)).statusCode, `after ${elapsed / HOUR + 7} h`).toBe(200);
    }
    t.clock.advance(7 * HOUR);
    expect((await me(busy)).statusCode).toBe(401);
    // The suite's default session was also idle: open a new one for the tests that follow.
    t.owner.session = sessionOf(await signIn(t.owner.email, TEST_PASSWORD));
  });

  it('signs out one session, or every session of the person', async () => {
    const a = sessionOf(await signIn(t.owner.email, TEST_PASSWORD));
    const b = sessionOf(await signIn(t.owner.email, TEST_PASSWORD));
    const out = await t.request({ method: 'POST', url: '/api/auth/sign-out', as: a });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'rempart_session')?.value).toBe('');
    expect((await me(a)).statusCode).toBe(401);
    expect((await me(b)).statusCode).toBe(200);

    const c = sessionOf(await signIn(t.owner.email, TEST_PASSWORD));
    const everywhere = await t.request({ method: 'POST', url: '/api/auth/sign-out-everywhere', as: c });
    expect(everywhere.statusCode).toBe(200);
    expect(everywhere.json().sessionsEnded).toBeGreaterThanOrEqual(3);
    for (const session of [b, c, t.owner.session]) expect((await me(session)).statusCode).toBe(401);
    t.owner.session = sessionOf(await signIn(t.owner.email, TEST_PASSWORD));
  });

  it('answers 401 without credentials, with a malformed or unknown token, and keeps public routes public', async () => {
    for (const headers of [
      {},
      { authorization: 'Basic abc' },
      { authorization: 'Bearer rmp_acme.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' },
      { cookie: 'rempart_session=forged-session-id-of-some-length' },
    ]) {
      const response = await t.request({ method: 'GET', url: '/api/orgs/acme/activities', as: null, headers });
      expect(response.statusCode, JSON.stringify(headers)).toBe(401);
      expect(response.json().error.code).toBe('unauthenticated');
    }
    expect((await t.request({ method: 'GET', url: '/api/health', as: null })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/openapi.json', as: null })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/docs/', as: null })).statusCode).toBe(200);
  });

  it('sends security headers, with a CSP that allows the web app and the API reference', async () => {
    const response = await t.request({ method: 'GET', url: '/api/docs/', as: null });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });
});

describe('lockout and rate limits', () => {
  it('locks an account for a growing time after five wrong passwords, even for the right one, in every process', async () => {
    const person = await member('auditor');
    for (let i = 0; i < 5; i++) expect((await signIn(person.email, `wrong password number ${i}`, { ip: `198.51.100.${i}` })).statusCode).toBe(401);
    const locked = await signIn(person.email, TEST_PASSWORD, { ip: '198.51.100.99' });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('rate_limited');
    expect(Number(locked.headers['retry-after'])).toBe(15);

    // Another server process on the same database sees the same lock.
    const other = await buildApp({
      db: t.database.db,
      databaseKind: t.database.kind,
      listen: t.database.listen,
      secretKey: Buffer.alloc(32, 1),
      sessions: { now: () => t.clock.now() },
    });
    const elsewhere = await other.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { email: person.email, password: TEST_PASSWORD },
      remoteAddress: '198.51.100.98',
    });
    expect(elsewhere.statusCode).toBe(429);
    await other.close();

    t.clock.advance(16_000);
    expect((await signIn(person.email, 'still wrong, sixth time', { ip: '198.51.100.7' })).statusCode).toBe(401);
    // The sixth failure doubles the lock.
    expect(Number((await signIn(person.email, TEST_PASSWORD, { ip: '198.51.100.8' })).headers['retry-after'])).toBe(30);
    t.clock.advance(31_000);
    expect((await signIn(person.email, TEST_PASSWORD, { ip: '198.51.100.9' })).statusCode).toBe(200);
  });

  it('runs at most five password checks for 100 simultaneous wrong passwords to one account', async () => {
    const person = await member('auditor');
    const before = passwordVerifications();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => signIn(person.email, `simultaneous wrong guess ${i}`, { ip: `198.18.${Math.floor(i / 50)}.${i % 50}` })),
    );
    expect(passwordVerifications() - before).toBeLessThanOrEqual(5);
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(95);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
  });

  it('gives a successful attempt back to the shared address, so an office is not locked by its own sign-ins', async () => {
    const people = await Promise.all(Array.from({ length: 25 }, () => member('employee')));
    for (const person of people) expect((await signIn(person.email, TEST_PASSWORD, { ip: '198.51.100.200' })).statusCode).toBe(200);
  });

  it('locks an address that tries many accounts', async () => {
    for (let i = 0; i < 20; i++) expect((await signIn(`guess${i}@acme.example`, 'a wrong password here', { ip: '203.0.113.7' })).statusCode).toBe(401);
    const locked = await signIn(t.owner.email, TEST_PASSWORD, { ip: '203.0.113.7' });
    expect(locked.statusCode).toBe(429);
    expect((await signIn(t.owner.email, TEST_PASSWORD, { ip: '203.0.113.8' })).statusCode).toBe(200);
  });

  it('counts API requests per address, never the web app’s files (a page load fetches dozens)', async () => {
    const limited = await startTestApp({ rateLimit: { perMinute: 3, signInPerMinute: 1000 } });
    try {
      const pages = [];
      for (let i = 0; i < 8; i++)
        pages.push((await limited.request({ method: 'GET', url: i % 2 ? '/favicon.svg' : '/orgs/demo/activities', as: null })).statusCode);
      expect(pages.filter((status) => status === 429)).toEqual([]);
      const api = [];
      for (let i = 0; i < 5; i++) api.push((await limited.request({ method: 'GET', url: '/api/health', as: null })).statusCode);
      expect(api).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await limited.close();
    }
  });

  it('rate-limits sign-in attempts per address', async () => {
    const limited = await startTestApp({ rateLimit: { perMinute: false, signInPerMinute: 3 } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push(
          (await limited.request({ method: 'POST', url: '/api/auth/sign-in', payload: { email: limited.owner.email, password: TEST_PASSWORD }, as: null }))
            .statusCode,
        );
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await limited.request({
        method: 'POST',
        url: '/api/auth/sign-in',
        payload: { email: limited.owner.email, password: TEST_PASSWORD },
        as: null,
      });
      expect(refused.json().error.code).toBe('rate_limited');
      expect(refused.headers['retry-after']).toBeDefined();
    } finally {
      await limited.close();
    }
  });
});

describe('passwords', () => {
  it('changes a password after checking the current one, refuses weak ones without repeating them, and ends other sessions', async () => {
    const person = await member('auditor');
    const other = sessionOf(await signIn(person.email, TEST_PASSWORD));
    const current = sessionOf(await signIn(person.email, TEST_PASSWORD));
    const change = (body: object) => t.request({ method: 'POST', url: '/api/auth/password', payload: body, as: current });

    expect((await change({ currentPassword: 'not my password!!', newPassword: 'a brand new long password' })).statusCode).toBe(401);
    for (const [weak, rule] of [
      ['short1', 'too_short'],
      ['password1234', 'common_password'],
      ['QWERTYUIOP123', 'common_password'],
      [person.email, 'same_as_email'],
      ['x'.repeat(257), 'too_long'],
    ]) {
      const refused = await change({ currentPassword: TEST_PASSWORD, newPassword: weak });
      expect(refused.statusCode, weak).toBe(400);
      expect(refused.json().error.details[0]).toMatchObject({ path: 'body.newPassword', rule, value: '[hidden]' });
      expect(refused.body).not.toContain(weak);
    }
    const changed = await change({ currentPassword: TEST_PASSWORD, newPassword: 'a brand new long password' });
    expect(changed.statusCode, changed.body).toBe(200);
    const renewed = { cookie: changed.cookies.find((c) => c.name === 'rempart_session')!.value, csrf: changed.json().csrfToken };
    expect((await me(other)).statusCode).toBe(401);
    expect((await me(current)).statusCode).toBe(401);
    expect((await me(renewed)).statusCode).toBe(200);
    expect((await signIn(person.email, TEST_PASSWORD)).statusCode).toBe(401);
    expect((await signIn(person.email, 'a brand new long password')).statusCode).toBe(200);
  });

  it('never writes a password, session id or CSRF token to the log', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await buildApp({
      db: t.database.db,
      databaseKind: t.database.kind,
      listen: t.database.listen,
      secretKey: Buffer.alloc(32, 2),
      logger: { level: 'trace', stream },
    });
    const secret = 'a secret password never to be logged';
    await logged.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: t.owner.email, password: secret } });
    const good = await logged.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: t.owner.email, password: TEST_PASSWORD } });
    const cookie = good.cookies.find((c) => c.name === 'rempart_session')!.value;
    await logged.inject({
      method: 'POST',
      url: '/api/orgs/acme/sites',
      payload: { id: 'log-site', name: 'L' },
      headers: { cookie: `rempart_session=${cookie}`, 'x-csrf-token': good.json().csrfToken },
    });
    const apiToken = (await t.request({ method: 'POST', url: '/api/orgs/acme/tokens', payload: { name: 'log check', role: 'auditor' } })).json().token;
    await logged.inject({ method: 'GET', url: '/api/orgs/acme/sites', headers: { authorization: `Bearer ${apiToken}` } });
    // A check-in link carries its secret in the path, and a wrong one is refused: neither is written.
    const linkSecret = 'rmpl_thisLinkSecretMustNeverReachTheLog0123456789';
    await logged.inject({ method: 'GET', url: `/c/${linkSecret}` });
    await logged.inject({ method: 'POST', url: `/c/${linkSecret}`, payload: 'status=safe', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await logged.close();
    const log = lines.join('');
    expect(log.length).toBeGreaterThan(100);
    expect(log).toContain('/c/[link]');
    for (const value of [secret, TEST_PASSWORD, cookie, good.json().csrfToken, apiToken, apiToken.split('.')[1], linkSecret]) expect(log).not.toContain(value);
  });

  it('answers a request id and carries it in every log line of the request', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await buildApp({
      db: t.database.db,
      databaseKind: t.database.kind,
      listen: t.database.listen,
      secretKey: Buffer.alloc(32, 2),
      logger: { level: 'info', stream },
    });
    const entriesOf = (id: string) => lines.map((line) => JSON.parse(line) as { reqId?: string; msg: string }).filter((entry) => entry.reqId === id);
    // A proxy's id is kept: its logs and ours join up.
    const given = 'edge-7f3a.b2:01_X';
    const kept = await logged.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': given } });
    expect(kept.headers['x-request-id']).toBe(given);
    expect(entriesOf(given).map((entry) => entry.msg)).toEqual(['incoming request', 'request completed']);
    // Refusals carry it too (the error is logged under the same id).
    const refused = await logged.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { email: 'x' }, headers: { 'x-request-id': 'refused-1' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.headers['x-request-id']).toBe('refused-1');
    expect(entriesOf('refused-1').length).toBeGreaterThanOrEqual(2);
    // An id that is too long, or would forge log lines or headers, is replaced by one of ours.
    for (const hostile of ['a'.repeat(129), 'two words', 'x"}\n{"level":60', '<script>', '']) {
      const replaced = await logged.inject({ method: 'GET', url: '/api/health', headers: { 'x-request-id': hostile } });
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines.join('')).not.toContain('two words');
    }
    // A job queued by a request says its id in that request's log: the job's own lines carry the same id.
    const owner = { cookie: `rempart_session=${t.owner.session.cookie}`, 'x-csrf-token': t.owner.session.csrf };
    const scenario = { id: 'log-lyon', name: 'Lyon closed', horizon: '30d', disruptions: [{ type: 'siteUnavailable', site: 'lyon', from: 0, to: '1w' }] };
    expect((await logged.inject({ method: 'POST', url: '/api/orgs/acme/scenarios', payload: scenario, headers: owner })).statusCode).toBe(201);
    const queued = await logged.inject({
      method: 'POST',
      url: '/api/orgs/acme/runs',
      payload: { kind: 'montecarlo', scenario: 'log-lyon', runs: 100, seed: 1 },
      headers: { ...owner, 'x-request-id': 'queue-run-1' },
    });
    expect(queued.statusCode, queued.body).toBe(202);
    const noted = lines
      .map((line) => JSON.parse(line) as { reqId?: string; msg: string; job?: string; kind?: string })
      .find((entry) => entry.msg === 'job queued');
    expect(noted).toMatchObject({ reqId: 'queue-run-1', kind: 'runs.montecarlo', job: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const generated = await logged.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(generated.statusCode).toBe(404);
    const id = String(generated.headers['x-request-id']);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(entriesOf(id).length).toBeGreaterThanOrEqual(2);
    await logged.close();
  });
});

describe('second factor', () => {
  async function enrol(session: Session) {
    const started = await t.request({ method: 'POST', url: '/api/auth/mfa/enrol', as: session });
    expect(started.statusCode, started.body).toBe(200);
    const { secret, otpauthUri, qrCode } = started.json();
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Rempart:/);
    expect(otpauthUri).toContain(`secret=${secret}`);
    expect(qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect((await t.request({ method: 'POST', url: '/api/auth/mfa/confirm', payload: { code: '000000' }, as: session })).statusCode).toBe(401);
    const confirmed = await t.request({ method: 'POST', url: '/api/auth/mfa/confirm', payload: { code: await totpCode(secret, t.clock.now()) }, as: session });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const codes: string[] = confirmed.json().recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    return { secret, codes };
  }

  async function nextCode(secret: string) {
    // A code is accepted once: each sign-in waits for the next time step.
    t.clock.advance(30_000);
    return totpCode(secret, t.clock.now());
  }

  it('enrols TOTP, keeps the seed encrypted, then signs in in two steps; a waiting session can do nothing else', async () => {
    const person = await member('continuityManager');
    const { secret } = await enrol(person.session);
    const row = await sql<{ mfa_secret: string }>`select mfa_secret from users where id = ${person.id}`.execute(t.database.db);
    expect(row.rows[0].mfa_secret).toMatch(/^v1\./);
    expect(row.rows[0].mfa_secret).not.toContain(secret);
    const codes = await sql<{ code_hash: string }>`select code_hash from recovery_codes where user_id = ${person.id}`.execute(t.database.db);
    expect(codes.rows).toHaveLength(10);

    const first = await signIn(person.email, TEST_PASSWORD);
    expect(first.json()).toMatchObject({ status: 'mfaRequired' });
    expect(first.json().me).toBeUndefined();
    const pending = sessionOf(first);
    expect((await me(pending)).json().error.details[0].rule).toBe('mfa_pending');
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/activities', as: pending })).statusCode).toBe(401);

    const code = await nextCode(secret);
    const second = await t.request({ method: 'POST', url: '/api/auth/mfa', payload: { code }, as: pending });
    expect(second.statusCode, second.body).toBe(200);
    const full = sessionOf(second);
    expect(full.cookie).not.toBe(pending.cookie);
    expect((await me(pending)).statusCode).toBe(401);
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/activities', as: full })).statusCode).toBe(200);
    expect((await t.request({ method: 'POST', url: '/api/auth/mfa', payload: { code }, as: full })).statusCode).toBe(409);

    // The same code cannot open a second session.
    const replay = sessionOf(await signIn(person.email, TEST_PASSWORD));
    expect((await t.request({ method: 'POST', url: '/api/auth/mfa', payload: { code }, as: replay })).statusCode).toBe(401);
  });

  it('accepts each recovery code once', async () => {
    const person = await member('auditor');
    const { codes } = await enrol(person.session);
    const pending = sessionOf(await signIn(person.email, TEST_PASSWORD));
    const used = await t.request({ method: 'POST', url: '/api/auth/mfa', payload: { code: codes[0].toLowerCase() }, as: pending });
    expect(used.statusCode, used.body).toBe(200);
    expect(used.json().recoveryCodesLeft).toBe(9);
    const again = sessionOf(await signIn(person.email, TEST_PASSWORD));
    const refused = await t.request({ method: 'POST', url: '/api/auth/mfa', payload: { code: codes[0] }, as: again });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('invalid_credentials');
    expect((await t.request({ method: 'POST', url: '/api/auth/mfa', payload: { code: codes[1] }, as: again })).statusCode).toBe(200);
  });

  it('locks the second step after five wrong codes', async () => {
    const person = await member('auditor');
    const { secret } = await enrol(person.session);
    const pending = sessionOf(await signIn(person.email, TEST_PASSWORD));
    for (let i = 0; i < 5; i++)
      expect((await t.request({ method: 'POST', url: '/api/auth/mfa', payload: { code: String(111111 + i) }, as: pending })).statusCode).toBe(401);
    const locked = await t.request({ method: 'POST', url: '/api/auth/mfa', payload: { code: await totpCode(secret, t.clock.now()) }, as: pending });
    expect(locked.statusCode).toBe(429);
  });

  it('makes the second factor mandatory for chosen roles: until enrolled, such a member can only enrol', async () => {
    const manager = await member('continuityManager');
    const auditor = await member('auditor');
    const set = await t.request({ method: 'PUT', url: '/api/orgs/acme/security', payload: { mfaRequiredRoles: ['continuityManager', 'continuityManager'] } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().mfaRequiredRoles).toEqual(['continuityManager']);
    try {
      const refused = await t.request({ method: 'GET', url: '/api/orgs/acme/activities', as: manager.session });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('mfa_required');
      const mine = (await me(manager.session)).json();
      expect(mine.memberships[0].mfaRequired).toBe(true);
      expect((await t.request({ method: 'GET', url: '/api/orgs/acme/activities', as: auditor.session })).statusCode).toBe(200);

      const { secret, codes } = await enrol(manager.session);
      expect((await t.request({ method: 'GET', url: '/api/orgs/acme/activities', as: manager.session })).statusCode).toBe(200);
      const disable = await t.request({
        method: 'POST',
        url: '/api/auth/mfa/disable',
        payload: { password: TEST_PASSWORD, code: codes[0] },
        as: manager.session,
      });
      expect(disable.statusCode).toBe(409);
      expect(secret).toBeTruthy();
    } finally {
      await t.request({ method: 'PUT', url: '/api/orgs/acme/security', payload: { mfaRequiredRoles: [] } });
    }
  });

  it('turns the second factor off with the password and a code', async () => {
    const person = await member('auditor');
    const { secret } = await enrol(person.session);
    const wrong = await t.request({
      method: 'POST',
      url: '/api/auth/mfa/disable',
      payload: { password: 'not the password', code: await nextCode(secret) },
      as: person.session,
    });
    expect(wrong.statusCode).toBe(401);
    const done = await t.request({
      method: 'POST',
      url: '/api/auth/mfa/disable',
      payload: { password: TEST_PASSWORD, code: await nextCode(secret) },
      as: person.session,
    });
    expect(done.statusCode, done.body).toBe(204);
    expect((await signIn(person.email, TEST_PASSWORD)).json().status).toBe('signedIn');
  });
});

describe('members', () => {
  it('adds a person by invitation only: no account, no membership, no password handed out', async () => {
    const added = await t.request({
      method: 'POST',
      url: '/api/orgs/acme/members',
      payload: { email: 'New.Person@Acme.example', role: 'crisisTeam', displayName: 'New Person' },
    });
    expect(added.statusCode, added.body).toBe(202);
    expect(added.json()).not.toHaveProperty('initialPassword');
    expect(added.json().invitation).toMatchObject({ email: 'new.person@acme.example', role: 'crisisTeam', displayName: 'New Person', status: 'pending' });
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/members' })).body).not.toContain('new.person@acme.example');
    expect((await sql<{ n: number }>`select count(*)::int as n from users where email = 'new.person@acme.example'`.execute(t.database.db)).rows[0].n).toBe(0);
  });

  it('lets administrators manage everyone but owners, and keeps the last owner', async () => {
    const admin = await member('administrator');
    const target = await member('employee');
    const asAdmin = (method: 'PUT' | 'DELETE' | 'POST', url: string, payload?: object) => t.request({ method, url, payload, as: admin.session });
    expect((await asAdmin('PUT', `/api/orgs/acme/members/${target.id}`, { role: 'auditor' })).statusCode).toBe(200);
    expect((await asAdmin('PUT', `/api/orgs/acme/members/${target.id}`, { role: 'owner' })).statusCode).toBe(403);
    expect((await asAdmin('POST', '/api/orgs/acme/members', { email: 'boss@acme.example', role: 'owner' })).statusCode).toBe(403);
    expect((await asAdmin('PUT', `/api/orgs/acme/members/${t.owner.id}`, { role: 'auditor' })).statusCode).toBe(403);
    expect((await asAdmin('DELETE', `/api/orgs/acme/members/${t.owner.id}`)).statusCode).toBe(403);
    const list = (await t.request({ method: 'GET', url: '/api/orgs/acme/members', as: admin.session })).json();
    expect(list.items.find((m: { userId: string }) => m.userId === t.owner.id).abilities).toEqual({ update: false, delete: false });
    expect(list.items.find((m: { userId: string }) => m.userId === target.id).abilities).toEqual({ update: true, delete: true });

    const demote = await t.request({ method: 'PUT', url: `/api/orgs/acme/members/${t.owner.id}`, payload: { role: 'administrator' } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.details[0].rule).toBe('last_owner');
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/acme/members/${t.owner.id}` })).statusCode).toBe(409);
    expect((await asAdmin('DELETE', `/api/orgs/acme/members/${target.id}`)).statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/activities', as: target.session })).statusCode).toBe(404);
  });

  it('lets an activity owner change the activities that name them, and only those', async () => {
    const owner = await member('activityOwner', 'Claire Morel');
    const claims = (await t.request({ method: 'GET', url: '/api/orgs/acme/activities/claims' })).json();
    expect(
      (await t.request({ method: 'PUT', url: '/api/orgs/acme/activities/claims', payload: { ...claims, owner: 'Claire Morel, Head of Claims (Lyon)' } }))
        .statusCode,
    ).toBe(200);

    const list = (await t.request({ method: 'GET', url: '/api/orgs/acme/activities', as: owner.session })).json();
    const abilities = Object.fromEntries(list.items.map((a: { id: string; abilities: object }) => [a.id, a.abilities]));
    expect(abilities).toEqual({ claims: { update: true, delete: false }, payments: { update: false, delete: false } });
    expect(list.abilities).toEqual({ create: false, import: false });
    const myAbilities = (await me(owner.session)).json().memberships[0].abilities;
    expect(myAbilities.activities).toMatchObject({ read: true, update: 'own', delete: false });
    expect(myAbilities.sites).toMatchObject({ read: true, update: false });

    const read = (await t.request({ method: 'GET', url: '/api/orgs/acme/activities/claims', as: owner.session })).json();
    const mine = await t.request({
      method: 'PUT',
      url: '/api/orgs/acme/activities/claims',
      payload: { ...read, description: 'Updated by its owner' },
      as: owner.session,
    });
    expect(mine.statusCode, mine.body).toBe(200);
    const payments = (await t.request({ method: 'GET', url: '/api/orgs/acme/activities/payments', as: owner.session })).json();
    expect((await t.request({ method: 'PUT', url: '/api/orgs/acme/activities/payments', payload: payments, as: owner.session })).statusCode).toBe(403);
    expect((await t.request({ method: 'DELETE', url: '/api/orgs/acme/activities/claims', as: owner.session })).statusCode).toBe(403);
    expect((await t.request({ method: 'PUT', url: '/api/orgs/acme/sites/paris', payload: { id: 'paris', name: 'Paris' }, as: owner.session })).statusCode).toBe(
      403,
    );
    expect((await t.request({ method: 'PUT', url: '/api/orgs/acme/activities/nothing', payload: payments, as: owner.session })).statusCode).toBe(404);
  });
});

describe('API tokens', () => {
  it('creates a token shown once, scoped to its organisation and role, listed without secret, expiring and revocable', async () => {
    const created = await t.request({ method: 'POST', url: '/api/orgs/acme/tokens', payload: { name: 'nightly export', role: 'auditor', expiresInDays: 30 } });
    expect(created.statusCode, created.body).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^rmp_acme\.[A-Za-z0-9_-]{43}$/);
    const list = await t.request({ method: 'GET', url: '/api/orgs/acme/tokens' });
    expect(list.body).not.toContain(token);
    expect(list.body).not.toContain(token.split('.')[1]);
    expect(list.json().items.find((item: { id: string }) => item.id === id)).toMatchObject({ name: 'nightly export', role: 'auditor', status: 'active' });
    const stored = await sql<{ token_hash: string }>`select token_hash from api_tokens where id = ${id}`.execute(t.database.db);
    expect(stored.rows[0].token_hash).not.toContain(token.split('.')[1]);

    const bearer = { bearer: token };
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/activities', as: bearer })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/audit', as: bearer })).statusCode).toBe(200);
    expect((await t.request({ method: 'POST', url: '/api/orgs/acme/sites', payload: { id: 'nope', name: 'Nope' }, as: bearer })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/tokens', as: bearer })).statusCode).toBe(403);
    expect((await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'by-token', name: 'T' }, as: bearer })).statusCode).toBe(403);
    const whoami = (await me(bearer)).json();
    expect(whoami).toMatchObject({ via: 'token', csrfToken: null, token: { id, org: 'acme', role: 'auditor' } });
    expect((await t.request({ method: 'GET', url: '/api/orgs', as: bearer })).json().items.map((o: { id: string }) => o.id)).toEqual(['acme']);

    // Another organisation does not exist for this token.
    await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'tokens-other', name: 'Other' } });
    expect((await t.request({ method: 'GET', url: '/api/orgs/tokens-other', as: bearer })).statusCode).toBe(404);

    t.clock.advance(31 * 24 * HOUR);
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/activities', as: bearer })).statusCode).toBe(401);
    t.clock.advance(-31 * 24 * HOUR);
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/activities', as: bearer })).statusCode).toBe(200);
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/acme/tokens/${id}` })).statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/activities', as: bearer })).statusCode).toBe(401);
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/tokens' })).json().items.find((item: { id: string }) => item.id === id).status).toBe(
      'revoked',
    );
  });

  it('never lets a token do more than its creator may do today', async () => {
    const admin = await member('administrator');
    const above = await t.request({ method: 'POST', url: '/api/orgs/acme/tokens', payload: { name: 'too much', role: 'owner' }, as: admin.session });
    expect(above.statusCode).toBe(403);
    expect(above.json().error.details[0].rule).toBe('above_creator');
    const token = (
      await t.request({ method: 'POST', url: '/api/orgs/acme/tokens', payload: { name: 'writer', role: 'continuityManager' }, as: admin.session })
    ).json().token;
    const write = (id: string) => t.request({ method: 'POST', url: '/api/orgs/acme/sites', payload: { id, name: id }, as: { bearer: token } });
    expect((await write('by-admin-token')).statusCode).toBe(201);
    // The creator is demoted: the token keeps its role but loses what the creator lost.
    await t.request({ method: 'PUT', url: `/api/orgs/acme/members/${admin.id}`, payload: { role: 'auditor' } });
    expect((await write('after-demotion')).statusCode).toBe(403);
    // The creator leaves: the token stops.
    await t.request({ method: 'DELETE', url: `/api/orgs/acme/members/${admin.id}` });
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/sites', as: { bearer: token } })).statusCode).toBe(401);
  });
});

describe('audit trail', () => {
  it('records every change with who, when, what, before, after and where from; auditors read it, others do not', async () => {
    await t.request({ method: 'POST', url: '/api/orgs/acme/sites', payload: { id: 'audited', name: 'Audited', seats: 1 }, remoteAddress: '192.0.2.77' });
    await t.request({ method: 'PUT', url: '/api/orgs/acme/sites/audited', payload: { id: 'audited', name: 'Audited', seats: 2 } });
    await t.request({ method: 'DELETE', url: '/api/orgs/acme/sites/audited' });
    const auditor = await member('auditor');
    const page = await t.request({ method: 'GET', url: '/api/orgs/acme/audit?entity=site&entityId=audited', as: auditor.session });
    expect(page.statusCode, page.body).toBe(200);
    const items = page.json().items;
    expect(items.map((e: { action: string }) => e.action)).toEqual(['delete', 'update', 'create']);
    expect(items[2]).toMatchObject({
      actor: { type: 'user', id: t.owner.id, label: t.owner.email },
      source: '192.0.2.77',
      before: null,
      after: { id: 'audited', seats: 1 },
    });
    expect(items[1]).toMatchObject({ before: { seats: 1 }, after: { seats: 2 } });
    expect(items[0]).toMatchObject({ before: { seats: 2 }, after: null });
    expect(items[1].prevHash).toBe(items[2].hash);

    const byActor = (await t.request({ method: 'GET', url: `/api/orgs/acme/audit?actor=${encodeURIComponent(t.owner.email.toUpperCase())}&limit=2` })).json();
    expect(byActor.items).toHaveLength(2);
    expect(byActor.nextCursor).toEqual(expect.any(String));
    const next = (await t.request({ method: 'GET', url: `/api/orgs/acme/audit?actor=${t.owner.id}&limit=2&cursor=${byActor.nextCursor}` })).json();
    expect(next.items[0].seq).toBeLessThan(byActor.items[1].seq);
    const future = (
      await t.request({ method: 'GET', url: `/api/orgs/acme/audit?from=${encodeURIComponent(new Date(Date.now() + 365 * 24 * HOUR).toISOString())}` })
    ).json();
    expect(future.items).toEqual([]);
    const manager = await member('continuityManager');
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/audit', as: manager.session })).statusCode).toBe(403);

    // Nothing secret is ever recorded, and every chain holds.
    const all = await sql<{ doc: string }>`select row_to_json(a)::text as doc from audit_log a`.execute(t.database.db);
    const text = all.rows.map((row) => row.doc).join('\n');
    for (const secret of [TEST_PASSWORD, 'a brand new long password', t.owner.session.cookie, t.owner.session.csrf]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/rmp_acme\.[A-Za-z0-9_-]{43}/);
    for (const chain of ['acme', '@accounts']) expect(await verifyChain(t.database.db, chain)).toMatchObject({ ok: true });
    // Every entry written through the API names a person or a token, never the server itself.
    const system = await sql<{ n: number }>`select count(*)::int as n from audit_log where chain = 'acme' and actor_type = 'system'`.execute(t.database.db);
    expect(system.rows[0].n).toBe(0);
  });
});

describe('organisations', () => {
  it('makes the creator the owner and lists only the caller’s organisations', async () => {
    const outsider = await t.createUser('outsider@elsewhere.example');
    // Organisations are created by server administrators (REMPART_ORG_CREATION=admins, the default).
    await sql`update users set is_server_admin = true where id = ${outsider.id}`.execute(t.database.db);
    const created = await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'outsiders', name: 'Outsiders' }, as: outsider.session });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ role: 'owner', abilities: { update: true, delete: true } });
    expect((await t.request({ method: 'GET', url: '/api/orgs', as: outsider.session })).json().items.map((o: { id: string }) => o.id)).toEqual(['outsiders']);
    const mine = (await t.request({ method: 'GET', url: '/api/orgs' })).json().items.map((o: { id: string }) => o.id);
    expect(mine).toContain('acme');
    expect(mine).not.toContain('outsiders');
    // Another organisation is not found, for reading as for writing, and cannot be taken over by an import.
    expect((await t.request({ method: 'GET', url: '/api/orgs/outsiders' })).statusCode).toBe(404);
    expect((await t.request({ method: 'PUT', url: '/api/orgs/outsiders/model', payload: smallModel() })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/orgs/outsiders/sites', as: outsider.session })).json().items).toEqual([]);
    expect(credentialHeaders(null)).toEqual({});

    // Deleted, its id stays taken: whoever took it would read the former tenant's audit trail.
    expect((await t.request({ method: 'DELETE', url: '/api/orgs/outsiders', as: outsider.session })).statusCode).toBe(204);
    const reuse = await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'outsiders', name: 'Squatter' } });
    expect(reuse.statusCode).toBe(409);
    expect(reuse.json().error.details[0].rule).toBe('retired');
    expect((await t.request({ method: 'PUT', url: '/api/orgs/outsiders/model', payload: smallModel() })).statusCode).toBe(409);
  });
});
