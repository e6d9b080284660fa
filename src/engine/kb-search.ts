// Search of an organisation's knowledge base, pure and in memory: BM25F over an article's question and variants, tags
// and answer, on the terms of kb-text.ts (folded, synonyms, stop words, stems), with typo tolerance (a query word the
// articles never use matches the words within one edit, two for long words) and a score in [0, 1] that says how much
// of the question the article answers, so that "nothing good enough" is an empty list rather than a weak guess.
import type { KbAudience } from '../model/kb.js';
import { analyse, compileSynonyms, editDistance, isNearStopWord, KB_LANGUAGES, type CompiledSynonyms, type KbLanguage, type SynonymList } from './kb-text.js';

export type { KbAudience };

/** What the search reads of an article (its answer as plain text). */
export interface KbSearchDocument {
  id: string;
  lang: KbLanguage;
  audience: KbAudience;
  question: string;
  variants: readonly string[];
  tags: readonly string[];
  answer: string;
}

export interface KbHit {
  id: string;
  /** 0 to 1: the share of the question the article covers, times how strongly it matches. */
  score: number;
}

/**
 * Below this score an article is not offered. Chosen on the tuning questions and the questions without an answer
 * (bench/kb-quality.ts): the right article of a question typed as people type it scores 0.3 to 0.9, an article that
 * shares only one common word with an unrelated question scores under 0.15.
 */
export const KB_THRESHOLD = 0.2;
/** How many answers a search gives at most, best first. */
export const KB_DEFAULT_LIMIT = 3;

// BM25 parameters (the usual ones) and the weight of each field: a match in the question says more than in the answer.
const K1 = 1.2;
const B = 0.75;
const FIELDS = 3;
const FIELD_WEIGHTS = [3, 2, 1]; // question and variants, tags, answer
/** bm25 / (bm25 + HALF): the match strength that counts for half. */
const HALF = 4;
/** What a word matched through a typo is worth beside an exact one, by edit distance. */
const TYPO_WEIGHT = [1, 0.8, 0.6];

interface Posting {
  doc: number;
  tf: [number, number, number];
}

interface LanguageIndex {
  count: number;
  postings: Map<string, Posting[]>;
  /**
   * Folded words of the articles with their stem, by length and first letter and by length and second letter: where
   * typos are looked up (a typo rarely spares neither of the first two letters, so a lookup reads a few buckets, not
   * the whole vocabulary).
   */
  wordsByKey: Map<string, Map<string, string>>;
  averageLength: [number, number, number];
  synonyms: CompiledSynonyms;
}

export interface KbIndex {
  documents: readonly { id: string; audience: KbAudience; lengths: [number, number, number] }[];
  languages: Record<KbLanguage, LanguageIndex>;
}

/** Indexes the articles (any number, any language of KB_LANGUAGES). */
export function buildKbIndex(articles: readonly KbSearchDocument[], synonymList: SynonymList): KbIndex {
  const languages = {} as Record<KbLanguage, LanguageIndex>;
  for (const lang of KB_LANGUAGES)
    languages[lang] = {
      count: 0,
      postings: new Map(),
      wordsByKey: new Map(),
      averageLength: [0, 0, 0],
      synonyms: compileSynonyms(synonymList[lang] ?? []),
    };
  const documents: KbIndex['documents'][number][] = [];
  articles.forEach((article, doc) => {
    const index = languages[article.lang];
    const fields = [[article.question, ...article.variants].join(' \n '), article.tags.join(' \n '), article.answer];
    const lengths: [number, number, number] = [0, 0, 0];
    const counts = new Map<string, [number, number, number]>();
    fields.forEach((text, field) => {
      const terms = analyse(text, article.lang, index.synonyms);
      lengths[field] = terms.length;
      for (const { word, stem } of terms) {
        const tf = counts.get(stem) ?? [0, 0, 0];
        tf[field]++;
        counts.set(stem, tf);
        for (const key of [`${word.length}<${word[0]}`, `${word.length}>${word[1] ?? ''}`]) {
          let byWord = index.wordsByKey.get(key);
          if (!byWord) index.wordsByKey.set(key, (byWord = new Map()));
          byWord.set(word, stem);
        }
      }
    });
    for (const [stem, tf] of counts) {
      let list = index.postings.get(stem);
      if (!list) index.postings.set(stem, (list = []));
      list.push({ doc, tf });
    }
    for (let field = 0; field < FIELDS; field++) index.averageLength[field] += lengths[field];
    index.count++;
    documents.push({ id: article.id, audience: article.audience, lengths });
  });
  for (const lang of KB_LANGUAGES) {
    const index = languages[lang];
    for (let field = 0; field < FIELDS; field++) index.averageLength[field] = index.count > 0 ? index.averageLength[field] / index.count || 1 : 1;
  }
  return { documents, languages };
}

function idf(count: number, documentFrequency: number): number {
  return Math.log(1 + (count - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/** Typo tolerance: how far a word may be from an article's word, by its length (short words must be exact). */
function allowedEdits(length: number): number {
  return length >= 8 ? 2 : length >= 4 ? 1 : 0;
}

/** The stems a query word may stand for, with their weight: itself, or the articles' words nearest to it. */
function candidates(index: LanguageIndex, word: string, stem: string): Map<string, number> {
  if (index.postings.has(stem)) return new Map([[stem, 1]]);
  const max = allowedEdits(word.length);
  const found = new Map<string, number>();
  let best = max + 1;
  // Same first letter, the second letter first (the first two swapped, or one added in front), or same second letter.
  const keys = (length: number) => [`${length}<${word[0]}`, `${length}<${word[1]}`, `${length}>${word[1]}`];
  for (let length = word.length - max; length <= word.length + max; length++)
    for (const key of keys(length))
      for (const [other, otherStem] of index.wordsByKey.get(key) ?? []) {
        const distance = editDistance(word, other, Math.min(max, best));
        if (distance > max || distance > best) continue;
        // Only the nearest words: a word one edit away is what was meant, not one two edits away.
        if (distance < best) {
          best = distance;
          found.clear();
        }
        found.set(otherStem, TYPO_WEIGHT[distance]);
      }
  return found;
}

/**
 * The articles answering `query`, best first, at most `limit`, each scoring at least `threshold`; only articles of
 * the question's language and of the audiences given (the public sees only public articles).
 */
export function searchKb(
  index: KbIndex,
  query: string,
  options: { lang: KbLanguage; audiences: readonly KbAudience[]; limit?: number; threshold?: number },
): KbHit[] {
  const language = index.languages[options.lang];
  if (language.count === 0) return [];
  const seen = new Set<string>();
  const terms = analyse(query, options.lang, language.synonyms).filter(({ stem }) => !seen.has(stem) && seen.add(stem));
  if (terms.length === 0) return [];
  // Per article, by position: the match strength and the weight of the question it covers; `touched` lists who has any.
  const count = index.documents.length;
  const bm25 = new Float64Array(count);
  const covered = new Float64Array(count);
  const best = new Float64Array(count);
  const touched: number[] = [];
  const unknownIdf = idf(language.count, 0);
  let totalWeight = 0;
  for (const { word, stem } of terms) {
    const stems = candidates(language, word, stem);
    if (stems.size === 0 && isNearStopWord(word, options.lang)) continue;
    // A word no article uses weighs as much as the rarest word: a question about something else covers little.
    let termWeight = stems.size === 0 ? unknownIdf : 0;
    const matched: number[] = [];
    for (const [candidate, weight] of stems) {
      const postings = language.postings.get(candidate)!;
      const termIdf = idf(language.count, postings.length);
      termWeight = Math.max(termWeight, termIdf);
      for (const { doc, tf } of postings) {
        const lengths = index.documents[doc].lengths;
        let score = 0;
        for (let field = 0; field < FIELDS; field++) {
          if (tf[field] === 0) continue;
          const norm = 1 - B + (B * lengths[field]) / language.averageLength[field];
          score += (FIELD_WEIGHTS[field] * (tf[field] * (K1 + 1))) / (tf[field] + K1 * norm);
        }
        if (bm25[doc] === 0) touched.push(doc);
        bm25[doc] += weight * termIdf * score;
        if (best[doc] === 0) matched.push(doc);
        if (weight > best[doc]) best[doc] = weight;
      }
    }
    totalWeight += termWeight;
    for (const doc of matched) {
      covered[doc] += best[doc] * termWeight;
      best[doc] = 0;
    }
  }
  const threshold = options.threshold ?? KB_THRESHOLD;
  const hits: KbHit[] = [];
  for (const doc of touched) {
    const strength = bm25[doc];
    const document = index.documents[doc];
    if (!options.audiences.includes(document.audience)) continue;
    const coverage = Math.min(1, covered[doc] / totalWeight);
    const score = coverage * (strength / (strength + HALF));
    if (score >= threshold) hits.push({ id: document.id, score: Math.round(score * 1000) / 1000 });
  }
  return hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, options.limit ?? KB_DEFAULT_LIMIT);
}
