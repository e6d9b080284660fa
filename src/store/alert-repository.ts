// Alerts in the database: the alert, its recipients and their links written set-based (one statement per table
// whatever the audience), deliveries per wave and channel, check-ins in one statement, counts and availability rows.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AlertAudience, CheckinStatus } from '../model/alert.js';
import type { Database } from './schema.js';
import { batchedStatement } from './statement-batcher.js';

type Executor = Kysely<Database> | Transaction<Database>;

interface LinkAnswer {
  digest: string;
  status: CheckinStatus;
  note: string | null;
  via: 'link' | 'sms';
  at: Date;
}
type LinkAnswerRow = { alert_id: string; person_id: string; incident_id: string; language: 'fr' | 'en' };

/**
 * Answers through personal links, the check-ins of a crisis peak: the answers of one organisation arriving together are
 * one statement (each active link's recipient updated, each answer appended), where one statement each cost a round
 * trip, a parse and a plan. Each link is looked up by its digest in a lateral subquery (its purpose checked on the row):
 * joined plainly, a planner without fresh statistics (an alert's links were just written) scanned every link of the
 * organisation for each statement, 100 times slower. Two
 * answers through one link never share a statement (one statement updates a row once): the later one goes next.
 */
async function answerLinks(db: Executor, org: string, answers: LinkAnswer[]): Promise<Array<LinkAnswerRow | null>> {
  const input = answers.map((answer, n) => ({
    n,
    digest: answer.digest,
    status: answer.status,
    note: answer.note,
    via: answer.via,
    at: answer.at.toISOString(),
  }));
  const { rows } = await sql<LinkAnswerRow & { n: number }>`
    with i as (select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as i(n int, digest text, status text, note text, via text, at timestamptz)),
    r as (
      update alert_recipients ar set status = i.status, answered_at = i.at, state = 'answered', updated_at = i.at
      from i cross join lateral (
        select l.id from link_tokens l
        where l.org_id = ${org} and l.secret_hash = i.digest and l.purpose || '' = 'checkin' and l.revoked_at is null and l.expires_at > i.at
        limit 1
      ) l
      where ar.org_id = ${org} and ar.link_id = l.id
      returning i.n, i.status, i.note, i.via, i.at, ar.alert_id, ar.person_id, ar.incident_id, ar.language
    ),
    c as (
      insert into checkins (org_id, alert_id, person_id, incident_id, status, note, via, at)
      select ${org}, alert_id, person_id, incident_id, status, note, via, at from r order by n
    )
    select n, alert_id, person_id, incident_id, language from r`.execute(db);
  const byItem: Array<LinkAnswerRow | null> = answers.map(() => null);
  for (const row of rows) byItem[row.n] = { alert_id: row.alert_id, person_id: row.person_id, incident_id: row.incident_id, language: row.language };
  return byItem;
}

const answerLink = batchedStatement(answerLinks, { limit: 200, conflictKey: (answer) => answer.digest });

export interface AlertRecord {
  id: string;
  incidentId: string;
  audience: AlertAudience;
  channels: Array<'email' | 'sms'>;
  message: unknown;
  waves: { count: number; intervalMinutes: number; escalate: boolean };
  status: 'sending' | 'waiting' | 'done' | 'stopped';
  wave: number;
  stopReason: string | null;
  recipients: number;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
}

interface AlertRow {
  id: string;
  incident_id: string;
  audience: AlertAudience;
  channels: Array<'email' | 'sms'>;
  message: unknown;
  waves: AlertRecord['waves'];
  status: AlertRecord['status'];
  wave: number;
  stop_reason: string | null;
  recipients: number;
  created_by: string;
  created_at: Date;
  expires_at: Date;
}

const toRecord = (row: AlertRow): AlertRecord => ({
  id: row.id,
  incidentId: row.incident_id,
  audience: row.audience,
  channels: row.channels,
  message: row.message,
  waves: row.waves,
  status: row.status,
  wave: row.wave,
  stopReason: row.stop_reason,
  recipients: row.recipients,
  createdBy: row.created_by,
  createdAt: new Date(row.created_at),
  expiresAt: new Date(row.expires_at),
});

/** The condition selecting an audience's people (`p` is the people table). */
function audienceCondition(audience: AlertAudience) {
  if ('everyone' in audience) return sql`true`;
  return sql`(p.site = any(${audience.sites}::text[]) or p.activities && ${audience.activities}::text[] or p.id = any(${audience.people}::text[]))`;
}

export interface Counts {
  recipients: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  answered: number;
  answers: Record<CheckinStatus, number>;
  channels: Record<'email' | 'sms', { queued: number; sent: number; delivered: number; failed: number }>;
}

/** One row of the availability: a person reached by an incident's alerts, with their last answer. */
export interface AvailabilityRow {
  site: string | null;
  activities: string[];
  status: CheckinStatus | null;
}

export class AlertRepository {
  constructor(private readonly db: Executor) {}

  /** The ids and languages of the people an audience names (ordered by id). */
  async audience(org: string, audience: AlertAudience): Promise<Array<{ id: string; language: 'fr' | 'en' }>> {
    const { rows } = await sql<{ id: string; language: 'fr' | 'en' }>`
      select p.id, p.language from people p where p.org_id = ${org} and ${audienceCondition(audience)} order by p.id`.execute(this.db);
    return rows;
  }

  /** The people ids given that are not in the directory. */
  async unknownPeople(org: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const { rows } = await sql<{ id: string }>`
      select u.id from unnest(${ids}::text[]) with ordinality as u(id, n)
      where not exists (select 1 from people p where p.org_id = ${org} and p.id = u.id) order by u.n limit 20`.execute(this.db);
    return rows.map((row) => row.id);
  }

  async insertAlert(org: string, alert: Omit<AlertRecord, 'status' | 'wave' | 'stopReason' | 'createdAt'> & { createdAt: Date }): Promise<void> {
    await sql`
      insert into alerts (org_id, id, incident_id, audience, channels, message, waves, recipients, created_by, created_at, expires_at)
      values (${org}, ${alert.id}, ${alert.incidentId}, ${JSON.stringify(alert.audience)}::jsonb, ${alert.channels}::text[],
        ${JSON.stringify(alert.message)}::jsonb, ${JSON.stringify(alert.waves)}::jsonb, ${alert.recipients}, ${alert.createdBy},
        ${alert.createdAt}, ${alert.expiresAt})`.execute(this.db);
  }

  /**
   * The recipients and their check-in links in two statements: the links from arrays (ids, persons, digests), then
   * the recipients from the directory joined to them, a snapshot of what the notification needs.
   */
  async insertRecipients(
    org: string,
    alert: { id: string; incidentId: string; createdBy: string | null; expiresAt: Date },
    links: { ids: string[]; people: string[]; digests: string[] },
  ): Promise<void> {
    await sql`
      insert into link_tokens (org_id, id, purpose, subject, secret_hash, created_by, expires_at, max_uses)
      select ${org}, u.id, 'checkin', 'alert/' || ${alert.id} || '/person/' || u.person, u.digest, ${alert.createdBy}::uuid, ${alert.expiresAt}, null
      from unnest(${links.ids}::uuid[], ${links.people}::text[], ${links.digests}::text[]) as u(id, person, digest)`.execute(this.db);
    await sql`
      insert into alert_recipients (org_id, alert_id, person_id, incident_id, link_id, language, email, mobile, site, activities, remote_capable)
      select ${org}, ${alert.id}, p.id, ${alert.incidentId}, u.id, p.language, p.email, p.mobile, p.site, p.activities, p.remote_capable
      from unnest(${links.ids}::uuid[], ${links.people}::text[]) as u(id, person)
      join people p on p.org_id = ${org} and p.id = u.person`.execute(this.db);
  }

  /**
   * Queues one wave's messages for those who have not answered: on each of `channels` they have an address for;
   * someone with an address on none of them gets the first of `fallback` they have. Returns how many were queued.
   */
  async queueWave(org: string, alert: string, wave: number, channels: readonly string[], fallback: readonly string[]): Promise<number> {
    // Row by row, without anti-joins: the recipients were often written by this very transaction, and the planner,
    // with no statistics on them yet, would nest loops over tens of thousands of rows.
    const reachable = (list: readonly string[]) =>
      sql`((r.email is not null and 'email' = any(${list}::text[])) or (r.mobile is not null and 'sms' = any(${list}::text[])))`;
    const inserted = await sql`
      insert into alert_deliveries (org_id, alert_id, person_id, wave, channel, address)
      select r.org_id, r.alert_id, r.person_id, ${wave}, c.channel, case c.channel when 'email' then r.email else r.mobile end
      from alert_recipients r
      cross join lateral (
        select c.channel, c.n from unnest(${fallback}::text[]) with ordinality as c(channel, n)
        where (case c.channel when 'email' then r.email else r.mobile end) is not null
      ) c
      where r.org_id = ${org} and r.alert_id = ${alert} and r.status is null
        and (c.channel = any(${channels}::text[])
          -- Nobody to reach on this wave's channels: the first channel of the alert they have an address for.
          or (not ${reachable(channels)} and c.n = (
            select min(f.n) from unnest(${fallback}::text[]) with ordinality as f(channel, n)
            where (case f.channel when 'email' then r.email else r.mobile end) is not null)))
      on conflict do nothing`.execute(this.db);
    // Nobody to write to on any channel: failed at once (the follow-up queue calls them after the last wave).
    await sql`
      update alert_recipients r set state = 'failed', updated_at = now()
      where r.org_id = ${org} and r.alert_id = ${alert} and r.status is null and r.state = 'queued' and not ${reachable(fallback)}`.execute(this.db);
    return Number(inserted.numAffectedRows ?? 0n);
  }

  /** Where to cut a wave's queued messages into chunks of `size` recipients: the first person id of each chunk. */
  async chunkStarts(org: string, alert: string, wave: number, size: number): Promise<string[]> {
    const { rows } = await sql<{ person_id: string }>`
      select person_id from (
        select person_id, row_number() over (order by person_id) as n
        from (select distinct person_id from alert_deliveries where org_id = ${org} and alert_id = ${alert} and wave = ${wave} and state = 'queued') d
      ) numbered where (n - 1) % ${size} = 0 order by person_id`.execute(this.db);
    return rows.map((row) => row.person_id);
  }

  async get(org: string, id: string, options: { lock?: boolean } = {}): Promise<AlertRecord | undefined> {
    const { rows } = await sql<AlertRow>`select * from alerts where org_id = ${org} and id = ${id} ${options.lock ? sql`for update` : sql``}`.execute(this.db);
    return rows[0] && toRecord(rows[0]);
  }

  async listForIncident(org: string, incident: string): Promise<AlertRecord[]> {
    const { rows } = await sql<AlertRow>`select * from alerts where org_id = ${org} and incident_id = ${incident} order by created_at desc, id`.execute(
      this.db,
    );
    return rows.map(toRecord);
  }

  async setStatus(org: string, id: string, change: { status: AlertRecord['status']; wave?: number; stopReason?: string | null }): Promise<void> {
    await sql`update alerts set status = ${change.status}, wave = coalesce(${change.wave ?? null}::int, wave),
      stop_reason = ${change.stopReason ?? null} where org_id = ${org} and id = ${id}`.execute(this.db);
  }

  /** Delivery and answer counts of alerts, by id. */
  async counts(org: string, ids: readonly string[]): Promise<Map<string, Counts>> {
    const result = new Map<string, Counts>();
    if (ids.length === 0) return result;
    const empty = (): Counts => ({
      recipients: 0,
      queued: 0,
      sent: 0,
      delivered: 0,
      failed: 0,
      answered: 0,
      answers: { available_on_site: 0, available_remote: 0, unavailable: 0, need_help: 0 },
      channels: { email: { queued: 0, sent: 0, delivered: 0, failed: 0 }, sms: { queued: 0, sent: 0, delivered: 0, failed: 0 } },
    });
    for (const id of ids) result.set(id, empty());
    // A recipient counts once per column: sent if any message left, delivered if any was delivered, failed if all failed.
    const { rows } = await sql<{
      alert_id: string;
      recipients: string;
      queued: string;
      sent: string;
      delivered: string;
      failed: string;
      answered: string;
      on_site: string;
      remote: string;
      unavailable: string;
      need_help: string;
    }>`
      select r.alert_id, count(*) as recipients,
        count(*) filter (where coalesce(d.sent, 0) = 0 and coalesce(d.failed, 0) < coalesce(d.total, 0) or (d.total is null and r.state = 'queued')) as queued,
        count(*) filter (where d.sent > 0) as sent,
        count(*) filter (where d.delivered > 0) as delivered,
        count(*) filter (where r.state = 'failed' or (d.total > 0 and d.failed = d.total)) as failed,
        count(*) filter (where r.status is not null) as answered,
        count(*) filter (where r.status = 'available_on_site') as on_site,
        count(*) filter (where r.status = 'available_remote') as remote,
        count(*) filter (where r.status = 'unavailable') as unavailable,
        count(*) filter (where r.status = 'need_help') as need_help
      from alert_recipients r
      left join (
        select person_id, alert_id, count(*) as total,
          count(*) filter (where state in ('sent', 'delivered')) as sent,
          count(*) filter (where state = 'delivered') as delivered,
          count(*) filter (where state = 'failed') as failed
        from alert_deliveries where org_id = ${org} and alert_id = any(${ids}::uuid[]) group by alert_id, person_id
      ) d on d.alert_id = r.alert_id and d.person_id = r.person_id
      where r.org_id = ${org} and r.alert_id = any(${ids}::uuid[])
      group by r.alert_id`.execute(this.db);
    for (const row of rows) {
      const counts = result.get(row.alert_id)!;
      Object.assign(counts, {
        recipients: Number(row.recipients),
        queued: Number(row.queued),
        sent: Number(row.sent),
        delivered: Number(row.delivered),
        failed: Number(row.failed),
        answered: Number(row.answered),
        answers: {
          available_on_site: Number(row.on_site),
          available_remote: Number(row.remote),
          unavailable: Number(row.unavailable),
          need_help: Number(row.need_help),
        },
      });
    }
    const channels = await sql<{ alert_id: string; channel: 'email' | 'sms'; state: 'queued' | 'sent' | 'delivered' | 'failed'; n: string }>`
      select alert_id, channel, state, count(*) as n from alert_deliveries
      where org_id = ${org} and alert_id = any(${ids}::uuid[]) group by alert_id, channel, state`.execute(this.db);
    for (const row of channels.rows) result.get(row.alert_id)!.channels[row.channel][row.state] = Number(row.n);
    return result;
  }

  /**
   * Records an answer given through a link, in one statement: finds the link by its digest, checks it is active,
   * sets the recipient's last answer and appends it to the history. `state` says why nothing was written.
   */
  async answerByLink(
    org: string,
    digest: string,
    answer: { status: CheckinStatus; note: string | null; via: 'link' | 'sms' },
    now: Date,
  ): Promise<
    | { state: 'unknown' }
    | { state: 'revoked' | 'expired'; language: 'fr' | 'en' }
    | { state: 'answered'; alert: string; person: string; incident: string; language: 'fr' | 'en' }
  > {
    const row = await answerLink(this.db, org, { digest, ...answer, at: now });
    if (row) return { state: 'answered', alert: row.alert_id, person: row.person_id, incident: row.incident_id, language: row.language };
    // Nothing written: an unknown link, or one no longer active (which the page names, in its person's language).
    const { rows: found } = await sql<{ revoked_at: Date | null; language: 'fr' | 'en' | null }>`
      select l.revoked_at, r.language from link_tokens l left join alert_recipients r on r.org_id = l.org_id and r.link_id = l.id
      where l.org_id = ${org} and l.secret_hash = ${digest} and l.purpose || '' = 'checkin'`.execute(this.db);
    if (!found[0]) return { state: 'unknown' };
    return { state: found[0].revoked_at ? 'revoked' : 'expired', language: found[0].language ?? 'en' };
  }

  /** The recipient behind a link (by its id), for the check-in page. */
  async recipientByLink(
    org: string,
    linkId: string,
  ): Promise<{ alert: string; person: string; language: 'fr' | 'en'; status: CheckinStatus | null } | undefined> {
    const { rows } = await sql<{ alert_id: string; person_id: string; language: 'fr' | 'en'; status: CheckinStatus | null }>`
      select alert_id, person_id, language, status from alert_recipients where org_id = ${org} and link_id = ${linkId}`.execute(this.db);
    const row = rows[0];
    return row && { alert: row.alert_id, person: row.person_id, language: row.language, status: row.status };
  }

  /** Records an answer for a recipient known by alert and person (a signed-in employee, an SMS reply). */
  async answerAs(
    org: string,
    alert: string,
    person: string,
    answer: { status: CheckinStatus; note: string | null; via: 'session' | 'sms' },
    now: Date,
  ): Promise<boolean> {
    const { rows } = await sql<{ alert_id: string }>`
      with r as (
        update alert_recipients set status = ${answer.status}, answered_at = ${now}, state = 'answered', updated_at = ${now}
        where org_id = ${org} and alert_id = ${alert} and person_id = ${person}
        returning alert_id, person_id, incident_id
      )
      insert into checkins (org_id, alert_id, person_id, incident_id, status, note, via, at)
      select ${org}, alert_id, person_id, incident_id, ${answer.status}, ${answer.note}, ${answer.via}, ${now} from r returning alert_id`.execute(this.db);
    return rows.length > 0;
  }

  /** The alerts of an incident a person was sent, newest first, with their answer there. */
  async personAlerts(
    org: string,
    incident: string,
    person: string,
  ): Promise<Array<{ alert: string; createdAt: Date; status: CheckinStatus | null; answeredAt: Date | null; expiresAt: Date }>> {
    const { rows } = await sql<{ alert_id: string; created_at: Date; status: CheckinStatus | null; answered_at: Date | null; expires_at: Date }>`
      select r.alert_id, a.created_at, r.status, r.answered_at, a.expires_at from alert_recipients r
      join alerts a on a.org_id = r.org_id and a.id = r.alert_id
      where r.org_id = ${org} and r.incident_id = ${incident} and r.person_id = ${person} order by a.created_at desc`.execute(this.db);
    return rows.map((row) => ({
      alert: row.alert_id,
      createdAt: new Date(row.created_at),
      status: row.status,
      answeredAt: row.answered_at ? new Date(row.answered_at) : null,
      expiresAt: new Date(row.expires_at),
    }));
  }

  /** Each person reached by an incident's alerts once, with their latest answer over all of them. */
  async availabilityRows(org: string, incident: string): Promise<AvailabilityRow[]> {
    const { rows } = await sql<AvailabilityRow>`
      select distinct on (person_id) site, activities, status from alert_recipients
      where org_id = ${org} and incident_id = ${incident}
      order by person_id, answered_at desc nulls last, updated_at desc`.execute(this.db);
    return rows;
  }
}

/** The directory's person with this e-mail address (a signed-in member answering for themselves). */
export async function personByEmail(db: Executor, org: string, email: string): Promise<string | undefined> {
  const { rows } = await sql<{ id: string }>`select id from people where org_id = ${org} and email = ${email.toLowerCase()} order by id limit 1`.execute(db);
  return rows[0]?.id;
}

/** A message to send: the delivery row and what its text needs. */
export interface PendingDelivery {
  personId: string;
  channel: 'email' | 'sms';
  address: string;
  attempts: number;
  language: 'fr' | 'en';
}

/** Deliveries: the rows of one chunk, and their state as each message leaves. */
export class DeliveryRepository {
  constructor(private readonly db: Executor) {}

  /** The queued messages of a wave for the persons from `from` (inclusive) to `to` (exclusive; null: to the end). */
  async chunk(org: string, alert: string, wave: number, from: string, to: string | null): Promise<PendingDelivery[]> {
    const { rows } = await sql<{ person_id: string; channel: 'email' | 'sms'; address: string; attempts: number; language: 'fr' | 'en' }>`
      select d.person_id, d.channel, d.address, d.attempts, r.language from alert_deliveries d
      join alert_recipients r on r.org_id = d.org_id and r.alert_id = d.alert_id and r.person_id = d.person_id
      where d.org_id = ${org} and d.alert_id = ${alert} and d.wave = ${wave} and d.state = 'queued'
        and d.person_id >= ${from} and (${to}::text is null or d.person_id < ${to})
      order by d.person_id, d.channel`.execute(this.db);
    return rows.map((row) => ({ personId: row.person_id, channel: row.channel, address: row.address, attempts: row.attempts, language: row.language }));
  }

  /**
   * Records a message accepted by the channel: one update by primary key, message by message (the recipient's
   * counts are drawn from its messages, so its own row is not touched on this path).
   */
  async markSent(org: string, alert: string, wave: number, person: string, channel: string, providerId: string | null): Promise<void> {
    await sql`
      update alert_deliveries set state = 'sent', sent_at = now(), provider_id = ${providerId}, attempts = attempts + 1, error = null
      where org_id = ${org} and alert_id = ${alert} and person_id = ${person} and wave = ${wave} and channel = ${channel} and state = 'queued'`.execute(
      this.db,
    );
  }

  /** Records a failed attempt; `final` marks the message failed (and its recipient, when no other message of theirs left). */
  async markFailed(org: string, alert: string, wave: number, person: string, channel: string, error: string, final: boolean): Promise<void> {
    await sql`
      update alert_deliveries set attempts = attempts + 1, error = ${error}, state = ${final ? 'failed' : 'queued'}
      where org_id = ${org} and alert_id = ${alert} and wave = ${wave} and person_id = ${person} and channel = ${channel} and state = 'queued'`.execute(
      this.db,
    );
    if (final)
      await sql`
        update alert_recipients r set state = 'failed', updated_at = now()
        where r.org_id = ${org} and r.alert_id = ${alert} and r.person_id = ${person} and r.state = 'queued'
          and not exists (select 1 from alert_deliveries d where d.org_id = r.org_id and d.alert_id = r.alert_id and d.person_id = r.person_id
            and d.state in ('queued', 'sent', 'delivered'))`.execute(this.db);
  }

  /** Whether a text message went to this number less than `seconds` ago (any alert, any organisation: carriers count per number). */
  async smsSentSince(address: string, seconds: number): Promise<boolean> {
    if (seconds <= 0) return false;
    const { rows } = await sql`
      select 1 from alert_deliveries where channel = 'sms' and address = ${address} and sent_at > now() - make_interval(secs => ${seconds}) limit 1`.execute(
      this.db,
    );
    return rows.length > 0;
  }

  /** A receipt from the SMS provider: the message (by the provider's id) was delivered or failed. */
  async receipt(providerId: string, delivered: boolean, error: string | null): Promise<boolean> {
    const { rows } = await sql<{ org_id: string; alert_id: string; person_id: string }>`
      update alert_deliveries set state = ${delivered ? 'delivered' : 'failed'}, delivered_at = case when ${delivered} then now() else delivered_at end,
        error = ${error}
      where provider_id = ${providerId} and channel = 'sms' and state in ('sent', 'delivered', 'failed')
      returning org_id, alert_id, person_id`.execute(this.db);
    for (const row of rows)
      if (delivered)
        await sql`update alert_recipients set state = 'delivered', updated_at = now()
          where org_id = ${row.org_id} and alert_id = ${row.alert_id} and person_id = ${row.person_id} and state in ('queued', 'sent', 'failed')`.execute(
          this.db,
        );
    return rows.length > 0;
  }

  /** The alert a number was last texted for, still open to answers: where an SMS reply goes. */
  async lastSmsTo(address: string): Promise<{ org: string; alert: string; incident: string; person: string } | undefined> {
    const { rows } = await sql<{ org_id: string; alert_id: string; incident_id: string; person_id: string }>`
      select d.org_id, d.alert_id, a.incident_id, d.person_id from alert_deliveries d
      join alerts a on a.org_id = d.org_id and a.id = d.alert_id
      where d.channel = 'sms' and d.address = ${address} and d.state in ('sent', 'delivered') and a.expires_at > now()
      order by d.sent_at desc limit 1`.execute(this.db);
    const row = rows[0];
    return row && { org: row.org_id, alert: row.alert_id, incident: row.incident_id, person: row.person_id };
  }
}
