// The assistant for signed-in members on a real database: staff articles and answers drawn from the approved plans
// (site status from the open incidents, deputies, contacts), each citing its plan; the public never sees either; "I
// don't know" offers the organisation's contact and, only with a yes, hands the question over to the follow-up
// queue (a public caller gives one way to be reached); conversations stay with the member who started them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loadDemoKb } from '../../src/operations/kb.js';
import { installDemoPlans } from '../../src/operations/plans.js';
import { smallModel, startTestApp, type TestApp, type TestResponse, type TestUser } from '../support/app.js';

let t: TestApp;
let employee: TestUser;
let volunteer: TestUser;
let outsider: TestUser;
let key = '';
const SHOP = 'https://www.acme.example';

type Message = Record<string, unknown> & { type: string; text?: string };

beforeAll(async () => {
  t = await startTestApp();
  for (const org of ['acme', 'bravo']) {
    const response = await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: smallModel() });
    expect(response.statusCode, response.body).toBe(200);
  }
  await loadDemoKb(t.database.db, 'acme');
  await installDemoPlans(t.database.db, 'acme');
  employee = await t.createUser('emma@acme.example', { org: 'acme', role: 'employee', displayName: 'Emma Employee' });
  volunteer = await t.createUser('victor@acme.example', { org: 'acme', role: 'followUp', displayName: 'Victor Volunteer' });
  outsider = await t.createUser('oscar@bravo.example', { org: 'bravo', role: 'owner', displayName: 'Oscar Outsider' });
  const person = await t.request({
    method: 'POST',
    url: '/api/orgs/acme/people',
    payload: { name: 'Emma Employee', email: 'emma@acme.example', language: 'fr', site: 'paris', activities: ['claims'] },
  });
  expect(person.statusCode, person.body).toBe(201);
  const created = await t.request({ method: 'POST', url: '/api/orgs/acme/public-keys', payload: { label: 'site', origins: [SHOP] } });
  expect(created.statusCode, created.body).toBe(201);
  key = created.json().key;
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const as = (user: TestUser) => user.session;

async function staffAsk(question: string, lang = 'fr', user: TestUser = employee): Promise<{ id: string; messages: Message[] }> {
  const started = await t.request({ method: 'POST', url: '/api/orgs/acme/assistant/conversations', payload: { lang }, as: as(user) });
  expect(started.statusCode, started.body).toBe(201);
  const { id } = started.json();
  const reply = await t.request({ method: 'POST', url: `/api/orgs/acme/assistant/conversations/${id}/messages`, payload: { text: question }, as: as(user) });
  expect(reply.statusCode, reply.body).toBe(200);
  return { id, messages: reply.json().messages };
}

const publicPost = (url: string, payload: unknown): Promise<TestResponse> =>
  t.request({ method: 'POST', url, as: null, headers: { origin: SHOP }, payload: payload as object });

async function publicAsk(question: string, lang = 'fr'): Promise<{ id: string; messages: Message[] }> {
  const started = await publicPost(`/api/public/${key}/conversations`, { lang, flow: 'assistant' });
  expect(started.statusCode, started.body).toBe(201);
  const { id } = started.json();
  const reply = await publicPost(`/api/public/${key}/conversations/${id}/messages`, { text: question });
  expect(reply.statusCode, reply.body).toBe(200);
  return { id, messages: reply.json().messages };
}

const answers = (messages: Message[]) => messages.filter((message) => message.type === 'answer');
const questionCases = async () =>
  (await sql<{ n: string }>`select count(*) as n from follow_up_cases where org_id = 'acme' and reason = 'question'`.execute(t.database.db)).rows[0].n;

describe('staff conversations', () => {
  it('answers a member from staff-only articles, which the public never sees', async () => {
    const staff = await staffAsk('qui peut encore venir sur site');
    expect(answers(staff.messages).map((answer) => answer.id)).toContain('staff-site-access');
    const open = await publicAsk('qui peut encore venir sur site');
    expect(answers(open.messages).map((answer) => answer.id)).not.toContain('staff-site-access');
    expect(open.messages.every((message) => !('plan' in message) || message.plan === null)).toBe(true);
  });

  it('says the site is open when no incident touches it, and cites nothing it did not read', async () => {
    const { messages } = await staffAsk('est-ce que je peux venir au bureau demain ?');
    expect(answers(messages)[0]).toMatchObject({
      id: 'plans:office',
      text: 'Aucun incident en cours ne touche le site Paris : il est ouvert.',
      source: 'Incidents en cours',
    });
    expect(answers(messages)[0].plan).toBeUndefined();
  });

  it('answers from the plans: who stands in for a lead, and who to call, each citing the plan, its version and approval date', async () => {
    const deputy = await staffAsk('qui remplace Sophie Lambert ?');
    expect(answers(deputy.messages)[0]).toMatchObject({
      type: 'answer',
      text: expect.stringContaining('Sophie Lambert, Director of Communications est remplacé(e), dans l’ordre, par : 1. Thomas Girard'),
      plan: { id: expect.any(String), title: expect.any(String), version: 1, approvedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
    });
    expect(answers(deputy.messages)[0].published).toBe((answers(deputy.messages)[0].plan as { approvedAt: string }).approvedAt);
    const contacts = await staffAsk('who do I call?', 'en');
    const first = answers(contacts.messages)[0];
    expect(first).toMatchObject({
      id: expect.stringMatching(/^plans:contacts:/),
      question: 'Who do I call?',
      html: expect.stringContaining('<li>Crisis hotline — 24/7 crisis line — +33 1 40 00 00 00</li>'),
    });
    expect(first.source).toBe((first.plan as { title: string }).title);
  });

  it('tells a member their site is closed by an open incident, with the instructions of the plan activated for it', async () => {
    const declared = await t.request({
      method: 'POST',
      url: '/api/orgs/acme/incidents',
      payload: { title: 'Incendie Paris', severity: 'major', sites: ['paris'] },
    });
    expect(declared.statusCode, declared.body).toBe(201);
    const incident = declared.json().id;
    const activated = await t.request({ method: 'POST', url: `/api/orgs/acme/incidents/${incident}/plans`, payload: { plan: 'site-loss' } });
    expect(activated.statusCode, activated.body).toBeLessThan(300);
    try {
      const { messages } = await staffAsk('je peux aller au bureau ?');
      const answer = answers(messages)[0];
      expect(answer).toMatchObject({
        id: 'plans:office:site-loss',
        text: expect.stringContaining('Le site Paris est indisponible : l’incident en cours « Incendie Paris » le touche.'),
        plan: { id: 'site-loss', version: 1 },
      });
      expect(answer.text).toContain('(plan activé)');
      expect(answer.html).toContain('<li>');
      // The public asking the same gets nothing from the plans nor the incidents.
      const open = await publicAsk('je peux aller au bureau ?');
      expect(JSON.stringify(open.messages)).not.toContain('Incendie Paris');
    } finally {
      const closed = await t.request({ method: 'POST', url: `/api/orgs/acme/incidents/${incident}/close`, payload: {} });
      expect(closed.statusCode, closed.body).toBeLessThan(300);
    }
  });

  it('keeps a member’s conversation theirs: another member, another organisation or a public key gets 404', async () => {
    const { id } = await staffAsk('qui appeler');
    const url = `/api/orgs/acme/assistant/conversations/${id}/messages`;
    expect((await t.request({ method: 'POST', url, payload: { choice: 'ask' }, as: as(volunteer) })).statusCode).toBe(404);
    expect(
      (await t.request({ method: 'POST', url: `/api/orgs/bravo/assistant/conversations/${id}/messages`, payload: { choice: 'ask' }, as: as(outsider) }))
        .statusCode,
    ).toBe(404);
    expect((await publicPost(`/api/public/${key}/conversations/${id}/messages`, { choice: 'ask' })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url, payload: { choice: 'ask' }, as: as(outsider) })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url, payload: { choice: 'ask' }, as: null })).statusCode).toBe(401);
    expect((await t.request({ method: 'POST', url, payload: { choice: 'ask' }, as: as(employee) })).statusCode).toBe(200);
  });

  it('refuses oversized, malformed and hostile messages with the path and rule', async () => {
    const { id } = await staffAsk('qui appeler');
    const url = `/api/orgs/acme/assistant/conversations/${id}/messages`;
    const big = await t.request({ method: 'POST', url, payload: { text: 'x'.repeat(20_000) }, as: as(employee) });
    expect(big.statusCode).toBe(413);
    const both = await t.request({ method: 'POST', url, payload: { text: 'a', choice: 'b' }, as: as(employee) });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.details[0]).toMatchObject({ rule: 'one_of' });
    const nul = await t.request({ method: 'POST', url, payload: { text: 'a\u0000b' }, as: as(employee) });
    expect(nul.json().error.details[0]).toMatchObject({ path: 'body.text', rule: 'invalid_text' });
    const badId = await t.request({
      method: 'POST',
      url: '/api/orgs/acme/assistant/conversations/not-a-uuid/messages',
      payload: { text: 'a' },
      as: as(employee),
    });
    expect(badId.statusCode).toBe(400);
    const badFlow = await t.request({ method: 'POST', url: '/api/orgs/acme/assistant/conversations', payload: { flow: '../etc' }, as: as(employee) });
    expect(badFlow.json().error.details[0]).toMatchObject({ path: 'body.flow' });
    const script = await t.request({ method: 'POST', url, payload: { text: '<script>alert(1)</script> qui remplace Sophie ?' }, as: as(employee) });
    expect(script.statusCode).toBe(200);
    expect(script.body).not.toContain('<script>');
  });
});

describe('"I don’t know", and the handoff only with consent', () => {
  const UNKNOWN = 'quelle est la recette de la tarte aux pommes';

  it('says so, names the contact, and opens no case on a no', async () => {
    const before = await questionCases();
    const { id, messages } = await publicAsk(UNKNOWN);
    expect(messages.map((message) => message.text)).toEqual([
      'Je n’ai pas de réponse sûre à cette question dans les sources dont je dispose.',
      'Vous pouvez joindre la cellule de crise : 01 70 00 00 00 · crise@demo.rempart.example.',
      'Voulez-vous qu’une personne de l’organisation vous réponde ? Votre question lui sera transmise, seulement si vous dites oui.',
    ]);
    const no = await publicPost(`/api/public/${key}/conversations/${id}/messages`, { text: 'non merci' });
    expect(no.json().messages.at(-1)).toMatchObject({ text: 'Que voulez-vous faire maintenant ?' });
    // An answer that is neither yes nor no is asked again, not taken for consent.
    const again = await publicAsk(UNKNOWN);
    const unclear = await publicPost(`/api/public/${key}/conversations/${again.id}/messages`, { text: 'peut-être' });
    expect(unclear.json().messages[0].text).toBe('Je n’ai pas compris : répondez par oui ou par non.');
    expect(await questionCases()).toBe(before);
  });

  it('with a yes, asks a public caller how to reach them and hands the question over with that alone', async () => {
    const { id } = await publicAsk(UNKNOWN);
    const yes = await publicPost(`/api/public/${key}/conversations/${id}/messages`, { choice: 'yes' });
    expect(yes.json().messages[0].text).toContain('Une adresse e-mail ou un numéro de téléphone suffit');
    const contact = await publicPost(`/api/public/${key}/conversations/${id}/messages`, { text: 'lea@example.org' });
    expect(contact.json().messages.map((message: Message) => message.text)).toEqual([
      'C’est transmis : quelqu’un reviendra vers vous.',
      'Que voulez-vous faire maintenant ?',
    ]);
    const list = await t.request({ method: 'GET', url: '/api/orgs/acme/follow-up/questions', as: as(volunteer) });
    expect(list.statusCode, list.body).toBe(200);
    const found = list.json().items.find((item: { contact: string }) => item.contact === 'lea@example.org');
    expect(found).toMatchObject({
      question: UNKNOWN,
      requester: 'public',
      language: 'fr',
      status: 'open',
      consentedAt: expect.any(String),
      abilities: { update: true },
    });
    // The volunteer claims and closes it; another organisation does not see it.
    const claimed = await t.request({ method: 'POST', url: `/api/orgs/acme/follow-up/questions/${found.id}`, payload: { action: 'claim' }, as: as(volunteer) });
    expect(claimed.json()).toMatchObject({ status: 'claimed', claimedBy: expect.any(String) });
    const closed = await t.request({
      method: 'POST',
      url: `/api/orgs/acme/follow-up/questions/${found.id}`,
      payload: { action: 'close', outcome: 'reached' },
      as: as(volunteer),
    });
    expect(closed.json()).toMatchObject({ status: 'closed', outcome: 'reached' });
    const elsewhere = await t.request({
      method: 'POST',
      url: `/api/orgs/bravo/follow-up/questions/${found.id}`,
      payload: { action: 'claim' },
      as: as(outsider),
    });
    expect(elsewhere.statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/orgs/bravo/follow-up/questions', as: as(outsider) })).json().items).toEqual([]);
  });

  it('hands a member’s question over with their account’s address, without asking for one', async () => {
    const { id } = await staffAsk(UNKNOWN);
    const yes = await t.request({ method: 'POST', url: `/api/orgs/acme/assistant/conversations/${id}/messages`, payload: { text: 'oui' }, as: as(employee) });
    expect(yes.json().messages[0].text).toBe('C’est transmis : quelqu’un reviendra vers vous.');
    const list = (await t.request({ method: 'GET', url: '/api/orgs/acme/follow-up/questions?status=open', as: as(volunteer) })).json().items;
    expect(list.find((item: { contact: string }) => item.contact === 'emma@acme.example')).toMatchObject({ requester: 'staff', question: UNKNOWN });
    // Employees do not read the queue.
    expect((await t.request({ method: 'GET', url: '/api/orgs/acme/follow-up/questions', as: as(employee) })).statusCode).toBe(403);
  });
});
