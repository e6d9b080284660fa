// Administration in a real browser against the real server: an owner adds a member, and every admin page opens.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, screenshot, startServer, type RunningServer } from './support.js';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const unexpected = (errors: string[]) => errors.filter((text) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(text));

describe('administration', () => {
  it('an owner adds a member with the auditor role and sees them in the list', async (test) => {
    if (!server.credentials) return test.skip();
    const { context, page, errors } = await newPage(browser, { server });
    await page.goto(`${server.url}/orgs/demo`);
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Members and roles' }).click();
    await page.getByRole('heading', { level: 1, name: 'Members and roles' }).waitFor();
    const form = page.getByRole('region', { name: 'Add a member' });
    await form.getByLabel('E-mail address').fill('ines.auditor@example.com');
    await form.getByLabel('Name in this organisation').fill('Inès Auditor');
    await form.getByLabel('Role').selectOption('auditor');
    await form.getByRole('button', { name: 'Add' }).click();
    await page.getByText('Inès Auditor has been added.').waitFor();
    // A new account: its initial password is shown this once.
    expect((await page.getByTestId('initial-password').textContent())?.length).toBeGreaterThan(8);
    const row = page.getByTestId('members').getByRole('row').filter({ hasText: 'ines.auditor@example.com' });
    await row.waitFor();
    expect(await row.getByLabel('Role of Inès Auditor').inputValue()).toBe('auditor');
    await screenshot(page, 'journey-admin-add-member');

    // The other pages of the section open without errors.
    for (const [link, heading] of [
      ['My account', 'My account'],
      ['API tokens', 'API tokens'],
      ['MFA policy', 'MFA policy'],
      ['BIA settings', 'BIA settings'],
      ['Audit log', 'Audit log'],
    ]) {
      await nav.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    }
    // The member's addition is in the audit log.
    await page.getByRole('cell', { name: 'member' }).first().waitFor();
    expect(unexpected(errors)).toEqual([]);
    await context.close();
  });
});
