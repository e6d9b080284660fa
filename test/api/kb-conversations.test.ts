// The crisis assistant's answers in conversations, through the public API on a real database: the shipped assistant
// flow searches the organisation's knowledge base, shows each answer with its source and dates (a stale one flagged),
// says honestly when it does not know, names the organisation's contact and offers to hand the question over, never shows staff-only articles to the
// public, follows writes at once, and hands over to the orientation questionnaire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoKb } from '../../src/operations/kb.js';
import { smallModel, startTestApp, type TestApp, type TestResponse } from '../support/app.js';

let t: TestApp;
const SHOP = 'https://www.acme.example';
let key = '';

beforeAll(async () => {
  t = await startTestApp();
  for (const org of ['acme', 'bravo']) {
    const response = await t.request({ method: 'PUT', url: `/api/orgs/${org}/model`, payload: smallModel() });
    expect(response.statusCode, response.body).toBe(200);
  }
  await loadDemoKb(t.database.db, 'acme');
  const created = await t.request({ method: 'POST', url: '/api/orgs/acme/public-keys', payload: { label: 'site', origins: [SHOP] } });
  expect(created.statusCode, created.body).toBe(201);
  key = created.json().key;
});
afterAll(async () => {
  await t?.close();
});

const post = (url: string, payload: unknown): Promise<TestResponse> =>
  t.request({ method: 'POST', url, as: null, headers: { origin: SHOP }, payload: payload as object });
const start = (lang: string) => post(`/api/public/${key}/conversations`, { lang, flow: 'assistant' });
const say = (id: string, payload: unknown) => post(`/api/public/${key}/conversations/${id}/messages`, payload);

async function ask(lang: string, question: string) {
  const started = await start(lang);
  expect(started.statusCode, started.body).toBe(201);
  const { id } = started.json();
  const reply = await say(id, { text: question });
  expect(reply.statusCode, reply.body).toBe(200);
  return { id, messages: reply.json().messages as Array<Record<string, unknown>> };
}

describe('answers in conversations', () => {
  it('greets, asks for a question, and answers with the source, its address and its dates', async () => {
    const started = await start('fr');
    expect(started.json().messages.map((message: { text?: string }) => message.text)).toEqual([
      expect.stringContaining('en citant chaque fois la source et sa date'),
      'Quelle est votre question ?',
    ]);
    const { messages } = await ask('fr', 'quels sont les gestes barrieres');
    expect(messages[0]).toEqual({
      type: 'answer',
      id: 'barrier-gestures',
      question: 'Quels sont les gestes barrières ?',
      text: expect.stringContaining('Se laver les mains'),
      html: expect.stringContaining('<ul><li>'),
      source: 'Santé publique France',
      url: 'https://www.santepubliquefrance.fr',
      published: '2020-03-05',
      reviewBy: '2027-06-30',
      stale: false,
    });
    expect(messages.at(-1)).toMatchObject({ type: 'text', text: 'Que voulez-vous faire maintenant ?', quickReplies: expect.any(Array) });
  });

  it('shows an answer past its review date with its dates, flagged', async () => {
    const { messages } = await ask('en', 'sick pay if I have covid');
    expect(messages[0]).toMatchObject({ type: 'answer', id: 'sick-leave-official-en', published: '2020-03-10', reviewBy: '2021-06-30', stale: true });
  });

  it('says it does not know, and names the organisation’s contact, rather than guessing', async () => {
    const { messages } = await ask('fr', 'quelle est la recette de la tarte aux pommes');
    expect(messages.map((message) => message.text)).toEqual([
      'Je n’ai pas de réponse sûre à cette question dans les sources dont je dispose.',
      'Vous pouvez joindre la cellule de crise : 01 70 00 00 00 · crise@demo.rempart.example.',
      'Voulez-vous qu’une personne de l’organisation vous réponde ? Votre question lui sera transmise, seulement si vous dites oui.',
    ]);
  });

  it('never shows staff-only articles through the public API', async () => {
    const { messages } = await ask('fr', 'qui peut encore venir sur site');
    expect(messages.map((message) => message.id)).not.toContain('staff-site-access');
    const signedIn = await t.request({ method: 'GET', url: `/api/orgs/acme/kb/search?q=${encodeURIComponent('qui peut encore venir sur site')}&lang=fr` });
    expect(signedIn.json().answers[0].id).toBe('staff-site-access');
  });

  it('finds an article written a moment ago, and forgets a removed one', async () => {
    const article = {
      id: 'vaccination-centre',
      lang: 'en',
      question: 'Where is the nearest vaccination centre?',
      answer: 'At the town hall, every morning.',
      source: 'Town hall',
      published: '2021-01-18',
      audience: 'public',
    };
    expect((await t.request({ method: 'POST', url: '/api/orgs/acme/kb/articles', payload: article })).statusCode).toBe(201);
    expect((await ask('en', 'where is the vaccination centre')).messages[0]).toMatchObject({
      id: 'vaccination-centre',
      url: null,
      reviewBy: null,
      stale: false,
    });
    expect((await t.request({ method: 'DELETE', url: '/api/orgs/acme/kb/articles/vaccination-centre' })).statusCode).toBe(204);
    expect((await ask('en', 'where is the vaccination centre')).messages[0].type).toBe('text');
  });

  it('asks another question, or hands over to the orientation questionnaire', async () => {
    const { id } = await ask('en', 'what are the barrier gestures');
    const again = await say(id, { choice: 'ask' });
    expect(again.json().messages).toEqual([{ type: 'text', text: 'What is your question?' }]);
    await say(id, { text: 'emergency number' });
    const orientation = await say(id, { text: 'questionnaire' });
    expect(orientation.json().messages[0].text).toContain('official French Covid-19 orientation algorithm');
  });

  it('keeps each organisation’s knowledge base to its own keys', async () => {
    const other = await t.request({ method: 'POST', url: '/api/orgs/bravo/public-keys', payload: { label: 'b', origins: [SHOP] } });
    const started = await post(`/api/public/${other.json().key}/conversations`, { lang: 'fr', flow: 'assistant' });
    const reply = await post(`/api/public/${other.json().key}/conversations/${started.json().id}/messages`, { text: 'quels sont les gestes barrieres' });
    expect(reply.json().messages.map((message: { text?: string }) => message.text)).toEqual([
      'Je n’ai pas de réponse sûre à cette question dans les sources dont je dispose.',
      'Reformulez votre question, ou adressez-vous à votre interlocuteur habituel.',
      'Voulez-vous qu’une personne de l’organisation vous réponde ? Votre question lui sera transmise, seulement si vous dites oui.',
    ]);
  });
});

describe('the full-page chat', () => {
  it('serves /chat/{key} as a page loading the widget in page mode, and refuses what is not a key', async () => {
    const page = await t.request({ method: 'GET', url: `/chat/${key}?lang=en&flow=orientation`, as: null });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain(`<script src="/widget.js" data-key="${key}" data-lang="en" data-mode="page" data-flow="orientation" async></script>`);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    for (const bad of ['not-a-key', 'rmpk_"><script>alert(1)</script>'])
      expect((await t.request({ method: 'GET', url: `/chat/${encodeURIComponent(bad)}`, as: null })).body).not.toContain('<script>alert(1)</script>');
    const hostile = await t.request({ method: 'GET', url: `/chat/${key}?lang=de&flow=${encodeURIComponent('"><x')}`, as: null });
    expect(hostile.body).toContain('data-lang="fr"');
    expect(hostile.body).not.toContain('"><x');
  });
});
