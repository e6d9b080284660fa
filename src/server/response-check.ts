// Checks a response against the schema its route documents for its status code (used by the tests: every API
// suite then proves that what the server sends is what the OpenAPI document says).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import { ErrorResponse } from '../model/contract/errors.js';
import { formatPath } from '../model/problem.js';

/** A response that does not match its documented schema. */
export interface ResponseMismatch {
  method: string;
  url: string;
  /** The route's path pattern (`/api/orgs/:org/risks/:id`), or null when no route matched. */
  route: string | null;
  status: number;
  /** What is wrong, one line each: `path: message`. */
  problems: string[];
  /** The `x-test-request` header of the request, when the test support sent one. */
  requestTag?: string;
}

function isZod(schema: unknown): schema is ZodType {
  return !!schema && typeof schema === 'object' && typeof (schema as { safeParse?: unknown }).safeParse === 'function';
}

/** The schema a route declares for a status: exact code, then `4xx`-style, then `default`; null when undeclared. */
export function declaredSchema(responses: Record<string, unknown>, status: number): ZodType | null | undefined {
  const found = responses[String(status)] ?? responses[`${String(status)[0]}xx`] ?? responses.default;
  if (found === undefined) return undefined;
  return isZod(found) ? found : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Fields of `sent` the parsed value dropped: Zod objects strip keys they do not declare, so a presenter leaking a
 * field the document does not mention would otherwise pass.
 */
export function undeclaredFields(sent: unknown, parsed: unknown, path: PropertyKey[] = [], found: string[] = []): string[] {
  if (found.length >= 20) return found;
  if (Array.isArray(sent) && Array.isArray(parsed)) {
    for (let i = 0; i < sent.length && i < parsed.length; i++) undeclaredFields(sent[i], parsed[i], [...path, i], found);
  } else if (isPlainObject(sent) && isPlainObject(parsed)) {
    for (const key of Object.keys(sent)) {
      if (!(key in parsed)) {
        if (sent[key] !== undefined) found.push(`${formatPath([...path, key]) || '(root)'}: not in the documented schema`);
      } else undeclaredFields(sent[key], parsed[key], [...path, key], found);
    }
  }
  return found;
}

/** What is wrong with `body` as a response of this schema (empty: nothing). */
export function schemaProblems(schema: ZodType, body: unknown): string[] {
  const result = schema.safeParse(body);
  if (!result.success) return result.error.issues.slice(0, 20).map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`);
  return undeclaredFields(body, result.data);
}

function isJson(reply: FastifyReply): boolean {
  const type = reply.getHeader('content-type');
  return typeof type === 'string' && /^application\/([a-z.+-]*\+)?json\b/i.test(type);
}

/** Problems with one response, or null when it matches (or is not JSON: files, spreadsheets, event streams). */
export function checkResponse(request: FastifyRequest, reply: FastifyReply, payload: unknown): string[] | null {
  const status = reply.statusCode;
  const schema = request.routeOptions.schema as { hide?: boolean; response?: Record<string, unknown> } | undefined;
  if (schema?.hide) return null;
  const responses = schema?.response;
  // No route (unknown address, refused URL): only the error shape can be checked.
  if (!responses) {
    if (status < 400 || !isJson(reply)) return null;
    return schemaProblems(ErrorResponse, JSON.parse(String(payload)));
  }
  const declared = declaredSchema(responses, status);
  if (declared === undefined) return [`status ${status} is not documented for this route (documented: ${Object.keys(responses).join(', ')})`];
  // Fastify drops the body of a 204 after the hooks; handlers send null.
  if (status === 204 || status === 304) return [null, undefined, '', 'null'].includes(payload as string) ? null : [`a ${status} response has a body`];
  if (declared === null || typeof payload !== 'string' || !isJson(reply)) return null;
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return ['the body is not JSON'];
  }
  const problems = schemaProblems(declared, body);
  return problems.length ? problems : null;
}

/** Checks every response of the app and reports each mismatch (the test support fails the test with it). */
export function installResponseCheck(app: FastifyInstance, report: (mismatch: ResponseMismatch) => void): void {
  app.addHook('onSend', async (request, reply, payload) => {
    let problems: string[] | null;
    try {
      problems = checkResponse(request, reply, payload);
    } catch (error) {
      problems = [`the check failed: ${(error as Error).message}`];
    }
    if (problems?.length) {
      const tag = request.headers['x-test-request'];
      report({
        method: request.method,
        url: request.url,
        route: request.routeOptions.url ?? null,
        status: reply.statusCode,
        problems,
        ...(typeof tag === 'string' ? { requestTag: tag } : {}),
      });
    }
    return payload;
  });
}
