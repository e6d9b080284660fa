// Maps every error to the one response shape {error: {code, message, details}}; bad input never becomes a 500.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ERROR_CATALOG, RempartError, type ErrorCode } from '../errors.js';
import { MAX_SEGMENT_LENGTH, overlongSegment } from './edge.js';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_input',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_input',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_input',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_VALIDATION: 'invalid_input',
  FST_ERR_NOT_FOUND: 'not_found',
};

function sendRempartError(reply: FastifyReply, error: RempartError) {
  if (error.retryAfter !== undefined) void reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfter))));
  return reply.code(error.status).send(error.toJSON());
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | RempartError, request, reply) => {
    if (error instanceof RempartError) return sendRempartError(reply, error);
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof RempartError) return sendRempartError(reply, cause);
    // @fastify/rate-limit throws its own 429.
    if ((error as FastifyError).statusCode === 429)
      return reply.code(429).send({ error: { code: 'rate_limited', message: 'Too many requests: retry later.', details: [] } });
    const code = (error as FastifyError).code && FASTIFY_CODES[(error as FastifyError).code];
    if (code) {
      const status = ERROR_CATALOG[code].status;
      const details =
        code === 'invalid_input' || code === 'payload_too_large' || code === 'unsupported_media_type'
          ? [{ path: 'body', rule: (error as FastifyError).code.replace(/^FST_ERR_CTP_/, '').toLowerCase(), value: null, message: error.message }]
          : [];
      return reply.code(status).send({ error: { code, message: error.message, details } });
    }
    // A client error Fastify raised that we do not map yet still stays a 4xx.
    const statusCode = (error as FastifyError).statusCode;
    if (statusCode && statusCode >= 400 && statusCode < 500)
      return reply.code(statusCode).send({ error: { code: 'invalid_input', message: error.message, details: [] } });
    if ((error as { code?: string }).code === 'ECONNREFUSED' || /connect|terminat/i.test(error.message ?? '')) {
      request.log.error({ err: error }, 'database unavailable');
      return reply.code(503).send({ error: { code: 'database_unavailable', message: 'The database cannot be reached.', details: [] } });
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send({ error: { code: 'internal', message: 'An unexpected error occurred; it has been logged.', details: [] } });
  });
  app.setNotFoundHandler((request, reply) => {
    const overlong = overlongSegment(app, request.method, request.url);
    if (overlong)
      return sendRempartError(reply, new RempartError('invalid_input', `A part of the address is longer than ${MAX_SEGMENT_LENGTH} characters.`, [overlong]));
    const path = request.url.split('?')[0];
    return reply
      .code(404)
      .send({ error: { code: 'not_found', message: `No route ${request.method} ${path.length > 300 ? `${path.slice(0, 300)}…` : path}.`, details: [] } });
  });
}
