// The knowledge base's named commands: create, replace and remove an article, import (JSON, CSV, XLSX; upsert or
// replace, all or nothing) and export, the handoff contact, and the search. Each write is one transaction that moves
// the organisation's knowledge-base revision and is recorded in its audit trail. The search keeps, per process, the
// index of each organisation at the revision it was built from, and builds it again when a write (in any process)
// moved the revision: one small read per question, and no stale answer after a write.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import type { KbSearcher } from '../engine/flow-builtins.js';
import { buildKbIndex, searchKb, type KbHit, type KbIndex } from '../engine/kb-search.js';
import { RempartError } from '../errors.js';
import { parseKbSheet, writeKbSheet } from '../interchange/kb-sheet.js';
import type { TableFormat } from '../interchange/table-file.js';
import {
  articleOf,
  KbHandoff,
  KbImportFile,
  MAX_KB_ARTICLES,
  plainText,
  type KbArticle,
  type KbArticleInput,
  type KbAudience,
  type KbImportArticle,
  type KbLanguage,
} from '../model/kb.js';
import { problemsFromZod } from '../model/problem.js';
import { DATA_DIR } from '../paths.js';
import { KbRepository, type KbArticleRecord, type KbListQuery } from '../store/kb-repository.js';
import { ModelRepository } from '../store/model-repository.js';
import type { Database } from '../store/schema.js';
import { recordAudit } from './audit.js';
import { loadSynonyms } from './kb-synonyms.js';
import { notFound } from './model-writer.js';

export type KbImportMode = 'upsert' | 'replace';

export interface KbImportSummary {
  mode: KbImportMode;
  articles: number;
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
  total: number;
}

async function requireOrganisation(db: Kysely<Database> | Transaction<Database>, orgId: string): Promise<void> {
  if (!(await new ModelRepository(db).getOrganisation(orgId))) throw notFound('organisation', orgId);
}

/** What the audit trail keeps of an article: all of it but the answer's text, of which it keeps the length. */
function auditView(article: KbArticle) {
  const { answer, ...rest } = article;
  return { ...rest, answerLength: answer.length };
}

function plain(record: KbArticleRecord): KbArticle {
  const { createdAt: _created, updatedAt: _updated, ...article } = record;
  void _created;
  void _updated;
  return article;
}

const same = (a: KbArticle, b: KbArticle) =>
  JSON.stringify(a) === JSON.stringify(Object.fromEntries(Object.keys(a).map((key) => [key, b[key as keyof KbArticle]])));

export async function listArticles(db: Kysely<Database>, orgId: string, query: KbListQuery) {
  await requireOrganisation(db, orgId);
  return new KbRepository(db).list(orgId, query);
}

export async function getArticle(db: Kysely<Database>, orgId: string, id: string): Promise<KbArticleRecord> {
  const article = await new KbRepository(db).get(orgId, id);
  if (!article) throw notFound('article', id);
  return article;
}

export async function createArticle(db: Kysely<Database>, orgId: string, input: KbArticleInput): Promise<KbArticleRecord> {
  await requireOrganisation(db, orgId);
  const article = articleOf(input);
  return changeKb(db, async (trx) => {
    const kb = new KbRepository(trx);
    await kb.bumpRevision(orgId);
    if (await kb.get(orgId, article.id))
      throw new RempartError('duplicate_id', `An article with id "${article.id}" already exists.`, [
        { path: 'body.id', rule: 'duplicate_id', value: article.id, message: 'choose another id, or replace that article with PUT' },
      ]);
    if ((await kb.count(orgId)) >= MAX_KB_ARTICLES)
      throw new RempartError('invalid_input', `A knowledge base holds at most ${MAX_KB_ARTICLES} articles.`, [
        { path: 'body', rule: 'too_many', value: MAX_KB_ARTICLES, message: 'remove articles first' },
      ]);
    await kb.upsertMany(orgId, [article]);
    await recordAudit(trx, { org: orgId, action: 'create', entityType: 'kbArticle', entityId: article.id, after: auditView(article) });
    return (await kb.get(orgId, article.id))!;
  });
}

export async function replaceArticle(db: Kysely<Database>, orgId: string, id: string, input: KbArticleInput): Promise<KbArticleRecord> {
  if (input.id !== id)
    throw new RempartError('invalid_input', 'An article’s id cannot change: create it under the new id and remove the old one.', [
      { path: 'body.id', rule: 'id_mismatch', value: input.id, message: `must be "${id}", the id in the address` },
    ]);
  const article = articleOf(input);
  return changeKb(db, async (trx) => {
    const kb = new KbRepository(trx);
    await kb.bumpRevision(orgId);
    const before = await kb.get(orgId, id);
    if (!before) throw notFound('article', id);
    if (same(plain(before), article)) return before;
    await kb.upsertMany(orgId, [article]);
    await recordAudit(trx, {
      org: orgId,
      action: 'update',
      entityType: 'kbArticle',
      entityId: id,
      before: auditView(plain(before)),
      after: auditView(article),
    });
    return (await kb.get(orgId, id))!;
  });
}

export async function deleteArticle(db: Kysely<Database>, orgId: string, id: string): Promise<void> {
  await changeKb(db, async (trx) => {
    const kb = new KbRepository(trx);
    await kb.bumpRevision(orgId);
    const before = await kb.get(orgId, id);
    if (!before || !(await kb.delete(orgId, id))) throw notFound('article', id);
    await recordAudit(trx, { org: orgId, action: 'delete', entityType: 'kbArticle', entityId: id, before: auditView(plain(before)) });
  });
}

/**
 * Imports articles already checked (a JSON file through KbImportFile, a spreadsheet through parseKbSheet), all or
 * nothing: `upsert` adds and replaces the file's articles and keeps the others, `replace` makes the knowledge base
 * exactly the file. One audit entry records the counts and the ids touched.
 */
export async function importArticles(
  db: Kysely<Database>,
  orgId: string,
  articles: readonly KbImportArticle[],
  mode: KbImportMode = 'upsert',
): Promise<KbImportSummary> {
  await requireOrganisation(db, orgId);
  const incoming = articles.map(articleOf);
  return changeKb(db, async (trx) => {
    const kb = new KbRepository(trx);
    await kb.bumpRevision(orgId);
    const existing = new Map((await kb.all(orgId)).map((record) => [record.id, plain(record)]));
    const created: string[] = [];
    const updated: string[] = [];
    let unchanged = 0;
    const changed: KbArticle[] = [];
    for (const article of incoming) {
      const before = existing.get(article.id);
      if (!before) created.push(article.id);
      else if (same(before, article)) {
        unchanged++;
        continue;
      } else updated.push(article.id);
      changed.push(article);
    }
    const inFile = new Set(incoming.map((article) => article.id));
    const removed = mode === 'replace' ? [...existing.keys()].filter((id) => !inFile.has(id)) : [];
    const total = existing.size + created.length - removed.length;
    if (total > MAX_KB_ARTICLES)
      throw new RempartError('invalid_input', `A knowledge base holds at most ${MAX_KB_ARTICLES} articles; this import would make ${total}.`, [
        { path: 'articles', rule: 'too_many', value: total, message: `at most ${MAX_KB_ARTICLES}` },
      ]);
    await kb.upsertMany(orgId, changed);
    await kb.deleteMany(orgId, removed);
    if (changed.length > 0 || removed.length > 0)
      await recordAudit(trx, {
        org: orgId,
        action: 'import',
        entityType: 'kb',
        entityId: null,
        after: { mode, articles: incoming.length, created, updated, unchanged, removed },
      });
    return { mode, articles: incoming.length, created: created.length, updated: updated.length, unchanged, removed: removed.length, total };
  });
}

/** Reads an import file of either kind: JSON (the fixture's format), CSV or XLSX; refused whole with every problem. */
export async function readArticlesFile(data: Buffer, format: 'json' | TableFormat): Promise<KbImportArticle[]> {
  if (format !== 'json') {
    const sheet = await parseKbSheet(data, format);
    if (sheet.problems.length > 0)
      throw new RempartError('invalid_input', `The spreadsheet has ${sheet.problems.length} problem(s); nothing was imported.`, sheet.problems);
    return sheet.articles;
  }
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw new RempartError('invalid_input', 'The file is not JSON.', [{ path: 'file', rule: 'json', value: null, message: (error as Error).message }]);
  }
  const parsed = KbImportFile.safeParse(json, { reportInput: true });
  if (!parsed.success)
    throw new RempartError('invalid_input', 'The knowledge-base file has problems; nothing was imported.', problemsFromZod(parsed.error, json).slice(0, 500));
  return parsed.data.articles;
}

/** Every article, as JSON (the import format) or a spreadsheet. */
export async function exportArticles(db: Kysely<Database>, orgId: string, format: 'json' | TableFormat, separator: ',' | ';' = ','): Promise<Buffer> {
  await requireOrganisation(db, orgId);
  const articles = (await new KbRepository(db).all(orgId)).map(plain);
  if (format === 'json') return Buffer.from(`${JSON.stringify({ articles }, null, 2)}\n`);
  return writeKbSheet(articles, format, separator);
}

export async function readHandoff(db: Kysely<Database>, orgId: string): Promise<KbHandoff | null> {
  const parsed = KbHandoff.safeParse(await new KbRepository(db).handoff(orgId));
  return parsed.success ? parsed.data : null;
}

export async function updateHandoff(db: Kysely<Database>, orgId: string, handoff: KbHandoff | null): Promise<KbHandoff | null> {
  await requireOrganisation(db, orgId);
  await changeKb(db, async (trx) => {
    const kb = new KbRepository(trx);
    // The cached search indexes carry the handoff: they are built again.
    await kb.bumpRevision(orgId);
    const before = await kb.handoff(orgId);
    await kb.setHandoff(orgId, handoff ?? {});
    await recordAudit(trx, { org: orgId, action: 'update', entityType: 'kb', entityId: 'handoff', before, after: handoff });
  });
  return handoff;
}

// ——— Search ———

interface CachedIndex {
  revision: number;
  /** When the revision was last read, and this process's generation of changes then. */
  checkedAt: number;
  generation: number;
  index: KbIndex;
  articles: Map<string, KbArticle>;
  handoff: KbHandoff | null;
}
const indexes = new Map<string, CachedIndex>();
const building = new Map<string, Promise<CachedIndex>>();
/** Organisations whose index a process keeps; the least recently used goes first. */
const CACHED_ORGANISATIONS = 200;

/**
 * How long a process trusts the index it built without reading the knowledge base's revision again: every message of
 * the assistant read it (twice a message), a third of the statements of a busy public assistant. A change made through
 * this process applies at once (`changeKb`); one made through another process within this time.
 */
const REVISION_TRUST_MS = 1000;
/** Moves on after each change this process commits to any knowledge base. */
let kbGeneration = 0;

/** Runs a knowledge-base write in a transaction; once it is committed, no index built before is trusted any more. */
async function changeKb<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  try {
    return await db.transaction().execute(work);
  } finally {
    kbGeneration++;
  }
}

async function indexOf(db: Kysely<Database>, orgId: string): Promise<CachedIndex> {
  const repository = new KbRepository(db);
  const now = Date.now();
  const cached = indexes.get(orgId);
  const touch = (entry: CachedIndex) => {
    indexes.delete(orgId);
    indexes.set(orgId, entry);
    return entry;
  };
  if (cached && cached.generation === kbGeneration && now - cached.checkedAt < REVISION_TRUST_MS) return touch(cached);
  const generation = kbGeneration;
  const revision = await repository.revision(orgId);
  if (cached && cached.revision === revision) {
    cached.checkedAt = now;
    cached.generation = generation;
    return touch(cached);
  }
  const key = `${orgId}@${revision}`;
  let pending = building.get(key);
  if (!pending) {
    pending = (async () => {
      const [records, handoff] = await Promise.all([repository.all(orgId), readHandoff(db, orgId)]);
      const articles = records.map(plain);
      const index = buildKbIndex(
        articles.map((article) => ({ ...article, answer: plainText(article.answer) })),
        loadSynonyms(),
      );
      // Built from rows read after the revision: a write in between makes a newer revision, so this is rebuilt next time.
      const built = { revision, checkedAt: now, generation, index, articles: new Map(articles.map((article) => [article.id, article])), handoff };
      indexes.delete(orgId);
      indexes.set(orgId, built);
      if (indexes.size > CACHED_ORGANISATIONS) indexes.delete(indexes.keys().next().value!);
      return built;
    })().finally(() => building.delete(key));
    building.set(key, pending);
  }
  return pending;
}

export interface KbAnswer extends KbHit {
  article: KbArticle;
}

/** The articles answering a question, best first (empty when none is good enough), of the audiences given. */
export async function searchArticles(
  db: Kysely<Database>,
  orgId: string,
  query: string,
  options: { lang: KbLanguage; audiences: readonly KbAudience[]; limit?: number },
): Promise<KbAnswer[]> {
  const { index, articles } = await indexOf(db, orgId);
  return searchKb(index, query, options).map((hit) => ({ ...hit, article: articles.get(hit.id)! }));
}

/**
 * What the flows' `kbSearch` built-in searches for a conversation through a public key: the organisation's public
 * articles (staff-only ones never leave through the public API) and its handoff contact.
 */
export async function publicKbSearcher(db: Kysely<Database>, orgId: string): Promise<KbSearcher> {
  const { index, articles, handoff } = await indexOf(db, orgId);
  return {
    search: (question, lang) => searchKb(index, question, { lang, audiences: ['public'] }).map((hit) => ({ article: articles.get(hit.id)!, score: hit.score })),
    handoff,
  };
}

/** What `kbSearch` searches for a signed-in member: the organisation's public and staff articles, and its handoff contact. */
export async function staffKbSearcher(db: Kysely<Database>, orgId: string): Promise<KbSearcher> {
  const { index, articles, handoff } = await indexOf(db, orgId);
  return {
    search: (question, lang) =>
      searchKb(index, question, { lang, audiences: ['public', 'staff'] }).map((hit) => ({ article: articles.get(hit.id)!, score: hit.score })),
    handoff,
  };
}

/**
 * Loads the starter knowledge base (data/kb/demo.json: pandemic at work) and the crisis team as handoff contact. Not
 * part of the demo itself: imported on top of an organisation's own articles (the insurer's intranet answers of
 * kb-fixture.json) its general answers would compete with them.
 */
export async function loadDemoKb(db: Kysely<Database>, orgId: string): Promise<KbImportSummary> {
  const file = await readArticlesFile(await readFile(join(DATA_DIR, 'kb', 'demo.json')), 'json');
  const summary = await importArticles(db, orgId, file);
  await updateHandoff(db, orgId, { label: { fr: 'la cellule de crise', en: 'the crisis team' }, phone: '01 70 00 00 00', email: 'crise@demo.rempart.example' });
  return summary;
}
