// Impact criteria and the cost of downtime (issue 15): what the schemas refuse, with field, rule and value.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Activity, BiaSettings, DEFAULT_BIA, OrganisationModel } from './organisation.js';
import { problemsFromZod } from './problem.js';

function problems(schema: typeof Activity | typeof BiaSettings, input: unknown) {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return [];
  return problemsFromZod(result.error, input).map(({ path, rule, value }) => ({ path, rule, value }));
}

describe('the cost of downtime per hour of an activity', () => {
  const activity = { id: 'a', name: 'A', mtpd: 24, rto: 4, mbco: 0.5 };

  it('is optional, and a non-negative amount', () => {
    expect(problems(Activity, activity)).toEqual([]);
    expect(problems(Activity, { ...activity, downtimeCostPerHour: 0 })).toEqual([]);
    expect(Activity.parse({ ...activity, downtimeCostPerHour: 12_500.5 }).downtimeCostPerHour).toBe(12_500.5);
  });

  it.each([
    ['a negative amount', -1, 'too_small'],
    ['text', '100', 'invalid_type'],
    ['infinity', Infinity, 'invalid_type'],
  ])('refuses %s', (_what, value, rule) => {
    expect(problems(Activity, { ...activity, downtimeCostPerHour: value })).toEqual([{ path: 'downtimeCostPerHour', rule, value }]);
  });
});

describe('impact criteria of the BIA settings', () => {
  const settings = (criteria: unknown[], money = true) => ({
    ...DEFAULT_BIA,
    categories: DEFAULT_BIA.categories.map((category) => (category.id === 'financial' ? { ...category, money } : category)),
    criteria,
  });
  const financial = (level: number, threshold?: number) => ({ category: 'financial', level, description: `level ${level}`, threshold });

  it('the default settings have a bilingual meaning for every category and level, and rising financial thresholds', () => {
    expect(problems(BiaSettings, DEFAULT_BIA)).toEqual([]);
    const criteria = DEFAULT_BIA.criteria ?? [];
    expect(criteria).toHaveLength(DEFAULT_BIA.categories.length * DEFAULT_BIA.scale.length);
    for (const criterion of criteria) expect(criterion.descriptions?.fr && criterion.descriptions.en, `${criterion.category} ${criterion.level}`).toBeTruthy();
    expect(criteria.filter((c) => c.category === 'financial').map((c) => c.threshold)).toEqual([0, 10_000, 100_000, 1_000_000, 10_000_000]);
    expect(criteria.filter((c) => c.category !== 'financial' && c.threshold !== undefined)).toEqual([]);
  });

  it('the demo organisation says "financial: level 4 = loss above 1,000,000"', () => {
    const demo = OrganisationModel.parse(JSON.parse(readFileSync(new URL('../../data/demo/organisation.json', import.meta.url), 'utf8')));
    expect(demo.bia?.criteria?.find((c) => c.category === 'financial' && c.level === 4)).toMatchObject({ threshold: 1_000_000 });
    expect(demo.activities.filter((a) => a.downtimeCostPerHour !== undefined).length).toBeGreaterThan(5);
  });

  it('are optional: settings without them stay valid', () => {
    const { criteria: _criteria, ...without } = DEFAULT_BIA;
    expect(problems(BiaSettings, without)).toEqual([]);
  });

  it.each([
    ['an unknown category', [{ category: 'weather', level: 2 }], { path: 'criteria[0].category', rule: 'unknown_reference', value: 'weather' }],
    ['a level not in the scale', [{ category: 'legal', level: 9 }], { path: 'criteria[0].level', rule: 'not_in_scale', value: 9 }],
    [
      'the same category and level twice',
      [
        { category: 'legal', level: 2 },
        { category: 'legal', level: 2 },
      ],
      { path: 'criteria[1].level', rule: 'unique', value: 2 },
    ],
    [
      'a threshold on a category not measured in money',
      [{ category: 'legal', level: 2, threshold: 5 }],
      { path: 'criteria[0].threshold', rule: 'money_category', value: 5 },
    ],
    [
      'thresholds that do not rise with the level',
      [financial(2, 50_000), financial(3, 50_000)],
      { path: 'criteria[1].threshold', rule: 'ascending', value: 50_000 },
    ],
    ['a negative threshold', [financial(2, -1)], { path: 'criteria[0].threshold', rule: 'too_small', value: -1 }],
    [
      'an unknown field',
      [{ category: 'legal', level: 2, colour: 'red' }],
      { path: 'criteria[0]', rule: 'unrecognized_keys', value: { category: 'legal', level: 2, colour: 'red' } },
    ],
  ])('refuses %s', (_what, criteria, expected) => {
    expect(problems(BiaSettings, settings(criteria))).toEqual([expected]);
  });

  it('compares thresholds by level, whatever the order they are listed in', () => {
    expect(problems(BiaSettings, settings([financial(4, 1_000_000), financial(2, 10_000), financial(3)]))).toEqual([]);
    expect(problems(BiaSettings, settings([financial(4, 10_000), financial(2, 1_000_000)]))).toEqual([
      { path: 'criteria[0].threshold', rule: 'ascending', value: 10_000 },
    ]);
  });

  it('refuses a threshold on financial once it is no longer measured in money', () => {
    expect(problems(BiaSettings, settings([financial(2, 10)], false))).toEqual([{ path: 'criteria[0].threshold', rule: 'money_category', value: 10 }]);
  });

  it('refuses more than 200 criteria', () => {
    const many = Array.from({ length: 201 }, () => ({ category: 'legal', level: 1 }));
    expect(problems(BiaSettings, settings(many)).some((p) => p.path === 'criteria' && p.rule === 'too_big')).toBe(true);
  });
});
