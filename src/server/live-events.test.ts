// The live event hub on a real database: committed events reach every subscriber of their topic once, in order;
// rolled-back ones never; a subscriber resuming from an id gets what it missed.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.js';
import type { DatabaseHandle } from '../store/database.js';
import { publishLiveEvent, type LiveEvent } from '../store/live-events.js';
import { LiveEventHub } from './live-events.js';

let database: DatabaseHandle;
let hub: LiveEventHub;

beforeAll(async () => {
  database = await createTestDatabase();
  await sql`insert into organisations (id, name, bia) values ('live', 'Live', '{}'), ('other', 'Other', '{}')`.execute(database.db);
  hub = new LiveEventHub(database.db, database.listen);
  await hub.start();
});
afterAll(async () => {
  await hub?.stop();
  await database?.close();
});

async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const publish = (org: string, topic: string, n: number) =>
  database.db.transaction().execute((trx) => publishLiveEvent(trx, { org, topic, type: 'tick', data: { n } }));

describe('live event hub', () => {
  it('delivers committed events of a topic to each subscriber once and in order, and nothing of other topics', async () => {
    const a: LiveEvent[] = [];
    const b: LiveEvent[] = [];
    const stopA = await hub.subscribe('live', 'run:1', undefined, (event) => a.push(event));
    const stopB = await hub.subscribe('live', 'run:1', undefined, (event) => b.push(event));
    await publish('other', 'run:1', -1);
    await publish('live', 'run:2', -2);
    // Concurrent writers: commits interleave, ids still order each subscriber's stream.
    await Promise.all(Array.from({ length: 50 }, (_, n) => publish('live', 'run:1', n)));
    await until(() => a.length === 50 && b.length === 50, '50 events on both subscribers');
    for (const received of [a, b]) {
      expect(received.map((event) => (event.data as { n: number }).n).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, n) => n));
      const ids = received.map((event) => BigInt(event.id));
      expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
      expect(received.every((event) => event.org === 'live' && event.topic === 'run:1')).toBe(true);
    }
    stopA();
    stopB();
    expect(hub.connections).toBe(0);
  });

  it('never delivers an event whose transaction rolled back', async () => {
    const received: LiveEvent[] = [];
    const stop = await hub.subscribe('live', 'incident:7', undefined, (event) => received.push(event));
    await expect(
      database.db.transaction().execute(async (trx) => {
        await publishLiveEvent(trx, { org: 'live', topic: 'incident:7', type: 'declared', data: { rolledBack: true } });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await publish('live', 'incident:7', 1);
    await until(() => received.length === 1, 'the committed event');
    expect(received[0].data).toEqual({ n: 1 });
    stop();
  });

  it('replays what a reconnecting client missed after its Last-Event-ID, then goes on live', async () => {
    const first: LiveEvent[] = [];
    const stop = await hub.subscribe('live', 'checkins', undefined, (event) => first.push(event));
    await publish('live', 'checkins', 1);
    await until(() => first.length === 1, 'the first event');
    stop();
    // While disconnected:
    await publish('live', 'checkins', 2);
    await publish('live', 'checkins', 3);
    const resumed: LiveEvent[] = [];
    const stopResumed = await hub.subscribe('live', 'checkins', first[0].id, (event) => resumed.push(event));
    await until(() => resumed.length === 2, 'the two missed events');
    await publish('live', 'checkins', 4);
    await until(() => resumed.length === 3, 'the live event');
    expect(resumed.map((event) => (event.data as { n: number }).n)).toEqual([2, 3, 4]);
    stopResumed();
  });

  it('serves a thousand subscribers of one topic from one query per notice', async () => {
    const counts = new Array<number>(1000).fill(0);
    const stops = await Promise.all(counts.map((_, i) => hub.subscribe('live', 'dashboard', undefined, () => counts[i]++)));
    const started = performance.now();
    await publish('live', 'dashboard', 1);
    await until(() => counts.every((count) => count === 1), 'every subscriber');
    expect(performance.now() - started).toBeLessThan(1_000);
    for (const stop of stops) stop();
  });
});
