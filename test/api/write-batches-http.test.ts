// Concurrent single-record writes arriving over real sockets share transactions, on the embedded database too: there
// the database answers within microtasks, and a write once started its transaction before the event loop had read the
// requests already waiting, so every write went alone (one version each).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Activity } from '../../src/model/organisation.js';
import { readDemoModel } from '../../src/operations/demo.js';
import { importModel } from '../../src/operations/model-writer.js';
import { ModelRepository } from '../../src/store/model-repository.js';
import { credentialHeaders, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let base: URL;
beforeAll(async () => {
  t = await startTestApp();
  await importModel(t.database.db, 'batches', await readDemoModel());
  await t.join('batches');
  base = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }));
});
afterAll(async () => t?.close());

it('writes sent together over HTTP commit together: fewer versions than writes, every write stored', async () => {
  const repository = new ModelRepository(t.database.db);
  const activities = (await repository.loadModel('batches')).activities as Activity[];
  const before = (await repository.getOrganisation('batches'))!.modelVersion;
  const headers = { ...credentialHeaders(t.owner.session, 'PUT'), 'content-type': 'application/json' };
  const writers = 10;
  const rounds = 5;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let round = 0; round < rounds; round++) {
        const activity = activities[writer];
        const response = await fetch(new URL(`/api/orgs/batches/activities/${activity.id}`, base), {
          method: 'PUT',
          headers,
          body: JSON.stringify({ ...activity, description: `writer ${writer} round ${round}` }),
        });
        expect(response.status, await response.clone().text()).toBe(200);
      }
    }),
  );
  const stored = (await repository.loadModel('batches')).activities as Activity[];
  expect(stored.slice(0, writers).map((activity) => activity.description)).toEqual(
    Array.from({ length: writers }, (_, writer) => `writer ${writer} round ${rounds - 1}`),
  );
  const versions = (await repository.getOrganisation('batches'))!.modelVersion - before;
  expect(versions).toBeGreaterThan(0);
  // Alone, each write would take a version of its own (50); grouped, the writers' requests share them.
  expect(versions).toBeLessThanOrEqual((writers * rounds) / 2);
});
