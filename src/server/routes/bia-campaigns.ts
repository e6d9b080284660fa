// BIA campaigns over HTTP: launch over chosen activities, list with progress, one campaign with its tasks and
// progress per owner, an owner's open tasks, sign-off by the activity's owner, approval or return by the manager,
// and the diff of the approved BIA with the previous campaign.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BiaCampaignLaunch, BiaReview, BiaSignOff } from '../../model/bia-campaign.js';
import { BiaCampaignList, BiaCampaignView, BiaDiff, BiaTaskList, type BiaTaskView } from '../../model/contract/bia-campaigns.js';
import { Id } from '../../model/organisation.js';
import { campaignDiff, campaignView, getCampaign, launchCampaign, listCampaigns, openTasks, reviewTask, signOff } from '../../operations/bia-campaigns.js';
import { actingOf, collectionAbilities, subjectOf } from '../access.js';
import { can } from '../policies/index.js';
import { ownsActivity } from '../policies/programme.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['BIA campaigns'];
const CampaignParams = z.object({ org: Id, campaign: z.uuid({ message: 'a campaign id (UUID)' }) });
const TaskParams = CampaignParams.extend({ activity: Id });

export const biaCampaignRoutes: FastifyPluginAsyncZod = async (app) => {
  /** What the caller may do on a task: sign it off (its owner, while pending or returned), review it (once submitted). */
  const taskAbilities = (request: FastifyRequest, task: BiaTaskView) => {
    const subject = subjectOf(request);
    return {
      signOff: (task.status === 'pending' || task.status === 'returned') && can(subject, 'biaTasks', 'update', { owner: task.owner }),
      review: task.status === 'submitted' && can(subject, 'biaCampaigns', 'update'),
    };
  };
  const full = async (request: FastifyRequest, org: string, id: string) => {
    const view = await campaignView(app.db, org, await getCampaign(app.db, org, id));
    return { ...view, tasks: view.tasks.map((task) => ({ ...task, abilities: taskAbilities(request, task) })) };
  };

  app.get(
    '/orgs/:org/bia-campaigns',
    {
      config: { policy: { resource: 'biaCampaigns', action: 'read' } },
      schema: { tags, summary: 'BIA campaigns, the latest first, with their progress', params: OrgParams, response: { 200: BiaCampaignList, ...ERRORS } },
    },
    async (request) => {
      const items = await listCampaigns(app.db, request.params.org);
      return { items, nextCursor: null, total: items.length, abilities: collectionAbilities(request, 'biaCampaigns') };
    },
  );

  app.post(
    '/orgs/:org/bia-campaigns',
    {
      config: { policy: { resource: 'biaCampaigns', action: 'create' } },
      schema: {
        tags,
        summary: 'Launch a campaign: each chosen activity’s owner gets a task to fill in and sign off its impacts by the due date',
        description: 'Every activity must exist and have an owner (400 `no_owner`).',
        params: OrgParams,
        body: BiaCampaignLaunch,
        response: { 201: BiaCampaignView, ...ERRORS },
      },
    },
    async (request, reply) => {
      const id = await launchCampaign(app.db, request.params.org, request.body, actingOf(request).actor);
      return reply.code(201).send(await full(request, request.params.org, id));
    },
  );

  app.get(
    '/orgs/:org/bia-tasks',
    {
      config: { policy: { resource: 'biaCampaigns', action: 'read' } },
      schema: {
        tags,
        summary: 'Open tasks of BIA campaigns: by default those of the activities the caller owns (`mine=false`: all)',
        params: OrgParams,
        querystring: z.object({ mine: z.enum(['true', 'false']).default('true') }).strict(),
        response: { 200: BiaTaskList, ...ERRORS },
      },
    },
    async (request) => {
      const subject = subjectOf(request);
      const mine = request.query.mine === 'true';
      const items = (await openTasks(app.db, request.params.org, (task) => !mine || ownsActivity(task.owner, subject))).map((task) => ({
        ...task,
        abilities: taskAbilities(request, task),
      }));
      return { items, total: items.length };
    },
  );

  app.get(
    '/orgs/:org/bia-campaigns/:campaign',
    {
      config: { policy: { resource: 'biaCampaigns', action: 'read' } },
      schema: { tags, summary: 'A campaign with its tasks and progress per owner', params: CampaignParams, response: { 200: BiaCampaignView, ...ERRORS } },
    },
    async (request) => full(request, request.params.org, request.params.campaign),
  );

  app.get(
    '/orgs/:org/bia-campaigns/:campaign/diff',
    {
      config: { policy: { resource: 'biaCampaigns', action: 'read' } },
      schema: {
        tags,
        summary: 'What changed in the approved impacts (and MTPD, RTO, MBCO) since the previous approved campaign',
        params: CampaignParams,
        response: { 200: BiaDiff, ...ERRORS },
      },
    },
    async (request) => campaignDiff(app.db, request.params.org, await getCampaign(app.db, request.params.org, request.params.campaign)),
  );

  app.post(
    '/orgs/:org/bia-campaigns/:campaign/tasks/:activity/sign-off',
    {
      config: { policy: { resource: 'biaTasks', action: 'update' } },
      schema: {
        tags,
        summary: 'Sign off the activity’s impacts (its owner, after filling them in with PATCH /activities/{id})',
        params: TaskParams,
        body: BiaSignOff,
        response: { 200: BiaCampaignView, ...ERRORS },
      },
    },
    async (request) => {
      const { org, campaign, activity } = request.params;
      await signOff(app.db, org, campaign, activity, request.body.note, actingOf(request).actor);
      return full(request, org, campaign);
    },
  );

  app.post(
    '/orgs/:org/bia-campaigns/:campaign/tasks/:activity/review',
    {
      config: { policy: { resource: 'biaCampaigns', action: 'update' } },
      schema: {
        tags,
        summary: 'Approve the signed-off impacts (snapshotted: the BIA version) or return them with a comment',
        params: TaskParams,
        body: BiaReview,
        response: { 200: BiaCampaignView, ...ERRORS },
      },
    },
    async (request) => {
      const { org, campaign, activity } = request.params;
      await reviewTask(app.db, org, campaign, activity, request.body, actingOf(request).actor);
      return full(request, org, campaign);
    },
  );
};
