// The origin rules public keys are held to: what an administrator may type, and which Origin headers match exactly.
import { describe, expect, it } from 'vitest';
import { AllowedOrigins, canonicalOrigin, originAllowed, WidgetSettings } from './callers.js';

describe('allowed origins as typed by an administrator', () => {
  it.each([
    ['https://shop.example', 'https://shop.example'],
    ['https://shop.example/', 'https://shop.example'],
    ['HTTPS://Shop.EXAMPLE', 'https://shop.example'],
    ['https://shop.example:443', 'https://shop.example'],
    ['http://shop.example:80/', 'http://shop.example'],
    ['https://shop.example:8443', 'https://shop.example:8443'],
    ['http://localhost:5173', 'http://localhost:5173'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['https://[::1]:8443', 'https://[::1]:8443'],
    ['https://xn--bcher-kva.example', 'https://xn--bcher-kva.example'],
  ])('%s is %s', (typed, canonical) => {
    expect(canonicalOrigin(typed)).toBe(canonical);
  });

  it.each([
    'null',
    '*',
    'https://*.shop.example',
    'https://shop.example/widget',
    'https://shop.example//',
    'https://shop.example?x=1',
    'https://shop.example#top',
    'https://user:pass@shop.example',
    'ftp://shop.example',
    'file:///tmp/page.html',
    'shop.example',
    '//shop.example',
    'https://',
    'https://shop.example:99999',
    ' https://shop.example',
    'https://shop.example\u0000',
    `https://${'a'.repeat(300)}.example`,
    '',
  ])('refuses %j', (typed) => {
    expect(canonicalOrigin(typed)).toBeUndefined();
  });

  it('normalises a list, drops duplicates, and takes "*" only alone', () => {
    expect(AllowedOrigins.parse(['https://Shop.example/', 'https://shop.example', 'http://localhost:5173'])).toEqual([
      'https://shop.example',
      'http://localhost:5173',
    ]);
    expect(AllowedOrigins.parse(['*'])).toEqual(['*']);
    const mixed = AllowedOrigins.safeParse(['*', 'https://shop.example']);
    expect(mixed.success).toBe(false);
    const bad = AllowedOrigins.safeParse(['https://shop.example', 'https://shop.example/path']);
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual([1]);
    expect(AllowedOrigins.safeParse([]).success).toBe(false);
    expect(AllowedOrigins.safeParse(Array.from({ length: 51 }, (_, i) => `https://s${i}.example`)).success).toBe(false);
  });
});

describe('an Origin header against a key’s origins (exact match)', () => {
  const origins = ['https://shop.example', 'http://localhost:5173', 'https://shop.example:8443'];
  it.each([
    ['https://shop.example', true],
    ['http://localhost:5173', true],
    ['https://shop.example:8443', true],
    // What browsers never send for an allowed page, or another page altogether.
    ['https://shop.example/', false],
    ['https://SHOP.example', false],
    ['HTTPS://shop.example', false],
    ['https://shop.example:443', false],
    ['http://shop.example', false],
    ['https://shop.example:8444', false],
    ['http://localhost:5174', false],
    ['http://localhost', false],
    ['https://evil-shop.example', false],
    ['https://shop.example.evil.example', false],
    ['https://sub.shop.example', false],
    ['null', false],
    ['', false],
    [undefined, false],
    ['https://shop.example, https://evil.example', false],
  ])('%j: %s', (origin, expected) => {
    expect(originAllowed(origin as string | undefined, origins)).toBe(expected);
  });

  it('with "*" (explicit), admits any well-formed origin but never "null" nor a malformed one', () => {
    expect(originAllowed('https://anyone.example', ['*'])).toBe(true);
    expect(originAllowed('http://localhost:3000', ['*'])).toBe(true);
    expect(originAllowed('null', ['*'])).toBe(false);
    expect(originAllowed(undefined, ['*'])).toBe(false);
    expect(originAllowed('https://anyone.example/', ['*'])).toBe(false);
    expect(originAllowed('*', ['*'])).toBe(false);
  });
});

describe('widget settings', () => {
  it('fills the defaults and refuses greetings in languages not offered, and text PostgreSQL cannot store', () => {
    expect(WidgetSettings.parse({})).toEqual({ name: null, languages: ['fr', 'en'], greeting: {} });
    expect(WidgetSettings.safeParse({ languages: ['fr'], greeting: { en: 'Hello' } }).success).toBe(false);
    expect(WidgetSettings.safeParse({ greeting: { fr: 'Bonjour\u0000' } }).success).toBe(false);
    expect(WidgetSettings.safeParse({ languages: ['fr', 'fr'] }).success).toBe(false);
    expect(WidgetSettings.safeParse({ languages: ['french'] }).success).toBe(false);
    expect(WidgetSettings.safeParse({ extra: 1 }).success).toBe(false);
    expect(WidgetSettings.safeParse({ name: 'x'.repeat(101) }).success).toBe(false);
  });
});
