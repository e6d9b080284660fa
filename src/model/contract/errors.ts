// The one error shape of the API: {error: {code, message, details}}, its code one of the catalogue's (src/errors.ts).
import { z } from 'zod';
import { ERROR_CATALOG, type ErrorCode as CatalogCode } from '../../errors.js';

/** Every stable error code, in the order of the catalogue. */
export const ERROR_CODES = Object.keys(ERROR_CATALOG) as [CatalogCode, ...CatalogCode[]];

export const ErrorCode = z.enum(ERROR_CODES).meta({
  id: 'ErrorCode',
  description: 'A stable error code; the documentation (docs/errors.md) says what each means and how to act on it',
});
export type ErrorCode = z.infer<typeof ErrorCode>;

/** One refused value: where it is, which rule it breaks, what it was (see Problem in model/problem.ts). */
export const ProblemDetail = z
  .object({
    path: z.string(),
    rule: z.string(),
    value: z.unknown().optional().meta({ description: 'The refused value (clipped when long); absent when the value is missing' }),
    message: z.string(),
    limit: z.number().optional().meta({ description: 'too_big / too_small of a number or a text: the bound crossed (the number, or the length)' }),
    row: z.number().optional().meta({ description: 'Spreadsheet imports: the row as the user sees it' }),
    column: z.string().optional().meta({ description: 'Spreadsheet imports: the column header' }),
  })
  .meta({ id: 'Problem' });

function errorShape<C extends z.ZodType>(code: C) {
  return z.object({ error: z.object({ code, message: z.string(), details: z.array(ProblemDetail) }) });
}

/** Any error of the API. */
export const ErrorResponse = errorShape(ErrorCode).meta({ id: 'Error' });
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** The HTTP statuses of the catalogue's errors. */
export type ErrorStatus = (typeof ERROR_CATALOG)[CatalogCode]['status'];
export const ERROR_STATUSES = [...new Set(ERROR_CODES.map((code) => ERROR_CATALOG[code].status))].sort((a, b) => a - b) as ErrorStatus[];

/** The codes an error of this status may carry. */
export function codesOfStatus(status: ErrorStatus): [CatalogCode, ...CatalogCode[]] {
  return ERROR_CODES.filter((code) => ERROR_CATALOG[code].status === status) as [CatalogCode, ...CatalogCode[]];
}

/**
 * The error response of each status, its code narrowed to the catalogue's codes of that status (a 404 is always
 * `not_found`): every route documents these, and the tests check each answer against them.
 */
export const ERROR_RESPONSES = Object.fromEntries(
  ERROR_STATUSES.map((status) => [
    status,
    errorShape(z.enum(codesOfStatus(status))).meta({ id: `Error${status}`, description: `Codes: ${codesOfStatus(status).join(', ')}` }),
  ]),
) as { [S in ErrorStatus]: typeof ErrorResponse };
