// Issue 15's journey in one go, as the people click through it (ISO 22301 8.2, 8.5, 10.1): the continuity manager
// launches a BIA campaign over two demo activities; their owner Claire Morel, signed in on her own, rates an impact of
// her activity and signs it off; the manager checks the rating and approves it. The manager then plans a tabletop
// over the same two activities, starts it, writes an observer's note and completes it with the times the observers
// noted (the hotline back within its RTO, the emergency assistance not) and a lesson that raises a corrective action;
// the action is on the Corrective actions page with the exercise as its source; the exercise report, downloaded as a
// PDF, names the activities, the measured recovery against each RTO and the lesson.
// Nothing is set up through the API: Claire is the owner of "Claims first notice of loss" in the demo data, and her
// account is made with the CLI before the server starts, as an operator would.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, screenshot, signIn, startServer, type RunningServer, type TestAccount } from './support.js';

const MANAGER: TestAccount = { email: 'marc.manager@example.com', name: 'Marc Manager', role: 'continuityManager', password: 'manager journey password 42' };
const OWNER: TestAccount = { email: 'claire.morel@example.com', name: 'Claire Morel', role: 'activityOwner', password: 'claire journey password 42' };

const HOTLINE = 'Claims first notice of loss (claims hotline)';
const ASSISTANCE = '24/7 emergency assistance';
const CAMPAIGN = 'BIA spring 2027';
const EXERCISE = 'Storm tabletop 2027';
const LESSON = 'The assistance team had no access to the backup telephony';
const ACTION = 'Give the assistance team access to the backup telephony';

let server: RunningServer;
let browser: Browser;
const sessions = new Map<string, string>();

beforeAll(async () => {
  server = await startServer({ accounts: [MANAGER, OWNER] });
  browser = await launchBrowser();
  for (const account of [MANAGER, OWNER]) sessions.set(account.email, await signIn(server, account));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A person's own browser, on the dashboard, as after signing in. */
async function signedIn(account: TestAccount) {
  const opened = await newPage(browser, { server, session: sessions.get(account.email) });
  await opened.page.goto(`${server.url}/orgs/demo`);
  return opened;
}

/** Goes to a page through the navigation, as a person does, and waits for its title. */
async function navigate(page: Page, label: string, title = label) {
  await page.getByRole('navigation').getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
}

/** Every page's text, in reading order (the report runs over several pages). */
async function pdfText(bytes: Buffer): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let number = 1; number <= pdf.numPages; number++)
    pages.push((await (await pdf.getPage(number)).getTextContent()).items.map((item) => ('str' in item ? item.str : '')).join(' '));
  return pages.join('\n').replace(/\s+/g, ' ');
}

describe('prove and improve, from the BIA campaign to the exercise report', () => {
  it('launches a campaign, has it signed off and approved, runs a tabletop, follows its action and reads its report', { timeout: 300_000 }, async () => {
    // The manager launches the campaign over two activities, each with its own owner.
    const manager = await signedIn(MANAGER);
    await navigate(manager.page, 'BIA campaigns');
    await manager.page.getByRole('button', { name: 'Launch a campaign' }).click();
    const launch = manager.page.getByRole('dialog');
    await launch.getByLabel(/^Campaign/).fill(CAMPAIGN);
    await launch.getByLabel(/^Due/).fill('2099-03-31');
    await launch.getByLabel('Activities').click();
    await manager.page.getByRole('option', { name: HOTLINE }).click();
    await manager.page.getByRole('option', { name: ASSISTANCE }).click();
    await manager.page.keyboard.press('Escape');
    await launch.getByRole('button', { name: 'Launch a campaign' }).click();
    await launch.waitFor({ state: 'detached' });
    const campaignRow = manager.page.locator('tr', { hasText: CAMPAIGN });
    await expect.poll(() => campaignRow.textContent()).toContain('0 of 2 approved');
    await manager.context.close();

    // Claire, the hotline's owner, finds her task, rates an impact on her activity's page, saves and signs off.
    const owner = await signedIn(OWNER);
    await navigate(owner.page, 'BIA campaigns');
    expect(await owner.page.getByRole('button', { name: 'Launch a campaign' }).count()).toBe(0);
    await owner.page.getByRole('heading', { name: 'My tasks' }).waitFor();
    const task = owner.page.locator('tr[data-task="claims-fnol"]').first();
    expect(await task.textContent()).toContain('To fill in');
    // Only her own activity is her task: the assistance's owner is someone else.
    expect(await owner.page.locator('tr[data-task]').count()).toBe(1);
    await task.getByRole('link', { name: HOTLINE }).click();
    await owner.page.getByRole('heading', { name: HOTLINE, level: 1 }).waitFor();
    // Customer impact after 1 h: from Minor (2) to Moderate (3), her judgement since the last storm.
    const customerAtOneHour = owner.page.getByRole('combobox', { name: 'Customer impact after 1 h' });
    expect(await customerAtOneHour.inputValue()).toBe('2');
    await customerAtOneHour.selectOption('3');
    await owner.page.getByRole('region', { name: 'Save changes' }).getByRole('button', { name: 'Save' }).click();
    await owner.page.getByText('Saved. The suggested MTPD and the findings are up to date.').waitFor();
    await owner.page.goBack();
    const signing = owner.page.locator('tr[data-task="claims-fnol"]').first();
    await signing.getByRole('button', { name: 'Sign off' }).click();
    await expect.poll(() => signing.textContent()).toContain('Signed off');
    expect(await signing.getByRole('button', { name: 'Sign off' }).count()).toBe(0);
    expect(await owner.page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await screenshot(owner.page, 'prove-improve-owner-signed-off');
    expect(owner.errors).toEqual([]);
    await owner.context.close();

    // The manager opens the campaign, checks the rating Claire gave, and approves her activity.
    const reviewer = await signedIn(MANAGER);
    await navigate(reviewer.page, 'BIA campaigns');
    await reviewer.page.getByRole('button', { name: CAMPAIGN }).click();
    const detail = reviewer.page.locator('[data-campaign]');
    const hotlineTask = detail.locator('tr[data-task="claims-fnol"]');
    await expect.poll(() => hotlineTask.textContent()).toContain('Signed off');
    expect(await detail.locator('tr[data-task="emergency-assistance"]').textContent()).toContain('To fill in');
    await hotlineTask.getByRole('link', { name: HOTLINE }).click();
    await reviewer.page.getByRole('heading', { name: HOTLINE, level: 1 }).waitFor();
    expect(await reviewer.page.getByRole('combobox', { name: 'Customer impact after 1 h' }).inputValue()).toBe('3');
    await reviewer.page.goBack();
    await detail.locator('tr[data-task="claims-fnol"]').getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => detail.locator('tr[data-task="claims-fnol"]').textContent()).toContain('Approved');
    await expect.poll(() => reviewer.page.locator('tr', { hasText: CAMPAIGN }).first().textContent()).toContain('1 of 2 approved');
    await detail.getByText(/^Claire Morel.*: 1\/1$/).waitFor();
    await detail.getByText(/^Karim Benali.*: 0\/1$/).waitFor();
    await screenshot(reviewer.page, 'prove-improve-campaign-approved');

    // The manager plans a tabletop over the same activities, starts it and notes what the observers saw.
    await navigate(reviewer.page, 'Exercises', 'Exercise programme');
    await reviewer.page.getByRole('button', { name: 'Plan an exercise' }).click();
    const plan = reviewer.page.getByRole('dialog');
    await plan.getByLabel(/^Exercise/).fill(EXERCISE);
    expect(await plan.getByLabel(/^Kind/).inputValue()).toBe('tabletop');
    await plan.getByLabel(/^Scheduled/).fill('2027-03-10T09:00');
    await plan.getByLabel('Activities exercised').click();
    await reviewer.page.getByRole('option', { name: HOTLINE }).click();
    await reviewer.page.getByRole('option', { name: ASSISTANCE }).click();
    await reviewer.page.keyboard.press('Escape');
    await plan.getByLabel(/^Objectives/).fill('Reroute the claims hotline within its RTO');
    await plan.getByRole('button', { name: 'Plan an exercise' }).click();
    await plan.waitFor({ state: 'detached' });
    const row = reviewer.page.locator('tr', { hasText: EXERCISE });
    await expect.poll(() => row.textContent()).toContain('Planned');
    await row.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => row.textContent()).toContain('Running');
    await row.getByLabel('Observer’s note').fill('Hotline rerouted to Sevilla at 11:00; assistance still without phones at noon');
    await row.getByRole('button', { name: 'Add the note' }).click();
    await row.getByText(/marc.manager@example.com: Hotline rerouted to Sevilla at 11:00/).waitFor();

    // It is completed with the instants the observers noted: 2 h for the hotline (RTO 4 h), 3 h for the assistance (RTO 2 h).
    await row.getByRole('button', { name: 'Complete' }).click();
    const complete = reviewer.page.getByRole('dialog');
    await complete.getByLabel('Reroute the claims hotline within its RTO').selectOption('met');
    await complete.getByLabel(`${HOTLINE}: disrupted at`).fill('2027-03-10T09:00');
    await complete.getByLabel(`${HOTLINE}: recovered at`).fill('2027-03-10T11:00');
    await complete.getByLabel(`${ASSISTANCE}: disrupted at`).fill('2027-03-10T09:00');
    await complete.getByLabel(`${ASSISTANCE}: recovered at`).fill('2027-03-10T12:00');
    await complete.getByLabel('Summary').fill('The hotline came back within its RTO; the emergency assistance did not.');
    await complete.getByLabel('Lesson 1', { exact: true }).fill(LESSON);
    await complete.getByLabel('Corrective action', { exact: true }).fill(ACTION);
    await complete.getByLabel('Owner', { exact: true }).fill('Karim Benali');
    await complete.getByLabel('Due', { exact: true }).fill('2099-06-30');
    await complete.getByRole('button', { name: 'Complete with these results' }).click();
    await complete.waitFor({ state: 'detached' });
    await row.getByText('Objectives met: 1 of 1').waitFor();
    const results = await row.textContent();
    expect(results).toContain('Completed');
    expect(results).toContain(`${HOTLINE}: recovered in 2 h (RTO 4 h) · RTO met · observed`);
    expect(results).toContain(`${ASSISTANCE}: recovered in 3 h (RTO 2 h) · RTO missed · observed`);
    expect(results).toContain(`Lesson: ${LESSON}`);
    expect(await row.getByRole('button', { name: 'Complete' }).count()).toBe(0);
    await screenshot(reviewer.page, 'prove-improve-exercise-completed');

    // The lesson's action is followed on the Corrective actions page, with the exercise as its source.
    await row.getByRole('link', { name: 'corrective action raised' }).click();
    await reviewer.page.getByRole('heading', { name: 'Corrective actions', level: 1 }).waitFor();
    const action = reviewer.page.locator('tr', { hasText: ACTION });
    await action.waitFor();
    const source = action.locator('td').nth(1);
    expect(await source.getByText('Exercise', { exact: true }).count()).toBe(1);
    expect(await source.getByText(EXERCISE, { exact: true }).count()).toBe(1);
    expect(await action.locator('td').nth(2).textContent()).toBe('Karim Benali');
    expect(await action.getByRole('combobox').inputValue()).toBe('open');
    // It is also there with no filter, reached from the navigation.
    await navigate(reviewer.page, 'Corrective actions');
    await expect.poll(() => reviewer.page.locator('tr', { hasText: ACTION }).textContent()).toContain(EXERCISE);
    await screenshot(reviewer.page, 'prove-improve-corrective-action');

    // The exercise report: generated by the server, downloaded, and read back.
    await navigate(reviewer.page, 'Exercises', 'Exercise programme');
    const completed = reviewer.page.locator('tr', { hasText: EXERCISE });
    await completed.getByRole('button', { name: 'Exercise report' }).click();
    await reviewer.page.getByRole('menuitem', { name: 'PDF, with charts' }).click();
    const link = completed.getByRole('link', { name: /^Download exercise-Storm-tabletop-2027-.*\.pdf/ });
    await link.waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([reviewer.page.waitForEvent('download'), link.click()]);
    const bytes = await readFile((await download.path())!);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(bytes);
    expect(text).toContain(EXERCISE);
    expect(text).toContain('Measured recovery against RTO');
    // Each activity's row: its RTO, the recovery measured and whether the RTO was met.
    expect(text).toMatch(new RegExp(`${escape(HOTLINE)} 4 h 2 h yes observers`));
    expect(text).toMatch(new RegExp(`${escape(ASSISTANCE)} 2 h 3 h no observers`));
    expect(text).toContain(LESSON);
    expect(text).toContain(ACTION);
    expect(text).toContain('Hotline rerouted to Sevilla at 11:00');
    expect(reviewer.errors).toEqual([]);
    await reviewer.context.close();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
