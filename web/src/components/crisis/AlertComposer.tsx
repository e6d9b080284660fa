// The alert composer of an incident: who (everyone, or sites, activities and named people), on which channels, what
// (started from a bilingual template, subject and text per language), and the waves; with a preview of the e-mail and
// the text message in each language as people will read them, the SMS length counted live with the server's own
// function, and the server's refusals shown at their fields.
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Paper,
  Radio,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertChannel } from '@shared/model/alert.js';
import { emailText } from '@shared/model/alert-texts.js';
import type { AlertTemplates } from '@shared/model/contract/alerts.js';
import { smsLength, smsText } from '@shared/model/sms.js';
import { alertRequest, LANGUAGES, type Draft, type Language, type Texts } from '../../lib/alerts.js';
import { api, isApiError } from '../../lib/api.js';
import { useAlertTemplates, usePeople } from '../../lib/alert-queries.js';
import { crisisKeys, incidentPath } from '../../lib/crisis-queries.js';
import { fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../../lib/problems.js';
import { useFormat } from '../../lib/queries.js';
import { EntityMultiSelect } from '../EntityPicker.js';
import { LoadError, Loading } from '../Page.js';

/** The fields of the form, as the server names them (its problems' paths). */
const FIELDS = ['audience', 'channels', 'message', 'waves'];

function fromTemplate(template: AlertTemplates['items'][number]): Texts {
  return { en: { ...template.en }, fr: { ...template.fr } };
}

interface ComposerProps {
  org: string;
  incident: string;
  /** Whether the caller may search the people directory (to name people). */
  canPickPeople: boolean;
  onClose: () => void;
  onSent: (id: string) => void;
}

export function AlertComposer({ opened, ...props }: ComposerProps & { opened: boolean }) {
  const { t } = useTranslation();
  const templates = useAlertTemplates(props.org, opened);
  return (
    <Modal opened={opened} onClose={props.onClose} title={t('alerts.compose')} size="80rem" closeButtonProps={{ 'aria-label': t('common.close') }}>
      {templates.isError ? <LoadError error={templates.error} /> : null}
      {templates.data ? <ComposerForm {...props} templates={templates.data} /> : templates.isError ? null : <Loading />}
    </Modal>
  );
}

function ComposerForm({ org, incident, canPickPeople, templates, onClose, onSent }: ComposerProps & { templates: AlertTemplates }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const configured = new Map(templates.channels.map((one) => [one.channel, one.configured]));
  const [template, setTemplate] = useState(templates.items[0]?.id ?? '');
  const [draft, setDraft] = useState<Draft>(() => ({
    everyone: false,
    sites: [],
    activities: [],
    people: [],
    channels: templates.channels
      .filter((one) => one.configured)
      .map((one) => one.channel)
      .slice(0, 1),
    texts: templates.items[0] ? fromTemplate(templates.items[0]) : { en: { subject: '', text: '' }, fr: { subject: '', text: '' } },
    waves: { count: 3, intervalMinutes: 15, escalate: true },
  }));
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const setText = (language: Language, key: 'subject' | 'text', value: string) =>
    setDraft((current) => ({ ...current, texts: { ...current.texts, [language]: { ...current.texts[language], [key]: value } } }));

  const send = useMutation({
    mutationFn: () => api<{ id: string; recipients: number }>(incidentPath(org, incident, '/alerts'), { method: 'POST', body: alertRequest(draft) }),
    onSuccess: async (accepted) => {
      await client.invalidateQueries({ queryKey: crisisKeys.incident(org, incident) });
      onSent(accepted.id);
    },
  });
  const problems = isApiError(send.error) ? groupByField(send.error.details) : undefined;
  const error = (field: string) => fieldErrorText(problemsAt(problems, field, true), t);
  // The common text is the English one: a refusal of it is shown at the English text.
  const textError = (language: Language) =>
    fieldErrorText([...problemsAt(problems, `message.${language}.text`, true), ...(language === 'en' ? problemsAt(problems, 'message.text') : [])], t);
  const rest = unclaimedProblems(problems, FIELDS);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send.mutate();
  };
  const toggleChannel = (channel: AlertChannel, on: boolean) =>
    // Kept in the server's order: the first channel carries the first wave, escalation adds the next.
    set(
      'channels',
      templates.channels.map((one) => one.channel).filter((one) => (one === channel ? on : draft.channels.includes(one))),
    );

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <Paper withBorder p="sm">
          <Radio.Group
            label={t('alerts.audience')}
            value={draft.everyone ? 'everyone' : 'chosen'}
            onChange={(value) => set('everyone', value === 'everyone')}
            error={error('audience')}
          >
            <Group gap="lg" mt={4}>
              <Radio value="everyone" label={t('alerts.everyone')} />
              <Radio value="chosen" label={t('alerts.chosen')} />
            </Group>
          </Radio.Group>
          {draft.everyone ? null : (
            <SimpleGrid cols={{ base: 1, md: 3 }} mt="sm">
              <EntityMultiSelect org={org} collection="sites" label={t('alerts.sites')} value={draft.sites} onChange={(ids) => set('sites', ids)} />
              <EntityMultiSelect
                org={org}
                collection="activities"
                label={t('alerts.activities')}
                value={draft.activities}
                onChange={(ids) => set('activities', ids)}
              />
              {canPickPeople ? <PeoplePicker org={org} value={draft.people} onChange={(ids) => set('people', ids)} /> : null}
            </SimpleGrid>
          )}
        </Paper>

        <Paper withBorder p="sm">
          <Group justify="space-between" align="flex-end">
            <Checkbox.Group label={t('alerts.channels')} description={t('alerts.channelsHelp')} value={draft.channels} error={error('channels')}>
              <Group gap="lg" mt={4}>
                {templates.channels.map(({ channel }) => (
                  <Checkbox
                    key={channel}
                    value={channel}
                    label={configured.get(channel) ? t(`alerts.channel.${channel}`) : t('alerts.notConfigured', { channel: t(`alerts.channel.${channel}`) })}
                    disabled={!configured.get(channel)}
                    checked={draft.channels.includes(channel)}
                    onChange={(event) => toggleChannel(channel, event.currentTarget.checked)}
                  />
                ))}
              </Group>
            </Checkbox.Group>
            <SegmentedControl
              aria-label={t('alerts.template')}
              value={template}
              onChange={(id) => {
                setTemplate(id);
                const chosen = templates.items.find((item) => item.id === id);
                if (chosen) set('texts', fromTemplate(chosen));
              }}
              data={templates.items.map((item) => ({ value: item.id, label: t(`alerts.templates.${item.id}`, { defaultValue: item.id }) }))}
            />
          </Group>
        </Paper>

        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {LANGUAGES.map((language) => (
            <MessageInLanguage
              key={language}
              language={language}
              texts={draft.texts[language]}
              channels={draft.channels}
              link={templates.link}
              onChange={(key, value) => setText(language, key, value)}
              subjectError={error(`message.${language}.subject`)}
              textError={textError(language)}
            />
          ))}
        </SimpleGrid>

        <Paper withBorder p="sm">
          <Title order={3} size="h5">
            {t('alerts.waves')}
          </Title>
          <Text size="xs" c="dimmed" mb="xs">
            {t('alerts.wavesHelp')}
          </Text>
          <Group align="flex-end">
            <NumberInput
              label={t('alerts.waveCount')}
              min={1}
              max={5}
              w={140}
              value={draft.waves.count}
              onChange={(value) => set('waves', { ...draft.waves, count: Number(value) || 1 })}
              error={error('waves.count')}
            />
            <NumberInput
              label={t('alerts.interval')}
              min={1}
              max={1440}
              w={200}
              value={draft.waves.intervalMinutes}
              onChange={(value) => set('waves', { ...draft.waves, intervalMinutes: Number(value) || 1 })}
              error={error('waves.intervalMinutes')}
            />
            <Switch
              label={t('alerts.escalate')}
              disabled={draft.channels.length < 2}
              checked={draft.channels.length > 1 && draft.waves.escalate}
              onChange={(event) => set('waves', { ...draft.waves, escalate: event.currentTarget.checked })}
            />
          </Group>
        </Paper>

        {send.error && (rest.length > 0 || !problems || problems.size === 0) ? (
          <Alert color="red" role="alert" title={t('alerts.refused')}>
            {rest.length > 0 ? fieldErrorText(rest, t) : send.error.message}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" color="red" loading={send.isPending} disabled={draft.channels.length === 0}>
            {t('alerts.send')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The message in one language, and how each chosen channel will carry it. */
function MessageInLanguage({
  language,
  texts,
  channels,
  link,
  onChange,
  subjectError,
  textError,
}: {
  language: Language;
  texts: { subject: string; text: string };
  channels: AlertChannel[];
  link: AlertTemplates['link'];
  onChange: (key: 'subject' | 'text', value: string) => void;
  subjectError?: string;
  textError?: string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const languageName = t(`alerts.lang.${language}`);
  const sms = useMemo(() => {
    const message = smsText(texts.text.trim(), link.example);
    return { message, ...smsLength(message) };
  }, [texts.text, link.example]);
  const tooLong = channels.includes('sms') && sms.length > sms.limit;
  const counterId = `sms-count-${language}`;
  return (
    <Paper withBorder p="sm" lang={language} data-language={language}>
      <Stack gap="xs">
        <Title order={3} size="h5">
          {t('alerts.messageIn', { language: languageName })}
        </Title>
        <TextInput
          label={t('alerts.subjectIn', { language: languageName })}
          value={texts.subject}
          onChange={(event) => onChange('subject', event.currentTarget.value)}
          error={subjectError}
          maxLength={200}
        />
        <Textarea
          label={t('alerts.textIn', { language: languageName })}
          autosize
          minRows={3}
          maxRows={8}
          required
          value={texts.text}
          onChange={(event) => onChange('text', event.currentTarget.value)}
          error={textError}
          aria-describedby={channels.includes('sms') ? counterId : undefined}
        />
        {channels.includes('sms') ? (
          <Text size="xs" id={counterId} c={tooLong ? 'red.9' : 'dimmed'} fw={tooLong ? 700 : undefined} aria-live="polite" data-testid={counterId}>
            {t('alerts.smsCount', { length: format.number(sms.length), limit: format.number(sms.limit), link: format.number(link.length + 1) })}
            {sms.gsm ? '' : ` ${t('alerts.smsUnicode')}`}
            {tooLong ? ` ${t('alerts.smsTooLong', { over: format.number(sms.length - sms.limit) })}` : ''}
          </Text>
        ) : null}
        {channels.length > 0 ? (
          <Text size="xs" fw={700} tt="uppercase" c="dimmed" mt="xs">
            {t('alerts.preview')}
          </Text>
        ) : null}
        {channels.includes('email') ? (
          <Paper bg="gray.0" p="xs" withBorder aria-label={t('alerts.previewOf', { channel: t('alerts.channel.email'), language: languageName })} role="group">
            <Group gap={6} mb={4}>
              <Badge size="xs" variant="light">
                {t('alerts.channel.email')}
              </Badge>
              <Text size="sm" fw={600}>
                {texts.subject.trim() || t('alerts.defaultSubject')}
              </Text>
            </Group>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid={`email-preview-${language}`}>
              {emailText(language, texts.text.trim(), link.example)}
            </Text>
          </Paper>
        ) : null}
        {channels.includes('sms') ? (
          <Paper bg="gray.0" p="xs" withBorder aria-label={t('alerts.previewOf', { channel: t('alerts.channel.sms'), language: languageName })} role="group">
            <Badge size="xs" variant="light" mb={4}>
              {t('alerts.channel.sms')}
            </Badge>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid={`sms-preview-${language}`}>
              {sms.message}
            </Text>
          </Paper>
        ) : null}
      </Stack>
    </Paper>
  );
}

/** Named people, found by name, e-mail or number in the directory (searched on the server: it may hold 100,000). */
function PeoplePicker({ org, value, onChange }: { org: string; value: string[]; onChange: (ids: string[]) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const found = usePeople(org, { q, site: '', activity: '' }, 20, q.length > 0);
  const [names, setNames] = useState<Record<string, string>>({});
  const data = useMemo(() => {
    const options = new Map<string, string>();
    for (const id of value) options.set(id, names[id] ?? id);
    for (const person of found.data?.pages.flatMap((page) => page.items) ?? []) options.set(person.id, `${person.name} (${person.id})`);
    return [...options].map(([id, label]) => ({ value: id, label }));
  }, [found.data, value, names]);
  return (
    <MultiSelect
      label={t('alerts.people')}
      description={t('alerts.peopleHelp')}
      data={data}
      value={value}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      onChange={(ids) => {
        setNames((current) => ({ ...current, ...Object.fromEntries(data.filter((option) => ids.includes(option.value)).map((o) => [o.value, o.label])) }));
        onChange(ids);
      }}
      nothingFoundMessage={q ? t('common.nothingFound') : undefined}
      hidePickedOptions
      clearable
    />
  );
}
