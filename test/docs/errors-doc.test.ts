// The error catalogue and its documentation agree both ways: every code is documented, every documented code exists.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../src/errors.js';
import { documentedCodes, ERRORS_DOC_PATH, renderErrorsDoc } from '../../src/errors-doc.js';
import { ERROR_CODES, ERROR_RESPONSES, ERROR_STATUSES, ErrorCode } from '../../src/model/contract/errors.js';

const doc = readFileSync(ERRORS_DOC_PATH, 'utf8');

describe('error codes', () => {
  it('documents every code of the catalogue in docs/errors.md', () => {
    const documented = new Set(documentedCodes(doc));
    expect(Object.keys(ERROR_CATALOG).filter((code) => !documented.has(code)), 'undocumented codes: run npm run docs:errors').toEqual([]);
  });

  it('documents no code the catalogue lacks, and each once', () => {
    const codes = documentedCodes(doc);
    expect(codes.filter((code) => !(code in ERROR_CATALOG)), 'documented codes that do not exist').toEqual([]);
    expect(codes.filter((code, index) => codes.indexOf(code) !== index), 'codes documented twice').toEqual([]);
  });

  it('keeps docs/errors.md as generated from the catalogue (statuses and meanings too)', () => {
    expect(doc, 'docs/errors.md is out of date: run npm run docs:errors').toBe(renderErrorsDoc());
  });

  it('finds a missing and an unknown code (the check can fail)', () => {
    const { internal: _dropped, ...fewer } = ERROR_CATALOG;
    const stale = renderErrorsDoc({ ...fewer, retired_code: { status: 400, description: 'A code that no longer exists.' } });
    const documented = documentedCodes(stale);
    expect(documented).not.toContain('internal');
    expect(documented).toContain('retired_code');
    expect(stale).not.toBe(renderErrorsDoc());
  });

  it('is the enum of the OpenAPI error schema, and each status allows only its own codes', () => {
    expect(ErrorCode.options).toEqual(Object.keys(ERROR_CATALOG));
    expect(ERROR_CODES).toEqual(Object.keys(ERROR_CATALOG));
    for (const status of ERROR_STATUSES) {
      const schema = ERROR_RESPONSES[status];
      for (const [code, entry] of Object.entries(ERROR_CATALOG)) {
        const parsed = schema.safeParse({ error: { code, message: 'm', details: [] } });
        expect(parsed.success, `${code} as a ${status}`).toBe(entry.status === status);
      }
    }
    expect(ErrorCode.safeParse('no_such_code').success).toBe(false);
  });
});
