// Accessibility of the main pages (issue 17, item 15): axe-core, run in chromium on each page once it shows its
// content, finds nothing serious nor critical, in English and in French.
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, startServer, type RunningServer } from './support.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

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

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** axe on the page as it is; the Content-Security-Policy is bypassed for axe's own script only (the test's context). */
async function axe(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    const run = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }).axe.run;
    return run(document, { resultTypes: ['violations'] });
  });
  return result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

const describeViolations = (violations: Violation[]) =>
  violations.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`).join('\n');

/** The main pages: the dashboard, the BIA, the model, risks, scenarios, reports and the administration's audit and members. */
const PAGES = [
  '/orgs/demo',
  '/orgs/demo/activities',
  '/orgs/demo/activities/claims-payment',
  '/orgs/demo/findings',
  '/orgs/demo/graph',
  '/orgs/demo/pools',
  '/orgs/demo/strategies',
  '/orgs/demo/risks',
  '/orgs/demo/risks/heatmap',
  '/orgs/demo/scenarios',
  '/orgs/demo/scenarios/pandemic-lockdown',
  '/orgs/demo/reports',
  '/orgs/demo/admin/audit',
  '/orgs/demo/admin/members',
];

describe('accessibility (axe-core)', () => {
  for (const language of ['en', 'fr'] as const)
    it(`finds no serious or critical violation on the sign-in page and the main pages in ${language === 'en' ? 'English' : 'French'}`, async () => {
      const failures: string[] = [];
      const signedOut = await browser.newContext({ locale: language === 'fr' ? 'fr-FR' : 'en-GB', bypassCSP: true, viewport: { width: 1280, height: 900 } });
      const signIn = await signedOut.newPage();
      await signIn.goto(`${server.url}/sign-in`);
      await signIn.getByRole('button', { name: language === 'fr' ? 'Se connecter' : 'Sign in' }).waitFor();
      const found = await axe(signIn);
      if (found.length) failures.push(`/sign-in:\n${describeViolations(found)}`);
      await signedOut.close();

      const context = await browser.newContext({ locale: language === 'fr' ? 'fr-FR' : 'en-GB', bypassCSP: true, viewport: { width: 1280, height: 900 } });
      await context.addCookies([{ name: 'rempart_session', value: server.session!, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
      const page = await context.newPage();
      for (const path of PAGES) {
        await page.goto(server.url + path);
        // The page's title, then the lists and charts that arrive after it.
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        const violations = await axe(page);
        if (violations.length) {
          failures.push(`${path}:\n${describeViolations(violations)}`);
          await screenshot(page, `axe-${language}-${path.replaceAll('/', '_')}`);
        }
      }
      await context.close();
      expect(failures.join('\n\n')).toBe('');
    });
});
