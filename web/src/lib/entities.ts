// Model items in forms and sentences: what a form sends, and a strategy's effect in words.
import type { StrategyEffect } from '@shared/model/organisation.js';
import type { Formatter, Translate } from './format.js';

type Draft = Record<string, unknown>;

/**
 * What a form sends: optional texts left empty are left out, translated names only when given.
 * An empty `id` or `name` is sent as is so that the refusal names the field (unless the name is optional).
 */
export function cleanEntity(draft: Draft, { optionalName = false } = {}): Draft {
  const out: Draft = {};
  for (const [key, value] of Object.entries(draft)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      const trimmed = key === 'description' ? value : value.trim();
      if (trimmed === '' && key !== 'id' && (key !== 'name' || optionalName)) continue;
      out[key] = key === 'description' ? value : trimmed;
    } else if (key === 'names' || key === 'descriptions') {
      // Names are trimmed; descriptions keep their line breaks and spaces, as the reference description does.
      const texts: Record<string, string> = {};
      for (const [language, text] of Object.entries(value as Record<string, string | undefined>))
        if (text?.trim()) texts[language] = key === 'names' ? text.trim() : text;
      if (Object.keys(texts).length) out[key] = texts;
    } else out[key] = value;
  }
  return out;
}

export function describeEffect(
  effect: StrategyEffect,
  t: Translate,
  format: Formatter,
  name: (collection: 'pools' | 'sites' | 'applications' | 'suppliers', id: string) => string,
): string {
  switch (effect.type) {
    case 'poolCapacity':
      return t('effects.poolCapacityText', { amount: format.number(effect.amount), pool: name('pools', effect.pool) });
    case 'alternateSite':
      return effect.sites?.length
        ? t('effects.alternateSiteForText', { seats: format.number(effect.seats), sites: effect.sites.map((id) => name('sites', id)).join(', ') })
        : t('effects.alternateSiteText', { seats: format.number(effect.seats) });
    case 'workaround':
      return t('effects.workaroundText', { application: name('applications', effect.application), share: format.percent(effect.factor) });
    case 'alternateSupplier':
      return t('effects.alternateSupplierText', { supplier: name('suppliers', effect.supplier) });
  }
}
