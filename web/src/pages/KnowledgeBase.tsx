// The crisis assistant's knowledge base: articles searched and filtered (language, audience, past their review date,
// which editors see flagged), tried with a question as the assistant would answer it, imported and exported (JSON,
// CSV, XLSX), added, changed and removed by those the server allows.
import { Anchor, Badge, Button, Checkbox, Group, Modal, NativeSelect, Paper, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { KbArticleView, KbPage, KbSearchResult } from '@shared/model/contract/kb.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { FormRefusal, ProblemTable } from '../components/Problems.js';
import { allows } from '../lib/abilities.js';
import { api, isApiError, orgPath } from '../lib/api.js';
import { fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../lib/problems.js';
import { useFormat, useLanguage, useOrgId } from '../lib/queries.js';

const kbKey = (org: string) => ['kb', org] as const;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export default function KnowledgeBase() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const client = useQueryClient();
  const [q, setQ] = useState('');
  const [lang, setLang] = useState('');
  const [audience, setAudience] = useState('');
  const [stale, setStale] = useState(false);
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const [editing, setEditing] = useState<KbArticleView | 'new' | null>(null);
  usePageTitle(t('kb.title'));
  const params = new URLSearchParams({ limit: '500' });
  if (debouncedQ) params.set('q', debouncedQ);
  if (lang) params.set('lang', lang);
  if (audience) params.set('audience', audience);
  if (stale) params.set('stale', 'true');
  const page = useQuery({ queryKey: [...kbKey(org), params.toString()], queryFn: () => api<KbPage>(orgPath(org, `/kb/articles?${params}`)) });
  const remove = useMutation({
    mutationFn: (id: string) => api(orgPath(org, `/kb/articles/${encodeURIComponent(id)}`), { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: kbKey(org) }),
  });

  if (page.isError) return <LoadError error={page.error} />;
  const items = page.data?.items ?? [];
  const canCreate = allows(page.data, 'create');
  const canImport = allows(page.data, 'import');
  return (
    <Stack gap="md">
      <PageHeader
        title={t('kb.title')}
        description={t('kb.description')}
        badge={
          page.data && page.data.stale > 0 ? (
            <Badge color="orange" variant="light" tt="none" data-testid="kb-stale-count">
              {t('kb.staleCount', { count: page.data.stale })}
            </Badge>
          ) : undefined
        }
        actions={
          <Group gap="xs">
            {(['json', 'csv', 'xlsx'] as const).map((kind) => (
              <Button key={kind} component="a" variant="default" size="xs" href={orgPath(org, `/kb.${kind}`)} download>
                {t('kb.export', { format: kind.toUpperCase() })}
              </Button>
            ))}
            {canCreate ? <Button onClick={() => setEditing('new')}>{t('kb.new')}</Button> : null}
          </Group>
        }
      />
      <TryQuestion org={org} />
      {canImport ? <ImportFile org={org} /> : null}
      <Group gap="sm" align="flex-end">
        <TextInput label={t('common.search')} value={q} onChange={(event) => setQ(event.currentTarget.value)} w={260} />
        <NativeSelect
          label={t('kb.language')}
          value={lang}
          onChange={(event) => setLang(event.currentTarget.value)}
          data={[
            { value: '', label: t('kb.allLanguages') },
            { value: 'fr', label: 'Français' },
            { value: 'en', label: 'English' },
          ]}
        />
        <NativeSelect
          label={t('kb.audience')}
          value={audience}
          onChange={(event) => setAudience(event.currentTarget.value)}
          data={[
            { value: '', label: t('kb.allAudiences') },
            { value: 'public', label: t('kb.public') },
            { value: 'staff', label: t('kb.staff') },
          ]}
        />
        <Checkbox label={t('kb.onlyStale')} checked={stale} onChange={(event) => setStale(event.currentTarget.checked)} mb={8} />
      </Group>
      {!page.data ? (
        <Loading />
      ) : items.length === 0 ? (
        <Paper withBorder p="xl">
          <Text>{debouncedQ || lang || audience || stale ? t('kb.noMatch') : t('kb.empty')}</Text>
        </Paper>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table striped withTableBorder aria-label={t('kb.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('kb.question')}</Table.Th>
                <Table.Th>{t('kb.source')}</Table.Th>
                <Table.Th>{t('kb.published')}</Table.Th>
                <Table.Th>{t('kb.reviewBy')}</Table.Th>
                <Table.Th>{t('kb.audience')}</Table.Th>
                <Table.Th>{t('common.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((article) => (
                <Table.Tr key={article.id} data-article={article.id}>
                  <Table.Td>
                    <Text fw={600} lang={article.lang}>
                      {article.question}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {article.id} · {article.lang.toUpperCase()}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {article.url ? (
                      <Anchor href={article.url} target="_blank" rel="noopener noreferrer">
                        {article.source}
                      </Anchor>
                    ) : (
                      article.source
                    )}
                  </Table.Td>
                  <Table.Td>{format.date(article.published)}</Table.Td>
                  <Table.Td>
                    {article.reviewBy ? format.date(article.reviewBy) : '—'}
                    {article.stale ? (
                      <Badge color="orange" variant="light" ml={6} size="sm" tt="none">
                        {t('kb.toReview')}
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{article.audience === 'public' ? t('kb.public') : t('kb.staff')}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      {allows(article, 'update') ? (
                        <Button size="xs" variant="subtle" onClick={() => setEditing(article)} aria-label={t('kb.editOne', { id: article.id })}>
                          {t('common.edit')}
                        </Button>
                      ) : null}
                      {allows(article, 'delete') ? (
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => window.confirm(t('kb.confirmDelete', { id: article.id })) && remove.mutate(article.id)}
                          aria-label={t('kb.deleteOne', { id: article.id })}
                        >
                          {t('common.delete')}
                        </Button>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing ? <ArticleForm org={org} article={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </Stack>
  );
}

/** Asks the knowledge base as a signed-in member would, to see what the assistant answers and with which score. */
function TryQuestion({ org }: { org: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [question, setQuestion] = useState('');
  const [lang, setLang] = useState<string>(language);
  const ask = useMutation({
    mutationFn: () => api<KbSearchResult>(orgPath(org, `/kb/search?${new URLSearchParams({ q: question.trim(), lang })}`)),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (question.trim()) ask.mutate();
  };
  return (
    <Paper withBorder p="md">
      <form onSubmit={submit}>
        <Group align="flex-end" gap="sm">
          <TextInput label={t('kb.try')} value={question} onChange={(event) => setQuestion(event.currentTarget.value)} w={360} />
          <NativeSelect
            label={t('kb.language')}
            value={lang}
            onChange={(event) => setLang(event.currentTarget.value)}
            data={[
              { value: 'fr', label: 'Français' },
              { value: 'en', label: 'English' },
            ]}
          />
          <Button type="submit">{t('kb.ask')}</Button>
        </Group>
      </form>
      {ask.data ? (
        <Stack gap={4} mt="sm" data-testid="kb-try-answers">
          {ask.data.answers.length === 0 ? (
            <Text size="sm">{t('kb.noAnswer')}</Text>
          ) : (
            ask.data.answers.map((answer) => (
              <Text size="sm" key={answer.id}>
                <strong>{answer.score.toFixed(2)}</strong> — {answer.article.question} ({answer.article.source})
              </Text>
            ))
          )}
        </Stack>
      ) : null}
    </Paper>
  );
}

function ImportFile({ org }: { org: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [replace, setReplace] = useState(false);
  const upload = useMutation({
    mutationFn: async (file: File) => {
      const mode = replace ? 'replace' : 'upsert';
      if (file.name.toLowerCase().endsWith('.json'))
        return api<{ created: number; updated: number; total: number }>(orgPath(org, `/kb.json?mode=${mode}`), {
          method: 'POST',
          body: JSON.parse(await file.text()),
        });
      const type = file.name.toLowerCase().endsWith('.xlsx') ? XLSX : 'text/csv';
      return api<{ created: number; updated: number; total: number }>(orgPath(org, `/kb.sheet?mode=${mode}`), {
        method: 'POST',
        body: file,
        contentType: type,
      });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: kbKey(org) }),
  });
  return (
    <Paper withBorder p="md">
      <Group gap="sm" align="center">
        <Button variant="default" onClick={() => input.current?.click()} loading={upload.isPending}>
          {t('kb.import')}
        </Button>
        <input
          ref={input}
          type="file"
          accept=".json,.csv,.xlsx"
          hidden
          aria-label={t('kb.import')}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) upload.mutate(file);
            event.currentTarget.value = '';
          }}
        />
        <Checkbox label={t('kb.replace')} checked={replace} onChange={(event) => setReplace(event.currentTarget.checked)} />
        {upload.data ? (
          <Text size="sm" role="status">
            {t('kb.imported', upload.data)}
          </Text>
        ) : null}
      </Group>
      {isApiError(upload.error) ? (
        <Stack mt="sm">
          <Text c="red" role="alert">
            {upload.error.message}
          </Text>
          {upload.error.details.length > 0 ? <ProblemTable problems={upload.error.details} /> : null}
        </Stack>
      ) : upload.error ? (
        <Text c="red" role="alert">
          {(upload.error as Error).message}
        </Text>
      ) : null}
    </Paper>
  );
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

function ArticleForm({ org, article, onClose }: { org: string; article: KbArticleView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [value, setValue] = useState({
    id: article?.id ?? '',
    lang: article?.lang ?? 'fr',
    question: article?.question ?? '',
    variants: article?.variants.join('\n') ?? '',
    answer: article?.answer ?? '',
    source: article?.source ?? '',
    url: article?.url ?? '',
    published: article?.published ?? new Date().toISOString().slice(0, 10),
    reviewBy: article?.reviewBy ?? '',
    audience: article?.audience ?? 'staff',
    tags: article?.tags.join('; ') ?? '',
  });
  const set = (field: keyof typeof value) => (event: { currentTarget: { value: string } }) => setValue({ ...value, [field]: event.currentTarget.value });
  const save = useMutation({
    mutationFn: () => {
      const body = {
        ...value,
        variants: lines(value.variants),
        url: value.url.trim() || null,
        reviewBy: value.reviewBy || null,
        tags: value.tags
          .split(';')
          .map((tag) => tag.trim())
          .filter(Boolean),
      };
      return article
        ? api(orgPath(org, `/kb/articles/${encodeURIComponent(article.id)}`), { method: 'PUT', body })
        : api(orgPath(org, '/kb/articles'), { method: 'POST', body });
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: kbKey(org) });
      onClose();
    },
  });
  const problems = isApiError(save.error) ? groupByField(save.error.details) : undefined;
  const fields = ['id', 'lang', 'question', 'variants', 'answer', 'source', 'url', 'published', 'reviewBy', 'audience', 'tags'];
  const rest = unclaimedProblems(problems, fields);
  const error = (field: string) => fieldErrorText(problemsAt(problems, field), t);
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened onClose={onClose} title={article ? t('kb.edit') : t('kb.new')} size="lg">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <Group grow>
            <TextInput label={t('fields.id')} required value={value.id} onChange={set('id')} disabled={Boolean(article)} error={error('id')} data-autofocus />
            <NativeSelect
              label={t('kb.language')}
              value={value.lang}
              onChange={set('lang')}
              data={[
                { value: 'fr', label: 'Français' },
                { value: 'en', label: 'English' },
              ]}
            />
            <NativeSelect
              label={t('kb.audience')}
              value={value.audience}
              onChange={set('audience')}
              data={[
                { value: 'public', label: t('kb.public') },
                { value: 'staff', label: t('kb.staff') },
              ]}
            />
          </Group>
          <TextInput label={t('kb.question')} required value={value.question} onChange={set('question')} error={error('question')} />
          <Textarea
            label={t('kb.variants')}
            description={t('kb.variantsHelp')}
            autosize
            minRows={2}
            value={value.variants}
            onChange={set('variants')}
            error={error('variants')}
          />
          <Textarea
            label={t('kb.answer')}
            description={t('kb.answerHelp')}
            required
            autosize
            minRows={4}
            value={value.answer}
            onChange={set('answer')}
            error={error('answer')}
          />
          <Group grow>
            <TextInput label={t('kb.source')} required value={value.source} onChange={set('source')} error={error('source')} />
            <TextInput label={t('kb.url')} value={value.url} onChange={set('url')} error={error('url')} />
          </Group>
          <Group grow>
            <TextInput type="date" label={t('kb.published')} required value={value.published} onChange={set('published')} error={error('published')} />
            <TextInput type="date" label={t('kb.reviewBy')} value={value.reviewBy} onChange={set('reviewBy')} error={error('reviewBy')} />
            <TextInput label={t('kb.tags')} value={value.tags} onChange={set('tags')} error={error('tags')} />
          </Group>
          <FormRefusal error={save.error} problems={problems} rest={rest} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
