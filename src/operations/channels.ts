// The channels alerts leave through, behind one interface: e-mail over SMTP (nodemailer, pooled connections), and
// text messages through a provider: a documented JSON webhook, or Twilio's Messages API shape. Inbound webhooks
// (delivery receipts, replies) are authenticated with an HMAC-SHA256 signature of their body.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { AlertSettings, SmsSettings } from './alert-settings.js';

/** What a channel says of one message: accepted (with the provider's id), or refused for good, or for now. */
export type SendOutcome = { ok: true; providerId: string | null } | { ok: false; permanent: boolean; error: string };

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  /** Stable per alert, wave and person: a message sent twice (a crash between sending and recording) reads as one. */
  messageId: string;
}

const transports = new Map<string, Transporter>();

/** The process's pooled SMTP transport for a URL (a few connections, reused for every message). */
function transport(url: string): Transporter {
  let found = transports.get(url);
  if (!found) {
    // The URL goes inside the options: a second argument would be the messages' defaults, and the pool settings
    // there are silently ignored (one new connection per message, about 100 ms each).
    found = nodemailer.createTransport({ url, pool: true, maxConnections: 10, maxMessages: Infinity } as never);
    transports.set(url, found);
  }
  return found;
}

/** Closes the pooled connections (tests, shutdown). */
export function closeMailTransports(): void {
  for (const found of transports.values()) found.close();
  transports.clear();
}

/** Sends one e-mail through the configured SMTP server. A 5xx answer is permanent; anything else is tried again later. */
export async function sendEmail(settings: Pick<AlertSettings, 'smtpUrl' | 'mailFrom'>, message: EmailMessage): Promise<SendOutcome> {
  if (!settings.smtpUrl) return { ok: false, permanent: true, error: 'no SMTP server configured (REMPART_SMTP_URL)' };
  try {
    const info = await transport(settings.smtpUrl).sendMail({
      from: settings.mailFrom,
      to: message.to,
      subject: message.subject,
      text: message.text,
      messageId: message.messageId,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    return { ok: true, providerId: info.messageId ?? null };
  } catch (error) {
    const code = (error as { responseCode?: number }).responseCode;
    return { ok: false, permanent: code !== undefined && code >= 500, error: String((error as Error).message).slice(0, 300) };
  }
}

/** A stable Message-ID for one alert, wave and person (the person's id hashed: ids may hold any character). */
export function alertMessageId(alert: string, wave: number, person: string, channel: string): string {
  const tag = createHash('sha256').update(person).digest('hex').slice(0, 20);
  return `<alert-${alert}-w${wave}-${channel}-${tag}@rempart>`;
}

export interface SmsMessage {
  to: string;
  text: string;
  /** `org:alert:wave:person`, echoed back by webhook receipts. */
  reference: string;
}

/**
 * Sends one text message through the configured provider.
 * - `webhook`: `POST REMPART_SMS_URL` with `{"to", "from", "text", "reference"}` and `Authorization: Bearer
 *   REMPART_SMS_CREDENTIALS`; a 2xx answer `{"id"}` accepts it, 429 and 5xx are tried again, other 4xx are final.
 * - `twilio`: `POST REMPART_SMS_URL` (`https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages.json`) as a
 *   form (`To`, `From`, `Body`) with HTTP Basic `AccountSid:AuthToken`; the answer's `sid` is the message's id.
 */
export async function sendSms(settings: SmsSettings, message: SmsMessage): Promise<SendOutcome> {
  if (settings.provider === 'none' || !settings.url) return { ok: false, permanent: true, error: 'no SMS provider configured (REMPART_SMS_URL)' };
  let response: Response;
  try {
    if (settings.provider === 'twilio') {
      const body = new URLSearchParams({ To: message.to, From: settings.from ?? '', Body: message.text });
      response = await fetch(settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(settings.credentials ?? '').toString('base64')}` },
        body,
        signal: AbortSignal.timeout(10_000),
      });
    } else {
      response = await fetch(settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(settings.credentials ? { authorization: `Bearer ${settings.credentials}` } : {}) },
        body: JSON.stringify({ to: message.to, from: settings.from, text: message.text, reference: message.reference }),
        signal: AbortSignal.timeout(10_000),
      });
    }
  } catch (error) {
    return { ok: false, permanent: false, error: `provider unreachable: ${String((error as Error).message).slice(0, 200)}` };
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) return { ok: false, permanent: response.status !== 429 && response.status < 500, error: `provider answered ${response.status}` };
  let id: string | null = null;
  try {
    const parsed = JSON.parse(text) as { id?: unknown; sid?: unknown };
    id = typeof parsed.id === 'string' ? parsed.id : typeof parsed.sid === 'string' ? parsed.sid : null;
  } catch {
    // An accepted message without a readable id: it cannot be matched with a receipt, nothing worse.
  }
  return { ok: true, providerId: id };
}

/** The signature header of inbound webhooks: `sha256=<hex HMAC-SHA256 of the raw body with the shared secret>`. */
export const SIGNATURE_HEADER = 'x-rempart-signature';

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Whether a webhook's signature matches its body (constant-time). */
export function signatureValid(secret: string | null, body: string, signature: string | undefined): boolean {
  if (!secret || typeof signature !== 'string') return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
