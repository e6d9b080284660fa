// Schemas shared by the route groups: path parameters, pages and the error response.
import { z } from 'zod';
import { Id } from '../../model/organisation.js';
import type { SortKey } from '../../store/model-repository.js';
import { Abilities } from '../../model/contract/common.js';
import { ERROR_RESPONSES, ErrorResponse } from '../../model/contract/errors.js';

export { ErrorResponse };

export const OrgParams = z.object({ org: Id });
export const ItemParams = z.object({ org: Id, id: Id });

/** The error responses every route may give (one per status of the error catalogue), for the OpenAPI document. */
export const ERRORS = ERROR_RESPONSES;

/** What the caller may do to an item (`update`, `delete`, …), computed from the policies (declared in the contract). */
export const ItemAbilities = Abilities;

/** Clients may send back what they read: read-only fields (`computed`, `abilities`, …) are dropped before validation. */
export function withoutReadOnly(body: unknown, fields: readonly string[] = ['computed', 'abilities']): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  if (!fields.some((field) => field in body)) return body;
  const rest = { ...(body as Record<string, unknown>) };
  for (const field of fields) delete rest[field];
  return rest;
}

/** The query of a paged list; `sorts` adds the numeric fields the list may also be sorted by. */
export function pageQuery(sorts: readonly SortKey[] = []) {
  return z
    .object({
      limit: z.coerce.number().int().min(1).max(500).default(100),
      cursor: z.string().max(500).optional(),
      q: z.string().max(200).optional(),
      sort: z.enum(['position', 'id', 'name', ...sorts] as [SortKey, ...SortKey[]]).default('position'),
      order: z.enum(['asc', 'desc']).default('asc'),
    })
    .strict();
}

export const PageQuery = pageQuery();

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable(), total: z.number().int() });
}
