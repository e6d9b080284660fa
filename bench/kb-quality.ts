// Quality of the knowledge-base search on shared/data/kb-fixture.json: top-1 and top-3 accuracy on the tuning half and
// the held-out half of bench/data/kb-questions.json (questions as people type them: no accents, typos, slang), beside a
// plain keyword BM25 (no stemming, no accent folding, no synonyms, no typo tolerance) measured in the same run, and how
// often a question without an answer gets an empty list. `npx tsx bench/kb-quality.ts [--fixture FILE] [--misses]`
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildKbIndex, searchKb, type KbSearchDocument } from '../src/engine/kb-search.js';
import { KbImportFile, plainText } from '../src/model/kb.js';
import { loadSynonyms } from '../src/operations/kb-synonyms.js';

interface Question {
  q: string;
  lang: 'fr' | 'en';
  expect?: string;
}

const { values } = parseArgs({
  // A copy of shared/data/kb-fixture.json is kept beside the questions written for it.
  options: {
    fixture: { type: 'string', default: join(import.meta.dirname, 'data/kb-fixture.json') },
    misses: { type: 'boolean' },
    // Also index the demo's starter knowledge base, as when the fixture is imported into the demo organisation.
    'with-starter': { type: 'boolean' },
  },
});
const fixture = KbImportFile.parse(JSON.parse(readFileSync(values.fixture, 'utf8')));
const questions = JSON.parse(readFileSync(join(import.meta.dirname, 'data/kb-questions.json'), 'utf8')) as {
  tuning: Question[];
  heldOut: Question[];
  noAnswer: Question[];
};

const starter = values['with-starter'] ? KbImportFile.parse(JSON.parse(readFileSync(join(import.meta.dirname, '../data/kb/demo.json'), 'utf8'))).articles : [];
const documents: KbSearchDocument[] = [...fixture.articles, ...starter].map((article) => ({
  id: article.id,
  lang: article.lang,
  audience: article.audience,
  question: article.question,
  variants: article.variants,
  tags: article.tags,
  answer: plainText(article.answer),
}));

// ——— The baseline: BM25 over the words as written (lower case), question and answer as one text ———
const plainWords = (text: string) => text.toLowerCase().match(/\p{L}+|\p{N}+/gu) ?? [];
function baseline(docs: readonly KbSearchDocument[]) {
  const byLang = new Map<string, { id: string; tf: Map<string, number>; length: number }[]>();
  for (const doc of docs) {
    const tf = new Map<string, number>();
    const tokens = plainWords(`${doc.question} ${doc.answer}`);
    for (const token of tokens) tf.set(token, (tf.get(token) ?? 0) + 1);
    byLang.set(doc.lang, [...(byLang.get(doc.lang) ?? []), { id: doc.id, tf, length: tokens.length }]);
  }
  return (query: string, lang: string): string[] => {
    const list = byLang.get(lang) ?? [];
    const average = list.reduce((sum, doc) => sum + doc.length, 0) / list.length;
    const scores = list.map((doc) => {
      let score = 0;
      for (const term of new Set(plainWords(query))) {
        const tf = doc.tf.get(term) ?? 0;
        if (tf === 0) continue;
        const df = list.filter((other) => other.tf.has(term)).length;
        const idf = Math.log(1 + (list.length - df + 0.5) / (df + 0.5));
        score += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * doc.length) / average));
      }
      return { id: doc.id, score };
    });
    return scores
      .filter((hit) => hit.score > 0)
      .sort((a, b) => b.score - a.score)
      .map((hit) => hit.id);
  };
}

const synonyms = loadSynonyms();
const index = buildKbIndex(documents, synonyms);
const ours = (query: string, lang: 'fr' | 'en') => searchKb(index, query, { lang, audiences: ['public', 'staff'] }).map((hit) => hit.id);
const plain = baseline(documents);

function accuracy(name: string, set: Question[], search: (q: string, lang: 'fr' | 'en') => string[]) {
  let top1 = 0;
  let top3 = 0;
  const misses: string[] = [];
  for (const question of set) {
    const ids = search(question.q, question.lang);
    if (ids[0] === question.expect) top1++;
    else misses.push(`  ${question.lang} "${question.q}" → ${ids.slice(0, 3).join(', ') || '(nothing)'} (expected ${question.expect})`);
    if (ids.slice(0, 3).includes(question.expect!)) top3++;
  }
  const pct = (n: number) => `${((100 * n) / set.length).toFixed(1)} %`;
  console.log(`${name.padEnd(34)} top-1 ${pct(top1).padStart(8)}   top-3 ${pct(top3).padStart(8)}   (${set.length} questions)`);
  if (values.misses && misses.length > 0) console.log(misses.join('\n'));
  return top1 / set.length;
}

console.log(`Fixture: ${documents.length} articles; synonym list: ${synonyms.fr.length} French and ${synonyms.en.length} English entries.\n`);
accuracy('baseline BM25, tuning', questions.tuning, plain);
accuracy('baseline BM25, held out', questions.heldOut, plain);
accuracy('Rempart search, tuning', questions.tuning, ours);
const heldOut = accuracy('Rempart search, held out', questions.heldOut, ours);

const answerable = [...questions.tuning, ...questions.heldOut];
const emptyWhenAnswerable = answerable.filter((question) => ours(question.q, question.lang).length === 0);
const emptyWhenNone = questions.noAnswer.filter((question) => ours(question.q, question.lang).length === 0);
console.log(
  `\nQuestions without an answer given an empty list: ${emptyWhenNone.length} of ${questions.noAnswer.length}; ` +
    `answerable questions given an empty list: ${emptyWhenAnswerable.length} of ${answerable.length}.`,
);
if (values.misses)
  for (const question of questions.noAnswer) {
    const hits = searchKb(index, question.q, { lang: question.lang, audiences: ['public', 'staff'] });
    if (hits.length > 0) console.log(`  ${question.lang} "${question.q}" → ${hits.map((hit) => `${hit.id} ${hit.score}`).join(', ')}`);
  }

const started = performance.now();
let runs = 0;
for (let round = 0; round < 20; round++)
  for (const question of answerable) {
    ours(question.q, question.lang);
    runs++;
  }
console.log(`Mean search time on the fixture: ${((performance.now() - started) / runs).toFixed(3)} ms.`);
console.log(`Goal: held-out top-1 ≥ 90 %: ${heldOut >= 0.9 ? 'met' : 'NOT met'}.`);
