// Schemas shared by the route groups: path parameters, pages and the error response.
import { z } from 'zod';
import { Id } from '../../model/organisation.js';
import type { SortKey } from '../../store/model-repository.js';

export const OrgParams = z.object({ org: Id });
export const ItemParams = z.object({ org: Id, id: Id });

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(
        z.object({
          path: z.string(),
          rule: z.string(),
          value: z.unknown(),
          message: z.string(),
          row: z.number().optional(),
          column: z.string().optional(),
        }),
      ),
    }),
  })
  .meta({ id: 'Error' });

/** The error responses every route may give, for the OpenAPI document. */
export const ERRORS = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse } as const;

/** What the caller may do to an item (`update`, `delete`, …), computed from the policies. */
export const ItemAbilities = z.record(z.string(), z.boolean()).meta({ id: 'Abilities', description: 'What the caller may do to this item, per action' });

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
