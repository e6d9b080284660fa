// Continuity plans over HTTP: list, read, write (versions), the review workflow, the diff between versions, the
// shipped templates, validation by simulation and the plan as a PDF.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Id } from '../../model/organisation.js';
import { PlanContent, PlanCreate, PlanStatus } from '../../model/plan.js';
import { PlanDiff, PlanList, PlanTemplateList, PlanValidation, PlanVersionList, PlanVersionView, PlanView } from '../../model/contract/plans.js';
import { planPdf } from '../../operations/documents.js';
import { MAX_PLAN_RUNS, validatePlan } from '../../operations/plan-validation.js';
import {
  createPlan,
  deletePlan,
  diffPlan,
  movePlan,
  planNotFound,
  planTemplates,
  presentPlan,
  presentVersion,
  updatePlan,
  type PlanActor,
} from '../../operations/plans.js';
import { PlanRepository } from '../../store/plan-repository.js';
import { RempartError } from '../../errors.js';
import { actingOf, collectionAbilities, subjectOf, withAbilities } from '../access.js';
import { ERRORS, ItemParams, OrgParams, withoutReadOnly } from './shared.js';

const tags = ['plans'];

/** What a client read may be sent back: the view's computed fields are dropped before validation. */
const READ_ONLY = [
  'id',
  'version',
  'status',
  'approvedVersion',
  'author',
  'createdAt',
  'updatedAt',
  'submittedBy',
  'approval',
  'reviewDue',
  'validation',
  'abilities',
];
const PlanBody = z.preprocess((body) => withoutReadOnly(body, READ_ONLY), PlanContent);
const PlanCreateBody = z.preprocess(
  (body) =>
    withoutReadOnly(
      body,
      READ_ONLY.filter((field) => field !== 'id'),
    ),
  PlanCreate,
);
const Comment = z.object({ comment: z.string().trim().max(2000).optional() }).strict();
const VersionParams = z.object({ org: Id, id: Id, version: z.coerce.number().int().min(1).max(100_000) });
const Language = z.object({ lang: z.enum(['en', 'fr']).default('en') }).strict();

function actorOf(request: FastifyRequest): PlanActor {
  return { id: subjectOf(request).userId, label: actingOf(request).actor.label };
}

export const planRoutes: FastifyPluginAsyncZod = async (app) => {
  const present = (request: FastifyRequest, plan: Parameters<typeof presentPlan>[0]) => withAbilities(request, 'plans', presentPlan(plan));

  app.get(
    '/orgs/:org/plans',
    {
      config: { policy: { resource: 'plans', action: 'read' } },
      schema: {
        tags,
        summary: 'List the continuity plans, each at its latest version with its workflow state',
        params: OrgParams,
        querystring: z.object({ status: PlanStatus.optional(), q: z.string().max(200).optional() }).strict(),
        response: { 200: PlanList, ...ERRORS },
      },
    },
    async (request) => {
      const plans = await new PlanRepository(app.db).list(request.params.org, request.query);
      return { items: plans.map((plan) => present(request, plan)), nextCursor: null, total: plans.length, abilities: collectionAbilities(request, 'plans') };
    },
  );

  app.get(
    '/orgs/:org/plan-templates',
    {
      config: { policy: { resource: 'plans', action: 'read' } },
      schema: {
        tags,
        summary: 'The shipped plan templates (pandemic, ransomware, loss of a site, loss of a key supplier), in French and English',
        params: OrgParams,
        response: { 200: PlanTemplateList, ...ERRORS },
      },
    },
    async () => ({ items: await planTemplates() }),
  );

  app.post(
    '/orgs/:org/plans',
    {
      config: { policy: { resource: 'plans', action: 'create' } },
      schema: {
        tags,
        summary: 'Write a new plan (version 1, a draft)',
        description: 'Start from a template: GET /plan-templates, then send its content with an id of your choice.',
        params: OrgParams,
        body: PlanCreateBody,
        response: { 201: PlanView, ...ERRORS },
      },
    },
    async (request, reply) => {
      const { id, ...content } = request.body as z.output<typeof PlanCreate>;
      return reply.code(201).send(present(request, await createPlan(app.db, request.params.org, id, content, actorOf(request))));
    },
  );

  app.get(
    '/orgs/:org/plans/:id',
    {
      config: { policy: { resource: 'plans', action: 'read' } },
      schema: { tags, summary: 'One plan at its latest version', params: ItemParams, response: { 200: PlanView, ...ERRORS } },
    },
    async (request) => {
      const plan = await new PlanRepository(app.db).get(request.params.org, request.params.id);
      if (!plan) throw planNotFound(request.params.id);
      return present(request, plan);
    },
  );

  app.put(
    '/orgs/:org/plans/:id',
    {
      config: { policy: { resource: 'plans', action: 'update' } },
      schema: {
        tags,
        summary: 'Change a plan: its draft, or a new draft version when the latest is approved or archived (409 while in review)',
        params: ItemParams,
        body: PlanBody,
        response: { 200: PlanView, ...ERRORS },
      },
    },
    async (request) => present(request, await updatePlan(app.db, request.params.org, request.params.id, request.body as PlanContent, actorOf(request))),
  );

  app.delete(
    '/orgs/:org/plans/:id',
    {
      config: { policy: { resource: 'plans', action: 'delete' } },
      schema: {
        tags,
        summary: 'Delete a plan and its versions (refused once an incident activated it: archive it)',
        params: ItemParams,
        response: { 204: z.null(), ...ERRORS },
      },
    },
    async (request, reply) => {
      await deletePlan(app.db, request.params.org, request.params.id);
      return reply.code(204).send(null);
    },
  );

  const transition = (path: string, name: 'submit' | 'approve' | 'reject' | 'archive', summary: string, action: 'update' | 'approve') =>
    app.post(
      `/orgs/:org/plans/:id/${path}`,
      {
        config: { policy: { resource: 'plans', action } },
        schema: { tags, summary, params: ItemParams, body: Comment.optional(), response: { 200: PlanView, ...ERRORS } },
      },
      async (request) =>
        present(request, await movePlan(app.db, request.params.org, request.params.id, name, actorOf(request), { comment: request.body?.comment })),
    );
  transition('submit', 'submit', 'Submit the draft for review', 'update');
  transition('approve', 'approve', 'Approve the version in review (not by its author: 409 four_eyes); it becomes the one incidents activate', 'approve');
  transition('reject', 'reject', 'Send the version in review back to draft, with a comment', 'approve');
  transition('archive', 'archive', 'Archive the plan: it can no longer be activated', 'update');

  app.get(
    '/orgs/:org/plans/:id/versions',
    {
      config: { policy: { resource: 'plans', action: 'read' } },
      schema: { tags, summary: 'The versions of a plan with their workflow record', params: ItemParams, response: { 200: PlanVersionList, ...ERRORS } },
    },
    async (request) => {
      const { org, id } = request.params;
      const repository = new PlanRepository(app.db);
      if (!(await repository.get(org, id))) throw planNotFound(id);
      return {
        plan: id,
        items: (await repository.versions(org, id)).map((version) => {
          const { content: _content, ...rest } = presentVersion(version);
          return rest;
        }),
      };
    },
  );

  app.get(
    '/orgs/:org/plans/:id/versions/:version',
    {
      config: { policy: { resource: 'plans', action: 'read' } },
      schema: { tags, summary: 'One version of a plan, as written', params: VersionParams, response: { 200: PlanVersionView, ...ERRORS } },
    },
    async (request) => {
      const { org, id, version } = request.params;
      const repository = new PlanRepository(app.db);
      if (!(await repository.get(org, id))) throw planNotFound(id);
      const found = await repository.version(org, id, version);
      if (!found)
        throw new RempartError('not_found', `The plan has no version ${version}.`, [
          { path: 'params.version', rule: 'exists', value: version, message: 'no such version' },
        ]);
      return presentVersion(found);
    },
  );

  app.get(
    '/orgs/:org/plans/:id/diff',
    {
      config: { policy: { resource: 'plans', action: 'read' } },
      schema: {
        tags,
        summary: 'What changed between two versions, path by path (steps and teams by id)',
        params: ItemParams,
        querystring: z.object({ from: z.coerce.number().int().min(1).max(100_000), to: z.coerce.number().int().min(1).max(100_000) }).strict(),
        response: { 200: PlanDiff, ...ERRORS },
      },
    },
    async (request) => diffPlan(app.db, request.params.org, request.params.id, request.query.from, request.query.to),
  );

  app.post(
    '/orgs/:org/plans/:id/validate',
    {
      config: { policy: { resource: 'plans', action: 'update' } },
      schema: {
        tags,
        summary: 'Validate the plan by simulation: its scenarios with exactly the strategies its steps switch on, at their times',
        description:
          'Answers at once with one simulation per scenario (uncertain numbers at their means): per activity in scope, within its MTPD or not, RTO met or not. With `runs`, a job (`job` in the answer) then adds the Monte Carlo probability of meeting each RTO and MTPD to the stored validation.',
        params: ItemParams,
        body: z
          .object({
            version: z.number().int().min(1).optional(),
            runs: z.number().int().min(10).max(MAX_PLAN_RUNS).optional(),
            seed: z
              .number()
              .int()
              .min(0)
              .max(2 ** 31)
              .optional(),
          })
          .strict()
          .optional(),
        response: { 200: z.object({ validation: PlanValidation, job: z.string().nullable() }), ...ERRORS },
      },
    },
    async (request) => validatePlan(app.db, request.params.org, request.params.id, request.body ?? {}),
  );

  app.get(
    '/orgs/:org/plans/:id/document.pdf',
    {
      config: { policy: { resource: 'plans', action: 'read' } },
      schema: {
        tags,
        summary: 'The plan as a PDF document (steps, teams, contacts and the validation table), in English or French',
        params: ItemParams,
        querystring: Language,
        produces: ['application/pdf'],
      },
    },
    async (request, reply) => {
      const plan = await new PlanRepository(app.db).get(request.params.org, request.params.id);
      if (!plan) throw planNotFound(request.params.id);
      const pdf = await planPdf(presentPlan(plan), request.query.lang);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${request.params.id}-v${plan.latestVersion}-${request.query.lang}.pdf"`)
        .send(pdf);
    },
  );
};
