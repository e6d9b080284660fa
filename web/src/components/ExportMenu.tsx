// One "Export" button for a result: CSV with the separator of the reader's language first (the other one offered too,
// for spreadsheet software set up otherwise), or XLSX. Plain links: the browser downloads with the session cookie.
import { Button, Menu } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { defaultSeparator, exportHref, type Separator } from '../lib/exports.js';
import { useLanguage } from '../lib/queries.js';

export function ExportMenu({ path, label, testId }: { path: string; label?: string; testId?: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const first = defaultSeparator(language);
  const separators: Separator[] = first === 'semicolon' ? ['semicolon', 'comma'] : ['comma', 'semicolon'];
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button variant="default" size="xs" data-testid={testId}>
          {label ?? t('export.button')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {separators.map((separator) => (
          <Menu.Item key={separator} component="a" href={exportHref(path, language, 'csv', separator)} download>
            {t(`export.csv.${separator}`)}
          </Menu.Item>
        ))}
        <Menu.Item component="a" href={exportHref(path, language, 'xlsx')} download>
          {t('export.xlsx')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
