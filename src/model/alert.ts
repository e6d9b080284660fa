// Alerts of an incident (mass notification with a one-tap check-in) and the answers people give: what clients send.
// The views are in contract/alerts.ts; the messages' wording per language in alert-texts.ts.
import { z } from 'zod';
import { Id } from './organisation.js';
import { INVALID_TEXT_MESSAGE, isInvalidText } from './text.js';
import { CHECKIN_STATUSES } from './alert-texts.js';

export { CHECKIN_STATUSES };
export const CheckinStatus = z.enum(CHECKIN_STATUSES).meta({ description: 'available_on_site, available_remote, unavailable or need_help' });
export type CheckinStatus = z.infer<typeof CheckinStatus>;

/** The channels an alert goes out on, in the order waves escalate through them. */
export const ALERT_CHANNELS = ['email', 'sms'] as const;
export const AlertChannel = z.enum(ALERT_CHANNELS);
export type AlertChannel = z.infer<typeof AlertChannel>;

/** Delivery states of a recipient (and of each of its messages, `answered` aside). */
export const RECIPIENT_STATES = ['queued', 'sent', 'delivered', 'failed', 'answered'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

const cleanText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !isInvalidText(text), { message: INVALID_TEXT_MESSAGE, params: { rule: 'invalid_text' } });

/** An optional note with a check-in (at most 1,000 characters); it may say something about the person's health. */
export const CheckinNote = cleanText(1000);

/** A check-in answer, from the page's form, as JSON through the link, or from a signed-in employee. */
export const CheckinAnswer = z
  .object({
    status: CheckinStatus,
    note: z
      .union([CheckinNote, z.literal('')])
      .optional()
      .transform((note) => (note ? note : undefined)),
  })
  .strict()
  .meta({ id: 'CheckinAnswer' });
export type CheckinAnswer = z.output<typeof CheckinAnswer>;

const Ids = (max: number) => z.array(Id).max(max);

/** Who an alert goes to: everyone in the directory, or the people of some sites, activities, or named people (their union). */
export const AlertAudience = z
  .union([
    z.object({ everyone: z.literal(true) }).strict(),
    z
      .object({
        sites: Ids(100).default([]),
        activities: Ids(500).default([]),
        people: Ids(100_000).default([]),
      })
      .strict()
      .refine((audience) => audience.sites.length + audience.activities.length + audience.people.length > 0, {
        message: 'name at least one site, activity or person (or send {"everyone": true})',
        params: { rule: 'audience_empty' },
      }),
  ])
  .meta({ description: '{"everyone": true}, or the union of the people of `sites`, `activities` and the `people` named' });
export type AlertAudience = z.output<typeof AlertAudience>;

/** A message in one language: an e-mail subject (optional) and the text, to which each person's link is added. */
export const MessageText = z.object({ subject: cleanText(200).optional(), text: cleanText(2000) }).strict();

export const AlertMessage = z
  .object({
    subject: cleanText(200).optional().meta({ description: 'E-mail subject (default: the incident’s title)' }),
    text: cleanText(2000).meta({ description: 'The message; each person’s check-in link is added after it' }),
    fr: MessageText.optional().meta({ description: 'The message in French, for people whose language is French (default: `text`)' }),
    en: MessageText.optional().meta({ description: 'The message in English, for people whose language is English (default: `text`)' }),
  })
  .strict();
export type AlertMessage = z.output<typeof AlertMessage>;

export const AlertWaves = z
  .object({
    count: z.number().int().min(1).max(5).default(3).meta({ description: 'Waves at most: each re-sends to those who have not answered' }),
    intervalMinutes: z.number().int().min(1).max(1440).default(15).meta({ description: 'Minutes between two waves' }),
    escalate: z.boolean().default(true).meta({ description: 'Later waves go on the next channel of `channels` too (e-mail, then also SMS)' }),
  })
  .strict();
export type AlertWaves = z.output<typeof AlertWaves>;

/** POST /api/orgs/{org}/incidents/{id}/alerts. */
export const AlertRequest = z
  .object({
    audience: AlertAudience,
    channels: z
      .array(AlertChannel)
      .min(1)
      .max(2)
      .refine((channels) => new Set(channels).size === channels.length, { message: 'each channel once', params: { rule: 'unique' } })
      .meta({ description: 'email, sms, or both: the first one for the first wave, the next when escalating' }),
    message: AlertMessage,
    waves: AlertWaves.default({ count: 3, intervalMinutes: 15, escalate: true }),
    expiresInHours: z.number().int().min(1).max(720).default(168).meta({ description: 'How long the check-in links work (default a week)' }),
  })
  .strict()
  .meta({ id: 'AlertRequest' });
export type AlertRequest = z.output<typeof AlertRequest>;

export { smsLength } from './sms.js';
