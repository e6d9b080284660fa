// Running an exercise to its end in a real browser (issue 15, ISO 22301 8.5): the continuity manager plans a tabletop
// with objectives, starts it, writes an observer's note, completes it with the objectives met or not, the times the
// observers noted and a lesson with its corrective action; after a reload the page shows the note and the results as
// the server measured them (recovery against the activity's RTO); an auditor reads them in French, with no control.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, screenshot, seriousAxeViolations, signIn, startServer, type RunningServer, type TestAccount } from './support.js';

const MANAGER: TestAccount = { email: 'marc.manager@example.com', name: 'Marc Manager', role: 'continuityManager', password: 'manager browser password 42' };
const AUDITOR: TestAccount = { email: 'paul.audit@example.com', name: 'Paul Audit', role: 'auditor', password: 'auditor browser password 42' };

let server: RunningServer;
let browser: Browser;
const sessions = new Map<string, string>();

beforeAll(async () => {
  server = await startServer({ accounts: [MANAGER, AUDITOR] });
  browser = await launchBrowser();
  for (const account of [MANAGER, AUDITOR]) sessions.set(account.email, await signIn(server, account));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('exercise results', () => {
  it('takes an observer’s note and the results of a tabletop, and keeps them', { timeout: 120_000 }, async () => {
    // CSP bypassed only so that axe can be injected into the page.
    const { page, errors, context } = await newPage(browser, { server, session: sessions.get(MANAGER.email), bypassCSP: true });
    await page.goto(`${server.url}/orgs/demo/exercises`);
    await page.getByRole('button', { name: 'Plan an exercise' }).click();
    const plan = page.getByRole('dialog');
    await plan.getByLabel(/^Exercise/).fill('Hotline tabletop');
    await plan.getByLabel(/^Scheduled/).fill('2027-03-10T09:00');
    await plan.getByLabel('Activities exercised').click();
    await page.getByRole('option', { name: /Claims first notice of loss/ }).click();
    await page.keyboard.press('Escape');
    await plan.getByLabel(/^Objectives/).fill('Reroute the hotline within an hour\nCall every open claimant back');
    await plan.getByRole('button', { name: 'Plan an exercise' }).click();
    const row = page.locator('tr', { hasText: 'Hotline tabletop' });
    await row.getByRole('button', { name: 'Start' }).click();

    // An observer's note while it runs.
    await row.getByLabel('Observer’s note').fill('Hotline rerouted to the backup site at 09:40');
    await row.getByRole('button', { name: 'Add the note' }).click();
    await row.getByText(/marc.manager@example.com: Hotline rerouted to the backup site at 09:40/).waitFor();
    await expect.poll(() => row.getByLabel('Observer’s note').inputValue()).toBe('');

    await row.getByRole('button', { name: 'Complete' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reroute the hotline within an hour').selectOption('met');
    await dialog.getByLabel('Call every open claimant back').selectOption('notMet');
    const disrupted = dialog.getByLabel(/disrupted at$/);
    const recovered = dialog.getByLabel(/recovered at$/);
    await disrupted.fill('2027-03-10T09:00');
    // Recovered before it was disrupted: said at the field, and not sent.
    await recovered.fill('2027-03-10T08:00');
    await dialog.getByText('Recovered before it was disrupted').waitFor();
    expect(await dialog.getByRole('button', { name: 'Complete with these results' }).isDisabled()).toBe(true);
    await recovered.fill('2027-03-10T11:00');
    await dialog.getByLabel('Summary').fill('The hotline came back well within its RTO; call-backs lagged.');
    await dialog.getByLabel('Lesson 1', { exact: true }).fill('Nobody owned the call-back list');
    await dialog.getByLabel('Corrective action', { exact: true }).fill('Name an owner for the call-back list');
    await dialog.getByLabel('Owner', { exact: true }).fill('Claire Morel');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Complete with these results' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.reload();
    const after = page.locator('tr', { hasText: 'Hotline tabletop' });
    await after.getByText('Objectives met: 1 of 2').waitFor();
    const text = await after.textContent();
    expect(text).toContain('Completed');
    expect(text).toContain('Met: Reroute the hotline within an hour');
    expect(text).toContain('Not met: Call every open claimant back');
    expect(text).toContain('Claims first notice of loss (claims hotline): recovered in 2 h (RTO 4 h) · RTO met · observed');
    expect(text).toContain('marc.manager@example.com: Hotline rerouted to the backup site at 09:40');
    expect(text).toContain('The hotline came back well within its RTO; call-backs lagged.');
    expect(text).toContain('Lesson: Nobody owned the call-back list');
    await after.getByRole('link', { name: 'corrective action raised' }).click();
    await page.locator('tr', { hasText: 'Name an owner for the call-back list' }).waitFor();
    await page.goBack();
    const completed = page.locator('tr', { hasText: 'Hotline tabletop' });
    await completed.getByText('Objectives met: 1 of 2').waitFor();
    expect(await completed.getByRole('button', { name: 'Complete' }).count()).toBe(0);
    expect(await completed.getByLabel('Observer’s note').count()).toBe(0);
    await screenshot(page, 'exercise-results');
    expect(errors).toEqual([]);
    await context.close();

    const auditor = await newPage(browser, { server, session: sessions.get(AUDITOR.email), locale: 'fr-FR' });
    await auditor.page.goto(`${server.url}/orgs/demo/exercises`);
    const read = auditor.page.locator('tr', { hasText: 'Hotline tabletop' });
    await read.getByText('Objectifs atteints : 1 sur 2').waitFor();
    const french = await read.textContent();
    expect(french).toContain('Non atteint : Call every open claimant back');
    expect(french).toContain('RTO tenu · observée');
    expect(french).toContain('Enseignement : Nobody owned the call-back list');
    expect(await read.getByRole('button').filter({ hasNotText: 'Rapport d’exercice' }).count()).toBe(0);
    expect(auditor.errors).toEqual([]);
    await auditor.context.close();
  });

  it('offers no note or completion to an auditor while an exercise runs', { timeout: 60_000 }, async () => {
    const manager = await newPage(browser, { server, session: sessions.get(MANAGER.email) });
    await manager.page.goto(`${server.url}/orgs/demo/exercises`);
    await manager.page.getByRole('button', { name: 'Plan an exercise' }).click();
    const plan = manager.page.getByRole('dialog');
    await plan.getByLabel(/^Exercise/).fill('Walkthrough under way');
    await plan.getByLabel(/^Kind/).selectOption('walkthrough');
    await plan.getByLabel(/^Scheduled/).fill('2027-05-10T09:00');
    await plan.getByRole('button', { name: 'Plan an exercise' }).click();
    const row = manager.page.locator('tr', { hasText: 'Walkthrough under way' });
    await row.getByRole('button', { name: 'Start' }).click();
    await row.getByRole('button', { name: 'Complete' }).waitFor();
    await manager.context.close();

    const auditor = await newPage(browser, { server, session: sessions.get(AUDITOR.email) });
    await auditor.page.goto(`${server.url}/orgs/demo/exercises`);
    const read = auditor.page.locator('tr', { hasText: 'Walkthrough under way' });
    await read.getByText('Running').waitFor();
    expect(await read.getByLabel('Observer’s note').count()).toBe(0);
    expect(await read.getByRole('button', { name: 'Complete' }).count()).toBe(0);
    await auditor.context.close();
  });
});
