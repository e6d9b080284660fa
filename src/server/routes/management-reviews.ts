// Management reviews over HTTP: create (the agenda generated from the programme's state), read, change attendees
// and minutes, refresh the agenda, record decisions (corrective actions with source `review`) and close with a
// signature; plus the clause tracker, its gap report and the programme's health.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { programmeHealth } from '../../engine/assurance.js';
import { ClauseChange, ReviewChange, ReviewClosure, ReviewCreation, ReviewDecision } from '../../model/assurance.js';
import { ClauseList, ClauseView, GapReport, ManagementReviewList, ManagementReviewView, ProgrammeHealth } from '../../model/contract/assurance.js';
import { Id } from '../../model/organisation.js';
import { clauseGapReport, listClauses, setClause } from '../../operations/clauses.js';
import {
  addReviewDecision,
  changeManagementReview,
  closeManagementReview,
  createManagementReview,
  getManagementReview,
  listManagementReviews,
  managementReviewView,
  refreshAgenda,
} from '../../operations/management-reviews.js';
import { programmeState } from '../../operations/programme-state.js';
import { actingOf, collectionAbilities, subjectOf } from '../access.js';
import { can } from '../policies/index.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['Management reviews'];
const ReviewParams = z.object({ org: Id, review: z.uuid({ message: 'a review id (UUID)' }) });
const ClauseParams = z.object({
  org: Id,
  clause: z
    .string()
    .max(10)
    .regex(/^\d{1,2}(\.\d{1,2}){0,2}$/, { message: 'a clause number such as 8.2.2' }),
});

export const managementReviewRoutes: FastifyPluginAsyncZod = async (app) => {
  const full = async (request: FastifyRequest, org: string, id: string) => {
    const view = await managementReviewView(app.db, org, await getManagementReview(app.db, org, id));
    const subject = subjectOf(request);
    const open = view.status === 'open';
    return { ...view, abilities: { update: open && can(subject, 'managementReviews', 'update'), sign: open && can(subject, 'managementReviews', 'sign') } };
  };

  app.get(
    '/orgs/:org/management-reviews',
    {
      config: { policy: { resource: 'managementReviews', action: 'read' } },
      schema: { tags, summary: 'Management reviews, the latest first', params: OrgParams, response: { 200: ManagementReviewList, ...ERRORS } },
    },
    async (request) => {
      const items = await listManagementReviews(app.db, request.params.org);
      return { items, nextCursor: null, total: items.length, abilities: collectionAbilities(request, 'managementReviews') };
    },
  );

  app.post(
    '/orgs/:org/management-reviews',
    {
      config: { policy: { resource: 'managementReviews', action: 'create' } },
      schema: {
        tags,
        summary: 'Create a review: its agenda is generated from the programme’s state since the previous review',
        params: OrgParams,
        body: ReviewCreation,
        response: { 201: ManagementReviewView, ...ERRORS },
      },
    },
    async (request, reply) => {
      const id = await createManagementReview(app.db, request.params.org, request.body, actingOf(request).actor);
      return reply.code(201).send(await full(request, request.params.org, id));
    },
  );

  app.get(
    '/orgs/:org/management-reviews/:review',
    {
      config: { policy: { resource: 'managementReviews', action: 'read' } },
      schema: {
        tags,
        summary: 'A review with its agenda, minutes, attendees and decisions',
        params: ReviewParams,
        response: { 200: ManagementReviewView, ...ERRORS },
      },
    },
    async (request) => full(request, request.params.org, request.params.review),
  );

  app.patch(
    '/orgs/:org/management-reviews/:review',
    {
      config: { policy: { resource: 'managementReviews', action: 'update' } },
      schema: {
        tags,
        summary: 'Change the title, day, attendees or minutes of an open review',
        params: ReviewParams,
        body: ReviewChange,
        response: { 200: ManagementReviewView, ...ERRORS },
      },
    },
    async (request) => {
      await changeManagementReview(app.db, request.params.org, request.params.review, request.body);
      return full(request, request.params.org, request.params.review);
    },
  );

  app.post(
    '/orgs/:org/management-reviews/:review/agenda',
    {
      config: { policy: { resource: 'managementReviews', action: 'update' } },
      schema: {
        tags,
        summary: 'Draw the agenda again from the programme’s state now (minutes kept)',
        params: ReviewParams,
        response: { 200: ManagementReviewView, ...ERRORS },
      },
    },
    async (request) => {
      await refreshAgenda(app.db, request.params.org, request.params.review);
      return full(request, request.params.org, request.params.review);
    },
  );

  app.post(
    '/orgs/:org/management-reviews/:review/decisions',
    {
      config: { policy: { resource: 'managementReviews', action: 'update' } },
      schema: {
        tags,
        summary: 'Record a decision: it becomes a corrective action with source `review`',
        params: ReviewParams,
        body: ReviewDecision,
        response: { 201: ManagementReviewView, ...ERRORS },
      },
    },
    async (request, reply) => {
      await addReviewDecision(app.db, request.params.org, request.params.review, request.body, actingOf(request).actor);
      return reply.code(201).send(await full(request, request.params.org, request.params.review));
    },
  );

  app.post(
    '/orgs/:org/management-reviews/:review/close',
    {
      config: { policy: { resource: 'managementReviews', action: 'sign' } },
      schema: {
        tags,
        summary: 'Close and sign the review: it is then final',
        params: ReviewParams,
        body: ReviewClosure,
        response: { 200: ManagementReviewView, ...ERRORS },
      },
    },
    async (request) => {
      await closeManagementReview(app.db, request.params.org, request.params.review, request.body.signature, actingOf(request).actor);
      return full(request, request.params.org, request.params.review);
    },
  );

  app.get(
    '/orgs/:org/clauses',
    {
      config: { policy: { resource: 'clauses', action: 'read' } },
      schema: {
        tags: ['ISO 22301 clauses'],
        summary: 'ISO 22301 clauses 4 to 10 with the organisation’s status, owner, notes, evidence and suggested evidence',
        params: OrgParams,
        response: { 200: ClauseList, ...ERRORS },
      },
    },
    async (request) => ({ ...(await listClauses(app.db, request.params.org)), abilities: { update: can(subjectOf(request), 'clauses', 'update') } }),
  );

  app.get(
    '/orgs/:org/clauses/gaps',
    {
      config: { policy: { resource: 'clauses', action: 'read' } },
      schema: {
        tags: ['ISO 22301 clauses'],
        summary: 'The gap report: applicable clauses not implemented, or without evidence or owner',
        params: OrgParams,
        response: { 200: GapReport, ...ERRORS },
      },
    },
    async (request) => clauseGapReport(app.db, request.params.org),
  );

  app.put(
    '/orgs/:org/clauses/:clause',
    {
      config: { policy: { resource: 'clauses', action: 'update' } },
      schema: {
        tags: ['ISO 22301 clauses'],
        summary: 'Set a clause’s status, owner, notes and evidence (Rempart records or uploaded files)',
        params: ClauseParams,
        body: ClauseChange,
        response: { 200: ClauseView, ...ERRORS },
      },
    },
    async (request) => {
      await setClause(app.db, request.params.org, request.params.clause, request.body, actingOf(request).actor);
      return (await listClauses(app.db, request.params.org)).items.find((item) => item.id === request.params.clause)!;
    },
  );

  app.get(
    '/orgs/:org/programme-health',
    {
      config: { policy: { resource: 'organisation', action: 'read' } },
      schema: {
        tags: ['Management reviews'],
        summary:
          'Programme health: BIA up to date, plans approved and reviewed, exercises and coverage, training completion, actions overdue, clauses implemented',
        params: OrgParams,
        response: { 200: ProgrammeHealth, ...ERRORS },
      },
    },
    async (request) => programmeHealth(await programmeState(app.db, request.params.org)),
  );
};
