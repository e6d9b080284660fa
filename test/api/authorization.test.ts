// The authorization matrix: every route of the OpenAPI document × every role (signed in, and as an API token),
// plus nobody, another organisation's member, link tokens (of a purpose no route takes, expired) and public keys
// (from an allowed origin, and from another), each answer checked against the route's policy by a real request.
// Then the cross-tenant walk: another organisation's ids, on every route, find nothing and leak nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/model/account.js';
import { issueLinkToken } from '../../src/operations/link-tokens.js';
import { callersOf, type RoutePolicy } from '../../src/server/access.js';
import { can, precheck, type Subject } from '../../src/server/policies/index.js';
import { sql } from 'kysely';
import { smallModel, startTestApp, type Credentials, type TestApp, type TestResponse, type TestUser } from '../support/app.js';

let t: TestApp;

interface Route {
  method: string;
  /** As the OpenAPI document writes it: /api/orgs/{org}/sites */
  path: string;
  policy: RoutePolicy;
}

interface Actor {
  name: string;
  kind: 'session' | 'token' | 'anonymous' | 'outsider' | 'link' | 'publicKey';
  role?: Role;
  user?: TestUser;
  token?: string;
  /** Public keys: the key and the Origin the request comes from; `originAllowed` says whether it is one of the key's. */
  key?: string;
  origin?: string;
  originAllowed?: boolean;
}

let routes: Route[];
const actors: Actor[] = [];
let claims: { owner?: string };

const ORG = 'matrix';
const PARAMS: Record<string, string> = {
  org: ORG,
  id: 'claims',
  run: '00000000-0000-4000-8000-000000000000',
  user: '00000000-0000-4000-8000-000000000001',
  token: '00000000-0000-4000-8000-000000000002',
  invitation: '00000000-0000-4000-8000-000000000003',
};
/** Unknown to every strict schema: an allowed write stops at validation (400) and changes nothing. */
const PROBE = { 'matrix-probe': true };
const SHOP = 'https://shop.matrix.example';
/** Link tokens in the path (invitation links): one of another purpose, and an expired invitation link. */
const pathLinks: { otherPurpose: string; expiredInvitation: string } = { otherPurpose: '', expiredInvitation: '' };

beforeAll(async () => {
  t = await startTestApp();
  const model = smallModel();
  Object.assign(model.activities[0], { owner: 'Matrix Owner, Head of Claims' });
  expect((await t.request({ method: 'PUT', url: `/api/orgs/${ORG}/model`, payload: model })).statusCode).toBe(200);
  claims = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/activities/claims` })).json();
  // A corrective action Matrix Owner owns: its routes are judged on it (its owner updates it).
  const action = await t.request({
    method: 'POST',
    url: `/api/orgs/${ORG}/corrective-actions`,
    payload: { source: { kind: 'audit' }, title: 'Matrix', owner: 'Matrix Owner' },
  });
  expect(action.statusCode, action.body).toBe(201);
  PARAMS.action = action.json().id;

  for (const role of ROLES) {
    const user =
      role === 'owner'
        ? t.owner
        : await t.createUser(`${role.toLowerCase()}@matrix.example`, { org: ORG, role, displayName: role === 'activityOwner' ? 'Matrix Owner' : role });
    actors.push({ name: `${role} (signed in)`, kind: 'session', role, user });
  }
  for (const role of ROLES) {
    const created = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/tokens`, payload: { name: `matrix ${role}`, role } });
    expect(created.statusCode, created.body).toBe(201);
    actors.push({ name: `${role} (API token)`, kind: 'token', role, token: created.json().token });
  }
  actors.push({ name: 'nobody', kind: 'anonymous' });
  const outsider = await t.createUser('outsider@elsewhere.example');
  await sql`update users set is_server_admin = true where id = ${outsider.id}`.execute(t.database.db);
  expect((await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'elsewhere', name: 'Elsewhere' }, as: outsider.session })).statusCode).toBe(201);
  actors.push({ name: 'owner of another organisation', kind: 'outsider', user: outsider });

  // The new kinds of caller: a link of a purpose no route of the API takes yet (check-in), an expired invitation link,
  // and the organisation's public key from one of its origins and from another.
  const now = t.clock.now();
  const issue = (purpose: 'checkin' | 'invitation', at: number) =>
    t.database.db
      .transaction()
      .execute((trx) => issueLinkToken(trx, { org: ORG, purpose, subject: `matrix/${purpose}`, ttlMs: 3_600_000, maxUses: null, now: at }));
  const checkin = await issue('checkin', now);
  const expired = await issue('invitation', now - 2 * 3_600_000);
  actors.push({ name: 'check-in link token', kind: 'link', token: checkin.token });
  actors.push({ name: 'expired invitation link token', kind: 'link', token: expired.token });
  pathLinks.otherPurpose = checkin.token.slice('rmpl_'.length);
  const invited = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/members`, payload: { email: 'expired.invitee@matrix.example', role: 'auditor' } });
  expect(invited.statusCode, invited.body).toBe(202);
  const past = new Date(now - 3_600_000);
  await t.database.db.updateTable('invitations').set({ expires_at: past }).where('id', '=', invited.json().invitation.id).execute();
  await t.database.db.updateTable('link_tokens').set({ expires_at: past }).where('subject', '=', `invitation/${invited.json().invitation.id}`).execute();
  pathLinks.expiredInvitation = invited.json().token;
  const key = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/public-keys`, payload: { label: 'matrix', origins: [SHOP] } });
  expect(key.statusCode, key.body).toBe(201);
  actors.push({ name: 'public key', kind: 'publicKey', key: key.json().key, origin: SHOP, originAllowed: true });
  actors.push({ name: 'public key from another origin', kind: 'publicKey', key: key.json().key, origin: 'https://evil.example', originAllowed: false });

  const doc = (await t.request({ method: 'GET', url: '/api/openapi.json', as: null })).json();
  routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((method) => ['get', 'post', 'put', 'delete', 'patch'].includes(method))
      .map((method) => {
        const url = path.replace(/\{([^}]+)\}/g, ':$1');
        const policy = t.app.routePolicies.get(`${method.toUpperCase()} ${url}`);
        // A route without a policy fails here, naming itself.
        expect(policy, `${method.toUpperCase()} ${path} declares no policy`).toBeDefined();
        return { method: method.toUpperCase(), path, policy: policy! };
      }),
  );
});
afterAll(async () => {
  await t?.close();
});

type Outcome = 'allow' | 'deny' | 'unauthenticated' | 'notFound' | 'conflict' | 'invalidFirst';

/** The rule a refusal of this actor on this route names, when it is about the kind of caller (undefined: any). */
function expectedRule(actor: Actor, policy: RoutePolicy): string | undefined {
  const widget = 'access' in policy && policy.access === 'publicKey';
  if (actor.kind === 'publicKey') return widget ? 'origin' : 'caller';
  if (actor.kind === 'link' || (widget && actor.kind === 'token')) return 'caller';
  return undefined;
}

/** What the route's policy (its callers, then the policy table) says this actor gets on this route. */
function expected(actor: Actor, policy: RoutePolicy): Outcome {
  if ('access' in policy && policy.access === 'public') return 'allow';
  const callers = callersOf(policy);
  // Widget routes: the public key from one of its origins; no cookie is read there, no token taken.
  if (callers.includes('publicKey')) {
    if (actor.kind === 'publicKey') return actor.originAllowed ? 'allow' : 'deny';
    return actor.kind === 'token' || actor.kind === 'link' ? 'deny' : 'unauthenticated';
  }
  // Everywhere else a public key is refused, and so is a link in the Authorization header (no route takes one there yet).
  if (actor.kind === 'publicKey') return 'deny';
  if (actor.kind === 'link') {
    expect(
      callers.some((caller) => caller.startsWith('link:') && !('linkParam' in policy && policy.linkParam)),
      'a route takes links in the header: extend the matrix',
    ).toBe(false);
    return 'deny';
  }
  if ('access' in policy) {
    // Invitation links: for nobody or a person, never a token.
    if (policy.access === 'personOrNobody') return actor.kind === 'token' ? 'deny' : 'allow';
    if (actor.kind === 'anonymous') return 'unauthenticated';
    if (policy.access === 'signedIn') return 'allow';
    if (actor.kind === 'token') return 'deny';
    return policy.access === 'mfaStep' ? 'conflict' : 'allow';
  }
  if (actor.kind === 'anonymous') return 'unauthenticated';
  if (actor.kind === 'outsider') return 'notFound';
  const subject: Subject = {
    userId: '',
    email: actor.user?.email ?? '',
    memberName: actor.role === 'activityOwner' ? 'Matrix Owner' : '',
    via: actor.kind === 'token' ? 'token' : 'session',
    // A token acts with its role and within its creator's (the owner's).
    roles: actor.kind === 'token' ? [actor.role!, 'owner'] : [actor.role!],
  };
  const decision = precheck(subject, policy.resource, policy.action);
  if (decision !== 'target') return decision;
  // Activities, and their status on an incident's board, are judged on the activity (claims, owned by Matrix Owner).
  const target =
    policy.resource === 'activities' || policy.resource === 'incidentActivities'
      ? claims
      : policy.resource === 'correctiveActions'
        ? { owner: 'Matrix Owner' }
        : {};
  return can(subject, policy.resource, policy.action, target) ? 'allow' : 'deny';
}

/** Whether the policy lets this member's role through to the item, whose owner then decides. */
function judgedOnItem(actor: Actor, policy: RoutePolicy): boolean {
  if ('access' in policy || (actor.kind !== 'session' && actor.kind !== 'token')) return false;
  const subject: Subject = { userId: '', email: '', memberName: '', via: actor.kind, roles: actor.kind === 'token' ? [actor.role!, 'owner'] : [actor.role!] };
  return precheck(subject, policy.resource, policy.action) === 'target';
}

function check(outcome: Outcome, response: TestResponse, label: string, rule?: string): void {
  const status = response.statusCode;
  expect(status, `${label}: ${response.body.slice(0, 200)}`).toBeLessThan(500);
  const error = status >= 400 ? response.json().error : undefined;
  switch (outcome) {
    case 'allow':
      expect([401, 403], `${label} should be allowed: ${response.body.slice(0, 200)}`).not.toContain(status);
      if (status === 404) expect(error.message, label).not.toMatch(/^No organisation/);
      break;
    case 'deny':
      expect(status, `${label} should be refused: ${response.body.slice(0, 200)}`).toBe(403);
      expect(error.code, label).toBe('forbidden');
      if (rule) expect(error.details[0]?.rule, label).toBe(rule);
      break;
    case 'unauthenticated':
      expect(status, label).toBe(401);
      expect(error.code, label).toBe('unauthenticated');
      break;
    case 'notFound':
      expect(status, label).toBe(404);
      expect(error.message, label).toMatch(/^No organisation/);
      break;
    case 'conflict':
      expect(status, label).toBe(409);
      break;
    case 'invalidFirst':
      expect(status, label).toBe(400);
      expect(error.code, label).toBe('invalid_input');
      break;
  }
}

function urlOf(route: Route, params: Record<string, string>): string {
  return route.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? 'x'));
}

function send(route: Route, url: string, as: Credentials, headers: Record<string, string> = {}): Promise<TestResponse> {
  const hasBody = route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH';
  // Import routes take spreadsheets only (anything else is refused before access control looks at it).
  if (hasBody && route.path.endsWith('.sheet'))
    return t.request({ method: route.method as 'GET', url, as, payload: 'id\r\n', headers: { ...headers, 'content-type': 'text/csv' } });
  return t.request({ method: route.method as 'GET', url, as, headers, ...(hasBody ? { payload: PROBE } : {}) });
}

let disposable = 0;

/** The credentials of an actor for one request; deleting an organisation gets an organisation of its own to delete. */
async function credentialsFor(actor: Actor, route: Route): Promise<{ as: Credentials; org: string; headers?: Record<string, string> }> {
  const deletesOrganisation = route.method === 'DELETE' && route.path === '/api/orgs/{org}';
  if (actor.kind === 'anonymous') return { as: null, org: ORG };
  if (actor.kind === 'link') return { as: { bearer: actor.token! }, org: ORG };
  if (actor.kind === 'publicKey') return { as: null, org: ORG, headers: { 'x-rempart-key': actor.key!, origin: actor.origin! } };
  if (actor.kind === 'outsider') return { as: await t.newSession(actor.user!), org: ORG };
  if (deletesOrganisation) {
    const org = `gone-${++disposable}`;
    expect((await t.request({ method: 'POST', url: '/api/orgs', payload: { id: org, name: org } })).statusCode).toBe(201);
    if (actor.kind === 'token') {
      const token = (await t.request({ method: 'POST', url: `/api/orgs/${org}/tokens`, payload: { name: 'disposable', role: actor.role } })).json().token;
      return { as: { bearer: token }, org };
    }
    if (actor.user !== t.owner) await t.join(org, actor.role, actor.user);
    return { as: await t.newSession(actor.user!), org };
  }
  if (actor.kind === 'token') return { as: { bearer: actor.token! }, org: ORG };
  // Routes of the person (sign-out, sign-out everywhere…) may end the session: each request gets a fresh one.
  return { as: 'access' in route.policy ? await t.newSession(actor.user!) : actor.user!.session, org: ORG };
}

describe('authorization matrix', () => {
  it('gives every route of the OpenAPI document a policy, and refuses to register a route without one', async () => {
    expect(routes.length).toBeGreaterThan(60);
    const bare = await (
      await import('../../src/server/app.js')
    ).buildApp({ db: t.database.db, databaseKind: t.database.kind, listen: t.database.listen, secretKey: Buffer.alloc(32) });
    expect(() => bare.get('/api/unguarded', async () => ({ secret: true }))).toThrow(/has no access policy/);
    await bare.close();
  });

  it(
    'answers every route × role (signed in and as a token), nobody, an outsider, link tokens and public keys as the policy says',
    { timeout: 120_000 },
    async () => {
      // Routes of the person come last: signing out everywhere would end the sessions the others use.
      const ordered = [...routes].sort((a, b) => Number('access' in a.policy) - Number('access' in b.policy));
      const counts: Record<Outcome, number> = { allow: 0, deny: 0, unauthenticated: 0, notFound: 0, conflict: 0, invalidFirst: 0 };
      for (const route of ordered) {
        for (const actor of actors) {
          // The SMS provider's webhooks are public to every caller and signed instead (HMAC of the body): none of
          // these callers signs, so every one of them is unauthenticated there.
          let outcome = route.path.startsWith('/api/sms/') ? 'unauthenticated' : expected(actor, route.policy);
          // A rule judged on the item comes after validation: the probe body (or the parameters) stop there (the rule itself is proved
          // in the route's own suite, e.g. corrective-actions-api.test.ts).
          if (outcome === 'deny' && ['POST', 'PUT', 'PATCH'].includes(route.method) && judgedOnItem(actor, route.policy)) outcome = 'invalidFirst';
          const { as, org, headers } = await credentialsFor(actor, route);
          // A key in the address (the public API) is the actor's own; every other caller names no valid key there.
          const url = urlOf(route, { ...PARAMS, org, ...(actor.kind === 'publicKey' ? { key: actor.key! } : {}) });
          check(
            outcome,
            await send(route, url, as, headers),
            `${route.method} ${url} as ${actor.name}`,
            outcome === 'deny' ? expectedRule(actor, route.policy) : undefined,
          );
          counts[outcome]++;
        }
      }
      console.log(`authorization matrix: ${ordered.length} routes × ${actors.length} callers`, counts);
      // The matrix exercised every kind of answer, many times.
      expect(counts.allow).toBeGreaterThan(300);
      expect(counts.deny).toBeGreaterThan(200);
      expect(counts.unauthenticated).toBeGreaterThan(60);
      expect(counts.notFound).toBeGreaterThan(50);
    },
  );

  it('walks the routes whose path carries a link: one of another purpose is refused (rule purpose), an expired one is the route’s to report', async () => {
    const linkRoutes = routes.filter((route) => 'linkParam' in route.policy && route.policy.linkParam);
    expect(linkRoutes.length).toBeGreaterThanOrEqual(2);
    for (const route of linkRoutes) {
      const param = (route.policy as { linkParam: string }).linkParam;
      for (const actor of actors.filter((a) => a.kind === 'anonymous' || (a.kind === 'session' && a.role === 'auditor'))) {
        const as = actor.kind === 'anonymous' ? null : await t.newSession(actor.user!);
        const other = await send(route, urlOf(route, { ...PARAMS, [param]: pathLinks.otherPurpose }), as);
        check('deny', other, `${route.method} ${route.path} with a check-in link as ${actor.name}`, 'purpose');
        // Expired: not a refusal of the caller; the invitation says so (GET: its status; accepting: 409 or, here, the probe's 400).
        const expired = await send(route, urlOf(route, { ...PARAMS, [param]: pathLinks.expiredInvitation }), as);
        check('allow', expired, `${route.method} ${route.path} with an expired invitation link as ${actor.name}`);
        if (route.method === 'GET') expect(expired.json().status).toBe('expired');
        else expect(expired.statusCode).toBe(400);
      }
    }
  });

  it('states the roles from the issue: auditors and crisis teams change nothing, employees read nothing of the programme', () => {
    const subject = (role: Role): Subject => ({ userId: '', email: '', memberName: '', via: 'session', roles: [role] });
    // Every member answers their own check-in (issue 12, self-service); the follow-up notes may be health data, which
    // only the followUp role reads and writes (not even owners).
    // Every member reads the knowledge base (the assistant answers employees from its staff articles), talks to the
    // assistant, and answers the training campaigns that ask them (issue 15).
    const selfService = (resource: string, action: string) =>
      resource === 'checkins' || resource === 'assistant' || resource === 'trainingAnswers' || (resource === 'kb' && action === 'read');
    for (const route of routes) {
      if ('access' in route.policy) continue;
      const { resource, action } = route.policy;
      if (selfService(resource, action)) {
        for (const role of ROLES) expect(precheck(subject(role), resource, action), `${role} ${action} ${resource}`).toBe('allow');
        continue;
      }
      if (resource === 'followUpNotes') {
        for (const role of ROLES)
          expect(precheck(subject(role), resource, action), `${role} ${action} ${resource}`).toBe(role === 'followUp' ? 'allow' : 'deny');
        continue;
      }
      // A report is a reading of the programme, written to a file: whoever reads its records may generate it (issue 15).
      const reading = resource === 'reports' && action === 'create';
      if (action !== 'read' && !reading) {
        expect(precheck(subject('auditor'), resource, action), `auditor ${action} ${resource}`).toBe('deny');
        // The crisis team runs incidents (issue 11) and alerts people (issue 12): that, and nothing else of the programme, it may change.
        // Corrective actions: only those a member of the crisis team owns (a lesson of an incident they ran).
        if (resource === 'correctiveActions' && action === 'update') expect(precheck(subject('crisisTeam'), resource, action)).toBe('target');
        else if (!['incidents', 'incidentActivities', 'alerts', 'followUpCases'].includes(resource))
          expect(precheck(subject('crisisTeam'), resource, action), `crisisTeam ${action} ${resource}`).toBe('deny');
      }
      expect(precheck(subject('employee'), resource, action), `employee ${action} ${resource}`).toBe('deny');
      if (
        !['tokens', 'members', 'invitations', 'security', 'audit', 'publicKeys', 'widget', 'jobs'].includes(resource) &&
        !(resource === 'organisation' && action === 'delete')
      )
        expect(precheck(subject('continuityManager'), resource, action), `continuityManager ${action} ${resource}`).toBe('allow');
      expect(precheck(subject('owner'), resource, action), `owner ${action} ${resource}`).toBe('allow');
    }
    expect(precheck(subject('auditor'), 'audit', 'read')).toBe('allow');
    expect(precheck(subject('continuityManager'), 'audit', 'read')).toBe('deny');
    expect(precheck(subject('activityOwner'), 'activities', 'update')).toBe('target');
    expect(precheck(subject('administrator'), 'organisation', 'delete')).toBe('deny');
  });
});

describe('cross-tenant walk', () => {
  const MARKER = 'VICTIM-MARKER-7f3a';
  const ids: Record<string, string> = { org: 'victim', id: 'vx' };
  let victimInvitation = '';

  beforeAll(async () => {
    // The matrix signed everyone out everywhere at its end.
    t.owner.session = await t.newSession(t.owner);
    const victim = await t.createUser('victim.owner@victim.example');
    await sql`update users set is_server_admin = true where id = ${victim.id}`.execute(t.database.db);
    const as = victim.session;
    const model = {
      organisation: { name: `Victim ${MARKER}` },
      sites: [{ id: 'vx', name: `Site ${MARKER}` }],
      pools: [{ id: 'vx', kind: 'vpn', capacity: 5, name: `Pool ${MARKER}` }],
      applications: [{ id: 'vx', name: `App ${MARKER}`, rto: 4 }],
      suppliers: [{ id: 'vx', name: `Supplier ${MARKER}` }],
      activities: [
        {
          id: 'vx',
          name: `Activity ${MARKER}`,
          mtpd: 72,
          rto: 24,
          mbco: 0.5,
          staff: [{ site: 'vx', headcount: 3, remote: 0.5, access: ['vx'] }],
          applications: ['vx'],
          suppliers: ['vx'],
        },
      ],
      strategies: [
        { id: 'vx', name: `Strategy ${MARKER}`, leadTime: 24, cost: { fixed: 1, perDay: 0 }, effect: { type: 'poolCapacity', pool: 'vx', amount: 5 } },
      ],
    };
    expect((await t.request({ method: 'PUT', url: '/api/orgs/victim/model', payload: model, as })).statusCode).toBe(200);
    const scenario = { id: 'vx', name: `Scenario ${MARKER}`, disruptions: [{ type: 'siteUnavailable', site: 'vx', from: 0, to: 24 }] };
    expect((await t.request({ method: 'POST', url: '/api/orgs/victim/scenarios', payload: scenario, as })).statusCode).toBe(201);
    const threat = { id: 'vx', family: 'technology', name: `Threat ${MARKER}` };
    const createdThreat = await t.request({ method: 'POST', url: '/api/orgs/victim/threats', payload: threat, as });
    expect(createdThreat.statusCode, createdThreat.body).toBe(201);
    const risk = {
      id: 'vx',
      title: `Risk ${MARKER}`,
      threat: 'vx',
      assets: [{ type: 'site', id: 'vx' }],
      inherent: { likelihood: 3, impact: 3 },
      residual: { likelihood: 2, impact: 2 },
    };
    const createdRisk = await t.request({ method: 'POST', url: '/api/orgs/victim/risks', payload: risk, as });
    expect(createdRisk.statusCode, createdRisk.body).toBe(201);
    ids.run = (await t.request({ method: 'POST', url: '/api/orgs/victim/scenarios/vx/simulate', as })).json().id;
    ids.user = (await t.createUser('victim.member@victim.example', { org: 'victim', role: 'auditor', displayName: `Member ${MARKER}` })).id;
    const invited = (
      await t.request({
        method: 'POST',
        url: '/api/orgs/victim/members',
        payload: { email: 'victim.invitee@victim.example', role: 'auditor', displayName: `Invitee ${MARKER}` },
        as,
      })
    ).json();
    ids.invitation = invited.invitation.id;
    victimInvitation = invited.token;
    ids.token = (await t.request({ method: 'POST', url: '/api/orgs/victim/tokens', payload: { name: `Token ${MARKER}`, role: 'auditor' }, as })).json().id;
    for (const id of [ids.run, ids.user, ids.token, ids.invitation]) expect(id).toEqual(expect.any(String));
  });

  it('finds nothing of another organisation on any route, with its ids, for a signed-in owner or an owner token', { timeout: 60_000 }, async () => {
    const ownerToken = actors.find((actor) => actor.kind === 'token' && actor.role === 'owner')!.token!;
    for (const as of [t.owner.session, { bearer: ownerToken }] as Credentials[]) {
      for (const route of routes) {
        if (!route.path.includes('{org}')) continue;
        // The victim's organisation itself: not found, whatever the method.
        const theirs = await send(route, urlOf(route, ids), as);
        expect(theirs.statusCode, `${route.method} ${route.path} on the victim`).toBe(404);
        expect(theirs.body).not.toContain(MARKER);
        // The victim's ids inside one's own organisation: nothing of theirs comes back.
        if (route.method === 'DELETE' && route.path === '/api/orgs/{org}') continue;
        const mine = await send(route, urlOf(route, { ...ids, org: ORG }), as);
        expect(mine.statusCode, `${route.method} ${route.path} in matrix with victim ids`).toBeLessThan(500);
        expect(mine.body, `${route.method} ${route.path}`).not.toContain(MARKER);
        if (mine.statusCode === 200 && route.method === 'GET' && /\{(id|run|user|token|invitation)\}/.test(route.path))
          throw new Error(`${route.path} found a victim id in matrix`);
      }
    }
    // The victim's invitation secret, rewritten for this organisation, opens nothing here.
    const forged = await t.request({ method: 'GET', url: `/api/invitations/${ORG}.${victimInvitation.split('.')[1]}` });
    expect(forged.statusCode).toBe(404);
    expect(forged.body).not.toContain(MARKER);
    for (const url of [
      '/api/orgs',
      '/api/auth/me',
      '/api/orgs/matrix/audit?limit=500',
      '/api/orgs/matrix/members',
      '/api/orgs/matrix/invitations',
      '/api/orgs/matrix/tokens',
    ]) {
      const response = await t.request({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).not.toContain(MARKER);
      expect(response.body, url).not.toContain('victim');
    }
  });
});
