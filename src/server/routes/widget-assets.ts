// The embeddable widget's script, /widget.js (built from web/widget into dist/widget), which any site may load, and
// the full-page chat /chat/{key} for organisations without a website of their own (the key must then allow this
// server's origin).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { PROJECT_ROOT } from '../../paths.js';

const KEY = /^rmpk_[A-Za-z0-9._-]{1,200}$/;
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function chatPage(key: string, lang: 'fr' | 'en', flow: string | undefined): string {
  const title = lang === 'fr' ? 'Assistant' : 'Assistant';
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><meta name="referrer" content="no-referrer"></head>
<body><main><h1 hidden>${title}</h1><script src="/widget.js" data-key="${escape(key)}" data-lang="${lang}" data-mode="page"${flow ? ` data-flow="${escape(flow)}"` : ''} async></script></main></body></html>`;
}

export const widgetAssetRoutes: FastifyPluginAsync<{ root?: string }> = async (app, options) => {
  const file = join(options.root ?? join(PROJECT_ROOT, 'dist', 'widget'), 'widget.js');

  app.get('/widget.js', { schema: { hide: true } }, async (_request, reply) => {
    if (!existsSync(file)) return reply.code(404).type('text/plain; charset=utf-8').send('The widget has not been built: run `npm run build:web`.');
    return (
      reply
        .type('application/javascript; charset=utf-8')
        // Loaded by other sites' pages: readable across origins, kept a few minutes (the name carries no version).
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('cache-control', 'public, max-age=300')
        .send(await readFile(file))
    );
  });

  app.get('/chat/:key', { schema: { hide: true } }, async (request, reply) => {
    const { key } = request.params as { key: string };
    const query = request.query as { lang?: string; flow?: string };
    if (!KEY.test(key)) return reply.callNotFound();
    const lang = query.lang === 'en' ? 'en' : 'fr';
    const flow = query.flow && /^[A-Za-z_]\w{0,63}$/.test(query.flow) ? query.flow : undefined;
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(chatPage(key, lang, flow));
  });
};
