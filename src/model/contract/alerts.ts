// What the alert routes answer: an alert with its delivery counts, an incident's alerts, a check-in's result, the
// live availability per activity, site and remote-access pool, and the follow-up queue with its notes.
import { z } from 'zod';
import { AlertAudience, AlertChannel, AlertMessage, AlertWaves, CheckinStatus } from '../alert.js';
import { Names } from '../organisation.js';
import { Abilities, listPageOf } from './common.js';

const Instant = z.string().meta({ description: 'ISO 8601 date and time, UTC' });
const Count = z.number().int().min(0);

const DeliveryCounts = z.object({ queued: Count, sent: Count, delivered: Count, failed: Count });

export const AlertView = z
  .object({
    id: z.string(),
    incident: z.string(),
    status: z
      .enum(['sending', 'waiting', 'done', 'stopped'])
      .meta({ description: 'sending a wave; waiting for the next one; done (last wave sent); stopped (every activity reached its minimum, or by hand)' }),
    stopReason: z.string().nullable(),
    wave: z.number().int().meta({ description: 'The current wave, from 1' }),
    audience: AlertAudience,
    channels: z.array(AlertChannel),
    message: AlertMessage,
    waves: AlertWaves,
    createdAt: Instant,
    createdBy: z.string(),
    expiresAt: Instant.meta({ description: 'When the check-in links stop working' }),
    recipients: Count.meta({ description: 'People the alert goes to' }),
    queued: Count.meta({ description: 'Recipients none of whose messages has left yet' }),
    sent: Count.meta({ description: 'Recipients with at least one message accepted by the mail server or SMS provider' }),
    delivered: Count.meta({ description: 'Recipients with a delivery receipt' }),
    failed: Count.meta({ description: 'Recipients every message of whom failed' }),
    answered: Count.meta({ description: 'Recipients who answered the check-in' }),
    answers: z.record(CheckinStatus, Count).meta({ description: 'Last answers per status' }),
    channelsDetail: z.record(AlertChannel, DeliveryCounts).meta({ description: 'Messages per channel and state, all waves' }),
    abilities: Abilities.optional(),
  })
  .meta({ id: 'Alert' });
export type AlertView = z.infer<typeof AlertView>;

export const AlertList = listPageOf(AlertView).meta({ id: 'AlertList' });
export type AlertList = z.infer<typeof AlertList>;

export const AlertAccepted = z.object({ id: z.string(), recipients: Count }).meta({ id: 'AlertAccepted' });

export const CheckinResult = z
  .object({
    status: CheckinStatus,
    answeredAt: Instant.meta({ description: 'When this answer was recorded; the last answer counts, every one is kept' }),
  })
  .meta({ id: 'CheckinResult' });
export type CheckinResult = z.infer<typeof CheckinResult>;

/** The caller's own situation in an incident (an employee answering from the web app). */
export const OwnCheckin = z
  .object({
    incident: z.string(),
    alerts: z.array(z.object({ id: z.string(), createdAt: Instant, status: CheckinStatus.nullable(), answeredAt: Instant.nullable() })),
    status: CheckinStatus.nullable().meta({ description: 'The last answer given, whatever the alert' }),
    answeredAt: Instant.nullable(),
  })
  .meta({ id: 'OwnCheckin' });

const Tally = {
  availableOnSite: Count,
  availableRemote: Count,
  unavailable: Count,
  needHelp: Count,
  unanswered: Count,
};

export const Availability = z
  .object({
    incident: z.string(),
    now: Instant,
    people: Count.meta({ description: 'People reached by the incident’s alerts' }),
    answered: Count,
    unanswered: Count,
    activities: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        names: Names.optional(),
        headcount: z.number().meta({ description: 'Staff of the activity in the model' }),
        minimum: Count.meta({ description: 'ceil(MBCO × headcount): people needed for the minimum acceptable output' }),
        people: Count.meta({ description: 'People of the activity reached by the alerts' }),
        ...Tally,
        belowMinimum: z.boolean().meta({ description: 'Available on site and remotely together are fewer than the minimum' }),
      }),
    ),
    pools: z.array(
      z.object({
        id: z.string(),
        name: z.string().nullable(),
        kind: z.string(),
        capacity: z.number(),
        remoteWorkers: Count.meta({ description: 'People available remotely who work through this pool (the first of their access list)' }),
        overCapacity: z.boolean(),
      }),
    ),
    sites: z.array(z.object({ id: z.string(), name: z.string(), people: Count, ...Tally })),
  })
  .meta({ id: 'Availability' });
export type Availability = z.infer<typeof Availability>;

export const FollowUpCaseView = z
  .object({
    id: z.string(),
    incident: z.string(),
    person: z.object({
      id: z.string(),
      name: z.string().nullable(),
      email: z.string().nullable(),
      mobile: z.string().nullable(),
      language: z.string(),
      site: z.string().nullable(),
    }),
    reason: z.enum(['need_help', 'unreached']),
    status: z.enum(['open', 'claimed', 'closed']),
    claimedBy: z.string().nullable(),
    claimedAt: Instant.nullable(),
    closedAt: Instant.nullable(),
    outcome: z.enum(['reached', 'unreachable', 'referred', 'no_longer_needed']).nullable(),
    lastAnswer: z.object({ status: CheckinStatus, at: Instant }).nullable(),
    notes: Count.meta({ description: 'Notes kept on the case (read them with GET …/notes: each read is audited)' }),
    createdAt: Instant,
    abilities: Abilities.optional(),
  })
  .meta({ id: 'FollowUpCase' });
export type FollowUpCaseView = z.infer<typeof FollowUpCaseView>;

export const FollowUpCaseList = listPageOf(FollowUpCaseView).meta({ id: 'FollowUpCaseList' });
export type FollowUpCaseList = z.infer<typeof FollowUpCaseList>;

export const FollowUpNotes = z
  .object({ case: z.string(), items: z.array(z.object({ id: z.string(), text: z.string(), author: z.string(), at: Instant })) })
  .meta({ id: 'FollowUpNotes' });
export type FollowUpNotes = z.infer<typeof FollowUpNotes>;

const TemplateText = z.object({ subject: z.string(), text: z.string() });

/** GET …/alert-templates: what the composer needs to start a message and preview it as each channel will carry it. */
export const AlertTemplates = z
  .object({
    items: z.array(z.object({ id: z.string(), fr: TemplateText, en: TemplateText })),
    link: z
      .object({
        example: z.string().meta({ description: 'A check-in link as messages carry it (the personal secret replaced by x)' }),
        length: Count.meta({ description: 'Characters every check-in link of this organisation takes' }),
      })
      .meta({ description: 'Each person’s link is added after the text: an SMS must hold both' }),
    channels: z
      .array(z.object({ channel: AlertChannel, configured: z.boolean().meta({ description: 'Whether this server has a mail server or SMS provider for it' }) }))
      .meta({ description: 'The channels alerts may use, in the order waves escalate through them' }),
  })
  .meta({ id: 'AlertTemplates' });
export type AlertTemplates = z.infer<typeof AlertTemplates>;
