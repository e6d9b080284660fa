// Signing in and out, who am I, password changes and second-factor enrolment.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { Email, type OrganisationCreation } from '../../model/account.js';
import { beginMfaEnrolment, changePassword, confirmMfaEnrolment, disableMfa } from '../../operations/accounts.js';
import { completeSignIn, signIn, signOut, signOutEverywhere, type IssuedSession, type RequestOrigin } from '../../operations/sessions.js';
import { AccountRepository } from '../../store/account-repository.js';
import type { Database } from '../../store/schema.js';
import { clearSessionCookie, mayCreateOrganisations, setSessionCookie, subjectFor, type Principal } from '../access.js';
import { abilities } from '../policies/index.js';
import { ERRORS } from './shared.js';
import { Me, MfaEnrolment, SignInResult } from '../../model/contract/access.js';

const tags = ['auth'];
/** Credentials are short: a small body limit keeps attempts cheap to refuse. */
const AUTH_BODY_LIMIT = 16 * 1024;

const Password = z.string().min(1).max(1024);
const Code = z.string().trim().min(6).max(32).meta({ description: 'The six digits of the authenticator app, or a recovery code (ABCDE-FGHJK)' });

function origin(request: FastifyRequest): RequestOrigin {
  return { ip: request.ip, userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null };
}

/** The principal a session just issued stands for. */
function principalOf(issued: IssuedSession, now: number): Principal {
  return {
    via: 'session',
    user: issued.user,
    session: { id: issued.sessionId, userId: issued.user.id, stage: issued.stage, createdAt: now, lastSeenAt: now, expiresAt: issued.expiresAt },
    token: issued.token,
    csrfToken: issued.csrfToken,
  };
}

function sessionPrincipal(request: FastifyRequest): Extract<Principal, { via: 'session' }> {
  const principal = request.principal;
  if (!principal || principal.via !== 'session') throw new Error('This route needs a session (its policy says so).');
  return principal;
}

/** The caller as the web app needs them: person, session or token, and per organisation their role and abilities. */
export async function describeCaller(
  db: Kysely<Database>,
  principal: Principal,
  idleMs: number,
  organisationCreation: OrganisationCreation,
): Promise<z.infer<typeof Me>> {
  const accounts = new AccountRepository(db);
  const memberships = principal.via === 'token' ? [principal.membership] : await accounts.membershipsOf(principal.user.id);
  return {
    via: principal.via,
    user: {
      id: principal.user.id,
      email: principal.user.email,
      displayName: principal.user.displayName,
      mfaEnabled: principal.user.mfaEnabled,
      passwordChangeRequired: principal.user.passwordMustChange,
      serverAdmin: principal.user.serverAdmin,
    },
    csrfToken: principal.via === 'session' ? principal.csrfToken : null,
    session:
      principal.via === 'session'
        ? {
            expiresAt: new Date(principal.session.expiresAt).toISOString(),
            idleExpiresAt: new Date(Math.min(principal.session.expiresAt, principal.session.lastSeenAt + idleMs)).toISOString(),
          }
        : null,
    token:
      principal.via === 'token'
        ? { id: principal.token.id, name: principal.token.name, org: principal.token.orgId, role: principal.token.role, expiresAt: principal.token.expiresAt }
        : null,
    memberships: memberships.map((membership) => ({
      org: { id: membership.orgId, name: membership.orgName },
      role: membership.role,
      displayName: membership.displayName,
      mfaRequired: principal.via === 'session' && membership.mfaRequiredRoles.includes(membership.role) && !principal.user.mfaEnabled,
      abilities: abilities(subjectFor(principal, membership)),
    })),
    canCreateOrganisations: await mayCreateOrganisations(db, principal, organisationCreation),
  };
}

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const { sessions, secretKey, signInPerMinute } = app.access;
  const attemptLimit = { max: signInPerMinute, timeWindow: '1 minute' };

  app.post(
    '/auth/sign-in',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      config: { policy: { access: 'public' }, rateLimit: attemptLimit },
      schema: {
        tags,
        summary: 'Sign in with e-mail and password',
        description:
          'Sets the HttpOnly session cookie (a new one: any previous session of this browser ends). With a second factor enrolled, the session can only call POST /api/auth/mfa until the code is given (`status: "mfaRequired"`). Failed attempts lock the account and the address for a growing time (429 with Retry-After).',
        body: z.object({ email: Email, password: Password }).strict(),
        response: { 200: SignInResult, ...ERRORS },
      },
    },
    async (request, reply) => {
      const issued = await signIn(app.db, sessions, { ...request.body, ...origin(request), previousToken: request.cookies.rempart_session });
      setSessionCookie(request, reply, issued, sessions.now());
      const expiresAt = new Date(issued.expiresAt).toISOString();
      if (issued.stage === 'mfa') return { status: 'mfaRequired' as const, csrfToken: issued.csrfToken, expiresAt };
      return {
        status: 'signedIn' as const,
        csrfToken: issued.csrfToken,
        expiresAt,
        me: await describeCaller(app.db, principalOf(issued, sessions.now()), sessions.idleMs, app.access.organisationCreation),
      };
    },
  );

  app.post(
    '/auth/mfa',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      config: { policy: { access: 'mfaStep' }, rateLimit: attemptLimit },
      schema: {
        tags,
        summary: 'Second step of sign-in: the code of the authenticator app, or a recovery code (each works once)',
        description: 'Replaces the waiting session by a full one (new cookie, new CSRF token). Wrong codes lock the account for a growing time.',
        body: z.object({ code: Code }).strict(),
        response: { 200: SignInResult, ...ERRORS },
      },
    },
    async (request, reply) => {
      const pending = sessionPrincipal(request);
      const issued = await completeSignIn(app.db, sessions, secretKey, { session: pending.session, user: pending.user }, request.body.code, origin(request));
      setSessionCookie(request, reply, issued, sessions.now());
      return {
        status: 'signedIn' as const,
        csrfToken: issued.csrfToken,
        expiresAt: new Date(issued.expiresAt).toISOString(),
        me: await describeCaller(app.db, principalOf(issued, sessions.now()), sessions.idleMs, app.access.organisationCreation),
        recoveryCodesLeft: issued.recoveryCodesLeft,
      };
    },
  );

  app.post(
    '/auth/sign-out',
    {
      config: { policy: { access: 'session', beforePasswordChange: true } },
      schema: { tags, summary: 'End this session', response: { 204: z.null(), ...ERRORS } },
    },
    async (request, reply) => {
      const principal = sessionPrincipal(request);
      await signOut(app.db, principal.session, principal.user, origin(request));
      clearSessionCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/sign-out-everywhere',
    {
      config: { policy: { access: 'person', beforePasswordChange: true } },
      schema: {
        tags,
        summary: 'End every session of this person, on every device, this one included (API tokens stay: revoke them separately)',
        response: { 200: z.object({ sessionsEnded: z.number() }), ...ERRORS },
      },
    },
    async (request, reply) => {
      const principal = sessionPrincipal(request);
      const sessionsEnded = await signOutEverywhere(app.db, principal.user, origin(request));
      clearSessionCookie(request, reply);
      return { sessionsEnded };
    },
  );

  app.get(
    '/auth/me',
    {
      config: { policy: { access: 'signedIn', beforePasswordChange: true } },
      schema: {
        tags,
        summary: 'Who is signed in: the person, the session’s CSRF token, and per organisation the role and what it allows',
        response: { 200: Me, ...ERRORS },
      },
    },
    async (request) => describeCaller(app.db, request.principal!, sessions.idleMs, app.access.organisationCreation),
  );

  app.post(
    '/auth/password',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      config: { policy: { access: 'person', beforePasswordChange: true }, rateLimit: attemptLimit },
      schema: {
        tags,
        summary: 'Change the password (12 to 256 characters, not a common password)',
        description: 'Ends every session of the person and opens a new one for this browser: use the new CSRF token.',
        body: z.object({ currentPassword: Password, newPassword: z.string().max(1024) }).strict(),
        response: { 200: z.object({ csrfToken: z.string(), expiresAt: z.string() }), ...ERRORS },
      },
    },
    async (request, reply) => {
      const principal = sessionPrincipal(request);
      const issued = await changePassword(app.db, sessions, principal.user, request.body, origin(request));
      setSessionCookie(request, reply, issued, sessions.now());
      return { csrfToken: issued.csrfToken, expiresAt: new Date(issued.expiresAt).toISOString() };
    },
  );

  app.post(
    '/auth/mfa/enrol',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      config: { policy: { access: 'person' } },
      schema: {
        tags,
        summary: 'Start enrolling an authenticator app: returns its secret, otpauth URI and QR code (confirm with a code)',
        response: {
          200: MfaEnrolment,
          ...ERRORS,
        },
      },
    },
    async (request) => beginMfaEnrolment(app.db, secretKey, sessionPrincipal(request).user),
  );

  app.post(
    '/auth/mfa/confirm',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      config: { policy: { access: 'person' }, rateLimit: attemptLimit },
      schema: {
        tags,
        summary: 'Turn the second factor on with a first code; returns ten one-time recovery codes, shown only this once',
        description: 'Every other session of the person ends.',
        body: z.object({ code: Code }).strict(),
        response: { 200: z.object({ recoveryCodes: z.array(z.string()) }), ...ERRORS },
      },
    },
    async (request) => {
      const principal = sessionPrincipal(request);
      return confirmMfaEnrolment(app.db, sessions, secretKey, principal.user, principal.session.id, request.body.code);
    },
  );

  app.post(
    '/auth/mfa/disable',
    {
      bodyLimit: AUTH_BODY_LIMIT,
      config: { policy: { access: 'person' }, rateLimit: attemptLimit },
      schema: {
        tags,
        summary: 'Turn the second factor off (password and a code needed; refused while an organisation requires it for your role)',
        body: z.object({ password: Password, code: Code }).strict(),
        response: { 204: z.null(), ...ERRORS },
      },
    },
    async (request, reply) => {
      await disableMfa(app.db, sessions, secretKey, sessionPrincipal(request).user, request.body, origin(request));
      return reply.code(204).send(null);
    },
  );
};
