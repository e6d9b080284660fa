// Risk scoring and appraisal views, checked against counts made by hand on a six-risk register.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_MATRIX, RiskMatrix, type Risk, type Treatment } from '../model/risk.js';
import {
  aboveAppetiteWithoutTreatment,
  appetiteLimit,
  attention,
  bandOf,
  bandRange,
  computeRisk,
  daysBetween,
  familyLookup,
  heatmap,
  isAnswering,
  notReviewed,
  overdueTreatments,
  rerateRisks,
  riskProblems,
  scoreOf,
  targetRating,
  topRisks,
  type RiskContext,
  type RiskFilter,
} from './risk.js';

const M = DEFAULT_RISK_MATRIX;

function risk(id: string, threat: string, assets: string[], inherent: [number, number], residual: [number, number], extra: Partial<Risk> = {}): Risk {
  return {
    id,
    title: id.toUpperCase(),
    threat,
    assets: assets.map((asset) => ({ type: asset.split(':')[0] as Risk['assets'][number]['type'], id: asset.split(':')[1] })),
    inherent: { likelihood: inherent[0], impact: inherent[1] },
    residual: { likelihood: residual[0], impact: residual[1] },
    treatments: [],
    scenarios: [],
    ...extra,
  };
}

function treatment(id: string, type: Treatment['type'], status: Treatment['status'], due?: string, expectedEffect?: Treatment['expectedEffect']): Treatment {
  return { id, type, status, description: id, ...(due ? { due } : {}), ...(expectedEffect ? { expectedEffect } : {}) };
}

/**
 * The register every count below is made from (default 5 × 5 matrix, appetite "medium": treatment required from 10).
 *
 * | id | family      | assets                      | inherent | residual | treatments                                  | review     |
 * |----|-------------|-----------------------------|----------|----------|---------------------------------------------|------------|
 * | a  | health      | site:paris, activity:cs     | 4×5=20   | 3×4=12   | planned, due 2026-10-01, effect L2          |            |
 * | b  | technology  | application:crm             | 4×5=20   | 3×5=15   | done                                        |            |
 * | c  | sites       | site:paris                  | 2×4=8    | 2×3=6    |                                             | 2026-06-30 |
 * | d  | people      | site:lyon, activity:cs      | 4×2=8    | 4×2=8    | accept, done                                | 2027-01-01 |
 * | e  | environment | site:lyon, supplier:telco   | 4×4=16   | 3×4=12   | in progress due 2026-11-15; cancelled; planned | 2026-11-28 |
 * | f  | health      | pool:vpn                    | 3×5=15   | 3×4=12   | accept, cancelled                           |            |
 */
const REGISTER: Risk[] = [
  risk('a', 'pandemic', ['site:paris', 'activity:cs'], [4, 5], [3, 4], { treatments: [treatment('a1', 'reduce', 'planned', '2026-10-01', { likelihood: 2 })] }),
  risk('b', 'ransomware', ['application:crm'], [4, 5], [3, 5], { treatments: [treatment('b1', 'reduce', 'done', '2026-01-01')] }),
  risk('c', 'fire', ['site:paris'], [2, 4], [2, 3], { reviewDate: '2026-06-30' }),
  risk('d', 'strike', ['site:lyon', 'activity:cs'], [4, 2], [4, 2], { treatments: [treatment('d1', 'accept', 'done')], reviewDate: '2027-01-01' }),
  risk('e', 'storm', ['site:lyon', 'supplier:telco'], [4, 4], [3, 4], {
    treatments: [
      treatment('e1', 'reduce', 'in-progress', '2026-11-15'),
      treatment('e2', 'reduce', 'cancelled', '2026-01-01'),
      treatment('e3', 'transfer', 'planned'),
    ],
    reviewDate: '2026-11-28',
  }),
  risk('f', 'pandemic', ['pool:vpn'], [3, 5], [3, 4], { treatments: [treatment('f1', 'accept', 'cancelled')] }),
];

const FAMILY_OF = familyLookup([
  { id: 'pandemic', family: 'health' },
  { id: 'ransomware', family: 'technology' },
  { id: 'fire', family: 'sites' },
  { id: 'strike', family: 'people' },
  { id: 'storm', family: 'environment' },
]);
const TODAY = '2026-11-29';

const FOUR_BY_FOUR = RiskMatrix.parse({
  likelihood: [1, 2, 3, 4].map((value) => ({ value, label: `L${value}` })),
  impact: [1, 2, 3, 4].map((value) => ({ value, label: `I${value}` })),
  bands: [
    { id: 'low', label: 'Low', colour: '#2e7d32', min: 1 },
    { id: 'medium', label: 'Medium', colour: '#f9a825', min: 4 },
    { id: 'high', label: 'High', colour: '#ef6c00', min: 8 },
    { id: 'critical', label: 'Critical', colour: '#c62828', min: 12 },
  ],
  appetite: 'medium',
});

describe('scores and bands', () => {
  it.each([
    [1, 1, 1, 'low'],
    [2, 2, 4, 'low'],
    [1, 5, 5, 'medium'],
    [3, 3, 9, 'medium'],
    [2, 5, 10, 'high'],
    [4, 4, 16, 'high'],
    [5, 4, 20, 'critical'],
    [5, 5, 25, 'critical'],
  ])('likelihood %i × impact %i = %i, band %s', (likelihood, impact, score, band) => {
    expect(scoreOf({ likelihood, impact })).toBe(score);
    expect(bandOf(M, score).id).toBe(band);
  });

  it.each([
    ['low', [1, 4]],
    ['medium', [5, 9]],
    ['high', [10, 16]],
    ['critical', [17, 25]],
    ['nope', undefined],
  ])('band %s covers scores %j', (band, range) => {
    expect(bandRange(M, band)).toEqual(range);
  });

  it.each([
    ['low', 5],
    ['medium', 10],
    ['high', 17],
    ['critical', Number.POSITIVE_INFINITY],
  ])('with appetite %s, treatment is required from score %s', (appetite, limit) => {
    expect(appetiteLimit({ ...M, appetite })).toBe(limit);
  });

  it.each([
    ['reduce', 'planned', true],
    ['reduce', 'in-progress', true],
    ['reduce', 'done', false],
    ['reduce', 'cancelled', false],
    ['accept', 'done', true],
    ['accept', 'cancelled', false],
    ['transfer', 'planned', true],
  ] as const)('a %s treatment %s answers a risk: %s', (type, status, answers) => {
    expect(isAnswering(treatment('t', type, status))).toBe(answers);
  });

  it.each([
    ['a: planned effect on likelihood', REGISTER[0], { likelihood: 2, impact: 4 }],
    ['b: done treatments have no further effect', REGISTER[1], { likelihood: 3, impact: 5 }],
    [
      'lowest expected level wins, cancelled ignored',
      risk('x', 't', [], [5, 5], [4, 4], {
        treatments: [
          treatment('1', 'reduce', 'planned', undefined, { impact: 3 }),
          treatment('2', 'reduce', 'in-progress', undefined, { impact: 2, likelihood: 3 }),
          treatment('3', 'reduce', 'cancelled', undefined, { likelihood: 1 }),
        ],
      }),
      { likelihood: 3, impact: 2 },
    ],
    [
      'an effect above the residual does not raise it',
      risk('y', 't', [], [3, 3], [2, 2], { treatments: [treatment('1', 'reduce', 'planned', undefined, { impact: 3 })] }),
      { likelihood: 2, impact: 2 },
    ],
  ])('target rating: %s', (_name, subject, target) => {
    expect(targetRating(subject)).toEqual(target);
  });

  it('computes everything shown next to a risk', () => {
    expect(computeRisk(M, REGISTER[1], FAMILY_OF)).toEqual({
      family: 'technology',
      inherent: { likelihood: 4, impact: 5, score: 20, band: 'critical' },
      residual: { likelihood: 3, impact: 5, score: 15, band: 'high' },
      target: { likelihood: 3, impact: 5, score: 15, band: 'high' },
      aboveAppetite: true,
      treatmentRequired: true,
    });
    expect(computeRisk(M, REGISTER[0], FAMILY_OF)).toMatchObject({ aboveAppetite: true, treatmentRequired: false, target: { score: 8, band: 'medium' } });
    expect(computeRisk(M, REGISTER[2], FAMILY_OF)).toMatchObject({ aboveAppetite: false, treatmentRequired: false });
    expect(computeRisk(M, risk('z', 'unknown', [], [1, 1], [1, 1]), FAMILY_OF).family).toBeNull();
  });
});

describe('heat map', () => {
  const count = (map: ReturnType<typeof heatmap>) =>
    Object.fromEntries(map.cells.filter((cell) => cell.count > 0).map((cell) => [`${cell.likelihood}x${cell.impact}`, cell.risks.join(',')]));

  it.each<[string, 'inherent' | 'residual', RiskFilter, Record<string, string>, Record<string, number>]>([
    ['residual, everything', 'residual', {}, { '3x5': 'b', '4x2': 'd', '3x4': 'a,e,f', '2x3': 'c' }, { low: 0, medium: 2, high: 4, critical: 0 }],
    ['inherent, everything', 'inherent', {}, { '4x2': 'd', '4x4': 'e', '4x5': 'a,b', '3x5': 'f', '2x4': 'c' }, { low: 0, medium: 2, high: 2, critical: 2 }],
    ['residual, family health', 'residual', { family: 'health' }, { '3x4': 'a,f' }, { low: 0, medium: 0, high: 2, critical: 0 }],
    ['residual, any site', 'residual', { assetType: 'site' }, { '4x2': 'd', '3x4': 'a,e', '2x3': 'c' }, { low: 0, medium: 2, high: 2, critical: 0 }],
    ['residual, asset id paris (any type)', 'residual', { assetId: 'paris' }, { '3x4': 'a', '2x3': 'c' }, { low: 0, medium: 1, high: 1, critical: 0 }],
    ['inherent, site lyon', 'inherent', { assetType: 'site', assetId: 'lyon' }, { '4x2': 'd', '4x4': 'e' }, { low: 0, medium: 1, high: 1, critical: 0 }],
    [
      'residual, activities of the people family',
      'residual',
      { assetType: 'activity', family: 'people' },
      { '4x2': 'd' },
      { low: 0, medium: 1, high: 0, critical: 0 },
    ],
    [
      'residual, applications of the health family: none',
      'residual',
      { assetType: 'application', family: 'health' },
      {},
      { low: 0, medium: 0, high: 0, critical: 0 },
    ],
    ['residual, an id of the wrong type', 'residual', { assetType: 'pool', assetId: 'paris' }, {}, { low: 0, medium: 0, high: 0, critical: 0 }],
  ])('%s', (_name, rating, filter, cells, bands) => {
    const map = heatmap(M, REGISTER, rating, filter, FAMILY_OF);
    expect(count(map)).toEqual(cells);
    expect(map.bands).toEqual(bands);
    expect(map.total).toBe(Object.values(cells).reduce((sum, ids) => sum + ids.split(',').length, 0));
  });

  it('lists every cell, highest likelihood first, with its score and band', () => {
    const map = heatmap(M, [], 'residual');
    expect(map.cells).toHaveLength(25);
    expect(map.cells[0]).toEqual({ likelihood: 5, impact: 1, score: 5, band: 'medium', count: 0, risks: [] });
    expect(map.cells[24]).toEqual({ likelihood: 1, impact: 5, score: 5, band: 'medium', count: 0, risks: [] });
    expect(map.cells.find((cell) => cell.likelihood === 5 && cell.impact === 5)!.band).toBe('critical');
  });
});

describe('attention lists', () => {
  it('orders top risks by residual score, then inherent score, then id', () => {
    expect(topRisks(REGISTER, 10).map((r) => r.id)).toEqual(['b', 'a', 'e', 'f', 'd', 'c']);
    expect(topRisks(REGISTER, 2).map((r) => r.id)).toEqual(['b', 'a']);
  });

  it('finds risks above appetite that nothing answers', () => {
    // a (planned) and e (in progress) are answered; b's only treatment is done, f's acceptance was cancelled.
    expect(aboveAppetiteWithoutTreatment(M, REGISTER).map((r) => r.id)).toEqual(['b', 'f']);
    expect(aboveAppetiteWithoutTreatment({ ...M, appetite: 'high' }, REGISTER)).toEqual([]);
    // With appetite "low", c (6) and d (8) are above it too; d's acceptance answers it.
    expect(aboveAppetiteWithoutTreatment({ ...M, appetite: 'low' }, REGISTER).map((r) => r.id)).toEqual(['b', 'f', 'c']);
  });

  it.each([
    [
      '2026-11-29',
      [
        ['a', 'a1', 59],
        ['e', 'e1', 14],
      ],
    ],
    ['2026-11-15', [['a', 'a1', 45]]],
    ['2026-10-01', []],
    ['2026-10-02', [['a', 'a1', 1]]],
  ])('overdue treatments on %s', (today, expected) => {
    expect(overdueTreatments(REGISTER, today).map((o) => [o.risk, o.treatment.id, o.daysOverdue])).toEqual(expected);
  });

  it.each([
    [
      '2026-11-29',
      [
        ['c', 152],
        ['e', 1],
      ],
    ],
    ['2026-06-30', []],
    [
      '2027-01-02',
      [
        ['c', 186],
        ['e', 35],
        ['d', 1],
      ],
    ],
  ])('risks not reviewed on %s', (today, expected) => {
    expect(notReviewed(REGISTER, today).map((o) => [o.risk, o.daysOverdue])).toEqual(expected);
  });

  it('gathers the four lists', () => {
    const found = attention(M, REGISTER, TODAY, 3);
    expect(found.top.map((r) => r.id)).toEqual(['b', 'a', 'e']);
    expect(found.aboveAppetiteWithoutTreatment.map((r) => r.id)).toEqual(['b', 'f']);
    expect(found.overdueTreatments).toHaveLength(2);
    expect(found.notReviewed).toHaveLength(2);
  });

  it.each([
    ['2026-11-28', '2026-11-29', 1],
    ['2026-02-28', '2026-03-01', 1],
    ['2024-02-28', '2024-03-01', 2],
    ['2026-12-31', '2026-01-01', -364],
  ])('days from %s to %s: %i', (from, to, days) => {
    expect(daysBetween(from, to)).toBe(days);
  });
});

describe('checks against the organisation', () => {
  const context: RiskContext = {
    matrix: FOUR_BY_FOUR,
    threats: new Set(['pandemic']),
    assets: { site: new Set(['paris']), activity: new Set(['cs']), application: new Set(), supplier: new Set(), pool: new Set(['vpn']) },
    scenarios: new Set(['pandemic-lockdown']),
  };
  const ok = risk('ok', 'pandemic', ['site:paris', 'pool:vpn'], [4, 4], [3, 2], {
    scenarios: ['pandemic-lockdown'],
    treatments: [treatment('t', 'reduce', 'planned', undefined, { impact: 1 })],
  });

  it.each<[string, Risk, Array<[string, string, unknown]>]>([
    ['a clean risk', ok, []],
    ['a reserved id', { ...ok, id: 'heatmap' }, [['id', 'reserved_id', 'heatmap']]],
    ['an unknown threat', { ...ok, threat: 'meteor' }, [['threat', 'unknown_reference', 'meteor']]],
    [
      'an unknown asset, and one listed twice',
      risk('x', 'pandemic', ['site:lyon', 'site:paris', 'site:paris'], [1, 1], [1, 1]),
      [
        ['assets[0].id', 'unknown_reference', 'lyon'],
        ['assets[2]', 'duplicate', 'site:paris'],
      ],
    ],
    ['an asset of the wrong type', risk('x', 'pandemic', ['application:paris'], [1, 1], [1, 1]), [['assets[0].id', 'unknown_reference', 'paris']]],
    [
      'levels the matrix lacks',
      risk('x', 'pandemic', [], [5, 4], [4, 5], { treatments: [treatment('t', 'reduce', 'planned', undefined, { likelihood: 5 })] }),
      [
        ['inherent.likelihood', 'not_in_matrix', 5],
        ['residual.impact', 'not_in_matrix', 5],
        ['treatments[0].expectedEffect.likelihood', 'not_in_matrix', 5],
      ],
    ],
    [
      'treatment ids used twice',
      { ...ok, treatments: [treatment('t', 'reduce', 'planned'), treatment('t', 'avoid', 'done')] },
      [['treatments[1].id', 'duplicate_id', 't']],
    ],
    ['an unknown scenario', { ...ok, scenarios: ['pandemic-lockdown', 'alien-invasion'] }, [['scenarios[1]', 'unknown_reference', 'alien-invasion']]],
  ])('%s', (_name, subject, expected) => {
    expect(riskProblems(subject, context).map((p) => [p.path, p.rule, p.value])).toEqual(expected);
  });
});

describe('matrix changes', () => {
  it('refuses a 5 × 5 → 4 × 4 change without a mapping, naming each risk and level', () => {
    const result = rerateRisks(M, FOUR_BY_FOUR, undefined, REGISTER);
    expect(result.removedLevels.map((p) => [p.path, p.value])).toEqual([
      ['risks.a.inherent.impact', 5],
      ['risks.b.inherent.impact', 5],
      ['risks.b.residual.impact', 5],
      ['risks.f.inherent.impact', 5],
    ]);
    expect(result.removedLevels[0].message).toContain('(Severe)');
    expect(result.mappingProblems).toEqual([]);
  });

  it('moves ratings along an explicit mapping and keeps the other levels', () => {
    const result = rerateRisks(M, FOUR_BY_FOUR, { likelihood: { '5': 4 }, impact: { '5': 4 } }, REGISTER);
    expect(result.removedLevels).toEqual([]);
    expect(result.rerated).toEqual(['a', 'b', 'f']);
    const byId = Object.fromEntries(result.risks.map((r) => [r.id, [r.inherent, r.residual]]));
    expect(byId.a).toEqual([
      { likelihood: 4, impact: 4 },
      { likelihood: 3, impact: 4 },
    ]);
    expect(byId.b).toEqual([
      { likelihood: 4, impact: 4 },
      { likelihood: 3, impact: 4 },
    ]);
    expect(byId.f).toEqual([
      { likelihood: 3, impact: 4 },
      { likelihood: 3, impact: 4 },
    ]);
    // Untouched risks are the same objects: nothing to write for them.
    expect(result.risks[2]).toBe(REGISTER[2]);
    // In the 4 × 4 matrix, b's residual 3 × 4 = 12 is critical.
    expect(heatmap(FOUR_BY_FOUR, result.risks, 'residual').bands).toEqual({ low: 0, medium: 1, high: 1, critical: 4 });
  });

  it('moves the expected effects of treatments too', () => {
    const subject = risk('x', 'pandemic', [], [5, 5], [5, 5], { treatments: [treatment('t', 'reduce', 'planned', undefined, { likelihood: 5, impact: 2 })] });
    const result = rerateRisks(M, FOUR_BY_FOUR, { likelihood: { '5': 4, '4': 3 }, impact: { '5': 4 } }, [subject]);
    expect(result.risks[0].treatments[0].expectedEffect).toEqual({ likelihood: 4, impact: 2 });
  });

  it('reports mapping entries for levels the current matrix lacks', () => {
    const result = rerateRisks(FOUR_BY_FOUR, M, { likelihood: { '5': 5 } }, []);
    expect(result.mappingProblems.map((p) => [p.path, p.rule])).toEqual([['mapping.likelihood.5', 'unknown_level']]);
  });
});

describe('properties', () => {
  const level = fc.integer({ min: 1, max: 5 });
  const arbitraryRisk = fc.record({
    id: fc.stringMatching(/^[a-z]{1,6}$/),
    threat: fc.constantFrom('pandemic', 'fire', 'storm'),
    asset: fc.constantFrom('site:paris', 'site:lyon', 'pool:vpn'),
    inherent: fc.tuple(level, level),
    residual: fc.tuple(level, level),
  });
  const register = fc
    .array(arbitraryRisk, { maxLength: 40 })
    .map((items) => items.map((r, index) => risk(`${r.id}${index}`, r.threat, [r.asset], r.inherent, r.residual)));

  it('every risk that passes the filter is counted once, in a cell and in a band', () => {
    fc.assert(
      fc.property(
        register,
        fc.constantFrom<'inherent' | 'residual'>('inherent', 'residual'),
        fc.constantFrom<RiskFilter>({}, { assetType: 'site' }, { assetId: 'vpn' }),
        (risks, rating, filter) => {
          const map = heatmap(M, risks, rating, filter);
          const expected = risks.filter((r) =>
            r.assets.some((a) => (filter.assetType ? a.type === filter.assetType : true) && (filter.assetId ? a.id === filter.assetId : true)),
          ).length;
          expect(map.total).toBe(expected);
          expect(map.cells.reduce((sum, cell) => sum + cell.count, 0)).toBe(expected);
          expect(Object.values(map.bands).reduce((sum, n) => sum + n, 0)).toBe(expected);
        },
      ),
    );
  });

  it('a higher score never falls in a lower band', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 25 }), fc.integer({ min: 1, max: 25 }), (s, t) => {
        const rank = (score: number) => M.bands.indexOf(bandOf(M, score));
        if (s <= t) expect(rank(s)).toBeLessThanOrEqual(rank(t));
      }),
    );
  });

  it('top risks come in non-increasing residual score', () => {
    fc.assert(
      fc.property(register, (risks) => {
        const scores = topRisks(risks, risks.length).map((r) => scoreOf(r.residual));
        for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThanOrEqual(scores[i - 1]);
      }),
    );
  });

  it('keeping the matrix moves nothing', () => {
    fc.assert(
      fc.property(register, (risks) => {
        const result = rerateRisks(M, M, undefined, risks);
        expect(result.rerated).toEqual([]);
        expect(result.removedLevels).toEqual([]);
        result.risks.forEach((r, index) => expect(r).toBe(risks[index]));
      }),
    );
  });
});
