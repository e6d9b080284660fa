// The embeddable crisis assistant: one tag on any site,
//   <script src="https://rempart.example/widget.js" data-key="rmpk_…" async></script>
// draws a chat button and panel in a shadow root (the host page's styles neither leak in nor out), talks to the public
// conversation API of the server it came from, sets no cookie and stores nothing, and works under a strict
// Content-Security-Policy that allows that server: styles are constructed style sheets, text is set as text (no
// innerHTML, no eval), and the only requests go to the script's own origin.
// Options (data-*): key, lang (fr|en), position (right|left), color (#rrggbb), greeting, flow (assistant|orientation),
// title, mode (page: the full-page chat of /chat/{key}). What the page does not say, the handshake (GET
// /api/widget/config, asked once when the script starts) gives: the key's branding (title, greeting, accent colour,
// logo), else the organisation's widget name and greeting.
import { textOnAccent } from './contrast.js';
import { STYLES } from './styles.js';

type Lang = 'fr' | 'en';
interface Message {
  type: 'text' | 'card' | 'answer';
  text?: string;
  title?: string;
  body?: string;
  quickReplies?: Array<{ id: string; label: string }>;
  links?: Array<{ url: string; label: string }>;
  question?: string;
  source?: string;
  url?: string | null;
  published?: string;
  reviewBy?: string | null;
  stale?: boolean;
}

const WORDS = {
  fr: {
    open: 'Ouvrir l’assistant',
    close: 'Fermer l’assistant',
    title: 'Assistant',
    input: 'Votre message',
    send: 'Envoyer',
    log: 'Conversation',
    source: 'Source',
    published: 'publié le',
    stale: 'Information à vérifier : sa date de révision ({date}) est passée.',
    error: 'Le service ne répond pas. Réessayez dans un instant.',
    restart: 'Recommencer',
    you: 'Vous',
  },
  en: {
    open: 'Open the assistant',
    close: 'Close the assistant',
    title: 'Assistant',
    input: 'Your message',
    send: 'Send',
    log: 'Conversation',
    source: 'Source',
    published: 'published on',
    stale: 'Check this information: its review date ({date}) has passed.',
    error: 'The service does not answer. Please try again in a moment.',
    restart: 'Start again',
    you: 'You',
  },
} as const;

const SAFE_URL = /^(https?:|mailto:|tel:)/i;
const COLOUR = /^#[0-9a-fA-F]{6}$/;

/** What the handshake says; the server checks each field, the widget again before it touches the page with one. */
interface Handshake {
  name?: string;
  greeting?: Record<string, string>;
  flow?: string | null;
  branding?: { title?: Partial<Record<Lang, string>>; greeting?: Partial<Record<Lang, string>>; accent?: string | null; logoUrl?: string | null };
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatDate(day: string, lang: Lang): string {
  const date = new Date(`${day}T12:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : date.toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
}

function start(script: HTMLScriptElement): void {
  const data = script.dataset;
  const origin = new URL(script.src, location.href).origin;
  const key = data.key ?? '';
  const lang: Lang = data.lang === 'en' || data.lang === 'fr' ? data.lang : navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
  const words = WORDS[lang];
  const page = data.mode === 'page';
  // The page's choice, else the key's (read in the handshake first), else the assistant.
  const chosenFlow = data.flow && /^[A-Za-z_]\w{0,63}$/.test(data.flow) ? data.flow : undefined;

  const host = element('div', { 'data-rempart-widget': '' });
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(STYLES);
  root.adoptedStyleSheets = [sheet];
  const accent = (colour: string) => {
    host.style.setProperty('--rempart-accent', colour);
    host.style.setProperty('--rempart-on-accent', textOnAccent(colour));
  };
  const pageColour = data.color && COLOUR.test(data.color) ? data.color : undefined;
  if (pageColour) accent(pageColour);

  const wrapper = element('div', { class: `rempart ${page ? 'page' : 'floating'} ${data.position === 'left' ? 'left' : 'right'}`, lang });
  const launcher = element('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'rempart-panel' }, words.open);
  const panel = element('section', { id: 'rempart-panel', class: 'panel', role: page ? 'main' : 'dialog', 'aria-labelledby': 'rempart-title' });
  const header = element('header');
  const title = element('h2', { id: 'rempart-title' }, data.title ?? words.title);
  const close = element('button', { type: 'button', class: 'close', 'aria-label': words.close }, '×');
  const log = element('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': words.log, tabindex: '0' });
  const form = element('form', { class: 'composer' });
  const label = element('label', { for: 'rempart-input', class: 'visually-hidden' }, words.input);
  const input = element('input', { id: 'rempart-input', type: 'text', autocomplete: 'off', maxlength: '1000', placeholder: words.input });
  const send = element('button', { type: 'submit' }, words.send);
  header.append(title);
  if (!page) header.append(close);
  form.append(label, input, send);
  panel.append(header, log, form);
  if (!page) {
    panel.hidden = true;
    wrapper.append(launcher);
  }
  wrapper.append(panel);
  root.append(wrapper);
  (page ? (document.querySelector('main') ?? document.body) : document.body).append(host);

  let conversation: string | null = null;
  let busy = false;

  async function call(path: string, body: unknown): Promise<{ id?: string; messages: Message[] }> {
    const response = await fetch(`${origin}/api/public/${encodeURIComponent(key)}${path}`, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }

  function show(messages: Message[]): void {
    for (const message of messages) {
      const item = element('div', { class: `message bot ${message.type}` });
      if (message.type === 'answer') {
        item.append(element('p', { class: 'question' }, message.question ?? ''));
        for (const paragraph of (message.text ?? '').split('\n')) if (paragraph.trim()) item.append(element('p', {}, paragraph));
        const cite = element('p', { class: 'cite' });
        cite.append(lang === 'fr' ? `${words.source} : ` : `${words.source}: `);
        if (message.url && SAFE_URL.test(message.url))
          cite.append(element('a', { href: message.url, target: '_blank', rel: 'noopener noreferrer' }, message.source ?? ''));
        else cite.append(message.source ?? '');
        cite.append(`, ${words.published} ${formatDate(message.published ?? '', lang)}`);
        item.append(cite);
        if (message.stale && message.reviewBy) item.append(element('p', { class: 'stale' }, words.stale.replace('{date}', formatDate(message.reviewBy, lang))));
      } else {
        if (message.title) item.append(element('p', { class: 'title' }, message.title));
        for (const paragraph of (message.text ?? message.body ?? '').split('\n')) if (paragraph.trim()) item.append(element('p', {}, paragraph));
        for (const link of message.links ?? [])
          if (SAFE_URL.test(link.url)) item.append(element('a', { href: link.url, target: '_blank', rel: 'noopener noreferrer', class: 'link' }, link.label));
      }
      log.append(item);
      if (message.quickReplies?.length) {
        const replies = element('div', { class: 'replies' });
        for (const reply of message.quickReplies) {
          const button = element('button', { type: 'button' }, reply.label);
          button.addEventListener('click', () => void answer({ choice: reply.id }, reply.label));
          replies.append(button);
        }
        log.append(replies);
      }
    }
    log.scrollTop = log.scrollHeight;
  }

  function fail(): void {
    const item = element('div', { class: 'message bot error', role: 'alert' }, words.error);
    log.append(item);
  }

  /** The key's branding and the organisation's name and greeting (nothing if they cannot be read: the widget still works). */
  async function settings(): Promise<Handshake> {
    try {
      const response = await fetch(`${origin}/api/widget/config?key=${encodeURIComponent(key)}`, { mode: 'cors', credentials: 'omit' });
      return response.ok ? await response.json() : {};
    } catch {
      return {};
    }
  }
  // Asked at once, not when the panel opens: the launcher wears the key's colour from the start.
  const handshake = settings();
  void handshake.then((config) => {
    const branding = config.branding;
    if (!pageColour && branding?.accent && COLOUR.test(branding.accent)) accent(branding.accent);
    const named = data.title ?? branding?.title?.[lang] ?? config.name;
    if (named) title.textContent = named;
    if (branding?.logoUrl && /^https:\/\//i.test(branding.logoUrl)) {
      // Decorative beside the title that names the widget; a logo that fails to load leaves no broken image.
      const logo = element('img', { class: 'logo', src: branding.logoUrl, alt: '', referrerpolicy: 'no-referrer' });
      logo.addEventListener('error', () => logo.remove());
      title.before(logo);
    }
  });

  async function begin(): Promise<void> {
    if (conversation || busy) return;
    busy = true;
    try {
      // Without a flow of the page's own, the key may name one: the conversation waits for the handshake then.
      const flow = chosenFlow ?? (await handshake).flow ?? 'assistant';
      const [started, config] = await Promise.all([call('/conversations', { lang, flow }), handshake]);
      conversation = started.id ?? null;
      const greeting = data.greeting ?? config.branding?.greeting?.[lang] ?? config.greeting?.[lang];
      if (greeting) show([{ type: 'text', text: greeting }]);
      show(started.messages);
    } catch {
      fail();
    } finally {
      busy = false;
    }
  }

  async function answer(body: { text?: string; choice?: string }, said: string): Promise<void> {
    if (busy) return;
    if (!conversation) await begin();
    if (!conversation) return;
    busy = true;
    for (const replies of log.querySelectorAll('.replies')) replies.remove();
    log.append(element('div', { class: 'message user', 'aria-label': `${words.you} : ${said}` }, said));
    try {
      const reply = await call(`/conversations/${conversation}/messages`, body);
      show(reply.messages);
    } catch (error) {
      // An ended or forgotten conversation: a new one, as the person would expect.
      if (error instanceof Error && (error.message === '409' || error.message === '404')) conversation = null;
      fail();
    } finally {
      busy = false;
    }
  }

  function open(): void {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    void begin();
    input.focus();
  }
  function shut(): void {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }
  launcher.addEventListener('click', () => (panel.hidden ? open() : shut()));
  close.addEventListener('click', shut);
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !page) shut();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    void answer({ text }, text);
  });
  if (page) void begin();
}

const current = document.currentScript as HTMLScriptElement | null;
const script = current ?? document.querySelector<HTMLScriptElement>('script[data-key][src*="widget.js"]');
if (script) {
  if (document.body) start(script);
  else document.addEventListener('DOMContentLoaded', () => start(script));
}
