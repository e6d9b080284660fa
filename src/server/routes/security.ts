// An organisation's security settings: which roles must sign in with a second factor.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SecuritySettings } from '../../model/account.js';
import { SecurityView } from '../../model/contract/access.js';
import { readSecurity, updateSecurity } from '../../operations/members.js';
import { withAbilities } from '../access.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['access'];

export const securityRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/orgs/:org/security',
    {
      config: { policy: { resource: 'security', action: 'read' } },
      schema: { tags, summary: 'Security settings: the roles that must use a second factor', params: OrgParams, response: { 200: SecurityView, ...ERRORS } },
    },
    async (request) => withAbilities(request, 'security', await readSecurity(app.db, request.params.org)),
  );

  app.put(
    '/orgs/:org/security',
    {
      config: { policy: { resource: 'security', action: 'update' } },
      schema: {
        tags,
        summary: 'Require a second factor for some roles',
        description: 'Members of those roles without a second factor can then only enrol one until they have it (403 `mfa_required` on this organisation).',
        params: OrgParams,
        body: z.preprocess((body) => {
          // What was read may be sent back: `abilities` is read-only.
          if (body && typeof body === 'object' && !Array.isArray(body) && 'abilities' in body) {
            const { abilities: _abilities, ...rest } = body as Record<string, unknown>;
            return rest;
          }
          return body;
        }, SecuritySettings),
        response: { 200: SecurityView, ...ERRORS },
      },
    },
    async (request) => withAbilities(request, 'security', await updateSecurity(app.db, request.params.org, request.body)),
  );
};
