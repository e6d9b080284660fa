// Documents compare equal whatever the order of their keys, and unequal when a value differs.
import { describe, expect, it } from 'vitest';
import { canonical, sameDocument } from './equal.js';

describe('sameDocument', () => {
  it('ignores key order at every depth but not array order or values', () => {
    expect(sameDocument({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { e: 3, d: 2 }] }, a: 1 })).toBe(true);
    expect(sameDocument({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameDocument({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameDocument({ a: undefined, b: 1 }, { b: 1 })).toBe(true);
    expect(canonical({ b: 1, a: null })).toBe('{"a":null,"b":1}');
  });
});
