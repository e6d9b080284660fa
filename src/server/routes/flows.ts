// Conversation flows over HTTP (issues 13 and 14): the shipped flows (read-only) and the organisation's own, which its
// editors add and save as new revisions (JSON or YAML, checked whole: every problem with its path), and a preview that
// runs a flow on the server's interpreter for a signed-in editor: a conversation marked as a preview, counted in no
// surveillance and handing nothing over to the follow-up queue.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FlowList, FlowView, type FlowSummary } from '../../model/contract/assistant.js';
import { ConversationMessage, ConversationReply, ConversationStarted } from '../../model/contract/conversations.js';
import { FLOW_NAME, type FlowDocument } from '../../model/flow.js';
import { Id } from '../../model/organisation.js';
import { postMessage, startConversation } from '../../operations/conversations.js';
import { deleteOwnFlow, listOwnFlows, ownFlowRevisions, saveOwnFlow, shippedFlows, type OrgFlowRevision } from '../../operations/flows.js';
import { notFound } from '../../operations/model-writer.js';
import { actingOf, collectionAbilities, withAbilities } from '../access.js';
import { memberCaller } from './assistant.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['conversations'];
/** A flow is at most a few hundred steps: 1 MB of JSON or YAML is far beyond any. */
const FLOW_LIMIT = 1024 * 1024;
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'] as const;
const FlowId = z.string().regex(FLOW_NAME, { message: 'a flow id: a letter or _, then letters, digits or _ (64 at most)' });
const FlowParams = z.object({ org: Id, id: FlowId });
const PreviewParams = z.object({ org: Id, id: z.uuid() });
const FlowBody = z
  .union([z.record(z.string(), z.unknown()), z.string().max(FLOW_LIMIT)])
  .meta({ description: 'The flow document: JSON (application/json), or YAML text (application/yaml)' });
const PreviewStart = z
  .object({
    flow: FlowId,
    lang: z
      .string()
      .regex(/^[a-z]{2}$/, { message: 'a language: fr, en' })
      .optional(),
  })
  .strict();

function titleOf(flow: FlowDocument): Record<string, string> {
  return 'var' in flow.title && typeof flow.title.var === 'string' && Object.keys(flow.title).length === 1 ? {} : (flow.title as Record<string, string>);
}

function summary(flow: FlowDocument, own: (OrgFlowRevision & { revisions?: number }) | null, revisions: number): FlowSummary {
  return {
    id: flow.id,
    title: titleOf(flow),
    version: flow.version,
    languages: flow.languages,
    steps: Object.keys(flow.steps).length,
    shipped: own === null,
    revision: own?.revision ?? null,
    revisions,
    createdBy: own?.createdBy ?? null,
    createdAt: own?.createdAt ?? null,
  };
}

export const flowRoutes: FastifyPluginAsyncZod = async (app) => {
  const now = () => app.access.sessions.now();
  // Only the organisation's own flows may change: the shipped ones are read-only whatever the role.
  const present = (request: FastifyRequest, item: FlowSummary) => {
    const shown = withAbilities(request, 'flows', item, item);
    return item.shipped
      ? { ...shown, abilities: Object.fromEntries(Object.entries(shown.abilities).map(([action, allowed]) => [action, action === 'preview' && allowed])) }
      : shown;
  };
  const viewOf = async (request: FastifyRequest & { params: { org: string } }, id: string) => {
    const shipped = shippedFlows()[id];
    if (shipped) return { ...present(request, summary(shipped, null, 0)), flow: shipped, history: [] };
    const revisions = await ownFlowRevisions(app.db, request.params.org, id);
    if (revisions.length === 0) throw notFound('flow', id);
    const history = revisions.map(({ revision, version, createdBy, createdAt }) => ({ revision, version, createdBy, createdAt }));
    return { ...present(request, summary(revisions[0].flow, revisions[0], revisions.length)), flow: revisions[0].flow, history };
  };

  app.addContentTypeParser([...YAML_TYPES], { parseAs: 'string', bodyLimit: FLOW_LIMIT }, (_request, body, done) => done(null, body));

  app.get(
    '/orgs/:org/flows',
    {
      config: { policy: { resource: 'flows', action: 'read' } },
      schema: {
        tags,
        summary: 'The flows conversations may run: the shipped ones (read-only) and the organisation’s own',
        params: OrgParams,
        response: { 200: FlowList, ...ERRORS },
      },
    },
    async (request) => {
      const own = await listOwnFlows(app.db, request.params.org);
      const items = [
        ...Object.values(shippedFlows()).map((flow) => summary(flow, null, 0)),
        ...own.map((item) => summary(item.flow, item, item.revisions)),
      ].map((item) => present(request, item));
      return { items, abilities: collectionAbilities(request, 'flows') };
    },
  );

  app.get(
    '/orgs/:org/flows/:id',
    {
      config: { policy: { resource: 'flows', action: 'read' } },
      schema: {
        tags,
        summary: 'A flow: its document and, for the organisation’s own, its revisions',
        params: FlowParams,
        response: { 200: FlowView, ...ERRORS },
      },
    },
    async (request) => viewOf(request, request.params.id),
  );

  const SAVE_DESCRIPTION =
    'JSON (`application/json`) or YAML (`application/yaml`). Checked whole: every problem with its path (`body.steps.start[2].ask.choices[1].value`), rule and value; a shipped flow’s id is refused (`read_only`, 403).';
  const consumes = ['application/json', ...YAML_TYPES];

  app.post(
    '/orgs/:org/flows',
    {
      bodyLimit: FLOW_LIMIT,
      config: { policy: { resource: 'flows', action: 'create' }, accepts: ['application/json', ...YAML_TYPES] },
      schema: {
        tags,
        summary: 'Add a flow of the organisation’s own',
        description: SAVE_DESCRIPTION,
        params: OrgParams,
        body: FlowBody,
        consumes,
        response: { 201: FlowView, ...ERRORS },
      },
    },
    async (request, reply) => {
      const saved = await saveOwnFlow(app.db, request.params.org, request.body, { author: actingOf(request).actor.label, now: new Date(now()) });
      return reply.code(201).send(await viewOf(request, saved.id));
    },
  );

  app.put(
    '/orgs/:org/flows/:id',
    {
      bodyLimit: FLOW_LIMIT,
      config: { policy: { resource: 'flows', action: 'update' }, accepts: ['application/json', ...YAML_TYPES] },
      schema: {
        tags,
        summary: 'Save a new revision of one of the organisation’s flows (the previous ones are kept)',
        description: SAVE_DESCRIPTION,
        params: FlowParams,
        body: FlowBody,
        consumes,
        response: { 200: FlowView, ...ERRORS },
      },
    },
    async (request) => {
      await saveOwnFlow(app.db, request.params.org, request.body, { id: request.params.id, author: actingOf(request).actor.label, now: new Date(now()) });
      return viewOf(request, request.params.id);
    },
  );

  app.delete(
    '/orgs/:org/flows/:id',
    {
      config: { policy: { resource: 'flows', action: 'delete' } },
      schema: {
        tags,
        summary: 'Remove one of the organisation’s flows with its revisions (a shipped flow: 403)',
        params: FlowParams,
        response: { 204: z.null(), ...ERRORS },
      },
    },
    async (request, reply) => {
      await deleteOwnFlow(app.db, request.params.org, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/orgs/:org/flow-previews',
    {
      bodyLimit: 8 * 1024,
      config: { policy: { resource: 'flows', action: 'preview' } },
      schema: {
        tags,
        summary: 'Try a flow: a preview conversation on the server’s interpreter, counted in no surveillance, handing nothing over',
        description: 'It answers as the flow would a signed-in member (staff articles and plan answers included). Only you continue it.',
        params: OrgParams,
        body: PreviewStart,
        response: { 201: ConversationStarted, ...ERRORS },
      },
    },
    async (request, reply) => reply.code(201).send(await startConversation(app.db, memberCaller(request, 'preview'), request.body, now())),
  );

  app.post(
    '/orgs/:org/flow-previews/:id/messages',
    {
      bodyLimit: 8 * 1024,
      config: { policy: { resource: 'flows', action: 'preview' } },
      schema: {
        tags,
        summary: 'Answer a preview conversation',
        params: PreviewParams,
        body: ConversationMessage,
        response: { 200: ConversationReply, ...ERRORS },
      },
    },
    async (request) => postMessage(app.db, memberCaller(request, 'preview'), request.params.id, request.body, now()),
  );
};
