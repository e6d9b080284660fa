// The start page: goes to the remembered organisation (else the first), or offers to create one.
import { Alert, Anchor, Button, Center, Container, Group, Loader, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import { api, isApiError, type Organisation } from '../lib/api.js';
import { useCaller } from '../lib/auth.js';
import { fieldErrorText, groupByField, problemsAt } from '../lib/problems.js';
import { savedOrganisation } from '../lib/prefs.js';
import { keys, useOrganisations } from '../lib/queries.js';
import { LanguageSwitch } from './LanguageSwitch.js';

export function Home({ notFound = false }: { notFound?: boolean }) {
  const { t } = useTranslation();
  const saved = savedOrganisation();
  const orgs = useOrganisations();

  if (notFound)
    return (
      <Container size="sm" py="xl">
        <Title order={1}>{t('notFound.title')}</Title>
        <Text mt="md">{t('notFound.text')}</Text>
        <Anchor component={Link} to="/" mt="md" display="block">
          {t('notFound.home')}
        </Anchor>
      </Container>
    );
  // A remembered organisation opens at once; the shell says so if it no longer exists.
  if (saved && (orgs.isPending || orgs.data?.items.some((org) => org.id === saved))) return <Navigate to={`/orgs/${encodeURIComponent(saved)}`} replace />;
  if (orgs.isPending)
    return (
      <Center h="100vh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  if (orgs.isError)
    return (
      <Container size="sm" py="xl">
        <Alert color="red" title={t('errors.loadTitle')}>
          {t('errors.server')}
        </Alert>
      </Container>
    );
  const items = orgs.data.items;
  const target = items.find((org) => org.id === saved) ?? items[0];
  if (target) return <Navigate to={`/orgs/${encodeURIComponent(target.id)}`} replace />;
  return <FirstOrganisation />;
}

/** No organisation yet (started with --no-demo): create one, then import its model. */
function FirstOrganisation() {
  const { t } = useTranslation();
  const caller = useCaller();
  // Who may create organisations is the server's decision (GET /api/auth/me): others wait for an invitation.
  const cannotCreate = Boolean(caller.data && caller.data !== 'open' && !caller.data.canCreateOrganisations);
  const client = useQueryClient();
  const navigate = useNavigate();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => api<Organisation>('/api/orgs', { method: 'POST', body: { id, name } }),
    onSuccess: async (org) => {
      await client.invalidateQueries({ queryKey: keys.orgs });
      navigate(`/orgs/${encodeURIComponent(org.id)}/exchange`);
    },
  });
  const problems = isApiError(create.error) ? groupByField(create.error.details) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Container size="sm" py="xl" component="main">
      <Stack>
        <Group justify="space-between">
          <Text fw={800} fz="lg" c="blue.9">
            Rempart
          </Text>
          <LanguageSwitch />
        </Group>
        <Title order={1}>{cannotCreate ? t('abilities.noOrganisationTitle') : t('home.noOrganisationTitle')}</Title>
        {cannotCreate ? (
          <Text data-testid="cannot-create-organisation">{t('abilities.noOrganisation')}</Text>
        ) : caller.isPending ? (
          <Loader aria-label={t('common.loading')} />
        ) : (
          <>
            <Text>{t('home.noOrganisationText')}</Text>
            <form onSubmit={submit} noValidate>
              <Stack>
                <TextInput
                  label={t('fields.id')}
                  description={t('fields.idHelp')}
                  value={id}
                  onChange={(event) => setId(event.currentTarget.value)}
                  error={fieldErrorText(problemsAt(problems, 'id'), t)}
                  required
                />
                <TextInput
                  label={t('fields.name')}
                  value={name}
                  onChange={(event) => setName(event.currentTarget.value)}
                  error={fieldErrorText(problemsAt(problems, 'name'), t)}
                  required
                />
                {create.error && !problems?.size ? <Alert color="red">{create.error.message}</Alert> : null}
                <Button type="submit" loading={create.isPending}>
                  {t('home.create')}
                </Button>
              </Stack>
            </form>
          </>
        )}
      </Stack>
    </Container>
  );
}
