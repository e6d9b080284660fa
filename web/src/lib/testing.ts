// Test helper: a real i18next instance over the app's resources, without React.
import i18next from 'i18next';
import en from '../i18n/en.json';
import fr from '../i18n/fr.json';
import { createFormatter, type Formatter, type Translate } from './format.js';
import type { Language } from './prefs.js';

export async function translator(language: Language): Promise<{ t: Translate; format: Formatter }> {
  const instance = i18next.createInstance();
  await instance.init({
    resources: { en: { translation: en }, fr: { translation: fr } },
    lng: language,
    fallbackLng: false,
    interpolation: { escapeValue: false },
  });
  const t = instance.t.bind(instance) as unknown as Translate;
  return { t, format: createFormatter(language, t) };
}
