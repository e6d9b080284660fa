// Stored files over HTTP: upload a raw body of any type (streamed to the store, never buffered), list, download as an
// attachment that a browser never renders in place, delete.
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RempartError } from '../../errors.js';
import { FileName, FilePurpose, FileView, MediaType } from '../../model/file.js';
import { FileList } from '../../model/contract/files.js';
import { problemsFromZod, type Problem } from '../../model/problem.js';
import { Id } from '../../model/organisation.js';
import { deleteFile, uploadFile } from '../../operations/files.js';
import { DatabaseBlobStore, type BlobLimits, type BlobRecord } from '../../store/blob-store.js';
import { collectionAbilities, withAbilities } from '../access.js';
import { ERRORS, OrgParams } from './shared.js';

const tags = ['files'];

const FileParams = z.object({ org: Id, id: z.uuid() });

const UploadQuery = z
  .object({
    name: FileName.optional().meta({ description: "The file’s name; or send it as `Content-Disposition: attachment; filename*=UTF-8''…`" }),
    purpose: FilePurpose.default('attachment'),
  })
  .strict();

const ListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(500).optional(),
    purpose: FilePurpose.optional(),
  })
  .strict();

/** The media type a file is stored with when the upload names none. */
const DEFAULT_TYPE = 'application/octet-stream';

/** Characters a quoted ASCII filename cannot carry safely; they become `_`. */
const UNSAFE_ASCII = /[^\x20-\x7e]|["\\%;]/g;

/**
 * `attachment` with the name twice: an ASCII fallback (accents stripped, anything unsafe as `_`) and the exact name
 * in RFC 5987 form. Always an attachment: a stored HTML or SVG file is never rendered in the application's origin.
 */
export function contentDisposition(name: string): string {
  const fallback =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(UNSAFE_ASCII, '_')
      .trim() || 'file';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

function badHeader(header: string, rule: string, value: unknown, message: string): RempartError {
  return new RempartError('invalid_input', `The ${header} header is invalid: ${message}.`, [
    { path: `headers.${header}`, rule, value: typeof value === 'string' ? value.slice(0, 200) : value, message },
  ]);
}

/** The `filename*` (RFC 5987/6266, preferred) or `filename` parameter of a Content-Disposition header. */
export function fileNameFromDisposition(header: string): string | undefined {
  const parameters = new Map<string, string>();
  for (const match of header.matchAll(/;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    const value = match[2].trim();
    parameters.set(match[1].toLowerCase(), value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value);
  }
  const extended = parameters.get('filename*');
  if (extended !== undefined) {
    const parts = /^([\w!#$%&+^`{}~-]+)'[^']*'(.*)$/.exec(extended);
    if (!parts) throw badHeader('content-disposition', 'format', extended, "filename* as UTF-8''percent-encoded-name");
    const charset = parts[1].toLowerCase();
    if (charset !== 'utf-8' && charset !== 'iso-8859-1') throw badHeader('content-disposition', 'charset', parts[1], 'filename* in UTF-8 (or ISO-8859-1)');
    try {
      if (charset === 'utf-8') return decodeURIComponent(parts[2]);
      if (/%(?![0-9a-f]{2})/i.test(parts[2])) throw new Error('bad escape');
      return parts[2].replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    } catch {
      throw badHeader('content-disposition', 'encoding', extended, 'percent-encoded UTF-8');
    }
  }
  return parameters.get('filename');
}

/** The file's name: `?name=` (validated by the query schema), else the Content-Disposition header's, validated here. */
function fileNameOf(request: FastifyRequest, fromQuery: string | undefined): string {
  if (fromQuery !== undefined) return fromQuery;
  const header = request.headers['content-disposition'];
  const raw = typeof header === 'string' ? fileNameFromDisposition(header) : undefined;
  if (raw === undefined)
    throw new RempartError('invalid_input', 'Name the file: ?name=… or a Content-Disposition header with its filename.', [
      { path: 'query.name', rule: 'required', value: null, message: 'the file’s name' },
    ]);
  const parsed = FileName.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const problems: Problem[] = problemsFromZod(parsed.error, raw).map((problem) => ({ ...problem, path: 'headers.content-disposition' }));
    throw new RempartError('invalid_input', `The file name in the Content-Disposition header is refused: ${problems[0].message}.`, problems);
  }
  return parsed.data;
}

/** The file's media type: the request's Content-Type as sent (lower-cased type), octet-stream when none. */
function contentTypeOf(request: FastifyRequest): string {
  const header = request.headers['content-type'];
  if (header === undefined || header.trim() === '') return DEFAULT_TYPE;
  const parsed = MediaType.safeParse(header);
  if (!parsed.success) throw badHeader('content-type', 'media_type', header, 'a media type such as application/pdf');
  return parsed.data;
}

export const fileRoutes: FastifyPluginAsyncZod<{ limits?: Partial<BlobLimits> }> = async (app, options) => {
  const store = new DatabaseBlobStore(app.db, options.limits);
  const { maxBytes, quotaBytes } = store.limits;

  const present = (request: FastifyRequest, record: BlobRecord) =>
    withAbilities(request, 'files', {
      id: record.id,
      name: record.name,
      contentType: record.contentType,
      purpose: record.purpose,
      size: record.size,
      sha256: record.sha256,
      createdAt: record.createdAt,
      createdBy: record.createdBy?.email ?? null,
    });

  // The upload in a context of its own: its body, of any type, reaches the handler as the raw stream, unread.
  await app.register(async (upload) => {
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    // After access control, before Fastify parses the header (and answers a malformed one with a bare 415): a bad
    // media type is a 400 naming the header, and no byte of the body has been read.
    upload.addHook('onRequest', async (request) => {
      contentTypeOf(request);
    });
    upload.withTypeProvider<ZodTypeProvider>().post(
      '/orgs/:org/files',
      {
        bodyLimit: maxBytes,
        config: { policy: { resource: 'files', action: 'create' }, accepts: 'any' },
        schema: {
          tags,
          summary: 'Upload a file: the raw body is its content, Content-Type its media type',
          description:
            `The body is streamed to the database (never held whole in memory) and hashed on the way. Name the file with \`?name=\` or a \`Content-Disposition\` header. ` +
            `At most ${maxBytes} bytes per file and ${quotaBytes} bytes for all the organisation's files (REMPART_FILE_MAX_MB, REMPART_FILE_QUOTA_MB): ` +
            'past either, 413 `payload_too_large` with rule `max_size` or `quota`, and nothing is stored.',
          params: OrgParams,
          querystring: UploadQuery,
          consumes: ['*/*'],
          response: { 201: FileView, ...ERRORS },
        },
      },
      async (request, reply) => {
        const { org } = request.params;
        const name = fileNameOf(request, request.query.name);
        const contentType = contentTypeOf(request);
        const body = request.body as Readable | undefined;
        if (!body)
          throw new RempartError('invalid_input', 'The file is empty: send its content as the body.', [
            { path: 'body', rule: 'required', value: null, message: 'at least one byte' },
          ]);
        const length = Number(request.headers['content-length']);
        let record: BlobRecord;
        try {
          record = await uploadFile(
            store,
            {
              orgId: org,
              name,
              contentType,
              purpose: request.query.purpose,
              createdBy: request.principal?.user.id ?? null,
              declaredSize: Number.isFinite(length) ? length : undefined,
            },
            // Stopping early (a limit) must not destroy the request: that would cut the socket before the answer.
            body.iterator({ destroyOnReturn: false }),
          );
        } catch (error) {
          // The rest of a refused body is not worth reading: the connection closes once the answer is sent.
          if (!body.readableEnded) void reply.header('connection', 'close');
          throw error;
        }
        return reply.code(201).header('location', `/api/orgs/${org}/files/${record.id}`).send(present(request, record));
      },
    );
  });

  app.get(
    '/orgs/:org/files',
    {
      config: { policy: { resource: 'files', action: 'read' } },
      schema: {
        tags,
        summary: 'The organisation’s files, newest first, with its use of the quota',
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: FileList, ...ERRORS },
      },
    },
    async (request) => {
      const { org } = request.params;
      const [page, usage] = await Promise.all([store.list(org, request.query), store.usage(org)]);
      return {
        ...page,
        items: page.items.map((record) => present(request, record)),
        usage: { ...usage, quotaBytes, maxFileBytes: maxBytes },
        abilities: collectionAbilities(request, 'files'),
      };
    },
  );

  app.get(
    '/orgs/:org/files/:id',
    {
      config: { policy: { resource: 'files', action: 'read' } },
      schema: {
        tags,
        summary: 'Download a file (always as an attachment)',
        description:
          'The content with its stored Content-Type, Content-Length and SHA-256 (as the ETag); `Content-Disposition: attachment` and `X-Content-Type-Options: nosniff`.',
        params: FileParams,
        produces: ['*/*'],
        response: { 200: z.unknown().meta({ description: 'The file’s content, of its stored media type' }), ...ERRORS },
      },
    },
    async (request, reply) => {
      const { org, id } = request.params;
      const opened = await store.open(org, id);
      if (!opened) throw new RempartError('not_found', `No file with id "${id}".`, [{ path: 'id', rule: 'exists', value: id, message: 'no such file' }]);
      const { record, content } = opened;
      return (
        reply
          .header('content-type', record.contentType)
          .header('content-length', String(record.size))
          .header('content-disposition', contentDisposition(record.name))
          .header('x-content-type-options', 'nosniff')
          // Should a browser render it anyway, it runs nothing and reaches nothing.
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('etag', `"${record.sha256}"`)
          .header('cache-control', 'private, no-cache')
          .send(content)
      );
    },
  );

  app.delete(
    '/orgs/:org/files/:id',
    {
      config: { policy: { resource: 'files', action: 'delete' } },
      schema: { tags, summary: 'Delete a file', params: FileParams, response: { 204: z.null(), ...ERRORS } },
    },
    async (request, reply) => {
      const { org, id } = request.params;
      if (!(await deleteFile(store, org, id)))
        throw new RempartError('not_found', `No file with id "${id}".`, [{ path: 'id', rule: 'exists', value: id, message: 'no such file' }]);
      return reply.code(204).send(null);
    },
  );
};
