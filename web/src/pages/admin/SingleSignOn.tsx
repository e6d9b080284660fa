// Single sign-on for the organisation: the server's OpenID Connect provider as the deployment set it (issuer, client
// id; the secret never leaves the server), and who joins by it: e-mail domains, and roles mapped from a claim.
import { ActionIcon, Alert, Button, Code, Group, NativeSelect, Paper, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SingleSignOnSettings } from '@shared/model/account.js';
import type { AuthOptions } from '@shared/model/contract/access.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../../components/Page.js';
import { FormRefusal } from '../../components/Problems.js';
import { allows, type WithAbilities } from '../../lib/abilities.js';
import { ROLES, type Role } from '../../lib/admin.js';
import { api, isApiError, orgPath } from '../../lib/api.js';
import { fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../../lib/problems.js';
import { useOrgId } from '../../lib/queries.js';

type SecurityView = { mfaRequiredRoles: Role[]; singleSignOn: SingleSignOnSettings } & WithAbilities;

interface Draft {
  domains: string;
  roleClaim: string;
  mappings: Array<{ value: string; role: Role }>;
  defaultRole: Role;
}

function draftOf(settings: SingleSignOnSettings): Draft {
  return {
    domains: settings.emailDomains.join('\n'),
    roleClaim: settings.roleClaim ?? '',
    mappings: Object.entries(settings.roleMap).map(([value, role]) => ({ value, role })),
    defaultRole: settings.defaultRole,
  };
}

function settingsOf(draft: Draft): SingleSignOnSettings {
  return {
    emailDomains: draft.domains
      .split(/[\n,]/)
      .map((domain) => domain.trim())
      .filter(Boolean),
    roleClaim: draft.roleClaim.trim() || null,
    roleMap: Object.fromEntries(draft.mappings.filter((mapping) => mapping.value.trim()).map((mapping) => [mapping.value.trim(), mapping.role])),
    defaultRole: draft.defaultRole,
  };
}

const FIELDS = ['singleSignOn.emailDomains', 'singleSignOn.roleClaim', 'singleSignOn.roleMap', 'singleSignOn.defaultRole'];

export default function SingleSignOn() {
  const { t } = useTranslation();
  const org = useOrgId();
  const client = useQueryClient();
  const key = ['org', org, 'security'];
  const security = useQuery({ queryKey: key, queryFn: () => api<SecurityView>(orgPath(org, '/security')) });
  const options = useQuery({ queryKey: ['auth-options'], queryFn: () => api<AuthOptions>('/api/auth/options'), staleTime: Infinity });
  const [draft, setDraft] = useState<Draft | null>(null);
  usePageTitle(t('admin.sso.title'));
  useEffect(() => {
    if (security.data) setDraft(draftOf(security.data.singleSignOn));
  }, [security.data]);
  const save = useMutation({
    // The MFA policy travels along as it is: this page changes single sign-on only.
    mutationFn: (settings: SingleSignOnSettings) =>
      api<SecurityView>(orgPath(org, '/security'), { method: 'PUT', body: { mfaRequiredRoles: security.data!.mfaRequiredRoles, singleSignOn: settings } }),
    onSuccess: (result) => client.setQueryData(key, result),
  });
  if (security.isError) return <LoadError error={security.error} />;
  if (!security.data || !draft) return <Loading />;
  const editable = allows(security.data, 'update');
  const problems = isApiError(save.error) ? groupByField(save.error.details) : undefined;
  const at = (field: string, nested = false) => fieldErrorText(problemsAt(problems, `singleSignOn.${field}`, nested), t);
  const rest = unclaimedProblems(problems, FIELDS);
  const set = <K extends keyof Draft>(field: K, value: Draft[K]) => setDraft((current) => current && { ...current, [field]: value });
  const dirty = JSON.stringify(settingsOf(draft)) !== JSON.stringify(settingsOf(draftOf(security.data.singleSignOn)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(settingsOf(draft));
  };
  const roleOptions = ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }));
  const oidc = options.data?.oidc;
  return (
    <Stack gap="md">
      <PageHeader title={t('admin.sso.title')} description={t('admin.sso.description')} />
      <Paper withBorder p="md" maw={760} component="section" aria-labelledby="sso-provider-title">
        <Title order={2} size="h4" id="sso-provider-title" mb="xs">
          {t('admin.sso.provider')}
        </Title>
        {oidc ? (
          <Stack gap="xs">
            <Text size="sm">{t('admin.sso.providerText', { name: oidc.name })}</Text>
            <TextInput label={t('admin.sso.issuer')} value={oidc.issuer} readOnly />
            <TextInput label={t('admin.sso.clientId')} value={oidc.clientId} readOnly />
            {/* Write-only by design: the secret is read from the server's configuration and never sent back. */}
            <TextInput
              label={t('admin.sso.clientSecret')}
              value=""
              placeholder={t('admin.sso.secretHidden')}
              description={t('admin.sso.secretHelp')}
              readOnly
              data-testid="sso-secret"
            />
            <Text size="sm">
              {t('admin.sso.redirect')} <Code>{`${window.location.origin}/api/auth/oidc/callback`}</Code>
            </Text>
          </Stack>
        ) : options.isPending ? null : (
          <Alert color="yellow" role="status">
            {t('admin.sso.noProvider')}
          </Alert>
        )}
      </Paper>
      <Paper withBorder p="md" maw={760} component="section" aria-labelledby="sso-membership-title">
        <form noValidate onSubmit={submit}>
          <Stack gap="sm">
            <Title order={2} size="h4" id="sso-membership-title">
              {t('admin.sso.membership')}
            </Title>
            {!editable ? (
              <Text size="sm" c="dimmed">
                {t('admin.readOnly')}
              </Text>
            ) : null}
            <Textarea
              label={t('admin.sso.domains')}
              description={t('admin.sso.domainsHelp')}
              autosize
              minRows={2}
              value={draft.domains}
              onChange={(event) => set('domains', event.currentTarget.value)}
              readOnly={!editable}
              error={at('emailDomains', true)}
            />
            <TextInput
              label={t('admin.sso.roleClaim')}
              description={t('admin.sso.roleClaimHelp')}
              placeholder="groups"
              value={draft.roleClaim}
              onChange={(event) => set('roleClaim', event.currentTarget.value)}
              readOnly={!editable}
              error={at('roleClaim')}
            />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="sso-mapping-title">
                {t('admin.sso.mapping')}
              </Text>
              <Text size="xs" c="dimmed">
                {t('admin.sso.mappingHelp')}
              </Text>
              {draft.mappings.length > 0 ? (
                <Table aria-labelledby="sso-mapping-title" withTableBorder>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('admin.sso.claimValue')}</Table.Th>
                      <Table.Th>{t('admin.role')}</Table.Th>
                      {editable ? <Table.Th>{t('common.actions')}</Table.Th> : null}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {draft.mappings.map((mapping, index) => (
                      <Table.Tr key={index}>
                        <Table.Td>
                          <TextInput
                            aria-label={t('admin.sso.claimValueOf', { n: index + 1 })}
                            value={mapping.value}
                            readOnly={!editable}
                            onChange={(event) => {
                              const value = event.currentTarget.value;
                              set(
                                'mappings',
                                draft.mappings.map((item, i) => (i === index ? { ...item, value } : item)),
                              );
                            }}
                            error={at(`roleMap.${mapping.value.trim()}`)}
                          />
                        </Table.Td>
                        <Table.Td>
                          <NativeSelect
                            aria-label={t('admin.sso.roleOf', { n: index + 1 })}
                            value={mapping.role}
                            disabled={!editable}
                            data={roleOptions}
                            onChange={(event) => {
                              const role = event.currentTarget.value as Role;
                              set(
                                'mappings',
                                draft.mappings.map((item, i) => (i === index ? { ...item, role } : item)),
                              );
                            }}
                          />
                        </Table.Td>
                        {editable ? (
                          <Table.Td>
                            <ActionIcon
                              variant="subtle"
                              color="red"
                              aria-label={t('admin.sso.removeMapping', { n: index + 1 })}
                              onClick={() =>
                                set(
                                  'mappings',
                                  draft.mappings.filter((_, i) => i !== index),
                                )
                              }
                            >
                              ×
                            </ActionIcon>
                          </Table.Td>
                        ) : null}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              ) : null}
              {editable ? (
                <Group>
                  <Button variant="default" size="xs" onClick={() => set('mappings', [...draft.mappings, { value: '', role: 'employee' }])}>
                    {t('admin.sso.addMapping')}
                  </Button>
                </Group>
              ) : null}
            </Stack>
            <NativeSelect
              label={t('admin.sso.defaultRole')}
              description={t('admin.sso.defaultRoleHelp')}
              value={draft.defaultRole}
              disabled={!editable}
              data={roleOptions}
              onChange={(event) => set('defaultRole', event.currentTarget.value as Role)}
              error={at('defaultRole')}
            />
            <FormRefusal error={save.error} problems={problems} rest={rest} />
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
