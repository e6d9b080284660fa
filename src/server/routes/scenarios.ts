// Scenarios (the shipped library and the organisation's own) and their runs: simulate now, or queue a job.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RempartError } from '../../errors.js';
import { Id } from '../../model/organisation.js';
import { DEFAULT_MONTE_CARLO_RUNS } from '../../model/scenario.js';
import { Run as RunSchema, RunList, ScenarioLibrary, ScenarioList, ScenarioView, StoredScenario } from '../../model/contract/runs.js';
import { notFound } from '../../operations/model-writer.js';
import {
  cancelRun,
  deleteScenario,
  enqueueRun,
  getRun,
  JOB_LIMIT_DEFAULTS,
  listRuns,
  saveScenario,
  scenarioLibrary,
  simulateStored,
  type JobLimits,
  type Run,
} from '../../operations/scenarios.js';
import { collectionAbilities, withAbilities } from '../access.js';
import { streamLiveEvents } from '../live-events.js';
import { presentRun } from '../presenters.js';
import { isValidCursor, ModelRepository } from '../../store/model-repository.js';
import { ERRORS, ItemParams, OrgParams, PageQuery, withoutReadOnly } from './shared.js';

/** What was read may be sent back: `abilities` is dropped. */
const ScenarioBody = z.preprocess((body) => withoutReadOnly(body, ['abilities']), StoredScenario);
const RunParams = z.object({ org: Id, run: z.uuid() });

/** The body of a job request; the most runs a Monte Carlo job may ask for is a deployment setting. */
const jobBody = (maxRuns: number) =>
  z.discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('montecarlo'),
        scenario: Id,
        runs: z
          .number()
          .int()
          .min(1)
          .max(maxRuns)
          .default(Math.min(DEFAULT_MONTE_CARLO_RUNS, maxRuns))
          .meta({ description: `At most ${maxRuns} (REMPART_MAX_RUNS); ${Math.min(DEFAULT_MONTE_CARLO_RUNS, maxRuns)} when not given` }),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .default(1),
      })
      .strict(),
    z
      .object({
        kind: z.literal('recommendation'),
        scenarios: z.array(Id).min(1).max(20),
        candidates: z.array(Id).max(64).optional().meta({ description: 'Strategy ids to choose from (default: all)' }),
      })
      .strict(),
  ]);

const TERMINAL = new Set(['done', 'failed', 'cancelled']);

export interface ScenarioRouteOptions {
  /** Jobs per organisation and runs per Monte Carlo job (default `JOB_LIMIT_DEFAULTS`). */
  jobLimits?: Partial<JobLimits>;
}

export const scenarioRoutes: FastifyPluginAsyncZod<ScenarioRouteOptions> = async (app, options) => {
  const repository = new ModelRepository(app.db);
  const tags = ['scenarios'];
  const jobLimits: JobLimits = { ...JOB_LIMIT_DEFAULTS, ...options.jobLimits };
  const JobBody = jobBody(jobLimits.maxRuns);

  async function requireOrg(orgId: string) {
    const org = await repository.getOrganisation(orgId);
    if (!org) throw notFound('organisation', orgId);
    return org;
  }

  app.get(
    '/scenario-library',
    {
      config: { policy: { access: 'signedIn' } },
      schema: {
        tags,
        summary: 'The shipped scenario library (bilingual): pandemic lockdown, site loss, ransomware, supplier failure, outage, strike',
        response: { 200: ScenarioLibrary, ...ERRORS },
      },
    },
    async () => ({ items: await scenarioLibrary() }),
  );

  app.get(
    '/orgs/:org/scenarios',
    {
      config: { policy: { resource: 'scenarios', action: 'read' } },
      schema: {
        tags,
        summary: 'List the organisation’s scenarios',
        params: OrgParams,
        querystring: PageQuery,
        response: { 200: ScenarioList, ...ERRORS },
      },
    },
    async (request) => {
      const { query } = request;
      if (query.cursor && !isValidCursor(query.cursor, query.sort))
        throw new RempartError('invalid_input', 'The cursor does not come from this list.', [
          { path: 'query.cursor', rule: 'cursor', value: query.cursor, message: 'pass back nextCursor' },
        ]);
      await requireOrg(request.params.org);
      const page = await repository.listEntities(request.params.org, 'scenarios', query);
      return {
        ...page,
        items: page.items.map((scenario) => withAbilities(request, 'scenarios', scenario)),
        abilities: collectionAbilities(request, 'scenarios'),
      };
    },
  );

  app.get(
    '/orgs/:org/scenarios/:id',
    {
      config: { policy: { resource: 'scenarios', action: 'read' } },
      schema: { tags, summary: 'Read a scenario', params: ItemParams, response: { 200: ScenarioView, ...ERRORS } },
    },
    async (request) => {
      await requireOrg(request.params.org);
      const scenario = await repository.getEntity(request.params.org, 'scenarios', request.params.id);
      if (!scenario) throw notFound('scenario', request.params.id);
      return withAbilities(request, 'scenarios', scenario);
    },
  );

  app.post(
    '/orgs/:org/scenarios',
    {
      config: { policy: { resource: 'scenarios', action: 'create' } },
      schema: {
        tags,
        summary: 'Create a scenario (checked against the model)',
        params: OrgParams,
        body: ScenarioBody,
        response: { 201: ScenarioView, ...ERRORS },
      },
    },
    async (request, reply) => reply.code(201).send(withAbilities(request, 'scenarios', await saveScenario(app.db, request.params.org, request.body))),
  );

  app.put(
    '/orgs/:org/scenarios/:id',
    {
      config: { policy: { resource: 'scenarios', action: 'update' } },
      schema: { tags, summary: 'Replace a scenario', params: ItemParams, body: ScenarioBody, response: { 200: ScenarioView, ...ERRORS } },
    },
    async (request) => withAbilities(request, 'scenarios', await saveScenario(app.db, request.params.org, request.body, request.params.id)),
  );

  app.delete(
    '/orgs/:org/scenarios/:id',
    {
      config: { policy: { resource: 'scenarios', action: 'delete' } },
      schema: { tags, summary: 'Delete a scenario (its past runs are kept)', params: ItemParams, response: { 204: z.null(), ...ERRORS } },
    },
    async (request, reply) => {
      await deleteScenario(app.db, request.params.org, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/orgs/:org/scenarios/:id/simulate',
    {
      config: { policy: { resource: 'runs', action: 'create' } },
      schema: {
        tags,
        summary: 'Simulate the scenario on the current model now (uncertain numbers at their mean) and keep the result',
        params: ItemParams,
        response: { 201: RunSchema, ...ERRORS },
      },
    },
    async (request, reply) => reply.code(201).send(presentRun(request, await simulateStored(app.db, request.params.org, request.params.id))),
  );

  app.post(
    '/orgs/:org/runs',
    {
      config: { policy: { resource: 'runs', action: 'create' } },
      schema: {
        tags,
        summary: 'Queue a Monte Carlo or a recommendation; poll GET /runs/{run} or stream /runs/{run}/events',
        description: `An organisation may have ${jobLimits.perOrganisation} queued or running jobs at once (REMPART_JOBS_PER_ORG): one more is refused with 429 rate_limited. Jobs of all organisations share the runners fairly: a long Monte Carlo job gives way to another organisation's job at the end of each turn.`,
        params: OrgParams,
        body: JobBody,
        response: { 202: RunSchema, ...ERRORS },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const run =
        body.kind === 'montecarlo'
          ? await enqueueRun(app.db, request.params.org, { kind: 'montecarlo', scenarios: [body.scenario], runs: body.runs, seed: body.seed }, jobLimits)
          : await enqueueRun(app.db, request.params.org, { kind: 'recommendation', scenarios: body.scenarios, candidates: body.candidates }, jobLimits);
      return reply.code(202).header('location', `/api/orgs/${request.params.org}/runs/${run.id}`).send(presentRun(request, run));
    },
  );

  app.get(
    '/orgs/:org/runs',
    {
      config: { policy: { resource: 'runs', action: 'read' } },
      schema: {
        tags,
        summary: 'Recent runs, newest first (without their results)',
        params: OrgParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), scenario: Id.optional() }).strict(),
        response: { 200: RunList, ...ERRORS },
      },
    },
    async (request) => ({
      items: (await listRuns(app.db, request.params.org, request.query.limit, request.query.scenario)).map((run) => presentRun(request, run)),
    }),
  );

  app.get(
    '/orgs/:org/runs/:run',
    {
      config: { policy: { resource: 'runs', action: 'read' } },
      schema: { tags, summary: 'A run with its progress and, when done, its result', params: RunParams, response: { 200: RunSchema, ...ERRORS } },
    },
    async (request) => presentRun(request, await getRun(app.db, request.params.org, request.params.run)),
  );

  app.post(
    '/orgs/:org/runs/:run/cancel',
    {
      config: { policy: { resource: 'runs', action: 'cancel' } },
      schema: { tags, summary: 'Cancel a queued or running job', params: RunParams, response: { 200: RunSchema, ...ERRORS } },
    },
    async (request) => presentRun(request, await cancelRun(app.db, request.params.org, request.params.run)),
  );

  app.get(
    '/orgs/:org/runs/:run/events',
    {
      config: { policy: { resource: 'runs', action: 'read' } },
      schema: {
        tags,
        summary: 'Server-sent events: `progress` ({status, progress}) until a final `end` event carrying the run',
        params: RunParams,
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const { org, run: runId } = request.params;
      // An unknown run is a 404 before the stream opens.
      const current = await getRun(app.db, org, runId);
      const state = async (run: Run) =>
        TERMINAL.has(run.status) ? { type: 'end', data: presentRun(request, run) } : { type: 'progress', data: { status: run.status, progress: run.progress } };
      await streamLiveEvents(request, reply, app.liveEvents, {
        org,
        topic: `run:${runId}`,
        initial: async () => [await state(current)],
        present: async (event) => {
          const { status, progress } = event.data as { status: Run['status']; progress: number };
          return TERMINAL.has(status) ? state(await getRun(app.db, org, runId)) : { type: 'progress', data: { status, progress } };
        },
        endsWith: (event) => event.type === 'end',
      });
    },
  );
};
