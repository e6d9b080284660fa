// The web application's files: served with an SPA fallback, /api/* 404s stay JSON, a hint when not built.
import Fastify from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installErrorHandling } from './errors.js';
import { registerWebApp } from './static.js';

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

async function appServing(build: boolean) {
  const root = mkdtempSync(join(tmpdir(), 'rempart-web-'));
  folders.push(root);
  if (build) {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Rempart app</title>');
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(root, 'favicon.svg'), '<svg/>');
  }
  const app = Fastify();
  installErrorHandling(app);
  app.get('/api/health', async () => ({ status: 'ok' }));
  await registerWebApp(app, root);
  await app.ready();
  return app;
}

describe('registerWebApp', () => {
  it('serves files, and index.html for any other path so the app’s routes survive a reload', async () => {
    const app = await appServing(true);
    const asset = await app.inject('/assets/index-abc.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject('/favicon.svg')).body).toBe('<svg/>');
    for (const url of ['/', '/orgs/demo/activities/claims.v2', '/orgs/demo/findings?rule=recovery_gap']) {
      const page = await app.inject(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type'], url).toContain('text/html');
      expect(page.body, url).toContain('Rempart app');
    }
    expect((await app.inject('/api/health')).json()).toEqual({ status: 'ok' });
    await app.close();
  });

  it('keeps JSON 404s for unknown API paths and missing build files, and refuses to leave its folder', async () => {
    const app = await appServing(true);
    for (const url of ['/api/nothing', '/api', '/assets/old-chunk.js']) {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code, url).toBe('not_found');
    }
    const escape = await app.inject('/..%2f..%2fetc%2fpasswd');
    expect(escape.body).not.toContain('root:');
    await app.close();
  });

  it('explains how to build the web app when dist/web is missing', async () => {
    const app = await appServing(false);
    const page = await app.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('npm run build:web');
    expect((await app.inject('/api/nothing')).statusCode).toBe(404);
    await app.close();
  });
});
