// Mass notification in a real browser (issue 12): the crisis team's exercise alerts the demo's claims hotline through a
// real SMTP sink; a person opens the link of the mail they received, answers on the check-in page (no JavaScript, in
// their language); the crisis team's availability board, open meanwhile, moves by itself (live events).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailText, startSmtpSink, type SmtpSink } from '../../test/support/smtp-sink.js';
import { launchBrowser, newPage, screenshot, signIn, startServer, type RunningServer, type TestAccount } from './support.js';

const CRISIS_TEAM: TestAccount = { email: 'nadia.crisis@example.com', name: 'Nadia Crisis', role: 'crisisTeam', password: 'crisis browser password 42' };
const PUBLIC_URL = 'http://rempart.alerts.test';

let server: RunningServer;
let browser: Browser;
let sink: SmtpSink;
let session: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  // The server process takes its settings from the environment it inherits.
  process.env.REMPART_SMTP_URL = sink.url;
  process.env.REMPART_PUBLIC_URL = PUBLIC_URL;
  server = await startServer({ accounts: [CRISIS_TEAM] });
  browser = await launchBrowser();
  session = await signIn(server, CRISIS_TEAM);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.close();
  delete process.env.REMPART_SMTP_URL;
  delete process.env.REMPART_PUBLIC_URL;
});

async function until<T>(what: string, read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('alerting the staff', () => {
  it('sends the mails, takes an answer from a mailed link, and the board moves live', { timeout: 180_000 }, async () => {
    const declared = await server.fetch('/api/orgs/demo/incidents', {
      method: 'POST',
      body: JSON.stringify({ title: 'Hotline flood drill', severity: 'major', exercise: true }),
      headers: { 'content-type': 'application/json' },
    });
    expect(declared.status).toBe(201);
    const incident = ((await declared.json()) as { id: string }).id;
    const sent = await server.fetch(`/api/orgs/demo/incidents/${incident}/alerts`, {
      method: 'POST',
      body: JSON.stringify({
        audience: { activities: ['claims-fnol'] },
        channels: ['email'],
        message: {
          subject: 'Drill',
          text: 'Flood drill: tell us whether you can work.',
          fr: { subject: 'Exercice', text: 'Exercice inondation : pouvez-vous travailler ?' },
        },
      }),
      headers: { 'content-type': 'application/json' },
    });
    expect(sent.status).toBe(202);
    const { recipients } = (await sent.json()) as { recipients: number };
    expect(recipients).toBeGreaterThan(10);
    await until(
      'every mail',
      () => sink.mails.length,
      (n) => n >= recipients,
    );

    // The crisis team watches the board.
    const crisis = await newPage(browser, { server, session });
    await crisis.page.goto(`${server.url}/orgs/demo/incidents/${incident}?tab=availability`);
    const summary = crisis.page.getByTestId('availability-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain(`0 of ${recipients}`);
    await screenshot(crisis.page, 'alerts-board-before');

    // A person opens the link of their mail (the address the server writes, on this test's host) and answers.
    const mail = mailText(sink.mails[0].raw);
    const path = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}(/c/rmpl_[A-Za-z0-9._-]+)`).exec(mail)![1];
    const person = await newPage(browser, {});
    await person.page.goto(`${server.url}${path}`);
    expect(await person.page.locator('script').count()).toBe(0);
    expect(await person.page.locator('input[type=radio]').count()).toBe(4);
    await person.page.locator('input[value=available_remote]').check();
    await person.page.locator('textarea').fill('From home');
    await person.page.locator('button[type=submit]').click();
    await person.page.locator('.notice').waitFor();
    expect(await person.page.locator('input[value=available_remote]').isChecked()).toBe(true);
    await screenshot(person.page, 'alerts-checkin-answered');

    // The board moves by itself.
    await until(
      'the board to move',
      async () => (await summary.textContent()) ?? '',
      (text) => text.includes(`1 of ${recipients}`),
      15_000,
    );
    await screenshot(crisis.page, 'alerts-board-after');
    expect(crisis.errors).toEqual([]);
    expect(person.errors).toEqual([]);
    await crisis.context.close();
    await person.context.close();
  });
});
