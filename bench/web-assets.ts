// What the web application costs a browser to show: bytes transferred and time until the sign-in page and the
// dashboard show their content, measured in Debian's chromium (playwright-core) against a real server on loopback.
// "before" asks for the files uncompressed (Accept-Encoding: identity), as every browser got them before the build
// precompressed them; "after" lets the browser take the brotli copies. Each page is loaded in a fresh context
// (empty cache), --runs times; medians are printed. Also on a throttled 20 Mbit/s link, where bytes turn into time.
// Run: npm run build:web && npx tsx bench/web-assets.ts [--runs 7]
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchBrowser, startServer, type RunningServer } from '../web/tests/support.js';

const args = process.argv.slice(2);
const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 7;

interface Measure {
  bytes: number;
  files: number;
  ms: number;
}

type Link = { name: string; throughput?: number; latency?: number };
const LINKS: Link[] = [{ name: 'loopback' }, { name: '20 Mbit/s, 20 ms', throughput: 20_000_000 / 8, latency: 20 }];

async function load(browser: Browser, server: RunningServer, target: 'sign-in' | 'dashboard', compressed: boolean, link: Link): Promise<Measure> {
  const context = await browser.newContext({
    locale: 'en-GB',
    viewport: { width: 1280, height: 900 },
    extraHTTPHeaders: compressed ? {} : { 'accept-encoding': 'identity' },
  });
  if (target === 'dashboard') await context.addCookies([{ name: 'rempart_session', value: server.session!, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
  const page: Page = await context.newPage();
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (link.throughput)
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: link.latency ?? 0,
      downloadThroughput: link.throughput,
      uploadThroughput: link.throughput,
    });
  let bytes = 0;
  let files = 0;
  cdp.on('Network.loadingFinished', (event: { encodedDataLength: number }) => {
    bytes += event.encodedDataLength;
    files++;
  });
  const started = performance.now();
  await page.goto(server.url + (target === 'dashboard' ? '/orgs/demo' : '/sign-in'), { waitUntil: 'commit' });
  // Content, not a spinner: the sign-in form's button; the dashboard's readiness figures.
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  try {
    // Looked for at every frame: Playwright's own waiting polls up to 500 ms apart, which the figure would include.
    await page.waitForFunction(
      ([selector, text]) => [...document.querySelectorAll(selector)].some((element) => element.textContent === text),
      target === 'sign-in' ? ['button', 'Sign in'] : ['h1, h2, h3, h4', 'Readiness'],
      { polling: 'raf', timeout: 30_000 },
    );
  } catch (error) {
    await page.screenshot({ path: `bench-web-assets-${target}.png` });
    throw new Error(`${target} did not show its content (screenshot bench-web-assets-${target}.png): ${errors.join('; ')}`, { cause: error });
  }
  const ms = performance.now() - started;
  // The same content as a user finds it (its role and name), checked after the time is taken.
  if (target === 'sign-in') await page.getByRole('button', { name: 'Sign in' }).waitFor();
  else await page.getByRole('heading', { name: 'Readiness' }).waitFor();
  // The requests still in flight (lazy chunks, API calls) count for the bytes.
  await page.waitForLoadState('networkidle');
  await context.close();
  return { bytes, files, ms };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// Dozens of loads of ~50 requests each within a minute: no per-address limit on this server (it counts files too).
process.env.REMPART_RATE_LIMIT = '0';

const server = await startServer();
const browser = await launchBrowser();
try {
  if (!server.session) throw new Error('the server printed no demo credentials (needs a fresh data folder)');
  const { loadavg } = await import('node:os');
  console.log(`web assets: ${runs} loads per line, fresh browser context each (median; bytes as transferred); load average ${loadavg()[0].toFixed(1)}`);
  console.log('link              page        files  before (identity)        after (brotli)');
  for (const link of LINKS)
    for (const target of ['sign-in', 'dashboard'] as const) {
      // Warm the server (first compile of routes, database pages) before measuring either way.
      await load(browser, server, target, true, { name: 'warm-up' });
      const before: Measure[] = [];
      const after: Measure[] = [];
      for (let i = 0; i < runs; i++) {
        before.push(await load(browser, server, target, false, link));
        after.push(await load(browser, server, target, true, link));
      }
      const show = (measures: Measure[]) =>
        `${(median(measures.map((m) => m.bytes)) / 1000).toFixed(0).padStart(5)} kB ${median(measures.map((m) => m.ms))
          .toFixed(0)
          .padStart(6)} ms`;
      console.log(
        `${link.name.padEnd(17)} ${target.padEnd(10)} ${String(median(after.map((m) => m.files))).padStart(6)}  ${show(before).padEnd(24)} ${show(after)}`,
      );
    }
} finally {
  await browser.close();
  await server.stop();
}
