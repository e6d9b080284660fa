// The audit trail of an organisation: who changed what, when, from where, with before and after; filtered and paged.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AuditPage } from '../../model/contract/access.js';
import { listAudit } from '../../operations/audit.js';
import { auditEntityNames, entityKey } from '../../operations/audit-names.js';
import { ERRORS, OrgParams } from './shared.js';

const AuditQuery = z
  .object({
    entity: z.string().max(40).optional().meta({ description: 'Entity type: activity, site, risk, scenario, run, member, token, organisation, model, …' }),
    entityId: z.string().max(200).optional(),
    actor: z.string().max(254).optional().meta({ description: 'A user or token id, or an e-mail address' }),
    action: z.string().max(40).optional().meta({ description: 'create, update, delete, import, add, revoke, …' }),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z
      .string()
      .regex(/^\d{1,15}$/)
      .optional()
      .meta({ description: 'nextCursor of the previous page' }),
    lang: z.enum(['en', 'fr']).default('en').meta({ description: 'Language of the entity names (their translation when they have one)' }),
  })
  .strict();

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/orgs/:org/audit',
    {
      config: { policy: { resource: 'audit', action: 'read' } },
      schema: {
        tags: ['access'],
        summary: 'The audit trail, newest first',
        description:
          'Each entry carries the hash of the previous one: `rempart audit verify --org ID` checks the whole chain. Passwords, tokens and secrets are never recorded.',
        params: OrgParams,
        querystring: AuditQuery,
        response: { 200: AuditPage, ...ERRORS },
      },
    },
    async (request) => {
      const { cursor, lang, ...query } = request.query;
      const page = await listAudit(app.db, request.params.org, { ...query, cursor: cursor === undefined ? undefined : Number(cursor) });
      const names = await auditEntityNames(app.db, request.params.org, page.items, lang);
      return {
        ...page,
        items: page.items.map((entry) => ({ ...entry, entity: { ...entry.entity, name: names.get(entityKey(entry.entity.type, entry.entity.id)) ?? null } })),
      };
    },
  );
};
