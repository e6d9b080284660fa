// The exercise programme over HTTP (ISO 22301 8.5): plan, list and export as iCalendar, change before the start,
// start (live test: an incident with the exercise flag; simulation: the scenario engine), send injects, observers'
// notes, complete with results; coverage of critical activities and a suggested next programme.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ExerciseCoverage, ExerciseList, ExerciseView } from '../../model/contract/exercises.js';
import { CoverageQuery, ExerciseChange, ExerciseCompletion, ExerciseCreation, ExerciseQuery, ExerciseStart, ObserverNote } from '../../model/exercise.js';
import { Id } from '../../model/organisation.js';
import {
  addObserverNote,
  changeExercise,
  completeExercise,
  createExercise,
  exerciseCoverage,
  getExercise,
  presentExercise,
  sendInject,
  startExercise,
} from '../../operations/exercises.js';
import { exercisesCalendar } from '../../operations/icalendar.js';
import type { IncidentActor } from '../../operations/incidents.js';
import { ExerciseRepository, type ExerciseRecord } from '../../store/exercise-repository.js';
import { actingOf, collectionAbilities, subjectOf, withAbilities } from '../access.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['exercises'];
const ExerciseParams = z.object({ org: Id, exercise: z.uuid({ message: 'an exercise id (UUID)' }) });
const InjectParams = ExerciseParams.extend({ inject: Id });

function actorOf(request: FastifyRequest): IncidentActor {
  const subject = subjectOf(request);
  return { id: subject.userId, label: actingOf(request).actor.label, roles: subject.roles, names: [subject.memberName, subject.email] };
}

export const exerciseRoutes: FastifyPluginAsyncZod = async (app) => {
  const view = (request: FastifyRequest, exercise: ExerciseRecord) => withAbilities(request, 'exercises', presentExercise(exercise));

  app.get(
    '/orgs/:org/exercises',
    {
      config: { policy: { resource: 'exercises', action: 'read' } },
      schema: {
        tags,
        summary: 'The exercise programme in schedule order',
        description: 'Filters: status, kind, from and to (scheduled time).',
        params: OrgParams,
        querystring: ExerciseQuery,
        response: { 200: ExerciseList, ...ERRORS },
      },
    },
    async (request) => {
      const { status, kind, from, to } = request.query;
      const items = await new ExerciseRepository(app.db).list(request.params.org, {
        status,
        kind,
        from: from ? new Date(from) : undefined,
        to: to ? new Date(to) : undefined,
      });
      return { items: items.map((item) => view(request, item)), nextCursor: null, total: items.length, abilities: collectionAbilities(request, 'exercises') };
    },
  );

  app.get(
    '/orgs/:org/exercises.ics',
    {
      config: { policy: { resource: 'exercises', action: 'read' } },
      schema: {
        tags,
        summary: 'The exercise programme as an iCalendar file (RFC 5545), for calendars',
        params: OrgParams,
        querystring: ExerciseQuery,
        produces: ['text/calendar'],
      },
    },
    async (request, reply) => {
      const { status, kind, from, to } = request.query;
      const items = await new ExerciseRepository(app.db).list(request.params.org, {
        status,
        kind,
        from: from ? new Date(from) : undefined,
        to: to ? new Date(to) : undefined,
      });
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="exercises-${request.params.org}.ics"`)
        .send(exercisesCalendar(request.params.org, items, new Date()));
    },
  );

  app.get(
    '/orgs/:org/exercises/coverage',
    {
      config: { policy: { resource: 'exercises', action: 'read' } },
      schema: {
        tags,
        summary: 'Critical activities not exercised in the last years, and a suggested next programme',
        description: 'Critical: an MTPD of at most `mtpdAtMost` hours (default 168, one week). Covered: in a completed exercise since `years` (default 3) ago.',
        params: OrgParams,
        querystring: CoverageQuery,
        response: { 200: ExerciseCoverage, ...ERRORS },
      },
    },
    async (request) => exerciseCoverage(app.db, request.params.org, request.query),
  );

  app.post(
    '/orgs/:org/exercises',
    {
      config: { policy: { resource: 'exercises', action: 'create' } },
      schema: {
        tags,
        summary: 'Plan an exercise: kind, schedule, participants, objectives, injects, the activities exercised',
        params: OrgParams,
        body: ExerciseCreation,
        response: { 201: ExerciseView, ...ERRORS },
      },
    },
    async (request, reply) => {
      const { org } = request.params;
      const id = await createExercise(app.db, org, request.body, actingOf(request).actor);
      return reply.code(201).send(view(request, await getExercise(app.db, org, id)));
    },
  );

  app.get(
    '/orgs/:org/exercises/:exercise',
    {
      config: { policy: { resource: 'exercises', action: 'read' } },
      schema: { tags, summary: 'One exercise with its results', params: ExerciseParams, response: { 200: ExerciseView, ...ERRORS } },
    },
    async (request) => view(request, await getExercise(app.db, request.params.org, request.params.exercise)),
  );

  app.patch(
    '/orgs/:org/exercises/:exercise',
    {
      config: { policy: { resource: 'exercises', action: 'update' } },
      schema: {
        tags,
        summary: 'Change a planned exercise (lists replace the previous ones), or cancel it (`status: cancelled`)',
        params: ExerciseParams,
        body: ExerciseChange,
        response: { 200: ExerciseView, ...ERRORS },
      },
    },
    async (request) => view(request, await changeExercise(app.db, request.params.org, request.params.exercise, request.body)),
  );

  app.post(
    '/orgs/:org/exercises/:exercise/start',
    {
      config: { policy: { resource: 'exercises', action: 'update' } },
      schema: {
        tags,
        summary: 'Start: a live test declares its incident (exercise flag); a simulation runs the scenario engine',
        description:
          '`at`: when it began (default now); a live test’s incident starts then, and each of its injects is queued to be sent at `at` plus its minutes (those already due go at once; one sent by hand before is not sent again).',
        params: ExerciseParams,
        body: ExerciseStart.nullish(),
        response: { 200: ExerciseView, ...ERRORS },
      },
    },
    async (request) => view(request, await startExercise(app.db, request.params.org, request.params.exercise, request.body ?? {}, actorOf(request))),
  );

  app.post(
    '/orgs/:org/exercises/:exercise/injects/:inject/send',
    {
      config: { policy: { resource: 'exercises', action: 'update' } },
      schema: {
        tags,
        summary: 'Send an inject to the players now, before its time (a live test’s goes to its crisis log); 409 `sent` once it went',
        params: InjectParams,
        response: { 200: ExerciseView, ...ERRORS },
      },
    },
    async (request) => view(request, await sendInject(app.db, request.params.org, request.params.exercise, request.params.inject, actorOf(request))),
  );

  app.post(
    '/orgs/:org/exercises/:exercise/notes',
    {
      config: { policy: { resource: 'exercises', action: 'update' } },
      schema: { tags, summary: 'An observer’s note, time-stamped', params: ExerciseParams, body: ObserverNote, response: { 200: ExerciseView, ...ERRORS } },
    },
    async (request) => view(request, await addObserverNote(app.db, request.params.org, request.params.exercise, request.body.text, actingOf(request).actor)),
  );

  app.post(
    '/orgs/:org/exercises/:exercise/complete',
    {
      config: { policy: { resource: 'exercises', action: 'update' } },
      schema: {
        tags,
        summary: 'Complete with results: objectives met, measured recovery against RTO, lessons (with an action: a corrective action)',
        description:
          'A live test’s recovery comes from its incident’s review (close the incident first: 409 `incident_open`), a simulation’s from its run; a tabletop or walkthrough gives the observed times.',
        params: ExerciseParams,
        body: ExerciseCompletion,
        response: { 200: ExerciseView, ...ERRORS },
      },
    },
    async (request) => view(request, await completeExercise(app.db, request.params.org, request.params.exercise, request.body, actingOf(request).actor)),
  );
};
