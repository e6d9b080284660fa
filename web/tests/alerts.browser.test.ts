// Mass notification in a real browser (issue 12), against a real SMTP sink and the local SMS provider: the crisis team
// declares an exercise, composes an alert to the demo's claims hotline (the SMS counted live, the server's refusal
// shown at the text), sends it and watches the deliveries; people answer from the links of the mails they received
// (one needs help, on the no-JavaScript page); the availability board, open meanwhile, moves by itself; a follow-up
// volunteer claims the case, reads and writes its notes and closes it, which the crisis team cannot read. The
// directory's owner adds a person (a wrong mobile refused at its field) and imports a sheet with a wrong row.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmsProvider, type SmsProvider } from '../../test/support/sms-provider.js';
import { mailText, startSmtpSink, type SmtpSink } from '../../test/support/smtp-sink.js';
import { until } from '../../test/support/until.js';
import { launchBrowser, newPage, screenshot, seriousAxeViolations, signIn, startServer, type RunningServer, type TestAccount } from './support.js';

const CRISIS_TEAM: TestAccount = { email: 'nadia.crisis@example.com', name: 'Nadia Crisis', role: 'crisisTeam', password: 'crisis browser password 42' };
const VOLUNTEER: TestAccount = { email: 'victor.follow@example.com', name: 'Victor Follow', role: 'followUp', password: 'follow-up browser password 9' };
const PUBLIC_URL = 'http://rempart.alerts.test';
const LINK = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}(/c/rmpl_[A-Za-z0-9._-]+)`);

let server: RunningServer;
let browser: Browser;
let sink: SmtpSink;
let sms: SmsProvider;
const sessions: Record<string, string> = {};

beforeAll(async () => {
  [sink, sms] = await Promise.all([startSmtpSink(), startSmsProvider()]);
  // The server process takes its settings from the environment it inherits.
  process.env.REMPART_SMTP_URL = sink.url;
  process.env.REMPART_SMS_URL = sms.url;
  process.env.REMPART_PUBLIC_URL = PUBLIC_URL;
  server = await startServer({ accounts: [CRISIS_TEAM, VOLUNTEER] });
  browser = await launchBrowser();
  for (const account of [CRISIS_TEAM, VOLUNTEER]) sessions[account.role] = await signIn(server, account);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await Promise.all([sink?.close(), sms?.close()]);
  delete process.env.REMPART_SMTP_URL;
  delete process.env.REMPART_SMS_URL;
  delete process.env.REMPART_PUBLIC_URL;
});

/** Picks an option of a searchable Mantine multi-select by typing part of its label. */
async function pick(page: Page, scope: Locator, label: string, text: string, option: RegExp) {
  const input = scope.getByRole('combobox', { name: new RegExp(`^${label}`) });
  await input.fill(text);
  await page.getByRole('option', { name: option }).first().click();
  await input.press('Escape');
}

/** The person a mail went to, from the directory (the owner's session). */
async function personOf(address: string): Promise<{ id: string; name: string; mobile: string | null }> {
  const found = await server.fetch(`/api/orgs/demo/people?q=${encodeURIComponent(address)}`);
  return ((await found.json()) as { items: Array<{ id: string; name: string; mobile: string | null }> }).items[0];
}

describe('alerting the staff', () => {
  it(
    'composes and sends an alert, takes answers from the mailed links, moves the board, and follows up the one who needs help',
    { timeout: 240_000 },
    async () => {
      const violations: string[] = [];
      const crisis = await newPage(browser, { server, session: sessions.crisisTeam, bypassCSP: true });
      const page = crisis.page;

      // Declared in the interface, as an exercise.
      await page.goto(`${server.url}/orgs/demo/incidents`);
      await page.getByRole('button', { name: 'Declare an incident' }).click();
      const declare = page.getByRole('dialog', { name: 'Declare an incident' });
      await declare.getByRole('switch', { name: /This is an exercise/ }).check();
      await declare.getByRole('textbox', { name: 'Title' }).fill('Hotline flood drill');
      await declare.getByRole('button', { name: 'Start the exercise' }).click();
      await page.getByRole('heading', { level: 1, name: 'Hotline flood drill' }).waitFor();
      const incident = /\/incidents\/([0-9a-f-]{36})/.exec(page.url())![1];

      // The composer: the claims hotline's staff, e-mail and SMS, the message from the template in both languages.
      await page.getByRole('tab', { name: 'Alerts' }).click();
      await page.getByRole('button', { name: 'Alert the staff' }).click();
      const composer = page.getByRole('dialog', { name: 'Alert the staff' });
      await pick(page, composer, 'People of these activities', 'claims-fnol', /claims-fnol/);
      expect(await composer.getByRole('checkbox', { name: 'E-mail' }).isChecked()).toBe(true);
      await composer.getByRole('checkbox', { name: 'Text message' }).check();
      const emailPreview = composer.getByTestId('email-preview-en');
      expect(await emailPreview.textContent()).toContain(`Answer in one tap:\n${PUBLIC_URL}/c/rmpl_demo.`);
      expect(await composer.getByTestId('sms-preview-fr').textContent()).toMatch(
        /^Un incident est en cours\..* http:\/\/rempart\.alerts\.test\/c\/rmpl_demo\.x{43}$/,
      );
      const counter = composer.getByTestId('sms-count-fr');
      expect(await counter.textContent()).toMatch(/^Text message: \d+ \/ 160 characters/);
      // Too long for one text message: said live, and refused by the server at the French text.
      const french = composer.getByRole('textbox', { name: 'Text (French)' });
      await french.fill('Exercice inondation du plateau. '.repeat(4));
      expect(await counter.textContent()).toContain('Too long by');
      violations.push(...(await seriousAxeViolations(page)));
      await screenshot(page, 'alerts-composer');
      await composer.getByRole('button', { name: 'Send the alert' }).click();
      await composer.getByText('Too long for one text message with its link').waitFor();
      expect(await french.getAttribute('aria-invalid')).toBe('true');
      await french.fill('Exercice inondation : pouvez-vous travailler ?');
      expect(await counter.textContent()).not.toContain('Too long');
      await composer.getByRole('button', { name: 'Send the alert' }).click();
      await composer.waitFor({ state: 'detached' });

      // The delivery progress moves by itself as the mails leave (the first wave is e-mail only).
      const progress = page.locator('[data-alert]').first();
      const recipients = Number(((await progress.locator('[data-count=recipients]').textContent()) ?? '').replace(/\D/g, ''));
      expect(recipients).toBeGreaterThan(10);
      await until(
        'every mail',
        () => sink.mails.length,
        (n) => n >= recipients,
        60_000,
      );
      await until(
        'the progress to show every mail sent',
        async () => (await progress.locator('[data-count=sent]').textContent()) ?? '',
        (text) => text.replace(/\D/g, '') === String(recipients),
        15_000,
      );
      expect(await progress.getByRole('link', { name: 'CAP 1.2 (XML)' }).getAttribute('href')).toMatch(/\/alerts\/[0-9a-f-]{36}\/cap\.xml$/);
      expect(sms.messages).toEqual([]);
      await screenshot(page, 'alerts-progress');

      // The board, before anyone answers.
      await page.getByRole('tab', { name: 'Availability' }).click();
      const summary = page.getByTestId('availability-summary');
      await summary.waitFor();
      expect(await summary.textContent()).toContain(`0 of ${recipients}`);
      await page.getByRole('img', { name: /Answers per activity/ }).waitFor();
      violations.push(...(await seriousAxeViolations(page)));

      // Two people answer from their mails: one works from home (JSON through the link), one needs help (the page).
      const [first, second] = sink.mails;
      const remotePath = LINK.exec(mailText(first.raw))![1];
      const remote = await fetch(`${server.url}${remotePath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'available_remote' }),
      });
      expect(remote.status).toBe(200);
      const helpPath = LINK.exec(mailText(second.raw))![1];
      const person = await newPage(browser, {});
      await person.page.goto(`${server.url}${helpPath}`);
      expect(await person.page.locator('script').count()).toBe(0);
      await person.page.locator('input[value=need_help]').check();
      await person.page.locator('textarea').fill('Broken ankle, cannot travel.');
      await person.page.locator('button[type=submit]').click();
      await person.page.locator('.notice').waitFor();
      await screenshot(person.page, 'alerts-checkin-answered');

      // The board moves by itself.
      await until(
        'the board to move',
        async () => (await summary.textContent()) ?? '',
        (text) => text.includes(`2 of ${recipients}`),
        15_000,
      );
      const row = page.locator('tr[data-activity=claims-fnol]');
      expect(await row.locator('[data-tally=needHelp]').textContent()).toBe('1');
      expect(await row.locator('[data-tally=availableRemote]').textContent()).toBe('1');
      await screenshot(page, 'alerts-board-after');

      // The crisis team sees the queue but not the notes (health data: the follow-up role's alone).
      await page.getByRole('navigation').getByRole('link', { name: 'Follow-up queue' }).click();
      await page.getByRole('heading', { level: 1, name: 'Follow-up queue' }).waitFor();
      await page.getByRole('combobox', { name: 'Incident' }).selectOption(incident);
      await page.locator('[data-case]').first().waitFor();
      expect(await page.getByRole('button', { name: /^Notes/ }).count()).toBe(0);
      // The one refusal the browser reports: the send with the text too long.
      expect(crisis.errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
      expect(person.errors).toEqual([]);
      await crisis.context.close();
      await person.context.close();

      // The volunteer claims the case, calls, reads the person's note, writes one and closes the case.
      const helped = await personOf(second.to[0]);
      const volunteer = await newPage(browser, { server, session: sessions.followUp, bypassCSP: true });
      const vpage = volunteer.page;
      await vpage.goto(`${server.url}/orgs/demo/incidents`);
      await vpage.getByRole('navigation').getByRole('link', { name: 'Follow-up queue' }).click();
      await vpage.getByRole('heading', { level: 1, name: 'Follow-up queue' }).waitFor();
      await vpage.getByRole('combobox', { name: 'Incident' }).selectOption(incident);
      const theCase = vpage.locator('[data-case]', { hasText: helped.name });
      await theCase.waitFor();
      expect(await theCase.textContent()).toContain('Needs help');
      if (helped.mobile)
        expect(await theCase.getByRole('link', { name: `Call ${helped.name} on ${helped.mobile}` }).getAttribute('href')).toBe(`tel:${helped.mobile}`);
      await theCase.getByRole('button', { name: 'Claim' }).click();
      await until(
        'the case to be claimed',
        async () => (await theCase.getByTestId('case-status').textContent()) ?? '',
        (text) => text === 'Claimed',
        10_000,
      );
      await theCase.getByRole('button', { name: /^Notes/ }).click();
      const notes = vpage.getByRole('dialog', { name: `Notes on ${helped.name}` });
      await notes.getByText('Broken ankle, cannot travel.').waitFor();
      await notes.getByRole('textbox', { name: 'New note' }).fill('Called: a colleague drives her home.');
      await notes.getByRole('button', { name: 'Add the note' }).click();
      await notes.getByText('Called: a colleague drives her home.').waitFor();
      violations.push(...(await seriousAxeViolations(vpage)));
      await screenshot(vpage, 'alerts-follow-up-notes');
      await notes.getByRole('button', { name: 'Close' }).click();
      await theCase.getByRole('button', { name: 'Close' }).click();
      const closing = vpage.getByRole('dialog', { name: `Close the case of ${helped.name}` });
      await closing.getByRole('combobox', { name: 'Outcome' }).selectOption('reached');
      await closing.getByRole('button', { name: 'Close the case' }).click();
      await until(
        'the case to be closed',
        async () => (await theCase.getByTestId('case-status').textContent()) ?? '',
        (text) => text === 'Closed',
        10_000,
      );
      violations.push(...(await seriousAxeViolations(vpage)));
      await screenshot(vpage, 'alerts-follow-up-closed');
      // The shell asks for the organisation and its findings, which a follow-up volunteer may not read: nothing else failed.
      expect(volunteer.errors.filter((error) => !error.includes('status of 403 (Forbidden)'))).toEqual([]);
      await volunteer.context.close();
      expect(violations).toEqual([]);
    },
  );

  it('lets the directory’s owner add a person and import a sheet, each refusal at its field or row', { timeout: 120_000 }, async () => {
    const { context, page, errors } = await newPage(browser, { server, bypassCSP: true });
    await page.goto(`${server.url}/orgs/demo`);
    await page.getByRole('navigation').getByRole('link', { name: 'People directory' }).click();
    await page.getByRole('heading', { level: 1, name: 'People directory' }).waitFor();
    const count = page.getByTestId('people-count');
    await count.waitFor();
    expect(await count.textContent()).toMatch(/^100 of 1,\d{3} people shown$/);

    await page.getByRole('button', { name: 'Add a person' }).click();
    const form = page.getByRole('dialog', { name: 'Add a person' });
    await form.getByRole('textbox', { name: 'Id' }).fill('EXT-0001');
    await form.getByRole('textbox', { name: 'Name' }).fill('Zoé Interim');
    await form.getByRole('textbox', { name: 'Mobile' }).fill('06 12 34 56 78');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('Write the mobile in international form').waitFor();
    await form.getByRole('textbox', { name: 'Mobile' }).fill('+33 6 12 34 56 78');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByRole('searchbox', { name: 'Search' }).fill('EXT-0001');
    await page.locator('tr[data-person=EXT-0001]').waitFor();
    expect(await count.textContent()).toBe('1 of 1 people shown');

    // A sheet with a wrong row: nothing imported, the row and column named.
    const sheet =
      'id,name,email,mobile,language,site,activities,remote_capable\nEXT-0002,Yann Temp,yann@demo.rempart.example,,fr,,,no\nEXT-0003,Nobody,,,de,,,no\n';
    await page.locator('input[type=file]').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(sheet) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const problems = page.getByRole('table', { name: 'Problems found in the file' });
    await problems.waitFor();
    expect(await problems.textContent()).toContain('language');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'people-import-refused');
    // The refusals the browser reports: the wrong mobile, the wrong sheet.
    expect(errors).toEqual(Array(2).fill('Failed to load resource: the server responded with a status of 400 (Bad Request)'));
    await context.close();
  });
});
