// Signing in: e-mail and password, then the second-factor code when the account has one; a new password when the
// current one was set by someone else. The session is an HttpOnly cookie; the CSRF token stays in memory.
import { Alert, Anchor, Button, Container, Divider, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AuthOptions } from '@shared/model/contract/access.js';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { LanguageSwitch } from '../app/LanguageSwitch.js';
import { usePageTitle } from '../components/Page.js';
import { PasswordField } from '../components/PasswordField.js';
import { api, isApiError, setCsrfToken } from '../lib/api.js';
import { fetchCaller, meKey, signedIn, useCaller, type Me, type SignInResult } from '../lib/auth.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt } from '../lib/problems.js';

/** Only addresses of this application are followed after sign-in. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/';
}

export default function SignIn() {
  const { t } = useTranslation();
  const caller = useCaller();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  // Back from single sign-on for the second factor: the session's CSRF token came in the fragment (never sent to a server).
  const [step, setStep] = useState<'password' | 'code'>(() => {
    const csrf = /^#csrf=([\w-]+)$/.exec(window.location.hash)?.[1];
    if (params.get('step') !== 'code' || !csrf) return 'password';
    setCsrfToken(csrf);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return 'code';
  });
  usePageTitle(t('auth.title'));
  const changing = params.get('step') === 'password' && caller.data && caller.data !== 'open' && caller.data.user.passwordChangeRequired;
  if (caller.data === 'open' || (caller.data && !changing && step === 'password')) return <Navigate to={next} replace />;
  return (
    <Container size={460} py={48} component="main" id="main">
      <Stack gap="md">
        <Group justify="space-between">
          <Text fw={800} fz="xl" c="blue.9">
            Rempart
          </Text>
          <LanguageSwitch />
        </Group>
        <Paper withBorder p="lg" shadow="sm">
          {changing ? (
            <NewPassword next={next} />
          ) : step === 'code' ? (
            <CodeStep next={next} onRestart={() => setStep('password')} />
          ) : (
            <PasswordStep next={next} onCode={() => setStep('code')} />
          )}
        </Paper>
        <Text size="xs" c="dimmed" ta="center">
          {t('auth.firstRun')}
        </Text>
      </Stack>
    </Container>
  );
}

function Refusal({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const retry = isApiError(error) ? error.retryAfter : undefined;
  return (
    <Alert color="red" role="alert">
      {errorSentence(error, t)}
      {retry ? ` ${t('auth.retryIn', { count: retry })}` : ''}
    </Alert>
  );
}

function PasswordStep({ next, onCode }: { next: string; onCode: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () => api<SignInResult>('/api/auth/sign-in', { method: 'POST', body: { email: email.trim(), password } }),
    onSuccess: (result) => {
      setCsrfToken(result.csrfToken);
      if (result.status === 'mfaRequired' || !result.me) return onCode();
      signedIn(client, result.me);
      navigate(next, { replace: true });
    },
  });
  const problems = isApiError(signIn.error) && signIn.error.code === 'invalid_input' ? groupByField(signIn.error.details) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="sign-in-title">
      <Stack>
        <Title order={1} size="h3" id="sign-in-title">
          {t('auth.title')}
        </Title>
        <TextInput
          label={t('auth.email')}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          error={fieldErrorText(problemsAt(problems, 'email'), t)}
          data-autofocus
          autoFocus
        />
        <PasswordField
          label={t('auth.password')}
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={fieldErrorText(problemsAt(problems, 'password'), t)}
        />
        {!problems?.size ? <Refusal error={signIn.error} /> : null}
        <Button type="submit" loading={signIn.isPending} fullWidth>
          {t('auth.signIn')}
        </Button>
        <SingleSignOn next={next} />
      </Stack>
    </form>
  );
}

const SSO_ERRORS = ['state', 'provider_refused', 'provider_unavailable', 'token', 'email_missing', 'email_unverified', 'domain'];

/** The provider's button when the server has one (it says so), and why the last single sign-on was refused. */
function SingleSignOn({ next }: { next: string }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const options = useQuery({ queryKey: ['auth-options'], queryFn: () => api<AuthOptions>('/api/auth/options'), staleTime: Infinity });
  const failed = params.get('sso_error');
  const oidc = options.data?.oidc;
  return (
    <>
      {failed ? (
        <Alert color="red" role="alert">
          {t(`auth.ssoError.${SSO_ERRORS.includes(failed) ? failed : 'other'}`)}
        </Alert>
      ) : null}
      {oidc ? (
        <>
          <Divider label={t('auth.or')} labelPosition="center" />
          <Button component="a" href={`${oidc.start}?returnTo=${encodeURIComponent(next)}`} variant="default" fullWidth>
            {t('auth.withProvider', { name: oidc.name })}
          </Button>
        </>
      ) : null}
    </>
  );
}

function CodeStep({ next, onRestart }: { next: string; onRestart: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [code, setCode] = useState('');
  const verify = useMutation({
    mutationFn: () => api<SignInResult>('/api/auth/mfa', { method: 'POST', body: { code: code.trim() } }),
    onSuccess: (result) => {
      if (!result.me) return;
      signedIn(client, result.me);
      navigate(next, { replace: true });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="code-title">
      <Stack>
        <Title order={1} size="h3" id="code-title">
          {t('auth.codeTitle')}
        </Title>
        <Text size="sm">{t('auth.codeText')}</Text>
        <TextInput
          label={t('auth.code')}
          description={t('auth.codeHelp')}
          autoComplete="one-time-code"
          inputMode="text"
          required
          value={code}
          onChange={(event) => setCode(event.currentTarget.value)}
          autoFocus
        />
        <Refusal error={verify.error} />
        <Button type="submit" loading={verify.isPending} fullWidth>
          {t('auth.verify')}
        </Button>
        <Anchor component="button" type="button" size="sm" onClick={onRestart}>
          {t('auth.restart')}
        </Anchor>
      </Stack>
    </form>
  );
}

function NewPassword({ next }: { next: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    mutationFn: () => api<{ csrfToken: string }>('/api/auth/password', { method: 'POST', body: { currentPassword: current, newPassword: password } }),
    onSuccess: async (result) => {
      setCsrfToken(result.csrfToken);
      const me = await client.fetchQuery({ queryKey: meKey, queryFn: fetchCaller, staleTime: 0 });
      if (me && me !== 'open') signedIn(client, me as Me);
      navigate(next, { replace: true });
    },
  });
  useEffect(() => setMismatch(false), [password, again]);
  const problems = isApiError(change.error) ? groupByField(change.error.details) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== again) return setMismatch(true);
    change.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="password-title">
      <Stack>
        <Title order={1} size="h3" id="password-title">
          {t('auth.newPasswordTitle')}
        </Title>
        <Text size="sm">{t('auth.newPasswordText')}</Text>
        <PasswordField
          label={t('auth.currentPassword')}
          autoComplete="current-password"
          required
          value={current}
          onChange={(event) => setCurrent(event.currentTarget.value)}
          error={fieldErrorText(problemsAt(problems, 'currentPassword'), t)}
          autoFocus
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
        {!problems?.size ? <Refusal error={change.error} /> : null}
        <Button type="submit" loading={change.isPending} fullWidth>
          {t('auth.savePassword')}
        </Button>
      </Stack>
    </form>
  );
}
