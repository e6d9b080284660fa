// The kinds of caller beyond people and API tokens: link tokens (one person, one purpose) and an organisation's public
// widget keys with their allowed origins; the widget's public settings; and the exact origin rules keys are held to.
import { z } from 'zod';
import { isInvalidText } from './text.js';

/**
 * What a link token may be used for; a route names the purposes it accepts (`link:<purpose>`), a token of another
 * purpose is refused there. `invitation`: join an organisation (one use); `checkin`: answer one alert as one person; `training`: acknowledge one training campaign as one person.
 */
export const LINK_PURPOSES = ['invitation', 'checkin', 'training'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];
export const LinkPurpose = z.enum(LINK_PURPOSES);

/**
 * The kinds of caller a route may accept: nobody (no credentials), a person's session, an API token, a link token of
 * one purpose, an organisation's public key (widget routes only).
 */
export type CallerKind = 'nobody' | 'session' | 'token' | `link:${LinkPurpose}` | 'publicKey';
export const CALLER_KINDS: readonly CallerKind[] = ['nobody', 'session', 'token', ...LINK_PURPOSES.map((purpose) => `link:${purpose}` as const), 'publicKey'];

/** A link token's state at a moment: only `active` ones open anything. */
export const LinkState = z.enum(['active', 'expired', 'revoked', 'used']);
export type LinkState = z.infer<typeof LinkState>;

/** The prefix of public keys: recognisable, and not a secret (it is written into web pages). */
export const PUBLIC_KEY_PREFIX = 'rmpk_';
/** `rmpk_<organisation>.<22 characters>`: anything else is refused before any lookup. */
export const PUBLIC_KEY_PATTERN = /^rmpk_([A-Za-z0-9][A-Za-z0-9._-]{0,79})\.([A-Za-z0-9_-]{22})$/;

/** The origin every browser's page may call from, when a key is explicitly opened to all (`["*"]`, alone). */
export const ANY_ORIGIN = '*';

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * The canonical form of an allowed origin as an administrator types it: `scheme://host[:port]`, scheme and host in
 * lower case, the scheme's default port dropped, one trailing slash tolerated; undefined for anything else (a path,
 * a query, credentials, another scheme, `null`, a wildcard host).
 */
export function canonicalOrigin(text: string): string | undefined {
  if (text.length > 300 || isInvalidText(text) || /\s/.test(text)) return undefined;
  const trimmed = text.endsWith('/') ? text.slice(0, -1) : text;
  if (!/^https?:\/\/[^/?#@]+$/i.test(trimmed) || trimmed.includes('*')) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (url.username || url.password || !url.hostname) return undefined;
  const port = url.port && url.port !== DEFAULT_PORTS[url.protocol] ? `:${url.port}` : '';
  return `${url.protocol}//${url.hostname.toLowerCase()}${port}`;
}

/**
 * Whether a request's `Origin` header is one of a key's origins. Browsers send the serialised origin
 * (`https://shop.example`, `https://shop.example:8443`), so the comparison is exact: a trailing slash, upper case, an
 * explicit default port, a path or `null` (sandboxed frames, files) match nothing. `*` (explicit) admits every
 * http(s) origin in that canonical form, never `null`.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined || origin === 'null' || origin.length > 300) return false;
  if (allowed.includes(origin)) return canonicalOrigin(origin) === origin;
  return allowed.includes(ANY_ORIGIN) && canonicalOrigin(origin) === origin;
}

/** The allowed origins of a key: canonical exact origins (at most 50, no duplicate), or `["*"]` alone. */
export const AllowedOrigins = z
  .array(z.string().max(300))
  .min(1)
  .max(50)
  .superRefine((origins, context) => {
    if (origins.includes(ANY_ORIGIN) && origins.length > 1)
      context.addIssue({ code: 'custom', message: '"*" (every origin) stands alone', params: { rule: 'any_origin_alone' }, input: origins });
    origins.forEach((origin, index) => {
      if (origin !== ANY_ORIGIN && canonicalOrigin(origin) === undefined)
        context.addIssue({
          code: 'custom',
          path: [index],
          message: 'an origin: http(s)://host[:port], without path',
          params: { rule: 'origin' },
          input: origin,
        });
    });
  })
  .transform((origins) => [...new Set(origins.map((origin) => (origin === ANY_ORIGIN ? origin : canonicalOrigin(origin)!)))])
  .meta({
    description:
      'Exact origins (scheme, host and port: `https://www.example.com`, `http://localhost:5173`) of the pages that embed the widget; `["*"]` alone opens the key to every origin, explicitly',
  });

const BrandText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !isInvalidText(text), { message: 'no NUL character nor lone surrogate', params: { rule: 'invalid_text' } });

/** A text per language of the branding (those of the widget's own words), each optional: `{"fr": "…", "en": "…"}`. */
const BrandTexts = (max: number) => z.object({ fr: BrandText(max).optional(), en: BrandText(max).optional() }).strict();

/** An accent colour as `#rrggbb`, kept in lower case: anything else could carry CSS into the widget's style. */
export const AccentColour = z
  .string()
  .refine((colour) => /^#[0-9a-fA-F]{6}$/.test(colour), { message: 'a colour written #rrggbb', params: { rule: 'colour' } })
  .transform((colour) => colour.toLowerCase());

/**
 * A logo's address: https only, no credentials, at most 2,000 characters. The widget loads it from visitors' browsers
 * on other sites, so `javascript:`, `data:` and plain http (mixed content, readable on the way) are refused.
 */
export const LogoUrl = z
  .string()
  .trim()
  .max(2000)
  .refine(
    (text) => {
      if (isInvalidText(text) || /\s/.test(text) || !/^https:\/\//i.test(text)) return false;
      try {
        const url = new URL(text);
        return url.protocol === 'https:' && url.hostname !== '' && !url.username && !url.password;
      } catch {
        return false;
      }
    },
    { message: 'an https:// address without credentials', params: { rule: 'https_url' } },
  );

/** How one key's widget looks: its own title, accent colour, greeting and logo, over the organisation's settings. */
export const KeyBranding = z
  .object({
    title: BrandTexts(100).default({}).meta({ description: 'The title per language (else the organisation’s widget name)' }),
    greeting: BrandTexts(500).default({}).meta({ description: 'The greeting per language (else the organisation’s greeting)' }),
    accent: AccentColour.nullable().default(null).meta({ description: 'The accent colour, #rrggbb (else the widget’s blue)' }),
    logoUrl: LogoUrl.nullable().default(null).meta({ description: 'A logo shown in the widget’s header: an https:// address' }),
  })
  .strict()
  .meta({ id: 'KeyBranding' });
export type KeyBranding = z.infer<typeof KeyBranding>;

/** Whether a branding says nothing (stored as none). */
export function isEmptyBranding(branding: KeyBranding): boolean {
  return Object.keys(branding.title).length === 0 && Object.keys(branding.greeting).length === 0 && !branding.accent && !branding.logoUrl;
}

/** An organisation's widget key as listed (the key is public: it is written into the pages that embed the widget). */
export const PublicKey = z
  .object({
    id: z.string(),
    key: z.string().meta({ description: 'The key the widget sends (x-rempart-key header or ?key=); public, not a secret' }),
    label: z.string(),
    origins: z.array(z.string()),
    createdBy: z.object({ id: z.string(), email: z.string() }).nullable(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    status: z.enum(['active', 'revoked']),
    flow: z.string().nullable().meta({ description: 'The flow a conversation through this key starts with when the client names none (null: orientation)' }),
    branding: KeyBranding.nullable().meta({
      description: 'How the widget of this key looks (title, accent colour, greeting, logo); null: the organisation’s widget settings',
    }),
  })
  .meta({ id: 'PublicKey' });
export type PublicKey = z.infer<typeof PublicKey>;

/** A language of the widget: `fr`, `en`, `pt-BR`. */
export const LanguageTag = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, { message: 'a language tag: fr, en, pt-BR' });

const WidgetText = z
  .string()
  .trim()
  .max(500)
  .refine((text) => !isInvalidText(text), { message: 'no NUL character nor lone surrogate', params: { rule: 'invalid_text' } });

/** What an organisation's embeddable widget shows before anyone signs in; editable by its owners and administrators. */
export const WidgetSettings = z
  .object({
    name: WidgetText.pipe(z.string().min(1).max(100))
      .nullable()
      .default(null)
      .meta({ description: 'The name the widget shows (none: the organisation’s name)' }),
    languages: z
      .array(LanguageTag)
      .min(1)
      .max(10)
      .default(['fr', 'en'])
      .refine((languages) => new Set(languages).size === languages.length, { message: 'each language once', params: { rule: 'unique' } })
      .meta({ description: 'The languages offered, the first one by default' }),
    greeting: z.record(LanguageTag, WidgetText).default({}).meta({ description: 'The greeting per language: {"fr": "Bonjour…", "en": "Hello…"}' }),
  })
  .strict()
  .superRefine((settings, context) => {
    for (const language of Object.keys(settings.greeting))
      if (!settings.languages.includes(language))
        context.addIssue({
          code: 'custom',
          path: ['greeting', language],
          message: 'a greeting in a language the widget offers',
          params: { rule: 'language' },
          input: language,
        });
  })
  .meta({ id: 'WidgetSettings' });
export type WidgetSettings = z.infer<typeof WidgetSettings>;

/** What GET /api/widget/config answers to a widget: the organisation's public settings, nothing else. */
export const WidgetConfig = z
  .object({
    name: z.string(),
    languages: z.array(z.string()),
    greeting: z.record(z.string(), z.string()),
    flow: z.string().nullable().meta({ description: 'The flow this key starts conversations with when the page names none (null: the default)' }),
    branding: KeyBranding.optional().meta({
      description: 'The key’s own look, over name and greeting (a page’s data-* attributes still win); absent when the key has none',
    }),
  })
  .meta({ id: 'WidgetConfig' });
export type WidgetConfig = z.infer<typeof WidgetConfig>;
