// The interface language: saved choice first, then the browser's, then English.
import { describe, expect, it } from 'vitest';
import { initialLanguage } from './prefs.js';

describe('initialLanguage', () => {
  it.each([
    ['fr', ['en-GB'], 'fr'],
    ['en', ['fr-FR'], 'en'],
    [null, ['fr-CA', 'en'], 'fr'],
    [null, ['de-DE', 'en-US'], 'en'],
    [null, ['de-DE'], 'en'],
    [null, [], 'en'],
    ['xx', ['fr'], 'fr'],
  ] as const)('saved %s, browser %j → %s', (saved, browser, expected) => {
    expect(initialLanguage(saved, browser)).toBe(expected);
  });
});
