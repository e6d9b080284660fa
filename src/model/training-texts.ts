// The words of the training page a personal link opens (no sign-in), in each language of the directory.
import type { Language } from './alert-texts.js';

export const TRAINING_TEXTS: Record<
  Language,
  {
    intro: string;
    due: string;
    read: string;
    quiz: string;
    passMark: string;
    acknowledge: string;
    submit: string;
    completed: string;
    failed: string;
    score: string;
    invalidTitle: string;
    invalid: string;
    closed: string;
  }
> = {
  en: {
    intro: 'Your organisation asks you to complete this training. It takes a few minutes.',
    due: 'To complete by',
    read: 'Read first',
    quiz: 'A few questions',
    passMark: 'Right answers needed to pass:',
    acknowledge: 'I confirm:',
    submit: 'Send',
    completed: 'Thank you: your training is recorded as completed.',
    failed: 'Not passed this time: read the content again and answer once more.',
    score: 'Your score:',
    invalidTitle: 'Not recorded',
    invalid: 'Tick the confirmation and answer every question.',
    closed: 'This campaign is closed.',
  },
  fr: {
    intro: 'Votre organisation vous demande de suivre cette formation. Elle prend quelques minutes.',
    due: 'À faire avant le',
    read: 'À lire d’abord',
    quiz: 'Quelques questions',
    passMark: 'Bonnes réponses nécessaires pour valider :',
    acknowledge: 'Je confirme :',
    submit: 'Envoyer',
    completed: 'Merci : votre formation est enregistrée comme terminée.',
    failed: 'Non validé cette fois : relisez le contenu et répondez de nouveau.',
    score: 'Votre score :',
    invalidTitle: 'Non enregistré',
    invalid: 'Cochez la confirmation et répondez à chaque question.',
    closed: 'Cette campagne est close.',
  },
};
