// Search speed over a 10,000-article knowledge base: the fixture's 60 articles among 9,940 generated ones (their
// sentences recombined with other words, so that postings are long and the typo lookup scans a large vocabulary),
// the evaluation questions asked in turn. Prints the index build time and the latency percentiles of one search.
// `npx tsx bench/kb-search.ts [--articles 10000] [--rounds 20]`
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildKbIndex, searchKb, type KbSearchDocument } from '../src/engine/kb-search.js';
import { createRandom } from '../src/engine/random.js';
import { KbImportFile, plainText } from '../src/model/kb.js';
import { loadSynonyms } from '../src/operations/kb-synonyms.js';

const { values } = parseArgs({ options: { articles: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '20' } } });
const total = Number(values.articles);
const fixture = KbImportFile.parse(JSON.parse(readFileSync(join(import.meta.dirname, 'data/kb-fixture.json'), 'utf8')));
const questions = JSON.parse(readFileSync(join(import.meta.dirname, 'data/kb-questions.json'), 'utf8')) as Record<
  string,
  Array<{ q: string; lang: 'fr' | 'en' }>
>;
const asked = [...questions.tuning, ...questions.heldOut, ...questions.noAnswer];

const base: KbSearchDocument[] = fixture.articles.map((a) => ({ ...a, answer: plainText(a.answer) }));
const random = createRandom(42);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
const vocabulary = new Map<string, string[]>();
for (const doc of base) vocabulary.set(doc.lang, [...(vocabulary.get(doc.lang) ?? []), ...`${doc.question} ${doc.answer}`.split(/\s+/)]);
// Made-up words as well, so the vocabulary grows with the base as a real one does (names, places, products).
const syllables = ['ba', 'ko', 'ri', 'tel', 'mar', 'so', 'lin', 'ver', 'du', 'qua', 'pré', 'ste', 'on', 'ax', 'ur'];
const madeUp = () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(syllables)).join('');
const sentence = (lang: string, length: number) => Array.from({ length }, () => (random() < 0.25 ? madeUp() : pick(vocabulary.get(lang)!))).join(' ');

const documents: KbSearchDocument[] = [...base];
for (let i = documents.length; i < total; i++) {
  const lang = random() < 0.5 ? 'fr' : 'en';
  documents.push({
    id: `generated-${i}`,
    lang,
    audience: random() < 0.5 ? 'public' : 'staff',
    question: `${sentence(lang, 6 + Math.floor(random() * 6))} ?`,
    variants: random() < 0.3 ? [sentence(lang, 6)] : [],
    tags: [],
    answer: sentence(lang, 20 + Math.floor(random() * 40)),
  });
}

const synonyms = loadSynonyms();
let started = performance.now();
const index = buildKbIndex(documents, synonyms);
const buildMs = performance.now() - started;

// Warm-up, then each question timed alone.
for (const question of asked) searchKb(index, question.q, { lang: question.lang, audiences: ['public', 'staff'] });
const times: number[] = [];
const slowest = new Map<string, number>();
for (let round = 0; round < Number(values.rounds); round++)
  for (const question of asked) {
    started = performance.now();
    searchKb(index, question.q, { lang: question.lang, audiences: ['public', 'staff'] });
    const ms = performance.now() - started;
    times.push(ms);
    slowest.set(question.q, Math.max(slowest.get(question.q) ?? 0, ms));
  }
if (process.env.KB_SLOWEST)
  console.log(
    [...slowest]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([q, ms]) => `${ms.toFixed(1)} ms  ${q}`)
      .join('\n'),
  );
times.sort((a, b) => a - b);
const at = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))].toFixed(2);
console.log(`${documents.length} articles: index built in ${buildMs.toFixed(0)} ms (heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB).`);
console.log(`${times.length} searches: p50 ${at(50)} ms, p90 ${at(90)} ms, p99 ${at(99)} ms, max ${times.at(-1)!.toFixed(2)} ms (goal: p99 < 20 ms).`);
