// The web app follows the abilities the server sends (issue 9, item 7): signed in as an activity owner, an auditor
// and a member of the crisis team, a real browser finds no control to create, change, delete, import or run what
// the role may not, and the activity owner still edits their own activity. The owner's view checks the checks.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, screenshot, signIn, startServer, type RunningServer, type TestAccount } from './support.js';

// Claire Morel owns "claims-fnol" in the demo ("Claire Morel, Head of Claims Hotline (Lyon)"), not "fraud-investigation".
const ACTIVITY_OWNER: TestAccount = { email: 'claire.morel@example.com', name: 'Claire Morel', role: 'activityOwner', password: 'claire browser password 42' };
const AUDITOR: TestAccount = { email: 'paul.audit@example.com', name: 'Paul Audit', role: 'auditor', password: 'auditor browser password 42' };
const CRISIS_TEAM: TestAccount = { email: 'nadia.crisis@example.com', name: 'Nadia Crisis', role: 'crisisTeam', password: 'crisis browser password 42' };
const MINE = 'claims-fnol';
const THEIRS = 'fraud-investigation';

let server: RunningServer;
let browser: Browser;
const sessions = new Map<string, string>();

beforeAll(async () => {
  server = await startServer({ accounts: [ACTIVITY_OWNER, AUDITOR, CRISIS_TEAM] });
  browser = await launchBrowser();
  for (const account of [ACTIVITY_OWNER, AUDITOR, CRISIS_TEAM]) sessions.set(account.email, await signIn(server, account));
  // A server that has just started compiles and caches on its first requests (the machine is shared): warm it.
  for (const path of [
    '/api/auth/me',
    '/api/orgs',
    '/api/orgs/demo',
    '/api/orgs/demo/findings',
    `/api/orgs/demo/activities/${THEIRS}`,
    '/api/orgs/demo/risks?limit=1',
  ])
    await server.fetch(path);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Browser console errors other than HTTP refusals. */
const unexpected = (errors: string[]) => errors.filter((text) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(text));

/** Inputs, text areas and selects one could type in or choose from (hidden form values aside). */
const FIELDS = 'input:not([type=hidden]):enabled, textarea:enabled, select:enabled';
/** Buttons that change something, by their English label. */
const CHANGING =
  /^(Save|Save the matrix|Delete|Delete the scenario…|Discard changes|New activity|New risk|New scenario|New site|Simulate now|Run the Monte Carlo|Find the cheapest strategies|Import the spreadsheet|Import the register|Replace the model…|Add a staff entry|Add a treatment|Add a disruption|Use the suggested MTPD.*)$/;

async function changingButtons(scope: Locator): Promise<string[]> {
  const names = await scope
    .getByRole('button')
    .evaluateAll((buttons) => buttons.map((button) => (button.getAttribute('aria-label') ?? button.textContent ?? '').trim()));
  return names.filter((name) => CHANGING.test(name));
}

/** Nothing in the page's main area can be typed in, chosen or sent. */
async function expectReadOnly(page: Page): Promise<void> {
  const main = page.locator('main');
  expect(await main.locator(FIELDS).count()).toBe(0);
  expect(await changingButtons(main)).toEqual([]);
  expect(await page.getByRole('region', { name: 'Save changes' }).count()).toBe(0);
}

async function openAs(account: TestAccount | 'owner', path: string): Promise<{ page: Page; close: () => Promise<void>; errors: string[] }> {
  const { context, page, errors } = await newPage(browser, { server, session: account === 'owner' ? undefined : sessions.get(account.email) });
  await page.goto(`${server.url}${path}`);
  return { page, errors, close: () => context.close() };
}

/** What the API says the caller may do to an activity (the page must agree). */
async function activityAbilities(account: TestAccount, id: string): Promise<Record<string, boolean>> {
  const response = await fetch(`${server.url}/api/orgs/demo/activities/${id}`, { headers: { cookie: `rempart_session=${sessions.get(account.email)}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { abilities: Record<string, boolean> }).abilities;
}

describe('the controls follow the abilities the server sends', () => {
  it('shows the owner every control (the checks below can see them)', async () => {
    const { page, errors, close } = await openAs('owner', `/orgs/demo/activities/${THEIRS}`);
    await page.getByRole('heading', { level: 1, name: 'Fraud detection and investigation' }).waitFor();
    await page.getByRole('region', { name: 'Save changes' }).waitFor();
    expect(await page.locator('main').locator(FIELDS).count()).toBeGreaterThan(20);
    expect(await changingButtons(page.locator('main'))).toEqual(expect.arrayContaining(['Delete', 'Save', 'Add a staff entry']));
    expect(await page.getByTestId('read-only-notice').count()).toBe(0);
    expect(unexpected(errors)).toEqual([]);
    await close();
  });

  it('gives an activity owner a read-only page for another owner’s activity', async () => {
    expect(await activityAbilities(ACTIVITY_OWNER, THEIRS)).toEqual({ update: false, delete: false });
    const { page, errors, close } = await openAs(ACTIVITY_OWNER, `/orgs/demo/activities/${THEIRS}`);
    await page.getByRole('heading', { level: 1, name: 'Fraud detection and investigation' }).waitFor();
    await page.getByTestId('read-only-notice').waitFor();
    // The impact grid, the objectives and the dependencies are still shown, disabled.
    expect(await page.locator('main').locator('select:disabled').count()).toBeGreaterThan(10);
    await expectReadOnly(page);
    await screenshot(page, 'abilities-activity-owner-other-activity');
    expect(unexpected(errors)).toEqual([]);
    await close();
  });

  it('lets an activity owner change their own activity, but not delete it', async () => {
    expect(await activityAbilities(ACTIVITY_OWNER, MINE)).toEqual({ update: true, delete: false });
    const { page, errors, close } = await openAs(ACTIVITY_OWNER, `/orgs/demo/activities/${MINE}`);
    await page.getByRole('heading', { level: 1, name: 'Claims first notice of loss (claims hotline)' }).waitFor();
    const main = page.locator('main');
    expect(await main.locator(FIELDS).count()).toBeGreaterThan(20);
    expect(await page.getByTestId('read-only-notice').count()).toBe(0);
    expect(await changingButtons(main)).not.toContain('Delete');
    await main.getByRole('textbox', { name: 'Description', exact: true }).fill('Checked by Claire in the browser test.');
    await page.getByRole('region', { name: 'Save changes' }).getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved. The suggested MTPD and the findings are up to date.').waitFor();
    await screenshot(page, 'abilities-activity-owner-own-activity');
    expect(unexpected(errors)).toEqual([]);
    await close();
  });

  it('shows an activity owner the lists, the register and the library without a way to add, change or delete', async () => {
    const { page, errors, close } = await openAs(ACTIVITY_OWNER, '/orgs/demo/activities');
    await page.getByRole('heading', { level: 1, name: 'Activities' }).waitFor();
    await page.getByRole('link', { name: 'Fraud detection and investigation' }).waitFor();
    expect(await changingButtons(page.locator('main'))).toEqual([]);

    await page.goto(`${server.url}/orgs/demo/sites`);
    await page.getByRole('heading', { level: 1, name: 'Sites' }).waitFor();
    await page
      .getByRole('button', { name: /^View / })
      .first()
      .waitFor();
    expect(await page.getByRole('button', { name: /^(Edit|Delete) / }).count()).toBe(0);
    expect(await changingButtons(page.locator('main'))).toEqual([]);
    await page
      .getByRole('button', { name: /^View / })
      .first()
      .click();
    const drawer = page.getByRole('dialog', { name: /^View:? site$/ });
    await drawer.getByTestId('read-only-notice').waitFor();
    expect(await drawer.locator(FIELDS).count()).toBe(0);
    expect(await changingButtons(drawer)).toEqual([]);
    await screenshot(page, 'abilities-activity-owner-site');

    for (const [path, heading] of [
      ['/orgs/demo/risks', 'Risk register'],
      ['/orgs/demo/scenarios', 'Scenarios'],
    ]) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.locator('main a').first().waitFor();
      expect(await changingButtons(page.locator('main'))).toEqual([]);
    }
    expect(unexpected(errors)).toEqual([]);
    await close();
  });

  it('gives an auditor the risk register, a risk and the risk matrix read-only', async () => {
    const { page, errors, close } = await openAs(AUDITOR, '/orgs/demo/risks');
    await page.getByRole('heading', { level: 1, name: 'Risk register' }).waitFor();
    await page.locator('[data-risk]').first().waitFor();
    expect(await changingButtons(page.locator('main'))).toEqual([]);
    await page.getByRole('link', { name: /(See|View) the risk matrix/ }).waitFor();

    await page.locator('[data-risk] a').first().click();
    await page.getByRole('heading', { name: 'Rating history' }).waitFor();
    await page.getByTestId('read-only-notice').waitFor();
    await expectReadOnly(page);
    await screenshot(page, 'abilities-auditor-risk');

    await page.goto(`${server.url}/orgs/demo/risk-matrix`);
    await page.getByRole('heading', { level: 1, name: 'Risk matrix' }).waitFor();
    await page.getByTestId('read-only-notice').waitFor();
    await expectReadOnly(page);
    await page.getByRole('tab', { name: /^Likelihood/ }).click();
    await expectReadOnly(page);
    expect(unexpected(errors)).toEqual([]);
    await close();
  });

  it('lets an auditor read scenarios and runs but not create, change, delete or run them', async () => {
    const { page, errors, close } = await openAs(AUDITOR, '/orgs/demo/scenarios');
    await page.getByRole('heading', { level: 1, name: 'Scenarios' }).waitFor();
    await page.locator('[data-scenario]').first().waitFor();
    expect(await changingButtons(page.locator('main'))).toEqual([]);

    await page.goto(`${server.url}/orgs/demo/scenarios/pandemic-lockdown`);
    await page.getByRole('tab', { name: 'Simulation' }).waitFor();
    await page.getByText('Your role lets you').first().waitFor();
    await expectReadOnly(page);
    for (const tab of ['Uncertainty (Monte Carlo)', 'Recommended strategies', 'Runs']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByRole('tabpanel').waitFor();
      await expectReadOnly(page);
    }
    // The definition is there to read, every field disabled.
    expect(await page.getByRole('tab', { name: 'Edit' }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Definition' }).click();
    await page.getByTestId('read-only-notice').waitFor();
    expect(await page.locator('main').locator('input:disabled, select:disabled, textarea:disabled').count()).toBeGreaterThan(3);
    await expectReadOnly(page);
    await screenshot(page, 'abilities-auditor-scenario');
    expect(unexpected(errors)).toEqual([]);
    await close();
  });

  it('gives a crisis-team member no way to change an activity, run a scenario or import', async () => {
    const { page, errors, close } = await openAs(CRISIS_TEAM, `/orgs/demo/activities/${MINE}`);
    await page.getByRole('heading', { level: 1, name: 'Claims first notice of loss (claims hotline)' }).waitFor();
    await page.getByTestId('read-only-notice').waitFor();
    await expectReadOnly(page);

    await page.goto(`${server.url}/orgs/demo/scenarios/pandemic-lockdown?tab=uncertainty`);
    await page.getByRole('tab', { name: 'Uncertainty (Monte Carlo)' }).waitFor();
    await page
      .getByText(/^Your role lets you .* not start new ones\.$/)
      .first()
      .waitFor();
    await expectReadOnly(page);

    await page.goto(`${server.url}/orgs/demo/exchange`);
    await page.getByRole('heading', { level: 1, name: 'Import and export' }).waitFor();
    await page.getByTestId('no-import').first().waitFor();
    expect(await page.getByTestId('no-import').count()).toBe(3);
    expect(await page.locator('main').locator('input[type=file], button[aria-haspopup]').count()).toBe(0);
    await expectReadOnly(page);
    // Exports stay open to every reader.
    await page.getByRole('link', { name: 'Export activities (XLSX)' }).waitFor();
    await screenshot(page, 'abilities-crisis-team-exchange');
    expect(unexpected(errors)).toEqual([]);
    await close();
  });
});
