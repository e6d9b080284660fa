// The knowledge base: articles of an organisation answering one question (and its variants) in one language, with the
// source that says so and when, a review date, and who may read them (the public, or the staff only). The answer is
// rich text in a small HTML vocabulary, sanitised on the way in: whatever is stored is safe to show as HTML.
import { z } from 'zod';
import { IsoDate } from './risk.js';
import { Id } from './organisation.js';
import { INVALID_TEXT_MESSAGE, isInvalidText } from './text.js';

export const KB_LANGUAGES = ['fr', 'en'] as const;
export const KbLanguage = z.enum(KB_LANGUAGES).meta({ description: 'Language of the article (fr or en)' });
export type KbLanguage = z.infer<typeof KbLanguage>;

export const KB_AUDIENCES = ['public', 'staff'] as const;
export const KbAudience = z
  .enum(KB_AUDIENCES)
  .meta({ description: '`public`: anyone, through the widget; `staff`: signed-in members of the organisation only' });
export type KbAudience = z.infer<typeof KbAudience>;

/** The most articles one organisation keeps (and one import holds). */
export const MAX_KB_ARTICLES = 20_000;
export const MAX_ANSWER_LENGTH = 20_000;

const Text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !isInvalidText(text), { message: INVALID_TEXT_MESSAGE, params: { rule: 'invalid_text' } });

export const KbUrl = z
  .string()
  .trim()
  .max(2000)
  .regex(/^https?:\/\/[^\s"'<>]+$/i, { message: 'an http(s) address' })
  .meta({ example: 'https://www.service-public.fr/particuliers/actualites/A13993' });

// ——— Rich text ———

/** Tags an answer may use, and for links only an http(s), mailto: or tel: address. */
const ALLOWED_TAGS = new Set(['p', 'br', 'strong', 'b', 'em', 'i', 'u', 'ul', 'ol', 'li', 'a', 'h3', 'h4', 'blockquote', 'code']);
/** Tags whose content is dropped with them (what they hold is not text for people). */
const DROPPED_WITH_CONTENT = /<(script|style|iframe|object|embed|template|noscript|svg|math|textarea|title|head)\b[^]*?<\/\1\s*>/gi;
const SAFE_HREF = /^(https?:\/\/|mailto:|tel:)[^\s"'<>`]+$/i;

const escapeText = (text: string) =>
  text
    .replace(/&(?!(?:[a-z]+|#\d{1,7}|#x[0-9a-f]{1,6});)/gi, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '';
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * An answer as safe HTML: only the tags of ALLOWED_TAGS, rebuilt without any attribute but a link's checked `href`
 * (links open in a new tab, without referrer); comments, scripts and styles go with their content, every other tag
 * goes and its text stays. Plain text comes out as text (its `<` and `&` escaped). Idempotent.
 */
export function sanitiseAnswer(html: string): string {
  const cleaned = html.replace(/<!--[^]*?(-->|$)/g, '').replace(DROPPED_WITH_CONTENT, '');
  let out = '';
  const tag = /<\s*(\/?)\s*([a-z][a-z0-9]*)\b((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;
  let last = 0;
  for (let match = tag.exec(cleaned); match; match = tag.exec(cleaned)) {
    out += escapeText(cleaned.slice(last, match.index));
    last = tag.lastIndex;
    const [, closing, rawName, attributes] = match;
    const name = rawName.toLowerCase();
    if (!ALLOWED_TAGS.has(name)) continue;
    if (closing) {
      if (name !== 'br') out += `</${name}>`;
      continue;
    }
    if (name === 'a') {
      const href = /\bhref\s*=\s*("([^"]*)"|'([^']*)'|([^\s"'>]+))/i.exec(attributes);
      const url = href ? decodeEntities(href[2] ?? href[3] ?? href[4] ?? '').trim() : '';
      out += SAFE_HREF.test(url) ? `<a href="${escapeAttribute(url)}" rel="noopener noreferrer" target="_blank">` : '<a>';
    } else out += name === 'br' ? '<br>' : `<${name}>`;
  }
  return (out + escapeText(cleaned.slice(last))).trim();
}

/** The text of an answer, without its tags: what is searched, and what a plain-text client shows. */
export function plainText(html: string): string {
  return decodeEntities(
    html
      .replace(/<br\s*\/?>|<\/(p|li|h3|h4|blockquote)>/gi, '\n')
      .replace(/<[^>]*>/g, '')
      .replace(/[ \t]+/g, ' ')
      .replace(/\n\s*\n+/g, '\n'),
  ).trim();
}

const Answer = z
  .string()
  .max(MAX_ANSWER_LENGTH)
  .refine((text) => !isInvalidText(text), { message: INVALID_TEXT_MESSAGE, params: { rule: 'invalid_text' } })
  .transform(sanitiseAnswer)
  .refine((html) => plainText(html).length > 0, { message: 'an answer with some text', params: { rule: 'required' } })
  .meta({ description: 'Rich text: p, br, strong, em, ul, ol, li, a (http, https, mailto, tel), h3, h4, blockquote, code; anything else is removed' });

/** The fields of an article, as clients send them. */
const articleFields = {
  id: Id,
  lang: KbLanguage,
  question: Text(500),
  variants: z.array(Text(500)).max(50).default([]).meta({ description: 'Other ways people ask the same question' }),
  answer: Answer,
  source: Text(200).meta({ description: 'Who says so: "Direction des ressources humaines", "Ministère de la Santé"' }),
  url: KbUrl.nullish(),
  published: IsoDate.meta({ description: 'When the source published the answer' }),
  reviewBy: IsoDate.nullish().meta({ description: 'When the answer must be checked again; past it, readers see its date and editors a flag' }),
  audience: KbAudience,
  tags: z.array(Text(60)).max(30).default([]),
};

function checkDates(article: { published: string; reviewBy?: string | null }, ctx: z.RefinementCtx) {
  if (article.reviewBy && article.reviewBy < article.published)
    ctx.addIssue({
      code: 'custom',
      path: ['reviewBy'],
      message: 'on or after the publication date',
      input: article.reviewBy,
      params: { rule: 'after_published' },
    });
}

/** An article sent to create or replace one; unknown fields are refused. */
export const KbArticleInput = z
  .object({ ...articleFields, audience: KbAudience.default('staff') })
  .strict()
  .superRefine(checkDates);
export type KbArticleInput = z.output<typeof KbArticleInput>;

/** An article of an import file (the format of shared/data/kb-fixture.json): other fields are allowed and ignored. */
export const KbImportArticle = z.object(articleFields).superRefine(checkDates);
export type KbImportArticle = z.output<typeof KbImportArticle>;

export const KbImportFile = z
  .object({
    articles: z.array(KbImportArticle).max(MAX_KB_ARTICLES),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.articles.forEach((article, index) => {
      const first = seen.get(article.id);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['articles', index, 'id'],
          message: `already the id of articles[${first}]`,
          input: article.id,
          params: { rule: 'duplicate_id' },
        });
      else seen.set(article.id, index);
    });
  });
export type KbImportFile = z.output<typeof KbImportFile>;

/** An article as stored and shown. */
export const KbArticle = z
  .object({
    id: z.string(),
    lang: KbLanguage,
    question: z.string(),
    variants: z.array(z.string()),
    answer: z.string().meta({ description: 'Sanitised HTML' }),
    source: z.string(),
    url: z.string().nullable(),
    published: z.string(),
    reviewBy: z.string().nullable(),
    audience: KbAudience,
    tags: z.array(z.string()),
  })
  .meta({ id: 'KbArticle' });
export type KbArticle = z.infer<typeof KbArticle>;

/** An article's input with absent fields as `null`: the stored shape. */
export function articleOf(input: KbArticleInput | KbImportArticle): KbArticle {
  return {
    id: input.id,
    lang: input.lang,
    question: input.question,
    variants: input.variants,
    answer: input.answer,
    source: input.source,
    url: input.url ?? null,
    published: input.published,
    reviewBy: input.reviewBy ?? null,
    audience: input.audience,
    tags: input.tags,
  };
}

/** The questions of `rempart kb ask --questions FILE`. */
export const KbQuestionsFile = z
  .array(z.object({ q: z.string().max(2000), lang: KbLanguage }))
  .max(100_000)
  .meta({ description: 'A JSON array of {"q": "…", "lang": "fr" | "en"}' });

/** Whether the article is past its review date on `today` (YYYY-MM-DD). */
export function isStale(article: Pick<KbArticle, 'reviewBy'>, today: string): boolean {
  return article.reviewBy !== null && article.reviewBy < today;
}

/** The synonym list (data/kb/synonyms.json): per language, variants people type and the canonical words they mean. */
export const SynonymFile = z.object({
  about: z.string().optional(),
  fr: z.array(z.object({ canonical: z.string().min(1).max(200), variants: z.array(z.string().min(1).max(200)).max(200) }).strict()).max(5000),
  en: z.array(z.object({ canonical: z.string().min(1).max(200), variants: z.array(z.string().min(1).max(200)).max(200) }).strict()).max(5000),
});

/** Who to turn to when the assistant has no answer: a name in each language and at least one way to reach them. */
export const KbHandoff = z
  .object({
    label: z
      .object({ fr: Text(200).optional(), en: Text(200).optional() })
      .strict()
      .meta({ description: 'Who: "Cellule de crise", "Crisis team"' }),
    phone: z
      .string()
      .trim()
      .max(40)
      .regex(/^\+?[0-9 .()-]{2,39}$/, { message: 'a phone number' })
      .nullish(),
    email: z.email().max(254).nullish(),
    url: KbUrl.nullish(),
  })
  .strict()
  .superRefine((handoff, ctx) => {
    if (!handoff.phone && !handoff.email && !handoff.url)
      ctx.addIssue({
        code: 'custom',
        path: ['phone'],
        message: 'a phone number, an e-mail address or a web address',
        input: null,
        params: { rule: 'contact_required' },
      });
  })
  .meta({ id: 'KbHandoff' });
export type KbHandoff = z.output<typeof KbHandoff>;
