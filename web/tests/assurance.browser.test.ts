// The exercise programme and corrective actions in a real browser (issue 15): the manager plans and starts a
// tabletop, an auditor finds no control to; then the continuity manager raises one from an audit; its owner (an
// activity owner) finds no control to raise one, marks it done with its evidence; the manager verifies it
// effective; an auditor reads it all with no control; the page reads in French too. Training: the manager launches
// a campaign with a quiz and a person acknowledges it from their personal link, without signing in; a management
// review whose decision becomes a corrective action, signed; a clause marked implemented with the review as evidence,
// reached from the dashboard's programme health, read-only for an auditor.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, screenshot, seriousAxeViolations, signIn, startServer, type RunningServer, type TestAccount } from './support.js';

const MANAGER: TestAccount = { email: 'marc.manager@example.com', name: 'Marc Manager', role: 'continuityManager', password: 'manager browser password 42' };
const OWNER: TestAccount = { email: 'claire.morel@example.com', name: 'Claire Morel', role: 'activityOwner', password: 'claire browser password 42' };
const AUDITOR: TestAccount = { email: 'paul.audit@example.com', name: 'Paul Audit', role: 'auditor', password: 'auditor browser password 42' };

let server: RunningServer;
let browser: Browser;
const sessions = new Map<string, string>();

beforeAll(async () => {
  server = await startServer({ accounts: [MANAGER, OWNER, AUDITOR] });
  browser = await launchBrowser();
  for (const account of [MANAGER, OWNER, AUDITOR]) sessions.set(account.email, await signIn(server, account));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(account: TestAccount, locale = 'en-GB') {
  const opened = await newPage(browser, { server, session: sessions.get(account.email), locale });
  await opened.page.goto(`${server.url}/orgs/demo/corrective-actions`);
  return opened;
}

describe('exercises', () => {
  it('plans a tabletop, starts it, offers the calendar and shows the coverage of critical activities', { timeout: 90_000 }, async () => {
    const { page, errors, context } = await newPage(browser, { server, session: sessions.get(MANAGER.email) });
    await page.goto(`${server.url}/orgs/demo/exercises`);
    await page.getByRole('heading', { name: 'Coverage of critical activities' }).waitFor();
    await page.getByRole('button', { name: 'Plan an exercise' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Exercise/).fill('Claims tabletop');
    await dialog.getByLabel(/^Scheduled/).fill('2027-03-10T09:00');
    await dialog.getByRole('button', { name: 'Plan an exercise' }).click();
    const row = page.locator('tr', { hasText: 'Claims tabletop' });
    await row.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => row.textContent()).toContain('Running');
    const calendar = await page.getByRole('link', { name: 'Calendar (.ics)' }).getAttribute('href');
    expect(calendar).toBe('/api/orgs/demo/exercises.ics');
    expect(await page.locator('text=never exercised').count()).toBeGreaterThan(0);
    await screenshot(page, 'exercises');
    expect(errors).toEqual([]);
    await context.close();
    const auditor = await newPage(browser, { server, session: sessions.get(AUDITOR.email), locale: 'fr-FR' });
    await auditor.page.goto(`${server.url}/orgs/demo/exercises`);
    await auditor.page.getByRole('heading', { name: 'Couverture des activités critiques' }).waitFor();
    expect(await auditor.page.getByRole('button', { name: 'Planifier un exercice' }).count()).toBe(0);
    expect(await auditor.page.locator('tr', { hasText: 'Claims tabletop' }).getByRole('button').filter({ hasNotText: 'Rapport d’exercice' }).count()).toBe(0);
    await auditor.context.close();
  });
  it('plans a live test with injects: the one due at the start goes by itself, a later one to everyone by hand', { timeout: 90_000 }, async () => {
    const { page, errors, context } = await newPage(browser, { server, session: sessions.get(MANAGER.email) });
    await page.goto(`${server.url}/orgs/demo/exercises`);
    await page.getByRole('button', { name: 'Plan an exercise' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Exercise/).fill('Flood live test');
    await dialog.getByLabel(/^Kind/).selectOption('liveTest');
    await dialog.getByLabel(/^Scheduled/).fill('2027-04-10T09:00');
    await dialog.getByRole('button', { name: 'Add an inject' }).click();
    await dialog.getByLabel(/^Message to the players/).fill('The basement is flooded');
    await dialog.getByLabel(/^Players/).selectOption('everyone');
    await dialog.getByLabel(/^Minutes after the start/).fill('30');
    await dialog.getByRole('button', { name: 'Add an inject' }).click();
    await dialog
      .getByLabel(/^Message to the players/)
      .nth(1)
      .fill('The lift is out of order');
    await dialog.getByRole('button', { name: 'Plan an exercise' }).click();
    const row = page.locator('tr', { hasText: 'Flood live test' });
    await row.getByText('+30 min: The basement is flooded').waitFor();
    await row.getByRole('button', { name: 'Start' }).click();
    // The inject due at the start leaves by itself (the server's timed job); the page sees it go.
    await row
      .locator('[data-inject="inject-2"]')
      .getByText(/^sent /)
      .waitFor({ timeout: 20_000 });
    const later = row.locator('[data-inject="inject-1"]');
    await later.getByText(/due .*, sent automatically/).waitFor();
    await later.getByRole('button', { name: 'Send' }).click();
    await later.getByText(/alert sent to the players/).waitFor();
    expect(errors).toEqual([]);
    await context.close();
    const auditor = await newPage(browser, { server, session: sessions.get(AUDITOR.email), locale: 'fr-FR' });
    await auditor.page.goto(`${server.url}/orgs/demo/exercises`);
    await auditor.page
      .locator('tr', { hasText: 'Flood live test' })
      .getByText(/alerte envoyée aux joueurs/)
      .waitFor();
    expect(await auditor.page.locator('tr', { hasText: 'Flood live test' }).getByRole('button').filter({ hasNotText: 'Rapport d’exercice' }).count()).toBe(0);
    await auditor.context.close();
  });
});

describe('BIA campaigns', () => {
  it('is launched by the manager, signed off by the activity owner and approved', { timeout: 90_000 }, async () => {
    const manager = await newPage(browser, { server, session: sessions.get(MANAGER.email) });
    await manager.page.goto(`${server.url}/orgs/demo/bia-campaigns`);
    await manager.page.getByRole('button', { name: 'Launch a campaign' }).click();
    const dialog = manager.page.getByRole('dialog');
    await dialog.getByLabel(/^Campaign/).fill('BIA 2027');
    await dialog.getByLabel(/^Due/).fill('2099-03-31');
    await dialog.getByLabel('Activities').click();
    await manager.page.getByRole('option', { name: /Claims first notice of loss/ }).click();
    await manager.page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Launch a campaign' }).click();
    await manager.page.getByRole('button', { name: 'BIA 2027' }).waitFor();
    await manager.context.close();

    const owner = await newPage(browser, { server, session: sessions.get(OWNER.email) });
    await owner.page.goto(`${server.url}/orgs/demo/bia-campaigns`);
    expect(await owner.page.getByRole('button', { name: 'Launch a campaign' }).count()).toBe(0);
    await owner.page.getByRole('button', { name: 'Sign off' }).click();
    await owner.page.getByRole('cell', { name: 'Signed off' }).waitFor();
    expect(await owner.page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await owner.context.close();

    const again = await newPage(browser, { server, session: sessions.get(MANAGER.email) });
    await again.page.goto(`${server.url}/orgs/demo/bia-campaigns`);
    await again.page.getByRole('button', { name: 'BIA 2027' }).click();
    await again.page.getByRole('button', { name: 'Approve' }).click();
    await again.page.getByText('1 of 1 approved').waitFor();
    await again.page.getByRole('cell', { name: 'Approved', exact: true }).waitFor();
    // The first approved version has no earlier one to tell changes from.
    await again.page.getByText('The first approved version: nothing to compare it with.').waitFor();
    expect(await again.page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await screenshot(again.page, 'bia-campaigns');
    expect(again.errors).toEqual([]);
    await again.context.close();
  });
});

describe('corrective actions', () => {
  it('is raised by the manager, done with evidence by its owner, verified by the manager, read by an auditor', { timeout: 90_000 }, async () => {
    const manager = await open(MANAGER);
    await manager.page.getByRole('button', { name: 'Raise an action' }).click();
    const dialog = manager.page.getByRole('dialog');
    await dialog.getByLabel('Action').fill('Test the call tree at night');
    await dialog.getByLabel('Reference', { exact: true }).fill('Internal audit 2026');
    await dialog.getByLabel('Root cause').fill('Only day shifts were ever called');
    await dialog.getByLabel('Owner').fill('Claire Morel');
    await dialog.getByRole('button', { name: 'Raise an action' }).click();
    const row = manager.page.locator('tr', { hasText: 'Test the call tree at night' });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('Internal audit 2026');
    await manager.context.close();

    const owner = await open(OWNER);
    const ownRow = owner.page.locator('tr', { hasText: 'Test the call tree at night' });
    await ownRow.waitFor();
    expect(await owner.page.getByRole('button', { name: 'Raise an action' }).count()).toBe(0);
    await ownRow.getByLabel('Evidence of effectiveness').fill('Night call on 2 Nov: 96% reached in 25 minutes');
    await ownRow.getByRole('button', { name: 'Save evidence' }).click();
    await expect.poll(() => ownRow.getByRole('button', { name: 'Save evidence' }).isDisabled()).toBe(true);
    await ownRow.getByRole('combobox').selectOption('done');
    await expect.poll(() => ownRow.getByRole('combobox').inputValue()).toBe('done');
    // The owner does not verify their own action.
    expect(await ownRow.getByRole('button', { name: 'Verify: effective' }).count()).toBe(0);
    await owner.context.close();

    const again = await open(MANAGER);
    const doneRow = again.page.locator('tr', { hasText: 'Test the call tree at night' });
    await doneRow.getByRole('button', { name: 'Verify: effective' }).click();
    await expect.poll(() => doneRow.textContent()).toContain('Verified effective by marc.manager@example.com');
    await screenshot(again.page, 'corrective-actions');
    expect(again.errors).toEqual([]);
    await again.context.close();

    const auditor = await open(AUDITOR, 'fr-FR');
    const read = auditor.page.locator('tr', { hasText: 'Test the call tree at night' });
    await read.waitFor();
    expect(await read.textContent()).toContain('Vérifiée');
    expect(await read.getByRole('combobox').count()).toBe(0);
    expect(await read.getByRole('button').count()).toBe(0);
    expect(await auditor.page.getByRole('button', { name: 'Ouvrir une action' }).count()).toBe(0);
    await screenshot(auditor.page, 'corrective-actions-fr');
    await auditor.context.close();
  });
});

describe('training and awareness', () => {
  it('is launched by the manager and acknowledged from a personal link, without signing in', { timeout: 90_000 }, async () => {
    const manager = await newPage(browser, { server, session: sessions.get(MANAGER.email) });
    await manager.page.goto(`${server.url}/orgs/demo/training`);
    await manager.page.getByRole('button', { name: 'Launch a campaign' }).click();
    const dialog = manager.page.getByRole('dialog');
    await dialog.getByLabel(/^Campaign/).fill('Crisis awareness 2027');
    await dialog.getByLabel(/^Due/).fill('2099-03-31');
    await dialog.getByLabel(/^Statement to acknowledge/).fill('I know where the crisis room is');
    await dialog.getByLabel(/^Quiz/).fill('Who declares a crisis? | Anyone | *The crisis director');
    await dialog.getByRole('button', { name: 'Launch a campaign' }).click();
    const link = manager.page.locator('a[data-person]').first();
    const href = (await link.getAttribute('href'))!;
    const path = new URL(href).pathname;
    expect(path).toMatch(/^\/t\/rmpl_demo\./);

    const person = await newPage(browser, { server, bypassCSP: true });
    await person.page.goto(`${server.url}${path}`);
    expect(await seriousAxeViolations(person.page)).toEqual([]);
    await person.page.getByRole('radio', { name: 'The crisis director' }).check();
    await person.page.locator('input[name=acknowledge]').check();
    await person.page.locator('button[type=submit]').click();
    await person.page.getByRole('status').waitFor();
    await person.context.close();

    await manager.page.reload();
    await manager.page
      .locator('[data-campaign]')
      .getByText(/^1 of \d+ completed$/)
      .first()
      .waitFor();
    await screenshot(manager.page, 'training');
    expect(manager.errors).toEqual([]);
    await manager.context.close();
  });
});

describe('management review and clause tracker', () => {
  it('holds a review whose decision becomes a corrective action, then marks clause 9.3 with the review as evidence', { timeout: 120_000 }, async () => {
    const { page, errors, context } = await newPage(browser, { server, session: sessions.get(MANAGER.email), bypassCSP: true });
    await page.goto(`${server.url}/orgs/demo/management-reviews`);
    await page.getByRole('button', { name: 'Create a review' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Review/).fill('Management review 2026');
    await dialog.getByLabel(/^Held on/).fill('2026-12-01');
    await dialog.getByLabel(/^Attendees/).fill('Claire Morel, CEO');
    await dialog.getByRole('button', { name: 'Create a review' }).click();
    await page.getByRole('heading', { name: '1. Actions from previous reviews' }).waitFor();
    await page.getByRole('heading', { name: /Risks above appetite/ }).waitFor();
    await page.getByLabel('Decision', { exact: true }).fill('Exercise the claims hotline at night');
    await page.getByRole('button', { name: 'Record the decision' }).click();
    await page.getByRole('link', { name: 'Exercise the claims hotline at night' }).waitFor();
    await page.getByLabel('Signed by (name)').fill('Claire Morel, CEO');
    await page.getByRole('button', { name: 'Close and sign' }).click();
    await page.getByText(/Closed and signed by Claire Morel, CEO/).waitFor();
    expect(await page.getByRole('button', { name: 'Record the decision' }).count()).toBe(0);
    await screenshot(page, 'management-review');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Exercise the claims hotline at night' }).click();
    const action = page.locator('tr', { hasText: 'Exercise the claims hotline at night' });
    await expect.poll(() => action.textContent()).toContain('Management review 2026');

    await page.goto(`${server.url}/orgs/demo`);
    await page.getByRole('heading', { name: 'Programme health' }).waitFor();
    await page.locator('[data-health=clauses]').getByRole('link', { name: 'Clauses implemented' }).click();
    await page.getByRole('button', { name: '9.3 Management review' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel('Status').click();
    await page.getByRole('option', { name: 'Implemented' }).click();
    await form.getByLabel('Owner').fill('Claire Morel');
    await form.getByLabel('Management review: Management review 2026').check();
    await form.getByRole('button', { name: 'Save' }).click();
    const row = page.locator('tr[data-clause="9.3"]');
    await expect.poll(() => row.textContent()).toContain('Implemented');
    expect(await row.textContent()).toContain('Management review: Management review 2026');
    await screenshot(page, 'clauses');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();

    const auditor = await newPage(browser, { server, session: sessions.get(AUDITOR.email), locale: 'fr-FR' });
    await auditor.page.goto(`${server.url}/orgs/demo/clauses`);
    const read = auditor.page.locator('tr[data-clause="9.3"]');
    await expect.poll(() => read.textContent()).toContain('Mise en œuvre');
    expect(await auditor.page.getByRole('button', { name: /Revue de direction/ }).count()).toBe(0);
    await auditor.context.close();
  });
});
