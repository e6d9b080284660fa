// Per-organisation flows and the preview on a real database: shipped flows listed and read-only, the organisation's
// own added in JSON or YAML and saved as revisions, every problem with its path, another organisation's invisible,
// roles as the policy says; a key starting with the organisation's flow; a preview that runs on the interpreter and
// leaves no record for surveillance nor any case behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { smallModel, startTestApp, type TestApp, type TestUser } from '../support/app.js';

let t: TestApp;
let employee: TestUser;
let auditor: TestUser;
let outsider: TestUser;
const SHOP = 'https://www.acme.example';

const OWN = {
  id: 'hello',
  version: '1',
  title: { fr: 'Bonjour', en: 'Hello' },
  languages: ['fr', 'en'],
  start: 'start',
  steps: {
    start: [
      { ask: { type: 'yesno', var: 'fine', prompt: { fr: 'Ça va ?', en: 'All well?' } } },
      { say: { text: { fr: 'Tant mieux.', en: 'Good.' } }, if: { var: 'fine' } },
      { goto: { flow: 'orientation' }, if: { not: { var: 'fine' } } },
    ],
  },
};
const YAML = `id: hello_yaml
version: "2"
title: {fr: Salut, en: Hi}
languages: [fr, en]
start: start
steps:
  start:
    - say: {text: {fr: Salut !, en: Hi!}}
`;

beforeAll(async () => {
  t = await startTestApp();
  for (const org of ['acme', 'bravo']) expect((await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: smallModel() })).statusCode).toBe(200);
  employee = await t.createUser('emma@acme.example', { org: 'acme', role: 'employee' });
  auditor = await t.createUser('aude@acme.example', { org: 'acme', role: 'auditor' });
  outsider = await t.createUser('oscar@bravo.example', { org: 'bravo', role: 'owner' });
});
afterAll(async () => {
  await t?.close();
});

describe('flows', () => {
  it('lists the shipped flows read-only, adds one in JSON and one in YAML, and keeps every revision', async () => {
    const created = await t.request({ method: 'POST', url: '/api/orgs/acme/flows', payload: OWN });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      id: 'hello',
      shipped: false,
      revision: 1,
      revisions: 1,
      steps: 1,
      abilities: { update: true, delete: true, preview: true },
    });
    const yaml = await t.request({ method: 'POST', url: '/api/orgs/acme/flows', payload: YAML, headers: { 'content-type': 'application/yaml' } });
    expect(yaml.statusCode, yaml.body).toBe(201);
    expect(yaml.json()).toMatchObject({ id: 'hello_yaml', version: '2', title: { fr: 'Salut', en: 'Hi' } });
    const again = await t.request({ method: 'PUT', url: '/api/orgs/acme/flows/hello', payload: { ...OWN, version: '2' } });
    expect(again.json()).toMatchObject({ revision: 2, revisions: 2, version: '2', history: [{ revision: 2 }, { revision: 1 }] });
    const list = (await t.request({ method: 'GET', url: '/api/orgs/acme/flows' })).json();
    expect(list.items.map((item: { id: string; shipped: boolean }) => `${item.id}:${item.shipped}`)).toEqual(
      expect.arrayContaining(['assistant:true', 'orientation:true', 'hello:false', 'hello_yaml:false']),
    );
    expect(list.items.find((item: { id: string }) => item.id === 'orientation').abilities).toMatchObject({ update: false, delete: false, preview: true });
    const shipped = await t.request({ method: 'GET', url: '/api/orgs/acme/flows/orientation' });
    expect(shipped.json()).toMatchObject({ id: 'orientation', shipped: true, flow: { start: expect.any(String) } });
  });

  it('refuses to change a shipped flow, a duplicate, and a flow with problems, naming each with its path', async () => {
    const shipped = await t.request({ method: 'PUT', url: '/api/orgs/acme/flows/assistant', payload: { ...OWN, id: 'assistant' } });
    expect(shipped.statusCode).toBe(403);
    expect(shipped.json().error.details[0]).toMatchObject({ rule: 'read_only', value: 'assistant' });
    expect((await t.request({ method: 'DELETE', url: '/api/orgs/acme/flows/orientation' })).statusCode).toBe(403);
    expect((await t.request({ method: 'POST', url: '/api/orgs/acme/flows', payload: OWN })).json().error.details[0]).toMatchObject({ rule: 'duplicate_id' });
    const broken = await t.request({
      method: 'POST',
      url: '/api/orgs/acme/flows',
      payload: { ...OWN, id: 'broken', start: 'nowhere', steps: { start: [{ goto: 'missing' }, { say: { text: { fr: 'seul' } } }] } },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'body.start', rule: 'unknown_step', value: 'nowhere' }),
        expect.objectContaining({ path: 'body.steps.start[0].goto', rule: 'unknown_step', value: 'missing' }),
        expect.objectContaining({ path: 'body.steps.start[1].say.text.en', rule: 'language' }),
      ]),
    );
    const badYaml = await t.request({ method: 'POST', url: '/api/orgs/acme/flows', payload: 'id: [unclosed', headers: { 'content-type': 'application/yaml' } });
    expect(badYaml.json().error.details[0]).toMatchObject({ path: 'body', rule: 'yaml', value: expect.stringContaining('line') });
    const mismatch = await t.request({ method: 'PUT', url: '/api/orgs/acme/flows/hello', payload: { ...OWN, id: 'other' } });
    expect(mismatch.json().error.details[0]).toMatchObject({ rule: 'id_mismatch' });
    const huge = await t.request({
      method: 'POST',
      url: '/api/orgs/acme/flows',
      payload: 'x'.repeat(1_100_000),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(huge.statusCode).toBe(413);
    const hostile = await t.request({ method: 'POST', url: '/api/orgs/acme/flows', payload: { ...OWN, id: 'x\u0000' } });
    expect(hostile.statusCode).toBe(400);
    const xml = await t.request({ method: 'POST', url: '/api/orgs/acme/flows', payload: '<flow/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.statusCode).toBe(415);
  });

  it('keeps each organisation’s flows to itself, and follows the roles', async () => {
    expect((await t.request({ method: 'GET', url: '/api/orgs/bravo/flows/hello', as: outsider.session })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/flows/hello', as: outsider.session })).statusCode).toBe(404);
    expect((await t.request({ method: 'PUT', url: '/api/orgs/bravo/flows/hello', payload: OWN, as: outsider.session })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/flows', as: employee.session })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/flows/hello', as: auditor.session })).statusCode).toBe(200);
    expect((await t.request({ method: 'POST', url: '/api/orgs/acme/flows', payload: { ...OWN, id: 'aud' }, as: auditor.session })).statusCode).toBe(403);
    expect((await t.request({ method: 'POST', url: '/api/orgs/acme/flow-previews', payload: { flow: 'hello' }, as: auditor.session })).statusCode).toBe(403);
  });

  it('starts a key’s conversations with the flow chosen for it, and refuses a flow that does not exist', async () => {
    const created = await t.request({ method: 'POST', url: '/api/orgs/acme/public-keys', payload: { label: 'hello', origins: [SHOP], flow: 'hello' } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().flow).toBe('hello');
    const started = await t.request({
      method: 'POST',
      url: `/api/public/${created.json().key}/conversations`,
      as: null,
      headers: { origin: SHOP },
      payload: { lang: 'fr' },
    });
    expect(started.json().messages).toEqual([{ type: 'text', text: 'Ça va ?', quickReplies: expect.any(Array) }]);
    // The widget reads the key's flow in its handshake (a page without data-flow starts there); a key without one says null.
    const handshake = (key: string) =>
      t.request({ method: 'GET', url: `/api/widget/config?key=${encodeURIComponent(key)}`, as: null, headers: { origin: SHOP } });
    expect((await handshake(created.json().key)).json().flow).toBe('hello');
    const plain = await t.request({ method: 'POST', url: '/api/orgs/acme/public-keys', payload: { label: 'plain', origins: [SHOP] } });
    expect((await handshake(plain.json().key)).json().flow).toBeNull();
    const missing = await t.request({ method: 'POST', url: '/api/orgs/acme/public-keys', payload: { label: 'x', origins: [SHOP], flow: 'nope' } });
    expect(missing.json().error.details[0]).toMatchObject({ path: 'body.flow', rule: 'exists' });
  });
});

describe('preview', () => {
  const count = async (table: 'orientation_records' | 'follow_up_cases') =>
    Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where org_id = 'acme'`.execute(t.database.db)).rows[0].n);

  it('runs the orientation questionnaire to its end and saves no record; hands nothing over', async () => {
    const records = await count('orientation_records');
    const started = await t.request({ method: 'POST', url: '/api/orgs/acme/flow-previews', payload: { flow: 'orientation', lang: 'fr' } });
    expect(started.statusCode, started.body).toBe(201);
    const { id } = started.json();
    const answers = [
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
    let last: { messages: Array<{ text?: string }> } = { messages: [] };
    for (const text of answers) {
      const reply = await t.request({ method: 'POST', url: `/api/orgs/acme/flow-previews/${id}/messages`, payload: { text } });
      expect(reply.statusCode, reply.body).toBe(200);
      last = reply.json();
    }
    expect(last.messages.map((message) => message.text).join(' ')).toContain('téléconsultation');
    expect(await count('orientation_records')).toBe(records);
    const kinds = await sql<{ kind: string }>`select kind from conversations where org_id = 'acme' and id = ${id}`.execute(t.database.db);
    expect(kinds.rows[0].kind).toBe('preview');

    const cases = await count('follow_up_cases');
    const assistant = (await t.request({ method: 'POST', url: '/api/orgs/acme/flow-previews', payload: { flow: 'assistant', lang: 'fr' } })).json();
    await t.request({ method: 'POST', url: `/api/orgs/acme/flow-previews/${assistant.id}/messages`, payload: { text: 'recette de la tarte aux pommes' } });
    const yes = await t.request({ method: 'POST', url: `/api/orgs/acme/flow-previews/${assistant.id}/messages`, payload: { choice: 'yes' } });
    expect(yes.statusCode).toBe(200);
    expect(await count('follow_up_cases')).toBe(cases);
    // A preview is not a staff conversation: the other route does not find it.
    const other = await t.request({ method: 'POST', url: `/api/orgs/acme/assistant/conversations/${assistant.id}/messages`, payload: { choice: 'ask' } });
    expect(other.statusCode).toBe(404);
  });
});
