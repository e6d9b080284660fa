// Results read back as disrupted periods, causes in plain words in both languages, uncertain numbers, disruptions in
// words, the lockdown lesson on the demo organisation, and the CSV of a result.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simulate } from '@shared/engine/simulate.js';
import { OrganisationModel } from '@shared/model/organisation.js';
import { Scenario } from '@shared/model/scenario.js';
import { describe, expect, it } from 'vitest';
import {
  blockedByLockdown,
  causeText,
  convertUncertain,
  describeDisruption,
  disruptedRuns,
  explainCause,
  firstDisruptionHour,
  isUncertain,
  joinList,
  resultCsv,
  timelineRows,
  toCsv,
  uncertainKind,
  uncertainText,
  withParts,
  type NameOf,
  type StoredActivityResult,
  type StoredSimulationResult,
} from './scenarios.js';
import { translator } from './testing.js';
import { whatIf } from './whatif.js';

const activity = (id: string, fields: Partial<StoredActivityResult>): StoredActivityResult => ({
  id,
  disruptedHours: 0,
  longestDisruption: 0,
  firstDisrupted: null,
  recoveredAt: null,
  rtoMet: true,
  mtpdBreached: false,
  binding: [],
  ...fields,
});

describe('disrupted runs', () => {
  it('draws the runs the engine computed (from, to), all exact, whatever their number', () => {
    const binding = [
      { from: 0, to: 4, cause: 'staff' as const },
      { from: 9, to: 100, cause: 'application:crm' as const },
      { from: 120, to: 121, cause: 'staff' as const },
    ];
    expect(disruptedRuns(activity('a', { disruptedHours: 96, longestDisruption: 91, firstDisrupted: 0, recoveredAt: 121, binding }), 200, 72)).toEqual([
      { from: 0, to: 4, exact: true, cause: 'staff', breachAt: null },
      { from: 9, to: 100, exact: true, cause: 'application:crm', breachAt: 81 },
      { from: 120, to: 121, exact: true, cause: 'staff', breachAt: null },
    ]);
  });

  // Results stored before the engine gave runs their end: rebuilt from the totals.
  it('rebuilds one run from its start to its recovery, split where the MTPD runs out', () => {
    const runs = disruptedRuns(
      activity('a', { disruptedHours: 1344, longestDisruption: 1344, firstDisrupted: 0, recoveredAt: 1344, binding: [{ from: 0, cause: 'staff' }] }),
      2160,
      72,
    );
    expect(runs).toEqual([{ from: 0, to: 1344, exact: true, cause: 'staff', breachAt: 72 }]);
  });

  it('runs to the end of the horizon when the activity is still disrupted there', () => {
    expect(disruptedRuns(activity('a', { disruptedHours: 60, firstDisrupted: 100, binding: [{ from: 100, cause: 'application:crm' }] }), 160, 72)).toEqual([
      { from: 100, to: 160, exact: true, cause: 'application:crm', breachAt: null },
    ]);
    expect(disruptedRuns(activity('a', {}), 160, 72)).toEqual([]);
  });

  it('knows both runs exactly when there are two (the first is the rest of the disrupted hours)', () => {
    const runs = disruptedRuns(
      activity('claims-payment', {
        disruptedHours: 703,
        longestDisruption: 433,
        firstDisrupted: 0,
        recoveredAt: 1344,
        mtpdBreached: true,
        binding: [
          { from: 0, cause: 'staff' },
          { from: 1074, cause: 'staff' },
        ],
      }),
      2160,
      72,
    );
    expect(runs.map(({ from, to, exact, breachAt }) => ({ from, to, exact, breachAt }))).toEqual([
      { from: 0, to: 433, exact: true, breachAt: 72 },
      { from: 1074, to: 1344, exact: true, breachAt: 1146 },
    ]);
  });

  it('marks inner runs inexact when three or more runs leave their lengths unknown', () => {
    const runs = disruptedRuns(
      activity('a', {
        disruptedHours: 40,
        longestDisruption: 20,
        firstDisrupted: 0,
        recoveredAt: 210,
        binding: [
          { from: 0, cause: 'staff' },
          { from: 100, cause: 'staff' },
          { from: 200, cause: 'staff' },
        ],
      }),
      300,
      500,
    );
    expect(runs.map((run) => [run.from, run.to, run.exact])).toEqual([
      [0, 100, false],
      [100, 200, false],
      [200, 210, true],
    ]);
  });

  it('knows inner runs that fill their windows', () => {
    const runs = disruptedRuns(
      activity('a', {
        disruptedHours: 12,
        firstDisrupted: 0,
        recoveredAt: 14,
        binding: [
          { from: 0, cause: 'staff' },
          { from: 5, cause: 'staff' },
          { from: 10, cause: 'staff' },
        ],
      }),
      30,
      3,
    );
    expect(runs.map((run) => [run.from, run.to, run.exact, run.breachAt])).toEqual([
      [0, 4, true, 3],
      [5, 9, true, 8],
      [10, 14, true, 13],
    ]);
  });

  it('puts breached activities first (earliest breach first), then disrupted ones, then the rest', () => {
    const result: StoredSimulationResult = {
      breached: 2,
      cost: 0,
      pools: [],
      activities: [
        activity('calm', {}),
        activity('late', {
          disruptedHours: 500,
          longestDisruption: 500,
          firstDisrupted: 0,
          recoveredAt: 500,
          mtpdBreached: true,
          binding: [{ from: 0, cause: 'staff' }],
        }),
        activity('short', { disruptedHours: 10, longestDisruption: 10, firstDisrupted: 5, recoveredAt: 15, binding: [{ from: 5, cause: 'staff' }] }),
        activity('early', {
          disruptedHours: 500,
          longestDisruption: 500,
          firstDisrupted: 0,
          recoveredAt: 500,
          mtpdBreached: true,
          binding: [{ from: 0, cause: 'staff' }],
        }),
      ],
    };
    const rows = timelineRows(
      result,
      [
        { id: 'calm', mtpd: 24, rto: 4 },
        { id: 'late', mtpd: 168, rto: 24 },
        { id: 'short', mtpd: 72, rto: 24 },
        { id: 'early', mtpd: 72, rto: 24 },
      ],
      2160,
    );
    expect(rows.map((row) => [row.id, row.breachAt])).toEqual([
      ['early', 72],
      ['late', 168],
      ['short', null],
      ['calm', null],
    ]);
  });
});

// A small organisation: the call centre works from Lyon through the VPN; payments need the bank and the ledger.
const model = OrganisationModel.parse({
  organisation: { id: 'o', name: 'O' },
  sites: [{ id: 'lyon', name: 'Lyon' }],
  pools: [{ id: 'vpn', name: 'Corporate VPN', kind: 'vpn', capacity: 10 }],
  applications: [{ id: 'ledger', name: 'General ledger', rto: 72 }],
  suppliers: [{ id: 'bank', name: 'Clearing bank' }],
  activities: [
    { id: 'calls', name: 'Call centre', mtpd: 24, rto: 4, mbco: 0.5, staff: [{ site: 'lyon', headcount: 100, remote: 1, access: ['vpn'] }] },
    { id: 'payments', name: 'Payments', mtpd: 72, rto: 24, mbco: 0.5, applications: ['ledger'], suppliers: ['bank'], dependsOn: ['calls'] },
  ],
  strategies: [
    { id: 'fallback', name: 'Fallback site', leadTime: 4, cost: { fixed: 1000, perDay: 10 }, effect: { type: 'alternateSite', seats: 100, sites: ['lyon'] } },
    { id: 'more-vpn', name: 'More VPN', leadTime: 0, cost: { fixed: 500, perDay: 1 }, effect: { type: 'poolCapacity', pool: 'vpn', amount: 100 } },
  ],
});
const lockdown = Scenario.parse({
  id: 'lock',
  horizon: 200,
  disruptions: [
    { type: 'lockdown', from: 0, to: 100 },
    { type: 'absenteeism', from: 0, rate: { uniform: [0.1, 0.3] } },
  ],
});
const names: Record<string, string> = {
  calls: 'Call centre',
  payments: 'Payments',
  vpn: 'Corporate VPN',
  ledger: 'General ledger',
  bank: 'Clearing bank',
  lyon: 'Lyon',
  fallback: 'Fallback site',
  'more-vpn': 'More VPN',
};
const name: NameOf = (_collection, id) => names[id] ?? id;

describe('causes in plain words', () => {
  const result = simulate(model, lockdown);

  it('finds the full remote-access pool, the lockdown and the absence behind a staff shortfall', () => {
    const calls = result.activities.find((item) => item.id === 'calls')!;
    expect(calls.binding[0]).toEqual({ from: 0, to: 100, cause: 'staff' });
    const cause = explainCause('calls', calls.binding[0], { model, scenario: lockdown, result });
    expect(cause).toMatchObject({ kind: 'staff', siteClosed: true, lockdown: true, cannotWorkRemotely: false, absence: 0.2 });
    expect(cause.kind === 'staff' && cause.fullPools.map((pool) => pool.id)).toEqual(['vpn']);
  });

  it.each([
    ['en', 'Staff: not enough people can work — Corporate VPN (10 places for 80 people) is full; 20% of the staff absent'],
    ['fr', 'Personnel : pas assez de personnes peuvent travailler — Corporate VPN (10 places pour 80 personnes) est saturé ; 20 % du personnel absent'],
  ] as const)('words a staff cause in %s', async (language, text) => {
    const { t, format } = await translator(language);
    const calls = result.activities.find((item) => item.id === 'calls')!;
    expect(causeText(explainCause('calls', calls.binding[0], { model, scenario: lockdown, result }), t, format, name).replace(/\u202f|\u00a0/g, ' ')).toBe(
      text,
    );
  });

  it.each(['en', 'fr'] as const)('words every other cause in %s, with names', async (language) => {
    const { t, format } = await translator(language);
    const context = { model, scenario: lockdown, result };
    const texts = (['application:ledger', 'supplier:bank', 'upstream:calls'] as const).map((cause) =>
      causeText(explainCause('payments', { from: 0, cause }, context), t, format, name),
    );
    expect(texts[0]).toContain('General ledger');
    expect(texts[1]).toContain('Clearing bank');
    expect(texts[2]).toContain('Call centre');
    for (const text of texts) expect(text).not.toMatch(/\{\{|causes\./);
  });

  it('says when staff at a closed site cannot work remotely at all', async () => {
    const { t, format } = await translator('en');
    const noRemote = OrganisationModel.parse({
      ...model,
      activities: [{ ...model.activities[0], staff: [{ site: 'lyon', headcount: 10, remote: 0, access: [] }] }],
      strategies: [],
    });
    const closed = Scenario.parse({ horizon: 100, disruptions: [{ type: 'siteUnavailable', site: 'lyon', from: 0, to: 50 }] });
    const cause = explainCause('calls', { from: 0, cause: 'staff' }, { model: noRemote, scenario: closed, result: simulate(noRemote, closed) });
    expect(causeText(cause, t, format, name)).toBe('Staff: not enough people can work — the site is closed and some staff cannot work remotely');
  });
});

describe('uncertain numbers', () => {
  it('changes kind around the same mean', () => {
    expect(uncertainKind(72)).toBe('fixed');
    expect(convertUncertain(100, 'uniform')).toEqual({ uniform: [75, 125] });
    expect(convertUncertain({ uniform: [75, 125] }, 'triangular')).toEqual({ triangular: [75, 100, 125] });
    expect(convertUncertain({ triangular: [0, 3, 6] }, 'fixed')).toBe(3);
    expect(withParts('choice', [])).toEqual({ choice: [0] });
    expect(isUncertain(lockdown)).toBe(true);
    expect(isUncertain({ disruptions: [{ type: 'lockdown', from: 0 }] })).toBe(false);
    expect(
      firstDisruptionHour({
        disruptions: [
          { type: 'lockdown', from: { uniform: [10, 20] } },
          { type: 'lockdown', from: 30 },
        ],
      }),
    ).toBe(15);
  });

  it('reads them out in words', async () => {
    const { t, format } = await translator('en');
    expect(uncertainText(168, 'hours', t, format)).toBe('1 w');
    expect(uncertainText({ uniform: [168, 336] }, 'hours', t, format)).toBe('between 1 w and 2 w');
    expect(uncertainText({ triangular: [0.15, 0.2, 0.3] }, 'share', t, format)).toBe('15% to 30%, most likely 20%');
    expect(uncertainText({ choice: [24, 48, 72] }, 'hours', t, format)).toBe('1 d, 2 d and 3 d');
    expect(joinList(['a'], t)).toBe('a');
  });
});

describe('disruptions in words', () => {
  it.each([
    [
      'en',
      [
        'Lockdown of all sites from the start to 4 d 4 h',
        'Absence of between 10% and 30% of the staff of all sites from the start to the end',
        'General ledger down from 1 d until recovered (RTO 3 d)',
        'Staff of all sites absent along a curve of 4 points peaking at 30% from the start to the end',
      ],
    ],
    [
      'fr',
      [
        'Confinement de tous les sites dès le début jusqu’à 4 j 4 h',
        'Absence de entre 10 % et 30 % du personnel de tous les sites dès le début jusqu’à la fin',
        'General ledger en panne à partir de 1 j jusqu’à sa reprise (RTO 3 j)',
        'Absences du personnel de tous les sites suivant une courbe de 4 points culminant à 30 % dès le début jusqu’à la fin',
      ],
    ],
  ] as const)('in %s', async (language, expected) => {
    const { t, format } = await translator(language);
    const rto = (id: string) => model.applications.find((application) => application.id === id)?.rto;
    const curve = [0.05, 0.3, 0.2, 0.1].map((rate, index) => ({ at: index * 168, rate }));
    const texts = [
      ...lockdown.disruptions,
      { type: 'applicationOutage' as const, application: 'ledger', from: 24 },
      { type: 'absenteeism' as const, from: 0, curve },
    ].map((disruption) => describeDisruption(disruption, t, format, name, rto).replace(/\u202f|\u00a0/g, ' '));
    expect(texts).toEqual(expected);
  });
});

describe('the lockdown lesson', () => {
  it('knows fallback sites cannot help under a lockdown of the sites they serve', () => {
    expect(blockedByLockdown(model.strategies, lockdown)).toEqual(['fallback']);
    expect(blockedByLockdown(model.strategies, { disruptions: [{ type: 'siteUnavailable', site: 'lyon', from: 0 }] })).toEqual([]);
    expect(blockedByLockdown(model.strategies, { disruptions: [{ type: 'lockdown', from: 0, sites: ['lyon'] }] })).toEqual(['fallback']);
    expect(blockedByLockdown(model.strategies, { disruptions: [{ type: 'lockdown', from: 0, sites: ['paris'] }] })).toEqual([]);
  });

  it('shows on the demo organisation: the fallback site alone changes nothing, VPN upgrade and cloud desktops together keep every MTPD', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const demo = OrganisationModel.parse(JSON.parse(readFileSync(`${root}data/demo/organisation.json`, 'utf8')));
    const pandemic = Scenario.parse(JSON.parse(readFileSync(`${root}data/scenarios/pandemic-lockdown.json`, 'utf8')));
    expect(blockedByLockdown(demo.strategies, pandemic)).toEqual(['work-area-recovery']);
    const [nothing, fallback, both] = whatIf(demo, [pandemic], [[], ['work-area-recovery'], ['cloud-desktops', 'vpn-upgrade']]);
    expect(nothing.breached[0]!.length).toBe(16);
    expect(fallback.breached[0]).toEqual(nothing.breached[0]);
    expect(both.breached[0]).toEqual([]);
  });
});

describe('export', () => {
  it('writes CSV with a byte-order mark, quoting what needs it', () => {
    expect(
      toCsv([
        ['a', 'b,c'],
        [1, 'say "hi"'],
        [null, true],
      ]),
    ).toBe('\uFEFFa,"b,c"\r\n1,"say ""hi"""\r\n,true\r\n');
  });

  it('gives one row per activity with hours as numbers and the causes in words', async () => {
    const { t, format } = await translator('en');
    const result = simulate(model, lockdown);
    const rows = timelineRows(result, model.activities, 200);
    const csv = resultCsv(
      rows,
      name,
      (row, index) => causeText(explainCause(row.id, row.result.binding[index], { model, scenario: lockdown, result }), t, format, name),
      t,
    );
    const lines = csv.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe(
      'Activity id,Activity,MTPD (hours),RTO (hours),MTPD breached,MTPD breached at (hour),First disrupted (hour),Longest disruption (hours),Disrupted hours,Recovered at (hour),Causes',
    );
    expect(lines[1]).toMatch(/^calls,Call centre,24,4,yes,24,0,100,100,100,"?Staff: not enough people can work — Corporate VPN/);
  });
});
