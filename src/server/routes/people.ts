// The people directory: list (paged, searchable, filtered by site or activity), read, create, replace and remove a
// person; import (CSV/XLSX, upsert or replace, all or nothing) and export (CSV or XLSX).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RempartError } from '../../errors.js';
import { PEOPLE_COLUMNS } from '../../interchange/people-sheet.js';
import { PeoplePage, PeopleImportSummary, PersonView } from '../../model/contract/people.js';
import { Id } from '../../model/organisation.js';
import { PEOPLE_IMPORT_MODES, PersonInput } from '../../model/person.js';
import { createPerson, deletePerson, exportPeople, getPerson, importPeople, listPeople, replacePerson } from '../../operations/people.js';
import { isValidPeopleCursor, type PersonRecord } from '../../store/people-repository.js';
import { collectionAbilities, withAbilities } from '../access.js';
import { SPREADSHEET_LIMIT, SPREADSHEET_MEDIA_TYPES } from '../edge.js';
import { ERRORS, ItemParams, OrgParams, withoutReadOnly } from './shared.js';

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

const ListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(500).optional(),
    q: z.string().max(200).optional().meta({ description: 'Searches ids, names, e-mail addresses and mobile numbers (case-insensitive)' }),
    site: Id.optional().meta({ description: 'Only the people of this site' }),
    activity: Id.optional().meta({ description: 'Only the people working for this activity' }),
    sort: z.enum(['name', 'id']).default('name'),
    order: z.enum(['asc', 'desc']).default('asc'),
  })
  .strict();

const CsvQuery = z
  .object({
    separator: z.enum(['comma', 'semicolon']).default('comma').meta({ description: '`semicolon` for French spreadsheet software; the import reads either' }),
  })
  .strict();
const NoQuery = z.object({}).strict();
const ImportQuery = z
  .object({
    mode: z
      .enum(PEOPLE_IMPORT_MODES)
      .default('upsert')
      .meta({ description: '`upsert` adds and replaces the people of the file and keeps the others; `replace` makes the directory exactly the file' }),
  })
  .strict();

/** Read-only fields a client may send back with what it read; dropped before validation. */
const READ_ONLY = ['abilities', 'createdAt', 'updatedAt'];
const Body = z.preprocess((value) => withoutReadOnly(value, READ_ONLY), PersonInput);

/** The sheet's format from its media type; `application/octet-stream` (what some clients send for any file) by its first bytes. */
function formatOf(contentType: string | undefined, body: Buffer): 'csv' | 'xlsx' {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === CONTENT_TYPES.xlsx) return 'xlsx';
  // An XLSX file is a ZIP archive, which starts with "PK\x03\x04"; anything else is read as CSV text.
  return body.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? 'xlsx' : 'csv';
}

function view(person: PersonRecord): PersonView {
  const { createdAt, updatedAt, ...rest } = person;
  return { ...rest, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() };
}

export const peopleRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['people'];
  const present = (request: Parameters<typeof withAbilities>[0], person: PersonRecord): PersonView => {
    const shown = view(person);
    return withAbilities(request, 'people', shown, shown);
  };

  app.get(
    '/orgs/:org/people',
    {
      config: { policy: { resource: 'people', action: 'read' } },
      schema: {
        tags,
        summary: 'List the people directory',
        description:
          'Paged by cursor: pass `nextCursor` back as `cursor` with the same `sort`, `order` and filters. `total` counts the people matching the filters.',
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: PeoplePage, ...ERRORS },
      },
    },
    async (request) => {
      const query = request.query;
      if (query.cursor && !isValidPeopleCursor(query.cursor, query.sort))
        throw new RempartError('invalid_input', 'The cursor does not come from this list.', [
          { path: 'query.cursor', rule: 'cursor', value: query.cursor, message: 'pass back nextCursor of the previous page, with the same sort' },
        ]);
      const page = await listPeople(app.db, request.params.org, query);
      return { ...page, items: page.items.map((person) => present(request, person)), abilities: collectionAbilities(request, 'people') };
    },
  );

  app.get(
    '/orgs/:org/people/:id',
    {
      config: { policy: { resource: 'people', action: 'read' } },
      schema: { tags, summary: 'Read one person', params: ItemParams, response: { 200: PersonView, ...ERRORS } },
    },
    async (request) => present(request, await getPerson(app.db, request.params.org, request.params.id)),
  );

  app.post(
    '/orgs/:org/people',
    {
      config: { policy: { resource: 'people', action: 'create' } },
      schema: {
        tags,
        summary: 'Add a person (the id is generated when absent)',
        description:
          'Fields: `id` (a stable id such as a staff number), `name`, `email` and/or `mobile` (E.164), `language` (fr or en), `site` and `activities` (ids of the model), `remoteCapable`. No other field is kept: anything else is refused.',
        params: OrgParams,
        body: Body,
        response: { 201: PersonView, ...ERRORS },
      },
    },
    async (request, reply) => reply.code(201).send(present(request, await createPerson(app.db, request.params.org, request.body as PersonInput))),
  );

  app.put(
    '/orgs/:org/people/:id',
    {
      config: { policy: { resource: 'people', action: 'update' } },
      schema: {
        tags,
        summary: 'Replace a person (the id cannot change)',
        params: ItemParams,
        body: Body,
        response: { 200: PersonView, ...ERRORS },
      },
    },
    async (request) => present(request, await replacePerson(app.db, request.params.org, request.params.id, request.body as PersonInput)),
  );

  app.delete(
    '/orgs/:org/people/:id',
    {
      config: { policy: { resource: 'people', action: 'delete' } },
      schema: { tags, summary: 'Remove a person from the directory', params: ItemParams, response: { 204: z.null(), ...ERRORS } },
    },
    async (request, reply) => {
      await deletePerson(app.db, request.params.org, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/orgs/:org/people.sheet',
    {
      bodyLimit: SPREADSHEET_LIMIT,
      config: { policy: { resource: 'people', action: 'import' }, accepts: SPREADSHEET_MEDIA_TYPES },
      schema: {
        tags,
        summary: 'Import people from a spreadsheet (CSV or XLSX body); all or nothing',
        description: `Columns: ${PEOPLE_COLUMNS.join(', ')} (activities separated by \`;\`, remote_capable yes or no). Columns of data Rempart does not keep (addresses, birth dates…) and unknown columns are refused. Each problem names its \`row\` (header = 1), \`column\`, \`rule\` and \`value\`; nothing is written unless every row is right.`,
        params: OrgParams,
        querystring: ImportQuery,
        consumes: [CONTENT_TYPES.csv, CONTENT_TYPES.xlsx],
        response: { 200: PeopleImportSummary, ...ERRORS },
      },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body) || request.body.length === 0)
        throw new RempartError('invalid_input', 'The spreadsheet is empty.', [
          { path: 'body', rule: 'required', value: null, message: 'send the file as the body' },
        ]);
      const format = formatOf(request.headers['content-type'], request.body);
      return importPeople(app.db, request.params.org, request.body, format, request.query.mode);
    },
  );

  app.get(
    '/orgs/:org/people.csv',
    {
      config: { policy: { resource: 'people', action: 'read' } },
      schema: {
        tags,
        summary: 'Export the directory as CSV (UTF-8 with a BOM), which imports back unchanged',
        params: OrgParams,
        querystring: CsvQuery,
        produces: [CONTENT_TYPES.csv],
      },
    },
    async (request, reply) => {
      const { org } = request.params;
      const file = await exportPeople(app.db, org, 'csv', request.query.separator === 'semicolon' ? ';' : ',');
      return reply.type(CONTENT_TYPES.csv).header('content-disposition', `attachment; filename="${org}-people.csv"`).send(file);
    },
  );

  app.get(
    '/orgs/:org/people.xlsx',
    {
      config: { policy: { resource: 'people', action: 'read' } },
      schema: {
        tags,
        summary: 'Export the directory as an XLSX workbook, which imports back unchanged',
        params: OrgParams,
        querystring: NoQuery,
        produces: [CONTENT_TYPES.xlsx],
      },
    },
    async (request, reply) => {
      const { org } = request.params;
      const file = await exportPeople(app.db, org, 'xlsx');
      return reply.type(CONTENT_TYPES.xlsx).header('content-disposition', `attachment; filename="${org}-people.xlsx"`).send(file);
    },
  );
};
