// How the knowledge base reads text, in French and English: accents and case folded, elisions split, a maintained
// synonym list (slang, abbreviations, everyday words for the official ones) applied as phrases, stop words dropped,
// then a light suffix stemmer per language. Queries and articles go through the same steps, so whatever a step gets
// "wrong" it gets wrong on both sides alike.

import { KB_LANGUAGES, type KbLanguage } from '../model/kb.js';

export { KB_LANGUAGES, type KbLanguage };

/** One entry of the synonym list: every variant (a word or a phrase, as people type it) reads as `canonical`. */
export interface SynonymEntry {
  canonical: string;
  variants: readonly string[];
}
export type SynonymList = Readonly<Record<KbLanguage, readonly SynonymEntry[]>>;

/** Lower case, without accents or ligatures, apostrophes and dashes as spaces. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss');
}

/** The words of a text, folded (letters and digits; everything else separates). */
export function words(text: string): string[] {
  return foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

const STOP: Record<KbLanguage, ReadonlySet<string>> = {
  fr: new Set(
    (
      'a au aux avec ce ces cet cette c ca d de des du dans elle elles en et est es etre j je l la le les leur leurs lui m ma me mes moi mon ' +
      'n ne nos notre nous on ou par pas pour qu que quel quelle quelles quels qui quoi s sa se ses son sur t ta te tes toi ton tu un une ' +
      'vos votre vous y il ils ai as avons avez ont suis sont sera seront etes peux peut puis pouvez peuvent pourrai pourrais dois doit devons ' +
      'devez doivent faut fais fait faire font vais va vont comment quand combien est-ce ceci cela si sans sous plus tres bien aussi alors ' +
      'donc mais ni car deja encore toujours tout tous toute toutes chez comme meme quoi dont'
    ).split(' '),
  ),
  en: new Set(
    (
      'a an and are am as at be been being by can could did do does doing done for from had has have having he her him his how i if im in ' +
      'into is it its me my mine no not of on or our ours shall she should so than that the their them then there these they this those to ' +
      'us was we were what when where which who whom whose why will with would you your yours may might must get got getting let lets ' +
      'please any some just also ok about dont cant does d s t ll ve re m'
    ).split(' '),
  ),
};

/** Whether a folded word carries no topic in this language. */
export function isStopWord(word: string, lang: KbLanguage): boolean {
  return STOP[lang].has(word);
}

/** Whether a word of four letters or more is one edit from a stop word ("wher", "whta"): a typo that carries no topic either. */
export function isNearStopWord(word: string, lang: KbLanguage): boolean {
  if (word.length < 4) return false;
  for (const stop of STOP[lang]) if (stop.length >= 3 && editDistance(word, stop, 1) <= 1) return true;
  return false;
}

// Suffixes, longest first; a suffix is removed only when at least `MIN_STEM` letters remain.
const FR_SUFFIXES = [
  'issements', 'issement', 'atrices', 'ateurs', 'ations', 'aisons', 'ements', 'ement', 'atrice', 'ateur', 'ation', 'aison', 'ances', 'ences',
  'euses', 'istes', 'ismes', 'iques', 'ables', 'ibles', 'erons', 'eront', 'erait', 'ments', 'ment', 'ures', 'ance', 'ence', 'euse',
  'eurs', 'iste', 'isme', 'ique', 'able', 'ible', 'ions', 'ites', 'ives', 'ants', 'antes', 'ante', 'aient', 'erai', 'eras', 'erez', 'ure',
  'eur', 'ite', 'ive', 'ifs', 'ion', 'ant', 'ais', 'ait', 'ent', 'ees', 'era', 'iez', 'ons', 'ies', 'er', 'ez', 'ee', 'es', 'if', 'ie',
  'ir', 'is', 'it', 'e', 's', 'x',
].sort((a, b) => b.length - a.length); // prettier-ignore
const EN_SUFFIXES = [
  'izations', 'isations', 'ization', 'isation', 'ational', 'fulness', 'iveness', 'ations', 'nesses', 'ation', 'ments', 'ness', 'ment',
  'ings', 'ives', 'able', 'ible', 'ers', 'ing', 'ful', 'ive', 'ely', 'ies', 'ied', 'es', 'ed', 'er', 'ly', 'al', 's',
].sort((a, b) => b.length - a.length); // prettier-ignore
const MIN_STEM = 3;

function stripSuffix(word: string, suffixes: readonly string[]): string {
  for (const suffix of suffixes) if (word.length - suffix.length >= MIN_STEM && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  return word;
}

/** A doubled final consonant as one (telework-"aill"-er, runn-ing, staff). */
function undouble(word: string): string {
  const last = word.at(-1)!;
  return word.length > MIN_STEM && last === word.at(-2) && !'aeiouy'.includes(last) ? word.slice(0, -1) : word;
}

/** French light stemmer: plural, feminine, verb endings and the common derivational suffixes (télétravailler → teletravail). */
export function stemFr(word: string): string {
  if (word.length <= MIN_STEM || /\d/.test(word)) return word;
  let stem = stripSuffix(word, FR_SUFFIXES);
  // A second pass for an ending left by the first (déclarées → declare → declar).
  if (stem !== word) stem = stripSuffix(stem, ['e', 's', 'i']);
  return undouble(stem);
}

/** English light stemmer: plurals, -ing, -ed, -ly, -ment, -ness, -ation…, then a final e or y (vaccinated, vaccine → vaccin). */
export function stemEn(word: string): string {
  if (word.length <= MIN_STEM || /\d/.test(word)) return word;
  let stem = stripSuffix(word, EN_SUFFIXES);
  if (stem.length > 4 && stem.endsWith('at')) stem = stem.slice(0, -2);
  if (stem.length > MIN_STEM && /[ey]$/.test(stem)) stem = stem.slice(0, -1);
  return undouble(stem);
}

export const STEMMERS: Record<KbLanguage, (word: string) => string> = { fr: stemFr, en: stemEn };

/** A synonym list compiled for one language: the variants as word sequences, longest first, to their canonical words. */
export interface CompiledSynonyms {
  /** First word → the phrases starting with it, longest first. */
  byFirst: Map<string, Array<{ phrase: string[]; canonical: string[] }>>;
}

export function compileSynonyms(entries: readonly SynonymEntry[]): CompiledSynonyms {
  const byFirst = new Map<string, Array<{ phrase: string[]; canonical: string[] }>>();
  for (const entry of entries) {
    const canonical = words(entry.canonical);
    for (const variant of entry.variants) {
      const phrase = words(variant);
      if (phrase.length === 0) continue;
      const list = byFirst.get(phrase[0]) ?? [];
      list.push({ phrase, canonical });
      byFirst.set(phrase[0], list);
    }
  }
  for (const list of byFirst.values()) list.sort((a, b) => b.phrase.length - a.phrase.length);
  return { byFirst };
}

/** Replaces each variant (the longest phrase first, left to right) by its canonical words; replacements are not read again. */
export function applySynonyms(tokens: readonly string[], synonyms: CompiledSynonyms): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length;) {
    const match = synonyms.byFirst.get(tokens[i])?.find(({ phrase }) => phrase.every((word, k) => tokens[i + k] === word));
    if (match) {
      out.push(...match.canonical);
      i += match.phrase.length;
    } else out.push(tokens[i++]);
  }
  return out;
}

/** A word of a text as the search keeps it: the folded word (for typo matching) and its stem (what is indexed). */
export interface Term {
  word: string;
  stem: string;
}

/** A text's terms: folded words, synonyms applied, stop words dropped, stemmed. */
export function analyse(text: string, lang: KbLanguage, synonyms: CompiledSynonyms): Term[] {
  const stem = STEMMERS[lang];
  return applySynonyms(words(text), synonyms)
    .filter((word) => !isStopWord(word, lang) && (word.length > 1 || /\d/.test(word)))
    .map((word) => ({ word, stem: stem(word) }));
}

/**
 * Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions) between two words, or
 * `max + 1` as soon as it must exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  if (rows[0].length < width) for (let k = 0; k < 3; k++) rows[k] = new Int32Array(width * 2);
  let previous2 = rows[0];
  let previous = rows[1];
  let current = rows[2];
  for (let j = 0; j < width; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1))
        value = Math.min(value, previous2[j - 2] + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    const spare = previous2;
    previous2 = previous;
    previous = current;
    current = spare;
  }
  return Math.min(previous[b.length], max + 1);
}

/** Three rows reused by every call (the engine runs on one thread at a time). */
const rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];
