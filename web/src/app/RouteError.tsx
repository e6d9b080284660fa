// Shown when a page fails to render or its chunk cannot be loaded (for example after an upgrade).
import { Alert, Button, Container, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router';

export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError() as Error | undefined;
  return (
    <Container size="sm" py="xl">
      <Stack>
        <Alert color="red" title={t('errors.pageTitle')} role="alert">
          {t('errors.pageText')}
          {error?.message ? <pre style={{ whiteSpace: 'pre-wrap' }}>{error.message}</pre> : null}
        </Alert>
        <Button onClick={() => window.location.reload()}>{t('errors.reload')}</Button>
      </Stack>
    </Container>
  );
}
