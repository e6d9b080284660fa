// Jobs of mass notification. `alerts.send` sends one chunk of a wave (a few hundred recipients), each message's
// state recorded as it leaves, so a process killed mid-chunk leaves the rest queued for whichever process claims the
// job next. `alerts.wave` starts the next wave (only those who have not answered, on more channels), stops when
// every activity reached its minimum, and after the last wave sends the unreached to the follow-up queue.
import { sql, type Kysely } from 'kysely';
import { CHECKIN_TEXTS, emailText, exerciseMarked } from '../../../model/alert-texts.js';
import type { AlertMessage } from '../../../model/alert.js';
import { AlertRepository, DeliveryRepository, type PendingDelivery } from '../../../store/alert-repository.js';
import { IncidentRepository } from '../../../store/incident-repository.js';
import { publishLiveEvent } from '../../../store/live-events.js';
import type { Database } from '../../../store/schema.js';
import { alertSettings, checkinUrl } from '../../alert-settings.js';
import { ALERT_SEND_JOB, ALERT_WAVE_JOB, availability, messageIn, queueWave, smsText } from '../../alerts.js';
import { alertMessageId, sendEmail, sendSms, type SendOutcome } from '../../channels.js';
import { SharedRateLimiter } from '../../public-rate-limit.js';
import { RempartError } from '../../../errors.js';
import { enqueueJob } from '../queue.js';
import { purgeNotes } from '../../follow-up.js';
import type { JobHandler } from '../handler.js';

interface SendPayload {
  alert: string;
  wave: number;
  from: string;
  to: string | null;
  /** A continuation of a chunk whose messages had to wait (rate limit, per-number throttle). */
  part?: number;
}

/** Attempts of one message before it is failed for good. */
const MESSAGE_ATTEMPTS = 3;
/** Messages of a chunk in flight at once (the SMTP pool's connections). */
const PARALLEL = 10;

const limiters = new WeakMap<Kysely<Database>, SharedRateLimiter>();

/** The per-channel limit shared by every process (counter rows), one limiter per database. */
function limiterFor(db: Kysely<Database>): SharedRateLimiter {
  let limiter = limiters.get(db);
  if (!limiter) {
    limiter = new SharedRateLimiter(db, { perKeyPerMinute: 0, perClientPerMinute: 0 });
    limiter.start();
    limiters.set(db, limiter);
  }
  return limiter;
}

export const alertSendJob: JobHandler<SendPayload> = {
  kind: ALERT_SEND_JOB,
  maxAttempts: 8,
  backoff: { baseMs: 5_000, maxMs: 5 * 60_000 },
  async run(job) {
    const org = job.org!;
    const { alert: alertId, wave, from, to } = job.payload;
    const alert = await new AlertRepository(job.db).get(org, alertId);
    if (!alert || alert.status === 'stopped') return;
    const incident = await new IncidentRepository(job.db).get(org, alert.incidentId);
    const settings = alertSettings();
    const deliveries = new DeliveryRepository(job.db);
    const pending = await deliveries.chunk(org, alertId, wave, from, to);
    const message = alert.message as AlertMessage;
    // Rate limited: the chunk stops and goes on later. Throttled numbers: only their messages wait.
    let waitSeconds = 0;
    let throttledSeconds = 0;
    let transient = 0;

    const sendOne = async (row: PendingDelivery): Promise<void> => {
      if (row.channel === 'sms' && (await deliveries.smsSentSince(row.address, settings.smsPerNumberSeconds))) {
        throttledSeconds = settings.smsPerNumberSeconds;
        return;
      }
      const limit = settings.perMinute[row.channel];
      if (limit > 0)
        try {
          await limiterFor(job.db).take([{ scope: `alerts:${row.channel}`, limit }]);
        } catch (error) {
          if (!(error instanceof RempartError) || error.code !== 'rate_limited') throw error;
          waitSeconds = Math.max(waitSeconds, error.retryAfter ?? 60);
          return;
        }
      const text = messageIn(message, row.language);
      const mark = (line: string) => (incident?.exercise ? exerciseMarked(row.language, line) : line);
      const url = checkinUrl(org, alertId, row.personId);
      let outcome: SendOutcome;
      if (row.channel === 'email')
        outcome = await sendEmail(settings, {
          to: row.address,
          subject: mark(text.subject ?? incident?.title ?? CHECKIN_TEXTS[row.language].title),
          text: emailText(row.language, mark(text.text), url),
          messageId: alertMessageId(alertId, wave, row.personId, 'email'),
        });
      else
        outcome = await sendSms(settings.sms, { to: row.address, text: smsText(mark(text.text), url), reference: `${org}:${alertId}:${wave}:${row.personId}` });
      // Recorded at once, message by message: a crash loses at most the messages in flight.
      if (outcome.ok) await deliveries.markSent(org, alertId, wave, row.personId, row.channel, outcome.providerId);
      else {
        const final = outcome.permanent || row.attempts + 1 >= MESSAGE_ATTEMPTS;
        await deliveries.markFailed(org, alertId, wave, row.personId, row.channel, outcome.error, final);
        if (!final) transient++;
      }
    };

    let next = 0;
    const lane = async () => {
      while (next < pending.length && !job.signal.aborted && waitSeconds === 0) await sendOne(pending[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, pending.length) }, lane));
    if (job.signal.aborted) return;

    await job.fenced(async (trx) => {
      // What had to wait goes on in a continuation of this chunk, later; this job is done.
      if (waitSeconds > 0 || throttledSeconds > 0 || transient > 0)
        await enqueueJob(trx, {
          org,
          kind: ALERT_SEND_JOB,
          payload: { ...job.payload, part: (job.payload.part ?? 0) + 1 },
          runAt: new Date(Date.now() + Math.max(waitSeconds, throttledSeconds, Math.min(300, 5 * 2 ** (job.payload.part ?? 0))) * 1000),
          idempotencyKey: `${alertId}:${wave}:${from}:part${(job.payload.part ?? 0) + 1}`,
          priority: 10,
        });
      await publishLiveEvent(trx, { org, topic: `incident:${alert.incidentId}`, type: 'delivery', data: { alert: alertId, wave, messages: pending.length } });
    });
  },
};

interface WavePayload {
  alert: string;
  wave: number;
}

export const alertWaveJob: JobHandler<WavePayload> = {
  kind: ALERT_WAVE_JOB,
  maxAttempts: 5,
  async run(job) {
    const org = job.org!;
    const { alert: alertId, wave } = job.payload;
    const alert = await new AlertRepository(job.db).get(org, alertId);
    if (!alert || alert.status === 'stopped' || alert.status === 'done') return;
    // Enough people answered: every activity the alert reached has its minimum available.
    const board = await availability(job.db, org, alert.incidentId);
    const reached = board.activities.filter((activity) => activity.people > 0);
    const enough = reached.length > 0 && reached.every((activity) => !activity.belowMinimum);
    const last = wave > alert.waves.count;
    await job.fenced(async (trx) => {
      const repository = new AlertRepository(trx);
      if (enough || last) {
        await repository.setStatus(org, alertId, enough ? { status: 'stopped', stopReason: 'minimums_reached' } : { status: 'done' });
        // Those still unreached after the last wave are called by the follow-up volunteers.
        if (last)
          await sql`
            insert into follow_up_cases (org_id, incident_id, person_id, reason)
            select org_id, incident_id, person_id, 'unreached' from alert_recipients
            where org_id = ${org} and alert_id = ${alertId} and status is null
            on conflict (org_id, incident_id, person_id) where status <> 'closed' do nothing`.execute(trx);
        await publishLiveEvent(trx, {
          org,
          topic: `incident:${alert.incidentId}`,
          type: 'alert-ended',
          data: { alert: alertId, reason: enough ? 'minimums_reached' : 'last_wave' },
        });
        return;
      }
      await queueWave(trx, org, alert, wave, alertSettings().chunkSize);
      await publishLiveEvent(trx, { org, topic: `incident:${alert.incidentId}`, type: 'wave', data: { alert: alertId, wave } });
    });
  },
};

/** Purges follow-up notes (and check-in notes) of incidents closed longer ago than the retention. */
export const followUpNotesPurgeJob: JobHandler = {
  kind: 'follow-up.purge-notes',
  everyMs: 60 * 60 * 1000,
  maxAttempts: 3,
  async run(job) {
    const purged = await purgeNotes(job.db, alertSettings().followUpRetentionDays);
    if (purged > 0) job.log('purged follow-up notes of incidents closed long ago', { purged });
  },
};
