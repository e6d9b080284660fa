// The projection "if this lasts" runs from the incident's real state: each site, application and supplier down from
// when it went down (replayed from the crisis log), and the board's word on the activities it follows (stopped or
// degraded since when, or operating again), on a real database over HTTP; plus the replay itself, table-driven.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/operations/demo.js';
import { downSince } from '../../src/operations/incidents.js';
import { startTestApp, type TestApp, type TestUser } from '../support/app.js';

const HOUR = 3_600_000;
let t: TestApp;
let crisis: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  await loadDemo(t.database.db, 'demo');
  await t.join('demo');
  crisis = await t.createUser('crisis@demo.example', { org: 'demo', role: 'crisisTeam', displayName: 'Cyril Crisis' });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

interface ProjectionLine {
  activity: string;
  mtpd: number;
  breaches: boolean;
  breachAt: string | null;
  firstDisrupted: string | null;
  recoveredAt: string | null;
}
interface ProjectionBody {
  horizonHours: number;
  disruptions: Array<{ type: string; id: string; from: string }>;
  activities: ProjectionLine[];
}

describe('downSince', () => {
  const start = new Date('2026-12-05T00:00:00Z');
  const at = (hours: number) => new Date(start.getTime() + hours * HOUR);
  const declaration = (lists: object) => ({ at: at(0.1), kind: 'declaration' as const, data: { title: 'x', ...lists } });
  const update = (hours: number, after: object) => ({ at: at(hours), kind: 'update' as const, data: { before: {}, after } });

  it.each([
    ['declared items count from the start', { sites: ['lyon'] }, [declaration({ sites: ['lyon'] })], { sites: [['lyon', 0]] }],
    [
      'an item added later counts from its change, the others keep theirs',
      { sites: ['lyon', 'paris'] },
      [declaration({ sites: ['lyon'] }), update(3, { sites: ['lyon', 'paris'] })],
      {
        sites: [
          ['lyon', 0],
          ['paris', 3],
        ],
      },
    ],
    [
      'an item removed and added again counts from its return',
      { applications: ['crm'] },
      [declaration({ applications: ['crm'] }), update(2, { applications: [] }), update(5, { applications: ['crm'] })],
      { applications: [['crm', 5]] },
    ],
    [
      'a change of other fields leaves the lists alone',
      { suppliers: ['telco'] },
      [declaration({ suppliers: ['telco'] }), update(4, { severity: 'critical' })],
      { suppliers: [['telco', 0]] },
    ],
    ['an item the log does not explain counts from the start', { sites: ['lyon'] }, [], { sites: [['lyon', 0]] }],
  ])('%s', (_name, lists, log, expected) => {
    const incident = { start, sites: [], applications: [], suppliers: [], ...lists };
    const result = downSince(incident, log);
    for (const field of ['sites', 'applications', 'suppliers'] as const) {
      const wanted = (expected as unknown as Record<string, Array<[string, number]>>)[field] ?? [];
      expect([...result[field]].map(([id, date]) => [id, (date.getTime() - start.getTime()) / HOUR])).toEqual(wanted);
    }
  });
});

describe('the projection from the live state', () => {
  let id = '';
  const projection = async () => {
    const response = await t.request({ method: 'GET', url: `/api/orgs/demo/incidents/${id}/projection`, as: crisis.session });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as ProjectionBody;
  };
  const line = (body: ProjectionBody, activity: string) => body.activities.find((item) => item.activity === activity)!;

  it('counts each outage from when it began, not from the incident’s start', async () => {
    const start = Date.now() - 10 * HOUR;
    const declared = await t.request({
      method: 'POST',
      url: '/api/orgs/demo/incidents',
      payload: { title: 'Lyon outage', severity: 'major', start: new Date(start).toISOString(), sites: ['lyon'], activities: ['payroll'] },
      as: crisis.session,
    });
    expect(declared.statusCode, declared.body).toBe(201);
    id = declared.json().id;
    const before = Date.now();
    const changed = await t.request({
      method: 'PATCH',
      url: `/api/orgs/demo/incidents/${id}`,
      payload: { applications: ['telephony-acd'] },
      as: crisis.session,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const body = await projection();
    const from = Object.fromEntries(body.disruptions.map((item) => [`${item.type}:${item.id}`, Date.parse(item.from)]));
    expect(from['siteUnavailable:lyon']).toBe(start);
    expect(from['applicationOutage:telephony-acd']).toBeGreaterThanOrEqual(before - 1000);
    expect(from['applicationOutage:telephony-acd']).toBeLessThanOrEqual(Date.now());
    // Payroll, stopped on the board since the start: its MTPD (a week) runs out a week after the start.
    expect(from['activityStopped:payroll']).toBe(start);
    expect(line(body, 'payroll')).toMatchObject({ breaches: true, breachAt: new Date(start + 168 * HOUR).toISOString(), recoveredAt: null });
  });

  it('follows the board: a degraded activity breaches from the start of its disruption, an operating one holds', async () => {
    // Claims hotline: in Lyon (down), added to the board, then marked operating (a workaround holds).
    await t.request({ method: 'PATCH', url: `/api/orgs/demo/incidents/${id}`, payload: { activities: ['payroll', 'claims-fnol'] }, as: crisis.session });
    const unaided = line(await projection(), 'claims-fnol');
    expect(unaided.breaches).toBe(true);
    const operating = await t.request({
      method: 'PUT',
      url: `/api/orgs/demo/incidents/${id}/activities/claims-fnol`,
      payload: { status: 'operating' },
      as: crisis.session,
    });
    expect(operating.statusCode, operating.body).toBe(200);
    // Payroll back to operating, then degraded again an hour ago: a new disruption, its clock restarted.
    await t.request({ method: 'PUT', url: `/api/orgs/demo/incidents/${id}/activities/payroll`, payload: { status: 'operating' }, as: crisis.session });
    const degradedSince = new Date(Math.floor((Date.now() - HOUR) / 1000) * 1000);
    const degraded = await t.request({
      method: 'PUT',
      url: `/api/orgs/demo/incidents/${id}/activities/payroll`,
      payload: { status: 'degraded', since: degradedSince.toISOString() },
      as: crisis.session,
    });
    expect(degraded.statusCode, degraded.body).toBe(200);
    const body = await projection();
    expect(line(body, 'claims-fnol')).toMatchObject({ breaches: false, breachAt: null });
    expect(line(body, 'claims-fnol').recoveredAt).not.toBeNull();
    expect(line(body, 'payroll')).toMatchObject({ breaches: true, breachAt: new Date(degradedSince.getTime() + 168 * HOUR).toISOString(), recoveredAt: null });
    expect(body.disruptions.find((item) => item.id === 'payroll')).toEqual({ type: 'activityDegraded', id: 'payroll', from: degradedSince.toISOString() });
    expect(body.disruptions.some((item) => item.id === 'claims-fnol')).toBe(false);
  });

  it('refuses a bad horizon naming it, and an unknown incident', async () => {
    for (const horizon of ['abc', '1', '99999', '-5', 'x'.repeat(5000)]) {
      const response = await t.request({ method: 'GET', url: `/api/orgs/demo/incidents/${id}/projection?horizon=${horizon}`, as: crisis.session });
      expect(response.statusCode, horizon).toBe(400);
      expect(response.json().error.details[0].path).toMatch(/horizon/);
    }
    const unknown = await t.request({ method: 'GET', url: '/api/orgs/demo/incidents/00000000-0000-4000-8000-000000000000/projection', as: crisis.session });
    expect(unknown.statusCode).toBe(404);
    const hostile = await t.request({ method: 'GET', url: `/api/orgs/demo/incidents/${encodeURIComponent("1' or 1=1 --")}/projection`, as: crisis.session });
    expect(hostile.statusCode).toBe(400);
  });
});
