// Accepting an invitation: the secret comes after # in the link (browsers never send it to a server). A person
// without an account chooses a password here; one with an account signs in first, as the invited address.
import { Alert, Anchor, Button, Container, Group, Loader, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient, type UseMutationResult } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { LanguageSwitch } from '../app/LanguageSwitch.js';
import { usePageTitle } from '../components/Page.js';
import { PasswordField } from '../components/PasswordField.js';
import { api, isApiError, setCsrfToken } from '../lib/api.js';
import { fetchCaller, signedIn, signedOut } from '../lib/auth.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt } from '../lib/problems.js';
import { useFormat } from '../lib/queries.js';

/** Kept for the way back from the sign-in page, in this tab only: the secret never goes into an address. */
const STORED = 'rempart.invitation';

interface InvitationView {
  organisation: { id: string; name: string };
  email: string;
  role: string;
  expiresAt: string;
  status: 'pending' | 'expired' | 'accepted' | 'revoked';
  signedInAs: string | null;
}

interface Accepted {
  organisation: { id: string; name: string };
  role: string;
  email: string;
  accountCreated: boolean;
  csrfToken: string | null;
}

function currentToken(fromPath: string | undefined): string {
  const fromHash = typeof location !== 'undefined' ? decodeURIComponent(location.hash.replace(/^#/, '')) : '';
  const token = fromHash || fromPath || (typeof sessionStorage !== 'undefined' ? (sessionStorage.getItem(STORED) ?? '') : '');
  if (token && typeof sessionStorage !== 'undefined') sessionStorage.setItem(STORED, token);
  // Out of the address bar and the history: a reload finds it in this tab's storage.
  if (token && typeof history !== 'undefined' && location.pathname.startsWith('/invitation')) history.replaceState(history.state, '', '/invitation');
  return token;
}

export default function InvitationPage() {
  const { t } = useTranslation();
  const params = useParams();
  const [token] = useState(() => currentToken(params.token));
  usePageTitle(t('invitation.title'));
  const invitation = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => api<InvitationView>(`/api/invitations/${encodeURIComponent(token)}`),
    enabled: token !== '',
    retry: false,
  });
  return (
    <Container size={520} py={48} component="main" id="main">
      <Stack gap="md">
        <Group justify="space-between">
          <Text fw={800} fz="xl" c="blue.9">
            Rempart
          </Text>
          <LanguageSwitch />
        </Group>
        <Paper withBorder p="lg" shadow="sm">
          <Stack>
            <Title order={1} size="h3">
              {t('invitation.title')}
            </Title>
            {token === '' || invitation.isError ? (
              <Alert color="red" role="alert">
                {t('invitation.unknown')}
              </Alert>
            ) : !invitation.data ? (
              <Loader aria-label={t('common.loading')} />
            ) : invitation.data.status !== 'pending' ? (
              <Alert color="orange" role="alert">
                {t(`invitation.status.${invitation.data.status}`)}
              </Alert>
            ) : (
              <Pending token={token} invitation={invitation.data} />
            )}
          </Stack>
        </Paper>
      </Stack>
    </Container>
  );
}

function Pending({ token, invitation }: { token: string; invitation: InvitationView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const navigate = useNavigate();
  const accept = useMutation({
    mutationFn: (body: object) => api<Accepted>(`/api/invitations/${encodeURIComponent(token)}/accept`, { method: 'POST', body }),
    onSuccess: async (accepted) => {
      sessionStorage.removeItem(STORED);
      if (accepted.csrfToken) setCsrfToken(accepted.csrfToken);
      const me = await fetchCaller();
      if (me && me !== 'open') signedIn(client, me);
      navigate(`/orgs/${encodeURIComponent(accepted.organisation.id)}`, { replace: true });
    },
  });
  const signOut = useMutation({
    mutationFn: () => api<void>('/api/auth/sign-out', { method: 'POST' }),
    onSuccess: async () => {
      signedOut(client);
      await client.invalidateQueries({ queryKey: ['invitation', token] });
    },
  });
  const role = t(`roles.${invitation.role}`);
  return (
    <Stack>
      <Text>{t('invitation.offer', { org: invitation.organisation.name, role, email: invitation.email })}</Text>
      <Text size="sm" c="dimmed">
        {t('invitation.until', { date: format.date(invitation.expiresAt) })}
      </Text>
      {invitation.signedInAs === invitation.email ? (
        <>
          {accept.error ? <Refusal error={accept.error} /> : null}
          <Button onClick={() => accept.mutate({})} loading={accept.isPending}>
            {t('invitation.accept')}
          </Button>
        </>
      ) : invitation.signedInAs ? (
        <>
          <Alert color="orange" role="alert">
            {t('invitation.otherAccount', { me: invitation.signedInAs, email: invitation.email })}
          </Alert>
          <Button variant="default" onClick={() => signOut.mutate()} loading={signOut.isPending}>
            {t('auth.signOut')}
          </Button>
        </>
      ) : (
        <NewAccount email={invitation.email} accept={accept} />
      )}
    </Stack>
  );
}

function Refusal({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const rule = isApiError(error) ? error.details[0]?.rule : undefined;
  const known = rule && ['sign_in', 'other_account', 'expired', 'revoked', 'accepted', 'already_member'].includes(rule);
  return (
    <Alert color="red" role="alert">
      {known ? t(`invitation.refused.${rule}`) : errorSentence(error, t)}
      {rule === 'sign_in' ? (
        <>
          {' '}
          <Anchor component={Link} to="/sign-in?next=/invitation">
            {t('invitation.signIn')}
          </Anchor>
        </>
      ) : null}
    </Alert>
  );
}

function NewAccount({ email, accept }: { email: string; accept: UseMutationResult<Accepted, Error, object> }) {
  const { t } = useTranslation();
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const problems = isApiError(accept.error) && accept.error.code === 'invalid_input' ? groupByField(accept.error.details) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(password !== again);
    if (password !== again) return;
    accept.mutate({ password, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) });
  };
  return (
    <Stack>
      <Text size="sm">
        {t('invitation.haveAccount', { email })}{' '}
        <Anchor component={Link} to="/sign-in?next=/invitation">
          {t('invitation.signIn')}
        </Anchor>
      </Text>
      <form onSubmit={submit} noValidate aria-labelledby="new-account-title">
        <Stack>
          <Title order={2} size="h4" id="new-account-title">
            {t('invitation.newAccountTitle')}
          </Title>
          <TextInput label={t('auth.email')} value={email} readOnly autoComplete="username" />
          <TextInput
            label={t('invitation.displayName')}
            value={displayName}
            onChange={(event) => setDisplayName(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(problems, 'displayName'), t)}
          />
          <PasswordField
            label={t('auth.newPassword')}
            description={t('auth.newPasswordHelp')}
            autoComplete="new-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(problems, 'password'), t)}
          />
          <PasswordField
            label={t('auth.newPasswordAgain')}
            autoComplete="new-password"
            required
            value={again}
            onChange={(event) => setAgain(event.currentTarget.value)}
            error={mismatch ? t('auth.mismatch') : undefined}
          />
          {accept.error && !problems?.size ? <Refusal error={accept.error} /> : null}
          <Button type="submit" loading={accept.isPending}>
            {t('invitation.createAndAccept')}
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}
