// Training and awareness campaigns over HTTP on a real database, with the job runner and a real SMTP sink: the
// manager launches a campaign with a quiz for the directory's staff; each person with an address gets a mail with a
// personal link, answers on the no-sign-in page (in their language) or signed in; completion per site and activity;
// reminders queued before the due date; closing ends the links; roles, tenants and hostile input.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeMailTransports } from '../../src/operations/channels.js';
import { smallModel, startTestApp, type TestApp, type TestUser } from '../support/app.js';
import { mailText, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';

let t: TestApp;
let smtp: SmtpSink;
let manager: TestUser;
let auditor: TestUser;
let john: TestUser;
const ORG = 'train';
const URL = `/api/orgs/${ORG}/training-campaigns`;

const PEOPLE = [
  { id: 'P1', name: 'Claire Morel', email: 'claire@train.example', language: 'fr', site: 'paris', activities: ['claims'] },
  { id: 'P2', name: 'John Smith', email: 'john@train.example', language: 'en', site: 'paris', activities: ['claims'] },
  { id: 'P3', name: 'Ana Ruiz', mobile: '+33639981003', language: 'en', site: 'lyon', activities: ['payments'] },
  { id: 'P4', name: 'Paul Martin', email: 'paul@train.example', language: 'fr', site: 'lyon', activities: ['payments'] },
];

const QUIZ = {
  passMark: 100,
  questions: [
    { question: 'Who declares a crisis?', choices: ['Anyone', 'The crisis director'], answer: 1 },
    { question: 'Where do we meet?', choices: ['Lyon site', 'Car park', 'Home'], answer: 0 },
  ],
};

const LAUNCH = {
  title: 'Crisis awareness 2026',
  audience: { kind: 'allStaff' },
  content: [{ title: 'Crisis plan', url: 'https://intranet.train.example/plan' }],
  acknowledgement: 'I have read the crisis plan and know my role',
  quiz: QUIZ,
  due: '2099-06-30',
  reminderDays: [7, 1],
};

const linkOf = (mail: string) => /\/t\/(rmpl_[A-Za-z0-9._-]+)/.exec(mailText(mail))![1];

beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await startTestApp({
    jobs: { pollMs: 50 },
    alerts: { publicUrl: 'https://rempart.train.example', smtpUrl: smtp.url, mailFrom: 'Rempart <bc@train.example>' },
  });
  for (const org of [ORG, 'train-other'])
    expect((await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: smallModel() })).statusCode).toBe(200);
  for (const person of PEOPLE) expect((await t.request({ method: 'POST', url: `/api/orgs/${ORG}/people`, payload: person })).statusCode).toBe(201);
  manager = await t.createUser('manon@train.example', { org: ORG, role: 'continuityManager' });
  auditor = await t.createUser('aude@train.example', { org: ORG, role: 'auditor' });
  john = await t.createUser('john@train.example', { org: ORG, role: 'crisisTeam', displayName: 'John Smith' });
}, 60_000);
afterAll(async () => {
  await t?.close();
  closeMailTransports();
  await smtp?.close();
});

describe('training campaigns', () => {
  let campaign: string;
  const links = new Map<string, string>();

  it('refuses hostile, unknown and empty launches, and launches by role only', async () => {
    const post = (payload: object, as = manager.session) => t.request({ method: 'POST', url: URL, payload, as });
    const bad = await post({
      ...LAUNCH,
      title: 'x'.repeat(201),
      due: '2099-02-31',
      quiz: { questions: [{ question: 'Q', choices: ['a', 'b'], answer: 4 }] },
      extra: 1,
    });
    expect(bad.statusCode).toBe(400);
    const rules = bad.json().error.details.map((d: { path: string; rule: string }) => `${d.path}:${d.rule}`);
    expect(rules).toEqual(expect.arrayContaining(['body.title:too_big', 'body.quiz.questions[0].answer:choice_index']));
    expect(rules.some((rule: string) => rule.startsWith('body.due'))).toBe(true);
    expect((await post({ ...LAUNCH, content: [{ title: 'x', url: 'javascript:alert(1)' }] })).statusCode).toBe(400);
    const unknown = await post({ ...LAUNCH, audience: { kind: 'allStaff', sites: ['mars'] } });
    expect(unknown.json().error.details[0]).toMatchObject({ path: 'body.audience.sites[0]', rule: 'unknown_reference' });
    expect((await post({ ...LAUNCH, due: '2000-01-01' })).json().error.details[0]).toMatchObject({ path: 'body.due', rule: 'past' });
    expect((await post({ ...LAUNCH, audience: { kind: 'activityOwners' } })).json().error.details[0]).toMatchObject({ rule: 'audience_empty' });
    expect((await post(LAUNCH, auditor.session)).statusCode).toBe(403);
    expect((await post(LAUNCH, john.session)).statusCode).toBe(403);
  });

  it('asks the crisis team: the directory people who are crisis-team members', async () => {
    const response = await t.request({
      method: 'POST',
      url: URL,
      payload: { ...LAUNCH, title: 'Crisis team drill', quiz: undefined, audience: { kind: 'crisisTeam' } },
      as: manager.session,
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().assignments.map((a: { person: string }) => a.person)).toEqual(['P2']);
  });

  it('launches for all staff: a personal link each, the invitation by mail, reminders queued before the due date', async () => {
    const response = await t.request({ method: 'POST', url: URL, payload: LAUNCH, as: manager.session });
    expect(response.statusCode, response.body).toBe(201);
    const view = response.json();
    campaign = view.id;
    expect(view).toMatchObject({ status: 'open', completion: { total: 4, completed: 0, rate: 0 }, abilities: { close: true } });
    expect(view.links).toHaveLength(4);
    expect(view.links[0].url).toMatch(/^https:\/\/rempart\.train\.example\/t\/rmpl_train\./);
    const jobs = await sql<{
      run_at: Date;
    }>`select run_at from jobs where kind = 'training.mail' and payload->>'campaign' = ${campaign} and payload->>'kind' = 'reminder' order by run_at`.execute(
      t.database.db,
    );
    expect(jobs.rows.map((row) => new Date(row.run_at).toISOString())).toEqual(['2099-06-23T08:00:00.000Z', '2099-06-29T08:00:00.000Z']);

    const mails = await until(
      'the invitations',
      () => smtp.mails.filter((mail) => mailText(mail.raw).includes('"Crisis awareness 2026"') || mailText(mail.raw).includes('« Crisis awareness 2026 »')),
      (found) => found.length === 3,
      10_000,
    );
    for (const mail of mails) links.set(mail.to[0], linkOf(mail.raw));
    expect([...links.keys()].sort()).toEqual(['claire@train.example', 'john@train.example', 'paul@train.example']);
    expect(mailText(mails.find((mail) => mail.to[0] === 'claire@train.example')!.raw)).toContain('Ouvrez votre lien personnel');
    const recorded = await until(
      'the invitation recorded',
      async () => (await t.request({ method: 'GET', url: `${URL}/${campaign}` })).json().reminders,
      (reminders) => reminders.length === 1,
      10_000,
    );
    expect(recorded[0]).toMatchObject({ kind: 'invitation', sent: 3, withoutEmail: 1, mail: true });
  });

  it('lets a person without an account answer on the page of their link, in their language', async () => {
    const token = links.get('claire@train.example')!;
    const page = await t.request({ method: 'GET', url: `/t/${token}`, as: null });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('<html lang="fr"');
    expect(page.body).toContain('Who declares a crisis?');
    expect(page.body).not.toContain('"answer"');
    // Hostile and malformed answers: nothing recorded.
    expect((await t.request({ method: 'GET', url: '/t/rmpl_train.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', as: null })).statusCode).toBe(404);
    // Longer than any route parameter: not this page (the web app's fallback or a refusal, never a form).
    const long = await t.request({ method: 'GET', url: `/t/${'a'.repeat(5000)}`, as: null });
    expect(long.body).not.toContain('name="acknowledge"');
    const form = (body: string) =>
      t.request({ method: 'POST', url: `/t/${token}`, payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, as: null });
    const noTick = await form('q0=1&q1=0');
    expect(noTick.statusCode).toBe(400);
    expect(noTick.body).toContain('Cochez la confirmation');
    expect((await form('acknowledge=on&q0=1&q0=0&q1=0')).statusCode).toBe(400);
    expect((await form('acknowledge=on&q0=1&q1=9')).statusCode).toBe(400);
    const json = (payload: object) => t.request({ method: 'POST', url: `/t/${token}`, payload, as: null });
    expect((await json({ acknowledge: true, answers: [1] })).json().error.details[0]).toMatchObject({ rule: 'one_per_question' });
    expect((await json({ acknowledge: true, answers: [1, 0], admin: true })).statusCode).toBe(400);

    const failed = await form('acknowledge=on&q0=0&q1=0');
    expect(failed.statusCode).toBe(200);
    expect(failed.body).toContain('Non validé');
    const passed = await form('acknowledge=on&q0=1&q1=0');
    expect(passed.body).toContain('terminée');
    expect((await json({ acknowledge: true, answers: [1, 0] })).statusCode).toBe(409);
  });

  it('lets a member answer their own assignment signed in, without seeing the answers', async () => {
    const mine = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/my-training`, as: john.session });
    expect(mine.statusCode).toBe(200);
    const item = mine.json().items.find((entry: { campaign: string }) => entry.campaign === campaign);
    expect(item).toMatchObject({ status: 'pending', passMark: 100 });
    expect(item.questions[0]).toEqual({ question: 'Who declares a crisis?', choices: ['Anyone', 'The crisis director'] });
    expect(
      (await t.request({ method: 'POST', url: `/api/orgs/${ORG}/my-training/${campaign}`, payload: { acknowledge: false }, as: john.session })).statusCode,
    ).toBe(400);
    // The manager is not in the directory: nothing to answer.
    expect(
      (
        await t.request({
          method: 'POST',
          url: `/api/orgs/${ORG}/my-training/${campaign}`,
          payload: { acknowledge: true, answers: [1, 0] },
          as: manager.session,
        })
      ).statusCode,
    ).toBe(404);
    const answered = await t.request({
      method: 'POST',
      url: `/api/orgs/${ORG}/my-training/${campaign}`,
      payload: { acknowledge: true, answers: [1, 0] },
      as: john.session,
    });
    expect(answered.json()).toEqual({ status: 'completed', score: 100, passMark: 100 });
  });

  it('shows completion overall, per site and per activity, to readers and auditors; tenants see nothing of it', async () => {
    const view = (await t.request({ method: 'GET', url: `${URL}/${campaign}`, as: auditor.session })).json();
    expect(view.abilities).toEqual({ close: false });
    expect(view.completion).toMatchObject({ total: 4, completed: 2, rate: 0.5 });
    expect(view.breakdown.bySite).toEqual([
      expect.objectContaining({ site: 'lyon', total: 2, completed: 0 }),
      expect.objectContaining({ site: 'paris', total: 2, completed: 2, rate: 1 }),
    ]);
    expect(view.breakdown.byActivity.map((line: { activity: string; completed: number }) => [line.activity, line.completed])).toEqual([
      ['claims', 2],
      ['payments', 0],
    ]);
    expect(view.assignments.find((a: { person: string }) => a.person === 'P1')).toMatchObject({ status: 'completed', attempts: 2, via: 'link', score: 100 });
    const list = (await t.request({ method: 'GET', url: URL, as: auditor.session })).json();
    expect(list.abilities).toEqual({ create: false });
    expect(list.total).toBe(2);
    expect((await t.request({ method: 'GET', url: `/api/orgs/train-other/training-campaigns/${campaign}` })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `${URL}/not-a-uuid` })).statusCode).toBe(400);
  });

  it('closes a campaign (managers only): its links stop working', async () => {
    expect((await t.request({ method: 'POST', url: `${URL}/${campaign}/close`, as: auditor.session })).statusCode).toBe(403);
    expect((await t.request({ method: 'POST', url: `/api/orgs/train-other/training-campaigns/${campaign}/close` })).statusCode).toBe(404);
    const closed = await t.request({ method: 'POST', url: `${URL}/${campaign}/close`, as: manager.session });
    expect(closed.json()).toMatchObject({ status: 'closed', abilities: { close: false } });
    expect((await t.request({ method: 'POST', url: `${URL}/${campaign}/close`, as: manager.session })).statusCode).toBe(409);
    expect((await t.request({ method: 'GET', url: `/t/${links.get('paul@train.example')}`, as: null })).statusCode).toBe(410);
  });
});
