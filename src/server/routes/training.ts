// Training and awareness campaigns over HTTP: launch for an audience of the directory, list with completion, one
// campaign with each person's state and completion per site and activity, close; and a member's own training
// (the campaigns asking them, matched by e-mail address) with their acknowledgement and quiz.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TrainingAnswer, TrainingLaunch } from '../../model/assurance.js';
import { MyTrainingList, TrainingAnswerResult, TrainingCampaignList, TrainingCampaignView } from '../../model/contract/assurance.js';
import { Id } from '../../model/organisation.js';
import {
  answerAsMember,
  closeTraining,
  getTrainingCampaign,
  launchTraining,
  listTrainingCampaigns,
  myTraining,
  trainingCampaignView,
} from '../../operations/training.js';
import { actingOf, collectionAbilities, subjectOf } from '../access.js';
import { can } from '../policies/index.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['Training'];
const CampaignParams = z.object({ org: Id, campaign: z.uuid({ message: 'a campaign id (UUID)' }) });

export const trainingRoutes: FastifyPluginAsyncZod = async (app) => {
  const full = async (request: FastifyRequest, org: string, id: string) => {
    const view = await trainingCampaignView(app.db, org, await getTrainingCampaign(app.db, org, id));
    return { ...view, abilities: { close: view.status === 'open' && can(subjectOf(request), 'trainingCampaigns', 'update') } };
  };

  app.get(
    '/orgs/:org/training-campaigns',
    {
      config: { policy: { resource: 'trainingCampaigns', action: 'read' } },
      schema: {
        tags,
        summary: 'Training and awareness campaigns, the latest first, with their completion',
        params: OrgParams,
        response: { 200: TrainingCampaignList, ...ERRORS },
      },
    },
    async (request) => {
      const items = await listTrainingCampaigns(app.db, request.params.org);
      return { items, nextCursor: null, total: items.length, abilities: collectionAbilities(request, 'trainingCampaigns') };
    },
  );

  app.post(
    '/orgs/:org/training-campaigns',
    {
      config: { policy: { resource: 'trainingCampaigns', action: 'create' } },
      schema: {
        tags,
        summary: 'Launch a campaign: each person of the audience gets a personal link (by e-mail when mail is configured) and reminders before the due date',
        description:
          'The audience is drawn from the people directory (400 `audience_empty` when nobody matches). The answer lists the personal links once, to hand out where mail is not configured.',
        params: OrgParams,
        body: TrainingLaunch,
        response: { 201: TrainingCampaignView, ...ERRORS },
      },
    },
    async (request, reply) => {
      const { actor } = actingOf(request);
      const { id, links } = await launchTraining(app.db, request.params.org, request.body, actor);
      return reply.code(201).send({ ...(await full(request, request.params.org, id)), links });
    },
  );

  app.get(
    '/orgs/:org/training-campaigns/:campaign',
    {
      config: { policy: { resource: 'trainingCampaigns', action: 'read' } },
      schema: {
        tags,
        summary: 'A campaign with each person’s state and completion per site and activity',
        params: CampaignParams,
        response: { 200: TrainingCampaignView, ...ERRORS },
      },
    },
    async (request) => full(request, request.params.org, request.params.campaign),
  );

  app.post(
    '/orgs/:org/training-campaigns/:campaign/close',
    {
      config: { policy: { resource: 'trainingCampaigns', action: 'update' } },
      schema: {
        tags,
        summary: 'Close a campaign: its links stop working, completion is kept',
        params: CampaignParams,
        response: { 200: TrainingCampaignView, ...ERRORS },
      },
    },
    async (request) => {
      await closeTraining(app.db, request.params.org, request.params.campaign, actingOf(request).actor);
      return full(request, request.params.org, request.params.campaign);
    },
  );

  app.get(
    '/orgs/:org/my-training',
    {
      config: { policy: { resource: 'trainingAnswers', action: 'read' } },
      schema: {
        tags,
        summary: 'The open campaigns asking the signed-in member (matched to the directory by e-mail address), without the quiz’s answers',
        params: OrgParams,
        response: { 200: MyTrainingList, ...ERRORS },
      },
    },
    async (request) => ({ items: await myTraining(app.db, request.params.org, subjectOf(request).email) }),
  );

  app.post(
    '/orgs/:org/my-training/:campaign',
    {
      config: { policy: { resource: 'trainingAnswers', action: 'create' } },
      schema: {
        tags,
        summary: 'Acknowledge a campaign (and answer its quiz) as the signed-in member',
        description: 'Below the pass mark the answer is recorded as failed and may be given again; a completed assignment is final (409).',
        params: CampaignParams,
        body: TrainingAnswer,
        response: { 200: TrainingAnswerResult, ...ERRORS },
      },
    },
    async (request) => {
      const subject = subjectOf(request);
      return answerAsMember(app.db, request.params.org, request.params.campaign, { email: subject.email, label: actingOf(request).actor.label }, request.body);
    },
  );
};
