// Invitations: an organisation lists and withdraws its open ones; the invited person reads one and accepts it
// (a new account chooses its password; an existing account accepts signed in as itself).
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DisplayName } from '../../model/account.js';
import { InvitationAccepted, InvitationList, InvitationView } from '../../model/contract/access.js';
import { Id } from '../../model/organisation.js';
import {
  acceptInvitation,
  findInvitation,
  INVITATION_TOKEN_PATTERN,
  invitationStatus,
  listInvitations,
  revokeInvitation,
} from '../../operations/invitations.js';
import { collectionAbilities, setSessionCookie, withAbilities } from '../access.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['access'];
/** A secret is short: a small body limit keeps refusals cheap. */
const BODY_LIMIT = 16 * 1024;

/** The invitation's secret as it may appear in a path: anything else is refused before any lookup. */
const Token = z.string().max(200).regex(INVITATION_TOKEN_PATTERN, { message: 'an invitation secret: <organisation>.<43 characters>' });
const TokenParams = z.object({ token: Token });
/** Nobody or a signed-in person, holding an invitation's link token in the path (a link of another purpose: 403). */
const INVITATION_LINK = { access: 'personOrNobody', callers: ['nobody', 'session', 'link:invitation'], linkParam: 'token' } as const;
const InvitationParams = z.object({ org: Id, invitation: z.uuid() });

/**
 * The address to hand over: this server's invitation page with the secret after `#`, so that it never reaches a
 * server (no access log, no Referer, no proxy keeps it).
 */
export function invitationLink(request: FastifyRequest, token: string): string {
  return `${request.protocol}://${request.host}/invitation#${token}`;
}

export const invitationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { sessions, signInPerMinute } = app.access;
  const attemptLimit = { max: signInPerMinute, timeWindow: '1 minute' };
  const origin = (request: FastifyRequest) => ({
    ip: request.ip,
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
  });

  app.get(
    '/orgs/:org/invitations',
    {
      config: { policy: { resource: 'invitations', action: 'read' } },
      schema: {
        tags,
        summary: 'Invitations not yet accepted nor withdrawn (expired ones too), newest first; never their secrets',
        params: OrgParams,
        response: { 200: InvitationList, ...ERRORS },
      },
    },
    async (request) => ({
      items: (await listInvitations(app.db, request.params.org, sessions.now())).map((invitation) =>
        withAbilities(request, 'invitations', invitation, { role: invitation.role }),
      ),
      abilities: { ...collectionAbilities(request, 'members') },
    }),
  );

  app.delete(
    '/orgs/:org/invitations/:invitation',
    {
      config: { policy: { resource: 'invitations', action: 'delete' } },
      schema: {
        tags,
        summary: 'Withdraw an invitation: its link stops working at once (an accepted one cannot be withdrawn: remove the member)',
        params: InvitationParams,
        response: { 204: z.null(), ...ERRORS },
      },
    },
    async (request, reply) => {
      await revokeInvitation(app.db, request.params.org, request.params.invitation, sessions.now());
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/invitations/:token',
    {
      // The secret is in the path: requests here are not logged (the web page sends it from the link's fragment).
      logLevel: 'warn',
      config: { policy: INVITATION_LINK, rateLimit: attemptLimit },
      schema: {
        tags,
        summary: 'What an invitation offers: organisation, role, address, expiry and status',
        description: 'For the person holding the link. Says nothing about whether the address has an account.',
        params: TokenParams,
        response: { 200: InvitationView, ...ERRORS },
      },
    },
    async (request) => {
      const record = await findInvitation(app.db, request.params.token);
      return {
        organisation: { id: record.orgId, name: record.orgName },
        email: record.email,
        role: record.role,
        expiresAt: record.expiresAt,
        status: invitationStatus(record, sessions.now()),
        signedInAs: request.principal?.user.email ?? null,
      };
    },
  );

  app.post(
    '/invitations/:token/accept',
    {
      logLevel: 'warn',
      bodyLimit: BODY_LIMIT,
      config: { policy: INVITATION_LINK, rateLimit: attemptLimit },
      schema: {
        tags,
        summary: 'Accept an invitation: signed in as the invited address, or, without an account, choosing a password',
        description:
          'Signed in (session cookie and x-csrf-token) as the invited address: joins with the invited role; signed in as anyone else: 403. ' +
          'Not signed in: `password` (12 to 256 characters, not a common one) creates the account, joins and signs it in (session cookie); ' +
          'when the address already has an account: 409, sign in as it first. An invitation works once, until it expires or is withdrawn (409 otherwise).',
        params: TokenParams,
        // Signed in, nothing needs to be sent: no body at all is an empty one.
        body: z.preprocess((body) => body ?? {}, z.object({ password: z.string().max(1024).optional(), displayName: DisplayName.optional() }).strict()),
        response: { 200: InvitationAccepted, ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = request.principal?.via === 'session' ? request.principal.user : null;
      const accepted = await acceptInvitation(app.db, sessions, request.params.token, caller, request.body, origin(request));
      if (accepted.issued) setSessionCookie(request, reply, accepted.issued, sessions.now());
      return {
        organisation: { id: accepted.invitation.orgId, name: accepted.invitation.orgName },
        role: accepted.invitation.role,
        email: accepted.user.email,
        accountCreated: accepted.issued !== undefined,
        csrfToken: accepted.issued?.csrfToken ?? (request.principal?.via === 'session' ? request.principal.csrfToken : null),
      };
    },
  );
};
