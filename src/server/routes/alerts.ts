// Alerts of an incident over HTTP: send one (202: the messages leave through jobs), list and read them with their
// delivery counts, stop their waves, export one as CAP 1.2; the live availability board; a member's own check-in;
// the bilingual message templates.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RempartError } from '../../errors.js';
import { ALERT_CHANNELS, AlertRequest, CheckinAnswer } from '../../model/alert.js';
import { ALERT_TEMPLATES } from '../../model/alert-texts.js';
import { alertSettings, checkinUrlLength } from '../../operations/alert-settings.js';
import { AlertAccepted, AlertList, AlertTemplates, AlertView, Availability, CheckinResult, OwnCheckin } from '../../model/contract/alerts.js';
import { Id } from '../../model/organisation.js';
import { alertCap, availability, checkInAs, createAlert, getAlert, listAlerts, stopAlert } from '../../operations/alerts.js';
import type { IncidentActor } from '../../operations/incidents.js';
import { getIncident } from '../../operations/incidents.js';
import { AlertRepository, personByEmail } from '../../store/alert-repository.js';
import { actingOf, collectionAbilities, subjectOf, withAbilities } from '../access.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['alerts'];
const IncidentParams = z.object({ org: Id, incident: z.uuid({ message: 'an incident id (UUID)' }) });
const AlertParams = IncidentParams.extend({ alert: z.uuid({ message: 'an alert id (UUID)' }) });
/** A whole directory may be named one by one: 100,000 ids of up to 80 characters. */
const ALERT_BODY_LIMIT = 10 * 1024 * 1024;
/** Stands for a person's secret in the example link: as long as a real one (43 characters), and plainly not one. */
const EXAMPLE_SECRET = 'x'.repeat(43);

function actorOf(request: FastifyRequest): IncidentActor {
  const subject = subjectOf(request);
  return { id: subject.userId, label: actingOf(request).actor.label, roles: subject.roles, names: [subject.memberName, subject.email] };
}

/** The directory's entry of the signed-in member (by e-mail address), or a 404 saying why there is none. */
async function ownPerson(request: FastifyRequest, db: Parameters<typeof personByEmail>[0], org: string): Promise<string> {
  const person = await personByEmail(db, org, subjectOf(request).email);
  if (!person)
    throw new RempartError('not_found', 'Your e-mail address is not in the people directory of this organisation.', [
      { path: 'person', rule: 'exists', value: null, message: 'ask a continuity manager to add you to the directory' },
    ]);
  return person;
}

export const alertRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/orgs/:org/incidents/:incident/alerts',
    {
      bodyLimit: ALERT_BODY_LIMIT,
      config: { policy: { resource: 'alerts', action: 'create' } },
      schema: {
        tags,
        summary: 'Alert people: each gets the message in their language with a personal check-in link (202: messages leave through jobs)',
        description:
          'Audience: `{"everyone": true}`, or the union of `sites`, `activities` and `people`. Channels: `email`, `sms` (the first for the first wave; with `waves.escalate` the next is added from the second wave). With `sms`, the text plus the link must fit in one text message (160 GSM characters, 70 otherwise): refused with rule `sms_length` otherwise. Waves re-send to those who have not answered, every `waves.intervalMinutes`, and stop when every activity reaches its minimum; after the last, those still unreached go to the follow-up queue.',
        params: IncidentParams,
        body: AlertRequest,
        response: { 202: AlertAccepted, ...ERRORS },
      },
    },
    async (request, reply) => {
      const { org, incident } = request.params;
      return reply.code(202).send(await createAlert(app.db, org, incident, request.body, actorOf(request)));
    },
  );

  app.get(
    '/orgs/:org/incidents/:incident/alerts',
    {
      config: { policy: { resource: 'alerts', action: 'read' } },
      schema: {
        tags,
        summary: 'The alerts of an incident, newest first, with their delivery counts',
        params: IncidentParams,
        response: { 200: AlertList, ...ERRORS },
      },
    },
    async (request) => {
      const items = await listAlerts(app.db, request.params.org, request.params.incident);
      return {
        items: items.map((item) => withAbilities(request, 'alerts', item)),
        nextCursor: null,
        total: items.length,
        abilities: collectionAbilities(request, 'alerts'),
      };
    },
  );

  app.get(
    '/orgs/:org/incidents/:incident/alerts/:alert',
    {
      config: { policy: { resource: 'alerts', action: 'read' } },
      schema: {
        tags,
        summary: 'One alert: recipients, and how many were sent, delivered, failed and answered',
        params: AlertParams,
        response: { 200: AlertView, ...ERRORS },
      },
    },
    async (request) => {
      const { org, incident, alert } = request.params;
      return withAbilities(request, 'alerts', await getAlert(app.db, org, incident, alert));
    },
  );

  app.get(
    '/orgs/:org/incidents/:incident/alerts/:alert/cap.xml',
    {
      config: { policy: { resource: 'alerts', action: 'read' } },
      schema: {
        tags,
        summary: 'The alert as an OASIS CAP 1.2 message (one <info> per language of its audience), for other alerting systems',
        params: AlertParams,
        produces: ['application/cap+xml'],
      },
    },
    async (request, reply) => {
      const { org, incident, alert } = request.params;
      return reply
        .type('application/cap+xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="alert-${alert}.cap.xml"`)
        .send(await alertCap(app.db, org, incident, alert));
    },
  );

  app.post(
    '/orgs/:org/incidents/:incident/alerts/:alert/stop',
    {
      config: { policy: { resource: 'alerts', action: 'update' } },
      schema: {
        tags,
        summary: 'Stop an alert: no more waves, and messages not sent yet stay unsent (links keep working until they expire)',
        params: AlertParams,
        response: { 200: AlertView, ...ERRORS },
      },
    },
    async (request) => {
      const { org, incident, alert } = request.params;
      await stopAlert(app.db, org, incident, alert, actorOf(request));
      return withAbilities(request, 'alerts', await getAlert(app.db, org, incident, alert));
    },
  );

  app.get(
    '/orgs/:org/incidents/:incident/availability',
    {
      config: { policy: { resource: 'availability', action: 'read' } },
      schema: {
        tags,
        summary: 'Live availability: per activity against its minimum (MBCO × headcount, rounded up), per site, per remote-access pool',
        description:
          'Each person reached by the incident’s alerts counts once, with their latest answer. Every check-in is announced on the incident’s live events (`GET …/incidents/{id}/events`, type `checkins`), within a second, whichever server process took it.',
        params: IncidentParams,
        response: { 200: Availability, ...ERRORS },
      },
    },
    async (request) => availability(app.db, request.params.org, request.params.incident),
  );

  app.get(
    '/orgs/:org/incidents/:incident/check-in',
    {
      config: { policy: { resource: 'checkins', action: 'read' } },
      schema: {
        tags,
        summary: 'My own check-in in this incident: the alerts I was sent and my answers',
        params: IncidentParams,
        response: { 200: OwnCheckin, ...ERRORS },
      },
    },
    async (request) => {
      const { org, incident } = request.params;
      await getIncident(app.db, org, incident);
      const person = await ownPerson(request, app.db, org);
      const alerts = await new AlertRepository(app.db).personAlerts(org, incident, person);
      const last = [...alerts].filter((one) => one.answeredAt).sort((a, b) => b.answeredAt!.getTime() - a.answeredAt!.getTime())[0];
      return {
        incident,
        alerts: alerts.map((one) => ({
          id: one.alert,
          createdAt: one.createdAt.toISOString(),
          status: one.status,
          answeredAt: one.answeredAt?.toISOString() ?? null,
        })),
        status: last?.status ?? null,
        answeredAt: last?.answeredAt?.toISOString() ?? null,
      };
    },
  );

  app.post(
    '/orgs/:org/incidents/:incident/check-in',
    {
      config: { policy: { resource: 'checkins', action: 'create' } },
      schema: {
        tags,
        summary: 'Answer my own check-in as a signed-in member (the same four answers as the link); the last answer counts',
        description: 'The member is found in the people directory by their e-mail address; 404 when they are not there or were sent no alert of this incident.',
        params: IncidentParams,
        body: CheckinAnswer,
        response: { 200: CheckinResult, ...ERRORS },
      },
    },
    async (request) => {
      const { org, incident } = request.params;
      await getIncident(app.db, org, incident);
      const person = await ownPerson(request, app.db, org);
      return checkInAs(app.db, org, incident, person, request.body, 'session');
    },
  );

  app.get(
    '/orgs/:org/alert-templates',
    {
      config: { policy: { resource: 'alerts', action: 'read' } },
      schema: {
        tags,
        summary: 'What the alert composer starts from: bilingual message templates, the shape of a check-in link, the channels configured',
        params: OrgParams,
        response: { 200: AlertTemplates, ...ERRORS },
      },
    },
    async (request) => {
      const settings = alertSettings();
      const { org } = request.params;
      return {
        items: ALERT_TEMPLATES.map((template) => ({ id: template.id, fr: { ...template.fr }, en: { ...template.en } })),
        link: { example: `${settings.publicUrl}/c/rmpl_${org}.${EXAMPLE_SECRET}`, length: checkinUrlLength(org) },
        channels: ALERT_CHANNELS.map((channel) => ({
          channel,
          configured: channel === 'email' ? settings.smtpUrl !== null : settings.sms.provider !== 'none' && settings.sms.url !== null,
        })),
      };
    },
  );
};
