// The public conversation API over a real server and database: the exact shapes, the orientation questionnaire taken
// to its end with its minimised record saved, keys in the address with CORS for their origins only, conversations
// another key cannot read, rate limits shared by two server processes, and oversized, malformed and hostile input.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIENTATION_AFTERWORD, ORIENTATION_MESSAGES } from '../../src/model/orientation.js';
import { SHARING_COLUMNS } from '../../src/engine/orientation.js';
import { advanceFlow, type FlowState } from '../../src/engine/flow.js';
import { FLOW_BUILTINS } from '../../src/engine/flow-builtins.js';
import { purgeIdleConversations } from '../../src/operations/conversations.js';
import { shippedFlows } from '../../src/operations/flows.js';
import { resolvePublicKey } from '../../src/operations/widget.js';
import { ConversationRepository } from '../../src/store/conversation-repository.js';
import { buildApp } from '../../src/server/app.js';
import { smallModel, startTestApp, type TestApp, type TestResponse } from '../support/app.js';

let t: TestApp;
let second: FastifyInstance;
const SHOP = 'https://shop.acme.example';
const keys: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp({ publicRateLimits: { perClientPerMinute: 100_000, perKeyPerMinute: 1_000_000 } });
  for (const org of ['acme', 'bravo']) {
    const response = await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: { ...smallModel(), organisation: { name: org } } });
    expect(response.statusCode, response.body).toBe(200);
  }
  for (const [name, org, origins] of [
    ['acme', 'acme', [SHOP]],
    ['acme2', 'acme', [SHOP]],
    ['bravo', 'bravo', ['https://bravo.example']],
    ['limited', 'acme', [SHOP]],
  ] as const) {
    const created = await t.request({ method: 'POST', url: `/api/orgs/${org}/public-keys`, payload: { label: name, origins } });
    expect(created.statusCode, created.body).toBe(201);
    keys[name] = created.json().key;
  }
});
afterAll(async () => {
  await second?.close();
  await t?.close();
});

function post(url: string, payload?: unknown, origin: string | null = SHOP, app?: FastifyInstance): Promise<TestResponse> {
  const headers = { ...(origin ? { origin } : {}) };
  if (app) return app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) }) as Promise<TestResponse>;
  return t.request({ method: 'POST', url, as: null, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}
const start = (key = keys.acme, payload: unknown = { lang: 'fr' }, origin: string | null = SHOP) => post(`/api/public/${key}/conversations`, payload, origin);
const say = (id: string, payload: unknown, key = keys.acme, origin: string | null = SHOP) =>
  post(`/api/public/${encodeURIComponent(key)}/conversations/${id}/messages`, payload, origin);

const keyRecord = async (key: string) => (await resolvePublicKey(t.database.db, key))!;

function expectError(response: TestResponse, status: number, code: string, rule?: string, path?: string) {
  expect(response.statusCode, response.body).toBe(status);
  const error = response.json().error;
  expect(error.code).toBe(code);
  if (rule) expect(error.details.map((detail: { rule: string }) => detail.rule)).toContain(rule);
  if (path) expect(error.details.map((detail: { path: string }) => detail.path)).toContain(path);
  return error;
}

const ANSWERS = [
  '38,5',
  'oui',
  'non',
  'non',
  'non',
  'non',
  'non',
  'non',
  '42 ans',
  '70 kg',
  '1m75',
  'non',
  'non',
  'non',
  'non',
  'non',
  'non',
  'non',
  'non',
  'non',
  '75011',
];

describe('the public conversation API', () => {
  it('starts a conversation: 201 {id, messages} exactly, an unguessable id, CORS for the key’s origin', async () => {
    const response = await start();
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['id', 'messages']);
    expect(body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body.messages.map((message: { text: string }) => message.text)).toEqual([
      expect.stringMatching(/^Ce questionnaire suit l’algorithme d’orientation Covid-19 officiel/),
      'Quelle a été votre température la plus élevée ces dernières 48 heures ?',
    ]);
    expect(body.messages[1].quickReplies.map((reply: { id: string }) => reply.id)).toEqual(['inf_35.5', '35.5-37.7', '37.8-38.9', 'sup_39', 'NSP']);
    expect(response.headers['access-control-allow-origin']).toBe(SHOP);
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    // Without a body, in English.
    const english = await post(`/api/public/${keys.acme}/conversations`, { lang: 'en' });
    expect(english.json().messages[1].text).toBe('What was your highest temperature in the last 48 hours?');
    const bare = await post(`/api/public/${keys.acme}/conversations`);
    expect(bare.statusCode, bare.body).toBe(201);
  });

  it('takes the questionnaire to its end by text and quick replies: {messages} exactly, one minimised record saved, the answers forgotten', async () => {
    const before = await t.database.db
      .selectFrom('orientation_records')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('org_id', '=', 'acme')
      .executeTakeFirstOrThrow();
    const { id } = (await start()).json();
    let last: TestResponse | undefined;
    for (const [index, answer] of ANSWERS.entries()) {
      last = await say(id, index === 1 ? { choice: 'yes' } : { text: answer });
      expect(last.statusCode, `${answer}: ${last.body}`).toBe(200);
      expect(Object.keys(last.json())).toEqual(['messages']);
    }
    const texts = last!.json().messages.map((message: { text: string }) => message.text);
    // 38.5 °C is not fever for the tree: a cough alone, no risk factor, FIN6.
    expect(texts).toEqual([ORIENTATION_MESSAGES.FIN6.fr, ORIENTATION_AFTERWORD.fr]);
    const records = await t.database.db.selectFrom('orientation_records').selectAll().where('org_id', '=', 'acme').execute();
    expect(records.length).toBe(before.n + 1);
    const saved = records.at(-1)!;
    expect(saved).toMatchObject({ department: '75', orientation: 'consultation_surveillance_3', age_range: 'from_15_to_49' });
    expect(Object.keys(saved.record as object).sort()).toEqual([...SHARING_COLUMNS].sort());
    const stored = JSON.stringify(saved.record);
    for (const secret of ['"42"', '"70"', '175', '75011']) expect(stored).not.toContain(secret);
    // The conversation kept nothing of the answers once ended.
    const conversation = await t.database.db.selectFrom('conversations').select(['state', 'ended']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(conversation.ended).toBe(true);
    expect((conversation.state as { vars: object }).vars).toEqual({});
    expectError(await say(id, { text: 'encore' }), 409, 'conflict', 'ended');
  });

  it('re-asks an answer it cannot understand, with the explanation', async () => {
    const { id } = (await start()).json();
    const response = await say(id, { text: 'chaud' });
    expect(response.statusCode).toBe(200);
    expect(response.json().messages.map((message: { text: string }) => message.text)).toEqual([
      'Choisissez une des réponses, ou écrivez votre température (par exemple 38,5).',
      'Quelle a été votre température la plus élevée ces dernières 48 heures ?',
    ]);
  });

  it('keeps a conversation to the key that started it: another key of the same or another organisation finds nothing', async () => {
    const { id } = (await start()).json();
    expectError(await say(id, { text: 'NSP' }, keys.acme2), 404, 'not_found', 'exists');
    expectError(await say(id, { text: 'NSP' }, keys.bravo, 'https://bravo.example'), 404, 'not_found', 'exists');
    expectError(await say('00000000-0000-4000-8000-000000000000', { text: 'NSP' }), 404, 'not_found', 'exists', 'params.id');
    expect((await say(id, { text: 'NSP' })).statusCode).toBe(200);
  });

  it('answers CORS only for the key’s origins, preflight included', async () => {
    const { id } = (await start()).json();
    expectError(await start(keys.acme, {}, 'https://evil.example'), 403, 'forbidden', 'origin');
    expectError(await start(keys.acme, {}, null), 403, 'forbidden', 'origin');
    expectError(await say(id, { text: 'oui' }, keys.acme, 'https://evil.example'), 403, 'forbidden', 'origin');
    const preflight = (origin: string, url = `/api/public/${keys.acme}/conversations`) =>
      t.app.inject({ method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const ok = await preflight(SHOP);
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(SHOP);
    expect(ok.headers['access-control-allow-headers']).toBe('content-type');
    expect((await preflight(SHOP, `/api/public/${keys.acme}/conversations/${id}/messages`)).statusCode).toBe(204);
    const refused = await preflight('https://evil.example');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses an unknown or revoked key (401), any token (403 caller), and a different key in the header (400)', async () => {
    expectError(await start('rmpk_acme.AAAAAAAAAAAAAAAAAAAAAA'), 401, 'unauthenticated');
    expectError(await start('not-a-key'), 401, 'unauthenticated');
    const bearer = await t.request({
      method: 'POST',
      url: `/api/public/${keys.acme}/conversations`,
      as: { bearer: 'rmp_whatever' },
      headers: { origin: SHOP },
      payload: {},
    });
    expectError(bearer, 403, 'forbidden', 'caller');
    const conflict = await t.request({
      method: 'POST',
      url: `/api/public/${keys.acme}/conversations`,
      as: null,
      headers: { origin: SHOP, 'x-rempart-key': keys.acme2 },
      payload: {},
    });
    expectError(conflict, 400, 'invalid_input', 'one_key');
    const listed = (await t.request({ method: 'GET', url: '/api/orgs/acme/public-keys' })).json().items;
    const acme2 = listed.find((key: { key: string }) => key.key === keys.acme2);
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/acme/public-keys/${acme2.id}` })).statusCode).toBe(204);
    expectError(await start(keys.acme2), 401, 'unauthenticated');
  });

  it('refuses oversized, malformed and hostile input, naming the field, the rule and the value', async () => {
    const { id } = (await start()).json();
    const error = expectError(await say(id, { text: 'x'.repeat(1001) }), 400, 'invalid_input', 'too_big', 'body.text');
    expect(error.details[0].limit).toBe(1000);
    expectError(await say(id, { text: 'oui', choice: 'yes' }), 400, 'invalid_input', 'one_of');
    expectError(await say(id, {}), 400, 'invalid_input', 'one_of', 'body.text');
    expectError(await say(id, { text: 42 }), 400, 'invalid_input', undefined, 'body.text');
    expectError(await say(id, { text: 'a\u0000b' }), 400, 'invalid_input', 'invalid_text', 'body.text');
    expectError(await say(id, { text: 'oui', state: { ended: true } }), 400, 'invalid_input', 'unrecognized_keys');
    expectError(await say(id, { choice: '' }), 400, 'invalid_input', 'too_small', 'body.choice');
    expectError(await say('not-a-uuid', { text: 'oui' }), 400, 'invalid_input', undefined, 'params.id');
    expectError(await say("' or 1=1 --", { text: 'oui' }), 400, 'invalid_input', undefined, 'params.id');
    expectError(await start(keys.acme, { lang: 'français' }), 400, 'invalid_input', 'format', 'body.lang');
    expectError(await start(keys.acme, { flow: '../../etc/passwd' }), 400, 'invalid_input', 'format', 'body.flow');
    expectError(await start(keys.acme, { flow: 'nothing' }), 404, 'not_found', 'exists', 'body.flow');
    expectError(await start(keys.acme, { flow: 'constructor' }), 404, 'not_found', 'exists', 'body.flow');
    const huge = await post(`/api/public/${keys.acme}/conversations/${id}/messages`, { text: 'x'.repeat(20_000) });
    expectError(huge, 413, 'payload_too_large');
    const notJson = await t.app.inject({
      method: 'POST',
      url: `/api/public/${keys.acme}/conversations/${id}/messages`,
      headers: { origin: SHOP, 'content-type': 'application/json' },
      payload: '{"text": ',
    });
    expect(notJson.statusCode).toBe(400);
    expectError(await post(`/api/public/${'k'.repeat(300)}/conversations`, {}), 400, 'invalid_input');
    // Hostile text is just an answer it does not understand: re-asked, nothing stored as given.
    const script = await say(id, { text: '<script>alert(1)</script>' });
    expect(script.statusCode).toBe(200);
    expect(script.body).not.toContain('<script>');
    // The conversation still works after all of it.
    expect((await say(id, { choice: 'NSP' })).json().messages[0].text).toBe(
      'Avez-vous une toux ou votre toux habituelle s’est-elle modifiée ces derniers jours ?',
    );
  });

  it('continues from the stored state when another process answered meanwhile (the compare-and-set, not a stale copy)', async () => {
    const { id } = (await start()).json();
    // Another process takes the temperature answer: it reads the row and writes the next state with the next turn.
    const repository = new ConversationRepository(t.database.db);
    const row = (await repository.get((await keyRecord(keys.acme)).orgId, { kind: 'public', keyId: (await keyRecord(keys.acme)).id }, id))!;
    const turn = advanceFlow(shippedFlows(), row.state as FlowState, { text: '38,5', now: t.clock.now() }, FLOW_BUILTINS);
    expect(await repository.advance(row, { state: turn.state, flowId: 'orientation', flowVersion: turn.state.version, ended: false }, [], new Date())).toBe(
      true,
    );
    // This process answers the next question, not the temperature again.
    const reply = await say(id, { text: 'oui' });
    expect(reply.json().messages[0].text).toBe('Avez-vous noté une perte ou une forte diminution de votre goût ou de votre odorat ces derniers jours ?');
    const stored = await t.database.db.selectFrom('conversations').select(['turn']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.turn).toBe(2);
  });

  it('forgets conversations idle for a day, answers included, and keeps the others', async () => {
    const { id: idle } = (await start()).json();
    expect((await say(idle, { text: '38,5' })).statusCode).toBe(200);
    t.clock.advance(25 * 60 * 60 * 1000);
    const { id: fresh } = (await start()).json();
    const purged = await purgeIdleConversations(t.database.db, t.clock.now());
    expect(purged).toBeGreaterThanOrEqual(1);
    const left = await t.database.db.selectFrom('conversations').select('id').where('id', 'in', [idle, fresh]).execute();
    expect(left.map((row) => row.id)).toEqual([fresh]);
    expectError(await say(idle, { text: 'oui' }), 404, 'not_found', 'exists');
  });

  it('rate-limits a client and a key across two server processes on one database (429 with Retry-After)', async () => {
    second = await buildApp({
      db: t.database.db,
      databaseKind: t.database.kind,
      listen: t.database.listen,
      secretKey: Buffer.alloc(32, 3),
      rateLimit: { perMinute: false, signInPerMinute: 100 },
      sessions: { now: () => t.clock.now() },
      publicRateLimits: { perClientPerMinute: 6, perKeyPerMinute: 1000, flushMs: 20 },
    });
    await second.ready();
    const third = await buildApp({
      db: t.database.db,
      databaseKind: t.database.kind,
      listen: t.database.listen,
      secretKey: Buffer.alloc(32, 4),
      rateLimit: { perMinute: false, signInPerMinute: 100 },
      sessions: { now: () => t.clock.now() },
      publicRateLimits: { perClientPerMinute: 6, perKeyPerMinute: 1000, flushMs: 20 },
    });
    await third.ready();
    try {
      // A fresh minute, so that the counts of earlier tests do not matter; its start, so that a slow run does not
      // cross into the next minute (and fresh counters) half-way through the sequence.
      const toNextMinute = () => t.clock.advance(60_000 - (t.clock.now() % 60_000) + 500);
      toNextMinute();
      const url = `/api/public/${keys.limited}/conversations`;
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await post(url, {}, SHOP, second)).statusCode);
      await second.publicRateLimiter.flush();
      for (let i = 0; i < 4; i++) statuses.push((await post(url, {}, SHOP, third)).statusCode);
      expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 429, 429]);
      const refused = await post(url, {}, SHOP, third);
      expectError(refused, 429, 'rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // The next minute opens again.
      toNextMinute();
      expect((await post(url, {}, SHOP, second)).statusCode).toBe(201);
      // The key's own limit counts all its clients: two addresses, four messages a minute for the key.
      const keyed = await buildApp({
        db: t.database.db,
        databaseKind: t.database.kind,
        listen: t.database.listen,
        secretKey: Buffer.alloc(32, 5),
        rateLimit: { perMinute: false, signInPerMinute: 100 },
        sessions: { now: () => t.clock.now() },
        publicRateLimits: { perClientPerMinute: 100, perKeyPerMinute: 4, flushMs: 20 },
      });
      try {
        toNextMinute();
        const from = (remoteAddress: string) =>
          keyed.inject({ method: 'POST', url, remoteAddress, headers: { origin: SHOP }, payload: {} }) as Promise<TestResponse>;
        const byKey = [];
        for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.2', '10.0.0.3']) byKey.push((await from(address)).statusCode);
        expect(byKey).toEqual([201, 201, 201, 201, 429]);
      } finally {
        await keyed.close();
      }
    } finally {
      await third.close();
    }
  });
});
