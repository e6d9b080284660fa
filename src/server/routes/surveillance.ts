// Surveillance (issue 13): each organisation's daily aggregates of completed orientation questionnaires, published
// with small-cell suppression, as JSON and CSV; its records in the official data-sharing columns; its settings; and
// the deployment's network view of the organisations that opt in.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NetworkSurveillanceView, SurveillanceSettings, SurveillanceView } from '../../model/contract/surveillance.js';
import {
  aggregatesCsv,
  networkView,
  period,
  readSurveillanceSettings,
  recordsCsv,
  surveillanceView,
  updateSurveillanceSettings,
} from '../../operations/surveillance.js';
import { withAbilities } from '../access.js';
import { ERRORS, ItemAbilities, OrgParams, withoutReadOnly } from './shared.js';

const tags = ['surveillance'];
const CSV = 'text/csv; charset=utf-8';
const Day = z.iso.date({ message: 'a day: YYYY-MM-DD' });
const Period = z
  .object({
    from: Day.optional().meta({ description: 'First day (default: 29 days before `to`)' }),
    to: Day.optional().meta({ description: 'Last day (default: today)' }),
  })
  .strict();
const SettingsView = SurveillanceSettings.extend({ abilities: ItemAbilities });

export const surveillanceRoutes: FastifyPluginAsyncZod = async (app) => {
  const now = () => app.access.sessions.now();

  app.get(
    '/orgs/:org/surveillance',
    {
      config: { policy: { resource: 'surveillance', action: 'read' } },
      schema: {
        tags,
        summary: 'Daily aggregates by department × orientation × age range, small cells hidden',
        description:
          'A count below the organisation’s k is null, and so is any figure from which a hidden one could be worked out (a total minus the other parts).',
        params: OrgParams,
        querystring: Period,
        response: { 200: SurveillanceView, ...ERRORS },
      },
    },
    async (request) => surveillanceView(app.db, request.params.org, period(request.query, now())),
  );

  app.get(
    '/orgs/:org/surveillance/aggregates.csv',
    {
      config: { policy: { resource: 'surveillance', action: 'read' } },
      schema: {
        tags,
        summary: 'The published aggregates as CSV: day, level, department, orientation, age_range, count (empty when hidden), suppressed',
        params: OrgParams,
        querystring: Period,
        produces: [CSV],
      },
    },
    async (request, reply) => {
      const view = await surveillanceView(app.db, request.params.org, period(request.query, now()));
      return reply.type(CSV).header('content-disposition', `attachment; filename="${request.params.org}-surveillance.csv"`).send(aggregatesCsv(view));
    },
  );

  app.get(
    '/orgs/:org/surveillance/records.csv',
    {
      config: { policy: { resource: 'surveillance', action: 'read' } },
      schema: {
        tags,
        summary: 'The organisation’s own records in the official data-sharing CSV columns (schema 2020-06-09), minimised',
        params: OrgParams,
        querystring: Period,
        produces: [CSV],
      },
    },
    async (request, reply) => {
      const file = await recordsCsv(app.db, request.params.org, period(request.query, now()));
      return reply.type(CSV).header('content-disposition', `attachment; filename="${request.params.org}-orientation-records.csv"`).send(file);
    },
  );

  app.get(
    '/orgs/:org/surveillance/settings',
    {
      config: { policy: { resource: 'surveillance', action: 'read' } },
      schema: {
        tags,
        summary: 'The smallest count published (k), the retention of records, sharing with the network',
        params: OrgParams,
        response: { 200: SettingsView, ...ERRORS },
      },
    },
    async (request) => withAbilities(request, 'surveillance', await readSurveillanceSettings(app.db, request.params.org)),
  );

  app.put(
    '/orgs/:org/surveillance/settings',
    {
      bodyLimit: 4096,
      config: { policy: { resource: 'surveillance', action: 'update' } },
      schema: {
        tags,
        summary: 'Change k, the retention of records, or sharing with the network',
        params: OrgParams,
        body: z.preprocess((body) => withoutReadOnly(body, ['abilities']), SurveillanceSettings),
        response: { 200: SettingsView, ...ERRORS },
      },
    },
    async (request) => withAbilities(request, 'surveillance', await updateSurveillanceSettings(app.db, request.params.org, request.body, now())),
  );

  app.get(
    '/surveillance/network',
    {
      config: { policy: { access: 'signedIn' } },
      schema: {
        tags,
        summary: 'The deployment’s network: the aggregates of every organisation that opts in, counted together, small cells hidden',
        description: 'Hidden with the largest k any member asked for. Only published figures: no organisation is named, no record shown.',
        querystring: Period,
        response: { 200: NetworkSurveillanceView, ...ERRORS },
      },
    },
    async (request) => networkView(app.db, period(request.query, now())),
  );
};
