// English / French switch; the choice is saved in the browser.
import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { setLanguage } from '../i18n/index.js';
import type { Language } from '../lib/prefs.js';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('shell.language')}
      value={i18n.language === 'fr' ? 'fr' : 'en'}
      onChange={(value) => void setLanguage(value as Language)}
      data={[
        { value: 'en', label: <span lang="en">{t('languageNames.en')}</span> },
        { value: 'fr', label: <span lang="fr">{t('languageNames.fr')}</span> },
      ]}
    />
  );
}
