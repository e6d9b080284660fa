// Plans and incidents in a real browser (issue 11): a member of the crisis team declares an exercise, activates the
// demo's approved pandemic plan, ticks a task, watches a countdown decrease, writes in the crisis log and closes
// with a review; a plan's approval by its own author is refused with the server's message and another editor
// approves it; an auditor and an activity owner find no control their role does not allow; axe finds nothing
// serious or critical on the new pages.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, screenshot, seriousAxeViolations, signIn, startServer, type RunningServer, type TestAccount } from './support.js';

const CRISIS_TEAM: TestAccount = { email: 'nadia.crisis@example.com', name: 'Nadia Crisis', role: 'crisisTeam', password: 'crisis browser password 42' };
const AUDITOR: TestAccount = { email: 'paul.audit@example.com', name: 'Paul Audit', role: 'auditor', password: 'auditor browser password 42' };
// Claire Morel owns "claims-fnol" in the demo, not "payroll".
const ACTIVITY_OWNER: TestAccount = { email: 'claire.morel@example.com', name: 'Claire Morel', role: 'activityOwner', password: 'claire browser password 42' };
const MANAGER: TestAccount = { email: 'marc.manager@example.com', name: 'Marc Manager', role: 'continuityManager', password: 'manager browser password 42' };

let server: RunningServer;
let browser: Browser;
const sessions = new Map<string, string>();

beforeAll(async () => {
  server = await startServer({ accounts: [CRISIS_TEAM, AUDITOR, ACTIVITY_OWNER, MANAGER] });
  browser = await launchBrowser();
  for (const account of [CRISIS_TEAM, AUDITOR, ACTIVITY_OWNER, MANAGER]) sessions.set(account.email, await signIn(server, account));
  for (const path of ['/api/auth/me', '/api/orgs/demo', '/api/orgs/demo/plans', '/api/orgs/demo/incidents']) await server.fetch(path);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Browser console errors other than HTTP refusals (a refused approval is one). */
const unexpected = (errors: string[]) => errors.filter((text) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(text));

async function openAs(account: TestAccount | 'owner', path: string, bypassCSP = false) {
  const opened = bypassCSP
    ? await openBypassing(account)
    : await newPage(browser, { server, session: account === 'owner' ? undefined : sessions.get(account.email) });
  await opened.page.goto(`${server.url}${path}`);
  return { page: opened.page, errors: opened.errors, close: () => opened.context.close() };
}

/** A context that lets axe's script in (the Content-Security-Policy is bypassed for the test's own script only). */
async function openBypassing(account: TestAccount | 'owner') {
  const context = await browser.newContext({ locale: 'en-GB', bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const session = account === 'owner' ? server.session! : sessions.get(account.email)!;
  await context.addCookies([{ name: 'rempart_session', value: session, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { context, page, errors };
}

/** Picks an option of a searchable Mantine multi-select by typing part of its label. */
async function pick(page: Page, scope: Locator, label: string, text: string, option: RegExp) {
  const input = scope.getByRole('combobox', { name: new RegExp(`^${label}`) });
  await input.fill(text);
  await page.getByRole('option', { name: option }).first().click();
  await input.press('Escape');
}

async function api<T>(account: TestAccount | 'owner', method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const cookie = `rempart_session=${account === 'owner' ? server.session : sessions.get(account.email)}`;
  const me = (await (await fetch(`${server.url}/api/auth/me`, { headers: { cookie } })).json()) as { csrfToken: string };
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { cookie, 'x-csrf-token': me.csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json().catch(() => null)) as T };
}

/** Inputs and buttons that change something, in the page's main area. */
const FIELDS = 'input:not([type=hidden]):enabled, textarea:enabled, select:enabled';
const CHANGING =
  /^(Save|Delete|New plan|Declare an incident|Submit for review|Approve|Send back|Archive|Validate now|Validate with Monte Carlo|Activate|Add the entry|Close the incident|Add a team|Add a contact|Add a step.*)$/;
async function changingButtons(scope: Locator): Promise<string[]> {
  const names = await scope
    .getByRole('button')
    .evaluateAll((buttons) => buttons.map((button) => (button.getAttribute('aria-label') ?? button.textContent ?? '').trim()));
  return names.filter((name) => CHANGING.test(name));
}

describe('an incident from declaration to review', () => {
  it('declares an exercise, activates the pandemic plan, ticks a task, counts down, logs and closes with a review', async () => {
    const { page, errors, close } = await openAs(CRISIS_TEAM, '/orgs/demo/incidents', true);
    const violations: string[] = [];
    await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Incidents' }).waitFor();
    violations.push(...(await seriousAxeViolations(page)));

    await page.getByRole('button', { name: 'Declare an incident' }).click();
    const dialog = page.getByRole('dialog', { name: 'Declare an incident' });
    // The title is required: the server's refusal names it.
    await dialog.getByRole('button', { name: 'Declare the incident' }).click();
    await dialog
      .getByText(/required|at least 1/i)
      .first()
      .waitFor();
    await dialog.getByRole('switch', { name: /This is an exercise/ }).check();
    await dialog.getByRole('textbox', { name: 'Title' }).fill('Pandemic wave: lockdown announced');
    await dialog.getByRole('combobox', { name: 'Severity' }).selectOption('critical');
    await pick(page, dialog, 'Affected activities', 'Claims first', /Claims first notice of loss/);
    await pick(page, dialog, 'Affected activities', 'Payroll', /^Payroll/);
    // Started two hours ago: the claims hotline (MTPD 24 h) has about 22 hours left.
    const start = new Date(Date.now() - 2 * 3_600_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await dialog.getByLabel('Start').fill(start);
    violations.push(...(await seriousAxeViolations(page)));
    await dialog.getByRole('button', { name: 'Start the exercise' }).click();

    await page.getByRole('heading', { level: 1, name: 'Pandemic wave: lockdown announced' }).waitFor();
    await page.getByTestId('exercise-banner').waitFor();
    expect(await page.getByTestId('exercise-badge').count()).toBeGreaterThan(0);
    await page.getByTestId('live-state').filter({ hasText: 'Live' }).waitFor();

    // The countdown of the claims hotline goes down, second by second.
    const countdown = page.locator('[data-activity="claims-fnol"] [data-testid="countdown"]');
    await countdown.waitFor();
    const first = Number(await countdown.getAttribute('data-seconds'));
    expect(first).toBeGreaterThan(21 * 3600);
    expect(first).toBeLessThan(22 * 3600 + 60);
    await page.waitForTimeout(2500);
    const later = Number(await countdown.getAttribute('data-seconds'));
    expect(later).toBeLessThan(first);
    expect(first - later).toBeLessThanOrEqual(5);
    violations.push(...(await seriousAxeViolations(page)));
    await screenshot(page, 'crisis-board');

    // The demo's approved pandemic plan: its steps become tasks.
    await page.getByRole('tab', { name: /^Tasks/ }).click();
    await page.getByRole('combobox', { name: 'Activate an approved plan' }).click();
    await page.getByRole('option', { name: 'Pandemic: mass telework' }).click();
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await page.getByText(/Pandemic: mass telework, version 1: activated by nadia.crisis@example.com/).waitFor();
    const convene = page.locator('tr[data-task="convene"]');
    await convene.waitFor();
    // Due at activation: it stands out as overdue.
    await convene.getByText('Overdue').waitFor();
    await convene.getByRole('checkbox').click();
    await page.locator('tr[data-task="convene"][data-status="done"]').waitFor();
    await convene.getByText(/Done by nadia.crisis@example.com/).waitFor();
    violations.push(...(await seriousAxeViolations(page)));
    await screenshot(page, 'crisis-tasks');

    // The crisis log: the activation and the tick are there; a situation update is appended.
    await page.getByRole('tab', { name: 'Crisis log' }).click();
    await page.locator('[data-kind="activation"]').waitFor();
    await page.locator('[data-kind="task"]').first().waitFor();
    await page.getByRole('textbox', { name: /What happened/ }).fill('Lyon contact centre at 60 % attendance; VPN saturated at 09:10.');
    await page.getByRole('button', { name: 'Add the entry' }).click();
    await page.locator('[data-kind="situation"]').getByText('Lyon contact centre at 60 % attendance').waitFor();
    violations.push(...(await seriousAxeViolations(page)));
    // The export menu's links download the log with the session: CSV and PDF.
    await page.getByRole('button', { name: 'Export the log' }).click();
    for (const name of ['CSV', 'PDF in French']) {
      const href = await page.getByRole('menuitem', { name }).getAttribute('href');
      const response = await page.request.get(server.url + href);
      expect(response.status(), name).toBe(200);
      if (name === 'CSV') expect(await response.text()).toContain('Lyon contact centre at 60 % attendance');
      else expect(response.headers()['content-type']).toBe('application/pdf');
    }
    await page.keyboard.press('Escape');

    // What is known changes: the telephony platform goes down now; the projection counts it from now.
    await page.getByRole('button', { name: 'Change what is known' }).click();
    const change = page.getByRole('dialog', { name: 'Change what is known' });
    await pick(page, change, 'Applications down', 'Telephony', /Telephony and contact centre platform/);
    violations.push(...(await seriousAxeViolations(page)));
    await change.getByRole('button', { name: 'Save' }).click();
    await change.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'If this lasts' }).click();
    const verdict = page.getByTestId('projection-verdict');
    await verdict.getByText(/^Application Telephony and contact centre platform \(ACD\/IVR\) down since /).waitFor();
    await verdict.getByText(/^Activity Claims first notice of loss \(claims hotline\) stopped since /).waitFor();
    violations.push(...(await seriousAxeViolations(page)));

    // Closed with a review: a lesson with its corrective action.
    await page.getByRole('button', { name: 'Close the incident' }).click();
    const closing = page.getByRole('dialog', { name: 'Close the incident' });
    await closing.getByRole('textbox', { name: 'Summary' }).fill('Exercise run end to end; VPN capacity is the bottleneck.');
    await closing.getByRole('textbox', { name: 'Lesson 1' }).fill('The VPN does not carry the contact centre.');
    await closing.getByRole('textbox', { name: 'Corrective action' }).fill('Order 600 more VPN licences');
    await closing.getByRole('button', { name: 'Close with this review' }).click();
    const review = page.getByTestId('review');
    await review.waitFor();
    await review.getByText('Exercise run end to end; VPN capacity is the bottleneck.').first().waitFor();
    await review.locator('[data-activity="claims-fnol"]').waitFor();
    await review.locator('[data-corrective-action]').getByText('Order 600 more VPN licences').waitFor();
    expect(await page.getByRole('button', { name: 'Close the incident' }).count()).toBe(0);
    violations.push(...(await seriousAxeViolations(page)));
    await screenshot(page, 'crisis-review');

    // The list marks it as an exercise, closed.
    await page.getByRole('link', { name: 'Incidents', exact: true }).first().click();
    const row = page.locator('tr[data-exercise="true"]', { hasText: 'Pandemic wave: lockdown announced' });
    await row.getByTestId('exercise-badge').waitFor();
    await row.getByText(/^closed /).waitFor();
    expect(violations).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
    await close();
  });
});

describe('plans', () => {
  it('refuses a plan’s approval to its author with the server’s message; another editor sends it back with a comment, then approves it', async () => {
    const { page, errors, close } = await openAs('owner', '/orgs/demo/plans', true);
    const violations: string[] = [];
    await page.locator('tr[data-plan="pandemic"]').waitFor();
    violations.push(...(await seriousAxeViolations(page)));
    await page.getByRole('button', { name: 'New plan' }).click();
    const dialog = page.getByRole('dialog', { name: 'New plan' });
    await dialog.getByRole('combobox', { name: 'Start from' }).selectOption('ransomware');
    await dialog.getByTestId('template-description').waitFor();
    await dialog.getByRole('textbox', { name: /^Id/ }).fill('ransomware-lyon');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByText('The plan is created as a draft.').waitFor();
    await page.getByRole('heading', { name: 'Steps by phase' }).waitFor();
    violations.push(...(await seriousAxeViolations(page)));
    await screenshot(page, 'plan-editor');

    // A change, saved, then submitted.
    await page.getByRole('textbox', { name: 'Title (English)' }).fill('Ransomware on core applications (Lyon)');
    await page.getByRole('region', { name: 'Save changes' }).getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ransomware on core applications (Lyon)' }).waitFor();
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByTestId('workflow-state').filter({ hasText: 'In review' }).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    const refusal = page.getByTestId('workflow-refusal');
    await refusal.getByText('A plan is approved by someone other than its author.').waitFor();
    await refusal.getByText('You cannot approve your own version').waitFor();

    // Validation by simulation: the table per activity, with the findings in words.
    await page.getByRole('tab', { name: 'Validation by simulation' }).click();
    await page.getByRole('button', { name: 'Validate now' }).click();
    await page.getByTestId('validation-verdict').waitFor();
    await page.locator('tr[data-activity="claims-fnol"]').first().waitFor();
    violations.push(...(await seriousAxeViolations(page)));
    await screenshot(page, 'plan-validation');
    expect(unexpected(errors)).toEqual([]);
    await close();

    // Another continuity manager sends it back with a comment; the author submits it again; then it is approved.
    const manager = await openAs(MANAGER, '/orgs/demo/plans/ransomware-lyon');
    await manager.page.getByRole('button', { name: 'Send back' }).click();
    const back = manager.page.getByRole('dialog', { name: 'Send the version back to its author' });
    await back.getByRole('textbox', { name: 'Comment' }).fill('Name a deputy for the IT lead.');
    await back.getByRole('button', { name: 'Send back' }).click();
    await manager.page.getByTestId('workflow-state').filter({ hasText: 'A draft' }).waitFor();
    await manager.page.getByRole('tab', { name: 'Versions' }).click();
    await manager.page.getByRole('cell', { name: 'Name a deputy for the IT lead.' }).waitFor();
    expect((await api('owner', 'POST', '/api/orgs/demo/plans/ransomware-lyon/submit', {})).status).toBe(200);
    await manager.page.reload();
    await manager.page.getByRole('button', { name: 'Approve' }).click();
    await manager.page.getByTestId('workflow-state').filter({ hasText: 'Approved' }).waitFor();
    await manager.page.getByRole('tab', { name: 'Versions' }).click();
    await manager.page
      .getByText(/marc.manager@example.com, /)
      .first()
      .waitFor();
    expect(unexpected(manager.errors)).toEqual([]);
    await manager.close();
    expect(violations).toEqual([]);
  });
});

describe('the controls follow the abilities the server sends', () => {
  it('gives an auditor plans and incidents to read, with no control to change them', async () => {
    const declared = await api<{ id: string }>('owner', 'POST', '/api/orgs/demo/incidents', {
      title: 'Lyon site flooded',
      severity: 'major',
      activities: ['claims-fnol', 'payroll'],
    });
    expect(declared.status).toBe(201);
    expect((await api('owner', 'POST', `/api/orgs/demo/incidents/${declared.json.id}/plans`, { plan: 'pandemic' })).status).toBe(200);

    const { page, errors, close } = await openAs(AUDITOR, '/orgs/demo/plans');
    await page.locator('tr[data-plan="pandemic"]').waitFor();
    expect(await changingButtons(page.locator('main'))).toEqual([]);
    await page.getByRole('link', { name: 'Pandemic: mass telework' }).click();
    await page.getByRole('heading', { name: 'Steps by phase' }).waitFor();
    await page.getByTestId('read-only-notice').waitFor();
    expect(await page.locator('main').locator(FIELDS).count()).toBe(0);
    expect(await changingButtons(page.locator('main'))).toEqual([]);
    await page.getByRole('tab', { name: 'Validation by simulation' }).click();
    await page.getByRole('tabpanel').waitFor();
    expect(await changingButtons(page.locator('main'))).toEqual([]);

    await page.goto(`${server.url}/orgs/demo/incidents`);
    await page.getByRole('link', { name: 'Lyon site flooded' }).click();
    await page.locator('[data-activity="claims-fnol"] [data-testid="countdown"]').waitFor();
    expect(await page.locator('main').locator(FIELDS).count()).toBe(0);
    expect(await changingButtons(page.locator('main'))).toEqual([]);
    await page.getByRole('tab', { name: /^Tasks/ }).click();
    await page.locator('tr[data-task="convene"]').waitFor();
    expect(await page.locator('main').locator(FIELDS).count()).toBe(0);
    await page.getByRole('tab', { name: 'Crisis log' }).click();
    await page.locator('[data-kind="declaration"]').waitFor();
    expect(await page.locator('main').locator(FIELDS).count()).toBe(0);
    expect(await changingButtons(page.locator('main'))).toEqual([]);
    await screenshot(page, 'crisis-auditor-log');
    expect(unexpected(errors)).toEqual([]);
    await close();
  });

  it('lets an activity owner change the status of their own activity only', async () => {
    const list = await api<{ items: Array<{ id: string; title: string }> }>('owner', 'GET', '/api/orgs/demo/incidents?status=open');
    const incident = list.json.items.find((item) => item.title === 'Lyon site flooded')!;
    const { page, errors, close } = await openAs(ACTIVITY_OWNER, `/orgs/demo/incidents/${incident.id}`);
    await page.locator('[data-activity="payroll"] [data-testid="countdown"]').waitFor();
    // One control on the board: the status of the claims hotline, which Claire owns.
    const mine = page.getByRole('combobox', { name: 'Status of Claims first notice of loss (claims hotline)' });
    await mine.waitFor();
    expect(await page.getByRole('combobox', { name: 'Status of Payroll' }).count()).toBe(0);
    expect(await changingButtons(page.locator('main'))).toEqual([]);
    await mine.selectOption('degraded');
    await page.locator('[data-activity="claims-fnol"] [data-status="degraded"]').waitFor();
    await page.getByRole('tab', { name: /^Tasks/ }).click();
    await page.locator('tr[data-task="convene"]').waitFor();
    expect(await page.locator('main').getByRole('checkbox').count()).toBe(0);
    await page.getByRole('tab', { name: 'Crisis log' }).click();
    await page.locator('[data-kind="status"]').waitFor();
    expect(await page.locator('main').locator(FIELDS).count()).toBe(0);
    expect(unexpected(errors)).toEqual([]);
    await close();
  });
});

describe('in French', () => {
  it('shows the plans and incidents in French, with nothing serious or critical for axe', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', bypassCSP: true, viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: 'rempart_session', value: sessions.get(CRISIS_TEAM.email)!, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
    const page = await context.newPage();
    const violations: string[] = [];
    await page.goto(`${server.url}/orgs/demo/plans`);
    await page.getByRole('heading', { level: 1, name: 'Plans de continuité' }).waitFor();
    await page.getByRole('link', { name: 'Pandémie : télétravail massif' }).click();
    await page.getByRole('heading', { name: 'Étapes par phase' }).waitFor();
    await page.getByRole('heading', { name: 'Alerte', exact: true }).waitFor();
    violations.push(...(await seriousAxeViolations(page)));
    await page.getByRole('tab', { name: 'Validation par simulation' }).click();
    await page.getByRole('tabpanel').waitFor();
    violations.push(...(await seriousAxeViolations(page)));
    await page.goto(`${server.url}/orgs/demo/incidents`);
    await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();
    await page.getByRole('link', { name: 'Lyon site flooded' }).click();
    await page.getByRole('columnheader', { name: 'Temps restant avant la DMIA' }).waitFor();
    violations.push(...(await seriousAxeViolations(page)));
    await page.getByRole('tab', { name: 'Main courante' }).click();
    await page.getByRole('button', { name: 'Ajouter l’entrée' }).waitFor();
    violations.push(...(await seriousAxeViolations(page)));
    await screenshot(page, 'crisis-fr-log');
    expect(violations).toEqual([]);
    await context.close();
  });
});
