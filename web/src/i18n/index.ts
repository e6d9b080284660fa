// i18next set up with the English and French resources; the language is remembered and set on <html lang>.
// English is in the first bundle (it is also the fallback); French is a chunk of its own, loaded before the first
// render when it is the interface language, or when the user switches to it.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { initialLanguage, saveLanguage, type Language } from '../lib/prefs.js';
import en from './en.json';

const loaders: Record<Language, () => Promise<Record<string, unknown>>> = {
  en: async () => en,
  fr: async () => (await import('./fr.json')).default,
};

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: ['en', 'fr'],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false,
});

/** Makes a language's resources available (once). */
export async function loadLanguage(language: Language): Promise<void> {
  if (i18n.hasResourceBundle(language, 'translation')) return;
  i18n.addResourceBundle(language, 'translation', await loaders[language]());
}

function applyToDocument(language: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}
applyToDocument(i18n.language);
i18n.on('languageChanged', applyToDocument);

export async function setLanguage(language: Language): Promise<void> {
  saveLanguage(language);
  await loadLanguage(language);
  await i18n.changeLanguage(language);
}

export function currentLanguage(): Language {
  return i18n.language === 'fr' ? 'fr' : 'en';
}
