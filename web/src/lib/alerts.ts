// The alert composer's draft and the request it sends (POST …/incidents/{id}/alerts), kept apart from the page so
// that a test checks every draft against the server's own schema.
import type { AlertChannel } from '@shared/model/alert.js';

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
export type Texts = Record<Language, { subject: string; text: string }>;

export interface Draft {
  everyone: boolean;
  sites: string[];
  activities: string[];
  people: string[];
  channels: AlertChannel[];
  texts: Texts;
  waves: { count: number; intervalMinutes: number; escalate: boolean };
}

/** The request the composer sends: both languages given, English also as the common text (the server's fallback). */
export function alertRequest(draft: Draft) {
  const trimmed = (language: Language) => {
    const { subject, text } = draft.texts[language];
    return { ...(subject.trim() ? { subject: subject.trim() } : {}), text: text.trim() };
  };
  return {
    audience: draft.everyone ? { everyone: true } : { sites: draft.sites, activities: draft.activities, people: draft.people },
    channels: draft.channels,
    message: { ...trimmed('en'), en: trimmed('en'), fr: trimmed('fr') },
    waves: { ...draft.waves, escalate: draft.channels.length > 1 && draft.waves.escalate },
  };
}
