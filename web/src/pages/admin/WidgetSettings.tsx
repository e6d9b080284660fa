// The organisation's widget settings, above its keys: the name the widget shows, the languages it offers (the first
// by default) and its greeting in each. Every key without branding of its own shows these; all of it is public.
import { Button, Checkbox, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { WidgetSettings as Settings } from '@shared/model/callers.js';
import { LoadError, Loading } from '../../components/Page.js';
import { FormRefusal } from '../../components/Problems.js';
import { allows, type WithAbilities } from '../../lib/abilities.js';
import { api, isApiError, orgPath } from '../../lib/api.js';
import { fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../../lib/problems.js';

type View = Settings & WithAbilities;
type Lang = 'fr' | 'en';
const LANGS: readonly Lang[] = ['fr', 'en'];

interface Draft {
  name: string;
  /** In the widget's order, the first by default; tags other than fr/en (set through the API) are kept as they are. */
  languages: string[];
  greeting: Record<string, string>;
}

const draftOf = (settings: Settings): Draft => ({ name: settings.name ?? '', languages: [...settings.languages], greeting: { ...settings.greeting } });

/** Empty texts say nothing: no name is the organisation's name, no greeting the widget's own. */
function bodyOf(draft: Draft): Settings {
  return {
    name: draft.name.trim() ? draft.name : null,
    languages: draft.languages,
    greeting: Object.fromEntries(Object.entries(draft.greeting).filter(([language, text]) => draft.languages.includes(language) && text.trim())),
  };
}

export function WidgetSettingsSection({ org }: { org: string }) {
  const queryKey = ['org', org, 'widget-settings'];
  const settings = useQuery({ queryKey, queryFn: () => api<View>(orgPath(org, '/widget')) });
  if (settings.isError) return <LoadError error={settings.error} />;
  if (!settings.data) return <Loading />;
  return <SettingsForm key={org} org={org} view={settings.data} queryKey={queryKey} />;
}

function SettingsForm({ org, view, queryKey }: { org: string; view: View; queryKey: string[] }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => draftOf(view));
  // Unchanged from what the server holds: nothing to save (and, after a save, "Saved.").
  const dirty = JSON.stringify(bodyOf(draft)) !== JSON.stringify(bodyOf(draftOf(view)));
  const canUpdate = allows(view, 'update');
  const save = useMutation({
    mutationFn: () => api<View>(orgPath(org, '/widget'), { method: 'PUT', body: bodyOf(draft) }),
    onSuccess: (result) => {
      client.setQueryData(queryKey, result);
      // What the server kept (a greeting of a language no longer offered is dropped), shown as it is now.
      setDraft(draftOf(result));
    },
  });
  const problems = isApiError(save.error) ? groupByField(save.error.details) : undefined;
  const rest = unclaimedProblems(problems, ['name', 'languages', 'greeting.fr', 'greeting.en']);
  const at = (field: string, nested = false) => fieldErrorText(problemsAt(problems, field, nested), t);
  const edit = (change: Partial<Draft>) => setDraft((current) => ({ ...current, ...change }));
  const offered = (language: Lang) => draft.languages.includes(language);
  // The order stays (the first is the default): a language unticked leaves it, one ticked goes last.
  const choose = (ticked: Lang[]) =>
    edit({
      languages: [
        ...draft.languages.filter((language) => !LANGS.includes(language as Lang) || ticked.includes(language as Lang)),
        ...ticked.filter((language) => !draft.languages.includes(language)),
      ],
    });
  const makeDefault = (language: string) => edit({ languages: [language, ...draft.languages.filter((item) => item !== language)] });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="widget-settings-title">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" id="widget-settings-title">
            {t('admin.widgetSettings.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('admin.widgetSettings.help')}
          </Text>
          <TextInput
            label={t('admin.widgetSettings.name')}
            description={t('admin.widgetSettings.nameHelp')}
            value={draft.name}
            readOnly={!canUpdate}
            onChange={(event) => edit({ name: event.currentTarget.value })}
            error={at('name')}
          />
          <Checkbox.Group
            label={t('admin.widgetSettings.languages')}
            // An empty list is refused as too short: said as what to do.
            error={
              problemsAt(problems, 'languages', true).some((problem) => problem.rule === 'too_small')
                ? t('admin.widgetSettings.languagesRequired')
                : at('languages', true)
            }
            value={LANGS.filter(offered)}
            onChange={(values) => choose(values as Lang[])}
          >
            <Group mt={4}>
              {LANGS.map((language) => (
                <Checkbox key={language} value={language} label={t(`admin.widgetSettings.language.${language}`)} disabled={!canUpdate} />
              ))}
            </Group>
          </Checkbox.Group>
          <NativeSelect
            label={t('admin.widgetSettings.defaultLanguage')}
            value={draft.languages[0] ?? ''}
            disabled={!canUpdate || draft.languages.length < 2}
            onChange={(event) => makeDefault(event.currentTarget.value)}
            data={draft.languages.map((language) => ({
              value: language,
              label: LANGS.includes(language as Lang) ? t(`admin.widgetSettings.language.${language}`) : language,
            }))}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {LANGS.filter(offered).map((language) => (
              <Textarea
                key={language}
                label={t(`admin.widgetSettings.greeting.${language}`)}
                autosize
                minRows={2}
                readOnly={!canUpdate}
                value={draft.greeting[language] ?? ''}
                onChange={(event) => edit({ greeting: { ...draft.greeting, [language]: event.currentTarget.value } })}
                error={at(`greeting.${language}`)}
              />
            ))}
          </SimpleGrid>
          <FormRefusal error={save.error} problems={problems} rest={rest} />
          {save.isSuccess && !dirty ? (
            <Text size="sm" c="green.9" role="status">
              {t('admin.saved')}
            </Text>
          ) : null}
          {canUpdate ? (
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending} disabled={!dirty}>
                {t('admin.widgetSettings.save')}
              </Button>
            </Group>
          ) : null}
        </Stack>
      </form>
    </Paper>
  );
}
