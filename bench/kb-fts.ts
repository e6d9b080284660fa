// The alternative the issue names, measured on the same questions: PostgreSQL full-text search (french and english
// configurations, unaccent on both sides, OR of the question's lexemes, ranked by ts_rank_cd) on embedded PGlite with
// its unaccent extension. `npx tsx bench/kb-fts.ts`
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { KbImportFile, plainText } from '../src/model/kb.js';

const fixture = KbImportFile.parse(JSON.parse(readFileSync(join(import.meta.dirname, 'data/kb-fixture.json'), 'utf8')));
const questions = JSON.parse(readFileSync(join(import.meta.dirname, 'data/kb-questions.json'), 'utf8')) as Record<
  string,
  Array<{ q: string; lang: 'fr' | 'en'; expect?: string }>
>;
const db = new PGlite({ extensions: { unaccent } });
await db.exec(`create extension unaccent;
  create table kb (id text, lang text, doc tsvector);`);
const config = (lang: string) => (lang === 'fr' ? 'french' : 'english');
for (const article of fixture.articles)
  await db.query(
    `insert into kb values ($1, $2, setweight(to_tsvector($3::regconfig, unaccent($4)), 'A') || setweight(to_tsvector($3::regconfig, unaccent($5)), 'D'))`,
    [article.id, article.lang, config(article.lang), [article.question, ...article.variants].join(' '), plainText(article.answer)],
  );
async function search(q: string, lang: string): Promise<string[]> {
  const result = await db.query<{ id: string }>(
    `with query as (
       select to_tsquery(coalesce(nullif(string_agg(lexeme, ' | '), ''), 'zzzz')) as q
       from unnest(to_tsvector($1::regconfig, unaccent($2)))
     )
     select id from kb, query where lang = $3 and doc @@ query.q order by ts_rank_cd(doc, query.q) desc, id limit 3`,
    [config(lang), q, lang],
  );
  return result.rows.map((row) => row.id);
}
for (const [name, set] of [
  ['tuning', questions.tuning],
  ['held out', questions.heldOut],
] as const) {
  let top1 = 0;
  let top3 = 0;
  for (const question of set) {
    const ids = await search(question.q, question.lang);
    if (ids[0] === question.expect) top1++;
    if (ids.includes(question.expect!)) top3++;
  }
  console.log(
    `PostgreSQL FTS + unaccent, ${name.padEnd(9)} top-1 ${((100 * top1) / set.length).toFixed(1)} %   top-3 ${((100 * top3) / set.length).toFixed(1)} %`,
  );
}
let empty = 0;
for (const question of questions.noAnswer) if ((await search(question.q, question.lang)).length === 0) empty++;
console.log(`Questions without an answer given an empty list: ${empty} of ${questions.noAnswer.length}.`);
await db.close();
