// The BIA campaign's mail in a real browser, with a real SMTP sink: the manager launches a campaign over two demo
// activities and reads on the campaign whom the owners' mail reached and whom it could not, with why, in French too.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtp-sink.js';
import { until } from '../../test/support/until.js';
import { launchBrowser, newPage, seriousAxeViolations, signIn, startServer, type RunningServer, type TestAccount } from './support.js';

const MANAGER: TestAccount = { email: 'marc.manager@example.com', name: 'Marc Manager', role: 'continuityManager', password: 'manager browser password 42' };

let server: RunningServer;
let browser: Browser;
let sink: SmtpSink;
let session: string;

interface Mailing {
  sent: Array<{ to: string }>;
  skipped: Array<{ owner: string }>;
}

beforeAll(async () => {
  sink = await startSmtpSink();
  // The server process takes its settings from the environment it inherits.
  process.env.REMPART_SMTP_URL = sink.url;
  process.env.REMPART_PUBLIC_URL = 'https://rempart.bia-mail.example';
  server = await startServer({ accounts: [MANAGER] });
  browser = await launchBrowser();
  session = await signIn(server, MANAGER);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.close();
  delete process.env.REMPART_SMTP_URL;
  delete process.env.REMPART_PUBLIC_URL;
});

describe('BIA campaign mail', () => {
  it('shows on the campaign whom the owners’ mail reached and whom it skipped', { timeout: 90_000 }, async () => {
    const launched = await server.fetch('/api/orgs/demo/bia-campaigns', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'BIA mail', due: '2099-05-31', activities: ['claims-fnol', 'crisis-communications', 'treasury-payments'] }),
    });
    expect(launched.status).toBe(201);
    const id = ((await launched.json()) as { id: string }).id;
    const [mailing] = await until(
      'the launch mailing',
      async () => ((await (await server.fetch(`/api/orgs/demo/bia-campaigns/${id}`)).json()) as { mailings: Mailing[] }).mailings,
      (found) => found.length === 1,
      20_000,
    );
    expect(mailing.sent.length + mailing.skipped.length).toBeGreaterThan(0);
    expect(sink.mails.map((mail) => mail.to[0]).sort()).toEqual(mailing.sent.map((line) => line.to).sort());

    const { page, errors, context } = await newPage(browser, { server, session, bypassCSP: true });
    await page.goto(`${server.url}/orgs/demo/bia-campaigns?campaign=${id}`);
    await page.getByRole('heading', { name: 'E-mails to the owners' }).waitFor();
    for (const line of mailing.sent) await page.getByText(line.to, { exact: false }).first().waitFor();
    for (const line of mailing.skipped) await page.getByText(`Not written to ${line.owner}`, { exact: false }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();

    const french = await newPage(browser, { server, session, locale: 'fr-FR' });
    await french.page.goto(`${server.url}/orgs/demo/bia-campaigns?campaign=${id}`);
    await french.page.getByRole('heading', { name: 'E-mails aux responsables' }).waitFor();
    await french.context.close();
  });
});
