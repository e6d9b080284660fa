import { describe, expect, it } from 'vitest';
import { StatementBatcher } from './statement-batcher.js';

type Item = { who: string; value: number };

function recording(limit: number, fail?: (items: Item[]) => boolean) {
  const runs: Array<{ key: string; items: Item[] }> = [];
  const batcher = new StatementBatcher<Item, string>(
    async (key, items) => {
      runs.push({ key, items });
      if (fail?.(items)) throw new Error('statement failed');
      return items.map((item) => `${key}:${item.who}=${item.value}`);
    },
    { limit, conflictKey: (item) => item.who },
  );
  return { runs, batcher };
}

describe('StatementBatcher', () => {
  it('runs the items submitted together in one run per key, each submitter getting its own outcome', async () => {
    const { runs, batcher } = recording(10);
    const outcomes = await Promise.all([
      batcher.submit('acme', { who: 'a', value: 1 }),
      batcher.submit('acme', { who: 'b', value: 2 }),
      batcher.submit('rival', { who: 'a', value: 3 }),
    ]);
    expect(outcomes).toEqual(['acme:a=1', 'acme:b=2', 'rival:a=3']);
    expect(runs.map((run) => [run.key, run.items.length])).toEqual([
      ['acme', 2],
      ['rival', 1],
    ]);
  });

  it('keeps two items of one conflict key apart, in their order, and respects the limit', async () => {
    const { runs, batcher } = recording(2);
    const outcomes = await Promise.all([
      batcher.submit('acme', { who: 'a', value: 1 }),
      batcher.submit('acme', { who: 'a', value: 2 }),
      batcher.submit('acme', { who: 'b', value: 3 }),
      batcher.submit('acme', { who: 'c', value: 4 }),
      batcher.submit('acme', { who: 'a', value: 5 }),
    ]);
    expect(outcomes).toEqual(['acme:a=1', 'acme:a=2', 'acme:b=3', 'acme:c=4', 'acme:a=5']);
    expect(runs.map((run) => run.items.map((item) => item.value))).toEqual([[1, 3], [2, 4], [5]]);
  });

  it('fails the items of a failed run only', async () => {
    const { batcher } = recording(1, (items) => items.some((item) => item.value === 2));
    const settled = await Promise.allSettled([
      batcher.submit('acme', { who: 'a', value: 1 }),
      batcher.submit('acme', { who: 'b', value: 2 }),
      batcher.submit('acme', { who: 'c', value: 3 }),
    ]);
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
