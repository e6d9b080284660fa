// Journeys of the risk register and the scenarios (journey 3, pandemic readiness), in a real browser against the
// real server: signing in, adding a risk and finding it on the heat map, simulating the pandemic lockdown and
// getting the recommendation (VPN upgrade + cloud desktops; the fallback site does not help under lockdown).
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

/** Browser console errors other than the HTTP refusals the journeys provoke on purpose. */
const unexpected = (errors: string[]) => errors.filter((text) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(text));

describe('risk register and scenario journeys', () => {
  it('signs in with the demo credentials printed on the first run, then lands where it was going', async () => {
    if (!server.credentials) throw new Error('the server printed no demo credentials on its first run');
    const { context, page, errors } = await newPage(browser);
    await page.goto(`${server.url}/orgs/demo/risks`);
    await page.getByRole('heading', { name: 'Sign in to Rempart' }).waitFor();
    expect(page.url()).toContain('/sign-in?next=');

    await page.getByLabel('E-mail address').fill(server.credentials.email);
    await page.getByLabel(/^Password/).fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The e-mail address or the password is wrong').waitFor();

    await page.getByLabel(/^Password/).fill(server.credentials.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Risk register' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/orgs/demo/risks');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(unexpected(errors)).toEqual([]);
    await context.close();
  });

  it('adds a risk and sees it on the heat map, in its cell and band', async () => {
    const { context, page, errors } = await newPage(browser, { server });
    await page.goto(`${server.url}/orgs/demo/risks`);
    await page.getByRole('heading', { name: 'Risk register' }).waitFor();
    await page.getByRole('button', { name: 'New risk' }).click();
    const drawer = page.getByRole('dialog', { name: 'New risk' });
    await drawer.getByLabel(/^Id/).fill('vpn-saturation');
    await drawer.getByLabel(/^Title\s*\*?$/).fill('VPN saturated during a lockdown');
    await drawer.getByRole('combobox', { name: /^Threat/ }).fill('Lockdown');
    await page
      .getByRole('option', { name: /^Lockdown/ })
      .first()
      .click();
    await drawer.getByRole('combobox', { name: /^Affected assets/ }).fill('Corporate VPN');
    await page.getByRole('option', { name: 'Corporate VPN' }).click();
    await drawer.getByLabel('Cause').fill('Everyone works from home; the VPN carries 300 users.');
    // Residual: almost certain and severe, the one risk in the critical corner.
    const residual = drawer.getByRole('group', { name: 'Residual', exact: true });
    await residual.getByLabel('Likelihood', { exact: true }).selectOption('5');
    await residual.getByLabel('Impact', { exact: true }).selectOption('5');
    await residual.getByText('25 · Critical').waitFor();
    const inherent = drawer.getByRole('group', { name: 'Inherent', exact: true });
    await inherent.getByLabel('Likelihood', { exact: true }).selectOption('5');
    await inherent.getByLabel('Impact', { exact: true }).selectOption('5');

    const posted = page.waitForResponse((response) => response.url().endsWith('/api/orgs/demo/risks') && response.request().method() === 'POST');
    await drawer.getByRole('button', { name: 'Add the risk' }).click();
    expect((await posted).status()).toBe(201);
    await page.getByRole('heading', { name: 'VPN saturated during a lockdown' }).waitFor();
    await page.getByText('Risk added.').waitFor();
    await page
      .getByTestId('risk-appetite')
      .getByText(/no treatment answers it/)
      .waitFor();

    await page.getByRole('link', { name: 'See it on the heat map' }).first().click();
    await page.getByRole('heading', { name: 'Heat map' }).waitFor();
    const cell = page.locator('button.heatmap-cell[data-likelihood="5"][data-impact="5"]');
    await expect.poll(() => cell.getAttribute('data-count')).toBe('1');
    expect(await cell.getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('cell-risks').getByRole('link', { name: 'VPN saturated during a lockdown' }).waitFor();
    await page.getByText(/Critical: 1/).waitFor();

    // Filtered to the threat family of sites (the lockdown threat) it stays; to health it goes.
    await page.getByLabel('Threat family').selectOption('health');
    await expect.poll(() => cell.getAttribute('data-count')).toBe('0');
    await page.getByLabel('Threat family').selectOption('');
    await expect.poll(() => cell.getAttribute('data-count')).toBe('1');
    await screenshot(page, 'journey-risk-heatmap');

    const stored = await (await server.fetch('/api/orgs/demo/risks/vpn-saturation')).json();
    expect(stored.computed.residual).toMatchObject({ score: 25, band: 'critical' });
    expect(stored.computed.treatmentRequired).toBe(true);
    expect(unexpected(errors)).toEqual([]);
    await context.close();
  });

  it('simulates the pandemic lockdown: breached activities with their causes, then the recommendation', async () => {
    const { context, page, errors } = await newPage(browser, { server });
    await page.goto(`${server.url}/orgs/demo/scenarios`);
    await page.getByRole('link', { name: 'Pandemic: eight-week lockdown with an absenteeism wave' }).click();
    await page.getByRole('heading', { name: 'Pandemic: eight-week lockdown with an absenteeism wave' }).waitFor();

    const simulated = page.waitForResponse((response) => response.url().endsWith('/scenarios/pandemic-lockdown/simulate'));
    await page.getByRole('button', { name: 'Simulate now' }).first().click();
    expect((await simulated).status()).toBe(201);
    await expect.poll(() => page.getByTestId('breached-count').innerText()).toBe('16');
    const breaches = page.getByTestId('breach-table');
    const customerService = breaches.locator('tr[data-activity="customer-service"]');
    await customerService.getByText('day 3').waitFor();
    // The cause in plain words: staff cannot work because the remote-access pools are full.
    expect(await customerService.innerText()).toMatch(
      /Staff: not enough people can work — Corporate VPN \(300 places for 862 people\) and Virtual desktops \(VDI\) \(50 places for 476 people\) are full/,
    );
    // Breached activities come first in the table, earliest breach first.
    const first = await breaches.locator('tbody tr').first().getAttribute('data-activity');
    expect(['claims-payment', 'customer-service']).toContain(first);
    expect(await page.getByTestId('pool-table').locator('tr[data-pool="vpn"]').innerText()).toMatch(/862\s+300\s+562/);
    await page.getByRole('img', { name: /Timeline of 18 disrupted activities/ }).waitFor();
    await page.waitForTimeout(500);
    await screenshot(page, 'journey-pandemic-simulation');

    await page.getByRole('tab', { name: 'Recommended strategies' }).click();
    const queued = page.waitForResponse((response) => response.url().endsWith('/api/orgs/demo/runs') && response.request().method() === 'POST');
    await page.getByRole('button', { name: 'Find the cheapest strategies' }).click();
    expect((await queued).status()).toBe(202);
    const strategies = page.getByTestId('recommended-strategies');
    await strategies.waitFor({ timeout: 60_000 });
    expect(await strategies.locator('[data-strategy]').evaluateAll((items) => items.map((item) => item.getAttribute('data-strategy')))).toEqual([
      'cloud-desktops',
      'vpn-upgrade',
    ]);
    await strategies.getByText('VPN capacity upgrade (+400 users)').waitFor();
    await strategies.getByText('Cloud desktops on demand (+600)').waitFor();
    await page.getByText('Every activity stays within its MTPD').waitFor();
    await page.getByText('Proven the cheapest (every set checked)').waitFor();
    // In the organisation's currency (the demo's: euros), in the reader's locale.
    expect(await page.getByTestId('recommended-cost').innerText()).toMatch(/^€\d{1,3}(,\d{3})*$/);
    // Beside it, the cost of downtime the set avoids each year (the demo values 20 activities' hours), in euros too.
    const downtime = page.getByTestId('downtime-avoided');
    expect(await downtime.getByTestId('downtime-without').innerText()).toMatch(/^€\d{1,3}(,\d{3})*$/);
    expect(await downtime.getByTestId('downtime-with').innerText()).toMatch(/^€\d{1,3}(,\d{3})*$/);
    await downtime.getByText('for the 20 activities that have a cost per hour', { exact: false }).waitFor();
    // The lesson: the contracted fallback site does not help when nobody may leave home.
    expect(await page.getByTestId('lockdown-lesson').innerText()).toMatch(
      /Contracted work-area recovery site \(250 seats\) does not help here: under a lockdown/,
    );
    const whatIf = page.getByTestId('what-if');
    expect(await whatIf.locator('tr', { hasText: 'Contracted work-area recovery site (250 seats) alone' }).innerText()).toMatch(/16$/);
    expect(await whatIf.locator('tr', { hasText: 'The recommended set' }).innerText()).toMatch(/0$/);
    await screenshot(page, 'journey-pandemic-recommendation');

    // The uncertainty: a small Monte Carlo, with its progress and result.
    await page.getByRole('tab', { name: 'Uncertainty (Monte Carlo)' }).click();
    // 10,000 runs by default; the journey runs fewer to stay quick.
    expect((await page.getByRole('textbox', { name: /^Runs/ }).inputValue()).replace(/\D/g, '')).toBe('10000');
    await page.getByRole('textbox', { name: /^Runs/ }).fill('500');
    await page.getByRole('button', { name: 'Run the Monte Carlo' }).click();
    const table = page.getByTestId('montecarlo-table');
    await table.waitFor({ timeout: 60_000 });
    expect(await table.locator('tr', { hasText: 'Customer service (contact centre)' }).innerText()).toMatch(/100%/);
    // One activity over the runs: the histogram of its longest disruption and the convergence of its probability of breach.
    const detail = page.getByTestId('montecarlo-detail');
    await detail.getByTestId('montecarlo-histogram').locator('canvas').waitFor();
    await detail.getByTestId('montecarlo-convergence').locator('canvas').waitFor();
    expect(await detail.innerText()).toMatch(/After 500 runs: \d+(\.\d+)?%, 95% confidence interval \d+(\.\d+)?% to \d+(\.\d+)?%/);
    await detail.getByRole('combobox', { name: 'Activity' }).click();
    await page.getByRole('option', { name: 'Customer service (contact centre)' }).click();
    expect(await detail.innerText()).toContain('Longest disruption of Customer service (contact centre) across the runs');
    expect(await detail.innerText()).toMatch(/After 500 runs: 100%/);
    await screenshot(page, 'journey-pandemic-montecarlo');

    const runs = await (await server.fetch('/api/orgs/demo/runs?scenario=pandemic-lockdown')).json();
    expect(runs.items.map((run: { kind: string }) => run.kind).sort()).toEqual(['montecarlo', 'recommendation', 'simulation']);

    // The model changes (the VPN gets 50 more users): the kept simulation says it may no longer hold.
    const vpn = await (await server.fetch('/api/orgs/demo/pools/vpn')).json();
    const changed = await server.fetch('/api/orgs/demo/pools/vpn', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...vpn, capacity: 350 }),
    });
    expect(changed.status).toBe(200);
    await page.getByRole('tab', { name: 'Simulation' }).click();
    await page.reload();
    await page.getByTestId('stale-warning').getByText('The model has changed since this run').waitFor();
    expect(unexpected(errors)).toEqual([]);
    await context.close();
  });
});
