// The embeddable widget's keys: each for the origins of some pages, with the flow it starts with and its own look;
// the snippet to paste into those pages and the full-page chat to link to; revoked at once when a site is gone. Above
// them, the organisation's own widget settings (WidgetSettings.tsx), which every key without branding shows.
import {
  Alert,
  Anchor,
  Box,
  Button,
  Code,
  ColorInput,
  CopyButton,
  Group,
  Image,
  List,
  Modal,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeyBranding, PublicKey } from '@shared/model/callers.js';
import type { FlowList } from '@shared/model/contract/assistant.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../../components/Page.js';
import { FormRefusal } from '../../components/Problems.js';
import { allows, type WithAbilities } from '../../lib/abilities.js';
import { useMembership, allowed } from '../../lib/admin.js';
import { api, isApiError, orgPath } from '../../lib/api.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../../lib/problems.js';
import { useFormat, useLanguage, useOrgId } from '../../lib/queries.js';
import { textOnAccent } from '../../../widget/contrast.js';
import { WidgetSettingsSection } from './WidgetSettings.js';

type ListedKey = PublicKey & WithAbilities;
type Lang = 'fr' | 'en';
const LANGS: readonly Lang[] = ['fr', 'en'];
/** The widget's own blue, shown when a key has no accent of its own. */
const DEFAULT_ACCENT = '#1c5d99';
const FIELDS = [
  'label',
  'origins',
  'flow',
  'branding.title.fr',
  'branding.title.en',
  'branding.greeting.fr',
  'branding.greeting.en',
  'branding.accent',
  'branding.logoUrl',
];

/** What the form holds: texts as typed, turned into the API's body on submit. */
interface Draft {
  label: string;
  origins: string;
  flow: string;
  title: Record<Lang, string>;
  greeting: Record<Lang, string>;
  accent: string;
  logoUrl: string;
}

function draftOf(key?: ListedKey): Draft {
  const branding = key?.branding;
  return {
    label: key?.label ?? '',
    origins: key?.origins.join('\n') ?? '',
    flow: key?.flow ?? '',
    title: { fr: branding?.title.fr ?? '', en: branding?.title.en ?? '' },
    greeting: { fr: branding?.greeting.fr ?? '', en: branding?.greeting.en ?? '' },
    accent: branding?.accent ?? '',
    logoUrl: branding?.logoUrl ?? '',
  };
}

/** Texts left empty say nothing; a branding that says nothing is none (the organisation's widget settings apply). */
function bodyOf(draft: Draft) {
  const texts = (record: Record<Lang, string>) => Object.fromEntries(LANGS.filter((lang) => record[lang].trim()).map((lang) => [lang, record[lang]]));
  const branding = {
    title: texts(draft.title),
    greeting: texts(draft.greeting),
    accent: draft.accent.trim() || null,
    logoUrl: draft.logoUrl.trim() || null,
  };
  const empty = !Object.keys(branding.title).length && !Object.keys(branding.greeting).length && !branding.accent && !branding.logoUrl;
  return {
    label: draft.label,
    origins: draft.origins
      .split(/[\n,]/)
      .map((origin) => origin.trim())
      .filter(Boolean),
    flow: draft.flow || null,
    branding: empty ? null : branding,
  };
}

/** The tag that embeds this key's widget on a page of one of its origins. */
function snippetOf(key: string): string {
  return `<script src="${window.location.origin}/widget.js" data-key="${key}" async></script>`;
}

export default function WidgetKeys() {
  const { t } = useTranslation();
  const org = useOrgId();
  const client = useQueryClient();
  const queryKey = ['org', org, 'public-keys'];
  const keys = useQuery({ queryKey, queryFn: () => api<{ items: ListedKey[] } & WithAbilities>(orgPath(org, '/public-keys')) });
  const { membership } = useMembership(org);
  // The flows to start with: the shipped ones and the organisation's own, for those who may read them.
  const canReadFlows = allowed(membership?.abilities.flows?.read);
  const flows = useQuery({ queryKey: ['flows', org], queryFn: () => api<FlowList>(orgPath(org, '/flows')), enabled: canReadFlows });
  const [editing, setEditing] = useState<ListedKey | 'new' | null>(null);
  const [revoking, setRevoking] = useState<ListedKey | null>(null);
  usePageTitle(t('admin.widget.title'));
  const refresh = () => client.invalidateQueries({ queryKey });
  const revoke = useMutation({
    mutationFn: (key: ListedKey) => api<void>(orgPath(org, `/public-keys/${key.id}`), { method: 'DELETE' }),
    onSuccess: async () => {
      setRevoking(null);
      await refresh();
    },
  });
  if (keys.isError) return <LoadError error={keys.error} />;
  if (!keys.data) return <Loading />;
  const closeRevoke = () => {
    revoke.reset();
    setRevoking(null);
  };
  const active = keys.data.items.filter((key) => key.status === 'active');
  const revoked = keys.data.items.filter((key) => key.status === 'revoked');
  return (
    <Stack gap="md">
      <PageHeader
        title={t('admin.widget.title')}
        description={t('admin.widget.description')}
        actions={allows(keys.data, 'create') ? <Button onClick={() => setEditing('new')}>{t('admin.widget.create')}</Button> : undefined}
      />
      {!allows(keys.data, 'create') ? (
        <Text size="sm" c="dimmed">
          {t('admin.readOnly')}
        </Text>
      ) : null}
      {allowed(membership?.abilities.widget?.read) ? <WidgetSettingsSection org={org} /> : null}
      {active.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('admin.widget.none')}
        </Text>
      ) : (
        active.map((key) => <KeyCard key={key.id} item={key} flows={flows.data} onEdit={() => setEditing(key)} onRevoke={() => setRevoking(key)} />)
      )}
      {revoked.length > 0 ? (
        <Stack gap="xs" component="section" aria-labelledby="revoked-keys-title">
          <Title order={2} size="h4" id="revoked-keys-title">
            {t('admin.widget.revokedTitle')}
          </Title>
          <List size="sm" data-testid="revoked-keys">
            {revoked.map((key) => (
              <List.Item key={key.id}>{t('admin.widget.revokedLine', { label: key.label, key: key.key })}</List.Item>
            ))}
          </List>
        </Stack>
      ) : null}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        size="lg"
        title={editing === 'new' ? t('admin.widget.createTitle') : t('admin.widget.editTitle', { label: editing?.label ?? '' })}
      >
        {editing !== null ? (
          <KeyForm
            org={org}
            item={editing === 'new' ? undefined : editing}
            flows={flows.data}
            onDone={async () => {
              setEditing(null);
              await refresh();
            }}
          />
        ) : null}
      </Modal>
      <Modal opened={revoking !== null} onClose={closeRevoke} title={t('admin.widget.revokeTitle', { label: revoking?.label ?? '' })}>
        <Stack>
          <Text size="sm">{t('admin.widget.revokeText')}</Text>
          {revoke.error ? (
            <Alert color="red" role="alert">
              {errorSentence(revoke.error, t)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={closeRevoke}>
              {t('common.cancel')}
            </Button>
            <Button color="red" loading={revoke.isPending} onClick={() => revoking && revoke.mutate(revoking)}>
              {t('admin.widget.revoke')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

/** A flow's name in the interface language, with its id (shipped flows and the organisation's own alike). */
function flowName(flows: FlowList | undefined, id: string | null, lang: Lang, fallback: string): string {
  if (!id) return fallback;
  const flow = flows?.items.find((item) => item.id === id);
  const title = flow ? (flow.title[lang] ?? Object.values(flow.title)[0]) : undefined;
  return title ? `${title} (${id})` : id;
}

function KeyCard({ item, flows, onEdit, onRevoke }: { item: ListedKey; flows?: FlowList; onEdit: () => void; onRevoke: () => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const format = useFormat();
  const titleId = `key-${item.id}`;
  const snippet = snippetOf(item.key);
  const chat = `${window.location.origin}/chat/${encodeURIComponent(item.key)}?lang=${lang}`;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={titleId} data-key-id={item.id}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Title order={2} size="h4" id={titleId}>
              {item.label}
            </Title>
            <Text size="xs" c="dimmed">
              {item.createdBy ? t('admin.widget.createdBy', { email: item.createdBy.email, date: format.date(item.createdAt) }) : format.date(item.createdAt)}
            </Text>
          </Stack>
          <Group gap="xs">
            {allows(item, 'update') ? (
              <Button size="compact-sm" variant="default" onClick={onEdit} aria-label={t('admin.widget.editNamed', { label: item.label })}>
                {t('admin.widget.edit')}
              </Button>
            ) : null}
            {allows(item, 'delete') ? (
              <Button size="compact-sm" variant="subtle" color="red" onClick={onRevoke} aria-label={t('admin.widget.revokeNamed', { label: item.label })}>
                {t('admin.widget.revoke')}
              </Button>
            ) : null}
          </Group>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              {t('admin.widget.origins')}
            </Text>
            <List size="sm" data-testid="key-origins">
              {item.origins.map((origin) => (
                <List.Item key={origin}>{origin === '*' ? t('admin.widget.anyOrigin') : origin}</List.Item>
              ))}
            </List>
            <Text size="sm">
              <Text span fw={600}>
                {t('admin.widget.flow')}
              </Text>
              {lang === 'fr' ? ' : ' : ': '}
              <span data-testid="key-flow">{flowName(flows, item.flow, lang, t('admin.widget.defaultFlow'))}</span>
            </Text>
          </Stack>
          <Preview branding={item.branding} fallback={t('admin.widget.orgSettings')} />
        </SimpleGrid>
        <Stack gap={4}>
          <Text size="sm" fw={600} id={`${titleId}-snippet`}>
            {t('admin.widget.snippet')}
          </Text>
          <Group wrap="nowrap" align="center">
            <Code block style={{ flex: 1, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }} aria-labelledby={`${titleId}-snippet`} data-testid="key-snippet">
              {snippet}
            </Code>
            <CopyButton value={snippet}>
              {({ copied, copy }) => (
                <Button size="xs" variant="default" onClick={copy} aria-label={t('admin.widget.copyNamed', { label: item.label })}>
                  {copied ? t('admin.copied') : t('admin.copy')}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="sm">
            {t('admin.widget.chatText')}{' '}
            <Anchor href={chat} target="_blank" rel="noopener noreferrer">
              {t('admin.widget.chatLink')}
            </Anchor>
          </Text>
        </Stack>
      </Stack>
    </Paper>
  );
}

/** How the widget's header will look with this branding, in the interface language. */
function Preview({ branding, fallback }: { branding: KeyBranding | null; fallback: string }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const accent = branding?.accent ?? DEFAULT_ACCENT;
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {t('admin.widget.branding')}
      </Text>
      {branding ? (
        <>
          <Group gap="xs" p={8} style={{ background: accent, borderRadius: 6 }} data-testid="key-preview">
            {branding.logoUrl ? (
              <Image src={branding.logoUrl} alt="" h={20} w="auto" fit="contain" bg="white" radius="xs" referrerPolicy="no-referrer" />
            ) : null}
            <Box component="span" style={{ color: textOnAccent(accent), fontWeight: 600 }}>
              {branding.title[lang] ?? branding.title[lang === 'fr' ? 'en' : 'fr'] ?? t('admin.widget.noTitle')}
            </Box>
          </Group>
          {/* The colour in words too: a swatch alone says nothing to a screen reader. */}
          <Text size="xs" c="dimmed">
            {t('admin.widget.accentIs', { colour: accent })}
          </Text>
          {branding.greeting[lang] ? (
            <Text size="xs" c="dimmed">
              {t('admin.widget.greetingIs', { greeting: branding.greeting[lang] })}
            </Text>
          ) : null}
        </>
      ) : (
        <Text size="sm" c="dimmed">
          {fallback}
        </Text>
      )}
    </Stack>
  );
}

function KeyForm({ org, item, flows, onDone }: { org: string; item?: ListedKey; flows?: FlowList; onDone: () => unknown }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [draft, setDraft] = useState<Draft>(() => draftOf(item));
  const set = <K extends keyof Draft>(field: K, value: Draft[K]) => setDraft((current) => ({ ...current, [field]: value }));
  const save = useMutation({
    mutationFn: () =>
      item
        ? api<ListedKey>(orgPath(org, `/public-keys/${item.id}`), { method: 'PATCH', body: bodyOf(draft) })
        : api<ListedKey>(orgPath(org, '/public-keys'), { method: 'POST', body: bodyOf(draft) }),
    onSuccess: () => onDone(),
  });
  const problems = isApiError(save.error) ? groupByField(save.error.details) : undefined;
  const rest = unclaimedProblems(problems, FIELDS);
  const at = (field: string, nested = false) => fieldErrorText(problemsAt(problems, field, nested), t);
  const flowOptions = [
    { value: '', label: t('admin.widget.defaultFlow') },
    ...(flows?.items ?? []).map((flow) => ({ value: flow.id, label: flowName(flows, flow.id, lang, flow.id) })),
    // A flow the list does not show (deleted since, or flows not readable here) stays selectable as it is.
    ...(draft.flow && !flows?.items.some((flow) => flow.id === draft.flow) ? [{ value: draft.flow, label: draft.flow }] : []),
  ];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput
          label={t('admin.widget.label')}
          required
          value={draft.label}
          onChange={(event) => set('label', event.currentTarget.value)}
          error={at('label')}
        />
        <Textarea
          label={t('admin.widget.origins')}
          description={t('admin.widget.originsHelp')}
          required
          autosize
          minRows={2}
          value={draft.origins}
          onChange={(event) => set('origins', event.currentTarget.value)}
          error={at('origins', true)}
        />
        <NativeSelect
          label={t('admin.widget.flow')}
          description={t('admin.widget.flowHelp')}
          value={draft.flow}
          onChange={(event) => set('flow', event.currentTarget.value)}
          data={flowOptions}
          error={at('flow')}
        />
        <Title order={3} size="h5" mt="xs">
          {t('admin.widget.branding')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('admin.widget.brandingHelp')}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {LANGS.map((language) => (
            <TextInput
              key={`title-${language}`}
              label={t(language === 'fr' ? 'admin.widget.titleFr' : 'admin.widget.titleEn')}
              value={draft.title[language]}
              onChange={(event) => set('title', { ...draft.title, [language]: event.currentTarget.value })}
              error={at(`branding.title.${language}`)}
            />
          ))}
          {LANGS.map((language) => (
            <Textarea
              key={`greeting-${language}`}
              label={t(language === 'fr' ? 'admin.widget.greetingFr' : 'admin.widget.greetingEn')}
              autosize
              minRows={2}
              value={draft.greeting[language]}
              onChange={(event) => set('greeting', { ...draft.greeting, [language]: event.currentTarget.value })}
              error={at(`branding.greeting.${language}`)}
            />
          ))}
          <ColorInput
            label={t('admin.widget.accent')}
            description={t('admin.widget.accentHelp')}
            format="hex"
            // What was typed stays, refused by the server at this field if it is no colour, never silently put back.
            fixOnBlur={false}
            placeholder={DEFAULT_ACCENT}
            value={draft.accent}
            onChange={(value) => set('accent', value)}
            error={at('branding.accent')}
          />
          <TextInput
            label={t('admin.widget.logo')}
            description={t('admin.widget.logoHelp')}
            placeholder="https://"
            value={draft.logoUrl}
            onChange={(event) => set('logoUrl', event.currentTarget.value)}
            error={at('branding.logoUrl')}
          />
        </SimpleGrid>
        <FormRefusal error={save.error} problems={problems} rest={rest} />
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            {item ? t('common.save') : t('admin.widget.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
