// Browser-test support: the real server on a fresh data folder, and Debian's chromium through playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { cliEntry } from '../../test/support/cli-entry.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test-artifacts');

export interface RunningServer {
  url: string;
  /** The demo owner's e-mail and password printed on the first run, when the server has accounts. */
  credentials?: { email: string; password: string };
  /** The session cookie of an API sign-in with those credentials (shared by the tests' browser contexts). */
  session?: string;
  /** `fetch` on the API with the shared session (cookie, and the CSRF header on changes). */
  fetch: (path: string, init?: RequestInit) => Promise<Response>;
  stop: () => Promise<void>;
}

/** A member of the demo organisation made with `rempart user create` before the server starts. */
export interface TestAccount {
  email: string;
  /** Their name in the organisation (an activity owner owns the activities whose owner names them). */
  name: string;
  role: 'owner' | 'administrator' | 'continuityManager' | 'activityOwner' | 'crisisTeam' | 'auditor' | 'employee' | 'followUp';
  /** 12 characters or more, not a common one. */
  password: string;
}

/** Runs the CLI on the data folder (the server must not be running on it: the folder is locked). */
function cli(dataDir: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cliEntry(), ...args, '--data', dataDir], {
      cwd: ROOT,
      env: { ...process.env, REMPART_LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`rempart ${args.join(' ')} exited with code ${code}:\n${output}`))));
    child.stdin!.end(input ?? '');
  });
}

/** The demo owner the seeded servers get (the address of the first run's demo owner, with a known password). */
export const DEMO_OWNER: TestAccount = { email: 'owner@demo.rempart.example', name: 'Demo owner', role: 'owner', password: 'demo owner browser password 7' };

/**
 * Starts `rempart serve` on a free port with a fresh data folder (the demo is loaded on first run). With
 * `accounts`, the demo and those members (and `DEMO_OWNER`, whose credentials the server then carries) are made
 * with the CLI first, as an operator would. `port`: a port chosen beforehand (a provider must know the callback's address).
 */
export async function startServer(options: { accounts?: TestAccount[]; port?: number } = {}): Promise<RunningServer> {
  if (!existsSync(join(ROOT, 'dist', 'web', 'index.html'))) throw new Error('dist/web is missing: run `npm run build:web` first (npm run test:browser does).');
  const dataDir = mkdtempSync(join(tmpdir(), 'rempart-browser-'));
  if (options.accounts) {
    await cli(dataDir, ['demo']);
    for (const account of [DEMO_OWNER, ...options.accounts])
      await cli(
        dataDir,
        ['user', 'create', '--email', account.email, '--name', account.name, '--org', 'demo', '--role', account.role, '--password-stdin'],
        `${account.password}\n`,
      );
  }
  const child: ChildProcess = spawn(process.execPath, [...cliEntry(), 'serve', '--port', String(options.port ?? 0), '--data', dataDir], {
    cwd: ROOT,
    env: { ...process.env, REMPART_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Rempart is running at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with code ${code}:\n${output}`));
    });
  });
  // The first-run message with the demo owner's credentials follows the address (servers with accounts only).
  const credentials = options.accounts
    ? { email: DEMO_OWNER.email, password: DEMO_OWNER.password }
    : await new Promise<RunningServer['credentials']>((resolve) => {
        const started = Date.now();
        const look = () => {
          const email = /e-mail:\s+(\S+@\S+)/.exec(output)?.[1];
          const password = /password:\s+(\S+)/.exec(output)?.[1];
          if (email && password) resolve({ email, password });
          else if (Date.now() - started > 5000) resolve(undefined);
          else setTimeout(look, 50);
        };
        look();
      });
  let session: string | undefined;
  let csrf: string | undefined;
  if (credentials) {
    // One sign-in per server: sign-in attempts are rate-limited per address.
    const response = await fetch(`${url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    if (!response.ok) throw new Error(`the demo owner could not sign in: ${response.status} ${await response.text()}`);
    session = /rempart_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
    csrf = ((await response.json()) as { csrfToken?: string }).csrfToken;
  }
  const authedFetch = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (session) headers.set('cookie', `rempart_session=${session}`);
    if (csrf && init.method && init.method !== 'GET') headers.set('x-csrf-token', csrf);
    return fetch(url + path, { ...init, headers });
  };
  return {
    url,
    credentials,
    session,
    fetch: authedFetch,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's chromium, headless, with a fresh profile (Playwright gives each launch its own temporary user-data-dir). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Signs in through the API and returns the session cookie's value (sign-ins are rate-limited: one per person). */
export async function signIn(server: RunningServer, account: Pick<TestAccount, 'email' | 'password'>): Promise<string> {
  const response = await fetch(`${server.url}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: account.email, password: account.password }),
  });
  if (!response.ok) throw new Error(`${account.email} could not sign in: ${response.status} ${await response.text()}`);
  const session = /rempart_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  if (!session) throw new Error(`signing in ${account.email} set no session cookie`);
  return session;
}

/**
 * A fresh context (empty storage and cache) in English, 1280×900 unless told; with `server`, signed in with its
 * shared session, or with `session` (from `signIn`) when given (the session cookie only: the web app reads who is
 * signed in and its CSRF token itself). `bypassCSP` lets `seriousAxeViolations` add its script to the page.
 */
export async function newPage(
  browser: Browser,
  options: { locale?: string; width?: number; server?: RunningServer; session?: string; bypassCSP?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-GB',
    viewport: { width: options.width ?? 1280, height: 900 },
    bypassCSP: options.bypassCSP ?? false,
  });
  const session = options.session ?? options.server?.session;
  if (options.server && session)
    await context.addCookies([{ name: 'rempart_session', value: session, url: options.server.url, httpOnly: true, sameSite: 'Lax' }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core on the page as it is: its serious and critical violations, one line each (page, rule, elements). */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  const result = await page.evaluate(async () => {
    const run = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe.run;
    return run(document, { resultTypes: ['violations'] });
  });
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((v) => `${page.url()}: ${v.impact} ${v.id} (${v.help}): ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}
