// The exercise programme over HTTP on a real database (ISO 22301 8.5): planning with references checked, the
// iCalendar export checked against RFC 5545 (CRLF, folding at 75 octets, escaping, UID and DTSTAMP), a tabletop with
// observed recovery times, a simulation measured by the scenario engine, a live test run through the incident
// pipeline (its recovery measured on the board and the review, not typed), lessons as corrective actions, coverage
// of critical activities with a suggested programme; roles, tenants and hostile input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallModel, startTestApp, type TestApp, type TestUser } from '../support/app.js';

let t: TestApp;
let manager: TestUser;
let auditor: TestUser;
let crisis: TestUser;
const ORG = 'ex';
const URL = `/api/orgs/${ORG}/exercises`;
const HOUR = 3_600_000;

/** The content lines of an iCalendar text, checked against RFC 5545's framing; throws on the first breach. */
function parseIcs(text: string): Array<Record<string, string[]>> {
  expect(text.endsWith('\r\n')).toBe(true);
  const physical = text.slice(0, -2).split('\r\n');
  for (const line of physical) {
    expect(line).not.toMatch(/[\r\n]/);
    expect(Buffer.byteLength(line, 'utf8'), line).toBeLessThanOrEqual(75);
  }
  const logical: string[] = [];
  for (const line of physical)
    if (line.startsWith(' ')) logical[logical.length - 1] += line.slice(1);
    else logical.push(line);
  expect(logical[0]).toBe('BEGIN:VCALENDAR');
  expect(logical.at(-1)).toBe('END:VCALENDAR');
  expect(logical).toContain('VERSION:2.0');
  expect(logical.some((line) => line.startsWith('PRODID:'))).toBe(true);
  const events: Array<Record<string, string[]>> = [];
  let current: Record<string, string[]> | null = null;
  for (const line of logical) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT') {
      events.push(current!);
      current = null;
    } else if (current) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).split(';')[0];
      (current[name] ??= []).push(line.slice(colon + 1));
    }
  }
  for (const event of events) {
    for (const required of ['UID', 'DTSTAMP', 'DTSTART']) expect(event[required], required).toHaveLength(1);
    for (const date of ['DTSTAMP', 'DTSTART', 'DTEND']) expect(event[date][0]).toMatch(/^\d{8}T\d{6}Z$/);
  }
  return events;
}

/** RFC 5545 TEXT back to its value. */
const unescape = (text: string) => text.replace(/\\([\\;,nN])/g, (_, c: string) => (c.toLowerCase() === 'n' ? '\n' : c));

beforeAll(async () => {
  t = await startTestApp();
  for (const org of [ORG, 'ex-other']) expect((await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: smallModel() })).statusCode).toBe(200);
  manager = await t.createUser('manon@ex.example', { org: ORG, role: 'continuityManager', displayName: 'Manon Manager' });
  auditor = await t.createUser('aude@ex.example', { org: ORG, role: 'auditor' });
  crisis = await t.createUser('cyril@ex.example', { org: ORG, role: 'crisisTeam' });
  const scenario = {
    id: 'paris-closed',
    name: 'Paris closed for two days',
    horizon: '30d',
    disruptions: [{ type: 'siteUnavailable', site: 'paris', from: 0, to: '2d' }],
  };
  expect((await t.request({ method: 'POST', url: `/api/orgs/${ORG}/scenarios`, payload: scenario })).statusCode).toBe(201);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('exercises', () => {
  let tabletop: string;

  it('plans an exercise and refuses what names nothing', async () => {
    const created = await t.request({
      method: 'POST',
      url: URL,
      payload: {
        title: 'Claims, Paris lost; a tabletop',
        kind: 'tabletop',
        scheduledAt: '2026-03-10T09:00:00Z',
        durationMinutes: 180,
        location: 'Room 4; floor 2, Paris',
        description: 'Line one\nLine two: a long enough description to fold the line in the calendar export, with accents éèà and “quotes”.',
        activities: ['claims'],
        participants: [
          { name: 'Claire', role: 'player' },
          { name: 'Oscar', role: 'observer' },
        ],
        objectives: [
          { id: 'call-tree', text: 'Reach the claims team within 30 minutes' },
          { id: 'restart', text: 'Restart claims within RTO' },
        ],
        injects: [{ id: 'press', at: 45, message: 'A journalist calls about delayed claims', to: 'communication' }],
      },
      as: manager.session,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ status: 'planned', kind: 'tabletop', createdBy: 'manon@ex.example', results: null, abilities: { update: true } });
    expect(created.json().injects[0]).toMatchObject({ dueAt: null, sentAt: null });
    tabletop = created.json().id;

    const bad = await t.request({
      method: 'POST',
      url: URL,
      payload: {
        title: 'x',
        kind: 'simulation',
        scheduledAt: '2026-04-01T09:00:00Z',
        activities: ['nope'],
        objectives: [
          { id: 'a', text: 'a' },
          { id: 'a', text: 'b' },
        ],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.map((d: { path: string; rule: string }) => `${d.path}:${d.rule}`)).toEqual([
      'body.activities[0]:unknown_reference',
      'body.scenario:required',
      'body.objectives[1].id:unique',
    ]);
    const unknownScenario = await t.request({
      method: 'POST',
      url: URL,
      payload: { title: 'x', kind: 'simulation', scheduledAt: '2026-04-01T09:00:00Z', scenario: 'nope' },
    });
    expect(unknownScenario.json().error.details[0]).toMatchObject({ path: 'body.scenario', rule: 'unknown_reference' });
    expect(
      (await t.request({ method: 'POST', url: URL, payload: { title: 'x', kind: 'tabletop', scheduledAt: '2026-04-01T09:00:00Z' }, as: auditor.session }))
        .statusCode,
    ).toBe(403);
    expect(
      (await t.request({ method: 'POST', url: URL, payload: { title: 'x', kind: 'tabletop', scheduledAt: '2026-04-01T09:00:00Z' }, as: crisis.session }))
        .statusCode,
    ).toBe(403);
  });

  it('exports the programme as RFC 5545 iCalendar', async () => {
    await t.request({ method: 'POST', url: URL, payload: { title: 'Cancelled one', kind: 'walkthrough', scheduledAt: '2026-05-01T09:00:00Z' } });
    const response = await t.request({ method: 'GET', url: `${URL}.ics`, as: auditor.session });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const events = parseIcs(response.body);
    expect(events).toHaveLength(2);
    const first = events[0];
    expect(first.UID[0]).toBe(`exercise-${tabletop}@ex.rempart`);
    expect(first.DTSTART[0]).toBe('20260310T090000Z');
    expect(first.DTEND[0]).toBe('20260310T120000Z');
    expect(unescape(first.SUMMARY[0])).toBe('Claims, Paris lost; a tabletop');
    expect(first.SUMMARY[0]).toBe('Claims\\, Paris lost\\; a tabletop');
    expect(unescape(first.LOCATION[0])).toBe('Room 4; floor 2, Paris');
    expect(unescape(first.DESCRIPTION[0])).toContain('Line one\nLine two');
    expect(unescape(first.DESCRIPTION[0])).toContain('accents éèà and “quotes”');
    // The folded description spans several physical lines.
    expect(response.body).toMatch(/\r\n [^\r]/);
    expect(new Set(events.map((event) => event.UID[0])).size).toBe(2);
    const filtered = parseIcs((await t.request({ method: 'GET', url: `${URL}.ics?kind=walkthrough` })).body);
    expect(filtered).toHaveLength(1);
  });

  it('runs a tabletop: injects, observers’ notes, results with observed recovery against RTO and lessons as corrective actions', async () => {
    const early = await t.request({ method: 'POST', url: `${URL}/${tabletop}/notes`, payload: { text: 'too early' } });
    expect(early.statusCode).toBe(409);
    const started = await t.request({ method: 'POST', url: `${URL}/${tabletop}/start`, as: manager.session });
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json()).toMatchObject({ status: 'running', incident: null, run: null });
    expect(Date.parse(started.json().injects[0].dueAt) - Date.parse(started.json().startedAt)).toBe(45 * 60_000);
    expect((await t.request({ method: 'PATCH', url: `${URL}/${tabletop}`, payload: { title: 'Late change' } })).json().error.details[0].rule).toBe('planned');
    const sent = await t.request({ method: 'POST', url: `${URL}/${tabletop}/injects/press/send` });
    expect(sent.json().injects[0].sentAt).toEqual(expect.any(String));
    expect((await t.request({ method: 'POST', url: `${URL}/${tabletop}/injects/press/send` })).json().error.details[0].rule).toBe('sent');
    expect((await t.request({ method: 'POST', url: `${URL}/${tabletop}/injects/nope/send` })).statusCode).toBe(404);
    const noted = await t.request({ method: 'POST', url: `${URL}/${tabletop}/notes`, payload: { text: 'Call tree took 50 minutes' }, as: manager.session });
    expect(noted.json().notes).toEqual([{ at: expect.any(String), author: 'manon@ex.example', text: 'Call tree took 50 minutes' }]);

    const typedLive = { activity: 'claims', disruptedAt: '2026-03-10T09:00:00Z', recoveredAt: '2026-03-11T13:30:00Z' };
    const backwards = await t.request({
      method: 'POST',
      url: `${URL}/${tabletop}/complete`,
      payload: { recovery: [{ ...typedLive, recoveredAt: '2026-03-10T08:00:00Z' }], objectives: [{ id: 'ghost', met: true }] },
    });
    expect(backwards.json().error.details.map((d: { path: string; rule: string }) => `${d.path}:${d.rule}`)).toEqual([
      'body.objectives[0].id:unknown_reference',
      'body.recovery[0].recoveredAt:order',
    ]);
    const completed = await t.request({
      method: 'POST',
      url: `${URL}/${tabletop}/complete`,
      payload: {
        summary: 'Claims restarted late',
        objectives: [
          { id: 'call-tree', met: false, note: '50 minutes' },
          { id: 'restart', met: false },
        ],
        recovery: [typedLive],
        lessons: [
          { text: 'The call tree is out of date', action: { title: 'Update the call tree', owner: 'Claire', due: '2026-04-30' } },
          { text: 'Good facilitation' },
        ],
      },
      as: manager.session,
    });
    expect(completed.statusCode, completed.body).toBe(200);
    const results = completed.json().results;
    expect(results).toMatchObject({ summary: 'Claims restarted late', objectivesMet: 0, objectivesTotal: 2 });
    expect(results.recovery).toEqual([{ activity: 'claims', name: 'Claims', rto: 24, recoveryHours: 28.5, rtoMet: false, measuredBy: 'observers' }]);
    expect(results.lessons[1]).toEqual({ text: 'Good facilitation', correctiveAction: null });
    const action = (
      await t.request({ method: 'GET', url: `/api/orgs/${ORG}/corrective-actions?source=exercise&sourceId=${tabletop}`, as: auditor.session })
    ).json();
    expect(action.items).toHaveLength(1);
    expect(action.items[0]).toMatchObject({
      id: results.lessons[0].correctiveAction,
      kind: 'improvement',
      source: { kind: 'exercise', id: tabletop, label: 'Claims, Paris lost; a tabletop' },
      lesson: 'The call tree is out of date',
    });
    expect((await t.request({ method: 'POST', url: `${URL}/${tabletop}/complete`, payload: {} })).statusCode).toBe(409);
    const raised = await t.request({
      method: 'POST',
      url: `/api/orgs/${ORG}/corrective-actions`,
      payload: { source: { kind: 'exercise', id: tabletop }, title: 'More observers' },
    });
    expect(raised.json().source.label).toBe('Claims, Paris lost; a tabletop');
  });

  it('runs a simulation on the scenario engine and measures recovery from its run', async () => {
    const planned = await t.request({
      method: 'POST',
      url: URL,
      payload: {
        title: 'Paris closed, simulated',
        kind: 'simulation',
        scheduledAt: '2026-06-01T09:00:00Z',
        scenario: 'paris-closed',
        activities: ['claims', 'payments'],
      },
    });
    const id = planned.json().id;
    const started = await t.request({ method: 'POST', url: `${URL}/${id}/start` });
    expect(started.json().run).toEqual(expect.any(String));
    const run = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/runs/${started.json().run}` })).json();
    expect(run).toMatchObject({ kind: 'simulation', status: 'done', scenarios: ['paris-closed'] });
    const typed = await t.request({
      method: 'POST',
      url: `${URL}/${id}/complete`,
      payload: { recovery: [{ activity: 'claims', disruptedAt: '2026-06-01T09:00:00Z', recoveredAt: '2026-06-01T10:00:00Z' }] },
    });
    expect(typed.json().error.details[0]).toMatchObject({ path: 'body.recovery', rule: 'measured' });
    const completed = (await t.request({ method: 'POST', url: `${URL}/${id}/complete`, payload: {} })).json();
    const byActivity = new Map(run.result.activities.map((line: { id: string }) => [line.id, line]));
    expect(completed.results.recovery.map((line: { activity: string }) => line.activity).sort()).toEqual(['claims', 'payments']);
    for (const line of completed.results.recovery) {
      const simulated = byActivity.get(line.activity) as { firstDisrupted: number | null; longestDisruption: number; recoveredAt: number | null };
      expect(line.measuredBy).toBe('simulation');
      expect(line.recoveryHours).toBe(simulated.firstDisrupted === null ? 0 : simulated.recoveredAt === null ? null : simulated.longestDisruption);
      expect(line.rtoMet).toBe(line.recoveryHours !== null && line.recoveryHours <= line.rto);
    }
  });

  it('runs a live test through the incident pipeline: recovery measured on the board, not typed', async () => {
    const planned = await t.request({
      method: 'POST',
      url: URL,
      payload: {
        title: 'Live: claims failover',
        kind: 'liveTest',
        scheduledAt: '2026-07-01T09:00:00Z',
        activities: ['claims'],
        injects: [{ id: 'vpn', at: 10, message: 'VPN saturates' }],
      },
    });
    const id = planned.json().id;
    const at = new Date(Date.now() - 3 * HOUR).toISOString();
    const started = (await t.request({ method: 'POST', url: `${URL}/${id}/start`, payload: { at }, as: manager.session })).json();
    expect(started.startedAt).toBe(at);
    expect(started.incident).toEqual(expect.any(String));
    const incident = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/incidents/${started.incident}` })).json();
    expect(incident).toMatchObject({ exercise: true, title: 'Exercise: Live: claims failover', activities: ['claims'], start: at });
    await t.request({ method: 'POST', url: `${URL}/${id}/injects/vpn/send` });
    const log = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/incidents/${started.incident}/log` })).json();
    expect(log.items.some((entry: { kind: string; text: string }) => entry.kind === 'message' && entry.text === 'Inject: VPN saturates')).toBe(true);

    const open = await t.request({ method: 'POST', url: `${URL}/${id}/complete`, payload: {} });
    expect(open.statusCode).toBe(409);
    expect(open.json().error.details[0].rule).toBe('incident_open');
    // Claims is back two hours after the start, as its owner reports on the board.
    const since = new Date(Date.parse(incident.start) + 2 * HOUR).toISOString();
    const operating = await t.request({
      method: 'PUT',
      url: `/api/orgs/${ORG}/incidents/${started.incident}/activities/claims`,
      payload: { status: 'operating', since },
      as: crisis.session,
    });
    expect(operating.statusCode, operating.body).toBe(200);
    expect(
      (await t.request({ method: 'POST', url: `/api/orgs/${ORG}/incidents/${started.incident}/close`, payload: { at: since }, as: crisis.session })).statusCode,
    ).toBe(200);
    const completed = await t.request({ method: 'POST', url: `${URL}/${id}/complete`, payload: { lessons: [{ text: 'Failover works' }] } });
    expect(completed.statusCode, completed.body).toBe(200);
    expect(completed.json().results.recovery).toEqual([
      { activity: 'claims', name: 'Claims', rto: 24, recoveryHours: 2, rtoMet: true, measuredBy: 'incident' },
    ]);
  });

  it('says which critical activities were not exercised in three years and suggests a programme', async () => {
    const coverage = (await t.request({ method: 'GET', url: `${URL}/coverage`, as: auditor.session })).json();
    expect(coverage.mtpdAtMost).toBe(168);
    expect(coverage.activities.map((line: { activity: string }) => line.activity)).toEqual(['claims', 'payments']);
    // The live test covered claims, the simulation both.
    expect(coverage.uncovered).toEqual([]);
    expect(coverage.kindsUsed).toEqual({ tabletop: 1, simulation: 1, liveTest: 1 });
    expect(
      (await t.request({ method: 'POST', url: `${URL}/${coverage.activities[0].lastExercise}/start`, payload: { at: '2999-01-01T00:00:00Z' } })).statusCode,
    ).toBe(409);
    // Exercises completed over three years ago count for nothing now.
    await t.database.db
      .updateTable('exercises')
      .set({ completed_at: new Date('2020-01-01T00:00:00Z') })
      .where('org_id', '=', ORG)
      .execute();
    const stale = (await t.request({ method: 'GET', url: `${URL}/coverage?mtpdAtMost=100` })).json();
    expect(stale.activities).toEqual([expect.objectContaining({ activity: 'claims', mtpd: 72, covered: false, lastExercised: '2020-01-01T00:00:00.000Z' })]);
    expect(stale.uncovered).toEqual(['claims']);
    expect(stale.kindsUsed).toEqual({});
    expect(stale.suggested).toEqual([
      expect.objectContaining({
        kind: 'simulation',
        activities: ['claims'],
        month: expect.stringMatching(/^\d{4}-\d{2}$/),
        why: expect.stringContaining('last exercised 2020-01-01'),
      }),
    ]);
    const none = (await t.request({ method: 'GET', url: `${URL}/coverage?mtpdAtMost=1` })).json();
    expect(none).toMatchObject({ activities: [], uncovered: [], suggested: [] });
  });

  it('cancels a planned exercise, keeps organisations apart and refuses hostile input', async () => {
    const planned = (
      await t.request({ method: 'POST', url: URL, payload: { title: 'To cancel', kind: 'walkthrough', scheduledAt: '2026-09-01T09:00:00Z' } })
    ).json();
    const future = await t.request({ method: 'POST', url: `${URL}/${planned.id}/start`, payload: { at: '2999-01-01T00:00:00Z' } });
    expect(future.json().error.details[0]).toMatchObject({ path: 'body.at', rule: 'range' });
    const cancelled = await t.request({ method: 'PATCH', url: `${URL}/${planned.id}`, payload: { status: 'cancelled' } });
    expect(cancelled.json().status).toBe('cancelled');
    expect(parseIcs((await t.request({ method: 'GET', url: `${URL}.ics?status=cancelled` })).body)[0].STATUS).toEqual(['CANCELLED']);
    expect((await t.request({ method: 'POST', url: `${URL}/${planned.id}/start` })).statusCode).toBe(409);
    expect((await t.request({ method: 'GET', url: `/api/orgs/ex-other/exercises/${planned.id}` })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/orgs/ex-other/exercises' })).json().total).toBe(0);
    expect((await t.request({ method: 'GET', url: `${URL}.ics`, as: null })).statusCode).toBe(401);
    expect((await t.request({ method: 'PATCH', url: `${URL}/${planned.id}`, payload: { title: 'x' }, as: auditor.session })).statusCode).toBe(403);

    const base = { title: 'x', kind: 'tabletop', scheduledAt: '2026-09-01T09:00:00Z' };
    const cases: Array<[unknown, string, string]> = [
      [{ ...base, title: 'x'.repeat(201) }, 'body.title', 'too_big'],
      [{ ...base, title: 'a\u0000b' }, 'body.title', 'invalid_text'],
      [{ ...base, kind: 'party' }, 'body.kind', 'invalid_value'],
      [{ ...base, scheduledAt: 'tomorrow' }, 'body.scheduledAt', 'format'],
      [{ ...base, durationMinutes: 0 }, 'body.durationMinutes', 'too_small'],
      [{ ...base, injects: [{ id: 'a', at: -1, message: 'm' }] }, 'body.injects[0].at', 'too_small'],
      [{ ...base, participants: Array.from({ length: 501 }, () => ({ name: 'p' })) }, 'body.participants', 'too_big'],
      [{ ...base, extra: true }, 'body', 'unrecognized_keys'],
    ];
    for (const [payload, path, rule] of cases) {
      const response = await t.request({ method: 'POST', url: URL, payload: payload as object });
      expect(response.statusCode, path).toBe(400);
      expect(response.json().error.details[0]).toMatchObject({ path, rule });
    }
    expect((await t.request({ method: 'POST', url: URL, payload: '{"title":', headers: { 'content-type': 'application/json' } })).statusCode).toBe(400);
    expect([400, 413]).toContain((await t.request({ method: 'POST', url: URL, payload: { ...base, description: 'z'.repeat(3_000_000) } })).statusCode);
    for (const query of ['kind=party', 'from=yesterday', 'status=x%00'])
      expect((await t.request({ method: 'GET', url: `${URL}?${query}` })).statusCode, query).toBe(400);
    for (const query of ['mtpdAtMost=0', 'years=11', 'years=abc'])
      expect((await t.request({ method: 'GET', url: `${URL}/coverage?${query}` })).statusCode, query).toBe(400);
    expect((await t.request({ method: 'GET', url: `${URL}/not-a-uuid` })).json().error.details[0].path).toBe('params.exercise');
    expect((await t.request({ method: 'POST', url: `${URL}/${planned.id}/notes`, payload: { text: '' } })).json().error.details[0].path).toBe('body.text');
  });
});
