// Access control for every route, in one place: each route declares its policy in `config.policy`; hooks here sign
// the request in (session cookie or API token), check CSRF, the organisation membership and the policy table, and
// set who is acting for the audit trail. A route under /api without a policy cannot even be registered.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { RempartError } from '../errors.js';
import type { OrganisationCreation, Role } from '../model/account.js';
import { ROLES } from '../model/account.js';
import { actAs, type ActingContext } from '../operations/actor.js';
import { resolveApiToken, resolveSession, csrfTokenOf, type IssuedSession, type SessionSettings } from '../operations/sessions.js';
import { AccountRepository, type MembershipRecord, type SessionRecord, type TokenRecord, type UserRecord } from '../store/account-repository.js';
import { InvitationRepository } from '../store/invitation-repository.js';
import { ModelRepository } from '../store/model-repository.js';
import type { Database } from '../store/schema.js';
import { sameSecret } from '../security/crypto.js';
import { can, itemAbilities, listAbilities, POLICY, precheck, type Action, type Resource, type Subject } from './policies/index.js';

/** The session cookie's name, and the header carrying the session's CSRF token. */
export const SESSION_COOKIE = 'rempart_session';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * What a route requires.
 * - `public`: nothing (health, sign-in, the OpenAPI document);
 * - `signedIn`: a signed-in person or an API token;
 * - `person`: a signed-in person (never a token);
 * - `session`: any session of a person, also one still waiting for its second factor (sign-out);
 * - `mfaStep`: only a session waiting for its second factor;
 * - `personOrNobody`: nobody, or a signed-in person (a full session, with its CSRF token on changes), never an API
 *   token: the route decides what each may do (accepting an invitation);
 * - `{resource, action}`: a member of the route's organisation (`:org`) whose role the policy table allows.
 * `beforePasswordChange` keeps a route open to someone who must first choose a new password.
 */
export type RoutePolicy =
  | { access: 'public' | 'signedIn' | 'person' | 'session' | 'mfaStep' | 'personOrNobody'; beforePasswordChange?: boolean }
  | { resource: Resource; action: Action; createsOrganisation?: boolean };

/** Who sent the request. */
export type Principal =
  | { via: 'session'; user: UserRecord; session: SessionRecord; csrfToken: string; token: string }
  | { via: 'token'; user: UserRecord; token: TokenRecord; membership: MembershipRecord };

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: RoutePolicy;
  }
  interface FastifyInstance {
    /** Every route's policy, by `METHOD /url/:param` (tests walk it against the OpenAPI document). */
    routePolicies: Map<string, RoutePolicy>;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The caller's membership of the route's organisation. */
    membership: MembershipRecord | null;
    /** The caller as the policies see them in the route's organisation. */
    subject: Subject | null;
    /** The route may create its organisation and the caller is allowed to (PUT /orgs/{org}/model on a new id). */
    creatingOrganisation: boolean;
    /** The policy allows the action only on some items: the preHandler loads the item and decides. */
    policyNeedsTarget: boolean;
  }
}

const ORG_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The item a conditional rule looks at: loaded after validation, from the route's parameters (and body). */
type TargetLoader = (request: FastifyRequest, db: Kysely<Database>) => Promise<unknown>;

const TARGETS: Partial<Record<Resource, TargetLoader>> = {
  // The activity as stored: an activity owner may change only what already names them as its owner.
  activities: async (request, db) => {
    const { org, id } = request.params as { org: string; id?: string };
    return id === undefined ? undefined : new ModelRepository(db).getEntity(org, 'activities', id);
  },
  // The membership's current role (none when adding) and the role asked for (none when removing).
  members: async (request, db) => {
    const { org, user } = request.params as { org: string; user?: string };
    const current = user && UUID.test(user) ? await new AccountRepository(db).membership(org, user) : undefined;
    const asked = (request.body as { role?: Role } | undefined)?.role;
    return { role: current?.role, newRole: asked };
  },
  // The invitation's role: administrators withdraw only invitations that do not make an owner.
  invitations: async (request, db) => {
    const { org, invitation } = request.params as { org: string; invitation?: string };
    const found = invitation && UUID.test(invitation) ? await new InvitationRepository(db).get(org, invitation) : undefined;
    return found ? { role: found.role } : undefined;
  },
};

/**
 * Whether a principal may create organisations under the deployment's setting: never an API token; server
 * administrators always; with `owners`, also the owners of an organisation; with `anyone`, every person.
 */
export async function mayCreateOrganisations(db: Kysely<Database>, principal: Principal, setting: OrganisationCreation): Promise<boolean> {
  if (principal.via !== 'session') return false;
  if (setting === 'anyone' || principal.user.serverAdmin) return true;
  if (setting === 'owners') return (await new AccountRepository(db).membershipsOf(principal.user.id)).some((membership) => membership.role === 'owner');
  return false;
}

function isDocs(url: string): boolean {
  return url === '/api/docs' || url.startsWith('/api/docs/');
}

function unauthenticated(message: string, rule = 'signed_in'): RempartError {
  return new RempartError('unauthenticated', message, [{ path: 'credentials', rule, value: null, message }]);
}

function forbidden(message: string, resource: string, action: string): RempartError {
  return new RempartError('forbidden', message, [{ path: resource, rule: 'policy', value: action, message }]);
}

function organisationNotFound(orgId: string): RempartError {
  return new RempartError('not_found', `No organisation with id "${orgId}".`, [{ path: 'id', rule: 'exists', value: orgId, message: `no organisation "${orgId}"` }]);
}

/** Cookie attributes: HttpOnly, SameSite=Lax, Secure when the request came over TLS (directly or via a trusted proxy). */
function cookieOptions(request: FastifyRequest) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: request.protocol === 'https' };
}

/** Hands a new session to the browser; the previous cookie, if any, is replaced. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, issued: IssuedSession, now: number): void {
  void reply.setCookie(SESSION_COOKIE, issued.token, { ...cookieOptions(request), maxAge: Math.max(1, Math.floor((issued.expiresAt - now) / 1000)) });
}

/** Tells the browser to forget the session cookie. */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
}

/** Who acts, for the audit trail: the person, the token (and whose it is), or nobody yet. */
export function actingOf(request: FastifyRequest): ActingContext {
  const principal = request.principal;
  if (!principal) return { actor: { type: 'anonymous', id: null, label: 'anonymous' }, source: request.ip ?? null };
  if (principal.via === 'token')
    return { actor: { type: 'token', id: principal.token.id, label: `${principal.token.name} (token of ${principal.user.email})` }, source: request.ip ?? null };
  return { actor: { type: 'user', id: principal.user.id, label: principal.user.email }, source: request.ip ?? null };
}

/** The caller's subject in the route's organisation (set for every `{resource, action}` route). */
export function subjectOf(request: FastifyRequest): Subject {
  if (!request.subject) throw new Error(`No subject on ${request.method} ${request.url}: the route has no organisation policy.`);
  return request.subject;
}

/** The subject a membership gives a person (or their token) in its organisation. */
export function subjectFor(principal: Principal, membership: MembershipRecord): Subject {
  return {
    userId: principal.user.id,
    email: principal.user.email,
    memberName: membership.displayName,
    via: principal.via,
    roles: principal.via === 'token' ? [principal.token.role, membership.role] : [membership.role],
  };
}

/** An item with what the caller may do to it: `{...item, abilities: {update, delete}}`. */
export function withAbilities<T extends object>(request: FastifyRequest, resource: Resource, item: T, target: unknown = item): T & { abilities: Record<string, boolean> } {
  return { ...item, abilities: itemAbilities(subjectOf(request), resource, target) };
}

/** What the caller may do on a list (add, import). */
export function collectionAbilities(request: FastifyRequest, resource: Resource): Record<string, boolean> {
  return listAbilities(subjectOf(request), resource);
}

/** The roles a policy lets in, for the API reference. */
function describePolicy(policy: RoutePolicy): string {
  if ('access' in policy)
    return {
      public: 'Public.',
      signedIn: 'Any signed-in person or API token.',
      person: 'A signed-in person (not an API token).',
      session: 'A session cookie, also one waiting for its second factor.',
      mfaStep: 'A session waiting for its second factor.',
      personOrNobody: 'Public, or a signed-in person (session cookie and CSRF token); not an API token.',
    }[policy.access];
  const roles = ROLES.map((role) => {
    const subject: Subject = { userId: '', email: '', memberName: '', via: 'session', roles: [role] };
    const decision = precheck(subject, policy.resource, policy.action);
    if (decision === 'deny') return undefined;
    if (decision === 'allow') return role;
    const labels = POLICY.filter((rule) => rule.when && rule.roles.includes(role) && rule.resources.includes(policy.resource) && rule.actions.includes(policy.action)).map(
      (rule) => rule.when!.label,
    );
    return `${role} (${labels.join(', ')})`;
  }).filter(Boolean);
  const viaToken = precheck({ userId: '', email: '', memberName: '', via: 'token', roles: ['owner'] }, policy.resource, policy.action) === 'deny';
  return `Roles: ${roles.length > 0 ? roles.join(', ') : 'none'} (\`${policy.resource}:${policy.action}\`)${viaToken && roles.length > 0 ? '; signed-in people only, never an API token' : ''}.`;
}

/**
 * Signs the request in from its credentials: a Bearer API token wins over a cookie (and needs no CSRF token,
 * since a browser never adds one on its own). Bad credentials are a 401; none at all is `null`.
 */
async function authenticate(request: FastifyRequest, reply: FastifyReply, db: Kysely<Database>, sessions: SessionSettings): Promise<Principal | null> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer +([^\s]+)$/i.exec(header);
    if (!match) throw unauthenticated('Send an API token as "Authorization: Bearer <token>".', 'bearer');
    const resolved = await resolveApiToken(db, sessions.now(), match[1]);
    if (!resolved) throw unauthenticated('The API token is unknown, expired or revoked.', 'token');
    return { via: 'token', ...resolved };
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (!cookie) return null;
  const resolved = await resolveSession(db, sessions, cookie);
  if (!resolved) {
    clearSessionCookie(request, reply);
    throw unauthenticated('Your session has ended: sign in again.', 'session');
  }
  return { via: 'session', user: resolved.user, session: resolved.session, token: cookie, csrfToken: csrfTokenOf(cookie) };
}

async function authorise(request: FastifyRequest, reply: FastifyReply, db: Kysely<Database>, sessions: SessionSettings): Promise<void> {
  const policy = request.routeOptions.config?.policy;
  if (!policy) {
    // Registration refuses such routes; should one slip through, it stays closed.
    const url = request.routeOptions.url;
    if (url && url.startsWith('/api/') && !isDocs(url)) throw forbidden('This route declares no access policy.', 'route', request.method);
    return;
  }
  if ('access' in policy && policy.access === 'public') return;
  if ('access' in policy && policy.access === 'personOrNobody') return authoriseOptionalPerson(request, reply, db, sessions);

  const principal = await authenticate(request, reply, db, sessions);
  if (!principal) throw unauthenticated('Sign in, or send an API token as "Authorization: Bearer <token>".');
  request.principal = principal;

  if (principal.via === 'session') {
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameSecret(sent, principal.csrfToken))
        throw new RempartError('csrf_failed', `Send the session's CSRF token in the ${CSRF_HEADER} header (it comes with sign-in and GET /api/auth/me).`, [
          { path: `headers.${CSRF_HEADER}`, rule: 'csrf', value: null, message: 'missing or wrong' },
        ]);
    }
    const waiting = principal.session.stage === 'mfa';
    const access = 'access' in policy ? policy.access : undefined;
    if (waiting && access !== 'mfaStep' && access !== 'session') throw unauthenticated('Enter the code of your second factor first (POST /api/auth/mfa).', 'mfa_pending');
    if (!waiting && principal.user.passwordMustChange && !('access' in policy && policy.beforePasswordChange))
      throw new RempartError('password_change_required', 'Choose a new password first (POST /api/auth/password): the current one was set by someone else.');
  }

  if ('access' in policy) {
    if (policy.access === 'signedIn') return;
    if (principal.via !== 'session') throw forbidden('API tokens cannot do this: sign in as a person.', 'credentials', policy.access);
    if (policy.access === 'mfaStep' && principal.session.stage !== 'mfa') throw new RempartError('conflict', 'No second-factor step is waiting: you are signed in already.');
    return;
  }

  const orgId = (request.params as { org?: unknown }).org;
  if (typeof orgId !== 'string' || !ORG_ID.test(orgId))
    throw new RempartError('invalid_input', 'The organisation id in the address is invalid.', [
      { path: 'params.org', rule: 'format', value: typeof orgId === 'string' ? orgId.slice(0, 200) : null, message: 'letters, digits, ".", "_" or "-"' },
    ]);
  let membership: MembershipRecord | undefined;
  if (principal.via === 'token') membership = principal.token.orgId === orgId ? principal.membership : undefined;
  else membership = await new AccountRepository(db).membership(orgId, principal.user.id);
  if (!membership) {
    // Only a person allowed to create organisations may bring one into being here, and only when the id is free.
    if (
      policy.createsOrganisation &&
      (await mayCreateOrganisations(db, principal, request.server.access.organisationCreation)) &&
      !(await new ModelRepository(db).getOrganisation(orgId))
    ) {
      request.creatingOrganisation = true;
      return;
    }
    // Another organisation's existence is nobody else's business: the same answer as for no organisation.
    throw organisationNotFound(orgId);
  }
  if (principal.via === 'session' && membership.mfaRequiredRoles.includes(membership.role) && !principal.user.mfaEnabled)
    throw new RempartError('mfa_required', `${membership.orgName} requires a second factor for your role (${membership.role}): enrol one (POST /api/auth/mfa/enrol, then /confirm) to go on.`, [
      { path: 'organisation', rule: 'mfa_required', value: orgId, message: 'enrol a second factor' },
    ]);
  const subject = subjectFor(principal, membership);
  request.membership = membership;
  request.subject = subject;
  const decision = precheck(subject, policy.resource, policy.action);
  if (decision === 'deny') throw forbidden(`Your role (${subject.roles.join(' and ')}) does not allow ${policy.action} on ${policy.resource}.`, policy.resource, policy.action);
  request.policyNeedsTarget = decision === 'target';
}

/**
 * A route open to nobody and to people: a session cookie, when sent, signs the person in (a full session, with the
 * CSRF check on changes); a session that ended, or still waits for its second factor, counts as nobody. An API
 * token is refused: what such a route does is for a person to decide.
 */
async function authoriseOptionalPerson(request: FastifyRequest, reply: FastifyReply, db: Kysely<Database>, sessions: SessionSettings): Promise<void> {
  if (request.headers.authorization !== undefined) throw forbidden('API tokens cannot do this: it is for a person to decide.', 'credentials', 'personOrNobody');
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (!cookie) return;
  const resolved = await resolveSession(db, sessions, cookie);
  if (!resolved) {
    clearSessionCookie(request, reply);
    return;
  }
  if (resolved.session.stage !== 'full') return;
  const principal: Principal = { via: 'session', user: resolved.user, session: resolved.session, token: cookie, csrfToken: csrfTokenOf(cookie) };
  if (!SAFE_METHODS.has(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameSecret(sent, principal.csrfToken))
      throw new RempartError('csrf_failed', `Send the session's CSRF token in the ${CSRF_HEADER} header (it comes with sign-in and GET /api/auth/me).`, [
        { path: `headers.${CSRF_HEADER}`, rule: 'csrf', value: null, message: 'missing or wrong' },
      ]);
  }
  request.principal = principal;
}

/** The rules that depend on the item (an activity owner's own activities), once the parameters are validated. */
async function authoriseTarget(request: FastifyRequest, db: Kysely<Database>): Promise<void> {
  if (!request.policyNeedsTarget) return;
  const policy = request.routeOptions.config!.policy as { resource: Resource; action: Action };
  const loader = TARGETS[policy.resource];
  const target = loader ? await loader(request, db) : undefined;
  if (target === undefined) throw new RempartError('not_found', `No such item in ${policy.resource}.`, [{ path: 'id', rule: 'exists', value: (request.params as { id?: string }).id ?? null, message: 'not found' }]);
  if (!can(subjectOf(request), policy.resource, policy.action, target))
    throw forbidden(`Your role (${subjectOf(request).roles.join(' and ')}) allows ${policy.action} on ${policy.resource} only for some items, not this one.`, policy.resource, policy.action);
}

/** Checks a route at registration: every /api route names a policy, and organisation policies have an `:org`. */
function checkRoute(route: RouteOptions): void {
  const url = route.url;
  if (!url.startsWith('/api')) return;
  if (isDocs(url)) return;
  const policy = route.config?.policy;
  if (!policy) throw new Error(`Route ${String(route.method)} ${url} has no access policy: add config.policy (see src/server/access.ts).`);
  if (!('access' in policy) && !url.includes(':org')) throw new Error(`Route ${String(route.method)} ${url} names a resource policy but has no :org parameter.`);
}

/** Documents the policy in the OpenAPI document: who may call the route, and how credentials are sent. */
function documentRoute(route: RouteOptions): void {
  const policy = route.config?.policy;
  if (!policy || !route.schema || (route.schema as { hide?: boolean }).hide) return;
  const schema = route.schema as Record<string, unknown>;
  const description = [schema.description, `**Access.** ${describePolicy(policy)}`].filter(Boolean).join('\n\n');
  const isPublic = 'access' in policy && policy.access === 'public';
  const security: Array<Record<string, string[]>> = isPublic ? [] : 'access' in policy && policy.access !== 'signedIn' ? [{ session: [] }] : [{ session: [] }, { bearer: [] }];
  route.schema = { ...schema, description, security };
}

/** The database to read credentials from, and the session settings to judge them by. */
export interface AccessOptions {
  db: Kysely<Database>;
  sessions: SessionSettings;
}

/** Installs the hooks on the app; call before any route is registered. */
export function installAccessControl(app: FastifyInstance, options: AccessOptions): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('membership', null);
  app.decorateRequest('subject', null);
  app.decorateRequest('creatingOrganisation', false);
  app.decorateRequest('policyNeedsTarget', false);
  const registry = new Map<string, RoutePolicy>();
  app.decorate('routePolicies', registry);
  app.addHook('onRoute', (route) => {
    checkRoute(route);
    documentRoute(route);
    const policy = route.config?.policy;
    if (policy) for (const method of [route.method].flat()) registry.set(`${method} ${route.url}`, policy);
  });
  app.addHook('onRequest', async (request, reply) => authorise(request, reply, options.db, options.sessions));
  app.addHook('preHandler', async (request) => authoriseTarget(request, options.db));
  // Last of the hooks: the handler and every named command it calls run as the caller, for the audit trail.
  app.addHook('preHandler', (request, _reply, done) => actAs(actingOf(request), done));
}
