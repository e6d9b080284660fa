// Incidents over HTTP: declare and list, change what is known, activate approved plans, tasks, the crisis log (JSON,
// CSV, PDF), the situation board with MTPD countdowns, the projection, live events, closure with its review (its
// lessons' corrective actions are followed up in routes/corrective-actions.ts).
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ActivityStatusChange,
  IncidentChange,
  IncidentClosure,
  IncidentDeclaration,
  LogEntryWrite,
  PlanActivationRequest,
  TaskChange,
} from '../../model/incident.js';
import { Id } from '../../model/organisation.js';
import { CrisisLog, IncidentList, IncidentReview, IncidentView, LogEntryView, Projection, SituationBoard, TaskList } from '../../model/contract/incidents.js';
import { logCsv, logPdf } from '../../operations/documents.js';
import {
  activatePlan,
  appendLogEntry,
  changeIncident,
  closeIncident,
  crisisLog,
  crisisLogEntry,
  declareIncident,
  getIncident,
  incidentReview,
  incidentTasks,
  presentIncidents,
  projectIncident,
  setActivityStatus,
  setTaskStatus,
  situationBoard,
  type IncidentActor,
} from '../../operations/incidents.js';
import { IncidentRepository } from '../../store/incident-repository.js';
import { streamLiveEvents } from '../live-events.js';
import { actingOf, collectionAbilities, subjectOf, withAbilities } from '../access.js';
import { can } from '../policies/index.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['incidents'];
const IncidentParams = z.object({ org: Id, incident: z.uuid({ message: 'an incident id (UUID)' }) });
const TaskParams = IncidentParams.extend({ task: z.uuid({ message: 'a task id (UUID)' }) });
const ActivityParams = IncidentParams.extend({ activity: Id });
const Language = z.object({ lang: z.enum(['en', 'fr']).default('en') }).strict();
const ListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z
      .string()
      .max(200)
      .regex(/^\d{13}_[0-9a-f-]{36}$/, { message: 'nextCursor of the previous page' })
      .optional(),
    status: z.enum(['open', 'closed']).optional(),
    exercise: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .optional(),
  })
  .strict();

function actorOf(request: FastifyRequest): IncidentActor {
  const subject = subjectOf(request);
  return { id: subject.userId, label: actingOf(request).actor.label, roles: subject.roles, names: [subject.memberName, subject.email] };
}

export const incidentRoutes: FastifyPluginAsyncZod = async (app) => {
  const one = async (request: FastifyRequest, org: string, id: string) =>
    withAbilities(request, 'incidents', (await presentIncidents(app.db, org, [await getIncident(app.db, org, id)]))[0]);

  app.get(
    '/orgs/:org/incidents',
    {
      config: { policy: { resource: 'incidents', action: 'read' } },
      schema: {
        tags,
        summary: 'List incidents and exercises, newest first',
        description: 'Paged by cursor: pass `nextCursor` back as `cursor`.',
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: IncidentList, ...ERRORS },
      },
    },
    async (request) => {
      const { org } = request.params;
      const { limit, cursor, status, exercise } = request.query;
      const before = cursor ? { at: new Date(Number(cursor.slice(0, 13))), id: cursor.slice(14) } : undefined;
      const page = await new IncidentRepository(app.db).list(org, { limit: limit + 1, before, status, exercise });
      const items = page.items.slice(0, limit);
      const last = items[items.length - 1];
      return {
        items: (await presentIncidents(app.db, org, items)).map((item) => withAbilities(request, 'incidents', item)),
        nextCursor: page.items.length > limit && last ? `${String(last.declaredAt.getTime()).padStart(13, '0')}_${last.id}` : null,
        total: page.total,
        abilities: collectionAbilities(request, 'incidents'),
      };
    },
  );

  app.post(
    '/orgs/:org/incidents',
    {
      config: { policy: { resource: 'incidents', action: 'create' } },
      schema: {
        tags,
        summary: 'Declare an incident (or an exercise, `exercise: true`)',
        description: 'Affected activities appear on the situation board, stopped since the start, their MTPD counting down.',
        params: OrgParams,
        body: IncidentDeclaration,
        response: { 201: IncidentView, ...ERRORS },
      },
    },
    async (request, reply) => {
      const id = await declareIncident(app.db, request.params.org, request.body, actorOf(request));
      return reply.code(201).send(await one(request, request.params.org, id));
    },
  );

  app.get(
    '/orgs/:org/incidents/:incident',
    {
      config: { policy: { resource: 'incidents', action: 'read' } },
      schema: { tags, summary: 'One incident', params: IncidentParams, response: { 200: IncidentView, ...ERRORS } },
    },
    async (request) => one(request, request.params.org, request.params.incident),
  );

  app.patch(
    '/orgs/:org/incidents/:incident',
    {
      config: { policy: { resource: 'incidents', action: 'update' } },
      schema: {
        tags,
        summary: 'Change what is known: title, severity, type, description, and what is down (lists replace the previous ones)',
        params: IncidentParams,
        body: IncidentChange,
        response: { 200: IncidentView, ...ERRORS },
      },
    },
    async (request) => {
      await changeIncident(app.db, request.params.org, request.params.incident, request.body, actorOf(request));
      return one(request, request.params.org, request.params.incident);
    },
  );

  app.post(
    '/orgs/:org/incidents/:incident/plans',
    {
      config: { policy: { resource: 'incidents', action: 'update' } },
      schema: {
        tags,
        summary: 'Activate an approved plan: its steps become tasks, due from the activation time',
        description: 'A plan that names who may activate it refuses others (403, rule `activators`).',
        params: IncidentParams,
        body: PlanActivationRequest,
        response: { 200: IncidentView, ...ERRORS },
      },
    },
    async (request) => {
      await activatePlan(app.db, request.params.org, request.params.incident, request.body, actorOf(request));
      return one(request, request.params.org, request.params.incident);
    },
  );

  app.get(
    '/orgs/:org/incidents/:incident/tasks',
    {
      config: { policy: { resource: 'incidents', action: 'read' } },
      schema: {
        tags,
        summary: 'The tasks of the activated plans, by due time; overdue ones are marked',
        params: IncidentParams,
        response: { 200: TaskList, ...ERRORS },
      },
    },
    async (request) => {
      const now = new Date();
      return {
        incident: request.params.incident,
        now: now.toISOString(),
        items: await incidentTasks(app.db, request.params.org, request.params.incident, now),
      };
    },
  );

  app.put(
    '/orgs/:org/incidents/:incident/tasks/:task',
    {
      config: { policy: { resource: 'incidents', action: 'update' } },
      schema: {
        tags,
        summary: 'Tick a task (done) or reopen it; the crisis log records it',
        params: TaskParams,
        body: TaskChange,
        response: { 200: TaskList, ...ERRORS },
      },
    },
    async (request) => {
      const { org, incident, task } = request.params;
      await setTaskStatus(app.db, org, incident, task, request.body, actorOf(request));
      const now = new Date();
      return { incident, now: now.toISOString(), items: await incidentTasks(app.db, org, incident, now) };
    },
  );

  app.get(
    '/orgs/:org/incidents/:incident/log',
    {
      config: { policy: { resource: 'incidents', action: 'read' } },
      schema: {
        tags,
        summary: 'The crisis log, oldest first (append-only: corrections are entries of their own)',
        params: IncidentParams,
        response: { 200: CrisisLog, ...ERRORS },
      },
    },
    async (request) => {
      const { incident, items } = await crisisLog(app.db, request.params.org, request.params.incident);
      return { incident: incident.id, exercise: incident.exercise, items };
    },
  );

  app.post(
    '/orgs/:org/incidents/:incident/log',
    {
      config: { policy: { resource: 'incidents', action: 'update' } },
      schema: {
        tags,
        summary: 'Append to the crisis log: a situation update, a decision (with who decided) or a message sent',
        description: 'Nothing is ever edited: to correct an entry, append one with `corrects` set to its number.',
        params: IncidentParams,
        body: LogEntryWrite,
        response: { 201: LogEntryView, ...ERRORS },
      },
    },
    async (request, reply) => {
      const { org, incident } = request.params;
      const seq = await appendLogEntry(app.db, org, incident, request.body, actorOf(request));
      return reply.code(201).send(await crisisLogEntry(app.db, org, incident, seq));
    },
  );

  app.get(
    '/orgs/:org/incidents/:incident/log.csv',
    {
      config: { policy: { resource: 'incidents', action: 'read' } },
      schema: { tags, summary: 'The crisis log as CSV', params: IncidentParams, produces: ['text/csv'] },
    },
    async (request, reply) => {
      const { items } = await crisisLog(app.db, request.params.org, request.params.incident);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="crisis-log-${request.params.incident}.csv"`)
        .send(logCsv(items));
    },
  );

  app.get(
    '/orgs/:org/incidents/:incident/log.pdf',
    {
      config: { policy: { resource: 'incidents', action: 'read' } },
      schema: { tags, summary: 'The crisis log as a PDF, in English or French', params: IncidentParams, querystring: Language, produces: ['application/pdf'] },
    },
    async (request, reply) => {
      const { incident, items } = await crisisLog(app.db, request.params.org, request.params.incident);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="crisis-log-${incident.id}-${request.query.lang}.pdf"`)
        .send(await logPdf(incident, items, request.query.lang));
    },
  );

  app.get(
    '/orgs/:org/incidents/:incident/board',
    {
      config: { policy: { resource: 'incidents', action: 'read' } },
      schema: {
        tags,
        summary: 'The situation board: per affected activity, its status since when and the hours left before its MTPD (most urgent first)',
        params: IncidentParams,
        response: { 200: SituationBoard, ...ERRORS },
      },
    },
    async (request) => {
      const board = await situationBoard(app.db, request.params.org, request.params.incident);
      const subject = subjectOf(request);
      // What the caller may do per activity: activity owners update their own.
      const activities = await Promise.all(
        board.activities.map(async (line) => ({
          ...line,
          abilities: { update: can(subject, 'incidentActivities', 'update', { owner: line.owner ?? undefined }) },
        })),
      );
      return { ...board, activities };
    },
  );

  app.put(
    '/orgs/:org/incidents/:incident/activities/:activity',
    {
      config: { policy: { resource: 'incidentActivities', action: 'update' } },
      schema: {
        tags,
        summary: 'Update an affected activity’s status (operating, degraded, stopped) on the board',
        description: 'Activity owners update their own activities; the crisis team and editors any.',
        params: ActivityParams,
        body: ActivityStatusChange,
        response: { 200: SituationBoard, ...ERRORS },
      },
    },
    async (request) => {
      const { org, incident, activity } = request.params;
      await setActivityStatus(app.db, org, incident, activity, request.body, actorOf(request));
      return situationBoard(app.db, org, incident);
    },
  );

  app.get(
    '/orgs/:org/incidents/:incident/projection',
    {
      config: { policy: { resource: 'incidents', action: 'read' } },
      schema: {
        tags,
        summary:
          'If this lasts: the engine runs from the live state (what is down since when, the plans’ strategies) and says which activities breach and when',
        params: IncidentParams,
        querystring: z.object({ horizon: z.coerce.number().int().min(24).max(8760).optional() }).strict(),
        response: { 200: Projection, ...ERRORS },
      },
    },
    async (request) => projectIncident(app.db, request.params.org, request.params.incident, { horizonHours: request.query.horizon }),
  );

  app.get(
    '/orgs/:org/incidents/:incident/events',
    {
      config: { policy: { resource: 'incidents', action: 'read' } },
      schema: {
        tags,
        summary: 'Server-sent events of the incident: every change (declare, update, activate_plan, task, log, activity_status, close)',
        params: IncidentParams,
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const { org, incident } = request.params;
      // An unknown incident is a 404 before the stream opens.
      await getIncident(app.db, org, incident);
      await streamLiveEvents(request, reply, app.liveEvents, { org, topic: `incident:${incident}` });
    },
  );

  app.post(
    '/orgs/:org/incidents/:incident/close',
    {
      config: { policy: { resource: 'incidents', action: 'update' } },
      schema: {
        tags,
        summary: 'Close the incident with its review: summary and lessons (a lesson with an action becomes a corrective action)',
        params: IncidentParams,
        body: IncidentClosure,
        response: { 200: IncidentReview, ...ERRORS },
      },
    },
    async (request) => {
      const { org, incident } = request.params;
      await closeIncident(app.db, org, incident, request.body, actorOf(request));
      return incidentReview(app.db, org, incident);
    },
  );

  app.get(
    '/orgs/:org/incidents/:incident/review',
    {
      config: { policy: { resource: 'incidents', action: 'read' } },
      schema: {
        tags,
        summary: 'The post-incident review: timeline, measured recovery per activity against its RTO, lessons and corrective actions',
        params: IncidentParams,
        response: { 200: IncidentReview, ...ERRORS },
      },
    },
    async (request) => incidentReview(app.db, request.params.org, request.params.incident),
  );
};
