// Corrective actions over HTTP on a real database (ISO 22301 10.1): raised from an incident's review, an audit or a
// management review; listed with filters, counts and the overdue flag; followed up by their owner (progress, root
// cause, evidence) and by the manager (the rest); verified by someone other than the owner (four eyes, in person,
// with evidence), and then final; every change audited; roles, tenants and hostile input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallModel, startTestApp, type TestApp, type TestUser } from '../support/app.js';

let t: TestApp;
let manager: TestUser;
let owner: TestUser;
let otherOwner: TestUser;
let crisis: TestUser;
let auditor: TestUser;
let incident: string;
const ORG = 'ca';
const URL = `/api/orgs/${ORG}/corrective-actions`;

beforeAll(async () => {
  t = await startTestApp();
  for (const org of [ORG, 'ca-other']) expect((await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: smallModel() })).statusCode).toBe(200);
  manager = await t.createUser('manon@ca.example', { org: ORG, role: 'continuityManager', displayName: 'Manon Manager' });
  owner = await t.createUser('olga@ca.example', { org: ORG, role: 'activityOwner', displayName: 'Olga Owner' });
  otherOwner = await t.createUser('paul@ca.example', { org: ORG, role: 'activityOwner', displayName: 'Paul Other' });
  crisis = await t.createUser('cyril@ca.example', { org: ORG, role: 'crisisTeam', displayName: 'Cyril Crisis' });
  auditor = await t.createUser('aude@ca.example', { org: ORG, role: 'auditor', displayName: 'Aude Auditor' });
  const declared = await t.request({ method: 'POST', url: `/api/orgs/${ORG}/incidents`, payload: { title: 'VPN outage', severity: 'major', exercise: true } });
  expect(declared.statusCode, declared.body).toBe(201);
  incident = declared.json().id;
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('corrective actions', () => {
  let fromReview: string;
  let fromAudit: string;

  it('draws an action from an incident review lesson, with the incident as its source', async () => {
    const closed = await t.request({
      method: 'POST',
      url: `/api/orgs/${ORG}/incidents/${incident}/close`,
      payload: { lessons: [{ text: 'Licences took a day', action: { title: 'Pre-buy VPN licences', owner: 'Cyril Crisis', due: '2020-01-31' } }] },
      as: crisis.session,
    });
    expect(closed.statusCode, closed.body).toBe(200);
    const action = closed.json().correctiveActions[0];
    expect(action).toMatchObject({
      kind: 'nonconformity',
      source: { kind: 'incident', id: incident, label: 'VPN outage' },
      incident,
      lesson: 'Licences took a day',
      status: 'open',
      overdue: true,
      createdBy: 'cyril@ca.example',
      verification: null,
    });
    fromReview = action.id;
  });

  it('raises actions from an audit and a review, and refuses a source that names nothing', async () => {
    const audit = await t.request({
      method: 'POST',
      url: URL,
      payload: {
        source: { kind: 'audit', id: 'Internal audit 2026-Q4' },
        title: 'Call tree not tested',
        description: 'Clause 8.4.3: the call tree was never tested.',
        rootCause: 'No owner for the call tree',
        owner: 'olga@ca.example',
        due: '2099-06-30',
      },
      as: manager.session,
    });
    expect(audit.statusCode, audit.body).toBe(201);
    expect(audit.json()).toMatchObject({
      source: { kind: 'audit', id: 'Internal audit 2026-Q4', label: null },
      incident: null,
      lesson: null,
      rootCause: 'No owner for the call tree',
      overdue: false,
      abilities: { update: true, verify: false },
    });
    fromAudit = audit.json().id;
    const review = await t.request({ method: 'POST', url: URL, payload: { kind: 'improvement', source: { kind: 'review' }, title: 'Shorter BIA forms' } });
    expect(review.statusCode, review.body).toBe(201);
    expect(review.json()).toMatchObject({ kind: 'improvement', source: { kind: 'review', id: null }, owner: null, due: null });

    const unknown = await t.request({
      method: 'POST',
      url: URL,
      payload: { source: { kind: 'incident', id: '00000000-0000-4000-8000-000000000000' }, title: 'x' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details[0]).toMatchObject({ path: 'body.source.id', rule: 'unknown_reference' });
    const missing = await t.request({ method: 'POST', url: URL, payload: { source: { kind: 'incident' }, title: 'x' } });
    expect(missing.json().error.details[0]).toMatchObject({ path: 'body.source.id', rule: 'required' });
    const noTitle = await t.request({ method: 'POST', url: URL, payload: { source: { kind: 'other' } } });
    expect(noTitle.statusCode).toBe(400);
    expect(noTitle.json().error.details[0].path).toBe('body.title');
  });

  it('lists with filters, counts and the overdue flag, soonest due first, paged', async () => {
    const all = (await t.request({ method: 'GET', url: URL, as: auditor.session })).json();
    expect(all.total).toBe(3);
    expect(all.items[0].id).toBe(fromReview);
    expect(all.items.at(-1).due).toBeNull();
    expect(all.counts).toEqual({ open: 3, inProgress: 0, done: 0, verified: 0, cancelled: 0, overdue: 1 });
    expect(all.abilities).toEqual({ create: false });
    expect(all.items.every((item: { abilities: { update: boolean } }) => item.abilities.update === false)).toBe(true);
    const ids = async (query: string) => (await t.request({ method: 'GET', url: `${URL}?${query}` })).json().items.map((item: { id: string }) => item.id);
    expect(await ids('overdue=true')).toEqual([fromReview]);
    expect(await ids('overdue=false')).toHaveLength(2);
    expect(await ids('source=audit')).toEqual([fromAudit]);
    expect(await ids(`incident=${incident}`)).toEqual([fromReview]);
    expect(await ids(`source=incident&sourceId=${incident}`)).toEqual([fromReview]);
    expect(await ids('kind=improvement')).toHaveLength(1);
    expect(await ids('owner=OLGA')).toEqual([fromAudit]);
    expect(await ids('q=call%20tree')).toEqual([fromAudit]);
    expect(await ids('q=100%25')).toEqual([]);
    expect(await ids('status=done')).toEqual([]);
    const first = (await t.request({ method: 'GET', url: `${URL}?limit=2` })).json();
    expect(first.items).toHaveLength(2);
    const second = (await t.request({ method: 'GET', url: `${URL}?limit=2&cursor=${first.nextCursor}` })).json();
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
  });

  it('lets the owner report progress, root cause and evidence, and nothing else; others of their role nothing', async () => {
    const progress = await t.request({
      method: 'PATCH',
      url: `${URL}/${fromAudit}`,
      payload: { status: 'inProgress', rootCause: 'Nobody owned it' },
      as: owner.session,
    });
    expect(progress.statusCode, progress.body).toBe(200);
    expect(progress.json()).toMatchObject({ status: 'inProgress', rootCause: 'Nobody owned it', abilities: { update: true, verify: false } });
    const due = await t.request({ method: 'PATCH', url: `${URL}/${fromAudit}`, payload: { due: '2100-01-01', status: 'cancelled' }, as: owner.session });
    expect(due.statusCode).toBe(403);
    expect(due.json().error.details.map((d: { path: string; rule: string }) => `${d.path}:${d.rule}`)).toEqual([
      'body.due:managers_only',
      'body.status:managers_only',
    ]);
    for (const as of [otherOwner.session, auditor.session])
      expect((await t.request({ method: 'PATCH', url: `${URL}/${fromAudit}`, payload: { status: 'done' }, as })).statusCode).toBe(403);
    expect((await t.request({ method: 'POST', url: URL, payload: { source: { kind: 'other' }, title: 'x' }, as: owner.session })).statusCode).toBe(403);
    // The crisis team member owns the review's action: they follow it up.
    const crisisDone = await t.request({
      method: 'PATCH',
      url: `${URL}/${fromReview}`,
      payload: { status: 'done', evidence: 'Licences bought' },
      as: crisis.session,
    });
    expect(crisisDone.statusCode, crisisDone.body).toBe(200);
    expect(crisisDone.json()).toMatchObject({ status: 'done', overdue: false, evidence: 'Licences bought' });
    expect(crisisDone.json().doneAt).toEqual(expect.any(String));
  });

  it('verifies by someone other than the owner, in person, once done with evidence; then the action is final', async () => {
    const early = await t.request({ method: 'POST', url: `${URL}/${fromAudit}/verify`, payload: { effective: true }, as: manager.session });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.details[0].rule).toBe('done_first');
    const done = await t.request({ method: 'PATCH', url: `${URL}/${fromAudit}`, payload: { status: 'done' }, as: owner.session });
    expect(done.json()).toMatchObject({ status: 'done', abilities: { verify: false } });
    const withoutEvidence = await t.request({ method: 'POST', url: `${URL}/${fromAudit}/verify`, payload: { effective: true }, as: manager.session });
    expect(withoutEvidence.json().error.details[0].rule).toBe('evidence_required');
    await t.request({
      method: 'PATCH',
      url: `${URL}/${fromAudit}`,
      payload: { evidence: 'Call tree tested on 2026-11-02: 95% reached in 20 min' },
      as: owner.session,
    });

    // The owner may not verify their own action, even as a manager: four eyes.
    await t.request({ method: 'PATCH', url: `${URL}/${fromReview}`, payload: { owner: 'manon@ca.example' }, as: manager.session });
    const own = await t.request({ method: 'POST', url: `${URL}/${fromReview}/verify`, payload: { effective: true }, as: manager.session });
    expect(own.statusCode).toBe(409);
    expect(own.json().error.details[0]).toMatchObject({ path: 'verifier', rule: 'four_eyes' });
    expect((await t.request({ method: 'GET', url: `${URL}/${fromReview}`, as: manager.session })).json().abilities).toEqual({ update: true, verify: false });
    // Owners and auditors do not verify; nor does an API token (a person's decision).
    for (const as of [owner.session, auditor.session])
      expect((await t.request({ method: 'POST', url: `${URL}/${fromAudit}/verify`, payload: { effective: true }, as })).statusCode).toBe(403);
    const token = (await t.request({ method: 'POST', url: `/api/orgs/${ORG}/tokens`, payload: { name: 'ca', role: 'continuityManager' } })).json().token;
    expect((await t.request({ method: 'POST', url: `${URL}/${fromAudit}/verify`, payload: { effective: true }, as: { bearer: token } })).statusCode).toBe(403);

    const notEffective = await t.request({
      method: 'POST',
      url: `${URL}/${fromAudit}/verify`,
      payload: { effective: false, note: 'Night shift not reached' },
      as: manager.session,
    });
    expect(notEffective.statusCode, notEffective.body).toBe(200);
    expect(notEffective.json()).toMatchObject({
      status: 'inProgress',
      doneAt: null,
      verification: { by: 'manon@ca.example', effective: false, note: 'Night shift not reached' },
    });
    await t.request({
      method: 'PATCH',
      url: `${URL}/${fromAudit}`,
      payload: { status: 'done', evidence: 'Tested again with the night shift: 98%' },
      as: owner.session,
    });
    const listed = (await t.request({ method: 'GET', url: `${URL}?status=done`, as: manager.session })).json();
    expect(listed.items.find((item: { id: string }) => item.id === fromAudit).abilities).toEqual({ update: true, verify: true });
    const verified = await t.request({ method: 'POST', url: `${URL}/${fromAudit}/verify`, payload: { effective: true }, as: manager.session });
    expect(verified.json()).toMatchObject({
      status: 'verified',
      verification: { by: 'manon@ca.example', effective: true, note: null },
      abilities: { update: false },
    });
    const after = await t.request({ method: 'PATCH', url: `${URL}/${fromAudit}`, payload: { status: 'open' }, as: manager.session });
    expect(after.statusCode).toBe(409);
    expect(after.json().error.details[0].rule).toBe('final');
    const direct = await t.request({ method: 'PATCH', url: `${URL}/${fromReview}`, payload: { status: 'verified' }, as: manager.session });
    expect(direct.statusCode).toBe(400);
    expect(direct.json().error.details[0].path).toBe('body.status');

    const audit = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/audit?entity=correctiveAction&entityId=${fromAudit}`, as: auditor.session })).json();
    expect(audit.items.map((entry: { action: string }) => entry.action).sort()).toEqual(['create', 'update', 'update', 'update', 'update', 'verify', 'verify']);
  });

  it('keeps organisations apart and refuses hostile input with the field, rule and value', async () => {
    expect((await t.request({ method: 'GET', url: `/api/orgs/ca-other/corrective-actions/${fromAudit}` })).statusCode).toBe(404);
    expect((await t.request({ method: 'PATCH', url: `/api/orgs/ca-other/corrective-actions/${fromAudit}`, payload: { title: 'x' } })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/orgs/ca-other/corrective-actions' })).json().total).toBe(0);
    expect((await t.request({ method: 'GET', url: URL, as: null })).statusCode).toBe(401);

    const cases: Array<[string, string, unknown, string, string]> = [
      ['POST', URL, { source: { kind: 'other' }, title: 'x'.repeat(201) }, 'body.title', 'too_big'],
      ['POST', URL, { source: { kind: 'other' }, title: 'a\u0000b' }, 'body.title', 'invalid_text'],
      ['POST', URL, { source: { kind: 'elsewhere' }, title: 'x' }, 'body.source.kind', 'invalid_value'],
      ['POST', URL, { source: { kind: 'other' }, title: 'x', due: '31/12/2026' }, 'body.due', 'format'],
      ['POST', URL, { source: { kind: 'other' }, title: 'x', surprise: 1 }, 'body', 'unrecognized_keys'],
      ['PATCH', `${URL}/${fromReview}`, { description: 'y'.repeat(4001) }, 'body.description', 'too_big'],
      ['POST', `${URL}/${fromReview}/verify`, { effective: 'yes' }, 'body.effective', 'invalid_type'],
    ];
    for (const [method, url, payload, path, rule] of cases) {
      const response = await t.request({ method: method as 'POST', url, payload: payload as object });
      expect(response.statusCode, `${path} ${response.body}`).toBe(400);
      expect(response.json().error.details[0]).toMatchObject({ path, rule });
    }
    const malformed = await t.request({ method: 'POST', url: URL, payload: '{"title":', headers: { 'content-type': 'application/json' } });
    expect(malformed.statusCode).toBe(400);
    const huge = await t.request({ method: 'POST', url: URL, payload: { source: { kind: 'other' }, title: 'x', description: 'z'.repeat(3_000_000) } });
    expect([400, 413]).toContain(huge.statusCode);
    for (const query of ['cursor=abc', 'limit=0', 'overdue=maybe', 'incident=not-a-uuid', `q=${'q'.repeat(201)}`, 'status=verified%00']) {
      const response = await t.request({ method: 'GET', url: `${URL}?${query}` });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.details[0].path).toMatch(/^query\./);
    }
    expect((await t.request({ method: 'GET', url: `${URL}/not-a-uuid` })).json().error.details[0].path).toBe('params.action');
    expect((await t.request({ method: 'GET', url: `${URL}/00000000-0000-4000-8000-000000000000` })).statusCode).toBe(404);
  });
});
