// Band colours keep readable text, filters round-trip through the address, forms send what the schema wants,
// and a refused matrix change is read back as levels with the risks that use them.
import { DEFAULT_RISK_MATRIX, Risk } from '@shared/model/risk.js';
import { describe, expect, it } from 'vitest';
import {
  bandForScore,
  bandRanges,
  contrast,
  emptyRisk,
  levelText,
  nextTreatmentId,
  parseAssetKey,
  readRiskFilters,
  removedLevels,
  riskListQuery,
  textOn,
  toRiskBody,
  toRiskDraft,
} from './risks.js';

describe('band colours', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
  });

  it.each(DEFAULT_RISK_MATRIX.bands.map((band) => [band.id, band.colour]))('gives the %s band (%s) text of at least 4.5:1', (_id, colour) => {
    const text = textOn(colour);
    expect(text.readable).toBe(true);
    expect(contrast(colour, text.color)).toBeGreaterThanOrEqual(4.5);
  });

  it('finds black or white text of at least 4.5:1 on any colour an organisation may choose', () => {
    for (let grey = 0; grey <= 255; grey += 5) {
      const hex = `#${grey.toString(16).padStart(2, '0').repeat(3)}`;
      const text = textOn(hex);
      expect(text.readable, hex).toBe(true);
      expect(contrast(hex, text.color), hex).toBeGreaterThanOrEqual(4.5);
    }
    expect(textOn('not a colour').readable).toBe(false);
  });
});

describe('labels and ranges', () => {
  it('names levels with their number and label in the interface language', () => {
    expect(levelText(DEFAULT_RISK_MATRIX, 'likelihood', 3, 'en')).toBe('3 · Possible');
    expect(levelText(DEFAULT_RISK_MATRIX, 'impact', 4, 'fr')).toBe('4 · Majeur');
    expect(levelText(DEFAULT_RISK_MATRIX, 'impact', 9, 'en')).toBe('9');
  });

  it('gives each band its score range, the last up to likelihood × impact', () => {
    expect(bandRanges(DEFAULT_RISK_MATRIX)).toEqual([
      [1, 4],
      [5, 9],
      [10, 16],
      [17, 25],
    ]);
    expect(bandForScore(DEFAULT_RISK_MATRIX.bands, 12)?.id).toBe('high');
    expect(bandForScore(DEFAULT_RISK_MATRIX.bands, 1)?.id).toBe('low');
  });
});

describe('register filters', () => {
  it('reads the address and builds the API query (asset as type and id, band with its rating)', () => {
    const filters = readRiskFilters(new URLSearchParams('q=vpn&family=health&band=high&rating=inherent&aboveAppetite=true&asset=pool:vpn'));
    expect(filters).toEqual({ q: 'vpn', family: 'health', band: 'high', rating: 'inherent', aboveAppetite: 'true', asset: 'pool:vpn', sort: 'severity' });
    expect(riskListQuery(filters)).toEqual({
      q: 'vpn',
      family: 'health',
      band: 'high',
      rating: 'inherent',
      aboveAppetite: 'true',
      assetType: 'pool',
      assetId: 'vpn',
      sort: 'severity',
    });
  });

  it('ignores values it does not know', () => {
    const filters = readRiskFilters(new URLSearchParams('sort=random&aboveAppetite=maybe&rating=other'));
    expect(filters).toMatchObject({ sort: 'severity', aboveAppetite: null, rating: 'residual' });
    expect(riskListQuery(filters).rating).toBeUndefined();
    expect(parseAssetKey('planet:mars')).toBeUndefined();
    expect(parseAssetKey('activity:claims:fnol')).toEqual({ type: 'activity', id: 'claims:fnol' });
  });
});

describe('risk form', () => {
  const stored = Risk.parse({
    id: 'pandemic',
    title: 'Pandemic',
    names: { fr: 'Pandémie' },
    threat: 'pandemic',
    assets: [{ type: 'pool', id: 'vpn' }],
    inherent: { likelihood: 3, impact: 5 },
    residual: { likelihood: 3, impact: 4 },
    treatments: [{ id: 'vpn-upgrade', type: 'reduce', description: 'More VPN', status: 'planned', expectedEffect: { impact: 3 } }],
    reviewDate: '2027-03-31',
    scenarios: ['pandemic-lockdown'],
  });

  it('sends back what it read, and what it sends passes the schema', () => {
    const body = toRiskBody(toRiskDraft(stored));
    expect(body).toEqual({
      id: 'pandemic',
      title: 'Pandemic',
      names: { fr: 'Pandémie' },
      threat: 'pandemic',
      assets: [{ type: 'pool', id: 'vpn' }],
      inherent: { likelihood: 3, impact: 5 },
      residual: { likelihood: 3, impact: 4 },
      treatments: [{ id: 'vpn-upgrade', type: 'reduce', description: 'More VPN', status: 'planned', expectedEffect: { impact: 3 } }],
      reviewDate: '2027-03-31',
      scenarios: ['pandemic-lockdown'],
    });
    expect(Risk.safeParse(body).success).toBe(true);
  });

  it('leaves empty optional texts out, keeps an empty id and title so the refusal names them', () => {
    const draft = {
      ...emptyRisk(),
      cause: '  ',
      owner: '',
      reviewDate: '',
      treatments: [{ id: 't1', type: 'accept' as const, description: ' ok ', owner: '', due: '', status: 'done' as const, expectedEffect: {} }],
    };
    const body = toRiskBody(draft);
    expect(body).not.toHaveProperty('cause');
    expect(body).not.toHaveProperty('owner');
    expect(body).not.toHaveProperty('reviewDate');
    expect(body).not.toHaveProperty('names');
    expect(body).toMatchObject({ id: '', title: '', treatments: [{ id: 't1', type: 'accept', description: 'ok', status: 'done' }] });
    expect((body.treatments as Array<Record<string, unknown>>)[0]).not.toHaveProperty('expectedEffect');
  });

  it('offers a treatment id not used yet', () => {
    expect(nextTreatmentId([])).toBe('treatment-1');
    expect(nextTreatmentId([{ id: 'treatment-2' }, { id: 'x' }])).toBe('treatment-3');
    expect(nextTreatmentId([{ id: 'treatment-2' }])).toBe('treatment-3');
  });
});

describe('refused matrix changes', () => {
  it('groups the removed levels by axis and level, with the risks that use them', () => {
    const details = [
      { path: 'risks.a.inherent.likelihood', rule: 'level_removed', value: 5, message: '' },
      { path: 'risks.b.residual.likelihood', rule: 'level_removed', value: 5, message: '' },
      { path: 'risks.a.residual.likelihood', rule: 'level_removed', value: 5, message: '' },
      { path: 'risks.c.treatments[0].expectedEffect.impact', rule: 'level_removed', value: 4, message: '' },
      { path: 'risks.d.inherent.likelihood', rule: 'level_removed', value: 4, message: '' },
      { path: 'bands[0].min', rule: 'band_start', value: 2, message: '' },
    ];
    expect(removedLevels(details)).toEqual([
      { axis: 'likelihood', level: 4, risks: ['d'] },
      { axis: 'likelihood', level: 5, risks: ['a', 'b'] },
      { axis: 'impact', level: 4, risks: ['c'] },
    ]);
  });
});
