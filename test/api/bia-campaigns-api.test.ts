// BIA campaigns over HTTP on a real database: the manager launches a campaign over chosen activities with a due
// date; each owner sees their task, fills in the impacts through the activity routes and signs off; the manager
// approves (the impacts snapshotted) or returns with a comment; progress per owner; a second campaign diffs the
// approved BIA with the first; roles, tenants and hostile input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallModel, startTestApp, type TestApp, type TestUser } from '../support/app.js';

let t: TestApp;
let manager: TestUser;
let olga: TestUser;
let paul: TestUser;
let auditor: TestUser;
const ORG = 'bia';
const URL = `/api/orgs/${ORG}/bia-campaigns`;

function model() {
  const base = smallModel();
  Object.assign(base.activities[0], { owner: 'Olga Owner, Head of Claims' });
  Object.assign(base.activities[1], { owner: 'paul@bia.example' });
  base.activities.push({ id: 'orphan', name: 'Orphan', mtpd: '1w', rto: '2d', mbco: 0.1 } as (typeof base.activities)[number]);
  return base;
}

async function rate(as: TestUser, id: string, impacts: Record<string, number[]>) {
  const activity = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/activities/${id}`, as: as.session })).json();
  const { abilities: _abilities, computed: _computed, ...rest } = activity;
  const response = await t.request({ method: 'PUT', url: `/api/orgs/${ORG}/activities/${id}`, payload: { ...rest, impacts }, as: as.session });
  expect(response.statusCode, response.body).toBe(200);
}

beforeAll(async () => {
  t = await startTestApp();
  for (const org of [ORG, 'bia-other']) expect((await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: model() })).statusCode).toBe(200);
  manager = await t.createUser('manon@bia.example', { org: ORG, role: 'continuityManager' });
  olga = await t.createUser('olga@bia.example', { org: ORG, role: 'activityOwner', displayName: 'Olga Owner' });
  paul = await t.createUser('paul@bia.example', { org: ORG, role: 'activityOwner', displayName: 'Paul' });
  auditor = await t.createUser('aude@bia.example', { org: ORG, role: 'auditor' });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('BIA campaigns', () => {
  let first: string;

  it('launches a campaign: one task per chosen activity, to its owner', async () => {
    const refused = await t.request({
      method: 'POST',
      url: URL,
      payload: { title: 'x', due: '2000-01-01', activities: ['claims', 'claims', 'nope', 'orphan'] },
      as: manager.session,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.map((d: { path: string; rule: string }) => `${d.path}:${d.rule}`)).toEqual([
      'body.activities[1]:unique',
      'body.activities[2]:unknown_reference',
      'body.activities[3]:no_owner',
      'body.due:past',
    ]);
    const launched = await t.request({
      method: 'POST',
      url: URL,
      payload: { title: 'BIA 2026', due: '2099-03-31', activities: ['claims', 'payments'] },
      as: manager.session,
    });
    expect(launched.statusCode, launched.body).toBe(201);
    const campaign = launched.json();
    expect(campaign).toMatchObject({ version: 1, status: 'open', createdBy: 'manon@bia.example', progress: { total: 2, pending: 2, approved: 0, overdue: 0 } });
    expect(campaign.byOwner.map((line: { owner: string }) => line.owner)).toEqual(['Olga Owner, Head of Claims', 'paul@bia.example']);
    first = campaign.id;

    const mine = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/bia-tasks`, as: olga.session })).json();
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({
      activity: 'claims',
      name: 'Claims',
      campaignTitle: 'BIA 2026',
      due: '2099-03-31',
      status: 'pending',
      abilities: { signOff: true, review: false },
    });
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/bia-tasks?mine=false`, as: olga.session })).json().total).toBe(2);
    expect(
      (await t.request({ method: 'POST', url: URL, payload: { title: 'x', due: '2099-01-01', activities: ['claims'] }, as: olga.session })).statusCode,
    ).toBe(403);
  });

  it('lets owners fill in and sign off their own activities, and the manager approve or return them', async () => {
    await rate(olga, 'claims', { financial: [1, 2, 3, 4, 5, 5, 5] });
    expect((await t.request({ method: 'POST', url: `${URL}/${first}/tasks/payments/sign-off`, payload: {}, as: olga.session })).statusCode).toBe(403);
    const signed = await t.request({
      method: 'POST',
      url: `${URL}/${first}/tasks/claims/sign-off`,
      payload: { note: 'Checked with my team' },
      as: olga.session,
    });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json().tasks.find((task: { activity: string }) => task.activity === 'claims')).toMatchObject({
      status: 'submitted',
      submittedBy: 'olga@bia.example',
      note: 'Checked with my team',
      abilities: { signOff: false, review: false },
    });
    expect((await t.request({ method: 'POST', url: `${URL}/${first}/tasks/claims/sign-off`, payload: {}, as: olga.session })).statusCode).toBe(409);

    const noComment = await t.request({ method: 'POST', url: `${URL}/${first}/tasks/claims/review`, payload: { decision: 'return' }, as: manager.session });
    expect(noComment.json().error.details[0]).toMatchObject({ path: 'body.comment', rule: 'required' });
    expect(
      (await t.request({ method: 'POST', url: `${URL}/${first}/tasks/payments/review`, payload: { decision: 'approve' }, as: manager.session })).statusCode,
    ).toBe(409);
    expect(
      (await t.request({ method: 'POST', url: `${URL}/${first}/tasks/claims/review`, payload: { decision: 'approve' }, as: olga.session })).statusCode,
    ).toBe(403);
    const returned = await t.request({
      method: 'POST',
      url: `${URL}/${first}/tasks/claims/review`,
      payload: { decision: 'return', comment: 'Rate the customer impact too' },
      as: manager.session,
    });
    const task = returned.json().tasks.find((item: { activity: string }) => item.activity === 'claims');
    expect(task).toMatchObject({ status: 'returned', comment: 'Rate the customer impact too', reviewedBy: 'manon@bia.example', snapshot: null });
    await rate(olga, 'claims', { financial: [1, 2, 3, 4, 5, 5, 5], customer: [1, 1, 2, 4, 5, 5, 5] });
    await t.request({ method: 'POST', url: `${URL}/${first}/tasks/claims/sign-off`, payload: {}, as: olga.session });
    const approved = (
      await t.request({ method: 'POST', url: `${URL}/${first}/tasks/claims/review`, payload: { decision: 'approve' }, as: manager.session })
    ).json();
    expect(approved.tasks.find((item: { activity: string }) => item.activity === 'claims').snapshot).toEqual({
      impacts: { financial: [1, 2, 3, 4, 5, 5, 5], customer: [1, 1, 2, 4, 5, 5, 5] },
      mtpd: 72,
      rto: 24,
      mbco: 0.5,
    });
    expect(approved).toMatchObject({ status: 'open', progress: { approved: 1, pending: 1 } });
    expect(approved.byOwner).toEqual([
      { owner: 'Olga Owner, Head of Claims', total: 1, pending: 0, submitted: 0, returned: 0, approved: 1, overdue: 0 },
      { owner: 'paul@bia.example', total: 1, pending: 1, submitted: 0, returned: 0, approved: 0, overdue: 0 },
    ]);

    await rate(paul, 'payments', { financial: [1, 1, 1, 2, 3, 4, 5] });
    await t.request({ method: 'POST', url: `${URL}/${first}/tasks/payments/sign-off`, payload: {}, as: paul.session });
    const done = (
      await t.request({ method: 'POST', url: `${URL}/${first}/tasks/payments/review`, payload: { decision: 'approve' }, as: manager.session })
    ).json();
    expect(done).toMatchObject({ status: 'approved', approvedAt: expect.any(String), progress: { approved: 2 } });
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/bia-tasks`, as: olga.session })).json().total).toBe(0);
    // An API token does not approve: a person does.
    const token = (await t.request({ method: 'POST', url: `/api/orgs/${ORG}/tokens`, payload: { name: 'bia', role: 'continuityManager' } })).json().token;
    expect(
      (await t.request({ method: 'POST', url: `${URL}/${first}/tasks/claims/review`, payload: { decision: 'approve' }, as: { bearer: token } })).statusCode,
    ).toBe(403);
  });

  it('versions the approved BIA: a second campaign diffs with the first', async () => {
    const firstDiff = (await t.request({ method: 'GET', url: `${URL}/${first}/diff`, as: auditor.session })).json();
    expect(firstDiff.previous).toBeNull();
    expect(firstDiff.activities.map((line: { status: string }) => line.status)).toEqual(['new', 'new']);
    const second = (
      await t.request({ method: 'POST', url: URL, payload: { title: 'BIA 2027', due: '2099-12-31', activities: ['claims', 'payments'] }, as: manager.session })
    ).json();
    expect(second.version).toBe(2);
    await rate(olga, 'claims', { financial: [1, 2, 3, 4, 5, 5, 5], customer: [2, 3, 4, 5, 5, 5, 5] });
    await t.request({ method: 'POST', url: `${URL}/${second.id}/tasks/claims/sign-off`, payload: {}, as: olga.session });
    await t.request({ method: 'POST', url: `${URL}/${second.id}/tasks/claims/review`, payload: { decision: 'approve' }, as: manager.session });
    const diff = (await t.request({ method: 'GET', url: `${URL}/${second.id}/diff` })).json();
    expect(diff.previous).toEqual({ campaign: first, version: 1 });
    const claims = diff.activities.find((line: { activity: string }) => line.activity === 'claims');
    expect(claims.status).toBe('changed');
    expect(claims.changes).toEqual([{ field: 'impacts.customer', before: [1, 1, 2, 4, 5, 5, 5], after: [2, 3, 4, 5, 5, 5, 5] }]);
    expect(diff.activities.find((line: { activity: string }) => line.activity === 'payments').status).toBe('notApproved');
    const list = (await t.request({ method: 'GET', url: URL, as: auditor.session })).json();
    expect(list.items.map((item: { version: number }) => item.version)).toEqual([2, 1]);
    expect(list.abilities).toEqual({ create: false });
    const audit = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/audit?entity=biaCampaign&entityId=${first}`, as: auditor.session })).json();
    expect(audit.items.map((entry: { action: string }) => entry.action).sort()).toEqual([
      'approve',
      'approve',
      'create',
      'return',
      'submit',
      'submit',
      'submit',
    ]);
  });

  it('marks overdue tasks, keeps organisations apart and refuses hostile input', async () => {
    const launched = (
      await t.request({ method: 'POST', url: URL, payload: { title: 'Late', due: new Date().toISOString().slice(0, 10), activities: ['claims'] } })
    ).json();
    await t.database.db.updateTable('bia_campaigns').set({ due: '2001-01-01' }).where('id', '=', launched.id).execute();
    expect((await t.request({ method: 'GET', url: `${URL}/${launched.id}` })).json()).toMatchObject({ progress: { overdue: 1 }, tasks: [{ overdue: true }] });
    expect((await t.request({ method: 'GET', url: `/api/orgs/bia-other/bia-campaigns/${first}` })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/orgs/bia-other/bia-campaigns' })).json().total).toBe(0);
    expect((await t.request({ method: 'GET', url: URL, as: null })).statusCode).toBe(401);
    expect((await t.request({ method: 'POST', url: `${URL}/${first}/tasks/orphan/sign-off`, payload: {} })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url: `${URL}/00000000-0000-4000-8000-000000000000/tasks/claims/sign-off`, payload: {} })).statusCode).toBe(404);
    const cases: Array<[string, unknown, string, string]> = [
      [URL, { title: 'x'.repeat(201), due: '2099-01-01', activities: ['claims'] }, 'body.title', 'too_big'],
      [URL, { title: 'a\u0000b', due: '2099-01-01', activities: ['claims'] }, 'body.title', 'invalid_text'],
      [URL, { title: 'x', due: '31/12/2099', activities: ['claims'] }, 'body.due', 'format'],
      [URL, { title: 'x', due: '2099-01-01', activities: [] }, 'body.activities', 'too_small'],
      [URL, { title: 'x', due: '2099-01-01', activities: ['claims'], extra: 1 }, 'body', 'unrecognized_keys'],
      [`${URL}/${first}/tasks/claims/review`, { decision: 'maybe' }, 'body.decision', 'invalid_value'],
      [`${URL}/${first}/tasks/claims/sign-off`, { note: 'n'.repeat(4001) }, 'body.note', 'too_big'],
    ];
    for (const [url, payload, path, rule] of cases) {
      const response = await t.request({ method: 'POST', url, payload: payload as object });
      expect(response.statusCode, path).toBe(400);
      expect(response.json().error.details[0]).toMatchObject({ path, rule });
    }
    expect((await t.request({ method: 'POST', url: URL, payload: '{"title":', headers: { 'content-type': 'application/json' } })).statusCode).toBe(400);
    expect([400, 413]).toContain(
      (await t.request({ method: 'POST', url: URL, payload: { title: 'x', due: '2099-01-01', activities: Array(2_000_000).fill('a') } })).statusCode,
    );
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/bia-tasks?mine=maybe` })).statusCode).toBe(400);
    expect((await t.request({ method: 'GET', url: `${URL}/not-a-uuid` })).json().error.details[0].path).toBe('params.campaign');
  });
});
