// Durations, numbers and names per locale.
import { describe, expect, it } from 'vitest';
import { createFormatter, durationParts, entityName, localText, ownerLabel, productList } from './format.js';
import { translator } from './testing.js';

const nbsp = (text: string) => text.replace(/\s/g, ' ');

describe('durationParts', () => {
  it.each([
    [0.5, 'minute', 30],
    [1, 'hour', 1],
    [36, 'hour', 36],
    [24, 'day', 1],
    [72, 'day', 3],
    [168, 'week', 1],
    [336, 'week', 2],
    [720, 'day', 30],
    [1.5, 'hour', 1.5],
    [0, 'hour', 0],
  ] as const)('%s h is %s × %s', (hours, unit, value) => {
    expect(durationParts(hours)).toEqual({ unit, value });
  });
});

describe('formatter', () => {
  it.each([
    [72, '3 d', '3 j'],
    [168, '1 w', '1 sem.'],
    [4, '4 h', '4 h'],
    [0.25, '15 min', '15 min'],
    [1.5, '1.5 h', '1,5 h'],
    [720, '30 d', '30 j'],
    [433, '18 d 1 h', '18 j 1 h'],
    [482, '20 d 2 h', '20 j 2 h'],
    [1344, '8 w', '8 sem.'],
    [36.5, '1 d 12.5 h', '1 j 12,5 h'],
    [432.04, '18 d', '18 j'],
  ])('writes %s hours as "%s" in English and "%s" in French', async (hours, english, french) => {
    expect(nbsp((await translator('en')).format.duration(hours))).toBe(english);
    expect(nbsp((await translator('fr')).format.duration(hours))).toBe(french);
  });

  it('writes amounts with the organisation currency in the reader’s locale', async () => {
    const en = (await translator('en')).format;
    const fr = (await translator('fr')).format;
    expect(en.currency).toBe('EUR');
    expect(en.money(36564)).toBe('€36,564');
    expect(nbsp(fr.money(36564))).toBe('36 564 €');
    expect(en.money(undefined)).toBe('—');
    const { t } = await translator('en');
    expect(createFormatter('en', t, 'GBP').money(24000.4)).toBe('£24,000');
    expect(nbsp(createFormatter('fr', t, 'USD').money(150))).toBe('150 $US');
  });

  it('writes durations in words with plurals for sentences', async () => {
    const en = (await translator('en')).format;
    const fr = (await translator('fr')).format;
    expect(en.durationLong(48)).toBe('2 days');
    expect(en.durationLong(24)).toBe('1 day');
    expect(en.durationLong(168)).toBe('1 week');
    expect(fr.durationLong(48)).toBe('2 jours');
    expect(fr.durationLong(336)).toBe('2 semaines');
    expect(fr.durationLong(1)).toBe('1 heure');
    expect(en.durationLong(433)).toBe('18 days 1 hour');
  });

  it('shows a dash for a missing value and formats numbers, shares and dates per locale', async () => {
    const en = (await translator('en')).format;
    const fr = (await translator('fr')).format;
    expect(en.duration(undefined)).toBe('—');
    expect(en.number(1234.5)).toBe('1,234.5');
    expect(nbsp(fr.number(1234.5))).toBe('1 234,5');
    expect(en.percent(0.5)).toBe('50%');
    expect(nbsp(fr.percent(0.5))).toBe('50 %');
    expect(en.date('2026-11-29T10:00:00Z')).toBe('29 Nov 2026');
    expect(fr.date('2026-11-29T10:00:00Z')).toBe('29 nov. 2026');
    expect(en.date('not a date')).toBe('—');
  });
});

describe('entityName', () => {
  const item = { id: 'claims', name: 'Claims handling', names: { fr: 'Gestion des sinistres' } };
  it('prefers the name in the interface language, then the reference name, then the id', () => {
    expect(entityName(item, 'fr')).toBe('Gestion des sinistres');
    expect(entityName(item, 'en')).toBe('Claims handling');
    expect(entityName({ id: 'vpn' }, 'en')).toBe('vpn');
    expect(entityName(undefined, 'en', '?')).toBe('?');
  });
});

describe('bilingual prose', () => {
  it('shows the translation of the interface language, else the reference text', () => {
    expect(localText('Handles claims', { fr: 'Traite les sinistres' }, 'fr')).toBe('Traite les sinistres');
    expect(localText('Handles claims', { fr: 'Traite les sinistres' }, 'en')).toBe('Handles claims');
    expect(localText(undefined, undefined, 'en')).toBe('');
  });

  it('translates the owner’s job title and keeps the person', () => {
    const titles = { fr: 'Responsable de la plateforme sinistres (Lyon)' };
    expect(ownerLabel('Claire Morel, Head of Claims Hotline (Lyon)', titles, 'fr')).toBe('Claire Morel, Responsable de la plateforme sinistres (Lyon)');
    expect(ownerLabel('Claire Morel <claire@example.com>', titles, 'fr')).toBe('Claire Morel, Responsable de la plateforme sinistres (Lyon)');
    expect(ownerLabel('Claire Morel, Head of Claims Hotline (Lyon)', titles, 'en')).toBe('Claire Morel, Head of Claims Hotline (Lyon)');
    expect(ownerLabel(undefined, titles, 'fr')).toBe('');
  });

  it('lists the products in the interface language when they were translated', () => {
    const activity = { products: ['Motor insurance', 'Home insurance'], productNames: { fr: ['Assurance auto', 'Assurance habitation'] } };
    expect(productList(activity, 'fr')).toEqual(['Assurance auto', 'Assurance habitation']);
    expect(productList(activity, 'en')).toEqual(['Motor insurance', 'Home insurance']);
    expect(productList({ products: ['Motor'], productNames: { fr: [] } }, 'fr')).toEqual(['Motor']);
  });
});
