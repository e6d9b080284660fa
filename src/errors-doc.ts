// The error reference, docs/errors.md, generated from the catalogue (src/errors.ts): `npm run docs:errors` writes
// it, and test/docs/errors-doc.test.ts checks the two against each other both ways.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOG, type ErrorCode } from './errors.js';

export const ERRORS_DOC_PATH = fileURLToPath(new URL('../docs/errors.md', import.meta.url));

/** The codes docs/errors.md documents: the first cell of each row of its table. */
export function documentedCodes(markdown: string): string[] {
  return [...markdown.matchAll(/^\|\s*`([a-z0-9_]+)`\s*\|/gm)].map((match) => match[1]);
}

/** docs/errors.md for a catalogue. */
export function renderErrorsDoc(catalog: Record<string, { status: number; description: string }> = ERROR_CATALOG): string {
  const codes = Object.keys(catalog) as ErrorCode[];
  const rows = [...codes]
    .sort((a, b) => catalog[a].status - catalog[b].status || codes.indexOf(a) - codes.indexOf(b))
    .map((code) => `| \`${code}\` | ${catalog[code].status} | ${catalog[code].description.replace(/\|/g, '\\|')} |`);
  return [
    '# Errors',
    '',
    '<!-- Generated from ERROR_CATALOG in src/errors.ts by `npm run docs:errors`; the tests fail when the two differ. -->',
    '',
    'Every refusal of the API and of the `rempart` command has one shape:',
    '',
    '```json',
    '{"error": {"code": "invalid_input", "message": "…", "details": [{"path": "activities[0].mtpd", "rule": "too_small", "value": -1, "message": "…"}]}}',
    '```',
    '',
    '`code` is one of the stable codes below (the OpenAPI document lists them as the `ErrorCode` enum, and each',
    'status as its own `ErrorNNN` schema); `details` name each refused value by path, rule and value (spreadsheet',
    'imports add `row` and `column`). A 429 comes with a `Retry-After` header. Refusals never repeat a password or a',
    'code back.',
    '',
    '| code | HTTP status | meaning |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ERRORS_DOC_PATH, renderErrorsDoc());
  console.log(`wrote ${ERRORS_DOC_PATH}`);
}
