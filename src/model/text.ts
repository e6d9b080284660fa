// Text PostgreSQL cannot store (NUL) or that is not Unicode (a lone UTF-16 surrogate): refused at every entry point
// (HTTP, spreadsheets, files given to the CLI) with its path, instead of failing deep in the database.
import { formatPath, type Problem } from './problem.js';

// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for.
const INVALID_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Problems reported for one input at most: a million bad strings must not make a million-line answer. */
const MAX_PROBLEMS = 20;
const CLIP = 200;

export const INVALID_TEXT_MESSAGE = 'no NUL character and no lone UTF-16 surrogate';

/** True for text no name, id, query or cell may hold. */
export function isInvalidText(text: string): boolean {
  return INVALID_TEXT.test(text);
}

function clipText(text: string): string {
  return text.length > CLIP ? `${text.slice(0, CLIP)}…` : text;
}

/** Every invalid string (and key) in a parsed value, with its path; stops after twenty. */
export function invalidTextProblems(value: unknown, path: PropertyKey[], found: Problem[] = []): Problem[] {
  if (found.length >= MAX_PROBLEMS) return found;
  if (typeof value === 'string') {
    if (isInvalidText(value)) found.push({ path: formatPath(path), rule: 'invalid_text', value: clipText(value), message: INVALID_TEXT_MESSAGE });
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length && found.length < MAX_PROBLEMS; i++) invalidTextProblems(value[i], [...path, i], found);
  } else if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && typeof (value as { pipe?: unknown }).pipe !== 'function') {
    // Not bytes nor a stream (a body handed over unread): those are not text to walk. Parsed queries have their own prototype.
    for (const [key, item] of Object.entries(value)) {
      if (found.length >= MAX_PROBLEMS) break;
      if (isInvalidText(key))
        found.push({ path: formatPath([...path, key]), rule: 'invalid_text', value: clipText(key), message: `a field name with ${INVALID_TEXT_MESSAGE}` });
      else invalidTextProblems(item, [...path, key], found);
    }
  }
  return found;
}
