// Access control for every route, in one place: each route declares its policy in `config.policy`, naming the kinds
// of caller it accepts; hooks here sign the request in (session cookie, API token, link token, public key), check
// CSRF, the organisation membership and the policy table, origins and CORS for widget routes, and set who is acting
// for the audit trail. A route under /api without a policy, or with an inconsistent one, cannot even be registered.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { RempartError } from '../errors.js';
import type { OrganisationCreation, Role } from '../model/account.js';
import { ROLES } from '../model/account.js';
import { CALLER_KINDS, canonicalOrigin, LINK_PURPOSES, originAllowed, PUBLIC_KEY_PREFIX, type CallerKind } from '../model/callers.js';
import { linkGone, parseLinkToken, resolveLinkToken, type LinkTokenRecord } from '../operations/link-tokens.js';
import { resolvePublicKey, type PublicKeyRecord } from '../operations/widget.js';
import { actAs, type ActingContext } from '../operations/actor.js';
import { resolveApiToken, resolveSession, csrfTokenOf, type IssuedSession, type SessionSettings } from '../operations/sessions.js';
import { CorrectiveActionRepository } from '../store/corrective-action-repository.js';
import { AccountRepository, type MembershipRecord, type SessionRecord, type TokenRecord, type UserRecord } from '../store/account-repository.js';
import { InvitationRepository } from '../store/invitation-repository.js';
import { ModelRepository, type OrganisationRecord } from '../store/model-repository.js';
import type { Database } from '../store/schema.js';
import { sameSecret } from '../security/crypto.js';
import { can, itemAbilities, listAbilities, POLICY, precheck, type Action, type Resource, type Subject } from './policies/index.js';

/** The session cookie's name, and the header carrying the session's CSRF token. */
export const SESSION_COOKIE = 'rempart_session';
export const CSRF_HEADER = 'x-csrf-token';
/** The header (or `?key=`) carrying an organisation's public widget key. */
export const PUBLIC_KEY_HEADER = 'x-rempart-key';

/**
 * What a route requires.
 * - `public`: nothing (health, sign-in, the OpenAPI document); no credentials are read;
 * - `signedIn`: a signed-in person or an API token;
 * - `person`: a signed-in person (never a token);
 * - `session`: any session of a person, also one still waiting for its second factor (sign-out);
 * - `mfaStep`: only a session waiting for its second factor;
 * - `personOrNobody`: nobody, or a signed-in person (a full session, with its CSRF token on changes), never an API
 *   token: the route decides what each may do (accepting an invitation);
 * - `link`: a link token of one of the purposes in `callers` (`Authorization: Bearer rmpl_…`), nothing else;
 * - `publicKey`: an organisation's public key from one of its origins (widget routes), nothing else: no cookie is
 *   read, no token accepted, and the answer carries CORS headers for that origin;
 * - `{resource, action}`: a member of the route's organisation (`:org`) whose role the policy table allows.
 *
 * `callers` names the kinds of caller the route accepts (see `CallerKind`); left out, it is what the access implies:
 * `signedIn` and `{resource, action}`: `['session', 'token']`; `person`, `session`, `mfaStep`: `['session']`;
 * `personOrNobody`: `['nobody', 'session']`; `publicKey`: `['publicKey']`. `link:<purpose>` adds link tokens of that
 * purpose (on `link` and `{resource, action}` routes from the Authorization header; on `personOrNobody` routes from the
 * path parameter `linkParam`, as invitation links are). Registration refuses a policy whose callers contradict it.
 * `keyParam` names the path parameter of a `publicKey` route that carries the key in its address (the public API
 * `/api/public/{key}/…`): there the key is the path's, and a header or `?key=` naming another is refused.
 * `beforePasswordChange` keeps a route open to someone who must first choose a new password.
 */
export type RoutePolicy =
  | {
      access: 'public' | 'signedIn' | 'person' | 'session' | 'mfaStep' | 'personOrNobody' | 'link' | 'publicKey';
      beforePasswordChange?: boolean;
      callers?: readonly CallerKind[];
      /** The path parameter carrying a link token (`personOrNobody` routes with a `link:<purpose>` caller). */
      linkParam?: string;
      /** The path parameter carrying the public key (`publicKey` routes whose address names the key: public APIs). */
      keyParam?: string;
    }
  | { resource: Resource; action: Action; createsOrganisation?: boolean; callers?: readonly CallerKind[] };

/**
 * The record of the organisation in the address as read with the caller's session or API token, when it was (a
 * member's requests): routes use it instead of reading the same row again.
 */
export function organisationReadWithCaller(request: FastifyRequest, orgId: string): OrganisationRecord | undefined {
  const organisation = request.principal?.organisation;
  return organisation?.id === orgId ? organisation : undefined;
}

/** Who sent the request. */
export type Principal =
  | {
      via: 'session';
      user: UserRecord;
      session: SessionRecord;
      csrfToken: string;
      token: string;
      /** The person's membership of the organisation in the address, read with the session (`null`: none). */
      membership?: MembershipRecord | null;
      /** That organisation's record, read in the same query. */
      organisation?: OrganisationRecord;
    }
  | { via: 'token'; user: UserRecord; token: TokenRecord; membership: MembershipRecord; organisation?: OrganisationRecord };

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
    /**
     * The link token the request carries, checked against the route's purposes and organisation: from the
     * Authorization header (its state checked: active), or from the path (`linkParam`: its state is the route's to report).
     */
    link: LinkTokenRecord | null;
    /** The organisation's public key, on widget routes, its origin checked. */
    publicKey: PublicKeyRecord | null;
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
  // The activity whose status changes on an incident's board: its owner may change it.
  incidentActivities: async (request, db) => {
    const { org, activity } = request.params as { org: string; activity?: string };
    return activity === undefined ? undefined : new ModelRepository(db).getEntity(org, 'activities', activity);
  },
  // The activity of a BIA campaign's task: its owner signs it off.
  biaTasks: async (request, db) => {
    const { org, activity } = request.params as { org: string; activity?: string };
    return activity === undefined ? undefined : new ModelRepository(db).getEntity(org, 'activities', activity);
  },
  // The corrective action as stored: its owner may update it.
  correctiveActions: async (request, db) => {
    const { org, action } = request.params as { org: string; action?: string };
    return action && UUID.test(action) ? new CorrectiveActionRepository(db).get(org, action) : undefined;
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
  return new RempartError('not_found', `No organisation with id "${orgId}".`, [
    { path: 'id', rule: 'exists', value: orgId, message: `no organisation "${orgId}"` },
  ]);
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

/** Who acts, for the audit trail: the person, the token (and whose it is), the holder of a link, a widget, or nobody yet. */
export function actingOf(request: FastifyRequest): ActingContext {
  const principal = request.principal;
  if (!principal && request.link)
    return { actor: { type: 'link', id: request.link.id, label: `link:${request.link.purpose} ${request.link.subject}` }, source: request.ip ?? null };
  if (!principal && request.publicKey)
    return {
      actor: { type: 'anonymous', id: null, label: `widget (public key ${request.publicKey.label}, ${request.headers.origin ?? 'no origin'})`.slice(0, 300) },
      source: request.ip ?? null,
    };
  if (!principal) return { actor: { type: 'anonymous', id: null, label: 'anonymous' }, source: request.ip ?? null };
  if (principal.via === 'token')
    return {
      actor: { type: 'token', id: principal.token.id, label: `${principal.token.name} (token of ${principal.user.email})` },
      source: request.ip ?? null,
    };
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
export function withAbilities<T extends object>(
  request: FastifyRequest,
  resource: Resource,
  item: T,
  target: unknown = item,
): T & { abilities: Record<string, boolean> } {
  return { ...item, abilities: itemAbilities(subjectOf(request), resource, target) };
}

/** What the caller may do on a list (add, import). */
export function collectionAbilities(request: FastifyRequest, resource: Resource): Record<string, boolean> {
  return listAbilities(subjectOf(request), resource);
}

/** The roles a policy lets in, for the API reference. */
function describePolicy(policy: RoutePolicy): string {
  if ('access' in policy && policy.access === 'publicKey' && policy.keyParam)
    return `An organisation’s public key in the address (\`{${policy.keyParam}}\`), from one of its allowed origins (\`Origin\`, exact match); no cookie is read and no token accepted. Answers carry \`Access-Control-Allow-Origin\` for that origin (never \`*\`, never credentials); \`OPTIONS\` answers the preflight.`;
  if ('access' in policy)
    return {
      public: 'Public.',
      signedIn: 'Any signed-in person or API token.',
      person: 'A signed-in person (not an API token).',
      session: 'A session cookie, also one waiting for its second factor.',
      mfaStep: 'A session waiting for its second factor.',
      personOrNobody: 'Public, or a signed-in person (session cookie and CSRF token); not an API token.',
      link: 'A link token (`Authorization: Bearer rmpl_…`) of the purpose below; nothing else.',
      publicKey:
        'An organisation’s public key (`x-rempart-key` header or `?key=`) sent from one of its allowed origins (`Origin`, exact match); no cookie is read and no token accepted. Answers carry `Access-Control-Allow-Origin` for that origin (never `*`, never credentials); `OPTIONS` answers the preflight.',
    }[policy.access];
  const roles = ROLES.map((role) => {
    const subject: Subject = { userId: '', email: '', memberName: '', via: 'session', roles: [role] };
    const decision = precheck(subject, policy.resource, policy.action);
    if (decision === 'deny') return undefined;
    if (decision === 'allow') return role;
    const labels = POLICY.filter(
      (rule) => rule.when && rule.roles.includes(role) && rule.resources.includes(policy.resource) && rule.actions.includes(policy.action),
    ).map((rule) => rule.when!.label);
    return `${role} (${labels.join(', ')})`;
  }).filter(Boolean);
  const viaToken = precheck({ userId: '', email: '', memberName: '', via: 'token', roles: ['owner'] }, policy.resource, policy.action) === 'deny';
  return `Roles: ${roles.length > 0 ? roles.join(', ') : 'none'} (\`${policy.resource}:${policy.action}\`)${viaToken && roles.length > 0 ? '; signed-in people only, never an API token' : ''}.`;
}

const CALLER_LABELS: Record<string, string> = {
  nobody: 'nobody (no credentials)',
  session: 'a person’s session',
  token: 'an API token',
  publicKey: 'an organisation’s public key',
};

/** The kinds of caller a route accepts: its `callers`, or what its access implies. */
export function callersOf(policy: RoutePolicy): readonly CallerKind[] {
  if (policy.callers) return policy.callers;
  if (!('access' in policy)) return ['session', 'token'];
  switch (policy.access) {
    case 'public':
      return ['nobody'];
    case 'signedIn':
      return ['session', 'token'];
    case 'personOrNobody':
      return ['nobody', 'session'];
    case 'publicKey':
      return ['publicKey'];
    case 'link':
      return [];
    default:
      return ['session'];
  }
}

/** The link purposes a route accepts (`link:<purpose>` callers). */
function linkPurposes(policy: RoutePolicy): string[] {
  return callersOf(policy)
    .filter((caller) => caller.startsWith('link:'))
    .map((caller) => caller.slice('link:'.length));
}

/** The callers, for the API reference. */
function describeCallers(policy: RoutePolicy): string {
  if ('access' in policy && policy.access === 'public') return 'anyone: no credentials are read';
  return callersOf(policy)
    .map((caller) => {
      if (!caller.startsWith('link:')) return CALLER_LABELS[caller];
      const where = 'linkParam' in policy && policy.linkParam ? `in the path (\`{${policy.linkParam}}\`)` : 'as `Authorization: Bearer rmpl_…`';
      return `a link token of purpose \`${caller.slice(5)}\` ${where}`;
    })
    .join(', ');
}

function wrongCaller(message: string, kind: string): RempartError {
  return new RempartError('forbidden', message, [{ path: 'credentials', rule: 'caller', value: kind, message }]);
}

/** The credentials a request carries, read without any lookup: what kind of caller it claims to be. */
function presented(request: FastifyRequest): { linkHeader?: string; publicKey?: string; publicKeyConflict: boolean } {
  const header = request.headers.authorization;
  const bearer = typeof header === 'string' ? /^Bearer +([^\s]+)$/i.exec(header)?.[1] : undefined;
  const fromHeader = request.headers[PUBLIC_KEY_HEADER];
  const fromQuery = (request.query as { key?: unknown } | undefined)?.key;
  const headerKey = typeof fromHeader === 'string' ? fromHeader : Array.isArray(fromHeader) ? fromHeader.join(',') : undefined;
  // `?key=` is a public key on widget routes; elsewhere only when it looks like one (a route may have its own `key`).
  const policy = request.routeOptions.config?.policy;
  const widgetRoute = policy !== undefined && 'access' in policy && policy.access === 'publicKey';
  const queryKey = typeof fromQuery === 'string' && (widgetRoute || fromQuery.startsWith(PUBLIC_KEY_PREFIX)) ? fromQuery : undefined;
  const keyParam = widgetRoute && 'keyParam' in policy ? policy.keyParam : undefined;
  if (keyParam) {
    const pathKey = (request.params as Record<string, unknown> | undefined)?.[keyParam];
    const given = typeof pathKey === 'string' ? pathKey : '';
    return {
      linkHeader: bearer?.startsWith('rmpl_') ? bearer : undefined,
      publicKey: given,
      publicKeyConflict: (headerKey !== undefined && headerKey !== given) || (queryKey !== undefined && queryKey !== given),
    };
  }
  return {
    linkHeader: bearer?.startsWith('rmpl_') ? bearer : undefined,
    publicKey: headerKey ?? queryKey,
    publicKeyConflict: headerKey !== undefined && queryKey !== undefined && headerKey !== queryKey,
  };
}

/**
 * Signs a link token in from the Authorization header, on a route that accepts links of its purpose: unknown 401,
 * another purpose 403 (rule `purpose`), another organisation's route 404, expired, revoked or used up 410.
 */
async function authoriseLink(request: FastifyRequest, db: Kysely<Database>, sessions: SessionSettings, policy: RoutePolicy, text: string): Promise<void> {
  const now = sessions.now();
  const resolved = await resolveLinkToken(db, text, now);
  if (!resolved) throw unauthenticated('The link token is unknown: check the link you opened.', 'link');
  const { link, state } = resolved;
  const purposes = linkPurposes(policy);
  if (!purposes.includes(link.purpose))
    throw new RempartError('forbidden', `This link is for ${link.purpose}, not for this.`, [
      { path: 'credentials', rule: 'purpose', value: link.purpose, message: `a link for ${purposes.join(' or ')}` },
    ]);
  const orgId = (request.params as { org?: unknown }).org;
  if (orgId !== undefined && orgId !== link.orgId) throw organisationNotFound(typeof orgId === 'string' ? orgId.slice(0, 200) : '');
  if (state !== 'active') throw linkGone(state);
  request.link = link;
}

/**
 * A link in the path (`linkParam`): checked against the route's purposes (403, rule `purpose`); an unknown one, and
 * the state of a known one, are the route's to report (the address names a thing: 404 when nothing, its state shown).
 * Text that cannot be a link is left to the route's schema (400).
 */
async function authorisePathLink(
  request: FastifyRequest,
  db: Kysely<Database>,
  sessions: SessionSettings,
  policy: RoutePolicy & { linkParam?: string },
): Promise<void> {
  const text = (request.params as Record<string, unknown>)[policy.linkParam!];
  if (typeof text !== 'string' || !parseLinkToken(text, { prefix: 'optional' })) return;
  const resolved = await resolveLinkToken(db, text, sessions.now(), { prefix: 'optional' });
  if (!resolved) return;
  const purposes = linkPurposes(policy);
  if (!purposes.includes(resolved.link.purpose))
    throw new RempartError('forbidden', `This link is for ${resolved.link.purpose}, not for this.`, [
      { path: `params.${policy.linkParam}`, rule: 'purpose', value: resolved.link.purpose, message: `a link for ${purposes.join(' or ')}` },
    ]);
  request.link = resolved.link;
}

/**
 * This server's own origin, for a request a browser marks as coming from one of its pages: browsers send no Origin on
 * a same-origin GET (the full-page chat's handshake), and `Sec-Fetch-Site` is a header no page can set. Anything else
 * without an Origin stays without one, and is refused.
 */
function sameOrigin(request: FastifyRequest): string | undefined {
  if (request.headers['sec-fetch-site'] !== 'same-origin' || typeof request.host !== 'string') return undefined;
  return canonicalOrigin(`${request.protocol}://${request.host}`);
}

/**
 * A widget's request: the organisation's public key (header or `?key=`), from one of the key's origins. No cookie is
 * read and no Authorization accepted; the answer names that origin in Access-Control-Allow-Origin, never `*`, and
 * never allows credentials.
 */
async function authorisePublicKey(
  request: FastifyRequest,
  reply: FastifyReply,
  db: Kysely<Database>,
  credentials: ReturnType<typeof presented>,
  sessions: SessionSettings,
): Promise<void> {
  void reply.header('vary', 'Origin');
  if (request.headers.authorization !== undefined)
    throw wrongCaller('Widget routes take an organisation’s public key only: no API token, no link token.', 'authorization');
  if (credentials.publicKeyConflict)
    throw new RempartError('invalid_input', `Send the public key once: the ${PUBLIC_KEY_HEADER} header and ?key= differ.`, [
      { path: 'query.key', rule: 'one_key', value: null, message: 'one key' },
    ]);
  if (credentials.publicKey === undefined) throw unauthenticated(`Send the organisation’s public key: the ${PUBLIC_KEY_HEADER} header or ?key=.`, 'public_key');
  const record = await resolvePublicKey(db, credentials.publicKey, { ms: sessions.callerCacheMs ?? 0, now: sessions.now() });
  if (!record) throw unauthenticated('The public key is unknown or revoked.', 'public_key');
  const origin = request.headers.origin ?? sameOrigin(request);
  if (!originAllowed(origin, record.origins))
    throw new RempartError(
      'forbidden',
      origin === undefined ? 'Widget requests come from a web page: the Origin header is missing.' : 'This public key is not allowed from this origin.',
      [
        {
          path: 'headers.origin',
          rule: 'origin',
          value: typeof origin === 'string' ? origin.slice(0, 200) : null,
          message: 'one of the key’s allowed origins',
        },
      ],
    );
  void reply.header('access-control-allow-origin', origin).header('cross-origin-resource-policy', 'cross-origin');
  request.publicKey = record;
}

/**
 * Answers the CORS preflight (`OPTIONS`) of a widget route: `Access-Control-Allow-Origin` is the request's origin when
 * it is a well-formed one (and, when `?key=` names the key, one of its origins), never `*` and never with credentials.
 * The preflight cannot carry the header key, so the actual request is checked again in full.
 */
export function publicKeyPreflight(app: FastifyInstance, url: string, methods: readonly string[], keyParam?: string): void {
  app.options(url, { schema: { hide: true }, config: { policy: { access: 'public' } } }, async (request, reply) => {
    void reply.header('vary', 'Origin');
    const origin = request.headers.origin;
    const key = keyParam ? (request.params as Record<string, unknown>)[keyParam] : (request.query as { key?: unknown }).key;
    let allowed = typeof origin === 'string' && origin !== 'null' && canonicalOrigin(origin) === origin;
    if (allowed && typeof key === 'string') {
      const record = await resolvePublicKey(request.server.db, key);
      allowed = record !== undefined && originAllowed(origin, record.origins);
    }
    if (!allowed)
      throw new RempartError('forbidden', 'This origin may not call this route.', [
        { path: 'headers.origin', rule: 'origin', value: typeof origin === 'string' ? origin.slice(0, 200) : null, message: 'an allowed origin' },
      ]);
    return (
      reply
        .header('access-control-allow-origin', origin)
        .header('access-control-allow-methods', [...methods, 'OPTIONS'].join(', '))
        // A key in the address needs no header of its own; the JSON body's content type does.
        .header('access-control-allow-headers', keyParam ? 'content-type' : PUBLIC_KEY_HEADER)
        .header('access-control-max-age', '600')
        .code(204)
        .send()
    );
  });
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
    const resolved = await resolveApiToken(db, sessions.now(), match[1], sessions.callerCacheMs);
    if (!resolved) throw unauthenticated('The API token is unknown, expired or revoked.', 'token');
    return { via: 'token', ...resolved };
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (!cookie) return null;
  const orgId = (request.params as { org?: unknown } | undefined)?.org;
  const resolved = await resolveSession(db, sessions, cookie, typeof orgId === 'string' && ORG_ID.test(orgId) ? orgId : undefined);
  if (!resolved) {
    clearSessionCookie(request, reply);
    throw unauthenticated('Your session has ended: sign in again.', 'session');
  }
  return {
    via: 'session',
    user: resolved.user,
    session: resolved.session,
    token: cookie,
    csrfToken: csrfTokenOf(cookie),
    membership: resolved.membership,
    organisation: resolved.organisation,
  };
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
  const credentials = presented(request);
  const access = 'access' in policy ? policy.access : undefined;
  // Each kind of credential opens only the routes that name it; told apart by its form, before any lookup.
  if (access === 'publicKey') return authorisePublicKey(request, reply, db, credentials, sessions);
  if (credentials.publicKey !== undefined) throw wrongCaller('A public key opens the widget’s routes only.', 'publicKey');
  const headerLinks = linkPurposes(policy).length > 0 && !('linkParam' in policy && policy.linkParam);
  if (credentials.linkHeader !== undefined) {
    if (!headerLinks) throw wrongCaller('A link token opens only the routes of its purpose; this is not one of them.', 'link');
    return authoriseLink(request, db, sessions, policy, credentials.linkHeader);
  }
  if (access === 'link') throw unauthenticated('Open the link you were sent: this route takes a link token (Authorization: Bearer rmpl_…).', 'link');
  if (access === 'personOrNobody') {
    if (callersOf(policy).includes('session')) await authoriseOptionalPerson(request, reply, db, sessions);
    else if (request.headers.authorization !== undefined) throw wrongCaller('This route takes no Authorization header.', 'authorization');
    if ('linkParam' in policy && policy.linkParam) await authorisePathLink(request, db, sessions, policy);
    return;
  }

  const principal = await authenticate(request, reply, db, sessions);
  if (!principal) throw unauthenticated('Sign in, or send an API token as "Authorization: Bearer <token>".');
  request.principal = principal;
  // The route's callers decide which of the two kinds it takes.
  if (principal.via === 'token' && !callersOf(policy).includes('token'))
    throw forbidden('API tokens cannot do this: sign in as a person.', 'credentials', access ?? 'token');
  if (principal.via === 'session' && !callersOf(policy).includes('session'))
    throw wrongCaller('This route is not for signed-in people: it takes an API token.', 'session');

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
    if (waiting && access !== 'mfaStep' && access !== 'session')
      throw unauthenticated('Enter the code of your second factor first (POST /api/auth/mfa).', 'mfa_pending');
    if (!waiting && principal.user.passwordMustChange && !('access' in policy && policy.beforePasswordChange))
      throw new RempartError('password_change_required', 'Choose a new password first (POST /api/auth/password): the current one was set by someone else.');
  }

  if ('access' in policy) {
    if (policy.access === 'signedIn') return;
    if (principal.via !== 'session') throw forbidden('API tokens cannot do this: sign in as a person.', 'credentials', policy.access);
    if (policy.access === 'mfaStep' && principal.session.stage !== 'mfa')
      throw new RempartError('conflict', 'No second-factor step is waiting: you are signed in already.');
    return;
  }

  const orgId = (request.params as { org?: unknown }).org;
  if (typeof orgId !== 'string' || !ORG_ID.test(orgId))
    throw new RempartError('invalid_input', 'The organisation id in the address is invalid.', [
      { path: 'params.org', rule: 'format', value: typeof orgId === 'string' ? orgId.slice(0, 200) : null, message: 'letters, digits, ".", "_" or "-"' },
    ]);
  let membership: MembershipRecord | undefined;
  if (principal.via === 'token') membership = principal.token.orgId === orgId ? principal.membership : undefined;
  else if (principal.membership !== undefined) membership = principal.membership ?? undefined;
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
    throw new RempartError(
      'mfa_required',
      `${membership.orgName} requires a second factor for your role (${membership.role}): enrol one (POST /api/auth/mfa/enrol, then /confirm) to go on.`,
      [{ path: 'organisation', rule: 'mfa_required', value: orgId, message: 'enrol a second factor' }],
    );
  const subject = subjectFor(principal, membership);
  request.membership = membership;
  request.subject = subject;
  const decision = precheck(subject, policy.resource, policy.action);
  if (decision === 'deny')
    throw forbidden(
      `${whoseRole(subject, (one) => precheck(one, policy.resource, policy.action) !== 'deny')} does not allow ${policy.action} on ${policy.resource}.`,
      policy.resource,
      policy.action,
    );
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

/**
 * Whose role a refusal is about. A token acts within its own role and its creator's role of today: naming both as
 * "your role (auditor and owner)" read as if the caller had two roles.
 */
function whoseRole(subject: Subject, allows: (subject: Subject) => boolean): string {
  if (subject.via !== 'token') return `Your role (${subject.roles[0]})`;
  const [token, creator] = subject.roles;
  // The one that refuses: the token's own role, or its creator's role today (a creator demoted since).
  return creator === undefined || !allows({ ...subject, roles: [token] })
    ? `This API token's role (${token})`
    : `The role of this API token's creator (${creator})`;
}

/** The rules that depend on the item (an activity owner's own activities), once the parameters are validated. */
async function authoriseTarget(request: FastifyRequest, db: Kysely<Database>): Promise<void> {
  if (!request.policyNeedsTarget) return;
  const policy = request.routeOptions.config!.policy as { resource: Resource; action: Action };
  const loader = TARGETS[policy.resource];
  const target = loader ? await loader(request, db) : undefined;
  if (target === undefined)
    throw new RempartError('not_found', `No such item in ${policy.resource}.`, [
      { path: 'id', rule: 'exists', value: (request.params as { id?: string }).id ?? null, message: 'not found' },
    ]);
  if (!can(subjectOf(request), policy.resource, policy.action, target))
    throw forbidden(
      `${whoseRole(subjectOf(request), (one) => can(one, policy.resource, policy.action, target))} allows ${policy.action} on ${policy.resource} only for some items, not this one.`,
      policy.resource,
      policy.action,
    );
}

/** What each access admits in `callers` (links: any `link:<purpose>`). */
const ADMITTED: Record<string, { kinds: readonly CallerKind[]; links: boolean }> = {
  signedIn: { kinds: ['session', 'token'], links: false },
  person: { kinds: ['session'], links: false },
  session: { kinds: ['session'], links: false },
  mfaStep: { kinds: ['session'], links: false },
  personOrNobody: { kinds: ['nobody', 'session'], links: true },
  link: { kinds: [], links: true },
  publicKey: { kinds: ['publicKey'], links: false },
  resource: { kinds: ['session', 'token'], links: true },
};

/** Why a policy contradicts itself or its route; undefined when it holds together. */
export function policyProblem(policy: RoutePolicy, url: string): string | undefined {
  const access = 'access' in policy ? policy.access : 'resource';
  const linkParam = 'linkParam' in policy ? policy.linkParam : undefined;
  if (!('access' in policy) && !url.includes(':org')) return 'names a resource policy but has no :org parameter';
  if (access === 'public') return policy.callers || linkParam ? 'is public: it reads no credentials, so it names no callers' : undefined;
  const callers = policy.callers;
  if (callers !== undefined) {
    if (callers.length === 0) return 'accepts no caller at all';
    if (new Set(callers).size !== callers.length) return 'names a caller twice';
    for (const caller of callers) {
      if (!CALLER_KINDS.includes(caller))
        return `names an unknown caller "${caller}" (known: ${CALLER_KINDS.join(', ')}; link purposes: ${LINK_PURPOSES.join(', ')})`;
      const admitted = ADMITTED[access];
      if (caller.startsWith('link:') ? !admitted.links : !admitted.kinds.includes(caller))
        return caller === 'publicKey'
          ? 'accepts public keys, which only `access: "publicKey"` routes do (no cookie, no token there)'
          : `accepts "${caller}", which \`${access}\` does not admit`;
    }
  }
  if (access === 'link' && linkPurposes(policy).length === 0) return 'is for link tokens but names no `link:<purpose>` caller';
  if (access === 'publicKey' && url.includes(':org')) return 'is a widget route under an organisation: the organisation is the public key’s';
  const keyParam = 'keyParam' in policy ? policy.keyParam : undefined;
  if (keyParam !== undefined) {
    if (access !== 'publicKey') return '`keyParam` is for publicKey routes';
    if (!new RegExp(`/:${keyParam}(/|$)`).test(url)) return `names \`keyParam: "${keyParam}"\` but has no :${keyParam} parameter`;
  }
  if (access === 'personOrNobody' && linkPurposes(policy).length > 0 && !linkParam)
    return 'takes link tokens on a route that refuses the Authorization header: name the path parameter (`linkParam`)';
  if (linkParam !== undefined) {
    if (access !== 'personOrNobody') return '`linkParam` is for personOrNobody routes (elsewhere links come in the Authorization header)';
    if (linkPurposes(policy).length === 0) return 'names `linkParam` but accepts no `link:<purpose>` caller';
    if (!new RegExp(`/:${linkParam}(/|$)`).test(url)) return `names \`linkParam: "${linkParam}"\` but has no :${linkParam} parameter`;
  }
  return undefined;
}

/** Checks a route at registration: every /api route names a policy, and it holds together (see `policyProblem`). */
function checkRoute(route: RouteOptions): void {
  const url = route.url;
  if (!url.startsWith('/api')) return;
  if (isDocs(url)) return;
  const policy = route.config?.policy;
  if (!policy) throw new Error(`Route ${String(route.method)} ${url} has no access policy: add config.policy (see src/server/access.ts).`);
  const problem = policyProblem(policy, url);
  if (problem) throw new Error(`Route ${String(route.method)} ${url} has an inconsistent access policy: it ${problem}.`);
}

/** Documents the policy in the OpenAPI document: who may call the route, and how credentials are sent. */
function documentRoute(route: RouteOptions): void {
  const policy = route.config?.policy;
  if (!policy || !route.schema || (route.schema as { hide?: boolean }).hide) return;
  const schema = route.schema as Record<string, unknown>;
  const description = [schema.description, `**Access.** ${describePolicy(policy)}`, `**Callers.** ${describeCallers(policy)}.`].filter(Boolean).join('\n\n');
  const isPublic = 'access' in policy && policy.access === 'public';
  const linkParam = 'linkParam' in policy ? policy.linkParam : undefined;
  // One alternative per accepted caller; `{}` (no credentials) where nobody is accepted too.
  const security: Array<Record<string, string[]>> = isPublic
    ? []
    : [
        ...new Map(
          callersOf(policy).flatMap((caller): Array<[string, Record<string, string[]>]> => {
            if (caller === 'nobody') return [['nobody', {}]];
            if (caller === 'session') return [['session', { session: [] }]];
            if (caller === 'token') return [['token', { bearer: [] }]];
            if (caller === 'publicKey' && 'keyParam' in policy && policy.keyParam) return [['publicKeyPath', {}]];
            if (caller === 'publicKey')
              return [
                ['publicKey', { publicKey: [] }],
                ['publicKeyQuery', { publicKeyQuery: [] }],
              ];
            return linkParam ? [] : [['link', { link: [] }]];
          }),
        ).values(),
      ];
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
  app.decorateRequest('link', null);
  app.decorateRequest('publicKey', null);
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
  app.addHook('preHandler', (request, _reply, done) => actAs({ ...actingOf(request), log: (message, data) => request.log.info(data, message) }, done));
}
