// Organisations (tenants) and their BIA settings.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BiaSettings, Id, Names } from '../../model/organisation.js';
import { createOrganisation, notFound, updateOrganisation } from '../../operations/model-writer.js';
import { ModelRepository } from '../../store/model-repository.js';
import { ERRORS, OrgParams } from './shared.js';

const OrganisationInput = z
  .object({
    id: Id,
    name: z.string().trim().min(1).max(200),
    names: Names.optional(),
    description: z.string().max(4000).optional(),
    bia: BiaSettings.optional(),
  })
  .strict();
const OrganisationUpdate = OrganisationInput.omit({ id: true });
const Organisation = OrganisationInput.extend({
  bia: BiaSettings,
  modelVersion: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'Organisation' });

export const organisationRoutes: FastifyPluginAsyncZod = async (app) => {
  const repository = new ModelRepository(app.db);

  app.get('/orgs', { schema: { tags: ['organisations'], summary: 'List organisations', response: { 200: z.object({ items: z.array(Organisation) }) } } }, async () => ({
    items: await repository.listOrganisations(),
  }));

  app.post(
    '/orgs',
    { schema: { tags: ['organisations'], summary: 'Create an organisation', body: OrganisationInput, response: { 201: Organisation, ...ERRORS } } },
    async (request, reply) => reply.code(201).send(await createOrganisation(app.db, request.body)),
  );

  app.get(
    '/orgs/:org',
    { schema: { tags: ['organisations'], summary: 'An organisation and its BIA settings', params: OrgParams, response: { 200: Organisation, ...ERRORS } } },
    async (request) => {
      const org = await repository.getOrganisation(request.params.org);
      if (!org) throw notFound('organisation', request.params.org);
      return org;
    },
  );

  app.put(
    '/orgs/:org',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Change name or BIA settings (refused when existing ratings do not fit)',
        params: OrgParams,
        body: OrganisationUpdate,
        response: { 200: Organisation, ...ERRORS },
      },
    },
    async (request) => updateOrganisation(app.db, request.params.org, request.body),
  );

  app.delete(
    '/orgs/:org',
    { schema: { tags: ['organisations'], summary: 'Delete an organisation and all its data', params: OrgParams, response: { 204: z.null(), ...ERRORS } } },
    async (request, reply) => {
      if (!(await repository.deleteOrganisation(request.params.org))) throw notFound('organisation', request.params.org);
      return reply.code(204).send(null);
    },
  );
};
