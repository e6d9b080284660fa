// The first line of defence, before anyone is signed in or any byte of a body is read: each route accepts only its
// media types and sizes, JSON nested beyond reason and text PostgreSQL cannot store are refused with the field,
// the rule and the value, and a refusal never echoes the body back.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RempartError } from '../errors.js';
import type { Problem } from '../model/problem.js';
import { invalidTextProblems } from '../model/text.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Media types the route takes as a body (default: JSON only). Anything else is refused before it is read.
     * `any`: every media type (file uploads, whose type is the file's); the size limit still applies.
     */
    accepts?: readonly string[] | 'any';
  }
}

/** The media types of spreadsheet uploads: only import routes name them. */
export const SPREADSHEET_MEDIA_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'] as const;

/** An import spreadsheet's size on the wire: 10,000 activities with their BIA take a few megabytes. */
export const SPREADSHEET_LIMIT = 32 * 1024 * 1024;

const JSON_ONLY = ['application/json'] as const;

/** Nesting beyond this is no document of ours; deeper input only serves to exhaust the stack of whoever reads it. */
export const MAX_JSON_DEPTH = 64;

/** Ids, names and search words are never this long: a longer path segment is refused rather than routed. */
export const MAX_SEGMENT_LENGTH = 200;

/** Problems reported for one request at most: a million bad strings must not make a million-line answer. */
const MAX_PROBLEMS = 20;

const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

function mediaTypeOf(header: string | undefined): string | undefined {
  const essence = header?.split(';')[0].trim().toLowerCase();
  return essence ? essence : undefined;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return request.headers['transfer-encoding'] !== undefined;
}

/** Refuses a body of a media type the route does not take, or larger than its limit, before reading any of it. */
async function checkBodyEnvelope(request: FastifyRequest): Promise<void> {
  if (BODYLESS_METHODS.has(request.method) || !request.routeOptions.url || !hasBody(request)) return;
  const accepts = request.routeOptions.config?.accepts ?? JSON_ONLY;
  const type = mediaTypeOf(request.headers['content-type']);
  if (accepts !== 'any' && (type === undefined || !accepts.includes(type)))
    throw new RempartError('unsupported_media_type', `This route takes ${accepts.join(', ')} only.`, [
      { path: 'headers.content-type', rule: 'media_type', value: type?.slice(0, 100) ?? null, message: accepts.join(' or ') },
    ]);
  const limit = request.routeOptions.bodyLimit;
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit)
    throw new RempartError('payload_too_large', `The body is larger than this route accepts (${limit} bytes).`, [
      { path: 'body', rule: 'max_size', value: declared, message: `at most ${limit} bytes` },
    ]);
}

/**
 * The deepest nesting of a JSON text, stopping as soon as it passes `limit`: a linear scan that keeps no stack, so
 * that JSON.parse and the schema checks after it never meet a document deep enough to exhaust theirs.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c)
        i++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      if (++depth > limit) return true;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return false;
}

function refuseInvalidText(request: FastifyRequest): void {
  const problems = [
    ...invalidTextProblems(request.params, ['params']),
    ...invalidTextProblems(request.query, ['query']),
    ...invalidTextProblems(request.body, ['body']),
  ].slice(0, MAX_PROBLEMS);
  if (problems.length > 0) throw new RempartError('invalid_input', `The request holds text that cannot be stored: ${problems.length} problem(s).`, problems);
}

/**
 * A path segment longer than any id, as a 400 naming the route's parameter when one matches. The router itself
 * answers "no route" for such segments, which would send a client looking for a typo in the address.
 */
export function overlongSegment(app: FastifyInstance, method: string, url: string): Problem | undefined {
  const path = url.split('?')[0];
  const segments = path.split('/');
  const index = segments.findIndex((segment) => segment.length > MAX_SEGMENT_LENGTH);
  if (index < 0) return undefined;
  const placeholder = 'overlong-segment';
  const shortened = segments.map((segment, i) => (i === index ? placeholder : segment)).join('/');
  const params = app.findRoute({ method: method as 'GET', url: shortened })?.params as Record<string, string> | undefined;
  const name = params && Object.keys(params).find((key) => params[key] === placeholder);
  return {
    path: name ? `params.${name}` : 'url',
    rule: 'too_long',
    value: `${segments[index].slice(0, MAX_SEGMENT_LENGTH)}…`,
    message: `at most ${MAX_SEGMENT_LENGTH} characters`,
  };
}

/** Installs the guards; call before access control so that a refused body costs no session lookup. */
export function installEdgeGuards(app: FastifyInstance): void {
  app.addHook('onRequest', checkBodyEnvelope);
  app.addHook('preValidation', async (request: FastifyRequest, _reply: FastifyReply) => refuseInvalidText(request));

  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDepthExceeds(body as string, MAX_JSON_DEPTH))
      return done(
        new RempartError('invalid_input', `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`, [
          { path: 'body', rule: 'too_deep', value: null, message: `at most ${MAX_JSON_DEPTH} levels of objects and arrays` },
        ]) as unknown as Error,
        undefined,
      );
    return parseJson(request, body as string, done);
  });
}
