// The web application's files: served with an SPA fallback, /api/* 404s stay JSON, a hint when not built.
import Fastify from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
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

  it('sends the build’s brotli or gzip copy to browsers that accept it, the plain file to others, cached a year when hashed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rempart-web-'));
    folders.push(root);
    mkdirSync(join(root, 'assets'));
    const script = `console.log(${JSON.stringify('x'.repeat(4000))})`;
    const page = `<!doctype html><title>Rempart app</title>${' '.repeat(2000)}`;
    writeFileSync(join(root, 'index.html'), page);
    writeFileSync(join(root, 'index.html.br'), brotliCompressSync(page));
    writeFileSync(join(root, 'assets', 'index-abc.js'), script);
    writeFileSync(join(root, 'assets', 'index-abc.js.br'), brotliCompressSync(script));
    writeFileSync(join(root, 'assets', 'index-abc.js.gz'), gzipSync(script));
    const app = Fastify();
    installErrorHandling(app);
    await registerWebApp(app, root);

    const br = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toContain('javascript');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers.vary).toContain('accept-encoding');
    expect(br.rawPayload.length).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);

    const gz = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(script);

    const plain = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);

    // The page itself, for any app route, compressed too but revalidated: a new build must be picked up.
    const html = await app.inject({ url: '/orgs/demo/activities', headers: { 'accept-encoding': 'br' } });
    expect(html.headers['content-encoding']).toBe('br');
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.headers['cache-control']).toBe('public, max-age=0');
    expect(brotliDecompressSync(html.rawPayload).toString()).toBe(page);
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

  it('announces the chunks of the usual first pages (sign-in, dashboard) in the page, so they load beside the app', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rempart-web-'));
    folders.push(root);
    mkdirSync(join(root, 'assets'));
    mkdirSync(join(root, '.vite'));
    const page = '<!doctype html><html><head><title>Rempart app</title>\n  </head><body></body></html>';
    writeFileSync(join(root, 'index.html'), page);
    writeFileSync(
      join(root, '.vite', 'manifest.json'),
      JSON.stringify({
        'index.html': { file: 'assets/index-1.js', isEntry: true, imports: ['_react.js'] },
        '_react.js': { file: 'assets/react-2.js' },
        '_form.js': { file: 'assets/form-3.js', imports: ['_react.js'] },
        'src/pages/SignIn.tsx': { file: 'assets/SignIn-4.js', imports: ['_react.js', '_form.js'] },
        'src/pages/Dashboard.tsx': { file: 'assets/Dashboard-5.js', imports: ['_react.js'] },
      }),
    );
    const app = Fastify();
    installErrorHandling(app);
    await registerWebApp(app, root);
    const modulepreloads = (html: string) => [...html.matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)">/g)].map((match) => match[1]);

    const signIn = await app.inject({ url: '/sign-in?next=%2Forgs%2Fdemo', headers: { 'accept-encoding': 'identity' } });
    expect(signIn.headers['content-type']).toContain('text/html');
    expect(signIn.headers['cache-control']).toBe('public, max-age=0');
    // The page's chunk and what it imports that the entry does not already bring.
    expect(modulepreloads(signIn.body)).toEqual(['/assets/SignIn-4.js', '/assets/form-3.js']);
    const compressed = await app.inject({ url: '/sign-in', headers: { 'accept-encoding': 'gzip, br' } });
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(compressed.rawPayload).toString()).toBe(signIn.body);
    const gzipped = await app.inject({ url: '/sign-in', headers: { 'accept-encoding': 'gzip' } });
    expect(gunzipSync(gzipped.rawPayload).toString()).toBe(signIn.body);

    for (const url of ['/', '/orgs/demo', '/orgs/demo/']) expect(modulepreloads((await app.inject(url)).body), url).toEqual(['/assets/Dashboard-5.js']);
    expect((await app.inject('/orgs/demo/activities')).body).toBe(page);
    await app.close();
  });
});
