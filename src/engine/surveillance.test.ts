// Small-cell suppression: no published figure below k, and no hidden figure that a published total minus the
// published parts would give away, on hand-made tables and on random ones (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { publishDays, suppress, type CellCount, type SurveillanceDay } from './surveillance.js';

const cell = (department: string | null, orientation: string, ageRange: string, count: number, day = '2026-12-01'): CellCount => ({
  day,
  department,
  orientation,
  ageRange,
  count,
});

/** Every published figure is at least k, and every sum relation leaves each hidden figure undetermined. */
function expectSafe(table: SurveillanceDay, counts: readonly CellCount[], k: number) {
  const published = [
    table.total,
    ...table.cells.map((c) => c.count),
    ...table.byDepartment.map((c) => c.count),
    ...table.byOrientation.map((c) => c.count),
    ...table.byAgeRange.map((c) => c.count),
  ];
  for (const value of published) if (value !== null) expect(value).toBeGreaterThanOrEqual(k);
  const truth = (c: { department: string | null; orientation: string; ageRange: string }) =>
    counts.find((x) => x.department === c.department && x.orientation === c.orientation && x.ageRange === c.ageRange)!.count;
  const check = (total: number | null, totalTruth: number, parts: Array<{ shown: number | null; truth: number }>) => {
    const hidden = parts.filter((part) => part.shown === null);
    if (total === null) {
      expect(hidden.length, 'a hidden total with every part shown adds up').toBeGreaterThan(0);
      return;
    }
    expect(total).toBe(totalTruth);
    expect(hidden.length, 'a single hidden part is the total minus the others').not.toBe(1);
    if (hidden.length > 0) expect(hidden.reduce((sum, part) => sum + part.truth, 0)).toBeGreaterThanOrEqual(k);
  };
  const sum = (items: readonly CellCount[]) => items.reduce((s, c) => s + c.count, 0);
  check(
    table.total,
    sum(counts),
    table.cells.map((c) => ({ shown: c.count, truth: truth(c) })),
  );
  for (const [margins, key] of [
    [table.byDepartment, 'department'],
    [table.byOrientation, 'orientation'],
    [table.byAgeRange, 'ageRange'],
  ] as const) {
    check(
      table.total,
      sum(counts),
      margins.map((m) => ({ shown: m.count, truth: sum(counts.filter((c) => c[key] === (m as Record<string, unknown>)[key])) })),
    );
    for (const margin of margins) {
      const value = (margin as Record<string, unknown>)[key];
      const inside = table.cells.filter((c) => c[key] === value);
      check(
        margin.count,
        sum(counts.filter((c) => c[key] === value)),
        inside.map((c) => ({ shown: c.count, truth: truth(c) })),
      );
    }
  }
}

describe('small-cell suppression', () => {
  it('publishes everything when every figure is at least k', () => {
    const counts = [cell('75', 'SAMU', 'sup_65', 12), cell('75', 'surveillance', 'sup_65', 30), cell('13', 'SAMU', 'sup_65', 15)];
    const [day] = publishDays(counts, 10);
    expect(day.total).toBe(57);
    expect(day.cells.map((c) => c.count)).toEqual([15, 12, 30]);
    expect(day.byDepartment).toEqual([
      { department: '13', count: 15 },
      { department: '75', count: 42 },
    ]);
    expectSafe(day, counts, 10);
  });

  it('hides a small cell and the smallest other cell beside it, so that the total minus the others reveals nothing', () => {
    const counts = [cell('75', 'SAMU', 'sup_65', 3), cell('75', 'surveillance', 'sup_65', 40), cell('75', 'surveillance', 'from_15_to_49', 25)];
    const [day] = publishDays(counts, 10);
    expect(day.total).toBe(68);
    const shown = Object.fromEntries(day.cells.map((c) => [`${c.orientation}/${c.ageRange}`, c.count]));
    expect(shown['SAMU/sup_65']).toBeNull();
    // 68 − 40 − 25 would be 3: another cell is hidden too.
    expect(Object.values(shown).filter((value) => value === null).length).toBeGreaterThanOrEqual(2);
    // SAMU's own total is 3: hidden; orientations then need a second hidden figure.
    expect(day.byOrientation.find((o) => o.orientation === 'SAMU')!.count).toBeNull();
    expectSafe(day, counts, 10);
  });

  it('hides two small cells of 1 and 1 under a published total together with a larger one (their sum alone would tell)', () => {
    const counts = [
      cell('75', 'SAMU', 'sup_65', 1),
      cell('75', 'SAMU', 'from_50_to_64', 1),
      cell('75', 'surveillance', 'sup_65', 50),
      cell('75', 'surveillance', 'from_50_to_64', 60),
    ];
    const [day] = publishDays(counts, 10);
    expectSafe(day, counts, 10);
  });

  it('hides the whole day when it has fewer than k records', () => {
    const counts = [cell('75', 'SAMU', 'sup_65', 4), cell('13', 'SAMU', 'sup_65', 3)];
    const [day] = publishDays(counts, 10);
    expect(day.total).toBeNull();
    expect(day.cells.every((c) => c.count === null)).toBe(true);
  });

  it('keeps days apart, most recent first, and honours another k', () => {
    const counts = [cell('75', 'SAMU', 'sup_65', 4, '2026-12-01'), cell('75', 'SAMU', 'sup_65', 4, '2026-12-02')];
    const days = publishDays(counts, 3);
    expect(days.map((d) => [d.day, d.total])).toEqual([
      ['2026-12-02', 4],
      ['2026-12-01', 4],
    ]);
  });

  it('leaves no hidden figure to be worked out, on random tables', () => {
    const departments = ['75', '13', '69', null];
    const orientations = ['SAMU', 'surveillance', 'consultation_surveillance_3'];
    const ages = ['from_15_to_49', 'from_50_to_64', 'sup_65'];
    const arbitrary = fc.record({
      k: fc.integer({ min: 2, max: 15 }),
      counts: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 36, maxLength: 36 }),
    });
    fc.assert(
      fc.property(arbitrary, ({ k, counts }) => {
        const cells = departments
          .flatMap((d) => orientations.flatMap((o) => ages.map((a) => [d, o, a] as const)))
          .map(([d, o, a], index) => cell(d, o, a, counts[index]))
          .filter((c) => c.count > 0);
        if (cells.length === 0) return;
        const [day] = publishDays(cells, k);
        expectSafe(day, cells, k);
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('suppresses a lone hidden part of a group, or its total when nothing else can be hidden', () => {
    const total = { value: 12, hidden: false };
    const parts = [
      { value: 2, hidden: false },
      { value: 10, hidden: false },
    ];
    suppress([{ total, parts }], 10);
    expect(parts.map((p) => p.hidden)).toEqual([true, true]);
    expect(total.hidden).toBe(false);
    const lonely = { value: 15, hidden: false };
    const single = [{ value: 15, hidden: true }];
    suppress([{ total: lonely, parts: single }], 10);
    expect(lonely.hidden).toBe(true);
  });
});
