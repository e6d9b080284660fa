// Serves the web application (dist/web) with a single-page-app fallback, precompressed, hashed files cached for a year;
// /api/* stays JSON.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { PROJECT_ROOT } from '../paths.js';

const MISSING_BUILD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rempart</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1a1b1e}code{background:#f1f3f5;padding:.1rem .3rem;border-radius:4px}</style>
</head><body>
<h1>Rempart is running</h1>
<p>The web application has not been built yet. Run <code>npm run build:web</code>, then reload this page.</p>
<p>The API works already: see the <a href="/api/docs">API reference</a>.</p>
</body></html>`;

/** A request path that names a file inside `root`, or undefined (traversal, folder, missing file). */
async function fileIn(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  if (relative === '' || relative.startsWith('..')) return undefined;
  const absolute = join(root, relative);
  if (!absolute.startsWith(root + sep)) return undefined;
  try {
    return (await stat(absolute)).isFile() ? relative : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the built web application from `root` (default dist/web). A GET of a path that is not a
 * file returns index.html so that the app's own routes survive a reload; unknown /api/* paths keep
 * the JSON 404. Without a build, GET / explains how to make one.
 */
export async function registerWebApp(app: FastifyInstance, root = join(PROJECT_ROOT, 'dist', 'web')): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(MISSING_BUILD_PAGE));
    return;
  }
  // The build writes brotli and gzip copies of its text files (scripts/compress-web.mjs): sent as they are to browsers
  // that accept them, the plain file to others. Caches must keep the variants apart.
  await app.register(fastifyStatic, { root, serve: false, preCompressed: true });
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0];
    if (path === '/api' || path.startsWith('/api/')) return reply.callNotFound();
    const file = await fileIn(root, path);
    reply.header('vary', 'accept-encoding');
    // Hashed build files never change; index.html must be revalidated so a new build is picked up.
    if (file && file.startsWith(`assets${sep}`)) return reply.sendFile(file, { maxAge: '365d', immutable: true });
    if (file) return reply.sendFile(file, { maxAge: 0 });
    // A missing build file is a real 404 (a stale page asking for an old chunk); anything else is an app route.
    if (path.startsWith('/assets/')) return reply.callNotFound();
    return reply.type('text/html; charset=utf-8').sendFile('index.html', { maxAge: 0 });
  });
}
