// Export links: the format, the interface language and the CSV separator it implies unless another is chosen.
import { describe, expect, it } from 'vitest';
import { defaultSeparator, exportHref } from './exports.js';

describe('export links', () => {
  it('uses semicolons for French and commas for English unless told', () => {
    expect(defaultSeparator('fr')).toBe('semicolon');
    expect(defaultSeparator('en')).toBe('comma');
    expect(exportHref('/api/orgs/demo/audit.sheet', 'fr', 'csv')).toBe('/api/orgs/demo/audit.sheet?format=csv&lang=fr&separator=semicolon');
    expect(exportHref('/api/orgs/demo/audit.sheet', 'fr', 'csv', 'comma')).toBe('/api/orgs/demo/audit.sheet?format=csv&lang=fr&separator=comma');
  });

  it('keeps the filters of the path and leaves the separator out of XLSX', () => {
    expect(exportHref('/api/orgs/demo/audit.sheet?entity=run', 'en', 'xlsx')).toBe('/api/orgs/demo/audit.sheet?entity=run&format=xlsx&lang=en');
  });
});
