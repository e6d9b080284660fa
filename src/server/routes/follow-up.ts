// The follow-up queue over HTTP: the cases of an incident (people who need help or stayed unreached), claimed,
// released and closed by follow-up volunteers; their notes, which may be health data, read and written only by the
// followUp role, each read recorded in the audit trail.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FollowUpCaseList, FollowUpCaseView, FollowUpNotes } from '../../model/contract/alerts.js';
import { Id } from '../../model/organisation.js';
import { isInvalidText, INVALID_TEXT_MESSAGE } from '../../model/text.js';
import { addNote, changeCase, listCases, readNotes, type FollowUpActor } from '../../operations/follow-up.js';
import { getIncident } from '../../operations/incidents.js';
import { actingOf, collectionAbilities, subjectOf, withAbilities } from '../access.js';
import { ERRORS } from './shared.js';

const tags = ['alerts'];
const IncidentParams = z.object({ org: Id, incident: z.uuid({ message: 'an incident id (UUID)' }) });
const CaseParams = IncidentParams.extend({ case: z.uuid({ message: 'a case id (UUID)' }) });
const CaseChange = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('claim') }).strict(),
    z.object({ action: z.literal('release') }).strict(),
    z.object({ action: z.literal('close'), outcome: z.enum(['reached', 'unreachable', 'referred', 'no_longer_needed']) }).strict(),
  ])
  .meta({ id: 'FollowUpCaseChange' });
const NoteInput = z
  .object({
    text: z
      .string()
      .trim()
      .min(1)
      .max(4000)
      .refine((text) => !isInvalidText(text), { message: INVALID_TEXT_MESSAGE, params: { rule: 'invalid_text' } }),
  })
  .strict();

function actorOf(request: FastifyRequest): FollowUpActor {
  return { id: subjectOf(request).userId, label: actingOf(request).actor.label };
}

export const followUpRoutes: FastifyPluginAsyncZod = async (app) => {
  const view = (request: FastifyRequest, found: FollowUpCaseView & { claimedById: string | null }): FollowUpCaseView => {
    const { claimedById, ...shown } = found;
    const mine = claimedById === null || claimedById === subjectOf(request).userId;
    const abilities = withAbilities(request, 'followUpCases', shown).abilities;
    return { ...shown, abilities: { ...abilities, update: abilities.update && shown.status !== 'closed' && mine } };
  };

  app.get(
    '/orgs/:org/incidents/:incident/follow-up',
    {
      config: { policy: { resource: 'followUpCases', action: 'read' } },
      schema: {
        tags,
        summary: 'The follow-up queue: people who need help or could not be reached, with their contact details (those needing help first)',
        params: IncidentParams,
        querystring: z.object({ status: z.enum(['open', 'claimed', 'closed']).optional() }).strict(),
        response: { 200: FollowUpCaseList, ...ERRORS },
      },
    },
    async (request) => {
      const { org, incident } = request.params;
      await getIncident(app.db, org, incident);
      const items = await listCases(app.db, org, incident, { status: request.query.status });
      return {
        items: items.map((item) => view(request, item)),
        nextCursor: null,
        total: items.length,
        abilities: collectionAbilities(request, 'followUpCases'),
      };
    },
  );

  app.post(
    '/orgs/:org/incidents/:incident/follow-up/:case',
    {
      config: { policy: { resource: 'followUpCases', action: 'update' } },
      schema: {
        tags,
        summary: 'Claim a case (it becomes yours), release it, or close it with its outcome',
        description: 'A case claimed by someone else answers 409 until they release it; a closed case 409.',
        params: CaseParams,
        body: CaseChange,
        response: { 200: FollowUpCaseView, ...ERRORS },
      },
    },
    async (request) => {
      const { org, incident, case: id } = request.params;
      const body = request.body;
      return view(
        request,
        await changeCase(app.db, org, incident, id, { action: body.action, outcome: 'outcome' in body ? body.outcome : undefined }, actorOf(request)),
      );
    },
  );

  app.get(
    '/orgs/:org/incidents/:incident/follow-up/:case/notes',
    {
      config: { policy: { resource: 'followUpNotes', action: 'read' } },
      schema: {
        tags,
        summary: 'The notes of a case (volunteers’ notes and the person’s check-in notes): may be health data, each read is audited',
        description: 'Only the followUp role, signed in; purged REMPART_FOLLOW_UP_RETENTION_DAYS days after the incident closes.',
        params: CaseParams,
        response: { 200: FollowUpNotes, ...ERRORS },
      },
    },
    async (request) => readNotes(app.db, request.params.org, request.params.incident, request.params.case),
  );

  app.post(
    '/orgs/:org/incidents/:incident/follow-up/:case/notes',
    {
      config: { policy: { resource: 'followUpNotes', action: 'create' } },
      schema: { tags, summary: 'Add a note to a case', params: CaseParams, body: NoteInput, response: { 201: FollowUpNotes, ...ERRORS } },
    },
    async (request, reply) => {
      const { org, incident, case: id } = request.params;
      await addNote(app.db, org, incident, id, request.body.text, actorOf(request));
      return reply.code(201).send(await readNotes(app.db, org, incident, id));
    },
  );
};
