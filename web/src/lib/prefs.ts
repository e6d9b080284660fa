// Choices the browser remembers between visits: interface language and the last organisation.
const LANGUAGE_KEY = 'rempart.language';
const ORG_KEY = 'rempart.organisation';

export type Language = 'en' | 'fr';
export const LANGUAGES: readonly Language[] = ['en', 'fr'];

function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null; // storage disabled (private mode): nothing is remembered
  }
}

function write(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

/** The saved language, else the browser's (French for any `fr-*`), else English. */
export function initialLanguage(saved: string | null = read(LANGUAGE_KEY), browser: readonly string[] = browserLanguages()): Language {
  if (saved === 'en' || saved === 'fr') return saved;
  for (const tag of browser) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

function browserLanguages(): readonly string[] {
  const nav = globalThis.navigator;
  if (!nav) return [];
  return nav.languages?.length ? nav.languages : nav.language ? [nav.language] : [];
}

export function saveLanguage(language: Language): void {
  write(LANGUAGE_KEY, language);
}

export function savedOrganisation(): string | null {
  return read(ORG_KEY);
}

export function saveOrganisation(org: string): void {
  write(ORG_KEY, org);
}
