// Conversation flows: the shipped ones (read-only) and the organisation's own, each with its steps, tried in a
// preview that runs on the server's interpreter (counted in no surveillance, handing nothing over); editors add
// their own in JSON or YAML, refused with every problem and its path.
import { Badge, Button, Code, Group, List, NativeSelect, Paper, Stack, Table, Text, Textarea, Title, UnstyledButton } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FlowList, FlowView } from '@shared/model/contract/assistant.js';
import type { ConversationReply, ConversationStarted } from '@shared/model/contract/conversations.js';
import type { FlowDocument, Instruction } from '@shared/model/flow.js';
import { Chat } from '../components/assistant/Chat.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { ProblemTable } from '../components/Problems.js';
import { allows } from '../lib/abilities.js';
import { api, isApiError, orgPath } from '../lib/api.js';
import { useFormat, useLanguage, useOrgId } from '../lib/queries.js';

const flowsKey = (org: string) => ['flows', org] as const;

/** A text of the flow in the interface language, else its first language. */
function textIn(text: unknown, lang: string, flow: FlowDocument): string {
  if (!text || typeof text !== 'object') return '';
  const record = text as Record<string, string>;
  if ('var' in record) return `{${record.var}}`;
  return record[lang] ?? record[flow.languages[0]] ?? '';
}

function InstructionLine({ instruction, flow, lang }: { instruction: Instruction; flow: FlowDocument; lang: string }) {
  const { t } = useTranslation();
  const condition = instruction.if !== undefined ? <Code>{JSON.stringify(instruction.if)}</Code> : null;
  let line: string;
  if ('say' in instruction)
    line =
      'answers' in instruction.say
        ? t('flows.sayAnswers', { variable: instruction.say.answers })
        : 'card' in instruction.say
          ? t('flows.say', { text: textIn(instruction.say.card.title, lang, flow) })
          : t('flows.say', { text: textIn(instruction.say.text, lang, flow) });
  else if ('ask' in instruction)
    line = t('flows.ask', { type: instruction.ask.type, variable: instruction.ask.var, text: textIn(instruction.ask.prompt, lang, flow) });
  else if ('set' in instruction) line = t('flows.set', { variable: instruction.set.var, value: JSON.stringify(instruction.set.value) });
  else if ('goto' in instruction)
    line = t('flows.goto', {
      target: typeof instruction.goto === 'string' ? instruction.goto : `${instruction.goto.flow}${instruction.goto.step ? ` › ${instruction.goto.step}` : ''}`,
    });
  else if ('call' in instruction) line = t('flows.call', { fn: instruction.call.fn, variable: instruction.call.result });
  else line = t('flows.end');
  return (
    <List.Item>
      {condition ? (
        <>
          {t('flows.if')} {condition}{' '}
        </>
      ) : null}
      {line}
    </List.Item>
  );
}

function Steps({ flow, lang }: { flow: FlowDocument; lang: string }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" data-testid="flow-steps">
      {Object.entries(flow.steps).map(([name, instructions]) => (
        <Paper key={name} withBorder p="sm">
          <Group gap="xs">
            <Text fw={600}>{name}</Text>
            {name === flow.start ? (
              <Badge size="xs" variant="light" tt="none">
                {t('flows.start')}
              </Badge>
            ) : null}
          </Group>
          <List size="sm" spacing={2}>
            {instructions.map((instruction, index) => (
              <InstructionLine key={index} instruction={instruction} flow={flow} lang={lang} />
            ))}
          </List>
        </Paper>
      ))}
    </Stack>
  );
}

function Preview({ org, flow }: { org: string; flow: FlowView }) {
  const { t } = useTranslation();
  const interfaceLang = useLanguage();
  const [lang, setLang] = useState(flow.languages.includes(interfaceLang) ? interfaceLang : flow.languages[0]);
  return (
    <Stack gap="xs">
      <Group gap="sm" align="flex-end">
        <Title order={3} size="h4">
          {t('flows.preview')}
        </Title>
        <NativeSelect label={t('flows.language')} value={lang} onChange={(event) => setLang(event.currentTarget.value)} data={flow.languages} size="xs" />
      </Group>
      <Text size="sm" c="dimmed">
        {t('flows.previewNote')}
      </Text>
      <Chat
        label={t('flows.previewOf', { flow: flow.id })}
        restartKey={`${flow.id}:${flow.revision ?? 0}:${lang}`}
        start={() => api<ConversationStarted>(orgPath(org, '/flow-previews'), { method: 'POST', body: { flow: flow.id, lang } })}
        send={(id, body) => api<ConversationReply>(orgPath(org, `/flow-previews/${id}/messages`), { method: 'POST', body })}
      />
    </Stack>
  );
}

function NewFlow({ org, onSaved }: { org: string; onSaved: (id: string) => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [text, setText] = useState('');
  const save = useMutation({
    mutationFn: () =>
      api<FlowView>(orgPath(org, '/flows'), {
        method: 'POST',
        body: new Blob([text]),
        contentType: text.trimStart().startsWith('{') ? 'application/json' : 'application/yaml',
      }),
    onSuccess: async (saved) => {
      setText('');
      await client.invalidateQueries({ queryKey: flowsKey(org) });
      onSaved(saved.id);
    },
  });
  const problems = isApiError(save.error) ? save.error.details : [];
  return (
    <Paper withBorder p="md">
      <Stack gap="xs">
        <Textarea
          label={t('flows.newLabel')}
          description={t('flows.newHelp')}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          autosize
          minRows={4}
          maxRows={16}
          ff="monospace"
        />
        {save.error && problems.length === 0 ? <LoadError error={save.error} /> : null}
        {problems.length > 0 ? <ProblemTable problems={problems} caption={t('flows.problems', { count: problems.length })} /> : null}
        <Group>
          <Button onClick={() => save.mutate()} loading={save.isPending} disabled={!text.trim()}>
            {t('flows.save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export default function Flows() {
  const { t } = useTranslation();
  const org = useOrgId();
  const lang = useLanguage();
  const format = useFormat();
  const [selected, setSelected] = useState<string | null>(null);
  usePageTitle(t('flows.title'));
  const list = useQuery({ queryKey: flowsKey(org), queryFn: () => api<FlowList>(orgPath(org, '/flows')) });
  const chosen = selected ?? list.data?.items[0]?.id ?? null;
  const flow = useQuery({
    queryKey: [...flowsKey(org), chosen],
    queryFn: () => api<FlowView>(orgPath(org, `/flows/${encodeURIComponent(chosen!)}`)),
    enabled: chosen !== null,
  });
  if (list.isError) return <LoadError error={list.error} />;
  if (!list.data) return <Loading />;
  const title = (item: { title: Record<string, string>; id: string }) => item.title[lang] ?? Object.values(item.title)[0] ?? item.id;
  return (
    <Stack gap="md">
      <PageHeader title={t('flows.title')} description={t('flows.description')} />
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('flows.flow')}</Table.Th>
            <Table.Th>{t('flows.version')}</Table.Th>
            <Table.Th>{t('flows.steps')}</Table.Th>
            <Table.Th>{t('flows.origin')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.data.items.map((item) => (
            <Table.Tr key={item.id} aria-selected={item.id === chosen} bg={item.id === chosen ? 'blue.0' : undefined}>
              <Table.Td>
                <UnstyledButton onClick={() => setSelected(item.id)} fw={item.id === chosen ? 700 : 400}>
                  {title(item)} <Code>{item.id}</Code>
                </UnstyledButton>
              </Table.Td>
              <Table.Td>{item.revision ? t('flows.revision', { version: item.version, revision: item.revision }) : item.version}</Table.Td>
              <Table.Td>{item.steps}</Table.Td>
              <Table.Td>
                {item.shipped ? (
                  <Badge variant="light" color="gray" tt="none">
                    {t('flows.shipped')}
                  </Badge>
                ) : (
                  <Text size="sm">{t('flows.own', { who: item.createdBy ?? '', date: format.date(item.createdAt) })}</Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {allows(list.data, 'create') ? <NewFlow org={org} onSaved={setSelected} /> : null}
      {flow.isError ? <LoadError error={flow.error} /> : null}
      {flow.data ? (
        <Stack gap="md">
          <Title order={2} size="h3">
            {title(flow.data)}
          </Title>
          {allows(flow.data, 'preview') ? <Preview key={flow.data.id} org={org} flow={flow.data} /> : null}
          <Steps flow={flow.data.flow as unknown as FlowDocument} lang={lang} />
        </Stack>
      ) : null}
    </Stack>
  );
}
