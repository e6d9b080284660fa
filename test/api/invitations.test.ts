// Invitations over HTTP: people join an organisation only by accepting an invitation (no password is handed out),
// an account is never joined to another organisation without signing in as it, the members API answers the same for
// known and unknown addresses, tokens cannot mint people, and only those the deployment allows create organisations.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { AccountRepository } from '../../src/store/account-repository.js';
import { totpCode } from '../../src/security/totp.js';
import { smallModel, startTestApp, TEST_PASSWORD, type Credentials, type TestApp, type TestResponse } from '../support/app.js';

let t: TestApp;
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
});
afterAll(async () => {
  await t?.close();
});

const DAY = 24 * 60 * 60 * 1000;
const NEW_PASSWORD = 'a password of my very own choosing';

let counter = 0;
const unique = (prefix: string) => `${prefix}${++counter}`;

function invite(org: string, body: object, as?: Credentials) {
  return t.request({ method: 'POST', url: `/api/orgs/${org}/members`, payload: body, ...(as === undefined ? {} : { as }) });
}

function accept(token: string, body?: object, as: Credentials = null, headers?: Record<string, string>) {
  return t.request({ method: 'POST', url: `/api/invitations/${encodeURIComponent(token)}/accept`, ...(body ? { payload: body } : {}), as, headers });
}

function sessionOf(response: TestResponse): { cookie: string; csrf: string } {
  const cookie = response.cookies.find((c) => c.name === 'rempart_session');
  expect(cookie, response.body).toBeDefined();
  return { cookie: cookie!.value, csrf: response.json().csrfToken };
}

async function signIn(email: string, password: string) {
  return t.request({ method: 'POST', url: '/api/auth/sign-in', payload: { email, password }, as: null });
}

/** An invitation's secret from the answer that created it. */
function tokenOf(response: TestResponse): string {
  expect(response.statusCode, response.body).toBe(202);
  return response.json().token;
}

describe('the takeover of issue 9, item 4', () => {
  it('an employee cannot create an organisation, and an account made by one organisation’s invitation never joins another silently', async () => {
    const employee = await t.createUser(`${unique('employee')}@acme.example`, { org: 'acme', role: 'employee' });
    // By default only server administrators create organisations.
    const trap = await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'trap', name: 'Trap' }, as: employee.session });
    expect(trap.statusCode, trap.body).toBe(403);
    expect(trap.json().error).toMatchObject({ code: 'forbidden', details: [{ rule: 'organisation_creation' }] });
    expect((await t.request({ method: 'PUT', url: '/api/orgs/trap/model', payload: smallModel(), as: employee.session })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/auth/me', as: employee.session })).json().canCreateOrganisations).toBe(false);
    expect((await t.request({ method: 'GET', url: '/api/orgs/trap' })).statusCode).toBe(404);

    // A deployment that lets anyone create organisations: the attacker pre-registers the CFO of Bravo…
    const open = await buildApp({
      db: t.database.db,
      databaseKind: t.database.kind,
      listen: t.database.listen,
      secretKey: Buffer.alloc(32, 3),
      organisationCreation: 'anyone',
      sessions: { now: () => t.clock.now() },
    });
    try {
      const headers = { cookie: `rempart_session=${employee.session.cookie}`, 'x-csrf-token': employee.session.csrf };
      expect((await open.inject({ method: 'GET', url: '/api/auth/me', headers })).json().canCreateOrganisations).toBe(true);
      expect((await open.inject({ method: 'POST', url: '/api/orgs', payload: { id: 'trap', name: 'Trap' }, headers })).statusCode).toBe(201);
      const invited = await open.inject({ method: 'POST', url: '/api/orgs/trap/members', payload: { email: 'cfo@bravo.example', role: 'owner' }, headers });
      expect(invited.statusCode, invited.body).toBe(202);
      expect(invited.json()).not.toHaveProperty('initialPassword');
      // …and accepts their own invitation with a password of their choosing.
      const taken = await open.inject({
        method: 'POST',
        url: `/api/invitations/${invited.json().token}/accept`,
        payload: { password: 'the attacker chose this one' },
      });
      expect(taken.statusCode, taken.body).toBe(200);
    } finally {
      await open.close();
    }

    // Bravo's owner later invites the real CFO: an invitation, never the existing account.
    const bravo = await invite('bravo', { email: 'CFO@bravo.example', role: 'administrator' });
    const bravoToken = tokenOf(bravo);
    const attacker = sessionOf(await signIn('cfo@bravo.example', 'the attacker chose this one'));
    const members = (await t.request({ method: 'GET', url: '/api/orgs/bravo/members' })).json().items.map((m: { email: string }) => m.email);
    expect(members).not.toContain('cfo@bravo.example');
    expect((await t.request({ method: 'GET', url: '/api/orgs/bravo/activities', as: attacker })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/auth/me', as: attacker })).json().memberships.map((m: { org: { id: string } }) => m.org.id)).toEqual([
      'trap',
    ]);
    // Without signing in, Bravo's link cannot join the existing account, whatever password is sent.
    const silent = await accept(bravoToken, { password: 'another long password here' });
    expect(silent.statusCode, silent.body).toBe(409);
    expect(silent.json().error.details[0].rule).toBe('sign_in');
    expect(silent.cookies.find((c) => c.name === 'rempart_session')).toBeUndefined();
    expect((await t.request({ method: 'GET', url: '/api/orgs/bravo/members' })).json().items.map((m: { email: string }) => m.email)).not.toContain(
      'cfo@bravo.example',
    );
  });
});

describe('inviting', () => {
  it('answers the same for an address with an account elsewhere (name, second factor) and one without', async () => {
    const known = await t.createUser(`${unique('known')}@elsewhere.example`, { org: 'bravo', role: 'auditor', displayName: 'Secret Name Of Known' });
    const enrol = await t.request({ method: 'POST', url: '/api/auth/mfa/enrol', as: known.session });
    const code = await totpCode(enrol.json().secret, t.clock.now());
    expect((await t.request({ method: 'POST', url: '/api/auth/mfa/confirm', payload: { code }, as: known.session })).statusCode).toBe(200);
    const unknown = `${unique('unknown')}@elsewhere.example`;

    const a = await invite('acme', { email: known.email, role: 'crisisTeam' });
    const b = await invite('acme', { email: unknown, role: 'crisisTeam' });
    expect(a.statusCode, a.body).toBe(202);
    expect(b.statusCode, b.body).toBe(202);
    const shape = (response: TestResponse, email: string) =>
      JSON.parse(
        response.body
          .replaceAll(email, '<email>')
          .replaceAll(response.json().token, '<token>')
          .replace(/"id":"[0-9a-f-]{36}"/, '"id":"<id>"')
          .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>'),
      );
    expect(shape(a, known.email)).toEqual(shape(b, unknown));
    expect(a.body).not.toContain('Secret Name Of Known');
    expect(a.body).not.toMatch(/mfa|initialPassword|accountExists|userId/i);
    expect(a.json()).toEqual({
      invitation: {
        id: expect.any(String),
        email: known.email,
        role: 'crisisTeam',
        displayName: null,
        invitedBy: { id: t.owner.id, email: t.owner.email },
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
        status: 'pending',
      },
      token: expect.stringMatching(/^acme\.[A-Za-z0-9_-]{43}$/),
      link: `http://localhost:80/invitation#${a.json().token}`,
    });
    expect(Date.parse(a.json().invitation.expiresAt) - t.clock.now()).toBeGreaterThan(7 * DAY - 60_000);
    // Neither became a member, nor got an account.
    const list = (await t.request({ method: 'GET', url: '/api/orgs/acme/members' })).json().items.map((m: { email: string }) => m.email);
    expect(list).not.toContain(known.email);
    expect(list).not.toContain(unknown);
    expect(await new AccountRepository(t.database.db).userByEmail(unknown)).toBeUndefined();
    // The same goes for the audit trail the organisation reads.
    const audit = (await t.request({ method: 'GET', url: '/api/orgs/acme/audit?entity=invitation' })).json().items;
    expect(JSON.stringify(audit)).not.toMatch(/Secret Name Of Known|accountCreated|mfa/);
  });

  it('keeps only the SHA-256 of the secret, lists open invitations without it, and refuses a member already here', async () => {
    const email = `${unique('listed')}@acme.example`;
    const token = tokenOf(await invite('acme', { email, role: 'auditor', displayName: 'Listed Person' }));
    // The secret is a single-use link token of purpose `invitation`: only its digest is stored.
    const rows = await sql<{ token_hash: string; max_uses: number }>`
      select l.secret_hash as token_hash, l.max_uses from link_tokens l join invitations i on l.org_id = i.org_id and l.subject = 'invitation/' || i.id::text
      where i.email = ${email} and l.purpose = 'invitation'`.execute(t.database.db);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]).toMatchObject({ token_hash: expect.stringMatching(/^[0-9a-f]{64}$/), max_uses: 1 });
    expect(rows.rows[0].token_hash).not.toContain(token.split('.')[1]);
    const list = await t.request({ method: 'GET', url: '/api/orgs/acme/invitations' });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.body).not.toContain(token.split('.')[1]);
    expect(list.json().items.find((item: { email: string }) => item.email === email)).toMatchObject({
      role: 'auditor',
      displayName: 'Listed Person',
      status: 'pending',
      abilities: { delete: true },
    });
    const all = await sql<{ doc: string }>`select row_to_json(a)::text as doc from audit_log a`.execute(t.database.db);
    expect(all.rows.map((row) => row.doc).join('\n')).not.toContain(token.split('.')[1]);

    const member = await t.createUser(`${unique('member')}@acme.example`, { org: 'acme', role: 'employee' });
    const again = await invite('acme', { email: member.email.toUpperCase(), role: 'auditor' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details[0]).toMatchObject({ path: 'body.email', rule: 'unique' });
  });

  it('lets only owners invite owners; administrators invite and withdraw the rest', async () => {
    const admin = await t.createUser(`${unique('admin')}@acme.example`, { org: 'acme', role: 'administrator' });
    expect((await invite('acme', { email: `${unique('boss')}@acme.example`, role: 'owner' }, admin.session)).statusCode).toBe(403);
    const ownerInvitation = (await invite('acme', { email: `${unique('boss')}@acme.example`, role: 'owner' })).json().invitation.id;
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/acme/invitations/${ownerInvitation}`, as: admin.session })).statusCode).toBe(403);
    const mine = await invite('acme', { email: `${unique('staff')}@acme.example`, role: 'continuityManager' }, admin.session);
    expect(mine.statusCode, mine.body).toBe(202);
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/acme/invitations/${mine.json().invitation.id}`, as: admin.session })).statusCode).toBe(204);
    const listed = (await t.request({ method: 'GET', url: '/api/orgs/acme/invitations', as: admin.session })).json().items;
    expect(listed.find((item: { id: string }) => item.id === ownerInvitation).abilities).toEqual({ delete: false });
    const manager = await t.createUser(`${unique('manager')}@acme.example`, { org: 'acme', role: 'continuityManager' });
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/invitations', as: manager.session })).statusCode).toBe(403);
    expect((await invite('acme', { email: `${unique('x')}@acme.example`, role: 'employee' }, manager.session)).statusCode).toBe(403);
  });
});

describe('tokens cannot mint people (issue 9, item 5)', () => {
  it('refuses invitations and role changes through an API token, even an owner’s; removing and withdrawing stay possible', async () => {
    const target = await t.createUser(`${unique('target')}@acme.example`, { org: 'acme', role: 'employee' });
    for (const role of ['owner', 'administrator'] as const) {
      const created = await t.request({ method: 'POST', url: '/api/orgs/acme/tokens', payload: { name: `${role} automation`, role } });
      expect(created.statusCode, created.body).toBe(201);
      const bearer = { bearer: created.json().token };
      const invited = await invite('acme', { email: `${unique('minted')}@acme.example`, role: 'auditor' }, bearer);
      expect(invited.statusCode, invited.body).toBe(403);
      expect(invited.json().error.code).toBe('forbidden');
      expect(invited.body).not.toMatch(/initialPassword|token"/);
      const promoted = await t.request({ method: 'PUT', url: `/api/orgs/acme/members/${target.id}`, payload: { role: 'administrator' }, as: bearer });
      expect(promoted.statusCode).toBe(403);
      expect(promoted.json().error.code).toBe('forbidden');
      expect((await t.request({ method: 'POST', url: '/api/orgs/acme/tokens', payload: { name: 'child', role: 'auditor' }, as: bearer })).statusCode).toBe(403);
      expect((await t.request({ method: 'POST', url: '/api/orgs', payload: { id: unique('by-token'), name: 'T' }, as: bearer })).statusCode).toBe(403);
      const me = (await t.request({ method: 'GET', url: '/api/auth/me', as: bearer })).json();
      expect(me.canCreateOrganisations).toBe(false);
      expect(me.memberships[0].abilities.members).toMatchObject({ create: false, update: false });
      // An invitation link is for a person: a token cannot read nor accept one.
      const token = tokenOf(await invite('acme', { email: `${unique('p')}@acme.example`, role: 'auditor' }));
      expect((await t.request({ method: 'GET', url: `/api/invitations/${token}`, as: bearer })).statusCode).toBe(403);
      expect((await accept(token, { password: NEW_PASSWORD }, bearer)).statusCode).toBe(403);
      const id = (await t.request({ method: 'GET', url: '/api/orgs/acme/invitations' })).json().items[0].id;
      expect((await t.request({ method: 'DELETE', url: `/api/orgs/acme/invitations/${id}`, as: bearer })).statusCode).toBe(204);
    }
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/members' })).json().items.find((m: { userId: string }) => m.userId === target.id).role).toBe(
      'employee',
    );
  });
});

describe('accepting', () => {
  it('a person without an account reads the invitation, chooses a password, joins with the role and is signed in', async () => {
    const email = `${unique('newcomer')}@acme.example`;
    const token = tokenOf(await invite('acme', { email, role: 'auditor', displayName: 'New Comer' }));
    const read = await t.request({ method: 'GET', url: `/api/invitations/${token}`, as: null });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toEqual({
      organisation: { id: 'acme', name: 'Acme' },
      email,
      role: 'auditor',
      expiresAt: expect.any(String),
      status: 'pending',
      signedInAs: null,
    });

    const missing = await accept(token, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0]).toMatchObject({ path: 'body.password', rule: 'required' });
    const weak = await accept(token, { password: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.details[0].value).toBe('[hidden]');

    const accepted = await accept(token, { password: NEW_PASSWORD });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ organisation: { id: 'acme', name: 'Acme' }, role: 'auditor', email, accountCreated: true });
    const session = sessionOf(accepted);
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/audit', as: session })).statusCode).toBe(200);
    const me = (await t.request({ method: 'GET', url: '/api/auth/me', as: session })).json();
    expect(me.user).toMatchObject({ email, displayName: 'New Comer', passwordChangeRequired: false, serverAdmin: false });
    expect(me.canCreateOrganisations).toBe(false);
    expect((await signIn(email, NEW_PASSWORD)).statusCode).toBe(200);
    // Used once.
    const again = await accept(token, { password: NEW_PASSWORD });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details[0].rule).toBe('accepted');
    expect((await t.request({ method: 'GET', url: `/api/invitations/${token}`, as: null })).json().status).toBe('accepted');
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/invitations' })).json().items.map((i: { email: string }) => i.email)).not.toContain(email);
    const audit = (await t.request({ method: 'GET', url: `/api/orgs/acme/audit?entity=member` })).json().items[0];
    expect(audit).toMatchObject({ action: 'add', actor: { type: 'user', label: email }, after: { email, role: 'auditor' } });
  });

  it('an existing account accepts only signed in as itself, with its CSRF token; signed in as anyone else is refused', async () => {
    const person = await t.createUser(`${unique('existing')}@bravo.example`, { org: 'bravo', role: 'auditor', displayName: 'Existing Person' });
    const other = await t.createUser(`${unique('other')}@acme.example`);
    const token = tokenOf(await invite('acme', { email: person.email, role: 'continuityManager' }));

    const asOther = await accept(token, {}, other.session);
    expect(asOther.statusCode, asOther.body).toBe(403);
    expect(asOther.json().error.details[0].rule).toBe('other_account');
    expect((await accept(token, { password: NEW_PASSWORD }, other.session)).statusCode).toBe(403);
    const signedOut = await accept(token, { password: NEW_PASSWORD });
    expect(signedOut.statusCode).toBe(409);
    expect(signedOut.json().error.details[0].rule).toBe('sign_in');
    const noCsrf = await accept(token, {}, null, { cookie: `rempart_session=${person.session.cookie}` });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('csrf_failed');
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/activities', as: person.session })).statusCode).toBe(404);

    expect((await t.request({ method: 'GET', url: `/api/invitations/${token}`, as: person.session })).json().signedInAs).toBe(person.email);
    const accepted = await accept(token, undefined, person.session);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ organisation: { id: 'acme' }, role: 'continuityManager', accountCreated: false, csrfToken: person.session.csrf });
    expect(accepted.cookies.find((c) => c.name === 'rempart_session')).toBeUndefined();
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/activities', as: person.session })).statusCode).toBe(200);
    const member = (await t.request({ method: 'GET', url: '/api/orgs/acme/members' })).json().items.find((m: { email: string }) => m.email === person.email);
    expect(member).toMatchObject({ role: 'continuityManager', displayName: 'Existing Person' });
    // The password was never touched.
    expect((await signIn(person.email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('expires after seven days, stops at once when withdrawn, and a newer invitation replaces the open one', async () => {
    const email = `${unique('late')}@acme.example`;
    const token = tokenOf(await invite('acme', { email, role: 'auditor' }));
    t.clock.advance(7 * DAY + 1000);
    try {
      expect((await t.request({ method: 'GET', url: `/api/invitations/${token}`, as: null })).json().status).toBe('expired');
      const late = await accept(token, { password: NEW_PASSWORD });
      expect(late.statusCode).toBe(409);
      expect(late.json().error.details[0].rule).toBe('expired');
    } finally {
      t.clock.advance(-(7 * DAY + 1000));
    }
    expect(await new AccountRepository(t.database.db).userByEmail(email)).toBeUndefined();

    const first = tokenOf(await invite('acme', { email, role: 'auditor' }));
    const second = await invite('acme', { email, role: 'crisisTeam' });
    const replaced = await accept(first, { password: NEW_PASSWORD });
    expect(replaced.statusCode).toBe(409);
    expect(replaced.json().error.details[0].rule).toBe('revoked');
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/acme/invitations/${second.json().invitation.id}` })).statusCode).toBe(204);
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/acme/invitations/${second.json().invitation.id}` })).statusCode).toBe(204);
    const withdrawn = await accept(second.json().token, { password: NEW_PASSWORD });
    expect(withdrawn.statusCode).toBe(409);
    expect(withdrawn.json().error.details[0].rule).toBe('revoked');
    expect(await new AccountRepository(t.database.db).userByEmail(email)).toBeUndefined();
    expect((await t.request({ method: 'DELETE', url: '/api/orgs/acme/invitations/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    // Another organisation's invitation is not found from here.
    const theirs = (await invite('bravo', { email, role: 'auditor' })).json().invitation.id;
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/acme/invitations/${theirs}` })).statusCode).toBe(404);
  });

  it('accepts an invitation once when two acceptances race', async () => {
    const email = `${unique('racer')}@acme.example`;
    const token = tokenOf(await invite('acme', { email, role: 'auditor' }));
    const answers = await Promise.all([
      accept(token, { password: NEW_PASSWORD }),
      accept(token, { password: NEW_PASSWORD }),
      accept(token, { password: NEW_PASSWORD }),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409]);
    const rows = await sql<{ n: number }>`select count(*)::int as n from memberships m join users u on u.id = m.user_id where u.email = ${email}`.execute(
      t.database.db,
    );
    expect(rows.rows[0].n).toBe(1);
  });
});

describe('who may create organisations', () => {
  it('follows the deployment setting: admins (default), owners, anyone; tokens never', async () => {
    expect((await t.request({ method: 'GET', url: '/api/auth/me' })).json()).toMatchObject({ canCreateOrganisations: true, user: { serverAdmin: true } });
    const owner = await t.createUser(`${unique('owner')}@acme.example`, { org: 'acme', role: 'owner' });
    const admin = await t.createUser(`${unique('admin')}@acme.example`, { org: 'acme', role: 'administrator' });
    for (const person of [owner, admin])
      expect((await t.request({ method: 'POST', url: '/api/orgs', payload: { id: unique('new'), name: 'N' }, as: person.session })).statusCode).toBe(403);

    const owners = await buildApp({
      db: t.database.db,
      databaseKind: t.database.kind,
      listen: t.database.listen,
      secretKey: Buffer.alloc(32, 4),
      organisationCreation: 'owners',
      sessions: { now: () => t.clock.now() },
    });
    try {
      const post = (person: typeof owner, id: string) =>
        owners.inject({
          method: 'POST',
          url: '/api/orgs',
          payload: { id, name: id },
          headers: { cookie: `rempart_session=${person.session.cookie}`, 'x-csrf-token': person.session.csrf },
        });
      expect((await post(owner, unique('owned'))).statusCode).toBe(201);
      expect((await post(admin, unique('owned'))).statusCode).toBe(403);
      const put = await owners.inject({
        method: 'PUT',
        url: `/api/orgs/${unique('imported')}/model`,
        payload: smallModel(),
        headers: { cookie: `rempart_session=${admin.session.cookie}`, 'x-csrf-token': admin.session.csrf },
      });
      expect(put.statusCode).toBe(404);
    } finally {
      await owners.close();
    }
    // The server's own default.
    const defaults = await buildApp({ db: t.database.db, databaseKind: t.database.kind, listen: t.database.listen, secretKey: Buffer.alloc(32, 5) });
    expect(defaults.access.organisationCreation).toBe('admins');
    await defaults.close();
  });
});

describe('hostile input on the invitation routes', () => {
  it('refuses malformed, oversized and NUL-laden secrets and bodies with 400/404/413, never 500', async () => {
    const token = tokenOf(await invite('acme', { email: `${unique('hostile')}@acme.example`, role: 'auditor' }));
    const cases: Array<[string, number[]]> = [
      ['not-a-token', [400]],
      [`acme.${'a'.repeat(42)}`, [400]],
      [`acme.${'a'.repeat(43)}`, [404]],
      [`bravo.${token.split('.')[1]}`, [404]],
      [`${token}\u0000`, [400]],
      [`acme\u0000.${'a'.repeat(43)}`, [400]],
      ['%00', [400]],
      // Past the router's limit on a path parameter (its answer is issue 9, item 11).
      ['x'.repeat(5000), [400, 404, 414]],
      ["acme.' or 1=1 --aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", [400]],
    ];
    for (const [value, statuses] of cases) {
      const url = `/api/invitations/${value === '%00' ? value : encodeURIComponent(value)}`;
      for (const response of [
        await t.request({ method: 'GET', url, as: null }),
        await t.request({ method: 'POST', url: `${url}/accept`, payload: { password: NEW_PASSWORD }, as: null }),
      ]) {
        expect(statuses, `${value.slice(0, 40)}: ${response.statusCode} ${response.body.slice(0, 200)}`).toContain(response.statusCode);
        expect(response.json().error).toBeDefined();
      }
    }
    const nul = await accept(token, { password: NEW_PASSWORD, displayName: 'Eve\u0000' });
    expect(nul.statusCode, nul.body).toBe(400);
    expect(nul.json().error.details[0]).toMatchObject({ path: 'body.displayName', rule: 'invalid_text' });
    const surrogate = await invite('acme', { email: `${unique('s')}@acme.example`, role: 'auditor', displayName: 'Eve \ud800' });
    expect(surrogate.statusCode).toBe(400);
    expect(surrogate.json().error.details[0].rule).toBe('invalid_text');
    expect((await invite('acme', { email: `nul\u0000@acme.example`, role: 'auditor' })).statusCode).toBe(400);
    expect((await accept(token, { password: 'p'.repeat(2000) })).statusCode).toBe(400);
    expect((await accept(token, { password: NEW_PASSWORD, extra: true })).statusCode).toBe(400);
    expect((await accept(token, { password: NEW_PASSWORD, padding: 'x'.repeat(64 * 1024) })).statusCode).toBe(413);
    expect((await accept(token, { password: ['a'] })).statusCode).toBe(400);
    expect((await invite('acme', { email: 'x'.repeat(300) + '@acme.example', role: 'auditor' })).statusCode).toBe(400);
    expect((await invite('acme', { email: `${unique('r')}@acme.example`, role: 'superuser' })).statusCode).toBe(400);
    // The invitation survived all of it.
    expect((await t.request({ method: 'GET', url: `/api/invitations/${token}`, as: null })).json().status).toBe('pending');
  });
});
