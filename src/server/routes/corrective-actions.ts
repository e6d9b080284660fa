// Corrective actions over HTTP (ISO 22301 10.1): list with filters and the overdue flag, raise one, read one, follow
// it up (managers; the owner their progress), verify it (someone other than the owner).
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CorrectiveActionChange, CorrectiveActionCreation, CorrectiveActionQuery, CorrectiveActionVerification } from '../../model/corrective-action.js';
import { CorrectiveActionList, CorrectiveActionView } from '../../model/contract/corrective-actions.js';
import { Id } from '../../model/organisation.js';
import {
  changeCorrectiveAction,
  createCorrectiveAction,
  getCorrectiveAction,
  listCorrectiveActions,
  presentCorrectiveActions,
  verifyCorrectiveAction,
  type ActionActor,
} from '../../operations/corrective-actions.js';
import type { CorrectiveActionRecord } from '../../store/corrective-action-repository.js';
import { actingOf, collectionAbilities, subjectOf } from '../access.js';
import { can } from '../policies/index.js';
import { ownsActivity } from '../policies/programme.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['corrective actions'];
const ActionParams = z.object({ org: Id, action: z.uuid({ message: 'a corrective action id (UUID)' }) });

function actorOf(request: FastifyRequest): ActionActor {
  const subject = subjectOf(request);
  return {
    id: subject.userId,
    label: actingOf(request).actor.label,
    manages: can(subject, 'correctiveActions', 'create'),
    owns: (owner) => ownsActivity(owner ?? undefined, subject),
  };
}

/** What the caller may do to the action: update (managers, or its owner), verify (a manager who is not its owner, once done). */
function abilitiesOf(request: FastifyRequest, view: CorrectiveActionView) {
  const subject = subjectOf(request);
  const final = view.status === 'verified';
  return {
    update: !final && can(subject, 'correctiveActions', 'update', view),
    verify: view.status === 'done' && can(subject, 'correctiveActions', 'verify', view) && !ownsActivity(view.owner ?? undefined, subject),
  };
}

export const correctiveActionRoutes: FastifyPluginAsyncZod = async (app) => {
  const one = async (request: FastifyRequest, org: string, action: CorrectiveActionRecord) => {
    const [view] = await presentCorrectiveActions(app.db, org, [action]);
    return { ...view, abilities: abilitiesOf(request, view) };
  };

  app.get(
    '/orgs/:org/corrective-actions',
    {
      config: { policy: { resource: 'correctiveActions', action: 'read' } },
      schema: {
        tags,
        summary: 'Corrective actions from incidents, exercises, audits and reviews, the soonest due first',
        description:
          'Filters: status, kind, source (and sourceId), incident, owner (contains), overdue, q (title, description, root cause). Paged by `cursor` (pass `nextCursor` back). `counts` are the organisation’s, whatever the filters.',
        params: OrgParams,
        querystring: CorrectiveActionQuery,
        response: { 200: CorrectiveActionList, ...ERRORS },
      },
    },
    async (request) => {
      const page = await listCorrectiveActions(app.db, request.params.org, request.query);
      return {
        ...page,
        items: page.items.map((view) => ({ ...view, abilities: abilitiesOf(request, view) })),
        abilities: collectionAbilities(request, 'correctiveActions'),
      };
    },
  );

  app.post(
    '/orgs/:org/corrective-actions',
    {
      config: { policy: { resource: 'correctiveActions', action: 'create' } },
      schema: {
        tags,
        summary: 'Raise a nonconformity or an improvement opportunity',
        description: 'An incident source names an incident of the organisation (400 `unknown_reference` otherwise).',
        params: OrgParams,
        body: CorrectiveActionCreation,
        response: { 201: CorrectiveActionView, ...ERRORS },
      },
    },
    async (request, reply) => {
      const { org } = request.params;
      const id = await createCorrectiveAction(app.db, org, request.body, actorOf(request));
      return reply.code(201).send(await one(request, org, await getCorrectiveAction(app.db, org, id)));
    },
  );

  app.get(
    '/orgs/:org/corrective-actions/:action',
    {
      config: { policy: { resource: 'correctiveActions', action: 'read' } },
      schema: { tags, summary: 'One corrective action', params: ActionParams, response: { 200: CorrectiveActionView, ...ERRORS } },
    },
    async (request) => one(request, request.params.org, await getCorrectiveAction(app.db, request.params.org, request.params.action)),
  );

  app.patch(
    '/orgs/:org/corrective-actions/:action',
    {
      config: { policy: { resource: 'correctiveActions', action: 'update' } },
      schema: {
        tags,
        summary: 'Follow a corrective action up: status, root cause, evidence (its owner); title, kind, owner, due date (managers)',
        description:
          'A verified action is final (409 `final`); `verified` is set only by POST …/verify. An owner changing a manager’s field gets 403 `managers_only`.',
        params: ActionParams,
        body: CorrectiveActionChange,
        response: { 200: CorrectiveActionView, ...ERRORS },
      },
    },
    async (request) => {
      const { org, action } = request.params;
      return one(request, org, await changeCorrectiveAction(app.db, org, action, request.body, actorOf(request)));
    },
  );

  app.post(
    '/orgs/:org/corrective-actions/:action/verify',
    {
      config: { policy: { resource: 'correctiveActions', action: 'verify' } },
      schema: {
        tags,
        summary: 'Verify the effectiveness of a done action (never by its owner: 409 `four_eyes`)',
        description: 'Needs the evidence (409 `evidence_required`) and the status done (409 `done_first`). `effective: false` sends it back to inProgress.',
        params: ActionParams,
        body: CorrectiveActionVerification,
        response: { 200: CorrectiveActionView, ...ERRORS },
      },
    },
    async (request) => {
      const { org, action } = request.params;
      return one(request, org, await verifyCorrectiveAction(app.db, org, action, request.body, actorOf(request)));
    },
  );
};
