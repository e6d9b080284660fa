// Alerts as named commands: send one (recipients, their links, the first wave's messages and its send jobs, in one
// transaction: the outbox), read them with their counts, record check-ins (by link, by a signed-in employee, by SMS
// reply), and the live availability per activity, site and remote-access pool.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { RempartError } from '../errors.js';
import type { AlertRequest, CheckinAnswer, CheckinStatus } from '../model/alert.js';
import { smsLength, smsText } from '../model/sms.js';
import { exerciseMarked } from '../model/alert-texts.js';
import type { AlertView, Availability } from '../model/contract/alerts.js';
import type { Problem } from '../model/problem.js';
import { AlertRepository, type AlertRecord, type Counts } from '../store/alert-repository.js';
import { IncidentRepository } from '../store/incident-repository.js';
import { publishLiveEvent } from '../store/live-events.js';
import type { Database } from '../store/schema.js';
import { alertSettings, checkinToken, checkinUrlLength } from './alert-settings.js';
import { recordAudit, recordChain } from './audit.js';
import { incidentNotFound, type IncidentActor } from './incidents.js';
import { enqueueJob } from './jobs/queue.js';
import { exportModel } from './model-writer.js';
import { parseLinkToken } from './link-tokens.js';
import { sha256Hex } from '../security/crypto.js';
import { alertToCap } from '../interchange/cap.js';

/** Job kinds of mass notification. */
export const ALERT_SEND_JOB = 'alerts.send';
export const ALERT_WAVE_JOB = 'alerts.wave';

/** The channels of a wave: every channel without escalation; with it, the first, then one more each wave. */
export function waveChannels(alert: Pick<AlertRecord, 'channels' | 'waves'>, wave: number): Array<'email' | 'sms'> {
  if (!alert.waves.escalate) return [...alert.channels];
  return alert.channels.slice(0, Math.min(wave, alert.channels.length));
}

export function alertNotFound(id: string): RempartError {
  return new RempartError('not_found', `No alert with id "${id}" in this incident.`, [{ path: 'alert', rule: 'exists', value: id, message: 'no such alert' }]);
}

/** The text of the message in a language: its translation when given, else the common text. */
export function messageIn(message: AlertRequest['message'], language: 'fr' | 'en'): { subject?: string; text: string } {
  const translated = message[language];
  return { subject: translated?.subject ?? message.subject, text: translated?.text ?? message.text };
}

export { smsText };

/** Problems of a message too long for one text message in a language present in the audience. */
function smsProblems(org: string, request: AlertRequest, languages: ReadonlySet<'fr' | 'en'>, exercise: boolean): Problem[] {
  if (!request.channels.includes('sms')) return [];
  const problems: Problem[] = [];
  const link = 'x'.repeat(checkinUrlLength(org));
  for (const language of ['fr', 'en'] as const) {
    if (!languages.has(language)) continue;
    const text = messageIn(request.message, language).text;
    const { length, limit, gsm } = smsLength(smsText(exercise ? exerciseMarked(language, text) : text, link));
    if (length > limit) {
      const path = request.message[language] ? `body.message.${language}.text` : 'body.message.text';
      if (problems.some((problem) => problem.path === path)) continue;
      problems.push({
        path,
        rule: 'sms_length',
        value: text,
        message: `one text message holds ${limit} characters${gsm ? '' : ' (this text has characters outside the GSM alphabet)'}, the link takes ${link.length + 1}: shorten the text by ${length - limit}`,
      });
    }
  }
  return problems;
}

/**
 * Sends an alert: checks the audience against the directory and the model, writes the alert, its recipients and
 * their links (set-based), queues the first wave's messages and the jobs that send them in chunks, and schedules the
 * next wave, in one transaction with the incident's row locked, audited on the incident's chain.
 */
export async function createAlert(
  db: Kysely<Database>,
  org: string,
  incidentId: string,
  request: AlertRequest,
  actor: IncidentActor,
  now = new Date(),
): Promise<{ id: string; recipients: number }> {
  await checkAlertAudience(db, org, request);
  return db.transaction().execute((trx) => insertAlert(trx, org, incidentId, request, actor, now));
}

/** Refuses an audience naming sites, activities or people the organisation does not have. */
export async function checkAlertAudience(db: Kysely<Database>, org: string, request: AlertRequest): Promise<void> {
  const model = await exportModel(db, org);
  const problems: Problem[] = [];
  if (!('everyone' in request.audience)) {
    const sites = new Set(model.sites.map((site) => site.id));
    const activities = new Set(model.activities.map((activity) => activity.id));
    request.audience.sites.forEach((id, i) => {
      if (!sites.has(id)) problems.push({ path: `body.audience.sites[${i}]`, rule: 'unknown_reference', value: id, message: `no site "${id}"` });
    });
    request.audience.activities.forEach((id, i) => {
      if (!activities.has(id)) problems.push({ path: `body.audience.activities[${i}]`, rule: 'unknown_reference', value: id, message: `no activity "${id}"` });
    });
    const unknown = await new AlertRepository(db).unknownPeople(org, request.audience.people);
    const people = request.audience.people;
    for (const id of unknown)
      problems.push({
        path: `body.audience.people[${people.indexOf(id)}]`,
        rule: 'unknown_reference',
        value: id,
        message: `no person "${id}" in the directory`,
      });
  }
  if (problems.length > 0) throw new RempartError('invalid_reference', `The audience names ${problems.length} unknown item(s).`, problems);
}

/**
 * The writes of `createAlert` in the caller's transaction (its audience checked first): a caller whose own record
 * must change with the alert (an exercise's inject marked sent) commits both or neither.
 */
export async function insertAlert(
  trx: Transaction<Database>,
  org: string,
  incidentId: string,
  request: AlertRequest,
  actor: IncidentActor,
  now = new Date(),
): Promise<{ id: string; recipients: number }> {
  const settings = alertSettings();
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + request.expiresInHours * 3_600_000);
  const incident = await new IncidentRepository(trx).get(org, incidentId, { lock: true });
  if (!incident) throw incidentNotFound(incidentId);
  if (incident.status === 'closed')
    throw new RempartError('conflict', 'The incident is closed: it sends no more alerts.', [
      { path: 'incident', rule: 'closed', value: incidentId, message: 'closed' },
    ]);
  const repository = new AlertRepository(trx);
  const people = await repository.audience(org, request.audience);
  if (people.length === 0)
    throw new RempartError('invalid_input', 'Nobody in the directory matches this audience.', [
      { path: 'body.audience', rule: 'audience_empty', value: request.audience, message: 'no person of the directory matches: add people, or choose others' },
    ]);
  const sms = smsProblems(org, request, new Set(people.map((person) => person.language)), incident.exercise);
  if (sms.length > 0) throw new RempartError('invalid_input', 'The message does not fit in one text message with its link.', sms);

  await repository.insertAlert(org, {
    id,
    incidentId,
    audience: request.audience,
    channels: request.channels,
    message: request.message,
    waves: request.waves,
    recipients: people.length,
    createdBy: actor.label,
    createdAt: now,
    expiresAt,
  });
  const ids: string[] = [];
  const personIds: string[] = [];
  const digests: string[] = [];
  for (const person of people) {
    ids.push(randomUUID());
    personIds.push(person.id);
    digests.push(checkinToken(org, id, person.id).digest);
  }
  await repository.insertRecipients(org, { id, incidentId, createdBy: actor.id, expiresAt }, { ids, people: personIds, digests });
  const queued = await queueWave(trx, org, { id, channels: request.channels, waves: request.waves }, 1, settings.chunkSize);

  await new IncidentRepository(trx).append(org, incidentId, {
    at: now,
    kind: 'message',
    text: `Alert sent to ${people.length} people (${request.channels.join(', ')}): ${request.message.text.slice(0, 200)}`,
    author: actor.label,
    decidedBy: null,
    corrects: null,
    data: { alert: id, recipients: people.length, channels: request.channels },
  });
  await publishLiveEvent(trx, { org, topic: `incident:${incidentId}`, type: 'alert', data: { alert: id, recipients: people.length, queued } });
  await recordAudit(
    trx,
    {
      org,
      chain: recordChain(org, 'incident', incidentId),
      action: 'alert',
      entityType: 'incident',
      entityId: incidentId,
      after: { alert: id, audience: request.audience, channels: request.channels, recipients: people.length, waves: request.waves },
    },
    now,
  );
  return { id, recipients: people.length };
}

/** Queues a wave's messages and the jobs sending them (one per chunk of recipients); returns the messages queued. */
export async function queueWave(
  trx: Transaction<Database>,
  org: string,
  alert: Pick<AlertRecord, 'id' | 'channels' | 'waves'>,
  wave: number,
  chunkSize: number,
): Promise<number> {
  const repository = new AlertRepository(trx);
  const queued = await repository.queueWave(org, alert.id, wave, waveChannels(alert, wave), alert.channels);
  const starts = await repository.chunkStarts(org, alert.id, wave, chunkSize);
  for (let i = 0; i < starts.length; i++)
    await enqueueJob(trx, {
      org,
      kind: ALERT_SEND_JOB,
      payload: { alert: alert.id, wave, from: starts[i], to: starts[i + 1] ?? null },
      idempotencyKey: `${alert.id}:${wave}:${i}`,
      priority: 10,
    });
  // The next wave, or after the last one the end (those still unreached go to the follow-up queue).
  await enqueueJob(trx, {
    org,
    kind: ALERT_WAVE_JOB,
    payload: { alert: alert.id, wave: wave + 1 },
    runAt: new Date(Date.now() + alert.waves.intervalMinutes * 60_000),
    idempotencyKey: `${alert.id}:wave:${wave + 1}`,
  });
  await repository.setStatus(org, alert.id, { status: 'sending', wave });
  return queued;
}

/** Stops an alert's waves (and its unsent messages), recorded on the incident's chain. */
export async function stopAlert(db: Kysely<Database>, org: string, incident: string, id: string, actor: IncidentActor, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const repository = new AlertRepository(trx);
    const alert = await repository.get(org, id, { lock: true });
    if (!alert || alert.incidentId !== incident) throw alertNotFound(id);
    if (alert.status === 'stopped' || alert.status === 'done') return;
    await repository.setStatus(org, id, { status: 'stopped', stopReason: `stopped by ${actor.label}`.slice(0, 300) });
    await publishLiveEvent(trx, { org, topic: `incident:${incident}`, type: 'alert-ended', data: { alert: id, reason: 'stopped' } });
    await recordAudit(
      trx,
      { org, chain: recordChain(org, 'incident', incident), action: 'alert_stop', entityType: 'incident', entityId: incident, after: { alert: id } },
      now,
    );
  });
}

/** The alert as a CAP 1.2 message: one block per language of its recipients. */
export async function alertCap(db: Kysely<Database>, org: string, incidentId: string, id: string): Promise<string> {
  const alert = await new AlertRepository(db).get(org, id);
  if (!alert || alert.incidentId !== incidentId) throw alertNotFound(id);
  const incident = (await new IncidentRepository(db).get(org, incidentId))!;
  const model = await exportModel(db, org);
  const { rows } = await sql<{ language: 'fr' | 'en' }>`
    select distinct language from alert_recipients where org_id = ${org} and alert_id = ${id} order by language`.execute(db);
  const message = alert.message as AlertRequest['message'];
  const sites = 'everyone' in alert.audience ? [] : alert.audience.sites;
  return alertToCap({
    org: { id: org, name: model.organisation?.name ?? org },
    alert: { id, createdAt: alert.createdAt, expiresAt: alert.expiresAt, channels: alert.channels },
    incident,
    messages: rows.map(({ language }) => {
      const text = messageIn(message, language);
      return { language, headline: text.subject ?? incident.title, text: text.text };
    }),
    publicUrl: alertSettings().publicUrl,
    areas: sites.map((site) => model.sites.find((one) => one.id === site)?.name ?? site),
  });
}

function present(alert: AlertRecord, counts: Counts): AlertView {
  return {
    id: alert.id,
    incident: alert.incidentId,
    status: alert.status,
    stopReason: alert.stopReason,
    wave: alert.wave,
    audience: alert.audience,
    channels: alert.channels,
    message: alert.message as AlertView['message'],
    waves: alert.waves,
    createdAt: alert.createdAt.toISOString(),
    createdBy: alert.createdBy,
    expiresAt: alert.expiresAt.toISOString(),
    recipients: counts.recipients,
    queued: counts.queued,
    sent: counts.sent,
    delivered: counts.delivered,
    failed: counts.failed,
    answered: counts.answered,
    answers: counts.answers,
    channelsDetail: counts.channels,
  };
}

export async function getAlert(db: Kysely<Database>, org: string, incident: string, id: string): Promise<AlertView> {
  const repository = new AlertRepository(db);
  const alert = await repository.get(org, id);
  if (!alert || alert.incidentId !== incident) throw alertNotFound(id);
  return present(alert, (await repository.counts(org, [id])).get(id)!);
}

export async function listAlerts(db: Kysely<Database>, org: string, incident: string): Promise<AlertView[]> {
  if (!(await new IncidentRepository(db).get(org, incident))) throw incidentNotFound(incident);
  const repository = new AlertRepository(db);
  const alerts = await repository.listForIncident(org, incident);
  const counts = await repository.counts(
    org,
    alerts.map((alert) => alert.id),
  );
  return alerts.map((alert) => present(alert, counts.get(alert.id)!));
}

// Live events of check-ins are coalesced per incident: a burst of thousands of answers a second becomes a few events
// (each one a transaction on the incident's topic, which writers take in turn), well within a second of the answer.
const COALESCE_MS = 100;
const pending = new Map<string, { db: Kysely<Database>; org: string; incident: string; alerts: Set<string>; count: number }>();

function announceCheckin(db: Kysely<Database>, org: string, incident: string, alert: string): void {
  const key = `${org}\u0000${incident}`;
  const entry = pending.get(key);
  if (entry) {
    entry.alerts.add(alert);
    entry.count++;
    return;
  }
  pending.set(key, { db, org, incident, alerts: new Set([alert]), count: 1 });
  setTimeout(() => {
    const due = pending.get(key)!;
    pending.delete(key);
    void due.db
      .transaction()
      .execute((trx) =>
        publishLiveEvent(trx, { org: due.org, topic: `incident:${due.incident}`, type: 'checkins', data: { alerts: [...due.alerts], answers: due.count } }),
      )
      .catch(() => {
        // The answers are committed; a lost announcement only delays the boards until the next one.
      });
  }, COALESCE_MS).unref?.();
}

/** A "need help" answer opens a follow-up case (one open case per person and incident). */
export async function openCaseFor(db: Kysely<Database>, org: string, incident: string, person: string, reason: 'need_help' | 'unreached'): Promise<void> {
  await sql`
    insert into follow_up_cases (org_id, incident_id, person_id, reason) values (${org}, ${incident}, ${person}, ${reason})
    on conflict (org_id, incident_id, person_id) where status <> 'closed' do nothing`.execute(db);
}

/** What a check-in through a link answers; `unknown` and `gone` never say whose link it was. */
export type LinkCheckinOutcome =
  | { state: 'unknown' }
  | { state: 'expired' | 'revoked'; language: 'fr' | 'en' }
  | { state: 'answered'; language: 'fr' | 'en'; status: CheckinStatus; answeredAt: string };

/** Records an answer given through a personal link (the page's form or JSON), idempotently: the last answer counts. */
export async function checkInByLink(db: Kysely<Database>, text: string, answer: CheckinAnswer, now = new Date()): Promise<LinkCheckinOutcome> {
  const parsed = parseLinkToken(text);
  if (!parsed) return { state: 'unknown' };
  const result = await new AlertRepository(db).answerByLink(
    parsed.org,
    sha256Hex(parsed.hashed),
    { status: answer.status, note: answer.note ?? null, via: 'link' },
    now,
  );
  if (result.state === 'unknown') return result;
  if (result.state !== 'answered') return { state: result.state, language: result.language };
  if (answer.status === 'need_help') await openCaseFor(db, parsed.org, result.incident, result.person, 'need_help');
  announceCheckin(db, parsed.org, result.incident, result.alert);
  return { state: 'answered', language: result.language, status: answer.status, answeredAt: now.toISOString() };
}

/** Records an answer for a person known otherwise (signed-in employee, SMS reply) to their latest alert of the incident. */
export async function checkInAs(
  db: Kysely<Database>,
  org: string,
  incident: string,
  person: string,
  answer: CheckinAnswer,
  via: 'session' | 'sms',
  now = new Date(),
): Promise<{ status: CheckinStatus; answeredAt: string }> {
  const repository = new AlertRepository(db);
  const alerts = await repository.personAlerts(org, incident, person);
  const alert = alerts.find((one) => one.expiresAt > now);
  if (!alert)
    throw new RempartError('not_found', 'No alert of this incident waits for your answer.', [
      { path: 'incident', rule: 'alerted', value: incident, message: 'you were not sent an alert of this incident (or it expired)' },
    ]);
  await repository.answerAs(org, alert.alert, person, { status: answer.status, note: answer.note ?? null, via }, now);
  if (answer.status === 'need_help') await openCaseFor(db, org, incident, person, 'need_help');
  announceCheckin(db, org, incident, alert.alert);
  return { status: answer.status, answeredAt: now.toISOString() };
}

/** Live availability of an incident: per activity against its minimum, per site, per remote-access pool. */
export async function availability(db: Kysely<Database>, org: string, incident: string, now = new Date()): Promise<Availability> {
  if (!(await new IncidentRepository(db).get(org, incident))) throw incidentNotFound(incident);
  const model = await exportModel(db, org);
  const rows = await new AlertRepository(db).availabilityRows(org, incident);
  type Tally = { people: number; availableOnSite: number; availableRemote: number; unavailable: number; needHelp: number; unanswered: number };
  const tally = (): Tally => ({ people: 0, availableOnSite: 0, availableRemote: 0, unavailable: 0, needHelp: 0, unanswered: 0 });
  const add = (target: Tally, status: CheckinStatus | null) => {
    target.people++;
    if (status === 'available_on_site') target.availableOnSite++;
    else if (status === 'available_remote') target.availableRemote++;
    else if (status === 'unavailable') target.unavailable++;
    else if (status === 'need_help') target.needHelp++;
    else target.unanswered++;
  };
  const byActivity = new Map(model.activities.map((activity) => [activity.id, tally()]));
  const bySite = new Map(model.sites.map((site) => [site.id, tally()]));
  const remote = new Map(model.pools.map((pool) => [pool.id, 0]));
  const activities = new Map(model.activities.map((activity) => [activity.id, activity]));
  let answered = 0;
  for (const row of rows) {
    if (row.status) answered++;
    for (const activity of row.activities) {
      const target = byActivity.get(activity);
      if (target) add(target, row.status);
    }
    const site = row.site ? bySite.get(row.site) : undefined;
    if (site) add(site, row.status);
    if (row.status === 'available_remote') {
      // The pool they work through: the first of the access list of their staff entry (their site first).
      let pool: string | undefined;
      for (const id of row.activities) {
        const staff = activities.get(id)?.staff ?? [];
        const entry = staff.find((one) => one.site === row.site && one.access.length > 0) ?? staff.find((one) => one.access.length > 0);
        pool = entry?.access[0];
        if (pool) break;
      }
      if (pool && remote.has(pool)) remote.set(pool, remote.get(pool)! + 1);
    }
  }
  const strip = ({ people, ...rest }: Tally) => ({ people, ...rest });
  return {
    incident,
    now: now.toISOString(),
    people: rows.length,
    answered,
    unanswered: rows.length - answered,
    activities: model.activities.map((activity) => {
      const counts = byActivity.get(activity.id)!;
      const headcount = activity.staff.reduce((sum, entry) => sum + entry.headcount, 0);
      // A fraction times a whole number in floating point: 0.3 × 10 is 3.0000000000000004, whose ceiling is 4.
      const minimum = Math.ceil(Math.round(activity.mbco * headcount * 1e9) / 1e9);
      return {
        id: activity.id,
        name: activity.name,
        ...(activity.names ? { names: activity.names } : {}),
        headcount,
        minimum,
        ...strip(counts),
        belowMinimum: counts.availableOnSite + counts.availableRemote < minimum,
      };
    }),
    pools: model.pools.map((pool) => ({
      id: pool.id,
      name: pool.name ?? null,
      kind: pool.kind,
      capacity: pool.capacity,
      remoteWorkers: remote.get(pool.id)!,
      overCapacity: remote.get(pool.id)! > pool.capacity,
    })),
    sites: model.sites.map((site) => ({ id: site.id, name: site.name, ...strip(bySite.get(site.id)!) })),
  };
}
