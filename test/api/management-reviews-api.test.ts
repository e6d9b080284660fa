// Management reviews, the ISO 22301 clause tracker and the programme's health over HTTP on a real database: the
// agenda drawn from the programme's state (an overdue action, a BIA never approved), minutes, decisions that become
// corrective actions, the signature that makes a review final and the next review's "since"; clauses with evidence
// (records and an uploaded file), suggestions and the gap report; roles, tokens, tenants and hostile input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallModel, startTestApp, type TestApp, type TestUser } from '../support/app.js';

let t: TestApp;
let manager: TestUser;
let auditor: TestUser;
let owner: TestUser;
const ORG = 'review';
const URL = `/api/orgs/${ORG}/management-reviews`;

beforeAll(async () => {
  t = await startTestApp();
  for (const org of [ORG, 'review-other'])
    expect((await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: smallModel() })).statusCode).toBe(200);
  manager = await t.createUser('manon@review.example', { org: ORG, role: 'continuityManager' });
  auditor = await t.createUser('aude@review.example', { org: ORG, role: 'auditor' });
  owner = await t.createUser('olga@review.example', { org: ORG, role: 'activityOwner' });
  const late = await t.request({
    method: 'POST',
    url: `/api/orgs/${ORG}/corrective-actions`,
    payload: { source: { kind: 'audit', id: 'AUD-1' }, title: 'Update the call tree', due: '2000-01-01' },
    as: manager.session,
  });
  expect(late.statusCode, late.body).toBe(201);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('management reviews', () => {
  let first: string;
  let decision: string;

  it('refuses hostile input and those who may not create one', async () => {
    const post = (payload: object, as = manager.session) => t.request({ method: 'POST', url: URL, payload, as });
    const bad = await post({ title: '', heldOn: '2026-13-01', attendees: Array(51).fill({ name: 'x' }), script: '<x>' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.title', 'body.heldOn', 'body.attendees']));
    expect((await post({ title: 'x'.repeat(100_000), heldOn: '2026-12-01' })).statusCode).toBe(400);
    expect((await post({ title: 'Review', heldOn: '2026-12-01' }, auditor.session)).statusCode).toBe(403);
    expect((await post({ title: 'Review', heldOn: '2026-12-01' }, owner.session)).statusCode).toBe(403);
  });

  it('generates the agenda from the programme’s state', async () => {
    const created = await t.request({
      method: 'POST',
      url: URL,
      payload: { title: 'Review 2026', heldOn: '2026-06-15', attendees: [{ name: 'Claire Morel', role: 'CEO' }] },
      as: manager.session,
    });
    expect(created.statusCode, created.body).toBe(201);
    const review = created.json();
    first = review.id;
    expect(review).toMatchObject({ status: 'open', since: null, abilities: { update: true, sign: true }, decisions: [] });
    expect(review.agenda.map((item: { key: string }) => item.key)).toEqual([
      'previousActions',
      'bia',
      'risks',
      'exercises',
      'incidents',
      'correctiveActions',
      'training',
      'plans',
      'changes',
      'clauses',
    ]);
    const item = (key: string) => review.agenda.find((entry: { key: string }) => entry.key === key);
    expect(item('correctiveActions')).toMatchObject({ attention: true, facts: { open: 1, overdue: 1 }, minutes: null });
    expect(item('bia')).toMatchObject({ attention: true, facts: { lastVersion: null, activities: 2, neverAssessed: 2 } });
    expect(
      item('bia')
        .entries.map((entry: { id: string }) => entry.id)
        .sort(),
    ).toEqual(['claims', 'payments']);
    expect(item('changes').facts.entries).toBeGreaterThan(0);
    expect(item('clauses').facts).toMatchObject({ implemented: 0 });
  });

  it('keeps minutes per item and turns decisions into corrective actions sourced to the review', async () => {
    const patch = (payload: object, as = manager.session) => t.request({ method: 'PATCH', url: `${URL}/${first}`, payload, as });
    expect((await patch({ minutes: { nonsense: 'x' } })).statusCode).toBe(400);
    expect((await patch({ minutes: { bia: 'x'.repeat(8001) } })).statusCode).toBe(400);
    expect((await patch({ minutes: { bia: 'Launch a campaign' } }, auditor.session)).statusCode).toBe(403);
    const changed = await patch({ minutes: { bia: 'No approved BIA yet: launch a campaign', risks: 'Nothing above appetite' } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().agenda.find((item: { key: string }) => item.key === 'bia').minutes).toBe('No approved BIA yet: launch a campaign');
    const removed = (await patch({ minutes: { risks: null } })).json();
    expect(removed.agenda.find((item: { key: string }) => item.key === 'risks').minutes).toBeNull();
    expect(removed.agenda.find((item: { key: string }) => item.key === 'bia').minutes).toBe('No approved BIA yet: launch a campaign');

    const decided = await t.request({
      method: 'POST',
      url: `${URL}/${first}/decisions`,
      payload: { title: 'Launch the 2026 BIA campaign', agendaItem: 'bia', owner: 'manon@review.example', due: '2099-01-31' },
      as: manager.session,
    });
    expect(decided.statusCode, decided.body).toBe(201);
    const action = decided.json().decisions[0];
    decision = action.id;
    expect(action).toMatchObject({ kind: 'improvement', source: { kind: 'review', id: first, label: 'Review 2026' }, status: 'open', due: '2099-01-31' });
    const listed = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/corrective-actions?source=review` })).json();
    expect(listed.items.map((item: { id: string }) => item.id)).toEqual([decision]);
    expect(
      (await t.request({ method: 'POST', url: `${URL}/${first}/decisions`, payload: { title: 'x', agendaItem: 'nope' }, as: manager.session })).statusCode,
    ).toBe(400);
  });

  it('is read by auditors, hidden from other organisations, and final once signed (in person)', async () => {
    const read = await t.request({ method: 'GET', url: `${URL}/${first}`, as: auditor.session });
    expect(read.json().abilities).toEqual({ update: false, sign: false });
    expect((await t.request({ method: 'GET', url: `/api/orgs/review-other/management-reviews/${first}` })).statusCode).toBe(404);
    expect((await t.request({ method: 'PATCH', url: `/api/orgs/review-other/management-reviews/${first}`, payload: { title: 'x' } })).statusCode).toBe(404);
    const token = (await t.request({ method: 'POST', url: `/api/orgs/${ORG}/tokens`, payload: { name: 'r', role: 'continuityManager' } })).json().token;
    expect((await t.request({ method: 'POST', url: `${URL}/${first}/close`, payload: { signature: 'Claire Morel' }, as: { bearer: token } })).statusCode).toBe(
      403,
    );
    expect((await t.request({ method: 'POST', url: `${URL}/${first}/close`, payload: {}, as: manager.session })).statusCode).toBe(400);
    const closed = await t.request({ method: 'POST', url: `${URL}/${first}/close`, payload: { signature: 'Claire Morel, CEO' }, as: manager.session });
    expect(closed.json()).toMatchObject({
      status: 'closed',
      signature: 'Claire Morel, CEO',
      closedBy: 'manon@review.example',
      abilities: { update: false, sign: false },
    });
    for (const [method, path, payload] of [
      ['PATCH', '', { title: 'x' }],
      ['POST', '/decisions', { title: 'x' }],
      ['POST', '/agenda', undefined],
      ['POST', '/close', { signature: 'x' }],
    ] as const)
      expect((await t.request({ method, url: `${URL}/${first}${path}`, payload, as: manager.session })).statusCode).toBe(409);
  });

  it('starts the next review where the last one ended, with its decisions on the agenda', async () => {
    const next = (await t.request({ method: 'POST', url: URL, payload: { title: 'Review 2027', heldOn: '2027-06-15' }, as: manager.session })).json();
    expect(next.since).toBe('2026-06-15');
    const previous = next.agenda.find((item: { key: string }) => item.key === 'previousActions');
    expect(previous).toMatchObject({ attention: true, facts: { total: 1, closed: 0 } });
    expect(previous.entries).toEqual([{ id: decision, label: 'Launch the 2026 BIA campaign', note: 'open' }]);
    const list = (await t.request({ method: 'GET', url: URL, as: auditor.session })).json();
    expect(list).toMatchObject({ total: 2, abilities: { create: false } });
    expect(list.items.map((item: { title: string }) => item.title)).toEqual(['Review 2027', 'Review 2026']);
  });
});

describe('ISO 22301 clause tracker and programme health', () => {
  it('lists clauses 4 to 10, with records Rempart holds suggested as evidence', async () => {
    const list = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/clauses`, as: auditor.session });
    expect(list.statusCode).toBe(200);
    const body = list.json();
    expect(body.abilities).toEqual({ update: false });
    expect(body.items[0]).toMatchObject({ id: '4', parent: null, status: 'notStarted', evidence: [] });
    expect(body.items.map((item: { id: string }) => item.id)).toEqual(expect.arrayContaining(['4.1', '7.2', '8.2.2', '9.3', '10.2']));
    expect(body.counts.notStarted).toBe(body.items.length);
    const review = body.items.find((item: { id: string }) => item.id === '9.3');
    expect(review.suggested).toEqual([{ type: 'managementReview', id: expect.any(String), label: 'Review 2026' }]);
    expect(review.title.fr).toBe('Revue de direction');
  });

  it('sets a clause with evidence from records and files; refuses unknown evidence, other roles and other tenants', async () => {
    const reviewId = (await t.request({ method: 'GET', url: URL })).json().items.find((item: { title: string }) => item.title === 'Review 2026').id;
    const file = await t.request({
      method: 'POST',
      url: `/api/orgs/${ORG}/files?name=${encodeURIComponent('minutes-signed.pdf')}`,
      payload: Buffer.from('%PDF-1.4 signed minutes'),
      headers: { 'content-type': 'application/pdf' },
    });
    expect(file.statusCode, file.body).toBe(201);
    const put = (clause: string, payload: object, as = manager.session, org = ORG) =>
      t.request({ method: 'PUT', url: `/api/orgs/${org}/clauses/${clause}`, payload, as });
    const bad = await put('9.3', {
      status: 'implemented',
      evidence: [
        { type: 'managementReview', id: '00000000-0000-4000-8000-000000000000' },
        { type: 'file', id: 'not-a-file' },
        { type: 'riskRegister' },
        { type: 'plan' },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((d: { path: string; rule: string }) => `${d.path}:${d.rule}`)).toEqual([
      'body.evidence[0].id:unknown_reference',
      'body.evidence[1].id:unknown_reference',
      'body.evidence[2]:unknown_reference',
      'body.evidence[3].id:required',
    ]);
    expect((await put('9.3', { status: 'done' })).statusCode).toBe(400);
    expect((await put('11.1', { status: 'partial' })).statusCode).toBe(404);
    expect((await put('9.3.1.1', { status: 'partial' })).statusCode).toBe(400);
    expect([400, 404]).toContain((await put(encodeURIComponent("9.3' or 1=1"), { status: 'partial' })).statusCode);
    expect((await put('9.3', { status: 'partial', notes: 'x'.repeat(4001) })).statusCode).toBe(400);
    expect((await put('9.3', { status: 'partial' }, auditor.session)).statusCode).toBe(403);
    const foreign = await put('9.3', { status: 'implemented', evidence: [{ type: 'file', id: file.json().id }] }, t.owner.session, 'review-other');
    expect(foreign.json().error.details[0], foreign.body).toMatchObject({ path: 'body.evidence[0].id', rule: 'unknown_reference' });

    const set = await put('9.3', {
      status: 'implemented',
      owner: 'Claire Morel',
      notes: 'Yearly, signed by the CEO',
      evidence: [
        { type: 'managementReview', id: reviewId },
        { type: 'file', id: file.json().id },
      ],
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({
      status: 'implemented',
      owner: 'Claire Morel',
      updatedBy: 'manon@review.example',
      evidence: [
        { type: 'managementReview', id: reviewId, label: 'Review 2026' },
        { type: 'file', id: file.json().id, label: 'minutes-signed.pdf' },
      ],
      suggested: [],
    });
    expect((await put('4.3', { status: 'notApplicable', notes: 'One site only' })).statusCode).toBe(200);
  });

  it('reports the gaps', async () => {
    const report = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/clauses/gaps`, as: auditor.session })).json();
    const clauses = report.gaps.map((gap: { clause: string }) => gap.clause);
    expect(clauses).not.toContain('9.3');
    expect(clauses).not.toContain('4.3');
    expect(report.gaps.find((gap: { clause: string }) => gap.clause === '7.2')).toMatchObject({
      status: 'notStarted',
      reasons: ['notStarted', 'noEvidence', 'noOwner'],
      title: { en: 'Competence', fr: 'Compétences' },
    });
    expect(report).toMatchObject({ implemented: 1, applicable: report.gaps.length + 1 });
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/clauses/gaps`, as: null })).statusCode).toBe(401);
  });

  it('sums up the programme’s health', async () => {
    const health = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/programme-health`, as: owner.session });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({
      bia: { lastApprovedAt: null, neverAssessed: 2, ok: false },
      correctiveActions: { open: 2, overdue: 1, ok: false },
      clauses: { implemented: 1, ok: false },
      training: { asked: 0, rate: null, ok: false },
      plans: { total: 0, ok: false },
    });
    expect((await t.request({ method: 'GET', url: `/api/orgs/review-other/programme-health`, as: owner.session })).statusCode).toBe(404);
  });
});
