// My account: change the password, set up or turn off the second factor, end every session.
import { Alert, Button, Code, Group, Image, List, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Loading, PageHeader, usePageTitle } from '../../components/Page.js';
import { PasswordField } from '../../components/PasswordField.js';
import { useMembership } from '../../lib/admin.js';
import { api, isApiError, setCsrfToken } from '../../lib/api.js';
import { meKey, signedOut } from '../../lib/auth.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt } from '../../lib/problems.js';
import { useOrgId } from '../../lib/queries.js';

export default function Account() {
  const { t } = useTranslation();
  const org = useOrgId();
  const { me, pending } = useMembership(org);
  usePageTitle(t('admin.account.title'));
  if (pending) return <Loading />;
  if (!me) return <Alert color="gray">{t('admin.account.noAccounts')}</Alert>;
  return (
    <Stack gap="md">
      <PageHeader title={t('admin.account.title')} description={t('admin.account.description', { email: me.user.email })} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <ChangePassword />
        <SecondFactor enabled={me.user.mfaEnabled} />
      </SimpleGrid>
      <SignOutEverywhere />
    </Stack>
  );
}

function ChangePassword() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: () => api<{ csrfToken: string }>('/api/auth/password', { method: 'POST', body: { currentPassword: current, newPassword: password } }),
    onSuccess: async (result) => {
      setCsrfToken(result.csrfToken);
      setCurrent('');
      setPassword('');
      setAgain('');
      await client.invalidateQueries({ queryKey: meKey });
    },
  });
  const problems = isApiError(change.error) ? groupByField(change.error.details) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(password !== again);
    if (password === again) change.mutate();
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="password-title">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" id="password-title">
            {t('admin.account.passwordTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('admin.account.passwordText')}
          </Text>
          <PasswordField
            label={t('auth.currentPassword')}
            autoComplete="current-password"
            required
            value={current}
            onChange={(event) => setCurrent(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(problems, 'currentPassword'), t)}
          />
          <PasswordField
            label={t('auth.newPassword')}
            description={t('auth.newPasswordHelp')}
            autoComplete="new-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(problems, 'newPassword'), t)}
          />
          <PasswordField
            label={t('auth.newPasswordAgain')}
            autoComplete="new-password"
            required
            value={again}
            onChange={(event) => setAgain(event.currentTarget.value)}
            error={mismatch ? t('auth.mismatch') : undefined}
          />
          {change.error && !problems?.size ? (
            <Alert color="red" role="alert">
              {errorSentence(change.error, t)}
            </Alert>
          ) : null}
          {change.isSuccess ? (
            <Alert color="green" role="status">
              {t('admin.account.passwordChanged')}
            </Alert>
          ) : null}
          <Group>
            <Button type="submit" loading={change.isPending}>
              {t('admin.account.changePassword')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrCode: string;
}

function SecondFactor({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const enrol = useMutation({ mutationFn: () => api<Enrolment>('/api/auth/mfa/enrol', { method: 'POST' }) });
  const confirm = useMutation({
    mutationFn: () => api<{ recoveryCodes: string[] }>('/api/auth/mfa/confirm', { method: 'POST', body: { code: code.trim() } }),
    onSuccess: async (result) => {
      setRecovery(result.recoveryCodes);
      setCode('');
      enrol.reset();
      await client.invalidateQueries({ queryKey: meKey });
    },
  });
  const disable = useMutation({
    mutationFn: () => api<void>('/api/auth/mfa/disable', { method: 'POST', body: { password, code: code.trim() } }),
    onSuccess: async () => {
      setPassword('');
      setCode('');
      await client.invalidateQueries({ queryKey: meKey });
    },
  });
  const confirmProblems = isApiError(confirm.error) ? groupByField(confirm.error.details) : undefined;
  const disableProblems = isApiError(disable.error) ? groupByField(disable.error.details) : undefined;

  let body;
  if (recovery) {
    body = (
      <Alert color="green" role="status" title={t('admin.account.mfaOn')}>
        <Text size="sm">{t('admin.account.recoveryText')}</Text>
        <List size="sm" mt="xs" data-testid="recovery-codes" styles={{ item: { fontFamily: 'monospace' } }}>
          {recovery.map((item) => (
            <List.Item key={item}>{item}</List.Item>
          ))}
        </List>
        <Button mt="sm" size="xs" variant="default" onClick={() => setRecovery(null)}>
          {t('admin.account.recoveryDone')}
        </Button>
      </Alert>
    );
  } else if (enabled) {
    body = (
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          disable.mutate();
        }}
      >
        <Stack gap="sm">
          <Text size="sm">{t('admin.account.mfaEnabledText')}</Text>
          <PasswordField
            label={t('auth.password')}
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(disableProblems, 'password'), t)}
          />
          <TextInput
            label={t('auth.code')}
            autoComplete="one-time-code"
            inputMode="numeric"
            required
            value={code}
            onChange={(event) => setCode(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(disableProblems, 'code'), t)}
          />
          {disable.error && !disableProblems?.size ? (
            <Alert color="red" role="alert">
              {errorSentence(disable.error, t)}
            </Alert>
          ) : null}
          <Group>
            <Button type="submit" color="red" variant="light" loading={disable.isPending}>
              {t('admin.account.mfaDisable')}
            </Button>
          </Group>
        </Stack>
      </form>
    );
  } else if (enrol.data) {
    body = (
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          confirm.mutate();
        }}
      >
        <Stack gap="sm">
          <Text size="sm">{t('admin.account.scanText')}</Text>
          <Image src={enrol.data.qrCode} alt={t('admin.account.qrAlt')} w={200} h={200} fit="contain" />
          <Text size="sm">
            {t('admin.account.secretText')} <Code>{enrol.data.secret}</Code>
          </Text>
          <TextInput
            label={t('auth.code')}
            autoComplete="one-time-code"
            inputMode="numeric"
            required
            autoFocus
            value={code}
            onChange={(event) => setCode(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(confirmProblems, 'code'), t)}
          />
          {confirm.error && !confirmProblems?.size ? (
            <Alert color="red" role="alert">
              {errorSentence(confirm.error, t)}
            </Alert>
          ) : null}
          <Group>
            <Button type="submit" loading={confirm.isPending}>
              {t('admin.account.mfaConfirm')}
            </Button>
            <Button variant="default" onClick={() => enrol.reset()}>
              {t('common.cancel')}
            </Button>
          </Group>
        </Stack>
      </form>
    );
  } else {
    body = (
      <Stack gap="sm">
        <Text size="sm">{t('admin.account.mfaOffText')}</Text>
        {enrol.error ? (
          <Alert color="red" role="alert">
            {errorSentence(enrol.error, t)}
          </Alert>
        ) : null}
        <Group>
          <Button onClick={() => enrol.mutate()} loading={enrol.isPending}>
            {t('admin.account.mfaSetUp')}
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="mfa-title">
      <Title order={2} size="h4" id="mfa-title" mb="sm">
        {t('admin.account.mfaTitle')}
      </Title>
      {body}
    </Paper>
  );
}

function SignOutEverywhere() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const end = useMutation({
    mutationFn: () => api<{ sessionsEnded: number }>('/api/auth/sign-out-everywhere', { method: 'POST' }),
    onSuccess: () => {
      signedOut(client);
      navigate('/sign-in', { replace: true });
    },
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="everywhere-title">
      <Title order={2} size="h4" id="everywhere-title" mb="xs">
        {t('admin.account.everywhereTitle')}
      </Title>
      <Text size="sm" mb="sm">
        {t('admin.account.everywhereText')}
      </Text>
      {end.error ? (
        <Alert color="red" role="alert" mb="sm">
          {errorSentence(end.error, t)}
        </Alert>
      ) : null}
      <Button color="red" variant="light" onClick={() => end.mutate()} loading={end.isPending}>
        {t('admin.account.everywhere')}
      </Button>
    </Paper>
  );
}
