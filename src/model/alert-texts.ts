// The words of mass notification in each language: the check-in page, the line that carries the link in messages,
// the SMS reply keywords, and the bilingual message templates the alert composer starts from.

export type Language = 'fr' | 'en';

/** The four answers of a check-in, in the order the page shows them (here, without zod, for the web app too). */
export const CHECKIN_STATUSES = ['available_on_site', 'available_remote', 'unavailable', 'need_help'] as const;
type CheckinStatus = (typeof CHECKIN_STATUSES)[number];

export const CHECKIN_TEXTS = {
  en: {
    title: 'Check-in',
    intro: 'Tell your organisation where you stand. Your answer is only seen by the crisis team.',
    question: 'Can you work?',
    choices: {
      available_on_site: 'Available, on site',
      available_remote: 'Available, remotely',
      unavailable: 'Unavailable',
      need_help: 'I need help',
    } satisfies Record<CheckinStatus, string>,
    note: 'Note (optional)',
    noteHint: 'Anything the crisis team should know (at most 1,000 characters).',
    submit: 'Send my answer',
    current: 'Your last answer:',
    change: 'You can change it at any time: the last answer counts.',
    thanks: 'Thank you: your answer has been recorded.',
    notFoundTitle: 'Unknown link',
    notFound: 'This link does not exist. Check that you opened the whole link from your message.',
    goneTitle: 'Link no longer valid',
    gone: { expired: 'This link has expired.', revoked: 'This link has been withdrawn.', used: 'This link has already been used.' },
    goneHint: 'Contact your manager or the crisis team if you still need to answer.',
    invalidTitle: 'Answer not recorded',
    invalid: 'Choose one of the four answers; a note has at most 1,000 characters.',
    linkLine: 'Answer in one tap:',
    smsKeywords: 'Reply 1 on site, 2 remote, 3 unavailable, 4 help.',
  },
  fr: {
    title: 'Point de situation',
    intro: 'Dites à votre organisation où vous en êtes. Seule la cellule de crise voit votre réponse.',
    question: 'Pouvez-vous travailler ?',
    choices: {
      available_on_site: 'Disponible, sur site',
      available_remote: 'Disponible, à distance',
      unavailable: 'Indisponible',
      need_help: 'J’ai besoin d’aide',
    } satisfies Record<CheckinStatus, string>,
    note: 'Remarque (facultative)',
    noteHint: 'Ce que la cellule de crise doit savoir (1 000 caractères au plus).',
    submit: 'Envoyer ma réponse',
    current: 'Votre dernière réponse :',
    change: 'Vous pouvez la changer à tout moment : la dernière réponse compte.',
    thanks: 'Merci : votre réponse est enregistrée.',
    notFoundTitle: 'Lien inconnu',
    notFound: 'Ce lien n’existe pas. Vérifiez que vous avez ouvert le lien complet de votre message.',
    goneTitle: 'Lien plus valable',
    gone: { expired: 'Ce lien a expiré.', revoked: 'Ce lien a été retiré.', used: 'Ce lien a déjà été utilisé.' },
    goneHint: 'Contactez votre responsable ou la cellule de crise si vous devez encore répondre.',
    invalidTitle: 'Réponse non enregistrée',
    invalid: 'Choisissez l’une des quatre réponses ; une remarque fait 1 000 caractères au plus.',
    linkLine: 'Répondez en un geste :',
    smsKeywords: 'Répondez 1 sur site, 2 à distance, 3 indisponible, 4 aide.',
  },
} as const;

/** A drill's messages say so first (subject, e-mail and text message): nobody must take an exercise for a real crisis. */
export function exerciseMarked(language: Language, line: string): string {
  return `${language === 'fr' ? 'EXERCICE : ' : 'EXERCISE: '}${line}`;
}

/** The body of a person's e-mail: the message, then the line that introduces their check-in link, and the link. */
export function emailText(language: Language, text: string, url: string): string {
  return `${text}\n\n${CHECKIN_TEXTS[language].linkLine}\n${url}\n`;
}

/** SMS replies: the digit (or word) a person texts back answers the check-in. */
export const SMS_KEYWORDS: Record<string, CheckinStatus> = {
  '1': 'available_on_site',
  '2': 'available_remote',
  '3': 'unavailable',
  '4': 'need_help',
};

/**
 * Bilingual starting points for the alert composer (GET …/alert-templates). Each text is at most 75 characters of the GSM alphabet (no ê, no ’), so
 * that it fits one text message with a check-in link of up to 84 characters (a test holds them to it).
 */
export const ALERT_TEMPLATES = [
  {
    id: 'checkin',
    fr: { subject: 'Incident en cours : merci de répondre', text: 'Un incident est en cours. Dites-nous si vous pouvez travailler.' },
    en: { subject: 'Incident under way: please answer', text: 'An incident is under way. Tell us whether you can work.' },
  },
  {
    id: 'site-closed',
    fr: { subject: 'Site fermé', text: 'Site fermé : ne vous y rendez pas. Pouvez-vous travailler à distance ?' },
    en: { subject: 'Site closed', text: 'Your site is closed: do not go. Tell us if you can work remotely.' },
  },
  {
    id: 'lockdown',
    fr: { subject: 'Confinement', text: 'Confinement : télétravaillez si possible et dites-nous votre situation.' },
    en: { subject: 'Lockdown', text: 'Lockdown: work remotely if you can, and tell us where you stand.' },
  },
] as const;
