// The members of an organisation and their roles: list, add (creating the account if needed), change, remove.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DisplayName, Email, Role } from '../../model/account.js';
import { Id } from '../../model/organisation.js';
import { addMember, changeMember, listMembers, removeMember } from '../../operations/members.js';
import type { MemberRecord } from '../../store/account-repository.js';
import { collectionAbilities, withAbilities } from '../access.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['access'];
const MemberParams = z.object({ org: Id, user: z.uuid() });
const ItemAbilities = z.record(z.string(), z.boolean()).meta({ description: 'What the caller may do to this item' });

const Member = z
  .object({
    userId: z.string(),
    email: z.string(),
    displayName: z.string().meta({ description: 'The name this organisation gives the person; activities whose owner is this name (or the e-mail) are theirs' }),
    role: Role,
    mfaEnabled: z.boolean(),
    createdAt: z.string(),
    abilities: ItemAbilities,
  })
  .meta({ id: 'Member' });

function present(request: Parameters<typeof withAbilities>[0], member: MemberRecord) {
  return withAbilities(request, 'members', member, { role: member.role });
}

export const memberRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/orgs/:org/members',
    {
      config: { policy: { resource: 'members', action: 'read' } },
      schema: { tags, summary: 'Members of the organisation and their roles', params: OrgParams, response: { 200: z.object({ items: z.array(Member), abilities: ItemAbilities }), ...ERRORS } },
    },
    async (request) => ({
      items: (await listMembers(app.db, request.params.org)).map((member) => present(request, member)),
      abilities: collectionAbilities(request, 'members'),
    }),
  );

  app.post(
    '/orgs/:org/members',
    {
      config: { policy: { resource: 'members', action: 'create' } },
      schema: {
        tags,
        summary: 'Add a person by e-mail with a role',
        description:
          'A person without an account gets one: `initialPassword` is returned this once, to hand over; they must change it at first sign-in. Only owners make owners.',
        params: OrgParams,
        body: z.object({ email: Email, role: Role, displayName: DisplayName.optional() }).strict(),
        response: { 201: z.object({ member: Member, initialPassword: z.string().optional() }), ...ERRORS },
      },
    },
    async (request, reply) => {
      const added = await addMember(app.db, request.params.org, request.body);
      return reply.code(201).send({ member: present(request, added.member), ...(added.initialPassword ? { initialPassword: added.initialPassword } : {}) });
    },
  );

  app.put(
    '/orgs/:org/members/:user',
    {
      config: { policy: { resource: 'members', action: 'update' } },
      schema: {
        tags,
        summary: 'Change a member’s role or name in the organisation (the last owner stays owner)',
        params: MemberParams,
        body: z.object({ role: Role, displayName: DisplayName.optional() }).strict(),
        response: { 200: Member, ...ERRORS },
      },
    },
    async (request) => present(request, await changeMember(app.db, request.params.org, request.params.user, request.body)),
  );

  app.delete(
    '/orgs/:org/members/:user',
    {
      config: { policy: { resource: 'members', action: 'delete' } },
      schema: {
        tags,
        summary: 'Remove a member (their API tokens here are revoked; the last owner cannot be removed)',
        params: MemberParams,
        response: { 204: z.null(), ...ERRORS },
      },
    },
    async (request, reply) => {
      await removeMember(app.db, request.params.org, request.params.user);
      return reply.code(204).send(null);
    },
  );
};
