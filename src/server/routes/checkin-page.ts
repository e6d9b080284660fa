// The check-in page a personal link opens, `{REMPART_PUBLIC_URL}/c/{token}`: server-rendered HTML without sign-in
// and without JavaScript, in the person's language, four answers and a note. The same address takes the answer as a
// form or as JSON; the last answer counts and the history is kept. An unknown link gets 404 and an ended one 410,
// pages that say nothing of anyone. Opening the page records nothing (mail scanners open links), only POST does.
import { createHash } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { CHECKIN_STATUSES, CheckinAnswer, type CheckinStatus } from '../../model/alert.js';
import { CHECKIN_TEXTS, type Language } from '../../model/alert-texts.js';
import { problemsFromZod } from '../../model/problem.js';
import { checkInByLink } from '../../operations/alerts.js';
import { parseLinkToken, resolveLinkToken } from '../../operations/link-tokens.js';
import { AlertRepository } from '../../store/alert-repository.js';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f6f8;color:#1a1b1e;line-height:1.5}
main{max-width:32rem;margin:0 auto;padding:1.5rem 1rem}h1{font-size:1.5rem;margin:0 0 .5rem}p{margin:.5rem 0 1rem}
fieldset{border:0;padding:0;margin:0 0 1rem}legend{font-weight:600;margin-bottom:.5rem}
label.choice{display:block;background:#fff;border:2px solid #ced4da;border-radius:.5rem;padding:.9rem 1rem;margin:.5rem 0;font-size:1.1rem;cursor:pointer}
label.choice:has(input:checked){border-color:#1c7ed6;background:#e7f5ff}input[type=radio]{margin-right:.6rem;transform:scale(1.3)}
textarea{width:100%;box-sizing:border-box;min-height:5rem;font:inherit;padding:.5rem;border:1px solid #ced4da;border-radius:.5rem}
button{display:block;width:100%;margin-top:1rem;padding:1rem;font-size:1.1rem;font-weight:600;color:#fff;background:#1864ab;border:0;border-radius:.5rem;cursor:pointer}
button:focus,input:focus,textarea:focus{outline:3px solid #fab005;outline-offset:2px}.notice{background:#d3f9d8;border-radius:.5rem;padding:.75rem 1rem}
.error{background:#ffe3e3;border-radius:.5rem;padding:.75rem 1rem}.hint{color:#495057;font-size:.9rem}`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** Nothing but this page's own style: no script, no image, no frame, no other origin; the form posts here only. */
export const CHECKIN_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

export function page(language: Language | 'both', title: string, body: string): string {
  const lang = language === 'both' ? 'en' : language;
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><meta name="referrer" content="no-referrer"><title>${escape(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function form(language: Language, current: CheckinStatus | null, notice: string): string {
  const t = CHECKIN_TEXTS[language];
  const choices = CHECKIN_STATUSES.map(
    (status) =>
      `<label class="choice"><input type="radio" name="status" value="${status}" required${status === current ? ' checked' : ''}>${escape(t.choices[status])}</label>`,
  ).join('');
  const currentLine = current ? `<p>${escape(t.current)} <strong>${escape(t.choices[current])}</strong>. ${escape(t.change)}</p>` : '';
  return page(
    language,
    t.title,
    `${notice}<h1>${escape(t.title)}</h1><p>${escape(t.intro)}</p>${currentLine}<form method="post"><fieldset><legend>${escape(t.question)}</legend>${choices}</fieldset><label for="note">${escape(t.note)}</label><p class="hint" id="note-hint">${escape(t.noteHint)}</p><textarea id="note" name="note" maxlength="1000" aria-describedby="note-hint"></textarea><button type="submit">${escape(t.submit)}</button></form>`,
  );
}

export function notFoundPage(): string {
  const en = CHECKIN_TEXTS.en;
  const fr = CHECKIN_TEXTS.fr;
  return page(
    'both',
    `${en.notFoundTitle} / ${fr.notFoundTitle}`,
    `<h1>${escape(en.notFoundTitle)}</h1><p>${escape(en.notFound)}</p><h1 lang="fr">${escape(fr.notFoundTitle)}</h1><p lang="fr">${escape(fr.notFound)}</p>`,
  );
}

export function gonePage(language: Language, state: 'expired' | 'revoked' | 'used'): string {
  const t = CHECKIN_TEXTS[language];
  return page(language, t.goneTitle, `<h1>${escape(t.goneTitle)}</h1><p>${escape(t.gone[state])}</p><p>${escape(t.goneHint)}</p>`);
}

/** Headers of every answer of these routes: the page's own CSP, no caching, no referrer (the address holds the link). */
export function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CHECKIN_CSP)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex');
}

function linkGoneJson(state: 'expired' | 'revoked' | 'used') {
  const message = CHECKIN_TEXTS.en.gone[state];
  return { error: { code: 'link_gone', message, details: [{ path: 'token', rule: state, value: null, message }] } };
}

const NOT_FOUND_JSON = {
  error: { code: 'not_found', message: 'No such check-in link.', details: [{ path: 'token', rule: 'exists', value: null, message: 'no such link' }] },
};

/** The path of a check-in (or training) link with its secret hidden, for logs. */
export function redactCheckinPath(url: string): string {
  return url.replace(/^\/([ct])\/[^/?#]+/, '/$1/[link]');
}

export const checkinPageRoutes: FastifyPluginAsync = async (app) => {
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
    done(null, parseQuery(body as string));
  });

  const params = (request: FastifyRequest) => (request.params as { token: string }).token;

  app.get('/c/:token', { schema: { hide: true } }, async (request, reply) => {
    secure(reply).type('text/html; charset=utf-8');
    const found = await resolveLinkToken(app.db, params(request), Date.now());
    if (!found || found.link.purpose !== 'checkin') return reply.code(404).send(notFoundPage());
    const recipient = await new AlertRepository(app.db).recipientByLink(found.link.orgId, found.link.id);
    if (!recipient) return reply.code(404).send(notFoundPage());
    if (found.state !== 'active') return reply.code(410).send(gonePage(recipient.language, found.state));
    return reply.send(form(recipient.language, recipient.status, ''));
  });

  app.post('/c/:token', { schema: { hide: true }, bodyLimit: 16 * 1024, config: { accepts: [FORM, JSON_TYPE] } }, async (request, reply) => {
    secure(reply);
    const asJson = (request.headers['content-type'] ?? '').toLowerCase().startsWith(JSON_TYPE);
    const token = params(request);
    // A form field given twice arrives as an array: refused like any other wrong value.
    const parsed = CheckinAnswer.safeParse(request.body ?? {}, { reportInput: true });
    if (!parsed.success) {
      const details = problemsFromZod(parsed.error, request.body, ['body']);
      if (asJson) return reply.code(400).send({ error: { code: 'invalid_input', message: `The answer is invalid: ${details.length} problem(s).`, details } });
      // Which language: the link's, when it is one; the page never says whose it is.
      const found = parseLinkToken(token) ? await resolveLinkToken(app.db, token, Date.now()) : undefined;
      const recipient = found ? await new AlertRepository(app.db).recipientByLink(found.link.orgId, found.link.id) : undefined;
      if (!recipient) return reply.code(404).type('text/html; charset=utf-8').send(notFoundPage());
      const t = CHECKIN_TEXTS[recipient.language];
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(form(recipient.language, recipient.status, `<p class="error" role="alert"><strong>${escape(t.invalidTitle)}.</strong> ${escape(t.invalid)}</p>`));
    }
    const outcome = await checkInByLink(app.db, token, parsed.data);
    if (outcome.state === 'unknown')
      return asJson ? reply.code(404).send(NOT_FOUND_JSON) : reply.code(404).type('text/html; charset=utf-8').send(notFoundPage());
    if (outcome.state !== 'answered')
      return asJson
        ? reply.code(410).send(linkGoneJson(outcome.state))
        : reply.code(410).type('text/html; charset=utf-8').send(gonePage(outcome.language, outcome.state));
    if (asJson) return reply.send({ status: outcome.status, answeredAt: outcome.answeredAt });
    const t = CHECKIN_TEXTS[outcome.language];
    return reply.type('text/html; charset=utf-8').send(form(outcome.language, outcome.status, `<p class="notice" role="status">${escape(t.thanks)}</p>`));
  });
};
