// Plans and incidents over HTTP on a real database: the demo's approved plans from the shipped templates, writing and
// versioning a plan, review and four-eyes approval, diff, validation by simulation, the PDF read back; declaring an
// incident (the binding contract), activating a plan into tasks, ticking one, the append-only crisis log with CSV and
// PDF, the board's countdown, the projection, closing with a review and corrective actions; roles, tenants and
// hostile input.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/operations/demo.js';
import { startTestApp, smallModel, type TestApp, type TestUser } from '../support/app.js';

let t: TestApp;
let manager: TestUser;
let crisis: TestUser;
let auditor: TestUser;
let claimsOwner: TestUser;

async function pdfText(bytes: Buffer): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  return pages.join('\n');
}

beforeAll(async () => {
  t = await startTestApp();
  await loadDemo(t.database.db, 'demo');
  await t.join('demo');
  manager = await t.createUser('manager@demo.example', { org: 'demo', role: 'continuityManager', displayName: 'Manon Manager' });
  crisis = await t.createUser('crisis@demo.example', { org: 'demo', role: 'crisisTeam', displayName: 'Cyril Crisis' });
  auditor = await t.createUser('auditor@demo.example', { org: 'demo', role: 'auditor', displayName: 'Aude Auditor' });
  claimsOwner = await t.createUser('claire@demo.example', { org: 'demo', role: 'activityOwner', displayName: 'Claire Morel' });
  const other = await t.request({ method: 'PUT', url: '/api/orgs/other/model', payload: smallModel() });
  expect(other.statusCode, other.body).toBe(200);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('plans', () => {
  it('gives the demo organisation approved plans made from the four bilingual templates', async () => {
    const templates = await t.request({ method: 'GET', url: '/api/orgs/demo/plan-templates' });
    expect(templates.statusCode).toBe(200);
    expect(
      templates
        .json()
        .items.map((item: { id: string }) => item.id)
        .sort(),
    ).toEqual(['key-supplier', 'pandemic', 'ransomware', 'site-loss']);
    for (const template of templates.json().items) {
      expect(template.titles.fr).toBeTruthy();
      expect(template.steps.every((step: { actions: { fr: string } }) => step.actions.fr)).toBe(true);
    }
    const list = await t.request({ method: 'GET', url: '/api/orgs/demo/plans', as: auditor.session });
    expect(list.statusCode).toBe(200);
    const plans = list.json();
    expect(plans.total).toBe(4);
    expect(plans.abilities).toEqual({ create: false });
    const pandemic = plans.items.find((plan: { id: string }) => plan.id === 'pandemic');
    expect(pandemic).toMatchObject({ status: 'approved', approvedVersion: 1, author: 'rempart (template)', approval: { by: 'rempart (demo)', version: 1 } });
    const text = JSON.stringify(pandemic.steps);
    for (const words of ['VPN', 'cloud desktops', 'Stagger site', 'check-in', 'sick staff', 'suppliers']) expect(text).toContain(words);
  });

  it('writes a plan, versions it, refuses approval by its author, approves by another person and diffs the versions', async () => {
    const body = {
      id: 'claims-outage',
      title: 'Claims outage',
      titles: { fr: 'Panne des sinistres' },
      scope: { activities: ['claims-fnol'], sites: ['lyon'] },
      teams: [{ id: 'cell', name: 'Cell', lead: 'Manon Manager', deputies: ['Cyril Crisis'] }],
      steps: [{ id: 'overflow', phase: 'activation', at: '2h', team: 'cell', action: 'Route calls to the overflow centre', strategy: 'call-overflow' }],
      scenarios: ['regional-power-telecom-outage'],
    };
    const created = await t.request({ method: 'POST', url: '/api/orgs/demo/plans', payload: body, as: manager.session });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ id: 'claims-outage', version: 1, status: 'draft', author: 'manager@demo.example', abilities: { approve: true } });
    expect(created.json().steps[0].at).toBe(2);

    const duplicate = await t.request({ method: 'POST', url: '/api/orgs/demo/plans', payload: body, as: manager.session });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('duplicate_id');

    const edited = await t.request({
      method: 'PUT',
      url: '/api/orgs/demo/plans/claims-outage',
      payload: { ...(created.json() as object), title: 'Claims hotline outage' },
      as: manager.session,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ version: 1, title: 'Claims hotline outage' });

    expect(
      (await t.request({ method: 'POST', url: '/api/orgs/demo/plans/claims-outage/approve', payload: {}, as: manager.session })).json().error.details[0].rule,
    ).toBe('workflow');
    const submitted = await t.request({ method: 'POST', url: '/api/orgs/demo/plans/claims-outage/submit', payload: {}, as: manager.session });
    expect(submitted.json()).toMatchObject({ status: 'inReview', submittedBy: 'manager@demo.example' });
    const inReview = await t.request({ method: 'PUT', url: '/api/orgs/demo/plans/claims-outage', payload: body, as: manager.session });
    expect(inReview.statusCode).toBe(409);

    const own = await t.request({ method: 'POST', url: '/api/orgs/demo/plans/claims-outage/approve', payload: {}, as: manager.session });
    expect(own.statusCode).toBe(409);
    expect(own.json().error.details[0]).toMatchObject({ path: 'approver', rule: 'four_eyes', value: 'manager@demo.example' });
    const approved = await t.request({ method: 'POST', url: '/api/orgs/demo/plans/claims-outage/approve', payload: { comment: 'Good' } });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', approvedVersion: 1, approval: { by: t.owner.email, byId: t.owner.id, version: 1 } });

    // A change to an approved plan is a new draft version; version 1 stays the one incidents activate.
    const next = await t.request({
      method: 'PUT',
      url: '/api/orgs/demo/plans/claims-outage',
      payload: { ...body, steps: [{ ...body.steps[0], at: 1 }], teams: [{ ...body.teams[0], deputies: ['Cyril Crisis', 'Aude Auditor'] }] },
      as: manager.session,
    });
    expect(next.json()).toMatchObject({ version: 2, status: 'draft', approvedVersion: 1 });
    const versions = await t.request({ method: 'GET', url: '/api/orgs/demo/plans/claims-outage/versions' });
    expect(versions.json().items.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [1, 'approved'],
      [2, 'draft'],
    ]);
    const diff = await t.request({ method: 'GET', url: '/api/orgs/demo/plans/claims-outage/diff?from=1&to=2' });
    expect(diff.statusCode).toBe(200);
    expect(diff.json().changes).toEqual(
      expect.arrayContaining([
        { path: 'steps[overflow].at', change: 'changed', before: 2, after: 1 },
        { path: 'teams[cell].deputies[1]', change: 'added', after: 'Aude Auditor' },
        { path: 'title', change: 'changed', before: 'Claims hotline outage', after: 'Claims outage' },
      ]),
    );
    const v1 = await t.request({ method: 'GET', url: '/api/orgs/demo/plans/claims-outage/versions/1' });
    expect(v1.json()).toMatchObject({ version: 1, status: 'approved', approvedBy: t.owner.email, content: { title: 'Claims hotline outage' } });
    expect((await t.request({ method: 'GET', url: '/api/orgs/demo/plans/claims-outage/versions/9' })).statusCode).toBe(404);

    // Every step was audited.
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'plan')
      .where('entity_id', '=', 'claims-outage')
      .execute();
    expect(audit.map((row) => row.action)).toEqual(['create', 'update', 'submit', 'approve', 'update']);
  });

  it('validates a plan by simulation and says which activity it does not protect, on the plan and in its PDF', async () => {
    const validated = await t.request({ method: 'POST', url: '/api/orgs/demo/plans/pandemic/validate', payload: {} });
    expect(validated.statusCode, validated.body).toBe(200);
    const validation = validated.json().validation;
    expect(validation.scenarios[0]).toMatchObject({ scenario: 'pandemic-lockdown', runs: null });
    expect(validation.scenarios[0].activations.map((a: { strategy: string }) => a.strategy).sort()).toEqual(['cloud-desktops', 'vpn-upgrade']);
    const lines = validation.scenarios[0].activities;
    expect(lines.map((line: { activity: string }) => line.activity).sort()).toEqual(
      ['claims-assessment', 'claims-fnol', 'claims-payment', 'customer-service', 'emergency-assistance', 'payroll', 'policy-administration'].sort(),
    );
    for (const line of lines) expect(line.withinMtpd).toBe(line.longestDisruption <= line.mtpd);
    expect(validation.protects).toBe(lines.every((line: { withinMtpd: boolean }) => line.withinMtpd));
    expect(validation.findings.length).toBe(lines.filter((line: { withinMtpd: boolean }) => !line.withinMtpd).length);

    // Without the plan's strategies, the same scenario is worse or equal for every activity in scope.
    const bare = await t.request({ method: 'POST', url: '/api/orgs/demo/scenarios/pandemic-lockdown/simulate' });
    const bareLongest = new Map(bare.json().result.activities.map((a: { id: string; longestDisruption: number }) => [a.id, a.longestDisruption]));
    for (const line of lines) expect(line.longestDisruption).toBeLessThanOrEqual(bareLongest.get(line.activity) as number);

    // A plan whose steps switch nothing on leaves customer service breaking its MTPD in the lockdown: the finding says so.
    const weak = await t.request({
      method: 'POST',
      url: '/api/orgs/demo/plans',
      payload: { id: 'weak', title: 'Weak', scope: { activities: ['customer-service'] }, scenarios: ['pandemic-lockdown'] },
      as: manager.session,
    });
    expect(weak.statusCode, weak.body).toBe(201);
    const weakValidation = (await t.request({ method: 'POST', url: '/api/orgs/demo/plans/weak/validate', payload: {} })).json().validation;
    expect(weakValidation.protects).toBe(false);
    expect(weakValidation.findings[0].text).toMatch(/^This plan does not protect Customer service .* in Pandemic/);
    expect(weakValidation.findings[0].texts.fr).toMatch(/^Ce plan ne protège pas/);
    const stored = await t.request({ method: 'GET', url: '/api/orgs/demo/plans/weak' });
    expect(stored.json().validation.protects).toBe(false);

    const pdf = await t.request({ method: 'GET', url: '/api/orgs/demo/plans/weak/document.pdf' });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf.rawPayload);
    expect(text).toContain('Validation by simulation');
    expect(text).toContain('This plan does not protect Customer service');

    const french = await t.request({ method: 'GET', url: '/api/orgs/demo/plans/pandemic/document.pdf?lang=fr' });
    const frenchText = await pdfText(french.rawPayload);
    expect(frenchText).toContain('Pandémie : télétravail massif');
    expect(frenchText).toContain('Augmenter la capacité du VPN');
    expect(frenchText).toContain('Validation par simulation');
  });

  it('queues the Monte Carlo pass as a job when runs are asked for, and refuses too many', async () => {
    const queued = await t.request({ method: 'POST', url: '/api/orgs/demo/plans/pandemic/validate', payload: { runs: 50, seed: 3 } });
    expect(queued.statusCode).toBe(200);
    expect(queued.json().job).toEqual(expect.any(String));
    const job = await t.database.db.selectFrom('jobs').select(['kind', 'payload']).where('id', '=', queued.json().job).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ kind: 'plans.validate-montecarlo', payload: { plan: 'pandemic', runs: 50, seed: 3 } });
    const tooMany = await t.request({ method: 'POST', url: '/api/orgs/demo/plans/pandemic/validate', payload: { runs: 1e9 } });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.details[0]).toMatchObject({ path: 'body.runs', rule: 'too_big' });
  });

  it('computes the probability of meeting each RTO with Monte Carlo', async () => {
    const { validatePlanMonteCarlo } = await import('../../src/operations/plan-validation.js');
    const validation = await validatePlanMonteCarlo(t.database.db, 'demo', 'pandemic', 1, 40, 7);
    for (const line of validation.scenarios[0].activities) {
      expect(line.rtoProbability).toBeGreaterThanOrEqual(0);
      expect(line.rtoProbability).toBeLessThanOrEqual(line.mtpdProbability!);
      expect(line.mtpdProbability).toBeLessThanOrEqual(1);
    }
    expect(validation.scenarios[0].runs).toBe(40);
  });

  it('refuses bad plans naming field, rule and value, and unknown references', async () => {
    const bad = await t.request({
      method: 'POST',
      url: '/api/orgs/demo/plans',
      payload: { id: 'bad id!', title: '', steps: [{ id: 's', phase: 'panic', at: -1, action: 'x' }], contacts: [{ name: 'A', email: 'not-an-email' }] },
    });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.id', 'body.title', 'body.steps[0].phase', 'body.steps[0].at', 'body.contacts[0].email']));
    const oversized = await t.request({ method: 'POST', url: '/api/orgs/demo/plans', payload: { id: 'big', title: 'x'.repeat(201) } });
    expect(oversized.json().error.details[0]).toMatchObject({ path: 'body.title', rule: 'too_big' });
    const unknown = await t.request({
      method: 'POST',
      url: '/api/orgs/demo/plans',
      payload: {
        id: 'refs',
        title: 'Refs',
        scope: { activities: ['nope'] },
        steps: [{ id: 's', phase: 'alert', at: 0, action: 'x', strategy: 'ghost', team: 'none' }],
        scenarios: ['missing'],
        attachments: [{ file: '00000000-0000-4000-8000-000000000000' }],
      },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('invalid_reference');
    expect(
      unknown
        .json()
        .error.details.map((d: { path: string; rule: string }) => `${d.path}:${d.rule}`)
        .sort(),
    ).toEqual(
      [
        'attachments[0].file:unknown_reference',
        'scenarios[0]:unknown_reference',
        'scope.activities[0]:unknown_reference',
        'steps[0].strategy:unknown_reference',
        'steps[0].team:unknown_reference',
      ].sort(),
    );
    const hostile = await t.request({ method: 'POST', url: '/api/orgs/demo/plans', payload: { id: 'h', title: 'a\u0000b' } });
    expect(hostile.statusCode).toBe(400);
    expect(hostile.json().error.details[0].rule).toBe('invalid_text');
    const array = await t.request({ method: 'POST', url: '/api/orgs/demo/plans', payload: [] });
    expect(array.statusCode).toBe(400);
  });

  it('lets auditors and the crisis team read plans but not change them; hides other organisations’ plans', async () => {
    expect((await t.request({ method: 'GET', url: '/api/orgs/demo/plans/pandemic', as: crisis.session })).statusCode).toBe(200);
    const refused = await t.request({ method: 'POST', url: '/api/orgs/demo/plans/pandemic/archive', payload: {}, as: auditor.session });
    expect(refused.statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/orgs/other/plans/pandemic' })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/orgs/other/plans' })).json().total).toBe(0);
    expect((await t.request({ method: 'GET', url: '/api/orgs/demo/plans', as: (await t.createUser('nobody@other.example')).session })).statusCode).toBe(404);
  });
});

describe('incidents', () => {
  let id = '';

  it('declares an incident as the binding contract says, and refuses a missing title naming it', async () => {
    const declared = await t.request({
      method: 'POST',
      url: '/api/orgs/demo/incidents',
      payload: {
        title: 'Influenza wave',
        severity: 'major',
        start: new Date(Date.now() - 2 * 3_600_000).toISOString(),
        sites: ['lyon'],
        activities: ['claims-fnol', 'payroll'],
        exercise: true,
      },
      as: crisis.session,
    });
    expect(declared.statusCode, declared.body).toBe(201);
    id = declared.json().id;
    expect(declared.json()).toMatchObject({
      title: 'Influenza wave',
      severity: 'major',
      exercise: true,
      status: 'open',
      sites: ['lyon'],
      declaredBy: 'crisis@demo.example',
    });
    const read = await t.request({ method: 'GET', url: `/api/orgs/demo/incidents/${id}`, as: auditor.session });
    expect(read.statusCode).toBe(200);
    expect(read.json().id).toBe(id);
    const list = await t.request({ method: 'GET', url: '/api/orgs/demo/incidents' });
    expect(list.json().items.map((item: { id: string }) => item.id)).toContain(id);

    const missing = await t.request({ method: 'POST', url: '/api/orgs/demo/incidents', payload: { severity: 'minor' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.map((d: { path: string }) => d.path)).toContain('body.title');
    const wrong = await t.request({ method: 'POST', url: '/api/orgs/demo/incidents', payload: { title: 'x', severity: 'apocalyptic', sites: ['moon'] } });
    expect(wrong.json().error.details[0]).toMatchObject({ path: 'body.severity', value: 'apocalyptic' });
    const unknown = await t.request({
      method: 'POST',
      url: '/api/orgs/demo/incidents',
      payload: { title: 'x', severity: 'minor', sites: ['moon'], type: 'alien' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(
      unknown
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['body.sites[0]', 'body.type']);
    const future = await t.request({
      method: 'POST',
      url: '/api/orgs/demo/incidents',
      payload: { title: 'x', severity: 'minor', start: '2999-01-01T00:00:00Z' },
    });
    expect(future.json().error.details[0]).toMatchObject({ path: 'body.start', rule: 'not_future' });
    const huge = await t.request({ method: 'POST', url: '/api/orgs/demo/incidents', payload: { title: 'x'.repeat(5000), severity: 'minor' } });
    expect(huge.json().error.details[0]).toMatchObject({ path: 'body.title', rule: 'too_big' });
    const injection = await t.request({ method: 'GET', url: "/api/orgs/demo/incidents/'; drop table incidents; --" });
    expect(injection.statusCode).toBe(400);
    expect(injection.json().error.details[0].path).toBe('params.incident');
    expect(
      (await t.request({ method: 'POST', url: '/api/orgs/demo/incidents', payload: { title: 'x', severity: 'minor' }, as: auditor.session })).statusCode,
    ).toBe(403);
  });

  it('keeps incidents within their organisation', async () => {
    expect((await t.request({ method: 'GET', url: `/api/orgs/other/incidents/${id}` })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url: `/api/orgs/other/incidents/${id}/log`, payload: { kind: 'situation', text: 'x' } })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/orgs/other/incidents' })).json().total).toBe(0);
  });

  it('activates an approved plan into tasks with owners and due times, ticks one, and refuses a draft plan', async () => {
    const activated = await t.request({ method: 'POST', url: `/api/orgs/demo/incidents/${id}/plans`, payload: { plan: 'pandemic' }, as: crisis.session });
    expect(activated.statusCode, activated.body).toBe(200);
    expect(activated.json().plans[0]).toMatchObject({ plan: 'pandemic', version: 1, title: 'Pandemic: mass telework', activatedBy: 'crisis@demo.example' });
    const again = await t.request({ method: 'POST', url: `/api/orgs/demo/incidents/${id}/plans`, payload: { plan: 'pandemic' }, as: crisis.session });
    expect(again.json().error.details[0].rule).toBe('already_active');
    const draft = await t.request({ method: 'POST', url: `/api/orgs/demo/incidents/${id}/plans`, payload: { plan: 'weak' }, as: crisis.session });
    expect(draft.statusCode).toBe(409);
    expect(draft.json().error.details[0].rule).toBe('approved');

    const tasks = (await t.request({ method: 'GET', url: `/api/orgs/demo/incidents/${id}/tasks` })).json();
    expect(tasks.items).toHaveLength(9);
    const vpn = tasks.items.find((task: { step: string }) => task.step === 'scale-vpn');
    const activatedAt = Date.parse(activated.json().plans[0].activatedAt);
    expect(Date.parse(vpn.dueAt) - activatedAt).toBe(2 * 3_600_000);
    expect(vpn).toMatchObject({ owner: 'Thomas Girard, Head of IT Operations', strategy: 'vpn-upgrade', status: 'open', overdue: false });
    const convene = tasks.items.find((task: { step: string }) => task.step === 'convene');
    expect(convene.overdue).toBe(true);

    const ticked = await t.request({
      method: 'PUT',
      url: `/api/orgs/demo/incidents/${id}/tasks/${convene.id}`,
      payload: { status: 'done', note: 'All present' },
      as: crisis.session,
    });
    expect(ticked.statusCode).toBe(200);
    expect(ticked.json().items.find((task: { id: string }) => task.id === convene.id)).toMatchObject({
      status: 'done',
      doneBy: 'crisis@demo.example',
      overdue: false,
    });
    const unknownTask = await t.request({
      method: 'PUT',
      url: `/api/orgs/demo/incidents/${id}/tasks/00000000-0000-4000-8000-000000000000`,
      payload: { status: 'done' },
    });
    expect(unknownTask.statusCode).toBe(404);
    const badStatus = await t.request({ method: 'PUT', url: `/api/orgs/demo/incidents/${id}/tasks/${convene.id}`, payload: { status: 'finished' } });
    expect(badStatus.json().error.details[0]).toMatchObject({ path: 'body.status', value: 'finished' });
    const incident = (await t.request({ method: 'GET', url: `/api/orgs/demo/incidents/${id}` })).json();
    expect(incident.tasks).toEqual({ total: 9, done: 1, overdue: 0 });
  });

  it('keeps an append-only crisis log: corrections are new entries, exported as CSV and PDF', async () => {
    const decision = await t.request({
      method: 'POST',
      url: `/api/orgs/demo/incidents/${id}/log`,
      payload: { kind: 'decision', text: 'Close the Lyon site for 48 h', decidedBy: 'Executive committee' },
      as: crisis.session,
    });
    expect(decision.statusCode, decision.body).toBe(201);
    const seq = decision.json().seq;
    const correction = await t.request({
      method: 'POST',
      url: `/api/orgs/demo/incidents/${id}/log`,
      payload: { kind: 'decision', text: '=Close the Lyon site for 72 h, not 48', corrects: seq },
      as: crisis.session,
    });
    expect(correction.json()).toMatchObject({ corrects: seq, decidedBy: 'crisis@demo.example' });
    const badCorrection = await t.request({
      method: 'POST',
      url: `/api/orgs/demo/incidents/${id}/log`,
      payload: { kind: 'situation', text: 'x', corrects: 999 },
    });
    expect(badCorrection.json().error.details[0]).toMatchObject({ path: 'body.corrects', rule: 'exists', value: 999 });
    const system = await t.request({ method: 'POST', url: `/api/orgs/demo/incidents/${id}/log`, payload: { kind: 'task', text: 'forged' } });
    expect(system.json().error.details[0].path).toBe('body.kind');

    const log = (await t.request({ method: 'GET', url: `/api/orgs/demo/incidents/${id}/log`, as: auditor.session })).json();
    expect(log.items.map((entry: { kind: string }) => entry.kind)).toEqual(['declaration', 'activation', 'task', 'decision', 'decision']);
    expect(log.items.find((entry: { seq: number }) => entry.seq === seq)).toMatchObject({ text: 'Close the Lyon site for 48 h', correctedBy: [seq + 1] });
    await expect(
      t.database.db.updateTable('incident_log').set({ text: 'rewritten' }).where('incident_id', '=', id).where('seq', '=', seq).execute(),
    ).rejects.toThrow(/append-only/);

    const csv = await t.request({ method: 'GET', url: `/api/orgs/demo/incidents/${id}/log.csv` });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body).toContain('Close the Lyon site for 48 h');
    // A cell that a spreadsheet would run as a formula is kept as text.
    expect(csv.body).toContain("'=Close the Lyon site for 72 h");
    const pdf = await t.request({ method: 'GET', url: `/api/orgs/demo/incidents/${id}/log.pdf?lang=fr` });
    const text = await pdfText(pdf.rawPayload);
    expect(text).toContain('EXERCICE');
    expect(text).toContain('Main courante');
    expect(text).toContain('Close the Lyon site for 48 h');
    expect(text).toMatch(/corrige #4/);
    // Every write went to the incident's own audit chain.
    const chain = await t.database.db.selectFrom('audit_log').select('action').where('chain', '=', `demo/incident/${id}`).orderBy('seq').execute();
    expect(chain.map((row) => row.action)).toEqual(['declare', 'activate_plan', 'task', 'log', 'log']);
  });

  it('shows the board with the time left before each MTPD; activity owners update their own activity only', async () => {
    const board = (await t.request({ method: 'GET', url: `/api/orgs/demo/incidents/${id}/board`, as: claimsOwner.session })).json();
    const fnol = board.activities.find((line: { activity: string }) => line.activity === 'claims-fnol');
    expect(fnol).toMatchObject({ status: 'stopped', mtpd: 24, breached: false, abilities: { update: true } });
    // Declared two hours ago with an MTPD of 24 h: about 22 h left, counting down.
    expect(fnol.hoursLeft).toBeGreaterThan(21.9);
    expect(fnol.hoursLeft).toBeLessThan(22.01);
    expect(Date.parse(fnol.deadline) - Date.parse(fnol.disruptedSince)).toBe(24 * 3_600_000);
    expect(board.activities.find((line: { activity: string }) => line.activity === 'payroll').abilities.update).toBe(false);
    expect(board.activities[0].activity).toBe('claims-fnol');

    const degraded = await t.request({
      method: 'PUT',
      url: `/api/orgs/demo/incidents/${id}/activities/claims-fnol`,
      payload: { status: 'degraded' },
      as: claimsOwner.session,
    });
    expect(degraded.statusCode, degraded.body).toBe(200);
    const line = degraded.json().activities.find((l: { activity: string }) => l.activity === 'claims-fnol');
    expect(line.status).toBe('degraded');
    // Degraded is still disrupted: the clock keeps running from the first disruption.
    expect(line.disruptedSince).toBe(fnol.disruptedSince);
    const notHers = await t.request({
      method: 'PUT',
      url: `/api/orgs/demo/incidents/${id}/activities/payroll`,
      payload: { status: 'operating' },
      as: claimsOwner.session,
    });
    expect(notHers.statusCode).toBe(403);
    const recovered = await t.request({
      method: 'PUT',
      url: `/api/orgs/demo/incidents/${id}/activities/payroll`,
      payload: { status: 'operating' },
      as: crisis.session,
    });
    expect(recovered.json().activities.find((l: { activity: string }) => l.activity === 'payroll')).toMatchObject({
      status: 'operating',
      hoursLeft: null,
      deadline: null,
    });
    const notAffected = await t.request({
      method: 'PUT',
      url: `/api/orgs/demo/incidents/${id}/activities/underwriting`,
      payload: { status: 'stopped' },
      as: crisis.session,
    });
    expect(notAffected.statusCode).toBe(404);
    const badSince = await t.request({
      method: 'PUT',
      url: `/api/orgs/demo/incidents/${id}/activities/claims-fnol`,
      payload: { status: 'stopped', since: '1999-01-01T00:00:00Z' },
    });
    expect(badSince.json().error.details[0]).toMatchObject({ path: 'body.since', rule: 'range' });
  });

  it('projects from the live state which activities will breach and when', async () => {
    const changed = await t.request({
      method: 'PATCH',
      url: `/api/orgs/demo/incidents/${id}`,
      payload: { applications: ['telephony-acd'], severity: 'critical' },
      as: crisis.session,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ severity: 'critical', applications: ['telephony-acd'] });
    const projection = await t.request({ method: 'GET', url: `/api/orgs/demo/incidents/${id}/projection` });
    expect(projection.statusCode, projection.body).toBe(200);
    const result = projection.json();
    expect(
      result.disruptions
        .filter((d: { type: string }) => !d.type.startsWith('activity'))
        .map((d: { id: string }) => d.id)
        .sort(),
    ).toEqual(['lyon', 'telephony-acd']);
    expect(result.strategies.map((s: { strategy: string }) => s.strategy).sort()).toEqual(['cloud-desktops', 'vpn-upgrade']);
    expect(result.breached).toBe(result.activities.filter((a: { breaches: boolean }) => a.breaches).length);
    expect(result.breached).toBeGreaterThan(0);
    const breaching = result.activities.find((a: { breaches: boolean }) => a.breaches);
    expect(Date.parse(breaching.breachAt) - Date.parse(breaching.firstDisrupted)).toBeGreaterThanOrEqual(breaching.mtpd * 3_600_000);
  });

  it('closes with a review: measured recovery against RTO, lessons as corrective actions; then the record is final', async () => {
    await t.request({ method: 'PUT', url: `/api/orgs/demo/incidents/${id}/activities/claims-fnol`, payload: { status: 'operating' }, as: crisis.session });
    const closed = await t.request({
      method: 'POST',
      url: `/api/orgs/demo/incidents/${id}/close`,
      payload: {
        summary: 'Exercise went well',
        lessons: [
          { text: 'VPN licences took too long', action: { title: 'Pre-buy VPN licences', owner: 'Thomas Girard', due: '2027-03-01' } },
          { text: 'Good communication' },
        ],
      },
      as: crisis.session,
    });
    expect(closed.statusCode, closed.body).toBe(200);
    const review = closed.json();
    expect(review.summary).toBe('Exercise went well');
    const fnol = review.recovery.find((line: { activity: string }) => line.activity === 'claims-fnol');
    expect(fnol.recoveryHours).toBeGreaterThan(1.9);
    expect(fnol.rtoMet).toBe(fnol.recoveryHours <= 4);
    expect(review.lessons[1]).toEqual({ text: 'Good communication', correctiveAction: null });
    expect(review.correctiveActions).toHaveLength(1);
    expect(review.correctiveActions[0]).toMatchObject({ title: 'Pre-buy VPN licences', status: 'open', incident: id, due: '2027-03-01' });
    expect(review.timeline.at(-1).kind).toBe('closure');

    const actions = await t.request({ method: 'GET', url: `/api/orgs/demo/corrective-actions?incident=${id}`, as: auditor.session });
    expect(actions.json().total).toBe(1);
    const done = await t.request({
      method: 'PATCH',
      url: `/api/orgs/demo/corrective-actions/${review.correctiveActions[0].id}`,
      payload: { status: 'done' },
      as: manager.session,
    });
    expect(done.json().status).toBe('done');
    expect(
      (
        await t.request({
          method: 'PATCH',
          url: `/api/orgs/demo/corrective-actions/${review.correctiveActions[0].id}`,
          payload: { status: 'done' },
          as: crisis.session,
        })
      ).statusCode,
    ).toBe(403);

    const after = await t.request({
      method: 'POST',
      url: `/api/orgs/demo/incidents/${id}/log`,
      payload: { kind: 'situation', text: 'late' },
      as: crisis.session,
    });
    expect(after.statusCode).toBe(409);
    expect((await t.request({ method: 'GET', url: `/api/orgs/demo/incidents/${id}/review` })).json().incident).toBe(id);
    const listed = await t.request({ method: 'GET', url: '/api/orgs/demo/incidents?status=closed&exercise=true' });
    expect(listed.json().items[0]).toMatchObject({ id, status: 'closed' });
    // A plan an incident activated cannot be deleted, only archived.
    const deleted = await t.request({ method: 'DELETE', url: '/api/orgs/demo/plans/pandemic' });
    expect(deleted.statusCode).toBe(409);
    expect(deleted.json().error.code).toBe('in_use');
  });

  it('pages the list with a cursor and refuses a forged one', async () => {
    for (const title of ['One', 'Two', 'Three'])
      expect((await t.request({ method: 'POST', url: '/api/orgs/demo/incidents', payload: { title, severity: 'minor' } })).statusCode).toBe(201);
    const first = (await t.request({ method: 'GET', url: '/api/orgs/demo/incidents?limit=2' })).json();
    expect(first.items).toHaveLength(2);
    const second = (await t.request({ method: 'GET', url: `/api/orgs/demo/incidents?limit=2&cursor=${first.nextCursor}` })).json();
    expect(second.items.map((i: { id: string }) => i.id)).not.toContain(first.items[0].id);
    expect(first.total).toBe(4);
    const forged = await t.request({ method: 'GET', url: '/api/orgs/demo/incidents?cursor=xyz' });
    expect(forged.json().error.details[0]).toMatchObject({ path: 'query.cursor', value: 'xyz' });
  });
});
