// Serves the web application (dist/web) with a single-page-app fallback, precompressed, hashed files cached for a year;
// /api/* stays JSON.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
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
 * The pages people usually open first, by address. The page's own chunk is only asked for once the app's code has run
 * (the router loads pages lazily): announced in the HTML, it and the chunks it imports load beside the app's code
 * instead of after it.
 */
const FIRST_PAGES: ReadonlyArray<{ matches: (path: string) => boolean; source: string }> = [
  { matches: (path) => path === '/sign-in', source: 'src/pages/SignIn.tsx' },
  { matches: (path) => /^\/(orgs\/[^/]+\/?)?$/.test(path), source: 'src/pages/Dashboard.tsx' },
];

interface PageVariant {
  matches: (path: string) => boolean;
  plain: Buffer;
  br: Buffer;
  gzip: Buffer;
}

type Manifest = Record<string, { file: string; imports?: string[]; isEntry?: boolean }>;

/** index.html with the first pages' chunks announced (`<link rel="modulepreload">`), compressed once at start. */
function firstPageVariants(root: string): PageVariant[] {
  const manifestFile = join(root, '.vite', 'manifest.json');
  if (!existsSync(manifestFile)) return [];
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  const closure = (key: string, into = new Set<string>()): Set<string> => {
    if (into.has(key) || !manifest[key]) return into;
    into.add(key);
    for (const imported of manifest[key].imports ?? []) closure(imported, into);
    return into;
  };
  const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
  // What the page already announces: the entry and everything it imports.
  const announced = entry ? closure(entry) : new Set<string>();
  const page = readFileSync(join(root, 'index.html'), 'utf8');
  if (!page.includes('</head>')) return [];
  return FIRST_PAGES.filter((first) => manifest[first.source]).map((first) => {
    const links = [...closure(first.source)]
      .filter((key) => !announced.has(key))
      .map((key) => `    <link rel="modulepreload" crossorigin href="/${manifest[key].file}">`)
      .join('\n');
    const plain = Buffer.from(page.replace('</head>', `${links}\n  </head>`));
    return { matches: first.matches, plain, br: brotliCompressSync(plain), gzip: gzipSync(plain) };
  });
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
  const variants = firstPageVariants(root);
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
    const variant = variants.find((one) => one.matches(path));
    if (variant) {
      const accepted = String(request.headers['accept-encoding'] ?? '');
      const encoding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : undefined;
      if (encoding) reply.header('content-encoding', encoding);
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'public, max-age=0')
        .send(encoding === 'br' ? variant.br : encoding === 'gzip' ? variant.gzip : variant.plain);
    }
    return reply.type('text/html; charset=utf-8').sendFile('index.html', { maxAge: 0 });
  });
}
