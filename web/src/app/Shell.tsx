// The frame of every organisation page: header (organisation, language, who is signed in), navigation, and the page.
import {
  Alert,
  Anchor,
  AppShell,
  Badge,
  Burger,
  Button,
  Center,
  Container,
  Group,
  Loader,
  NativeSelect,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Suspense, useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { api, isApiError } from '../lib/api.js';
import { adminAbilities, allowed, useMembership } from '../lib/admin.js';
import { signedOut, useCaller } from '../lib/auth.js';
import { entityName } from '../lib/format.js';
import { saveOrganisation } from '../lib/prefs.js';
import { useFindings, useLanguage, useOrganisation, useOrganisations, useOrgId, useTotals } from '../lib/queries.js';
import { LanguageSwitch } from './LanguageSwitch.js';

interface NavItem {
  path: string;
  label: string;
  badge?: ReactNode;
}

export function Shell() {
  const { t } = useTranslation();
  const org = useOrgId();
  const language = useLanguage();
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const organisation = useOrganisation(org);
  const findings = useFindings(org);
  const base = `/orgs/${encodeURIComponent(org)}`;
  // The dashboard's figures are requested with the shell's own, not after the dashboard's chunk arrives.
  useTotals(org, pathname === base || pathname === `${base}/`);

  useEffect(() => {
    if (organisation.data) saveOrganisation(organisation.data.id);
  }, [organisation.data]);
  useEffect(close, [pathname, close]);

  const errors = findings.data?.counts.error ?? 0;
  // Asked once the page's first data is in (as the header does): the navigation shows only what the caller may use.
  const { me, membership } = useMembership(org, !organisation.isPending);
  const can = adminAbilities(membership);
  // Plans and incidents are listed for those who may read them (everyone on a server without accounts).
  const open = useCaller(!organisation.isPending).data === 'open';
  const crisisItems: NavItem[] = [
    ...(open || allowed(membership?.abilities.incidents?.read) ? [{ path: '/incidents', label: t('nav.incidents') }] : []),
    ...(open || allowed(membership?.abilities.followUpCases?.read) ? [{ path: '/follow-up', label: t('nav.followUp') }] : []),
    ...(open || allowed(membership?.abilities.plans?.read) ? [{ path: '/plans', label: t('nav.plans') }] : []),
    ...(open || allowed(membership?.abilities.exercises?.read) ? [{ path: '/exercises', label: t('nav.exercises') }] : []),
    ...(open || allowed(membership?.abilities.correctiveActions?.read) ? [{ path: '/corrective-actions', label: t('nav.correctiveActions') }] : []),
    ...(open || allowed(membership?.abilities.reports?.read) ? [{ path: '/reports', label: t('nav.reports') }] : []),
    // Everyone answers their own training there; the campaigns are shown to those who read them.
    ...(open || allowed(membership?.abilities.trainingAnswers?.read) || allowed(membership?.abilities.trainingCampaigns?.read)
      ? [{ path: '/training', label: t('nav.training') }]
      : []),
    ...(open || allowed(membership?.abilities.managementReviews?.read) ? [{ path: '/management-reviews', label: t('nav.managementReviews') }] : []),
    ...(open || allowed(membership?.abilities.clauses?.read) ? [{ path: '/clauses', label: t('nav.clauses') }] : []),
    ...(open || allowed(membership?.abilities.kb?.read) ? [{ path: '/kb', label: t('nav.kb') }] : []),
    ...(open || allowed(membership?.abilities.surveillance?.read) ? [{ path: '/surveillance', label: t('nav.surveillance') }] : []),
    ...(allowed(membership?.abilities.assistant?.create) ? [{ path: '/assistant', label: t('nav.assistant') }] : []),
    ...(open || allowed(membership?.abilities.flows?.read) ? [{ path: '/flows', label: t('nav.flows') }] : []),
  ];
  const adminItems: NavItem[] = me
    ? [
        ...(can.members ? [{ path: '/admin/members', label: t('nav.members') }] : []),
        { path: '/admin/account', label: t('nav.account') },
        ...(can.tokens ? [{ path: '/admin/tokens', label: t('nav.tokens') }] : []),
        ...(can.security ? [{ path: '/admin/security', label: t('nav.security') }] : []),
        // Single sign-on settings live with the security settings (the same API and abilities).
        ...(can.security ? [{ path: '/admin/single-sign-on', label: t('nav.singleSignOn') }] : []),
        ...(can.widget ? [{ path: '/admin/widget', label: t('nav.widget') }] : []),
        ...(can.organisation ? [{ path: '/admin/bia', label: t('nav.biaSettings') }] : []),
        ...(can.audit ? [{ path: '/admin/audit', label: t('nav.audit') }] : []),
      ]
    : [];
  const groups: Array<{ title: string; items: NavItem[] }> = [
    {
      title: t('nav.overview'),
      items: [
        { path: '', label: t('nav.dashboard') },
        {
          path: '/findings',
          label: t('nav.findings'),
          badge:
            errors > 0 ? (
              <Badge color="red" size="sm" aria-label={t('nav.errorCount', { count: errors })}>
                {errors}
              </Badge>
            ) : undefined,
        },
      ],
    },
    {
      title: t('nav.bia'),
      items: [
        { path: '/activities', label: t('nav.activities') },
        { path: '/graph', label: t('nav.graph') },
        ...(open || allowed(membership?.abilities.biaCampaigns?.read) ? [{ path: '/bia-campaigns', label: t('nav.biaCampaigns') }] : []),
      ],
    },
    {
      title: t('nav.risksGroup'),
      items: [
        { path: '/risks', label: t('nav.risks') },
        { path: '/risks/heatmap', label: t('nav.heatmap') },
        { path: '/risks/attention', label: t('nav.attention') },
        { path: '/risk-matrix', label: t('nav.matrix') },
      ],
    },
    {
      title: t('nav.scenariosGroup'),
      items: [{ path: '/scenarios', label: t('nav.scenarios') }],
    },
    ...(crisisItems.length ? [{ title: t('nav.crisisGroup'), items: crisisItems }] : []),
    {
      title: t('nav.organisation'),
      items: [
        ...(open || allowed(membership?.abilities.people?.read) ? [{ path: '/people', label: t('nav.people') }] : []),
        { path: '/sites', label: t('collections.sites.title') },
        { path: '/pools', label: t('collections.pools.title') },
        { path: '/applications', label: t('collections.applications.title') },
        { path: '/suppliers', label: t('collections.suppliers.title') },
        { path: '/strategies', label: t('collections.strategies.title') },
      ],
    },
    {
      title: t('nav.data'),
      items: [{ path: '/exchange', label: t('nav.exchange') }],
    },
    ...(can.members || can.audit || can.security ? [{ title: t('nav.admin'), items: adminItems }] : []),
  ];

  // The item whose path is the longest prefix of the address (the heat map, not the register, under /risks/heatmap).
  const matches = (path: string) => {
    const target = base + path;
    return path === '' ? pathname === target || pathname === `${target}/` : pathname === target || pathname.startsWith(`${target}/`);
  };
  const activePath = groups
    .flatMap((group) => group.items.map((item) => item.path))
    .filter(matches)
    .sort((a, b) => b.length - a.length)[0];
  const isActive = (path: string) => path === activePath;

  let content: ReactNode;
  // Some roles (follow-up volunteers, employees) may not read the organisation itself, only their part of it: their
  // pages still show, and say themselves what they cannot read.
  const forbidden = isApiError(organisation.error) && organisation.error.status === 403;
  if (organisation.isError && !forbidden) {
    content =
      isApiError(organisation.error) && organisation.error.status === 404 ? (
        <Container size="sm" py="xl">
          <Title order={1}>{t('shell.orgNotFoundTitle')}</Title>
          <Text mt="md">{t('shell.orgNotFoundText', { org })}</Text>
          <Anchor component={Link} to="/" mt="md" display="block">
            {t('shell.orgNotFoundLink')}
          </Anchor>
        </Container>
      ) : (
        <Alert color="red" title={t('errors.loadTitle')} role="alert">
          {t('errors.server')}
        </Alert>
      );
  } else {
    content = (
      <Suspense fallback={<PageLoader />}>
        <Outlet />
      </Suspense>
    );
  }

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a className="skip-link" href="#main">
        {t('shell.skip')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('shell.menu')} />
            <Anchor component={Link} to={base} fw={800} fz="lg" underline="never" c="blue.9" aria-label={t('shell.home')}>
              Rempart
            </Anchor>
            {organisation.data ? (
              <Text size="sm" c="dimmed" visibleFrom="md" truncate maw={260}>
                {entityName(organisation.data, language)}
              </Text>
            ) : null}
          </Group>
          <Group gap="sm" wrap="nowrap">
            <OrganisationSwitch current={org} />
            <LanguageSwitch />
            <Anchor href="/api/docs" size="sm" target="_blank" rel="noreferrer" visibleFrom="md">
              {t('shell.api')}
            </Anchor>
            <UserMenu ready={!organisation.isPending} org={org} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar component="nav" aria-label={t('shell.navigation')}>
        <ScrollArea p="xs">
          <Stack gap="sm">
            {groups.map((group) => (
              <div key={group.title}>
                <Text size="xs" fw={700} tt="uppercase" c="dimmed" px="sm" pb={4} component="h2">
                  {group.title}
                </Text>
                {group.items.map((item) => {
                  const active = isActive(item.path);
                  return (
                    <NavLink
                      key={item.path}
                      component={Link}
                      to={base + item.path}
                      label={item.label}
                      active={active}
                      aria-current={active ? 'page' : undefined}
                      rightSection={item.badge}
                    />
                  );
                })}
              </div>
            ))}
          </Stack>
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1} style={{ outline: 'none' }}>
        {content}
      </AppShell.Main>
    </AppShell>
  );
}

/** The signed-in person and the way out (nothing when the server has no accounts). */
function UserMenu({ ready, org }: { ready: boolean; org: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  // Asked once the page's first data is in: it is not needed to show it.
  const caller = useCaller(ready);
  const signOut = useMutation({
    mutationFn: () => api<void>('/api/auth/sign-out', { method: 'POST' }),
    onSettled: () => {
      signedOut(client);
      navigate('/sign-in', { replace: true });
    },
  });
  if (!caller.data || caller.data === 'open') return null;
  return (
    <Group gap={6} wrap="nowrap">
      <Anchor
        component={Link}
        to={`/orgs/${encodeURIComponent(org)}/admin/account`}
        size="sm"
        truncate
        maw={160}
        visibleFrom="lg"
        title={caller.data.user.email}
        aria-label={t('nav.accountOf', { name: caller.data.user.displayName })}
      >
        {caller.data.user.displayName}
      </Anchor>
      <Button size="compact-sm" variant="default" onClick={() => signOut.mutate()} loading={signOut.isPending}>
        {t('auth.signOut')}
      </Button>
    </Group>
  );
}

function OrganisationSwitch({ current }: { current: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const navigate = useNavigate();
  const orgs = useOrganisations();
  const data = (orgs.data?.items ?? []).map((org) => ({ value: org.id, label: entityName(org, language) }));
  if (!data.some((item) => item.value === current)) data.push({ value: current, label: current });
  return (
    <NativeSelect
      size="xs"
      w={220}
      aria-label={t('shell.organisation')}
      data={data}
      value={current}
      onChange={(event) => {
        const value = event.currentTarget.value;
        if (!value || value === current) return;
        saveOrganisation(value);
        navigate(`/orgs/${encodeURIComponent(value)}`);
      }}
    />
  );
}

export function PageLoader() {
  const { t } = useTranslation();
  return (
    <Center py="xl">
      <Loader aria-label={t('common.loading')} />
    </Center>
  );
}
