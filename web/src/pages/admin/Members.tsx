// Members and roles: who belongs to the organisation, with which role; invite by e-mail (the invitation link is
// shown once), withdraw pending invitations, change a role, remove.
import { Alert, Badge, Button, Code, CopyButton, Group, Modal, NativeSelect, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError, Loading, PageHeader, usePageTitle } from '../../components/Page.js';
import { allowed, grantableRoles, useMembership, type Invitation, type Invited, type Member, type Role } from '../../lib/admin.js';
import { api, isApiError, orgPath } from '../../lib/api.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt } from '../../lib/problems.js';
import { useFormat, useOrgId } from '../../lib/queries.js';

export default function Members() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const client = useQueryClient();
  const { me, membership } = useMembership(org);
  const key = ['org', org, 'members'];
  const members = useQuery({ queryKey: key, queryFn: () => api<{ items: Member[]; abilities: Record<string, boolean> }>(orgPath(org, '/members')) });
  const [removing, setRemoving] = useState<Member | null>(null);
  const [changed, setChanged] = useState<string | null>(null);
  usePageTitle(t('admin.members.title'));
  const grantable = grantableRoles(membership?.abilities.members?.update);
  const change = useMutation({
    mutationFn: ({ member, role }: { member: Member; role: Role }) => api<Member>(orgPath(org, `/members/${member.userId}`), { method: 'PUT', body: { role } }),
    onSuccess: async (member) => {
      setChanged(t('admin.members.roleChanged', { name: member.displayName, role: t(`roles.${member.role}`) }));
      await client.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({
    mutationFn: (member: Member) => api<void>(orgPath(org, `/members/${member.userId}`), { method: 'DELETE' }),
    onSuccess: async () => {
      setRemoving(null);
      await client.invalidateQueries({ queryKey: key });
    },
  });

  if (members.isError) return <LoadError error={members.error} />;
  if (!members.data) return <Loading />;

  return (
    <Stack gap="md">
      <PageHeader title={t('admin.members.title')} description={t('admin.members.description')} />
      {members.data.abilities.create ? (
        <InviteMember
          org={org}
          roles={grantableRoles(membership?.abilities.members?.create)}
          onInvited={() => client.invalidateQueries({ queryKey: ['org', org, 'invitations'] })}
        />
      ) : null}
      {allowed(membership?.abilities.invitations?.read) ? <PendingInvitations org={org} /> : null}
      {change.error ? (
        <Alert color="red" role="alert">
          {errorSentence(change.error, t)}
        </Alert>
      ) : null}
      <Text size="sm" aria-live="polite" c="dimmed">
        {changed ?? ''}
      </Text>
      <Table.ScrollContainer minWidth={720}>
        <Table striped withTableBorder aria-label={t('admin.members.title')} data-testid="members">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.members.name')}</Table.Th>
              <Table.Th>{t('auth.email')}</Table.Th>
              <Table.Th w={220}>{t('admin.role')}</Table.Th>
              <Table.Th>{t('admin.members.mfa')}</Table.Th>
              <Table.Th>{t('admin.members.since')}</Table.Th>
              <Table.Th>{t('common.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.data.items.map((member) => {
              const roles = member.role === 'owner' && !grantable.includes('owner') ? [] : grantable;
              return (
                <Table.Tr key={member.userId}>
                  <Table.Td>
                    {member.displayName}
                    {me?.user.id === member.userId ? (
                      <Badge ml="xs" size="sm" variant="light">
                        {t('admin.members.you')}
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{member.email}</Table.Td>
                  <Table.Td>
                    {member.abilities.update && roles.length > 0 ? (
                      <NativeSelect
                        size="xs"
                        aria-label={t('admin.members.roleOf', { name: member.displayName })}
                        value={member.role}
                        disabled={change.isPending}
                        data={roles.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
                        onChange={(event) => change.mutate({ member, role: event.currentTarget.value as Role })}
                      />
                    ) : (
                      t(`roles.${member.role}`)
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={member.mfaEnabled ? 'green' : 'gray'}>
                      {member.mfaEnabled ? t('admin.members.mfaOn') : t('admin.members.mfaOff')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{format.date(member.createdAt)}</Table.Td>
                  <Table.Td>
                    {member.abilities.delete && me?.user.id !== member.userId ? (
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        onClick={() => setRemoving(member)}
                        aria-label={t('admin.members.removeNamed', { name: member.displayName })}
                      >
                        {t('admin.members.remove')}
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Modal
        opened={removing !== null}
        onClose={() => (remove.reset(), setRemoving(null))}
        title={t('admin.members.removeTitle', { name: removing?.displayName ?? '' })}
      >
        <Stack>
          <Text size="sm">{t('admin.members.removeText', { name: removing?.displayName ?? '' })}</Text>
          {remove.error ? (
            <Alert color="red" role="alert">
              {errorSentence(remove.error, t)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => (remove.reset(), setRemoving(null))}>
              {t('common.cancel')}
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => removing && remove.mutate(removing)}>
              {t('admin.members.remove')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function InviteMember({ org, roles, onInvited }: { org: string; roles: Role[]; onInvited: () => unknown }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('employee');
  const invite = useMutation({
    mutationFn: () =>
      api<Invited>(orgPath(org, '/members'), {
        method: 'POST',
        body: { email: email.trim(), role, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) },
      }),
    onSuccess: async () => {
      setEmail('');
      setDisplayName('');
      await onInvited();
    },
  });
  const problems = isApiError(invite.error) ? groupByField(invite.error.details) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate();
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="invite-member-title">
      <form onSubmit={submit} noValidate>
        <Title order={2} size="h4" id="invite-member-title" mb="xs">
          {t('admin.members.inviteTitle')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('admin.members.inviteText')}
        </Text>
        <Group align="flex-start" wrap="wrap">
          <TextInput
            label={t('auth.email')}
            type="email"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(problems, 'email'), t)}
            w={280}
          />
          <TextInput
            label={t('admin.members.displayName')}
            value={displayName}
            onChange={(event) => setDisplayName(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(problems, 'displayName'), t)}
            w={220}
          />
          <NativeSelect
            label={t('admin.role')}
            value={role}
            onChange={(event) => setRole(event.currentTarget.value as Role)}
            data={roles.map((item) => ({ value: item, label: t(`roles.${item}`) }))}
            w={220}
            error={fieldErrorText(problemsAt(problems, 'role'), t)}
          />
          <Button type="submit" mt={25} loading={invite.isPending}>
            {t('admin.members.invite')}
          </Button>
        </Group>
        {invite.error && !problems?.size ? (
          <Alert color="red" role="alert" mt="sm">
            {errorSentence(invite.error, t)}
          </Alert>
        ) : null}
        {invite.data ? (
          <Alert color="green" mt="sm" role="status" title={t('admin.members.invited', { email: invite.data.invitation.email })}>
            <Text size="sm">{t('admin.members.linkText', { date: format.date(invite.data.invitation.expiresAt) })}</Text>
            <Group mt="xs" wrap="nowrap" align="center">
              <Code block style={{ flex: 1, overflowWrap: 'anywhere' }} data-testid="invitation-link">
                {invite.data.link}
              </Code>
              <CopyButton value={invite.data.link}>
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

/** Invitations waiting for their person: who, which role, until when; withdrawing one stops its link at once. */
function PendingInvitations({ org }: { org: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const key = ['org', org, 'invitations'];
  const invitations = useQuery({ queryKey: key, queryFn: () => api<{ items: Invitation[] }>(orgPath(org, '/invitations')) });
  const revoke = useMutation({
    mutationFn: (invitation: Invitation) => api<void>(orgPath(org, `/invitations/${invitation.id}`), { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
  if (invitations.isError) return <LoadError error={invitations.error} />;
  if (!invitations.data || invitations.data.items.length === 0) return null;
  return (
    <Stack gap="xs" component="section" aria-labelledby="invitations-title">
      <Title order={2} size="h4" id="invitations-title">
        {t('admin.members.pendingTitle')}
      </Title>
      {revoke.error ? (
        <Alert color="red" role="alert">
          {errorSentence(revoke.error, t)}
        </Alert>
      ) : null}
      <Table.ScrollContainer minWidth={720}>
        <Table striped withTableBorder aria-labelledby="invitations-title" data-testid="invitations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('auth.email')}</Table.Th>
              <Table.Th>{t('admin.role')}</Table.Th>
              <Table.Th>{t('admin.members.invitedBy')}</Table.Th>
              <Table.Th>{t('admin.members.expires')}</Table.Th>
              <Table.Th>{t('common.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {invitations.data.items.map((invitation) => (
              <Table.Tr key={invitation.id}>
                <Table.Td>
                  {invitation.email}
                  {invitation.displayName ? (
                    <Text span size="sm" c="dimmed">
                      {' '}
                      ({invitation.displayName})
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>{t(`roles.${invitation.role}`)}</Table.Td>
                <Table.Td>{invitation.invitedBy?.email ?? ''}</Table.Td>
                <Table.Td>
                  {invitation.status === 'expired' ? (
                    <Badge size="sm" color="gray" variant="light">
                      {t('admin.members.expired')}
                    </Badge>
                  ) : (
                    format.date(invitation.expiresAt)
                  )}
                </Table.Td>
                <Table.Td>
                  {invitation.abilities.delete ? (
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      color="red"
                      loading={revoke.isPending && revoke.variables?.id === invitation.id}
                      onClick={() => revoke.mutate(invitation)}
                      aria-label={t('admin.members.withdrawNamed', { email: invitation.email })}
                    >
                      {t('admin.members.withdraw')}
                    </Button>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
