// One text in English and in French, side by side: plans and their steps are written in both languages.
import { SimpleGrid, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Bilingual } from '../../lib/crisis.js';

export function BilingualField({
  label,
  value,
  onChange,
  multiline = false,
  error,
  required,
}: {
  label: string;
  value: Bilingual;
  onChange: (value: Bilingual) => void;
  multiline?: boolean;
  error?: string;
  required?: boolean;
}) {
  const { t } = useTranslation();
  const Field = multiline ? Textarea : TextInput;
  const extra = multiline ? { autosize: true, minRows: 2, maxRows: 8 } : {};
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
      <Field
        label={t('plan.inEnglish', { label })}
        value={value.en}
        onChange={(event) => onChange({ ...value, en: event.currentTarget.value })}
        error={error}
        required={required}
        lang="en"
        {...extra}
      />
      <Field
        label={t('plan.inFrench', { label })}
        value={value.fr}
        onChange={(event) => onChange({ ...value, fr: event.currentTarget.value })}
        lang="fr"
        {...extra}
      />
    </SimpleGrid>
  );
}
