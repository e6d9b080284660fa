// Places kept in the navigation for the risk register and scenario simulation, which come in later issues.
import { Anchor, Badge, List, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageHeader, usePageTitle } from '../components/Page.js';
import { useOrgId } from '../lib/queries.js';

export default function ComingSoon({ feature }: { feature: 'risks' | 'scenarios' }) {
  const { t } = useTranslation();
  const org = useOrgId();
  usePageTitle(t(`soon.${feature}.title`));
  return (
    <Stack>
      <PageHeader
        title={t(`soon.${feature}.title`)}
        badge={
          <Badge color="gray" variant="light">
            {t('nav.soon')}
          </Badge>
        }
        description={t(`soon.${feature}.intro`)}
      />
      <Paper withBorder p="md">
        <Text fw={600} mb="xs">
          {t('soon.willDo')}
        </Text>
        <List size="sm" spacing={4}>
          {(t(`soon.${feature}.items`, { returnObjects: true }) as string[]).map((item) => (
            <List.Item key={item}>{item}</List.Item>
          ))}
        </List>
        <Text size="sm" mt="md">
          {t('soon.meanwhile')}{' '}
          <Anchor component={Link} to={`/orgs/${encodeURIComponent(org)}/findings`}>
            {t('soon.meanwhileLink')}
          </Anchor>
        </Text>
      </Paper>
    </Stack>
  );
}
