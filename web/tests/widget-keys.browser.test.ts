// The widget keys page in chromium: an owner creates a key with a start flow and its own branding (refused values
// shown at their fields first), the full-page chat of that key wears the title, colour and greeting and starts with
// the flow; a change of colour reaches the chat, revoking stops it; an auditor reads the keys and changes nothing.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, screenshot, seriousAxeViolations, signIn, startServer, type RunningServer, type TestAccount } from './support.js';

const AUDITOR: TestAccount = { email: 'auditor@demo.rempart.example', name: 'Alex Auditor', role: 'auditor', password: 'auditor browser password 7' };

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ accounts: [AUDITOR] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The full-page chat of a key, as a visitor without an account sees it. */
async function openChat(key: string, lang: 'fr' | 'en'): Promise<{ page: Page; close: () => Promise<void> }> {
  const { context, page } = await newPage(browser, { locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
  await page.goto(`${server.url}/chat/${key}?lang=${lang}`);
  return { page, close: () => context.close() };
}

const headerColour = (page: Page) => page.locator('header').evaluate((element) => getComputedStyle(element).backgroundColor);

describe('widget keys page', () => {
  let key = '';

  it('creates a key with a start flow and branding, and its chat page wears them', async () => {
    const { context, page, errors } = await newPage(browser, { server, bypassCSP: true });
    await page.goto(`${server.url}/orgs/demo/admin/widget`);
    await page.getByRole('heading', { level: 1, name: 'Widget keys' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Widget keys', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Create a key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a widget key' });
    await dialog.getByLabel('Name').fill('Town hall site');
    // The chat page is served by Rempart itself: its own origin must be allowed.
    await dialog.getByLabel('Allowed origins').fill(server.url);
    await expect.poll(() => dialog.getByLabel('Start flow').locator('option[value="orientation"]').count()).toBe(1);
    await dialog.getByLabel('Start flow').selectOption('orientation');
    await dialog.getByLabel('Title (English)').fill('Town hall help');
    await dialog.getByLabel('Title (French)').fill('Aide de la mairie');
    await dialog.getByLabel('Greeting (English)').fill('Hello from the town hall.');
    await dialog.getByLabel('Greeting (French)').fill('Bonjour de la mairie.');
    // Refused first: a colour that is none, a logo that would run script; each said at its field.
    await dialog.getByLabel('Accent colour').fill('red');
    await dialog.getByLabel('Logo address').fill('javascript:alert(1)');
    await dialog.getByRole('button', { name: 'Create a key' }).click();
    await dialog.getByText('Write a colour as #rrggbb, such as #7b2d8b.').waitFor();
    await dialog.getByText('Write an https:// address, without a user name or password.').waitFor();
    await dialog.getByLabel('Accent colour').fill('#7b2d8b');
    await dialog.getByLabel('Logo address').fill('');
    await dialog.getByRole('button', { name: 'Create a key' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const card = page.getByRole('region', { name: 'Town hall site' });
    await card.waitFor();
    expect(await card.getByTestId('key-flow').innerText()).toBe('Covid-19 orientation questionnaire (orientation)');
    expect(await card.getByTestId('key-origins').innerText()).toBe(server.url);
    expect(await card.getByText('Accent colour #7b2d8b').count()).toBe(1);
    const snippet = await card.getByTestId('key-snippet').innerText();
    key = /data-key="(rmpk_demo\.[A-Za-z0-9_-]{22})"/.exec(snippet)?.[1] ?? '';
    expect(key, snippet).not.toBe('');
    expect(snippet).toBe(`<script src="${server.url}/widget.js" data-key="${key}" async></script>`);
    expect(await card.getByRole('link', { name: 'open the chat page' }).getAttribute('href')).toBe(`${server.url}/chat/${key}?lang=en`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'widget-keys-en');
    // The one refused submission is the browser's only complaint.
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    await context.close();

    // The chat page: the key's title, colour and greeting in English, and the orientation questionnaire, not the assistant.
    const english = await openChat(key, 'en');
    await english.page.getByRole('heading', { name: 'Town hall help' }).waitFor();
    expect(await headerColour(english.page)).toBe('rgb(123, 45, 139)');
    await english.page.getByText('Hello from the town hall.').waitFor();
    await english.page.getByText('What was your highest temperature in the last 48 hours?').waitFor({ timeout: 15_000 });
    expect(await english.page.getByText('What is your question?').count()).toBe(0);
    await screenshot(english.page, 'widget-keys-chat-en');
    await english.close();
    const french = await openChat(key, 'fr');
    await french.page.getByRole('heading', { name: 'Aide de la mairie' }).waitFor();
    await french.page.getByText('Bonjour de la mairie.').waitFor();
    await french.close();
  });

  it('changes the colour of a key (the chat follows) and revokes it (the chat stops), in French', async () => {
    const { context, page, errors } = await newPage(browser, { server, locale: 'fr-FR' });
    await page.goto(`${server.url}/orgs/demo/admin/widget`);
    await page.getByRole('heading', { level: 1, name: 'Clés du widget' }).waitFor();
    await page.getByRole('button', { name: 'Modifier la clé Town hall site' }).click();
    const dialog = page.getByRole('dialog', { name: 'Modifier la clé Town hall site' });
    expect(await dialog.getByLabel('Titre (anglais)').inputValue()).toBe('Town hall help');
    await dialog.getByLabel('Couleur d’accent').fill('#0a7d3e');
    await dialog.getByRole('button', { name: 'Enregistrer' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const card = page.getByRole('region', { name: 'Town hall site' });
    await card.getByText('Couleur d’accent #0a7d3e').waitFor();

    const chat = await openChat(key, 'fr');
    await chat.page.getByRole('heading', { name: 'Aide de la mairie' }).waitFor();
    await expect.poll(() => headerColour(chat.page)).toBe('rgb(10, 125, 62)');
    await chat.close();

    await page.getByRole('button', { name: 'Révoquer la clé Town hall site' }).click();
    await page.getByRole('dialog', { name: 'Révoquer la clé Town hall site ?' }).getByRole('button', { name: 'Révoquer' }).click();
    await page.getByTestId('revoked-keys').getByText(`Town hall site (${key})`).waitFor();
    expect(await page.getByRole('region', { name: 'Town hall site' }).count()).toBe(0);
    const stopped = await openChat(key, 'fr');
    await stopped.page.getByRole('alert').filter({ hasText: 'Le service ne répond pas.' }).waitFor({ timeout: 15_000 });
    expect(await stopped.page.getByRole('heading', { name: 'Aide de la mairie' }).count()).toBe(0);
    await stopped.close();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('sets the organisation’s widget name, default language and greetings, which a key without branding shows', async () => {
    const { context, page, errors } = await newPage(browser, { server, bypassCSP: true });
    await page.goto(`${server.url}/orgs/demo/admin/widget`);
    const section = page.getByRole('region', { name: 'The organisation’s widget' });
    await section.waitFor();
    // Refused first, at its field: a widget must offer a language.
    await section.getByRole('checkbox', { name: 'French' }).uncheck();
    await section.getByRole('checkbox', { name: 'English' }).uncheck();
    await section.getByRole('button', { name: 'Save the widget settings' }).click();
    await section.getByText('Offer at least one language.').waitFor();
    await section.getByRole('checkbox', { name: 'English' }).check();
    await section.getByRole('checkbox', { name: 'French' }).check();
    await section.getByLabel('Default language').selectOption('fr');
    await section.getByLabel('Name shown').fill('Demo town help');
    await section.getByLabel('Greeting (French)').fill('Bienvenue à la mairie de démo.');
    await section.getByLabel('Greeting (English)').fill('Welcome to the demo town hall.');
    await section.getByRole('button', { name: 'Save the widget settings' }).click();
    await section
      .getByRole('status')
      .filter({ hasText: /^Saved\.$/ })
      .waitFor();
    const stored = (await (await server.fetch('/api/orgs/demo/widget')).json()) as { name: string; languages: string[]; greeting: Record<string, string> };
    expect(stored).toMatchObject({
      name: 'Demo town help',
      languages: ['fr', 'en'],
      greeting: { fr: 'Bienvenue à la mairie de démo.', en: 'Welcome to the demo town hall.' },
    });
    // Read again, the page shows what was kept.
    await page.reload();
    expect(await page.getByRole('region', { name: 'The organisation’s widget' }).getByLabel('Name shown').inputValue()).toBe('Demo town help');

    // A key without branding of its own: its chat wears the organisation's name and greeting.
    const created = await server.fetch('/api/orgs/demo/public-keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'Plain site', origins: [server.url] }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const plain = ((await created.json()) as { key: string }).key;
    const chat = await openChat(plain, 'fr');
    await chat.page.getByRole('heading', { name: 'Demo town help' }).waitFor();
    await chat.page.getByText('Bienvenue à la mairie de démo.').waitFor();
    await chat.close();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // The refusal above is the browser's only console error (a 400 it logs itself).
    expect(errors.filter((text) => !/status of 400/.test(text))).toEqual([]);
    await context.close();
  });

  it('shows an auditor the keys without a way to create, change or revoke one', async () => {
    const created = await server.fetch('/api/orgs/demo/public-keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'Intranet', origins: ['https://intranet.demo.example'], branding: { accent: '#112233' } }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const session = await signIn(server, AUDITOR);
    const { context, page, errors } = await newPage(browser, { server, session });
    await page.goto(`${server.url}/orgs/demo/admin/widget`);
    const card = page.getByRole('region', { name: 'Intranet' });
    await card.waitFor();
    await card.getByText('Accent colour #112233').waitFor();
    expect(await page.getByText('Your role lets you read these settings, not change them.').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Create a key' }).count()).toBe(0);
    expect(await card.getByRole('button', { name: /Change|Revoke/ }).count()).toBe(0);
    // The organisation's widget settings: read, not changed.
    const section = page.getByRole('region', { name: 'The organisation’s widget' });
    await section.waitFor();
    expect(await section.getByLabel('Name shown').getAttribute('readonly')).not.toBeNull();
    expect(await section.getByRole('button', { name: 'Save the widget settings' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
