// Single sign-on in a real browser: the sign-in page offers the provider the server names, the person goes through a
// real OpenID Connect provider's login and consent pages, and lands signed in, a member of the organisation that
// takes their e-mail domain.
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProvider, type TestProvider } from '../../test/support/oidc-provider.js';
import { launchBrowser, newPage, screenshot, seriousAxeViolations, startServer, type RunningServer } from './support.js';

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

  it('lets an owner set who joins and with which role on the single sign-on page, in French; the secret is never shown', async () => {
    const { context, page, errors } = await newPage(browser, { server, locale: 'fr-FR', bypassCSP: true });
    await page.goto(`${server.url}/orgs/demo/admin/single-sign-on`);
    await page.getByRole('heading', { level: 1, name: 'Authentification unique' }).waitFor();
    // The provider as the deployment set it: issuer and client id shown, the secret nowhere on the page.
    expect(await page.getByLabel('URL de l’émetteur').inputValue()).toBe(provider.issuer);
    expect(await page.getByLabel('Identifiant client').inputValue()).toBe(provider.clientId);
    expect(await page.getByTestId('sso-secret').inputValue()).toBe('');
    expect(await page.content()).not.toContain(provider.clientSecret);
    expect(await page.getByLabel('Domaines e-mail autorisés').inputValue()).toBe('demo-sso.example');

    // A domain that is none is refused at its field; then a second domain and its people mapped to the crisis team.
    await page.getByLabel('Domaines e-mail autorisés').fill('demo-sso.example\npas un domaine');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Écrivez un nom de domaine, par exemple exemple.fr.').waitFor();
    await page.getByLabel('Domaines e-mail autorisés').fill('demo-sso.example\npartner-sso.example');
    await page.getByRole('button', { name: 'Ajouter une correspondance' }).click();
    await page.getByLabel('Valeur de la revendication de la correspondance 2').fill('crisis');
    await page.getByLabel('Rôle de la correspondance 2').selectOption('crisisTeam');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('status').filter({ hasText: 'Enregistré.' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'single-sign-on-settings-fr');
    expect(errors.filter((text) => !/status of 400/.test(text))).toEqual([]);
    await context.close();

    // The settings are the server's: a person of the new domain joins with the role the page mapped.
    provider.accounts.set('marc', { email: 'marc@partner-sso.example', email_verified: true, name: 'Marc Partner', groups: ['crisis'] });
    const marc = await newPage(browser);
    await marc.page.goto(`${server.url}/sign-in`);
    await marc.page.getByRole('link', { name: 'Sign in with Demo ID' }).click();
    await marc.page.locator('input[name="login"]').fill('marc');
    await marc.page.locator('input[name="password"]').fill('any password');
    await marc.page.locator('button[type="submit"]').click();
    await marc.page.getByRole('button', { name: 'Continue' }).click();
    await marc.page.waitForURL((url) => url.origin === server.url && !url.pathname.startsWith('/sign-in') && !url.pathname.startsWith('/api/'));
    const me = await marc.page.evaluate(async () => (await fetch('/api/auth/me')).json());
    expect(me.memberships).toEqual([expect.objectContaining({ role: 'crisisTeam' })]);
    await marc.context.close();
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
