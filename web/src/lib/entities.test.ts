// What the forms send, and strategy effects in words.
import { describe, expect, it } from 'vitest';
import { cleanEntity, describeEffect } from './entities.js';
import { translator } from './testing.js';

describe('cleanEntity', () => {
  it('leaves out empty optional texts and names, trims, keeps numbers and objects', () => {
    expect(cleanEntity({ id: ' lyon ', name: ' Lyon ', names: { fr: ' ', en: 'Lyon' }, description: '', seats: 0, cost: { fixed: 1 } })).toEqual({
      id: 'lyon',
      name: 'Lyon',
      names: { en: 'Lyon' },
      seats: 0,
      cost: { fixed: 1 },
    });
  });

  it('sends an empty id or name so that the refusal names the field, unless the name is optional', () => {
    expect(cleanEntity({ id: '', name: '' })).toEqual({ id: '', name: '' });
    expect(cleanEntity({ id: 'vpn', name: '', kind: 'vpn' }, { optionalName: true })).toEqual({ id: 'vpn', kind: 'vpn' });
  });
});

describe('describeEffect', () => {
  it('says what a strategy adds, in the interface language', async () => {
    const { t, format } = await translator('fr');
    const name = (_kind: string, id: string) => id.toUpperCase();
    expect(describeEffect({ type: 'poolCapacity', pool: 'vpn', amount: 400 }, t, format, name)).toBe('+400 utilisateurs sur VPN');
    expect(describeEffect({ type: 'alternateSite', seats: 250, sites: ['paris'] }, t, format, name)).toBe('250 postes sur un site de repli pour PARIS');
    expect(describeEffect({ type: 'workaround', application: 'crm', factor: 0.5 }, t, format, name).replace(/\s/g, ' ')).toBe(
      'Fonctionne sans CRM à 50 % de la production',
    );
    expect(describeEffect({ type: 'alternateSupplier', supplier: 'telco' }, t, format, name)).toBe('Remplace TELCO');
  });
});
