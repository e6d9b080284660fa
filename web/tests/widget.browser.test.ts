// The embeddable widget in chromium, on a page of another origin with a strict Content-Security-Policy that allows only
// the Rempart server: one script tag, a question answered with its source and date, then the orientation
// questionnaire; no cookie, no CSP violation, the host's styles kept out, axe finds nothing serious; and the
// full-page chat at /chat/{key}.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, ROOT, screenshot, startServer, type RunningServer } from './support.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let server: RunningServer;
let browser: Browser;
let host: Server;
let hostUrl = '';
let key = '';

beforeAll(async () => {
  server = await startServer({ accounts: [] });
  browser = await launchBrowser();
  // The host site: another origin (another host name and port), allowing scripts and requests from Rempart only.
  host = createServer((request, response) => {
    if (request.url === '/host.css') {
      response.writeHead(200, { 'content-type': 'text/css' });
      return response.end('* { color: rgb(255, 0, 0) !important; font-family: serif !important; } button { background: rgb(0, 128, 0); }');
    }
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; script-src ${server.url}; connect-src ${server.url}; style-src 'self'; img-src 'self'`,
    });
    response.end(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Mairie de Test</title><link rel="stylesheet" href="/host.css"></head>
<body><main><h1>Mairie de Test</h1><p>Informations pratiques.</p><button id="host-button" type="button">Bouton du site</button></main>
<script src="${server.url}/widget.js" data-key="${key}" data-lang="fr" data-color="#7b2d8b" async></script></body></html>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://localhost:${(host.address() as AddressInfo).port}`;

  const created = await server.fetch('/api/orgs/demo/public-keys', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'Mairie de Test', origins: [hostUrl, server.url] }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  key = (await created.json()).key;
  const settings = await server.fetch('/api/orgs/demo/widget', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Mairie de Test — assistant', languages: ['fr', 'en'], greeting: { fr: 'Bonjour, je suis l’assistant de la mairie.' } }),
  });
  expect(settings.status, await settings.clone().text()).toBe(200);
  const imported = await server.fetch('/api/orgs/demo/kb.json', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: await readFile(join(ROOT, 'data/kb/demo.json'), 'utf8'),
  });
  expect(imported.status, await imported.clone().text()).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => host?.close(resolve));
  await server?.stop();
});

interface Violation {
  id: string;
  impact: string | null;
  nodes: Array<{ target: unknown[] }>;
}

/** axe over the widget, its shadow root included (run from the test, outside the page's CSP); the host page is not ours to judge. */
async function axe(page: Page): Promise<Violation[]> {
  const source = await readFile(AXE, 'utf8');
  const violations = await page.evaluate(async (script) => {
    (0, eval)(script);
    const run = (window as unknown as { axe: { run: (context: object, options: object) => Promise<{ violations: Violation[] }> } }).axe.run;
    return (await run({ include: [['[data-rempart-widget]']] }, { resultTypes: ['violations'] })).violations;
  }, source);
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** axe over a whole page of the web application. */
async function axeOnPage(page: Page): Promise<Violation[]> {
  const source = await readFile(AXE, 'utf8');
  const violations = await page.evaluate(async (script) => {
    (0, eval)(script);
    const run = (window as unknown as { axe: { run: (context: object, options: object) => Promise<{ violations: Violation[] }> } }).axe.run;
    return (await run(document, { resultTypes: ['violations'] })).violations;
  }, source);
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

describe('the widget on another site', () => {
  it('answers a question with its source and date, then takes the orientation questionnaire, under the host’s strict CSP', async () => {
    const { context, page, errors } = await newPage(browser, { locale: 'fr-FR' });
    await page.goto(hostUrl);
    const launcher = page.getByRole('button', { name: 'Ouvrir l’assistant' });
    await launcher.click();
    await expect.poll(() => page.getByText('Quelle est votre question ?').count()).toBe(1);
    // The organisation's name and greeting come from its widget settings.
    expect(await page.getByRole('heading', { name: 'Mairie de Test — assistant' }).count()).toBe(1);
    expect(await page.getByText('Bonjour, je suis l’assistant de la mairie.').count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('DIV'); // focus is inside the shadow host

    const asked = Date.now();
    await page.getByRole('textbox', { name: 'Votre message' }).fill('quels sont les gestes barrieres');
    await page.keyboard.press('Enter');
    const answer = page.locator('.answer');
    await answer.waitFor();
    const firstAnswerMs = Date.now() - asked;
    console.log(`widget: first answer on screen ${firstAnswerMs} ms after the question (loopback)`);
    expect(firstAnswerMs).toBeLessThan(5000);
    const text = await answer.innerText();
    expect(text).toContain('Quels sont les gestes barrières ?');
    expect(text).toContain('Se laver les mains');
    expect(text).toContain('Source : Santé publique France, publié le 5 mars 2020');
    expect(await answer.getByRole('link', { name: 'Santé publique France' }).getAttribute('href')).toBe('https://www.santepubliquefrance.fr');
    await screenshot(page, 'widget-answer-fr');

    // Styles stay apart: the host's red text and green buttons do not reach the widget; the widget's colour stays in.
    expect(await launcher.evaluate((element) => getComputedStyle(element).color)).toBe('rgb(255, 255, 255)');
    expect(await launcher.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(123, 45, 139)');
    expect(await page.locator('#host-button').evaluate((element) => getComputedStyle(element).backgroundColor)).toBe('rgb(0, 128, 0)');

    expect(await axe(page)).toEqual([]);

    await page.getByRole('button', { name: 'Faire le questionnaire d’orientation Covid-19' }).click();
    await expect.poll(() => page.getByText('Quelle a été votre température la plus élevée ces dernières 48 heures ?').count()).toBe(1);
    expect(await page.getByText('algorithme d’orientation Covid-19 officiel', { exact: false }).count()).toBe(1);
    await page.getByRole('textbox', { name: 'Votre message' }).fill('38,5');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.message.bot').count()).toBeGreaterThan(6);
    await screenshot(page, 'widget-orientation-fr');

    // Escape closes the panel and gives the focus back to the button.
    await page.keyboard.press('Escape');
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');

    expect(await context.cookies()).toEqual([]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(errors.filter((error) => /Content Security Policy|Refused/i.test(error))).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('serves the full-page chat /chat/{key}: a cited answer in English, then an honest "I do not know"', async () => {
    const { context, page } = await newPage(browser, { locale: 'en-GB' });
    await page.goto(`${server.url}/chat/${key}?lang=en`);
    await expect.poll(() => page.getByText('What is your question?').count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('textbox', { name: 'Your message' }).fill('what are the barrier gestures');
    await page.keyboard.press('Enter');
    await page.locator('.answer').waitFor();
    const answer = await page.locator('.answer').innerText();
    expect(answer).toContain('Wash your hands very often');
    expect(answer).toContain('Source: Santé publique France (national public health agency), published on 5 March 2020');
    await page.getByRole('button', { name: 'Ask another question' }).click();
    // The widget takes the next question once the assistant has asked for it (a message sent while it answers is not taken).
    await expect.poll(() => page.getByText('What is your question?').count(), { timeout: 15_000 }).toBe(2);
    await page.getByRole('textbox', { name: 'Your message' }).fill('what is the recipe for apple pie');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText('I do not have a reliable answer to this question in the sources I have.').count(), { timeout: 15_000 }).toBe(1);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'widget-chat-page-en');
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it('shows editors the knowledge base, with the articles to review flagged and a question to try, in French', async () => {
    const { context, page, errors } = await newPage(browser, { locale: 'fr-FR', server });
    await page.goto(`${server.url}/orgs/demo/kb`);
    await page.getByRole('heading', { name: 'Base de connaissances' }).waitFor();
    await page.getByRole('table', { name: 'Base de connaissances' }).waitFor();
    expect(await page.getByTestId('kb-stale-count').innerText()).toBe('2 articles à revoir');
    await page.getByLabel('Seulement les articles à revoir').check();
    await expect.poll(() => page.locator('tr[data-article]').count()).toBe(2);
    await page.getByRole('textbox', { name: 'Essayer une question' }).fill('gestes barrieres');
    await page.getByRole('button', { name: 'Demander' }).click();
    await expect.poll(() => page.getByTestId('kb-try-answers').innerText()).toContain('Quels sont les gestes barrières ?');
    expect(await axeOnPage(page)).toEqual([]);
    await screenshot(page, 'kb-page-fr');
    expect(errors).toEqual([]);
    await context.close();
  });
});
