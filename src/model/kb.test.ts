// The knowledge base's rich-text answers: what the sanitiser keeps and drops, table-tested on hostile markup, and that
// it is idempotent and never lets a tag or attribute through that it did not write itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KbArticleInput, plainText, sanitiseAnswer } from './kb.js';

describe('sanitiseAnswer', () => {
  it.each([
    ['plain text', 'Restez chez vous.', 'Restez chez vous.'],
    ['text with < and &', 'a < b & c', 'a &lt; b &amp; c'],
    ['entities kept', 'l&rsquo;accueil &amp; co', 'l&rsquo;accueil &amp; co'],
    ['allowed tags, attributes dropped', '<p class="x" style="color:red">Hi <strong onclick="x()">there</strong></p>', '<p>Hi <strong>there</strong></p>'],
    ['script and its content', 'a<script>alert(1)</script>b', 'ab'],
    ['style and its content', 'a<style>*{}</style>b', 'ab'],
    ['comment', 'a<!-- <script>x</script> -->b', 'ab'],
    ['unknown tag, text kept', '<div><img src=x onerror=alert(1)>text</div>', 'text'],
    ['javascript: link', '<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['entity-encoded javascript: link', '<a href="&#106;avascript:alert(1)">x</a>', '<a>x</a>'],
    [
      'https link',
      '<a href="https://example.org/a?b=1&amp;c=2">x</a>',
      '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">x</a>',
    ],
    ['tel link', "<a href='tel:15'>15</a>", '<a href="tel:15" rel="noopener noreferrer" target="_blank">15</a>'],
    ['svg', '<svg><script>alert(1)</script></svg>ok', 'ok'],
    ['unclosed tag', 'a <b', 'a &lt;b'],
    ['quoted > inside an attribute', '<p title="a>b">x</p>', '<p>x</p>'],
  ])('%s', (_name, input, output) => expect(sanitiseAnswer(input)).toBe(output));

  it('is idempotent, and what it writes holds only the tags and attributes it allows', () =>
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('<', '>', '"', "'", '=', '/', '&', ';', 'a', 'p', ' ', 'script', 'href', 'javascript:', 'on', 'x') }),
        (html) => {
          const once = sanitiseAnswer(html);
          expect(sanitiseAnswer(once)).toBe(once);
          for (const [, name, attributes] of once.matchAll(/<\/?([a-z0-9]+)([^>]*)>/g)) {
            expect(['p', 'br', 'strong', 'b', 'em', 'i', 'u', 'ul', 'ol', 'li', 'a', 'h3', 'h4', 'blockquote', 'code']).toContain(name);
            if (attributes.trim()) expect(attributes).toMatch(/^ href="(https?:|mailto:|tel:)[^"]*" rel="noopener noreferrer" target="_blank"$/);
          }
          expect(once).not.toMatch(/<script/i);
        },
      ),
    ));

  it('gives the plain text of an answer, lines for blocks', () => {
    expect(plainText('<ul><li>Un</li><li>Deux &amp; trois</li></ul><p>Fin</p>')).toBe('Un\nDeux & trois\nFin');
  });
});

describe('KbArticleInput', () => {
  const base = { id: 'a', lang: 'fr', question: 'Q ?', answer: 'R.', source: 'S', published: '2020-03-17' };
  it('defaults to staff, no variants, no tags; keeps dates as days', () => {
    expect(KbArticleInput.parse(base)).toEqual({ ...base, audience: 'staff', variants: [], tags: [] });
  });
  it('refuses a review before publication, an answer without text, unknown fields', () => {
    const rules = (input: object) => KbArticleInput.safeParse(input).error?.issues.map((issue) => `${issue.path.join('.')}`);
    expect(rules({ ...base, reviewBy: '2020-01-01' })).toEqual(['reviewBy']);
    expect(rules({ ...base, answer: '<p></p>' })).toEqual(['answer']);
    expect(rules({ ...base, birthday: 1 })).toEqual(['']);
  });
});
