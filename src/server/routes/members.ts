// The members of an organisation and their roles: list, invite (never an account made here), change, remove.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DisplayName, Email, Role } from '../../model/account.js';
import { Invited, Member, MemberList } from '../../model/contract/access.js';
import { Id } from '../../model/organisation.js';
import { createInvitation } from '../../operations/invitations.js';
import { changeMember, listMembers, removeMember } from '../../operations/members.js';
import type { MemberRecord } from '../../store/account-repository.js';
import { collectionAbilities, withAbilities } from '../access.js';
import { invitationLink } from './invitations.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['access'];
const MemberParams = z.object({ org: Id, user: z.uuid() });
function present(request: Parameters<typeof withAbilities>[0], member: MemberRecord): Member {
  const { userId, email, displayName, role, mfaEnabled, createdAt } = member;
  return withAbilities(request, 'members', { userId, email, displayName, role, mfaEnabled, createdAt }, { role });
}

export const memberRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/orgs/:org/members',
    {
      config: { policy: { resource: 'members', action: 'read' } },
      schema: { tags, summary: 'Members of the organisation and their roles', params: OrgParams, response: { 200: MemberList, ...ERRORS } },
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
        summary: 'Invite a person by e-mail with a role: they join by accepting the invitation',
        description:
          'Never creates an account nor a membership: it creates an invitation, valid 7 days and once, and answers the same whether the address has an account or not. ' +
          '`link` (with the invitation’s secret `token`) is in this answer only: hand it to the person, who opens it, chooses a password when they have no account (or signs in when they have one) and accepts. ' +
          'A new invitation of the same address replaces the open ones. Only owners invite owners; API tokens cannot invite.',
        params: OrgParams,
        body: z.object({ email: Email, role: Role, displayName: DisplayName.optional() }).strict(),
        response: {
          202: Invited,
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { invitation, token } = await createInvitation(app.db, request.params.org, request.principal!.user.id, request.body, app.access.sessions.now());
      return reply.code(202).send({ invitation, token, link: invitationLink(request, token) });
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
