// An address inside an organisation that matches no page.
import { Anchor, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePageTitle } from '../components/Page.js';
import { useOrgId } from '../lib/queries.js';

export default function NotFound() {
  const { t } = useTranslation();
  const org = useOrgId();
  usePageTitle(t('notFound.title'));
  return (
    <Stack>
      <Title order={1}>{t('notFound.title')}</Title>
      <Text>{t('notFound.text')}</Text>
      <Anchor component={Link} to={`/orgs/${encodeURIComponent(org)}`}>
        {t('notFound.dashboard')}
      </Anchor>
    </Stack>
  );
}
