// The settings of mass notification, shared by the server and `rempart worker`: the public address links start with,
// the key check-in secrets are derived from, the channels (SMTP, SMS provider) and their limits. Set once per
// process (`configureAlerts`), from the environment unless told otherwise.
import { deriveKey, sha256Hex } from '../security/crypto.js';
import { createHmac } from 'node:crypto';
import { loadConfig, type Config } from '../config.js';

export interface SmsSettings {
  /** `webhook` (a documented JSON POST to `url`), `twilio` (its Messages API shape at `url`), or none. */
  provider: 'none' | 'webhook' | 'twilio';
  url: string | null;
  /** Bearer token (webhook) or `AccountSid:AuthToken` (twilio); never logged. */
  credentials: string | null;
  from: string | null;
  /** Shared secret of the inbound webhooks (receipts and replies), checked as an HMAC-SHA256 signature. */
  inboundSecret: string | null;
}

export interface AlertSettings {
  /** `REMPART_PUBLIC_URL`: how people reach this server; every check-in link starts with it. */
  publicUrl: string;
  /** `REMPART_SMTP_URL` (`smtp://host:port`, `smtps://user:pass@host`), or null: e-mail is not sent. */
  smtpUrl: string | null;
  /** `REMPART_MAIL_FROM`. */
  mailFrom: string;
  sms: SmsSettings;
  /** Recipients one send job takes (`REMPART_ALERT_CHUNK`, default 500). */
  chunkSize: number;
  /** Least seconds between two text messages to one number (`REMPART_SMS_PER_NUMBER_SECONDS`, default 60). */
  smsPerNumberSeconds: number;
  /** Messages per minute and channel for the whole deployment (`REMPART_EMAIL_PER_MINUTE`, `REMPART_SMS_PER_MINUTE`; 0: no limit). */
  perMinute: { email: number; sms: number };
  /** Days after an incident closes when the follow-up notes are purged (`REMPART_FOLLOW_UP_RETENTION_DAYS`, default 30). */
  followUpRetentionDays: number;
}

/** The alert settings of a configuration (src/config.ts: the REMPART_* variables, validated once). */
export function alertSettingsOf(config: Config): AlertSettings {
  return {
    publicUrl: config.publicUrl.replace(/\/+$/, ''),
    smtpUrl: config.smtpUrl ?? null,
    mailFrom: config.mailFrom,
    sms: {
      provider: config.smsProvider ?? (config.smsUrl ? 'webhook' : 'none'),
      url: config.smsUrl ?? null,
      credentials: config.smsCredentials ?? null,
      from: config.smsFrom ?? null,
      inboundSecret: config.smsWebhookSecret ?? null,
    },
    chunkSize: config.alertChunk,
    smsPerNumberSeconds: config.smsPerNumberSeconds,
    perMinute: { email: config.emailPerMinute, sms: config.smsPerMinute },
    followUpRetentionDays: config.followUpRetentionDays,
  };
}

/** The settings the environment gives (`REMPART_*`), with defaults for a laptop. */
export function alertSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): AlertSettings {
  return alertSettingsOf(loadConfig({}, env));
}

let settings: AlertSettings | undefined;
let linkKey: Buffer | undefined;

/** Sets this process's settings (the server and the worker call it at start; tests override parts). */
export function configureAlerts(options: { secretKey?: Buffer; settings?: Partial<AlertSettings> } = {}): AlertSettings {
  settings = { ...alertSettingsFromEnv(), ...options.settings };
  if (options.secretKey) linkKey = deriveKey(options.secretKey, 'rempart checkin links v1');
  return settings;
}

/** This process's settings (from the environment until configured). */
export function alertSettings(): AlertSettings {
  settings ??= alertSettingsFromEnv();
  return settings;
}

function key(): Buffer {
  if (!linkKey) throw new Error('Check-in links need the server key: configureAlerts({secretKey}) was not called.');
  return linkKey;
}

/**
 * The secret of a person's check-in link for one alert: HMAC-SHA256, under a sub-key of the server key, of the
 * organisation, alert and person (256 bits, 43 characters). The database keeps only the SHA-256 of
 * `<org>.<secret>` (as for every link token); the sender derives the secret again when it writes the message, so
 * no secret is ever stored, and a copy of the database cannot make a link.
 */
export function checkinSecret(org: string, alert: string, person: string): string {
  return createHmac('sha256', key()).update(`${org}\n${alert}\n${person}`, 'utf8').digest('base64url');
}

/** The link token (`rmpl_<org>.<secret>`) and the digest stored for it. */
export function checkinToken(org: string, alert: string, person: string): { token: string; digest: string } {
  const hashed = `${org}.${checkinSecret(org, alert, person)}`;
  return { token: `rmpl_${hashed}`, digest: sha256Hex(hashed) };
}

/** The link a person opens: `{REMPART_PUBLIC_URL}/c/rmpl_…`. */
export function checkinUrl(org: string, alert: string, person: string): string {
  return `${alertSettings().publicUrl}/c/${checkinToken(org, alert, person).token}`;
}

/** The length of any check-in link of this organisation (they all have the same), for the SMS length check. */
export function checkinUrlLength(org: string): number {
  return `${alertSettings().publicUrl}/c/rmpl_${org}.`.length + 43;
}

/**
 * A person's link to one training campaign, made like a check-in link (the secret derived again when a reminder is
 * written, never stored): the HMAC input starts with `training`, so it never equals a check-in link's.
 */
export function trainingToken(org: string, campaign: string, person: string): { token: string; digest: string } {
  const secret = createHmac('sha256', key()).update(`training\n${org}\n${campaign}\n${person}`, 'utf8').digest('base64url');
  const hashed = `${org}.${secret}`;
  return { token: `rmpl_${hashed}`, digest: sha256Hex(hashed) };
}

/** The training link a person opens: `{REMPART_PUBLIC_URL}/t/rmpl_…`. */
export function trainingUrl(org: string, campaign: string, person: string): string {
  return `${alertSettings().publicUrl}/t/${trainingToken(org, campaign, person).token}`;
}
