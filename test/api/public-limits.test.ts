// The public routes stay up when the signed-in application is busy: their requests count in a bucket of their own
// per address (beside their per-key and per-client limits), so a flood on /api/orgs/… from one address that
// exhausts the application's limit does not refuse the widgets' conversations from that same address.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { smallModel, startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
const SHOP = 'https://www.acme.example';
const PER_MINUTE = 30;

beforeAll(async () => {
  t = await startTestApp({ rateLimit: { perMinute: PER_MINUTE, signInPerMinute: 10 } });
});
afterAll(async () => {
  await t?.close();
});

it('answers a public conversation while the same address is refused the application for flooding it', async () => {
  expect((await t.request({ method: 'PUT', url: '/api/orgs/acme/model', payload: smallModel() })).statusCode).toBe(200);
  const key = (await t.request({ method: 'POST', url: '/api/orgs/acme/public-keys', payload: { label: 'site', origins: [SHOP] } })).json().key;
  const flood = await Promise.all(Array.from({ length: PER_MINUTE + 10 }, () => t.request({ method: 'GET', url: '/api/orgs/acme/sites' })));
  const refused = flood.filter((response) => response.statusCode === 429);
  expect(refused.length).toBeGreaterThanOrEqual(10);
  expect(refused[0].json().error.code).toBe('rate_limited');

  const headers = { origin: SHOP };
  const started = await t.request({ method: 'POST', url: `/api/public/${key}/conversations`, as: null, headers, payload: { lang: 'fr' } });
  expect(started.statusCode, started.body).toBe(201);
  const answered = await t.request({
    method: 'POST',
    url: `/api/public/${key}/conversations/${started.json().id}/messages`,
    as: null,
    headers,
    payload: { text: '38,5' },
  });
  expect(answered.statusCode, answered.body).toBe(200);
  expect((await t.request({ method: 'GET', url: '/api/widget/config', as: null, headers: { ...headers, 'x-rempart-key': key } })).statusCode).toBe(200);
  // The application stays refused to that address: the public bucket lent it nothing.
  expect((await t.request({ method: 'GET', url: '/api/orgs/acme/sites' })).statusCode).toBe(429);
});
