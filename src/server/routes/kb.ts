// The knowledge base of the crisis assistant: list (searchable, filtered by language, audience, tag, past review),
// read, create, replace and remove an article; import (JSON, CSV, XLSX; upsert or replace, all or nothing) and export;
// the search as the assistant answers a signed-in member (public and staff articles); the handoff contact.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RempartError } from '../../errors.js';
import { KB_COLUMNS } from '../../interchange/kb-sheet.js';
import { KbArticleView, KbHandoffView, KbImportSummary, KbPage, KbSearchResult } from '../../model/contract/kb.js';
import { isStale, KbArticleInput, KbAudience, KbHandoff, KbImportFile, KbLanguage, type KbArticle } from '../../model/kb.js';
import {
  createArticle,
  deleteArticle,
  exportArticles,
  getArticle,
  importArticles,
  listArticles,
  readArticlesFile,
  readHandoff,
  replaceArticle,
  searchArticles,
  updateHandoff,
} from '../../operations/kb.js';
import { KbRepository, type KbArticleRecord } from '../../store/kb-repository.js';
import { collectionAbilities, withAbilities } from '../access.js';
import { SPREADSHEET_LIMIT, SPREADSHEET_MEDIA_TYPES } from '../edge.js';
import { ERRORS, ItemParams, OrgParams, withoutReadOnly } from './shared.js';

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;
/** A whole knowledge base as JSON (20,000 articles of a few kilobytes each). */
const JSON_IMPORT_LIMIT = 64 * 1024 * 1024;

const ListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(200).optional().meta({ description: '`nextCursor` of the previous page' }),
    q: z.string().max(200).optional().meta({ description: 'Text in the id, question, variants, answer, source or tags (case-insensitive)' }),
    lang: KbLanguage.optional(),
    audience: KbAudience.optional(),
    tag: z.string().max(60).optional(),
    stale: z.enum(['true', 'false']).optional().meta({ description: '`true`: only the articles past their review date' }),
  })
  .strict();
const SearchQuery = z
  .object({
    q: z.string().min(1).max(2000),
    lang: KbLanguage,
    limit: z.coerce.number().int().min(1).max(10).default(3),
  })
  .strict();
const ImportQuery = z
  .object({
    mode: z
      .enum(['upsert', 'replace'])
      .default('upsert')
      .meta({ description: '`upsert` adds and replaces the file’s articles and keeps the others; `replace` makes the knowledge base exactly the file' }),
  })
  .strict();
const CsvQuery = z.object({ separator: z.enum(['comma', 'semicolon']).default('comma') }).strict();
const NoQuery = z.object({}).strict();

const READ_ONLY = ['abilities', 'createdAt', 'updatedAt', 'stale'];
const Body = z.preprocess((value) => withoutReadOnly(value, READ_ONLY), KbArticleInput);
const HandoffBody = z.object({ handoff: KbHandoff.nullable() }).strict();

/** The sheet's format from its media type; `application/octet-stream` by its first bytes (XLSX is a ZIP archive). */
function formatOf(contentType: string | undefined, body: Buffer): 'csv' | 'xlsx' {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === CONTENT_TYPES.xlsx) return 'xlsx';
  return body.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? 'xlsx' : 'csv';
}

const today = (now: number) => new Date(now).toISOString().slice(0, 10);

export const kbRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['knowledge base'];
  const now = () => app.access.sessions.now();
  const view = (article: KbArticle & Partial<Pick<KbArticleRecord, 'createdAt' | 'updatedAt'>>): KbArticleView => {
    const { createdAt, updatedAt, ...rest } = article;
    return { ...rest, stale: isStale(article, today(now())), createdAt: createdAt?.toISOString() ?? '', updatedAt: updatedAt?.toISOString() ?? '' };
  };
  const present = (request: Parameters<typeof withAbilities>[0], article: KbArticleRecord): KbArticleView => {
    const shown = view(article);
    return withAbilities(request, 'kb', shown, shown);
  };

  app.get(
    '/orgs/:org/kb/articles',
    {
      config: { policy: { resource: 'kb', action: 'read' } },
      schema: {
        tags,
        summary: 'List the knowledge base’s articles (by id)',
        description: 'Paged by cursor: pass `nextCursor` back as `cursor` with the same filters. `stale` counts the articles past their review date.',
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: KbPage, ...ERRORS },
      },
    },
    async (request) => {
      const { org } = request.params;
      const { stale, ...query } = request.query;
      const day = today(now());
      const page = await listArticles(app.db, org, { ...query, staleOn: stale === 'true' ? day : undefined });
      const staleCount = (await new KbRepository(app.db).list(org, { limit: 1, staleOn: day })).total;
      return { ...page, items: page.items.map((article) => present(request, article)), stale: staleCount, abilities: collectionAbilities(request, 'kb') };
    },
  );

  app.get(
    '/orgs/:org/kb/articles/:id',
    {
      config: { policy: { resource: 'kb', action: 'read' } },
      schema: { tags, summary: 'Read one article', params: ItemParams, response: { 200: KbArticleView, ...ERRORS } },
    },
    async (request) => present(request, await getArticle(app.db, request.params.org, request.params.id)),
  );

  app.post(
    '/orgs/:org/kb/articles',
    {
      config: { policy: { resource: 'kb', action: 'create' } },
      schema: {
        tags,
        summary: 'Add an article',
        description:
          'Fields: `id`, `lang` (fr or en), `question`, `variants`, `answer` (rich text, sanitised: p, br, strong, em, ul, ol, li, a, h3, h4, blockquote, code), `source`, `url`, `published`, `reviewBy`, `audience` (public or staff, staff by default), `tags`.',
        params: OrgParams,
        body: Body,
        response: { 201: KbArticleView, ...ERRORS },
      },
    },
    async (request, reply) => reply.code(201).send(present(request, await createArticle(app.db, request.params.org, request.body as KbArticleInput))),
  );

  app.put(
    '/orgs/:org/kb/articles/:id',
    {
      config: { policy: { resource: 'kb', action: 'update' } },
      schema: { tags, summary: 'Replace an article (the id cannot change)', params: ItemParams, body: Body, response: { 200: KbArticleView, ...ERRORS } },
    },
    async (request) => present(request, await replaceArticle(app.db, request.params.org, request.params.id, request.body as KbArticleInput)),
  );

  app.delete(
    '/orgs/:org/kb/articles/:id',
    {
      config: { policy: { resource: 'kb', action: 'delete' } },
      schema: { tags, summary: 'Remove an article', params: ItemParams, response: { 204: z.null(), ...ERRORS } },
    },
    async (request, reply) => {
      await deleteArticle(app.db, request.params.org, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/orgs/:org/kb/search',
    {
      config: { policy: { resource: 'kb', action: 'read' } },
      schema: {
        tags,
        summary: 'Ask the knowledge base as a signed-in member: public and staff articles, best first',
        description:
          'French and English, accents and case ignored, stems, typos and the maintained synonym list. Each answer has a `score` from 0 to 1; an empty list means no article answers well enough, and `handoff` says who to turn to.',
        params: OrgParams,
        querystring: SearchQuery,
        response: { 200: KbSearchResult, ...ERRORS },
      },
    },
    async (request) => {
      const { org } = request.params;
      const hits = await searchArticles(app.db, org, request.query.q, { lang: request.query.lang, audiences: ['public', 'staff'], limit: request.query.limit });
      return { answers: hits.map((hit) => ({ id: hit.id, score: hit.score, article: view(hit.article) })), handoff: await readHandoff(app.db, org) };
    },
  );

  app.get(
    '/orgs/:org/kb/handoff',
    {
      config: { policy: { resource: 'kb', action: 'read' } },
      schema: { tags, summary: 'Who the assistant offers when it has no answer', params: OrgParams, response: { 200: KbHandoffView, ...ERRORS } },
    },
    async (request) => ({ handoff: await readHandoff(app.db, request.params.org) }),
  );

  app.put(
    '/orgs/:org/kb/handoff',
    {
      config: { policy: { resource: 'kb', action: 'update' } },
      schema: {
        tags,
        summary: 'Set who the assistant offers when it has no answer (null: nobody)',
        description: '`{"handoff": {"label": {"fr": "Cellule de crise", "en": "Crisis team"}, "phone": "+33 1 70 00 00 00", "email": null, "url": null}}`',
        params: OrgParams,
        body: HandoffBody,
        response: { 200: KbHandoffView, ...ERRORS },
      },
    },
    async (request) => ({ handoff: await updateHandoff(app.db, request.params.org, request.body.handoff) }),
  );

  app.post(
    '/orgs/:org/kb.json',
    {
      bodyLimit: JSON_IMPORT_LIMIT,
      config: { policy: { resource: 'kb', action: 'import' } },
      schema: {
        tags,
        summary: 'Import articles from JSON (`{"articles": [...]}`, the export’s format); all or nothing',
        description: 'Other fields of an article are ignored. Each problem names its path (`articles[3].published`), rule and value.',
        params: OrgParams,
        querystring: ImportQuery,
        body: KbImportFile,
        response: { 200: KbImportSummary, ...ERRORS },
      },
    },
    async (request) => importArticles(app.db, request.params.org, request.body.articles, request.query.mode),
  );

  app.post(
    '/orgs/:org/kb.sheet',
    {
      bodyLimit: SPREADSHEET_LIMIT,
      config: { policy: { resource: 'kb', action: 'import' }, accepts: SPREADSHEET_MEDIA_TYPES },
      schema: {
        tags,
        summary: 'Import articles from a spreadsheet (CSV or XLSX body); all or nothing',
        description: `Columns: ${KB_COLUMNS.join(', ')} (variants one a line, tags separated by \`;\`). Each problem names its \`row\` (header = 1), \`column\`, \`rule\` and \`value\`.`,
        params: OrgParams,
        querystring: ImportQuery,
        consumes: [CONTENT_TYPES.csv, CONTENT_TYPES.xlsx],
        response: { 200: KbImportSummary, ...ERRORS },
      },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body) || request.body.length === 0)
        throw new RempartError('invalid_input', 'The spreadsheet is empty.', [
          { path: 'body', rule: 'required', value: null, message: 'send the file as the body' },
        ]);
      const articles = await readArticlesFile(request.body, formatOf(request.headers['content-type'], request.body));
      return importArticles(app.db, request.params.org, articles, request.query.mode);
    },
  );

  for (const format of ['json', 'csv', 'xlsx'] as const)
    app.get(
      `/orgs/:org/kb.${format}`,
      {
        config: { policy: { resource: 'kb', action: 'read' } },
        schema: {
          tags,
          summary: `Export the knowledge base as ${format.toUpperCase()}, which imports back unchanged`,
          params: OrgParams,
          querystring: format === 'csv' ? CsvQuery : NoQuery,
          produces: [format === 'json' ? 'application/json' : CONTENT_TYPES[format]],
        },
      },
      async (request, reply) => {
        const { org } = request.params;
        const separator = (request.query as { separator?: string }).separator === 'semicolon' ? ';' : ',';
        const file = await exportArticles(app.db, org, format, separator);
        return reply
          .type(format === 'json' ? 'application/json; charset=utf-8' : CONTENT_TYPES[format])
          .header('content-disposition', `attachment; filename="${org}-kb.${format}"`)
          .send(file);
      },
    );
};
