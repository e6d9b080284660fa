// Timed injects of a live exercise, with the job runner and a real SMTP sink: starting the exercise queues one job per
// inject at its time; a due inject goes out once (alert to its players, crisis log), a later one waits; an inject
// sent by hand before its time is not sent again by its job; exercises that are not live queue nothing.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeMailTransports } from '../../src/operations/channels.js';
import { smallModel, startTestApp, type TestApp } from '../support/app.js';
import { mailText, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';

let t: TestApp;
let smtp: SmtpSink;
const ORG = 'timed';
const URL = `/api/orgs/${ORG}/exercises`;
const MINUTE = 60_000;

const PEOPLE = [
  { id: 'P1', name: 'Claire Morel', email: 'claire@timed.example', language: 'fr' },
  { id: 'P2', name: 'John Smith', email: 'john@timed.example', language: 'en' },
];
const INJECTS = [
  { id: 'flood', at: 0, message: 'The data centre is flooded', audience: { people: ['P1', 'P2'] } },
  { id: 'press', at: 5, message: 'A journalist calls the switchboard', to: 'Communication' },
  { id: 'power', at: 120, message: 'The power is cut on the whole site', audience: { people: ['P1', 'P2'] } },
];

interface JobRow {
  id: string;
  status: string;
  run_at: Date;
  inject: string;
}

async function injectJobs(exercise: string): Promise<JobRow[]> {
  const rows = await sql<JobRow>`
    select id, status, run_at, payload->>'inject' as inject from jobs
    where kind = 'exercises.inject' and payload->>'exercise' = ${exercise} order by run_at`.execute(t.database.db);
  return rows.rows;
}

const mailsWith = (text: string) => smtp.mails.filter((mail) => mailText(mail.raw).includes(text));

async function logInjects(incident: string): Promise<Array<{ text: string; author: string }>> {
  const log = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/incidents/${incident}/log` })).json();
  return log.items.filter((entry: { kind: string; text: string }) => entry.kind === 'message' && entry.text.startsWith('Inject'));
}

beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await startTestApp({
    jobs: { pollMs: 50 },
    alerts: { publicUrl: 'https://rempart.timed.example', smtpUrl: smtp.url, mailFrom: 'Rempart <bc@timed.example>' },
  });
  expect((await t.request({ method: 'PUT', url: `/api/orgs/${ORG}/model`, payload: smallModel() })).statusCode).toBe(200);
  for (const person of PEOPLE) expect((await t.request({ method: 'POST', url: `/api/orgs/${ORG}/people`, payload: person })).statusCode).toBe(201);
}, 60_000);
afterAll(async () => {
  await t?.close();
  closeMailTransports();
  await smtp?.close();
});

describe('timed injects of a live exercise', () => {
  let id: string;
  let incident: string;
  let startedAt: string;

  it('sends the injects already due once, at the start, and keeps the later one for its time', async () => {
    const created = await t.request({
      method: 'POST',
      url: URL,
      payload: { title: 'Live: flood', kind: 'liveTest', scheduledAt: '2026-07-01T09:00:00Z', activities: ['claims'], injects: INJECTS },
    });
    expect(created.statusCode, created.body).toBe(201);
    id = created.json().id;
    expect(await injectJobs(id)).toEqual([]);

    // Recorded as begun ten minutes ago: the first two injects are due, the third in 110 minutes.
    startedAt = new Date(Date.now() - 10 * MINUTE).toISOString();
    const started = await t.request({ method: 'POST', url: `${URL}/${id}/start`, payload: { at: startedAt } });
    expect(started.statusCode, started.body).toBe(200);
    incident = started.json().incident;
    expect(started.json().injects.map((inject: { dueAt: string }) => inject.dueAt)).toEqual(
      INJECTS.map((inject) => new Date(Date.parse(startedAt) + inject.at * MINUTE).toISOString()),
    );

    const view = await until(
      'the due injects sent',
      async () => (await t.request({ method: 'GET', url: `${URL}/${id}` })).json(),
      (exercise) => exercise.injects[0].sentAt !== null && exercise.injects[1].sentAt !== null,
      20_000,
    );
    expect(view.injects[0]).toMatchObject({ id: 'flood', alert: expect.any(String) });
    expect(view.injects[1].alert).toBeUndefined();
    expect(view.injects[2]).toMatchObject({ id: 'power', sentAt: null });

    const mails = await until(
      'the flood mails',
      () => mailsWith('The data centre is flooded'),
      (found) => found.length === 2,
      10_000,
    );
    expect(mails.map((mail) => mail.to[0]).sort()).toEqual(['claire@timed.example', 'john@timed.example']);
    expect(mailText(mails.find((mail) => mail.to[0] === 'john@timed.example')!.raw)).toContain('EXERCISE: The data centre is flooded');

    const jobs = await until(
      'the due jobs done',
      () => injectJobs(id),
      (rows) => rows.filter((row) => row.status === 'done').length === 2,
      10_000,
    );
    expect(jobs.map((row) => [row.inject, row.status])).toEqual([
      ['flood', 'done'],
      ['press', 'done'],
      ['power', 'queued'],
    ]);
    expect(new Date(jobs[2].run_at).toISOString()).toBe(new Date(Date.parse(startedAt) + 120 * MINUTE).toISOString());

    // Sent by the server, once each: a manual send of a sent inject is refused, and nothing more leaves.
    const again = await t.request({ method: 'POST', url: `${URL}/${id}/injects/flood/send` });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details[0]).toMatchObject({ path: 'inject', rule: 'sent', value: 'flood' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailsWith('The data centre is flooded')).toHaveLength(2);
    expect(mailsWith('power is cut')).toHaveLength(0);
    const alerts = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/incidents/${incident}/alerts` })).json();
    expect(alerts.items).toHaveLength(1);
    const log = await logInjects(incident);
    expect(log.map((entry) => [entry.text, entry.author])).toEqual([
      ['Inject: The data centre is flooded', 'rempart (timed inject)'],
      ['Inject to Communication: A journalist calls the switchboard', 'rempart (timed inject)'],
    ]);
  }, 60_000);

  it('does not send again an inject sent by hand before its time', async () => {
    const sent = await t.request({ method: 'POST', url: `${URL}/${id}/injects/power/send` });
    expect(sent.statusCode, sent.body).toBe(200);
    await until(
      'the power mails',
      () => mailsWith('The power is cut'),
      (found) => found.length === 2,
      10_000,
    );
    const [job] = (await injectJobs(id)).filter((row) => row.inject === 'power');
    expect(job.status).toBe('queued');

    // Its time comes: the job finds it sent and does nothing.
    await sql`update jobs set run_at = now() where id = ${job.id}`.execute(t.database.db);
    await until(
      'the power job done',
      () => injectJobs(id),
      (rows) => rows.find((row) => row.inject === 'power')?.status === 'done',
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailsWith('The power is cut')).toHaveLength(2);
    const alerts = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/incidents/${incident}/alerts` })).json();
    expect(alerts.items).toHaveLength(2);
    expect((await logInjects(incident)).filter((entry) => entry.text.includes('power is cut'))).toHaveLength(1);
    const view = (await t.request({ method: 'GET', url: `${URL}/${id}` })).json();
    expect(view.injects[2].sentAt).toBe(sent.json().injects[2].sentAt);
  }, 30_000);

  it('queues no timed inject for an exercise that is not live, nor twice for one start', async () => {
    const created = await t.request({
      method: 'POST',
      url: URL,
      payload: { title: 'Tabletop: flood', kind: 'tabletop', scheduledAt: '2026-07-02T09:00:00Z', injects: [{ id: 'a', at: 0, message: 'Water rises' }] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const tabletop = created.json().id;
    expect((await t.request({ method: 'POST', url: `${URL}/${tabletop}/start`, payload: {} })).statusCode).toBe(200);
    expect(await injectJobs(tabletop)).toEqual([]);
    expect((await t.request({ method: 'GET', url: `${URL}/${tabletop}` })).json().injects[0].sentAt).toBeNull();

    // A second start of the live test is refused and queues nothing more.
    expect((await t.request({ method: 'POST', url: `${URL}/${id}/start`, payload: {} })).statusCode).toBe(409);
    expect(await injectJobs(id)).toHaveLength(3);
  });
});
