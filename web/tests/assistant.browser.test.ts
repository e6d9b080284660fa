// The assistant and the flows in chromium (issues 13 and 14), in French: a member asks who stands in for a lead and
// gets the answer from an approved plan with its citation (plan, version, approval date); on the Flows page the
// shipped orientation questionnaire is taken in the preview (on the server's interpreter) to three outcomes: call 15,
// a teleconsultation, probably not Covid-19. The widget's own test takes the questionnaire once through the public
// key; surveillance's seeds it through the API: this one is the preview's. Axe finds nothing serious on either page.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, seriousAxeViolations, startServer, type RunningServer } from './support.js';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ accounts: [] });
  browser = await launchBrowser();
});
/** A page in French signed in as the demo's owner, its CSP bypassed for axe's script only. */
async function open(path: string) {
  const context = await browser.newContext({ locale: 'fr-FR', bypassCSP: true, viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: 'rempart_session', value: server.session!, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${server.url}${path}`);
  return { page, errors, context };
}

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Types an answer in the conversation and waits for the assistant's reply. */
async function say(page: Page, text: string): Promise<void> {
  const log = page.getByTestId('chat-log');
  const before = await log.locator(':scope > *').count();
  await page.getByLabel('Votre message').fill(text);
  await page.getByRole('button', { name: 'Envoyer' }).click();
  await expect.poll(async () => log.locator(':scope > *').count(), { timeout: 10_000 }).toBeGreaterThan(before + 1);
  await page.waitForFunction(() => !document.querySelector('button[type=submit][data-loading]'));
}

/** Answers the questionnaire until the outcome's words appear (it may end early, as the official rules allow). */
async function takeQuestionnaire(page: Page, answers: readonly string[], outcome: string): Promise<void> {
  const log = page.getByTestId('chat-log');
  for (const answer of answers) {
    if ((await log.innerText()).includes(outcome)) break;
    await say(page, answer);
  }
  expect(await log.innerText()).toContain(outcome);
}

const NO_SYMPTOM = ['37', ...Array(7).fill('non'), '40 ans', '70 kg', '1m75', ...Array(9).fill('non'), '75011'];
const FEVER_AND_COUGH = ['38,5', 'oui', 'non', 'non', 'non', 'non', 'non', 'non', '42 ans', '70 kg', '1m75', ...Array(9).fill('non'), '75011'];
const BREATHLESS = ['37', 'non', 'non', 'non', 'non', 'non', 'oui', 'oui', '70', '80', '180', ...Array(9).fill('non'), '13001'];

describe('the assistant for members', () => {
  it('answers who stands in for a lead from an approved plan, citing it', async () => {
    const { page, errors, context } = await open('/orgs/demo/assistant');
    await page.getByRole('heading', { level: 1, name: 'Assistant' }).waitFor();
    await page.getByTestId('chat-log').getByText('Quelle est votre question ?').waitFor();
    await say(page, 'Qui remplace Sophie Lambert ?');
    const answer = page.getByTestId('chat-answer').first();
    await expect.poll(() => answer.innerText()).toContain('Thomas Girard');
    expect(await answer.getByTestId('chat-citation').innerText()).toMatch(/D’après le plan « .+ », version 1, approuvé le \d{1,2} \S+ \d{4}/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'assistant-plan-answer');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the flows and their preview', () => {
  it('lists the shipped flows with their steps, and takes the orientation questionnaire to three outcomes in French', async () => {
    const records = async () => (await (await server.fetch('/api/orgs/demo/surveillance/records.csv')).text()).trim().split('\n').length;
    const before = await records();
    const { page, errors, context } = await open('/orgs/demo/flows');
    await page.getByRole('heading', { level: 1, name: 'Parcours' }).waitFor();
    await page.getByRole('button', { name: /orientation/ }).click();
    await page.getByTestId('flow-steps').getByText('départ').waitFor();
    expect(await page.getByText('Fourni (lecture seule)').count()).toBeGreaterThanOrEqual(2);
    const log = page.getByTestId('chat-log');
    await log
      .getByText(/température/i)
      .first()
      .waitFor();

    await takeQuestionnaire(page, BREATHLESS, 'Appelez le 15.');
    await page.getByRole('button', { name: 'Recommencer' }).click();
    await expect.poll(async () => (await log.innerText()).includes('Appelez le 15.')).toBe(false);
    await log
      .getByText(/température/i)
      .first()
      .waitFor();
    await takeQuestionnaire(page, FEVER_AND_COUGH, 'Demandez une téléconsultation ou un médecin généraliste ou une visite à domicile (SOS médecins');
    await page.getByRole('button', { name: 'Recommencer' }).click();
    await log
      .getByText(/température/i)
      .first()
      .waitFor();
    await takeQuestionnaire(page, NO_SYMPTOM, 'Votre situation ne relève probablement pas du Covid-19.');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'flows-preview');
    // The three questionnaires of the preview left no record for surveillance.
    expect(await records()).toBe(before);
    expect(errors).toEqual([]);
    await context.close();
  });
});
