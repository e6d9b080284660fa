// The MFA policy: the roles whose members must sign in with a second factor.
import { Alert, Button, Checkbox, Group, Paper, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError, Loading, PageHeader, usePageTitle } from '../../components/Page.js';
import { allows } from '../../lib/abilities.js';
import { ROLES, type Role } from '../../lib/admin.js';
import { api, orgPath } from '../../lib/api.js';
import { meKey } from '../../lib/auth.js';
import { errorSentence } from '../../lib/problems.js';
import { useOrgId } from '../../lib/queries.js';

interface SecurityView {
  mfaRequiredRoles: Role[];
  abilities: Record<string, boolean>;
}

export default function Security() {
  const { t } = useTranslation();
  const org = useOrgId();
  const client = useQueryClient();
  const key = ['org', org, 'security'];
  const security = useQuery({ queryKey: key, queryFn: () => api<SecurityView>(orgPath(org, '/security')) });
  const [roles, setRoles] = useState<string[]>([]);
  usePageTitle(t('admin.security.title'));
  useEffect(() => {
    if (security.data) setRoles(security.data.mfaRequiredRoles);
  }, [security.data]);
  const save = useMutation({
    mutationFn: () => api<SecurityView>(orgPath(org, '/security'), { method: 'PUT', body: { mfaRequiredRoles: roles } }),
    onSuccess: async (result) => {
      client.setQueryData(key, result);
      await client.invalidateQueries({ queryKey: meKey });
    },
  });
  if (security.isError) return <LoadError error={security.error} />;
  if (!security.data) return <Loading />;
  const editable = allows(security.data, 'update');
  const dirty = [...roles].sort().join() !== [...security.data.mfaRequiredRoles].sort().join();
  return (
    <Stack gap="md">
      <PageHeader title={t('admin.security.title')} description={t('admin.security.description')} />
      <Paper withBorder p="md" maw={640}>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <Stack gap="sm">
            <Checkbox.Group label={t('admin.security.roles')} description={t('admin.security.rolesHelp')} value={roles} onChange={setRoles}>
              <Stack gap={6} mt="xs">
                {ROLES.map((role) => (
                  <Checkbox key={role} value={role} label={t(`roles.${role}`)} disabled={!editable} />
                ))}
              </Stack>
            </Checkbox.Group>
            {save.error ? (
              <Alert color="red" role="alert">
                {errorSentence(save.error, t)}
              </Alert>
            ) : null}
            {save.isSuccess && !dirty ? (
              <Text size="sm" c="green.9" role="status">
                {t('admin.saved')}
              </Text>
            ) : null}
            {editable ? (
              <Group>
                <Button type="submit" loading={save.isPending} disabled={!dirty}>
                  {t('common.save')}
                </Button>
              </Group>
            ) : null}
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
