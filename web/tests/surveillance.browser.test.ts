// The surveillance dashboard in chromium (issue 13): empty at first, with the reason; then, after questionnaires
// completed through the public conversation API with different answers, the counts per day and per cell, a small cell
// shown as "< k" and never as a figure, k and the retention shown, the CSV exports offered; the owner may change the
// settings, an auditor sees the same figures and no settings control, the crisis team no entry to it; axe finds nothing serious or critical.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, seriousAxeViolations, signIn, startServer, type RunningServer, type TestAccount } from './support.js';

const AUDITOR: TestAccount = { email: 'paul.audit@example.com', name: 'Paul Audit', role: 'auditor', password: 'auditor browser password 42' };
const CRISIS_TEAM: TestAccount = { email: 'nadia.crisis@example.com', name: 'Nadia Crisis', role: 'crisisTeam', password: 'crisis browser password 42' };
const PATH = '/orgs/demo/surveillance';

// Fever and cough, 42, BMI 22.9, no risk factor, Paris 11e: "consultation_surveillance_3", department 75, 15 to 49.
const CONSULTATION = ['38,5', 'oui', 'non', 'non', 'non', 'non', 'non', 'non', '42 ans', '70 kg', '1m75', ...Array(9).fill('non'), '75011'];
// The same at 55: department 75, 50 to 64.
const CONSULTATION_55 = CONSULTATION.map((answer) => (answer === '42 ans' ? '55 ans' : answer));
// 70 years old, breathless and unable to eat or drink, Marseille: "SAMU", department 13, 65 and over.
const EMERGENCY = ['37', 'non', 'non', 'non', 'non', 'non', 'oui', 'oui', '70', '80', '180', ...Array(9).fill('non'), '13001'];

let server: RunningServer;
let browser: Browser;
let auditorSession = '';
let crisisSession = '';

/** A page signed in (the owner's session unless another is given), its CSP bypassed for axe's script only. */
async function open(session = server.session!) {
  const context = await browser.newContext({ locale: 'en-GB', bypassCSP: true, viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: 'rempart_session', value: session, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${server.url}${PATH}`);
  await page.getByRole('heading', { level: 1, name: 'Surveillance' }).waitFor();
  return { page, errors, close: () => context.close() };
}

/** A public key of the demo's (one per questionnaire here: a client may send 120 messages a minute with each key). */
async function newKey(): Promise<string> {
  const created = await server.fetch('/api/orgs/demo/public-keys', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'Surveillance test', origins: [server.url] }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  return ((await created.json()) as { key: string }).key;
}

/** One questionnaire taken to its end through the public API, as the widget would. */
async function complete(key: string, answers: string[]) {
  const headers = { 'content-type': 'application/json', origin: server.url };
  const started = await fetch(`${server.url}/api/public/${key}/conversations`, { method: 'POST', headers, body: '{}' });
  expect(started.status, await started.clone().text()).toBe(201);
  const { id } = (await started.json()) as { id: string };
  let last: Array<{ text: string }> = [];
  for (const text of answers) {
    const response = await fetch(`${server.url}/api/public/${key}/conversations/${id}/messages`, { method: 'POST', headers, body: JSON.stringify({ text }) });
    expect(response.status, await response.clone().text()).toBe(200);
    last = ((await response.json()) as { messages: Array<{ text: string }> }).messages;
  }
  return last;
}

beforeAll(async () => {
  server = await startServer({ accounts: [AUDITOR, CRISIS_TEAM] });
  browser = await launchBrowser();
  auditorSession = await signIn(server, AUDITOR);
  crisisSession = await signIn(server, CRISIS_TEAM);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the surveillance dashboard', () => {
  it('explains the empty state before any questionnaire is completed', async () => {
    const { page, errors, close } = await open();
    await page.getByTestId('surveillance-empty').waitFor();
    expect(await page.getByTestId('surveillance-empty').textContent()).toMatch(/No questionnaire has been completed yet/);
    expect(await page.getByTestId('surveillance-k').textContent()).toBe('Smallest count published: 10');
    expect(await page.getByTestId('surveillance-retention').textContent()).toBe('Records kept 90 days');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('shows the counts of questionnaires completed through the public API, the small cells as "< k"', async () => {
    for (const answers of [CONSULTATION, CONSULTATION, CONSULTATION, CONSULTATION_55, CONSULTATION_55, EMERGENCY]) await complete(await newKey(), answers);

    const { page, errors, close } = await open();
    // The owner lowers k to 2 through the form.
    const k = page.getByRole('textbox', { name: /Smallest count published \(k\)/ });
    await k.fill('2');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.getByTestId('surveillance-k').filter({ hasText: 'Smallest count published: 2' }).waitFor();

    // Three consultations at 42 are published; the single SAMU is below k, and the two consultations at 55 are hidden
    // with it, else the day's total (6) minus the others would give it away.
    const cells = page.getByTestId('surveillance-cells');
    const row = (text: RegExp) => cells.getByRole('row').filter({ hasText: text });
    await row(/15 to 49/)
      .getByText('3', { exact: true })
      .waitFor();
    expect(
      await row(/15 to 49/)
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['75', 'Consultation, surveillance 3', '15 to 49', '3']);
    expect(
      await row(/50 to 64/)
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['75', 'Consultation, surveillance 3', '50 to 64', '< 2']);
    expect(await row(/SAMU/).getByRole('cell').allTextContents()).toEqual(['13', 'Call the SAMU (15)', '65 and over', '< 2']);
    // The day's row: the total, and per orientation, the hidden ones as "< 2", never 5 or 1.
    const day = await page.getByTestId('org-days').getByRole('row').nth(1).getByRole('cell').allTextContents();
    expect(day.slice(1)).toEqual(['6', '0', '0', '0', '< 2', '< 2', '0', '0']);
    expect(await page.getByRole('table', { name: 'By age range' }).getByRole('cell').allTextContents()).toEqual([
      'Under 15',
      '0',
      '15 to 49',
      '3',
      '50 to 64',
      '< 2',
      '65 and over',
      '< 2',
    ]);
    for (const name of ['Export aggregates (CSV)', 'Export records (CSV)'])
      expect(await page.getByRole('link', { name }).getAttribute('href')).toMatch(/^\/api\/orgs\/demo\/surveillance\/(aggregates|records)\.csv$/);
    await page
      .getByRole('img', { name: /Stacked bars/ })
      .locator('canvas')
      .waitFor();
    await screenshot(page, 'surveillance-owner');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('shows an auditor the same figures and no settings control', async () => {
    const { page, errors, close } = await open(auditorSession);
    await page.getByTestId('surveillance-cells').waitFor();
    expect(await page.getByTestId('surveillance-cells').getByText('< 2').count()).toBe(2);
    expect(await page.getByTestId('surveillance-k').textContent()).toBe('Smallest count published: 2');
    await page.getByTestId('surveillance-settings-readonly').waitFor();
    expect(await page.getByRole('textbox', { name: /Smallest count published/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Surveillance' }).count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  it('is not offered to the crisis team, whose role does not read the records', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: 'rempart_session', value: crisisSession, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
    const page = await context.newPage();
    await page.goto(`${server.url}/orgs/demo`);
    await page.getByRole('navigation').getByRole('link', { name: 'Knowledge base' }).waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Surveillance' }).count()).toBe(0);
    await context.close();
  });
});
