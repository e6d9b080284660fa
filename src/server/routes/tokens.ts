// API tokens of an organisation, for automation: created by a signed-in person, shown once, listed without secret, revoked.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RempartError } from '../../errors.js';
import { Role } from '../../model/account.js';
import { ApiTokenCreated, ApiTokenList, type ApiToken } from '../../model/contract/access.js';
import { Id } from '../../model/organisation.js';
import { createApiToken, listApiTokens, revokeApiToken, tokenView } from '../../operations/members.js';
import type { TokenRecord } from '../../store/account-repository.js';
import { collectionAbilities, subjectOf, withAbilities } from '../access.js';
import { roleWithin } from '../policies/index.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['access'];
const TokenParams = z.object({ org: Id, token: z.uuid() });

export const tokenRoutes: FastifyPluginAsyncZod = async (app) => {
  const now = () => app.access.sessions.now();
  /** The declared view only: the stored record also knows its organisation, which the URL already says. */
  const present = (request: Parameters<typeof withAbilities>[0], token: TokenRecord): ApiToken => {
    const { id, name, role, createdBy, createdAt, expiresAt, lastUsedAt, revokedAt, status } = tokenView(token, now());
    return withAbilities(request, 'tokens', { id, name, role, createdBy, createdAt, expiresAt, lastUsedAt, revokedAt, status });
  };

  app.get(
    '/orgs/:org/tokens',
    {
      config: { policy: { resource: 'tokens', action: 'read' } },
      schema: { tags, summary: 'API tokens of the organisation (never their secret)', params: OrgParams, response: { 200: ApiTokenList, ...ERRORS } },
    },
    async (request) => ({
      items: (await listApiTokens(app.db, request.params.org)).map((token) => present(request, token)),
      abilities: collectionAbilities(request, 'tokens'),
    }),
  );

  app.post(
    '/orgs/:org/tokens',
    {
      config: { policy: { resource: 'tokens', action: 'create' } },
      schema: {
        tags,
        summary: 'Create an API token; its secret is in this answer only',
        description:
          'Send it as `Authorization: Bearer <token>`. It acts with its role in this organisation only, never beyond what its creator may do today, and stops at `expiresAt`, at revocation, or when its creator leaves.',
        params: OrgParams,
        body: z
          .object({
            name: z.string().trim().min(1).max(100),
            role: Role,
            expiresInDays: z.number().int().min(1).max(366).default(90),
          })
          .strict(),
        response: { 201: ApiTokenCreated, ...ERRORS },
      },
    },
    async (request, reply) => {
      const creatorRole = request.membership!.role;
      if (!roleWithin(request.body.role, creatorRole))
        throw new RempartError('forbidden', `A token cannot do more than its creator: your role (${creatorRole}) does not cover ${request.body.role}.`, [
          { path: 'body.role', rule: 'above_creator', value: request.body.role, message: `at most what ${creatorRole} may do` },
        ]);
      const created = await createApiToken(app.db, request.params.org, subjectOf(request).userId, request.body, now());
      return reply.code(201).send({ ...present(request, created.token), token: created.secret });
    },
  );

  app.delete(
    '/orgs/:org/tokens/:token',
    {
      config: { policy: { resource: 'tokens', action: 'delete' } },
      schema: { tags, summary: 'Revoke an API token (at once, on every server)', params: TokenParams, response: { 204: z.null(), ...ERRORS } },
    },
    async (request, reply) => {
      await revokeApiToken(app.db, request.params.org, request.params.token);
      return reply.code(204).send(null);
    },
  );
};
