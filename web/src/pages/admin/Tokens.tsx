// API tokens: for automation; created with a role and a lifetime, the secret shown once, revoked at any time.
import { Alert, Badge, Button, Code, CopyButton, Group, Modal, NativeSelect, NumberInput, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError, Loading, PageHeader, usePageTitle } from '../../components/Page.js';
import { allows } from '../../lib/abilities.js';
import { ROLES, useMembership, type ApiToken, type Role } from '../../lib/admin.js';
import { api, isApiError, orgPath } from '../../lib/api.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt } from '../../lib/problems.js';
import { useFormat, useOrgId } from '../../lib/queries.js';

const STATUS_COLOURS = { active: 'green', expired: 'gray', revoked: 'red' } as const;

export default function Tokens() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const client = useQueryClient();
  const key = ['org', org, 'tokens'];
  const tokens = useQuery({ queryKey: key, queryFn: () => api<{ items: ApiToken[]; abilities: Record<string, boolean> }>(orgPath(org, '/tokens')) });
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  usePageTitle(t('admin.tokens.title'));
  const revoke = useMutation({
    mutationFn: (token: ApiToken) => api<void>(orgPath(org, `/tokens/${token.id}`), { method: 'DELETE' }),
    onSuccess: async () => {
      setRevoking(null);
      await client.invalidateQueries({ queryKey: key });
    },
  });
  if (tokens.isError) return <LoadError error={tokens.error} />;
  if (!tokens.data) return <Loading />;
  const close = () => {
    revoke.reset();
    setRevoking(null);
  };
  return (
    <Stack gap="md">
      <PageHeader title={t('admin.tokens.title')} description={t('admin.tokens.description')} />
      {allows(tokens.data, 'create') ? <CreateToken org={org} onCreated={() => client.invalidateQueries({ queryKey: key })} /> : null}
      {tokens.data.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('admin.tokens.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table striped withTableBorder aria-label={t('admin.tokens.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.tokens.name')}</Table.Th>
                <Table.Th>{t('admin.role')}</Table.Th>
                <Table.Th>{t('admin.tokens.createdBy')}</Table.Th>
                <Table.Th>{t('admin.tokens.expires')}</Table.Th>
                <Table.Th>{t('admin.tokens.lastUsed')}</Table.Th>
                <Table.Th>{t('admin.tokens.status')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.data.items.map((token) => (
                <Table.Tr key={token.id}>
                  <Table.Td>{token.name}</Table.Td>
                  <Table.Td>{t(`roles.${token.role}`)}</Table.Td>
                  <Table.Td>{token.createdBy.email}</Table.Td>
                  <Table.Td>{format.date(token.expiresAt)}</Table.Td>
                  <Table.Td>{token.lastUsedAt ? format.dateTime(token.lastUsedAt) : t('admin.tokens.never')}</Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={STATUS_COLOURS[token.status]}>
                      {t(`admin.tokens.statuses.${token.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {token.status === 'active' && allows(token, 'delete') ? (
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        onClick={() => setRevoking(token)}
                        aria-label={t('admin.tokens.revokeNamed', { name: token.name })}
                      >
                        {t('admin.tokens.revoke')}
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={revoking !== null} onClose={close} title={t('admin.tokens.revokeTitle', { name: revoking?.name ?? '' })}>
        <Stack>
          <Text size="sm">{t('admin.tokens.revokeText')}</Text>
          {revoke.error ? (
            <Alert color="red" role="alert">
              {errorSentence(revoke.error, t)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button color="red" loading={revoke.isPending} onClick={() => revoking && revoke.mutate(revoking)}>
              {t('admin.tokens.revoke')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function CreateToken({ org, onCreated }: { org: string; onCreated: () => unknown }) {
  const { t } = useTranslation();
  const { membership } = useMembership(org);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('auditor');
  const [days, setDays] = useState<number | string>(90);
  const create = useMutation({
    mutationFn: () =>
      api<ApiToken & { token: string }>(orgPath(org, '/tokens'), { method: 'POST', body: { name: name.trim(), role, expiresInDays: Number(days) } }),
    onSuccess: async () => {
      setName('');
      await onCreated();
    },
  });
  const problems = isApiError(create.error) ? groupByField(create.error.details) : undefined;
  // A token never does more than its creator: the server refuses a wider role and says so at the field.
  const roles = membership?.role === 'owner' ? ROLES : ROLES.filter((item) => item !== 'owner');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="create-token-title">
      <form onSubmit={submit} noValidate>
        <Title order={2} size="h4" id="create-token-title" mb="sm">
          {t('admin.tokens.createTitle')}
        </Title>
        <Group align="flex-start" wrap="wrap">
          <TextInput
            label={t('admin.tokens.name')}
            required
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(problems, 'name'), t)}
            w={260}
          />
          <NativeSelect
            label={t('admin.role')}
            value={role}
            onChange={(event) => setRole(event.currentTarget.value as Role)}
            data={roles.map((item) => ({ value: item, label: t(`roles.${item}`) }))}
            w={220}
            error={fieldErrorText(problemsAt(problems, 'role'), t)}
          />
          <NumberInput
            label={t('admin.tokens.days')}
            min={1}
            max={366}
            // Never clamp silently: 400 days is refused by the server with its limit, shown at the field.
            clampBehavior="none"
            allowDecimal={false}
            value={days}
            onChange={setDays}
            w={160}
            error={fieldErrorText(problemsAt(problems, 'expiresInDays'), t)}
          />
          <Button type="submit" mt={25} loading={create.isPending}>
            {t('admin.tokens.create')}
          </Button>
        </Group>
        {create.error && !problems?.size ? (
          <Alert color="red" role="alert" mt="sm">
            {errorSentence(create.error, t)}
          </Alert>
        ) : null}
        {create.data ? (
          <Alert color="green" mt="sm" role="status" title={t('admin.tokens.created', { name: create.data.name })}>
            <Text size="sm">{t('admin.tokens.secretText')}</Text>
            <Group mt="xs" wrap="nowrap" align="center">
              <Code block style={{ flex: 1, overflowWrap: 'anywhere' }} data-testid="token-secret">
                {create.data.token}
              </Code>
              <CopyButton value={create.data.token}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="default" onClick={copy}>
                    {copied ? t('admin.copied') : t('admin.copy')}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </Alert>
        ) : null}
      </form>
    </Paper>
  );
}
