// Organisations (tenants) and their BIA settings; each person sees the organisations they belong to.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BiaSettings, Currency, Id, Names } from '../../model/organisation.js';
import { createOrganisation, deleteOrganisation, notFound, updateOrganisation } from '../../operations/model-writer.js';
import { AccountRepository } from '../../store/account-repository.js';
import { ModelRepository, type OrganisationRecord } from '../../store/model-repository.js';
import { RempartError } from '../../errors.js';
import { mayCreateOrganisations, subjectFor, withAbilities } from '../access.js';
import { can, itemAbilities } from '../policies/index.js';
import { ERRORS, OrgParams, withoutReadOnly } from './shared.js';
import { OrganisationList, OrganisationView as Organisation } from '../../model/contract/organisation.js';

const OrganisationInput = z
  .object({
    id: Id,
    name: z.string().trim().min(1).max(200),
    names: Names.optional(),
    description: z.string().max(4000).optional(),
    currency: Currency.optional(),
    bia: BiaSettings.optional(),
  })
  .strict();
const OrganisationUpdate = OrganisationInput.omit({ id: true });
/** Read-only fields of what was read may come back in an update. */
const READ_ONLY = ['id', 'modelVersion', 'createdAt', 'updatedAt', 'role', 'abilities'];

export const organisationRoutes: FastifyPluginAsyncZod = async (app) => {
  const repository = new ModelRepository(app.db);

  function present(request: Parameters<typeof withAbilities>[0], org: OrganisationRecord) {
    return { ...withAbilities(request, 'organisation', org), role: request.membership?.role };
  }

  app.get(
    '/orgs',
    {
      config: { policy: { access: 'signedIn' } },
      schema: {
        tags: ['organisations'],
        summary: 'The organisations the caller belongs to (an API token: its own)',
        response: { 200: OrganisationList, ...ERRORS },
      },
    },
    async (request) => {
      const principal = request.principal!;
      const memberships = principal.via === 'token' ? [principal.membership] : await new AccountRepository(app.db).membershipsOf(principal.user.id);
      // Employees belong without reading the programme: GET /api/auth/me lists every membership.
      const readable = new Map(
        memberships
          .map((membership) => [membership.orgId, { membership, subject: subjectFor(principal, membership) }] as const)
          .filter(([, { subject }]) => can(subject, 'organisation', 'read')),
      );
      const orgs = await repository.listOrganisations([...readable.keys()]);
      return {
        items: orgs.map((org) => {
          const { membership, subject } = readable.get(org.id)!;
          return { ...org, role: membership.role, abilities: itemAbilities(subject, 'organisation', org) };
        }),
      };
    },
  );

  app.post(
    '/orgs',
    {
      config: { policy: { access: 'person' } },
      schema: {
        tags: ['organisations'],
        summary: 'Create an organisation; the caller becomes its owner',
        description:
          'Who may is a setting of the deployment (REMPART_ORG_CREATION): by default only server administrators, the accounts made with `rempart user create`; `owners` lets owners of an organisation create more; `anyone` every signed-in person. `canCreateOrganisations` in GET /api/auth/me tells.',
        body: OrganisationInput,
        response: { 201: Organisation, ...ERRORS },
      },
    },
    async (request, reply) => {
      const { user } = request.principal!;
      if (!(await mayCreateOrganisations(app.db, request.principal!, app.access.organisationCreation)))
        throw new RempartError(
          'forbidden',
          'Only server administrators may create organisations on this server: ask one (they are made with `rempart user create`).',
          [{ path: 'organisation', rule: 'organisation_creation', value: app.access.organisationCreation, message: 'not allowed to create organisations' }],
        );
      const created = await createOrganisation(app.db, request.body, { userId: user.id, displayName: user.displayName });
      const membership = (await new AccountRepository(app.db).membership(created.id, user.id))!;
      const subject = subjectFor(request.principal!, membership);
      return reply.code(201).send({ ...created, role: membership.role, abilities: itemAbilities(subject, 'organisation', created) });
    },
  );

  app.get(
    '/orgs/:org',
    {
      config: { policy: { resource: 'organisation', action: 'read' } },
      schema: { tags: ['organisations'], summary: 'An organisation and its BIA settings', params: OrgParams, response: { 200: Organisation, ...ERRORS } },
    },
    async (request) => {
      const org = await repository.getOrganisation(request.params.org);
      if (!org) throw notFound('organisation', request.params.org);
      return present(request, org);
    },
  );

  app.put(
    '/orgs/:org',
    {
      config: { policy: { resource: 'organisation', action: 'update' } },
      schema: {
        tags: ['organisations'],
        summary: 'Change name or BIA settings (refused when existing ratings do not fit)',
        params: OrgParams,
        body: z.preprocess((body) => withoutReadOnly(body, READ_ONLY), OrganisationUpdate),
        response: { 200: Organisation, ...ERRORS },
      },
    },
    async (request) => present(request, await updateOrganisation(app.db, request.params.org, request.body)),
  );

  app.delete(
    '/orgs/:org',
    {
      config: { policy: { resource: 'organisation', action: 'delete' } },
      schema: {
        tags: ['organisations'],
        summary: 'Delete an organisation and all its data (its audit trail stays)',
        params: OrgParams,
        response: { 204: z.null(), ...ERRORS },
      },
    },
    async (request, reply) => {
      await deleteOrganisation(app.db, request.params.org);
      return reply.code(204).send(null);
    },
  );
};
