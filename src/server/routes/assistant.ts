// The crisis assistant for signed-in members (issue 14): a conversation started from the web app (not through a
// public key) sees the staff-only articles and the answers drawn from the approved plans, each citing its plan; only
// the member who started it reads or continues it. The questions the assistant could not answer, handed over with
// the person's consent, wait in the follow-up queue.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { QuestionCaseList, QuestionCaseView } from '../../model/contract/assistant.js';
import { ConversationMessage, ConversationReply, ConversationStart, ConversationStarted } from '../../model/contract/conversations.js';
import { Id } from '../../model/organisation.js';
import { postMessage, startConversation, type ConversationCaller } from '../../operations/conversations.js';
import { changeQuestionCase, listQuestionCases, type QuestionCase } from '../../operations/follow-up.js';
import { actingOf, collectionAbilities, subjectOf, withAbilities } from '../access.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['conversations'];
const BODY_LIMIT = 8 * 1024;
/** The flow a member's conversation runs when they name none. */
export const STAFF_FLOW = 'assistant';
const ConversationParams = z.object({ org: Id, id: z.uuid() });
const CaseParams = z.object({ org: Id, case: z.uuid({ message: 'a case id (UUID)' }) });
const CaseChange = z.discriminatedUnion('action', [
  z.object({ action: z.literal('claim') }).strict(),
  z.object({ action: z.literal('release') }).strict(),
  z.object({ action: z.literal('close'), outcome: z.enum(['reached', 'unreachable', 'referred', 'no_longer_needed']) }).strict(),
]);

/** The member behind a request, as a conversation's caller. */
export function memberCaller(request: FastifyRequest & { params: { org: string } }, kind: 'staff' | 'preview'): ConversationCaller {
  const subject = subjectOf(request);
  return { kind, orgId: request.params.org, userId: subject.userId, email: subject.email };
}

export const assistantRoutes: FastifyPluginAsyncZod = async (app) => {
  const now = () => app.access.sessions.now();
  const view = (request: FastifyRequest, found: QuestionCase): QuestionCaseView => {
    const { claimedById, ...shown } = found;
    const mine = claimedById === null || claimedById === subjectOf(request).userId;
    const abilities = withAbilities(request, 'followUpCases', shown).abilities;
    return { ...shown, abilities: { ...abilities, update: abilities.update && shown.status !== 'closed' && mine } };
  };

  app.post(
    '/orgs/:org/assistant/conversations',
    {
      bodyLimit: BODY_LIMIT,
      config: { policy: { resource: 'assistant', action: 'create' } },
      schema: {
        tags,
        summary: 'Start a conversation with the assistant as a signed-in member (the assistant flow by default)',
        description:
          'Answers from the public and staff-only articles of the knowledge base, and from the approved plans (“can I come to the office?”, “who replaces my manager?”, “who do I call?”), each citing its plan, version and approval date. Only you read or continue it.',
        params: OrgParams,
        body: ConversationStart.nullish(),
        response: { 201: ConversationStarted, ...ERRORS },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const started = await startConversation(app.db, memberCaller(request, 'staff'), { ...body, flow: body.flow ?? STAFF_FLOW }, now());
      return reply.code(201).send(started);
    },
  );

  app.post(
    '/orgs/:org/assistant/conversations/:id/messages',
    {
      bodyLimit: BODY_LIMIT,
      config: { policy: { resource: 'assistant', action: 'create' } },
      schema: {
        tags,
        summary: 'Answer your conversation with the assistant: what you typed (`text`) or the quick reply you picked (`choice`)',
        description: 'Another member’s conversation, or one started through a public key: 404. An ended conversation: 409 (rule `ended`).',
        params: ConversationParams,
        body: ConversationMessage,
        response: { 200: ConversationReply, ...ERRORS },
      },
    },
    async (request) => postMessage(app.db, memberCaller(request, 'staff'), request.params.id, request.body, now()),
  );

  app.get(
    '/orgs/:org/follow-up/questions',
    {
      config: { policy: { resource: 'followUpCases', action: 'read' } },
      schema: {
        tags: ['alerts'],
        summary: 'Questions the assistant could not answer, handed over to the follow-up queue with the person’s consent',
        params: OrgParams,
        querystring: z.object({ status: z.enum(['open', 'claimed', 'closed']).optional() }).strict(),
        response: { 200: QuestionCaseList, ...ERRORS },
      },
    },
    async (request) => {
      const items = await listQuestionCases(app.db, request.params.org, { status: request.query.status });
      return {
        items: items.map((item) => view(request, item)),
        nextCursor: null,
        total: items.length,
        abilities: collectionAbilities(request, 'followUpCases'),
      };
    },
  );

  app.post(
    '/orgs/:org/follow-up/questions/:case',
    {
      config: { policy: { resource: 'followUpCases', action: 'update' } },
      schema: {
        tags: ['alerts'],
        summary: 'Claim a handed-over question (it becomes yours), release it, or close it with its outcome',
        params: CaseParams,
        body: CaseChange,
        response: { 200: QuestionCaseView, ...ERRORS },
      },
    },
    async (request) => {
      const body = request.body;
      const actor = { id: subjectOf(request).userId, label: actingOf(request).actor.label };
      const changed = await changeQuestionCase(
        app.db,
        request.params.org,
        request.params.case,
        { action: body.action, outcome: 'outcome' in body ? body.outcome : undefined },
        actor,
      );
      return view(request, changed);
    },
  );
};
