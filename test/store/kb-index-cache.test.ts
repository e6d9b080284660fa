// A process trusts the knowledge-base index it built for a second before reading the revision again (every message of
// the assistant used to read it): a change made through this process applies at once, one made behind its back (as
// another server process would) within that second, never later.
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYSTEM, actAs } from '../../src/operations/actor.js';
import type { KbImportArticle } from '../../src/model/kb.js';
import { deleteArticle, importArticles, searchArticles } from '../../src/operations/kb.js';
import { createOrganisation } from '../../src/operations/model-writer.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { createTestDatabase } from '../support/database.js';

const ORG = 'kbcache';
const fixture = JSON.parse(readFileSync(new URL('../../bench/data/kb-fixture.json', import.meta.url), 'utf8')) as { articles: KbImportArticle[] };
let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await createTestDatabase();
  await actAs(SYSTEM, () => createOrganisation(handle.db, { id: ORG, name: 'KB cache' }));
  await actAs(SYSTEM, () => importArticles(handle.db, ORG, fixture.articles));
});
afterAll(async () => handle?.close());

const ids = async (question: string, lang: 'fr' | 'en') =>
  (await searchArticles(handle.db, ORG, question, { lang, audiences: ['public', 'staff'] })).map((answer) => answer.id);

it('applies a change made here at once, and one made behind its back within a second', async () => {
  const article = fixture.articles.find((one) => one.lang === 'en')!;
  expect(await ids(article.question, 'en')).toContain(article.id);

  // Behind its back: the row gone and the revision moved, as another process's deletion leaves them.
  await sql`delete from kb_articles where org_id = ${ORG} and id = ${article.id}`.execute(handle.db);
  await sql`update kb_settings set revision = revision + 1 where org_id = ${ORG}`.execute(handle.db);
  expect(await ids(article.question, 'en')).toContain(article.id);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  expect(await ids(article.question, 'en')).not.toContain(article.id);

  // Through this process: at once.
  const other = fixture.articles.find((one) => one.lang === 'en' && one.id !== article.id)!;
  expect(await ids(other.question, 'en')).toContain(other.id);
  await actAs(SYSTEM, () => deleteArticle(handle.db, ORG, other.id));
  expect(await ids(other.question, 'en')).not.toContain(other.id);
});
