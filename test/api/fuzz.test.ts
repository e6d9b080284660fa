// Random and malformed requests to every documented route never produce a 5xx, signed in or not, with forged credentials too.
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
  await t.join('demo');
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
  fc.constantFrom('..', '%00', '%', 'a'.repeat(300), "'; drop table organisations; --", '${x}', '\u202e', 'a\u0000b'),
);
/** Text PostgreSQL refuses (NUL) or that is not Unicode (lone surrogates), anywhere a string may go. */
const hostileText = fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800');
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ id: fc.oneof(fc.string(), hostileText), name: hostileText, q: hostileText }),
  fc.constant('['.repeat(200) + ']'.repeat(200)),
  fc.record({ id: fc.string(), name: fc.string(), mtpd: fc.oneof(fc.double(), fc.string()), rto: fc.anything(), mbco: fc.double() }),
  fc.string(),
);
const contentType = fc.constantFrom(
  'application/json',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
);

/** Credentials of every kind: none, the owner's session, and forged or malformed tokens, cookies and CSRF headers. */
const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));
const credentials = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.constant({ kind: 'owner' as const }),
  fc.record({
    kind: fc.constant('headers' as const),
    authorization: fc.oneof(
      printable(80),
      printable(60).map((s) => `Bearer ${s}`),
      fc.constant(`Bearer rmp_demo.${'A'.repeat(43)}`),
    ),
  }),
  fc.record({
    kind: fc.constant('headers' as const),
    cookie: fc.oneof(
      printable(80).map((s) => `rempart_session=${s}`),
      printable(80),
    ),
    'x-csrf-token': printable(60),
  }),
);

/** Requests of one route, `runs` times, with random path segments, queries, bodies, content types and credentials. */
async function fuzz(route: { method: string; path: string }, runs: number, who: fc.Arbitrary<{ kind: string } & Record<string, string>>) {
  await fc.assert(
    fc.asyncProperty(
      fc.array(segment, { minLength: 3, maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(fc.string({ maxLength: 20 }), hostileText), { maxKeys: 3 }),
      body,
      contentType,
      who,
      async (segments, query, payload, type, caller) => {
        let index = 0;
        const url = route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(segments[index++ % segments.length]));
        const search = new URLSearchParams(query).toString();
        const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
        const { kind, ...headers } = caller;
        // The person's own routes may sign the owner out: they get a session of their own each time.
        const owner = route.path.startsWith('/api/auth/') ? await t.newSession(t.owner) : t.owner.session;
        const response = await t.request({
          method: route.method as 'GET',
          url: search ? `${url}?${search}` : url,
          as: kind === 'owner' ? owner : null,
          ...(hasBody ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) } : {}),
          headers: { ...(hasBody && type ? { 'content-type': type } : {}), ...headers },
        });
        if (response.statusCode >= 500) throw new Error(`${route.method} ${url} → ${response.statusCode}: ${response.body.slice(0, 300)}`);
        if (response.statusCode >= 400) expect(response.json().error.code, `${route.method} ${url}`).toEqual(expect.any(String));
      },
    ),
    { numRuns: runs, seed: 20261129 },
  );
}

/** The person's own routes last: signing out everywhere ends the sessions the other routes use. */
const ordered = () => [...routes].sort((a, b) => Number(a.path.startsWith('/api/auth/')) - Number(b.path.startsWith('/api/auth/')));

it('answers every route with a 2xx, 3xx or 4xx, whatever the input, signed in', { timeout: 240_000 }, async () => {
  expect(routes.length).toBeGreaterThan(20);
  for (const route of ordered()) await fuzz(route, 40, fc.constant({ kind: 'owner' }));
});

it('answers every route with a 2xx, 3xx or 4xx without credentials or with forged ones', { timeout: 240_000 }, async () => {
  t.owner.session = await t.newSession(t.owner);
  for (const route of ordered()) await fuzz(route, 15, credentials as fc.Arbitrary<{ kind: string } & Record<string, string>>);
  // Nothing reached the programme without credentials: the demo organisation's trail names only its owner.
  const anonymous = await t.database.db.selectFrom('audit_log').select('seq').where('chain', '=', 'demo').where('actor_type', '=', 'anonymous').execute();
  expect(anonymous).toEqual([]);
});
