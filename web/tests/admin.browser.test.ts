// Administration in a real browser against the real server: an owner invites a member who accepts, and every admin page opens.
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
  it('an owner invites a member, who opens the link, chooses a password and joins with the role', async () => {
    if (!server.credentials) throw new Error('the server printed no demo credentials on its first run');
    const { context, page, errors } = await newPage(browser, { server });
    await page.goto(`${server.url}/orgs/demo`);
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Members and roles' }).click();
    await page.getByRole('heading', { level: 1, name: 'Members and roles' }).waitFor();
    const form = page.getByRole('region', { name: 'Invite a member' });
    await form.getByLabel('E-mail address').fill('ines.auditor@example.com');
    await form.getByLabel('Name in this organisation').fill('Inès Auditor');
    await form.getByLabel('Role').selectOption('auditor');
    await form.getByRole('button', { name: 'Invite' }).click();
    await page.getByText('Invitation for ines.auditor@example.com created.').waitFor();
    // The link is shown this once; nobody became a member yet, the invitation waits.
    const link = (await page.getByTestId('invitation-link').textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${server.url}/invitation#demo\\.[A-Za-z0-9_-]{43}$`));
    expect(await page.getByText('initial password', { exact: false }).count()).toBe(0);
    await page.getByTestId('invitations').getByRole('row').filter({ hasText: 'ines.auditor@example.com' }).waitFor();
    expect(await page.getByTestId('members').getByRole('row').filter({ hasText: 'ines.auditor@example.com' }).count()).toBe(0);
    await screenshot(page, 'journey-admin-invite-member');

    // The invited person, in a browser of their own, in French.
    const invitee = await newPage(browser, { locale: 'fr-FR' });
    await invitee.page.goto(link);
    try {
      await invitee.page.getByText('Vous êtes invité à rejoindre').waitFor();
    } finally {
      await screenshot(invitee.page, 'journey-invitation-open-fr');
    }
    expect(new URL(invitee.page.url()).hash).toBe('');
    await invitee.page.getByLabel(/^Nouveau mot de passe\s*\*?$/).fill('the passphrase Ines chose herself');
    await invitee.page.getByLabel(/^Nouveau mot de passe, à nouveau/).fill('the passphrase Ines chose herself');
    await screenshot(invitee.page, 'journey-invitation-accept-fr');
    await invitee.page.getByRole('button', { name: 'Créer mon compte et rejoindre' }).click();
    await invitee.page.waitForURL(/\/orgs\/demo/);
    expect(unexpected(invitee.errors)).toEqual([]);
    await invitee.context.close();

    // Back with the owner: Inès is a member with the role she was invited with, and the invitation is gone.
    await page.reload();
    const row = page.getByTestId('members').getByRole('row').filter({ hasText: 'ines.auditor@example.com' });
    await row.waitFor();
    expect(await row.getByLabel('Role of Inès Auditor').inputValue()).toBe('auditor');
    expect(await page.getByTestId('invitations').count()).toBe(0);

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
    // The invitation and the member's joining are in the audit log.
    await page.getByRole('cell', { name: 'member' }).first().waitFor();
    expect(unexpected(errors)).toEqual([]);
    await context.close();
  });
});
