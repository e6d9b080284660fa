// Pages of the model's collections, serialised once per model version and kind of caller. A page changes only when the
// model does (every model write, BIA settings included, moves the organisation's version on) or with who asks (the
// abilities on each item): reading it again costs the session query and a copy of the bytes, not a query, a JSON parse
// of every document, the BIA of every activity and a serialisation. Keyed by version, it is right in every process.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { subjectOf } from './access.js';

export class PageCache {
  private readonly pages = new Map<string, string>();
  private bytes = 0;

  /** `maxBytes`: the text kept, counted in UTF-16 code units; the oldest pages go first. */
  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  get(key: string): string | undefined {
    return this.pages.get(key);
  }

  set(key: string, body: string): void {
    if (body.length > this.maxBytes / 4) return;
    const previous = this.pages.get(key);
    if (previous !== undefined) {
      this.pages.delete(key);
      this.bytes -= previous.length;
    }
    this.pages.set(key, body);
    this.bytes += body.length;
    for (const [oldest, text] of this.pages) {
      if (this.bytes <= this.maxBytes) break;
      this.pages.delete(oldest);
      this.bytes -= text.length;
    }
  }

  get size(): number {
    return this.pages.size;
  }
}

/**
 * What a page depends on besides the model: the organisation (and its incarnation: a deleted and re-created
 * organisation starts its versions again), its version, the address's query, and what the caller may do.
 */
export function pageKey(request: FastifyRequest, org: { id: string; createdAt: string; modelVersion: number }, what: string): string {
  const subject = subjectOf(request);
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
  return [org.id, org.createdAt, org.modelVersion, what, query, subject.via, subject.roles.join(','), subject.email, subject.memberName].join('\u0000');
}

/** Sends JSON text as it is: fastify serialises objects, and sends a string with a JSON content type untouched. */
export function sendJsonText(reply: FastifyReply, body: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(body);
}
