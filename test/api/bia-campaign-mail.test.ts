// The mail of BIA campaigns, with the job runner and a real SMTP sink: at launch each owner gets one mail for all
// their activities, in their language, with the due date and the campaigns page (no secret); owners no address
// matches are reported on the campaign; a returned task writes to its owner with the comment.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeMailTransports } from '../../src/operations/channels.js';
import { smallModel, startTestApp, type TestApp, type TestUser } from '../support/app.js';
import { mailText, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';

let t: TestApp;
let smtp: SmtpSink;
let manager: TestUser;
let olga: TestUser;
const ORG = 'biamail';
const URL = `/api/orgs/${ORG}/bia-campaigns`;
const PAGE = `https://rempart.bia.example/orgs/${ORG}/bia-campaigns`;

function model() {
  const base = smallModel();
  type Activity = (typeof base.activities)[number];
  Object.assign(base.activities[0], { owner: 'Olga Owner, Head of Claims' });
  Object.assign(base.activities[1], { owner: 'paul@bia.example' });
  base.activities.push(
    { id: 'reserves', name: 'Reserves', mtpd: '1w', rto: '2d', mbco: 0.1, owner: 'olga owner' } as unknown as Activity,
    { id: 'archive', name: 'Archive', mtpd: '1w', rto: '2d', mbco: 0.1, owner: 'Nobody Known' } as unknown as Activity,
    { id: 'mailroom', name: 'Mail room', mtpd: '1w', rto: '2d', mbco: 0.1, owner: 'Sam Lee' } as unknown as Activity,
  );
  return base;
}

const PEOPLE = [
  { id: 'P1', name: 'Olga Owner', email: 'olga@bia.example', language: 'fr' },
  { id: 'P2', name: 'Sam Lee', email: 'sam@bia.example', language: 'en' },
  { id: 'P3', name: 'Sam Lee', email: 'sam.lee@bia.example', language: 'en' },
];

const mailings = async (id: string) => (await t.request({ method: 'GET', url: `${URL}/${id}`, as: manager.session })).json().mailings;

beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await startTestApp({
    jobs: { pollMs: 50 },
    alerts: { publicUrl: 'https://rempart.bia.example', smtpUrl: smtp.url, mailFrom: 'Rempart <bc@bia.example>' },
  });
  expect((await t.request({ method: 'PUT', url: `/api/orgs/${ORG}/model`, payload: model() })).statusCode).toBe(200);
  for (const person of PEOPLE) expect((await t.request({ method: 'POST', url: `/api/orgs/${ORG}/people`, payload: person })).statusCode).toBe(201);
  manager = await t.createUser('manon@bia.example', { org: ORG, role: 'continuityManager' });
  olga = await t.createUser('olga@bia.example', { org: ORG, role: 'activityOwner', displayName: 'Olga Owner' });
  await t.createUser('paul@bia.example', { org: ORG, role: 'activityOwner', displayName: 'Paul' });
}, 60_000);
afterAll(async () => {
  await t?.close();
  closeMailTransports();
  await smtp?.close();
});

describe('BIA campaign mail', () => {
  let campaign: string;

  it('writes once to each owner at launch, in their language, and reports the owners it could not reach', async () => {
    const launched = await t.request({
      method: 'POST',
      url: URL,
      payload: { title: 'BIA 2027', due: '2099-04-30', activities: ['claims', 'payments', 'reserves', 'archive', 'mailroom'] },
      as: manager.session,
    });
    expect(launched.statusCode, launched.body).toBe(201);
    campaign = launched.json().id;
    const jobs = await sql<{ n: string }>`select count(*) as n from jobs where kind = 'biaCampaign.mail' and payload->>'campaign' = ${campaign}`.execute(
      t.database.db,
    );
    expect(Number(jobs.rows[0].n)).toBe(1);

    const [mailing] = await until(
      'the launch mailing',
      () => mailings(campaign),
      (found) => found.length === 1,
      10_000,
    );
    expect(mailing).toMatchObject({
      kind: 'launch',
      activity: null,
      sent: [
        { to: 'olga@bia.example', owners: ['Olga Owner, Head of Claims', 'olga owner'], activities: ['claims', 'reserves'] },
        { to: 'paul@bia.example', owners: ['paul@bia.example'], activities: ['payments'] },
      ],
      skipped: [
        { owner: 'Nobody Known', activities: ['archive'], reason: 'noAddress' },
        { owner: 'Sam Lee', activities: ['mailroom'], reason: 'ambiguous' },
      ],
    });
    const toOlga = smtp.mails.filter((mail) => mail.to[0] === 'olga@bia.example').map((mail) => mailText(mail.raw));
    // One mail for both spellings of her name, in French only (her language in the directory).
    expect(toOlga).toHaveLength(1);
    expect(toOlga[0]).toContain('« BIA 2027 »');
    expect(toOlga[0]).toMatch(/- Claims\r?\n- Reserves/);
    expect(toOlga[0]).toContain('avant le 2099-04-30');
    expect(toOlga[0]).not.toContain('Please fill in');
    const toPaul = smtp.mails.filter((mail) => mail.to[0] === 'paul@bia.example');
    expect(toPaul).toHaveLength(1);
    // Paul is not in the directory: both languages.
    const text = mailText(toPaul[0].raw);
    expect(text).toContain('- Payments');
    expect(text).toContain('Merci de renseigner');
    expect(text).toContain('Please fill in');
    expect(text).toContain(PAGE);
    expect(text).not.toContain('rmpl_');
  });

  it('writes to the owner of a returned task, with the manager’s comment', async () => {
    expect((await t.request({ method: 'POST', url: `${URL}/${campaign}/tasks/claims/sign-off`, payload: {}, as: olga.session })).statusCode).toBe(200);
    const before = smtp.mails.length;
    const returned = await t.request({
      method: 'POST',
      url: `${URL}/${campaign}/tasks/claims/review`,
      payload: { decision: 'return', comment: 'Chiffrez l’impact client' },
      as: manager.session,
    });
    expect(returned.statusCode, returned.body).toBe(200);
    const all = await until(
      'the return mailing',
      () => mailings(campaign),
      (found) => found.length === 2,
      10_000,
    );
    expect(all[1]).toMatchObject({ kind: 'return', activity: 'claims', sent: [{ to: 'olga@bia.example', activities: ['claims'] }], skipped: [] });
    const fresh = smtp.mails.slice(before);
    expect(fresh).toHaveLength(1);
    expect(fresh[0].to).toEqual(['olga@bia.example']);
    expect(mailText(fresh[0].raw)).toContain('a renvoyé les impacts de « Claims »');
    expect(mailText(fresh[0].raw)).toContain('Chiffrez l’impact client');
    expect(mailText(fresh[0].raw)).toContain(PAGE);
    const audited = await t.database.db
      .selectFrom('audit_log')
      .select('after')
      .where('org_id', '=', ORG)
      .where('entity_type', '=', 'biaCampaign')
      .where('action', '=', 'mail')
      .orderBy('seq')
      .execute();
    expect(audited.map((row) => (row.after as { kind: string }).kind)).toEqual(['launch', 'return']);
  });
});
