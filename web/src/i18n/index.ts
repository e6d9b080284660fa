// i18next set up with the English and French resources; the language is remembered and set on <html lang>.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { initialLanguage, saveLanguage, type Language } from '../lib/prefs.js';
import en from './en.json';
import fr from './fr.json';

export const resources = { en: { translation: en }, fr: { translation: fr } } as const;

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: ['en', 'fr'],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false,
});

function applyToDocument(language: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}
applyToDocument(i18n.language);
i18n.on('languageChanged', applyToDocument);

export function setLanguage(language: Language): void {
  saveLanguage(language);
  void i18n.changeLanguage(language);
}

export function currentLanguage(): Language {
  return i18n.language === 'fr' ? 'fr' : 'en';
}
