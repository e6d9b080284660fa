// Page frame pieces: the heading row with its actions, the document title, loading and error states.
import { Alert, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../lib/api.js';

/** Sets the browser tab title ("Activities · Rempart"). */
export function usePageTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Rempart` : 'Rempart';
  }, [title]);
}

export function PageHeader({ title, description, actions, badge }: { title: ReactNode; description?: ReactNode; actions?: ReactNode; badge?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" mb="md" wrap="nowrap">
      <Stack gap={4} style={{ minWidth: 0 }}>
        <Group gap="sm" wrap="nowrap">
          <Title order={1} size="h2" style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
            {title}
          </Title>
          {badge ? <div style={{ flexShrink: 0 }}>{badge}</div> : null}
        </Group>
        {description ? (
          <Text c="dimmed" size="sm" maw={820}>
            {description}
          </Text>
        ) : null}
      </Stack>
      {actions ? (
        <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
          {actions}
        </Group>
      ) : null}
    </Group>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <Center py="xl">
      <Loader aria-label={t('common.loading')} />
    </Center>
  );
}

/** A failed read: not found, or the server could not answer. */
export function LoadError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const notFound = isApiError(error) && error.status === 404;
  return (
    <Alert color="red" title={notFound ? t('errors.notFoundTitle') : t('errors.loadTitle')} role="alert">
      {notFound ? t('errors.notFoundText') : isApiError(error) && error.code !== 'network' ? error.message : t('errors.server')}
    </Alert>
  );
}
