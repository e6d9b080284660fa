// What a new user tripped over (issue 17), in a real browser: amounts in the organisation's currency, one duration
// format, French that fits its buttons and names its audit entries, exports of results, and the dependency graph's
// pools and scenario colours.
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
const nbsp = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');

describe('everyday readability', () => {
  it('shows amounts with the currency chosen in the BIA settings, and French list buttons whole', async () => {
    const { context, page, errors } = await newPage(browser, { server, locale: 'fr-FR' });
    await page.goto(`${server.url}/orgs/demo/strategies`);
    const table = page.getByRole('table', { name: 'Stratégies' });
    const vpn = table.getByRole('row').filter({ hasText: 'vpn-upgrade' });
    await vpn.waitFor();
    expect(nbsp(await vpn.innerText())).toContain('24 000 €');
    // Every action cell holds its buttons whole ("Modifier", "Supprimer" were cut to "Modi", "Suppr").
    const clipped = await table.locator('tbody tr td:last-child').evaluateAll((cells) => cells.filter((cell) => cell.scrollWidth > cell.clientWidth).length);
    expect(clipped).toBe(0);
    await screenshot(page, 'readable-strategies-fr');

    // Prose typed by users has its French: the owner's job title and the products of an activity.
    await page.goto(`${server.url}/orgs/demo/activities/claims-payment`);
    await page.getByText('Javier Ortega, Responsable du paiement des sinistres (Séville) · Assurance auto, Assurance habitation', { exact: false }).waitFor();
    // Its cost of downtime per hour in euros, and what a financial level means, from the BIA criteria.
    expect(nbsp(await page.getByTestId('downtime-cost').inputValue())).toBe('6 000 EUR');
    await page.getByRole('button', { name: 'Ce que signifient les niveaux pour Financier' }).click();
    expect(nbsp(await page.getByTestId('criteria-financial').innerText())).toContain(
      "4 — Majeur\nperte supérieure à 1 000 000 € — Perte qui affecte le résultat de l'année",
    );
    await page.keyboard.press('Escape');

    await page.goto(`${server.url}/orgs/demo/admin/bia`);
    await page.getByLabel('Devise de tous les montants').selectOption('GBP');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Enregistré', { exact: false }).first().waitFor();
    // Impact criteria: a financial threshold below the level under it is refused at its field.
    const threshold = page.getByLabel('Financier, 3 — Modéré : perte supérieure à');
    expect(nbsp(await threshold.inputValue())).toBe('250 000 GBP');
    await threshold.fill('5');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Doit être supérieur à la valeur précédente.').waitFor();
    await page.getByRole('button', { name: 'Abandonner les modifications' }).click();
    await page.goto(`${server.url}/orgs/demo/strategies`);
    await vpn.waitFor();
    expect(nbsp(await vpn.innerText())).toContain('24 000 £GB');
    expect(unexpected(errors)).toEqual([]);
    await context.close();
    // Back to euros for the other tests.
    const org = await (await server.fetch('/api/orgs/demo')).json();
    await server.fetch('/api/orgs/demo', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: org.name, currency: 'EUR' }),
    });
  });

  it('writes Monte Carlo durations one way ("18 d 1 h") and exports the result as CSV with semicolons in French', async () => {
    const queued = await server.fetch('/api/orgs/demo/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'montecarlo', scenario: 'pandemic-lockdown', runs: 200, seed: 3 }),
    });
    const run = (await queued.json()) as { id: string };
    for (let status = ''; status !== 'done';) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = ((await (await server.fetch(`/api/orgs/demo/runs/${run.id}`)).json()) as { status: string }).status;
      if (status === 'failed') throw new Error('the Monte Carlo run failed');
    }
    const { context, page, errors } = await newPage(browser, { server, locale: 'fr-FR' });
    await page.goto(`${server.url}/orgs/demo/scenarios/pandemic-lockdown?tab=uncertainty&mc=${run.id}`);
    const table = page.getByTestId('montecarlo-table');
    await table.waitFor();
    const cells = (await table.locator('td.num').allInnerTexts()).map(nbsp);
    // No bare hour counts beyond a day ("482 h"): days and hours, or weeks.
    expect(cells.filter((text) => /^\d{2,} h$/.test(text) && Number.parseInt(text, 10) >= 24)).toEqual([]);
    expect(cells.some((text) => /^\d+ j( \d+ h)?$|^\d+ sem\.$/.test(text))).toBe(true);

    await page.getByTestId('export-montecarlo').click();
    const csvLink = page.getByRole('menuitem', { name: 'CSV, séparateur point-virgule (;)' });
    const href = (await csvLink.getAttribute('href'))!;
    expect(href).toBe(`/api/orgs/demo/runs/${run.id}/result.sheet?format=csv&lang=fr&separator=semicolon`);
    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    const body = await new Promise<string>((resolve, reject) => {
      void download.createReadStream().then((stream) => {
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        stream.on('end', () => resolve(text));
        stream.on('error', reject);
      });
    });
    expect(body.startsWith('\uFEFFIdentifiant;Activité;')).toBe(true);
    await screenshot(page, 'readable-montecarlo-fr');
    expect(unexpected(errors)).toEqual([]);
    await context.close();
  });

  it('shows the audit log in words, entities by name, filtered with a picker, and offers its export', async () => {
    // A run queued: its entry names it by its scenario, not by its id.
    const queued = await server.fetch('/api/orgs/demo/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'montecarlo', scenario: 'pandemic-lockdown', runs: 50, seed: 1 }),
    });
    expect(queued.status).toBe(202);
    const { context, page, errors } = await newPage(browser, { server, locale: 'fr-FR' });
    await page.goto(`${server.url}/orgs/demo/admin/audit`);
    const table = page.getByRole('table', { name: 'Journal d’audit' });
    await table.getByRole('row').nth(1).waitFor();
    const text = await table.innerText();
    expect(text).toContain('Calcul mis en file');
    expect(text).toContain('Données de démonstration chargées');
    expect(text).not.toMatch(/\bqueue\b|\bload_demo\b/);
    // Entities by name: no UUID is shown (they stay in the cell's title).
    const entities = await table.locator('tbody tr td:nth-child(5)').allInnerTexts();
    expect(entities.filter((cell) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(cell))).toEqual([]);
    expect(entities.some((cell) => cell.startsWith('Calcul · Pandémie'))).toBe(true);

    await page.getByLabel('Entité').selectOption('strategy');
    await page.getByRole('combobox', { name: 'Stratégie' }).click();
    await page.getByRole('option', { name: /Extension de capacité VPN/ }).click();
    await page.getByRole('button', { name: 'Appliquer' }).click();
    await page.waitForURL(/entityId=vpn-upgrade/);
    await page.getByTestId('export-audit').click();
    const href = await page.getByRole('menuitem', { name: 'Classeur Excel (XLSX)' }).getAttribute('href');
    expect(href).toBe('/api/orgs/demo/audit.sheet?entity=strategy&entityId=vpn-upgrade&format=xlsx&lang=fr');
    await screenshot(page, 'readable-audit-fr');
    expect(unexpected(errors)).toEqual([]);
    await context.close();
  });

  it('draws the remote-access pools in the dependency graph and says what a scenario breaks', async () => {
    const { context, page, errors } = await newPage(browser, { server });
    await page.goto(`${server.url}/orgs/demo/graph`);
    await page.getByText(/^The links as a list/).click();
    await page.getByRole('row').filter({ hasText: 'works remotely through' }).filter({ hasText: 'Corporate VPN' }).first().waitFor();
    await page.getByRole('combobox', { name: 'What a scenario breaks' }).click();
    await page.getByRole('option', { name: /^Pandemic/ }).click();
    const impact = page.getByTestId('graph-impact');
    await impact.waitFor();
    const [hit, breached, disrupted] = (await impact.innerText()).match(/\d+/g)!.map(Number);
    expect(hit).toBeGreaterThan(0);
    expect(breached).toBeGreaterThan(0);
    expect(disrupted).toBeGreaterThanOrEqual(breached);
    await screenshot(page, 'readable-graph-pandemic');
    expect(unexpected(errors)).toEqual([]);
    await context.close();
  });

  it('shows the sign-in page at once, never a spinner first', async () => {
    // A spinner's first render made React hold it for 300 ms even with the page's code already there (issue 17, item 10).
    const { context, page, errors } = await newPage(browser);
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { spinners: string[] }).spinners = seen;
      new MutationObserver(() => {
        if (document.querySelector('[aria-label="Loading…"]')) seen.push(location.pathname);
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { spinners: string[] }).spinners)).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
    await context.close();
  });

  it('says so when the sign-in page’s code cannot be loaded, rather than showing a blank page', async () => {
    // An upgrade that removed the old chunks, a proxy dropping a file: the first page's code is awaited before the
    // first render, and its failure must leave the route's error page with a way to reload.
    const { context, page } = await newPage(browser);
    await page.route(/\/assets\/SignIn-[^/]+\.js$/, (route) => route.abort());
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('button', { name: 'Reload the page' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(1);
    await context.close();
  });
});
