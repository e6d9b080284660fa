// Mantine's NumberInput with the separators of the interface language (1,234.5 / 1 234,5).
import { NumberInput, type NumberInputProps } from '@mantine/core';
import { useLanguage } from '../lib/queries.js';

export function NumberField(props: NumberInputProps) {
  const language = useLanguage();
  const separators = language === 'fr' ? { decimalSeparator: ',', thousandSeparator: '\u202f' } : { decimalSeparator: '.', thousandSeparator: ',' };
  return <NumberInput {...separators} {...props} />;
}
