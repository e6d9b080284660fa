// Injects of a live exercise to their players, with the job runner and a real SMTP sink: an inject with an audience
// goes out as an alert of the exercise's incident, and every message says EXERCISE in the player's language; an
// inject without one only reaches the crisis log; the plan refuses audiences that would not make a valid alert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeMailTransports } from '../../src/operations/channels.js';
import { smallModel, startTestApp, type TestApp, type TestUser } from '../support/app.js';
import { mailText, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';

let t: TestApp;
let smtp: SmtpSink;
let auditor: TestUser;
const ORG = 'inject';
const URL = `/api/orgs/${ORG}/exercises`;

const PEOPLE = [
  { id: 'P1', name: 'Claire Morel', email: 'claire@inject.example', language: 'fr' },
  { id: 'P2', name: 'John Smith', email: 'john@inject.example', language: 'en' },
  { id: 'P3', name: 'Ana Ruiz', email: 'ana@inject.example', language: 'en' },
];
const PLAYERS = { id: 'flood', at: 10, message: 'The data centre is flooded', audience: { people: ['P1', 'P2'] }, channels: ['email'] };
const plan = (injects: unknown[]) => ({ title: 'Live: flood', kind: 'liveTest', scheduledAt: '2026-07-01T09:00:00Z', activities: ['claims'], injects });

beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await startTestApp({
    jobs: { pollMs: 50 },
    alerts: { publicUrl: 'https://rempart.inject.example', smtpUrl: smtp.url, mailFrom: 'Rempart <bc@inject.example>' },
  });
  for (const org of [ORG, 'inject-other'])
    expect((await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: smallModel() })).statusCode).toBe(200);
  for (const person of PEOPLE) expect((await t.request({ method: 'POST', url: `/api/orgs/${ORG}/people`, payload: person })).statusCode).toBe(201);
  auditor = await t.createUser('aude@inject.example', { org: ORG, role: 'auditor' });
}, 60_000);
afterAll(async () => {
  await t?.close();
  closeMailTransports();
  await smtp?.close();
});

describe('exercise injects to the players', () => {
  it('refuses audiences and channels that would not make a valid alert', async () => {
    const cases: Array<[unknown, string, string]> = [
      [{ ...PLAYERS, audience: { people: ['nobody'] } }, 'body.injects[0].audience.people[0]', 'unknown_reference'],
      [{ ...PLAYERS, audience: { sites: ['atlantis'] } }, 'body.injects[0].audience.sites[0]', 'unknown_reference'],
      [{ id: 'x', at: 0, message: 'm', channels: ['sms'] }, 'body.injects[0].channels', 'audience_required'],
      [{ ...PLAYERS, message: 'x'.repeat(2001) }, 'body.injects[0].message', 'invalid_alert'],
      [{ ...PLAYERS, channels: ['email', 'email'] }, 'body.injects[0].channels', 'invalid_alert'],
    ];
    for (const [inject, path, rule] of cases) {
      const response = await t.request({ method: 'POST', url: URL, payload: plan([inject]) });
      expect(response.statusCode, path).toBe(400);
      expect(response.json().error.details.map((d: { path: string; rule: string }) => `${d.path}:${d.rule}`)).toContain(`${path}:${rule}`);
    }
    for (const inject of [
      { ...PLAYERS, channels: ['fax'] },
      { ...PLAYERS, audience: {} },
      { ...PLAYERS, audience: { everyone: false } },
      { ...PLAYERS, audience: { people: 'P1' } },
    ])
      expect((await t.request({ method: 'POST', url: URL, payload: plan([inject]) })).statusCode).toBe(400);
  });

  it('sends an inject with an audience as an alert marked EXERCISE, in each player’s language', async () => {
    const created = await t.request({ method: 'POST', url: URL, payload: plan([PLAYERS, { id: 'log-only', at: 20, message: 'The press calls' }]) });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect(created.json().injects[0]).toMatchObject({ audience: { people: ['P1', 'P2'] }, channels: ['email'] });
    const started = (await t.request({ method: 'POST', url: `${URL}/${id}/start`, payload: {} })).json();
    expect((await t.request({ method: 'POST', url: `${URL}/${id}/injects/flood/send`, as: auditor.session })).statusCode).toBe(403);
    expect((await t.request({ method: 'POST', url: `/api/orgs/inject-other/exercises/${id}/injects/flood/send` })).statusCode).toBe(404);

    const sent = await t.request({ method: 'POST', url: `${URL}/${id}/injects/flood/send` });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().injects[0]).toMatchObject({ sentAt: expect.any(String), alert: expect.any(String) });
    const mails = await until(
      'the inject mails',
      () => smtp.mails.filter((mail) => mailText(mail.raw).includes('The data centre is flooded')),
      (found) => found.length === 2,
      10_000,
    );
    expect(mails.map((mail) => mail.to[0]).sort()).toEqual(['claire@inject.example', 'john@inject.example']);
    const text = (to: string) => mailText(mails.find((mail) => mail.to[0] === to)!.raw);
    expect(text('claire@inject.example')).toContain('EXERCICE : The data centre is flooded');
    expect(text('john@inject.example')).toContain('EXERCISE: The data centre is flooded');
    expect(text('john@inject.example')).toContain('Subject: EXERCISE: ');

    expect((await t.request({ method: 'POST', url: `${URL}/${id}/injects/log-only/send` })).statusCode).toBe(200);
    const alerts = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/incidents/${started.incident}/alerts` })).json();
    expect(alerts.items).toHaveLength(1);
    const log = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/incidents/${started.incident}/log` })).json();
    expect(log.items.filter((entry: { kind: string; text: string }) => entry.kind === 'message' && entry.text.startsWith('Inject: ')).length).toBe(2);
  });
});
