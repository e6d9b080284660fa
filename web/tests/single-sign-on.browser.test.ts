// Single sign-on in a real browser: the sign-in page offers the provider the server names, the person goes through a
// real OpenID Connect provider's login and consent pages, and lands signed in, a member of the organisation that
// takes their e-mail domain.
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from '../../test/support/oidc-provider.js';
import { launchBrowser, newPage, screenshot, startServer, type RunningServer } from './support.js';

let server: RunningServer;
let browser: Browser;
let provider: TestProvider;
const SET = ['REMPART_OIDC_ISSUER', 'REMPART_OIDC_CLIENT_ID', 'REMPART_OIDC_CLIENT_SECRET', 'REMPART_OIDC_NAME', 'REMPART_PUBLIC_URL'];

/** A port free now: the provider must know the server's callback address before the server starts. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  provider = await startTestProvider(`${publicUrl}/api/auth/oidc/callback`);
  provider.accounts.set('lea', { email: 'lea.martin@demo-sso.example', email_verified: true, name: 'Léa Martin', groups: ['bcm'] });
  Object.assign(process.env, {
    REMPART_OIDC_ISSUER: provider.issuer,
    REMPART_OIDC_CLIENT_ID: provider.clientId,
    REMPART_OIDC_CLIENT_SECRET: provider.clientSecret,
    REMPART_OIDC_NAME: 'Demo ID',
    REMPART_PUBLIC_URL: publicUrl,
  });
  server = await startServer({ accounts: [], port });
  const security = await server.fetch('/api/orgs/demo/security', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      mfaRequiredRoles: [],
      singleSignOn: { emailDomains: ['demo-sso.example'], roleClaim: 'groups', roleMap: { bcm: 'continuityManager' }, defaultRole: 'employee' },
    }),
  });
  expect(security.status, await security.text()).toBe(200);
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const name of SET) delete process.env[name];
  await browser?.close();
  await server?.stop();
  await provider?.close();
});

describe('single sign-on', () => {
  it('signs a new person in through the provider, as a member with the mapped role', async () => {
    const { context, page, errors } = await newPage(browser);
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('link', { name: 'Sign in with Demo ID' }).click();
    // The provider's own pages: any password is taken by its development login.
    await page.locator('input[name="login"]').fill('lea');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.origin === server.url && !url.pathname.startsWith('/sign-in') && !url.pathname.startsWith('/api/'));
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).json());
    expect(me.user).toMatchObject({ email: 'lea.martin@demo-sso.example', displayName: 'Léa Martin' });
    expect(me.memberships).toEqual([expect.objectContaining({ role: 'continuityManager' })]);
    await screenshot(page, 'single-sign-on-landed');
    expect(errors.filter((text) => !/fonts\.googleapis|Failed to load resource/.test(text))).toEqual([]);
    await context.close();
  });

  it('says why on the sign-in page when the provider’s answer is refused', async () => {
    const { context, page } = await newPage(browser);
    // A callback without the flow this browser started: refused, the sign-in page says so.
    await page.goto(`${server.url}/api/auth/oidc/callback?code=forged&state=forged`);
    await page.waitForURL(`${server.url}/sign-in?sso_error=state`);
    await page.getByRole('alert').filter({ hasText: 'started in another window' }).waitFor();
    await context.close();
  });
});
