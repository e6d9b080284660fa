// Random and malformed requests to every documented route never produce a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readDemoModel } from '../../src/operations/demo.js';
import { importModel } from '../../src/operations/model-writer.js';
import { installScenarioLibrary } from '../../src/operations/scenarios.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let routes: Array<{ method: string; path: string }>;

beforeAll(async () => {
  t = await startTestApp();
  await importModel(t.database.db, 'demo', await readDemoModel());
  await installScenarioLibrary(t.database.db, 'demo');
  const doc = (await t.request({ method: 'GET', url: '/api/openapi.json' })).json();
  routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((method) => ['get', 'post', 'put', 'delete', 'patch'].includes(method))
      // Streams wait for a job to end; they are covered by the scenarios suite.
      .filter(() => !path.endsWith('/events'))
      .map((method) => ({ method: method.toUpperCase(), path })),
  );
});
afterAll(async () => {
  await t?.close();
});

const segment = fc.oneof(
  fc.constantFrom('demo', 'claims-fnol', 'paris', 'vpn', 'pandemic-lockdown', '00000000-0000-4000-8000-000000000000'),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('..', '%00', '%', 'a'.repeat(300), "'; drop table organisations; --", '${x}', '\u202e'),
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ id: fc.string(), name: fc.string(), mtpd: fc.oneof(fc.double(), fc.string()), rto: fc.anything(), mbco: fc.double() }),
  fc.string(),
);
const contentType = fc.constantFrom('application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/plain', 'application/x-www-form-urlencoded', '');

it('answers every route with a 2xx, 3xx or 4xx, whatever the input', { timeout: 240_000 }, async () => {
  expect(routes.length).toBeGreaterThan(20);
  for (const route of routes) {
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 3, maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }), body, contentType, async (segments, query, payload, type) => {
        let index = 0;
        const url = route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(segments[index++ % segments.length]));
        const search = new URLSearchParams(query).toString();
        const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
        const response = await t.request({
          method: route.method as 'GET',
          url: search ? `${url}?${search}` : url,
          ...(hasBody ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload), headers: type ? { 'content-type': type } : {} } : {}),
        });
        if (response.statusCode >= 500) throw new Error(`${route.method} ${url} → ${response.statusCode}: ${response.body.slice(0, 300)}`);
        if (response.statusCode >= 400) expect(response.json().error.code, `${route.method} ${url}`).toEqual(expect.any(String));
      }),
      { numRuns: 40, seed: 20261129 },
    );
  }
});
