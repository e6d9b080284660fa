import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom, isDistribution, meanOf, sample, type DistributionSpec } from './random.js';

const draws = (seed: number, stream: number, n: number) => {
  const random = createRandom(seed, stream);
  return Array.from({ length: n }, () => random());
};

describe('createRandom', () => {
  it('gives the same numbers for the same (seed, stream)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.nat({ max: 0xffffffff }), (seed, stream) => {
        expect(draws(seed, stream, 5)).toEqual(draws(seed, stream, 5));
      }),
    );
  });
  it.each([
    { rule: 'streams differ', a: [1, 0], b: [1, 1] },
    { rule: 'seeds differ', a: [1, 0], b: [2, 0] },
    { rule: 'high bits of the seed count', a: [1, 0], b: [1 + 2 ** 32, 0] },
    { rule: 'negative seeds are their own', a: [1, 0], b: [-1, 0] },
  ])('$rule', ({ a, b }) => {
    expect(draws(a[0], a[1], 4)).not.toEqual(draws(b[0], b[1], 4));
  });
  it('stays in [0, 1) and is roughly uniform', () => {
    const values = draws(42, 7, 100_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean).toBeCloseTo(0.5, 2);
    const deciles = new Array(10).fill(0);
    for (const v of values) deciles[Math.floor(v * 10)]++;
    for (const count of deciles) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
  it('refuses a seed that is not a safe integer', () => {
    expect(() => createRandom(1.5)).toThrow(RangeError);
  });
});

describe('distributions', () => {
  it.each<{ d: DistributionSpec; min: number; max: number; mean: number }>([
    { d: { uniform: [2, 6] }, min: 2, max: 6, mean: 4 },
    // Triangular mean (min + mode + max)/3 = (0 + 3 + 9)/3 = 4.
    { d: { triangular: [0, 3, 9] }, min: 0, max: 9, mean: 4 },
    { d: { triangular: [5, 5, 5] }, min: 5, max: 5, mean: 5 },
    { d: { choice: [10, 20, 60] }, min: 10, max: 60, mean: 30 },
    { d: { normal: [100, 10] }, min: 0, max: 200, mean: 100 },
  ])('$d: draws in range, empirical mean close to meanOf = $mean', ({ d, min, max, mean }) => {
    const random = createRandom(9, 1);
    const values = Array.from({ length: 50_000 }, () => sample(d, random));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(min);
    expect(Math.max(...values)).toBeLessThanOrEqual(max);
    expect(meanOf(d)).toBeCloseTo(mean, 12);
    const empirical = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(empirical - mean)).toBeLessThan((max - min) / 100 + 0.2);
  });
  it('choice draws every value', () => {
    const random = createRandom(3);
    const seen = new Set(Array.from({ length: 200 }, () => sample({ choice: [1, 2, 3] }, random)));
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });
  it.each([
    [{ uniform: [1, 2] }, true],
    [{ choice: [1] }, true],
    [3, false],
    [null, false],
    [{ at: 1 }, false],
  ])('isDistribution(%j) = %s', (value, expected) => {
    expect(isDistribution(value)).toBe(expected);
  });
});
