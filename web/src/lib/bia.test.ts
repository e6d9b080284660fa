// Impact scale colours (with their contrast), the first intolerable rating and the MTPD reading.
import { describe, expect, it } from 'vitest';
import type { BiaSettings } from '@shared/model/organisation.js';
import { compactCriteria, compactImpacts, criterionOf, criterionText, firstIntolerable, levelColour, normaliseImpacts, readMtpd } from './bia.js';

const BIA: BiaSettings = {
  categories: [
    { id: 'financial', name: 'Financial' },
    { id: 'customer', name: 'Customer' },
  ],
  scale: [1, 2, 3, 4, 5].map((value) => ({ value, label: `L${value}` })),
  intolerable: 4,
  timePoints: [1, 4, 24, 72],
};

/** WCAG relative luminance and contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

describe('levelColour', () => {
  it('keeps text readable (WCAG AA) on every level of scales of any length', () => {
    for (const size of [2, 3, 5, 7, 10]) {
      const scale = Array.from({ length: size }, (_v, index) => ({ value: index, label: `L${index}` }));
      for (const intolerable of [1, Math.floor(size / 2), size - 1]) {
        for (const level of [...scale.map((item) => item.value), null]) {
          const colour = levelColour(level, { scale, intolerable });
          expect(contrast(colour.background, colour.color), `${size}/${intolerable}/${level}`).toBeGreaterThanOrEqual(4.5);
        }
      }
    }
  });

  it('marks intolerable levels with a red border and the others not', () => {
    expect(levelColour(4, BIA).border).toBe('#c92a2a');
    expect(levelColour(3, BIA).border).not.toBe('#c92a2a');
    expect(levelColour(1, BIA).background).not.toBe(levelColour(3, BIA).background);
    expect(levelColour(4, BIA).background).not.toBe(levelColour(5, BIA).background);
  });
});

describe('firstIntolerable', () => {
  it('finds the earliest time point, first category in the settings order on a tie', () => {
    expect(firstIntolerable({ financial: [1, 2, 4, 5], customer: [1, 4, 5, 5] }, BIA)).toEqual({ category: 'customer', index: 1, hours: 4, rating: 4 });
    expect(firstIntolerable({ customer: [1, 4, 5, 5], financial: [1, 5, 5, 5] }, BIA)).toEqual({ category: 'financial', index: 1, hours: 4, rating: 5 });
    expect(firstIntolerable({ financial: [1, 2, 3, null] }, BIA)).toBeNull();
    expect(firstIntolerable({ unknown: [5, 5, 5, 5] }, BIA)).toBeNull();
  });
});

describe('readMtpd', () => {
  it.each([
    [24, null, 'none', { kind: 'not_assessed' }],
    [24, null, 'complete', { kind: 'never_intolerable', horizon: 72 }],
    [24, 24, 'complete', { kind: 'matches', suggested: 24 }],
    [72, 24, 'partial', { kind: 'longer', suggested: 24, chosen: 72, difference: 48 }],
    [4, 24, 'complete', { kind: 'shorter', suggested: 24, chosen: 4, difference: 20 }],
  ] as const)('chosen %s, suggested %s, %s', (chosen, suggested, assessment, reading) => {
    expect(readMtpd(chosen, suggested, assessment, BIA)).toEqual(reading);
  });
});

describe('impact grid', () => {
  it('fills the grid to the settings and sends back only categories that exist or are rated', () => {
    const grid = normaliseImpacts({ financial: [1, 2] }, BIA);
    expect(grid).toEqual({ financial: [1, 2, null, null], customer: [null, null, null, null] });
    expect(compactImpacts(grid, { financial: [1, 2] })).toEqual({ financial: [1, 2, null, null] });
    expect(compactImpacts({ ...grid, customer: [null, 3, null, null] }, {})).toEqual({ financial: [1, 2, null, null], customer: [null, 3, null, null] });
  });
});

describe('impact criteria', () => {
  const settings: BiaSettings = {
    categories: [
      { id: 'financial', name: 'Financial', money: true },
      { id: 'legal', name: 'Legal' },
    ],
    scale: [
      { value: 1, label: 'Low' },
      { value: 2, label: 'High' },
    ],
    intolerable: 2,
    timePoints: [1],
    criteria: [
      { category: 'financial', level: 2, description: 'Old text', descriptions: { en: ' Big loss ', fr: 'Grosse perte' }, threshold: 1000 },
      { category: 'legal', level: 1, descriptions: { fr: 'Rien' }, threshold: 5 },
      { category: 'legal', level: 2, descriptions: { en: '  ', fr: '' } },
      { category: 'gone', level: 1, description: 'A removed category' },
      { category: 'financial', level: 9, description: 'A removed level' },
    ],
  };

  it('reads a criterion in the language asked, else the reference text, else the other language', () => {
    expect(criterionText(criterionOf(settings, 'financial', 2), 'fr')).toBe('Grosse perte');
    expect(criterionText(criterionOf(settings, 'legal', 1), 'en')).toBe('Rien');
    expect(criterionText(criterionOf(settings, 'legal', 9), 'en')).toBe('');
  });

  it('sends only what the settings still have, trimmed, English as the reference, thresholds only in money', () => {
    expect(compactCriteria(settings)).toEqual([
      { category: 'financial', level: 2, description: 'Big loss', descriptions: { en: 'Big loss', fr: 'Grosse perte' }, threshold: 1000 },
      { category: 'legal', level: 1, description: 'Rien', descriptions: { fr: 'Rien' } },
    ]);
  });
});
