// Alerts leaving through their channels, with the job runner in the process: e-mail to a real SMTP sink, SMS to a
// real HTTP provider (the JSON webhook), each message's row and state; answers from the links in the mails; signed
// receipts and SMS replies; waves that re-send only to those who have not answered, escalate to SMS, respect the
// per-number throttle, stop at the minimums or hand the unreached to the follow-up queue.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, signBody, closeMailTransports } from '../../src/operations/channels.js';
import { smallModel, startTestApp, type TestApp } from '../support/app.js';
import { mailText, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { startSmsProvider, type SmsProvider } from '../support/sms-provider.js';
import { until } from '../support/until.js';

let t: TestApp;
let smtp: SmtpSink;
let sms: SmsProvider;
const ORG = 'acme';
const SECRET = 'webhook secret for tests';

const PEOPLE = [
  { id: 'P1', name: 'Claire Morel', email: 'claire@acme.example', mobile: '+33639981001', language: 'fr', site: 'paris', activities: ['claims'] },
  { id: 'P2', name: 'John Smith', email: 'john@acme.example', language: 'en', site: 'paris', activities: ['claims'] },
  { id: 'P3', name: 'Ana Ruiz', mobile: '+33639981003', language: 'en', site: 'lyon', activities: ['payments'] },
  { id: 'P4', name: 'Paul Martin', email: 'paul@acme.example', mobile: '+33639981004', language: 'fr', site: 'lyon', activities: ['payments'] },
];

async function declare(title: string): Promise<string> {
  const response = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/incidents`, payload: { title, severity: 'major' } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

async function alertView(incident: string, alert: string) {
  const response = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/incidents/${incident}/alerts/${alert}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** Makes the next wave (a job waiting for its time) due now. */
async function nextWaveNow(alert: string): Promise<void> {
  await sql`update jobs set run_at = now() where kind = 'alerts.wave' and status = 'queued' and payload->>'alert' = ${alert}`.execute(t.database.db);
  await sql`select pg_notify('rempart_jobs', 'alerts.wave')`.execute(t.database.db);
}

function signed(url: string, body: unknown, secret = SECRET) {
  const text = JSON.stringify(body);
  return t.request({
    method: 'POST',
    url,
    payload: text,
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(secret, text) },
    as: null,
  });
}

beforeAll(async () => {
  smtp = await startSmtpSink();
  sms = await startSmsProvider();
  t = await startTestApp({
    jobs: { pollMs: 50 },
    alerts: {
      publicUrl: 'https://rempart.acme.example',
      smtpUrl: smtp.url,
      mailFrom: 'Rempart <alerts@acme.example>',
      sms: { provider: 'webhook', url: sms.url, credentials: 'provider-token', from: 'ACME', inboundSecret: SECRET },
      smsPerNumberSeconds: 60,
    },
  });
  const model = smallModel();
  // Two people in claims (minimum 2), two in payments (minimum 1).
  model.activities[0].staff = [{ site: 'paris', headcount: 2, remote: 0.5, access: ['vpn'] }];
  model.activities[0].mbco = 1;
  (model.activities[1] as { staff?: unknown }).staff = [{ site: 'lyon', headcount: 2, remote: 0.5, access: [] }];
  (model.activities[1] as { mbco: number }).mbco = 0.5;
  expect((await t.request({ method: 'PUT', url: `/api/orgs/${ORG}/model`, payload: model })).statusCode).toBe(200);
  for (const person of PEOPLE) expect((await t.request({ method: 'POST', url: `/api/orgs/${ORG}/people`, payload: person })).statusCode).toBe(201);
});
afterAll(async () => {
  await t?.close();
  closeMailTransports();
  await smtp?.close();
  await sms?.close();
});

describe('delivery', () => {
  it('sends each person one message in their language with their link; the links answer; receipts and replies count', async () => {
    const incident = await declare('Flood');
    const response = await t.request({
      method: 'POST',
      url: `/api/orgs/${ORG}/incidents/${incident}/alerts`,
      payload: {
        audience: { everyone: true },
        channels: ['email', 'sms'],
        message: { subject: 'Flood', text: 'The office is flooded.', fr: { subject: 'Inondation', text: 'Le bureau est inondé.' } },
        waves: { count: 2, intervalMinutes: 30 },
      },
    });
    expect(response.statusCode, response.body).toBe(202);
    const alert = response.json().id;
    // Wave 1: e-mail to those who have an address, SMS to P3 who has none.
    await until(
      'the first wave',
      () => smtp.mails.length + sms.messages.length,
      (n) => n >= 4,
    );
    const view = await until(
      'sent counts',
      () => alertView(incident, alert),
      (v) => v.sent === 4,
    );
    expect(view).toMatchObject({ recipients: 4, sent: 4, failed: 0, queued: 0, channelsDetail: { email: { sent: 3 }, sms: { sent: 1 } } });
    const claire = smtp.mails.find((mail) => mail.to.includes('claire@acme.example'))!;
    expect(claire.subject).toBe('Inondation');
    const text = mailText(claire.raw);
    expect(text).toContain('Le bureau est inondé.');
    const link = /https:\/\/rempart\.acme\.example\/c\/(rmpl_[A-Za-z0-9._-]+)/.exec(text)![1];
    expect(new Set(smtp.mails.map((mail) => mail.messageId)).size).toBe(3);
    expect(sms.messages[0]).toMatchObject({ to: '+33639981003', from: 'ACME', authorization: 'Bearer provider-token' });
    expect(sms.messages[0].text).toMatch(/^The office is flooded\. https:\/\/rempart\.acme\.example\/c\/rmpl_acme\./);
    expect(sms.messages[0].text.length).toBeLessThanOrEqual(160);

    // Answer from the link in the mail.
    const answered = await t.request({ method: 'POST', url: `/c/${link}`, payload: { status: 'available_on_site' }, as: null });
    expect(answered.statusCode, answered.body).toBe(200);
    // A signed receipt marks the SMS delivered; a wrong signature is refused.
    expect((await signed('/api/sms/receipts', { id: sms.messages[0].id, status: 'delivered' })).json()).toEqual({ handled: true });
    const forged = await signed('/api/sms/receipts', { id: sms.messages[0].id, status: 'failed' }, 'wrong secret');
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.details[0]).toMatchObject({ rule: 'signature' });
    const unsigned = await t.request({ method: 'POST', url: '/api/sms/receipts', payload: { id: 'x', status: 'delivered' }, as: null });
    expect(unsigned.statusCode).toBe(401);
    // P3 replies "2": available remotely.
    expect((await signed('/api/sms/replies', { from: '+33639981003', text: ' 2 ' })).json()).toEqual({ handled: true, status: 'available_remote' });
    expect((await signed('/api/sms/replies', { from: '+33639981003', text: 'hello' })).json()).toMatchObject({ handled: false });
    const bad = await signed('/api/sms/replies', { from: '0612', text: '1', extra: true });
    expect(bad.statusCode).toBe(400);
    expect(await alertView(incident, alert)).toMatchObject({ answered: 2, delivered: 1, answers: { available_on_site: 1, available_remote: 1 } });

    // Wave 2 re-sends only to P2 and P4 (unanswered), now on SMS too (escalation); P2 has no mobile.
    const mailsBefore = smtp.mails.length;
    const smsBefore = sms.messages.length;
    await nextWaveNow(alert);
    await until(
      'the second wave',
      () => smtp.mails.length - mailsBefore + sms.messages.length - smsBefore,
      (n) => n >= 3,
    );
    const second = smtp.mails.slice(mailsBefore).flatMap((mail) => mail.to);
    expect(second.sort()).toEqual(['john@acme.example', 'paul@acme.example']);
    expect(sms.messages.slice(smsBefore).map((message) => message.to)).toEqual(['+33639981004']);
    const waved = await alertView(incident, alert);
    expect(waved.wave).toBe(2);

    // After the last wave, those still unreached go to the follow-up queue.
    await nextWaveNow(alert);
    await until(
      'the end of the alert',
      () => alertView(incident, alert),
      (v) => v.status !== 'sending',
    );
    const cases = await sql<{
      person_id: string;
      reason: string;
    }>`select person_id, reason from follow_up_cases where incident_id = ${incident} order by person_id`.execute(t.database.db);
    expect(cases.rows).toEqual([
      { person_id: 'P2', reason: 'unreached' },
      { person_id: 'P4', reason: 'unreached' },
    ]);
  }, 60_000);

  it('stops the waves once every activity has its minimum available', async () => {
    const incident = await declare('Enough');
    const alert = (
      await t.request({
        method: 'POST',
        url: `/api/orgs/${ORG}/incidents/${incident}/alerts`,
        payload: { audience: { everyone: true }, channels: ['email'], message: { text: 'Answer please.' }, waves: { count: 3, intervalMinutes: 30 } },
      })
    ).json().id;
    await until(
      'sent',
      () => alertView(incident, alert),
      (v) => v.sent === 3,
    );
    const links = smtp.mails.filter((mail) => mail.messageId?.includes(alert));
    expect(links).toHaveLength(3);
    for (const mail of links) {
      const link = /\/c\/(rmpl_[A-Za-z0-9._-]+)/.exec(mailText(mail.raw))![1];
      await t.request({ method: 'POST', url: `/c/${link}`, payload: { status: 'available_remote' }, as: null });
    }
    await nextWaveNow(alert);
    const ended = await until(
      'stopped',
      () => alertView(incident, alert),
      (v) => v.status === 'stopped',
    );
    expect(ended.stopReason).toBe('minimums_reached');
    expect(ended.wave).toBe(1);
  }, 60_000);

  it('holds a second text to the same number within the throttle window, and marks refused messages failed', async () => {
    const incident = await declare('Throttle');
    const send = () =>
      t.request({
        method: 'POST',
        url: `/api/orgs/${ORG}/incidents/${incident}/alerts`,
        payload: { audience: { people: ['P1'] }, channels: ['sms'], message: { text: 'Test.' }, waves: { count: 1, intervalMinutes: 30 } },
      });
    const before = sms.messages.length;
    const first = (await send()).json().id;
    await until(
      'the first text',
      () => alertView(incident, first),
      (v) => v.sent === 1,
    );
    const second = (await send()).json().id;
    await until(
      'the send job',
      async () =>
        (
          await sql<{ n: string }>`select count(*) as n from jobs where kind = 'alerts.send' and status = 'done' and payload->>'alert' = ${second}`.execute(
            t.database.db,
          )
        ).rows[0].n,
      (n) => Number(n) >= 1,
    );
    expect(sms.messages.length - before).toBe(1);
    expect(await alertView(incident, second)).toMatchObject({ sent: 0, queued: 1 });
    const later = await sql<{
      run_at: Date;
    }>`select run_at from jobs where kind = 'alerts.send' and status = 'queued' and payload->>'alert' = ${second}`.execute(t.database.db);
    expect(later.rows).toHaveLength(1);
    expect(new Date(later.rows[0].run_at).getTime()).toBeGreaterThan(Date.now() + 50_000);

    // A provider's 400 is final: the message and its recipient are failed.
    const newcomer = { id: 'P5', name: 'Eva Lind', mobile: '+33639981005', language: 'en', site: 'lyon', activities: ['payments'] };
    expect((await t.request({ method: 'POST', url: `/api/orgs/${ORG}/people`, payload: newcomer })).statusCode).toBe(201);
    sms.refuseNext(1, 400);
    const refused = (
      await t.request({
        method: 'POST',
        url: `/api/orgs/${ORG}/incidents/${incident}/alerts`,
        payload: { audience: { people: ['P5'] }, channels: ['sms'], message: { text: 'Test.' }, waves: { count: 1, intervalMinutes: 30 } },
      })
    ).json().id;
    const failed = await until(
      'failed',
      () => alertView(incident, refused),
      (v) => v.failed === 1,
    );
    expect(failed).toMatchObject({ sent: 0, channelsDetail: { sms: { failed: 1 } } });
  }, 60_000);
});
