// A conversation with the assistant, as the web app shows it: the messages (text, quick replies, links, cards, answers
// with their source and date, and the plan an answer comes from), a field to answer, and a fresh start. It knows no
// route: the page gives it how to start a conversation and how to answer one (a member's, or a flow's preview).
import { Anchor, Badge, Button, Group, Paper, Stack, Text, TextInput, Typography } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationReply, ConversationStarted, FlowMessage } from '@shared/model/contract/conversations.js';
import { LoadError } from '../Page.js';
import { useFormat } from '../../lib/queries.js';

type Said = { from: 'bot'; message: FlowMessage } | { from: 'person'; text: string };

export interface ChatProps {
  /** Starts a conversation: its id and first messages. */
  start: () => Promise<ConversationStarted>;
  /** Sends what the person typed or picked. */
  send: (id: string, body: { text: string } | { choice: string }) => Promise<ConversationReply>;
  /** Names the conversation for screen readers. */
  label: string;
  /** Changes when the conversation must start again (another flow, another language). */
  restartKey?: string;
}

function Answer({ message }: { message: Extract<FlowMessage, { type: 'answer' }> }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Paper withBorder p="sm" radius="md" data-testid="chat-answer">
      <Text fw={600} size="sm">
        {message.question}
      </Text>
      <Typography fz="sm">
        {/* Sanitised on the server (knowledge-base answers) or built from escaped text (plan answers). */}
        <div dangerouslySetInnerHTML={{ __html: message.html }} />
      </Typography>
      <Group gap="xs" mt={4} data-testid="chat-citation">
        {message.plan ? (
          <Text size="xs" c="dimmed">
            {t('assistant.fromPlan', { plan: message.plan.title, version: message.plan.version, date: format.date(message.plan.approvedAt) })}
          </Text>
        ) : (
          <Text size="xs" c="dimmed">
            {t('assistant.source', { source: message.source, date: format.date(message.published) })}{' '}
            {message.url ? (
              <Anchor href={message.url} target="_blank" rel="noopener noreferrer" size="xs">
                {t('assistant.openSource')}
              </Anchor>
            ) : null}
          </Text>
        )}
        {message.stale ? (
          <Badge color="orange" variant="light" size="xs" tt="none">
            {t('assistant.stale', { date: format.date(message.reviewBy) })}
          </Badge>
        ) : null}
      </Group>
    </Paper>
  );
}

function BotMessage({ message, onChoice, last }: { message: FlowMessage; onChoice: (id: string) => void; last: boolean }) {
  if (message.type === 'answer') return <Answer message={message} />;
  const links = message.links ?? [];
  return (
    <Stack gap={4} align="flex-start">
      {message.type === 'card' ? (
        <Paper withBorder p="sm" radius="md">
          <Text fw={600}>{message.title}</Text>
          {message.body ? <Text size="sm">{message.body}</Text> : null}
        </Paper>
      ) : (
        <Paper bg="gray.1" p="xs" radius="md" maw="85%">
          <Text size="sm" style={{ whiteSpace: 'pre-line' }}>
            {message.text}
          </Text>
        </Paper>
      )}
      {links.length > 0 ? (
        <Group gap="xs">
          {links.map((link) => (
            <Anchor key={link.url} href={link.url} target="_blank" rel="noopener noreferrer" size="sm">
              {link.label}
            </Anchor>
          ))}
        </Group>
      ) : null}
      {message.type === 'text' && message.quickReplies && last ? (
        <Group gap="xs" wrap="wrap">
          {message.quickReplies.map((reply) => (
            <Button key={reply.id} size="compact-sm" variant="light" onClick={() => onChoice(reply.id)}>
              {reply.label}
            </Button>
          ))}
        </Group>
      ) : null}
    </Stack>
  );
}

export function Chat({ start, send, label, restartKey }: ChatProps) {
  const { t } = useTranslation();
  const [said, setSaid] = useState<Said[]>([]);
  const [id, setId] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let current = true;
    setSaid([]);
    setId(null);
    setError(null);
    setBusy(true);
    start()
      .then((started) => {
        if (!current) return;
        setId(started.id);
        setSaid(started.messages.map((message) => ({ from: 'bot', message })));
      })
      .catch((failure: unknown) => current && setError(failure))
      .finally(() => current && setBusy(false));
    return () => {
      current = false;
    };
    // `start` changes with each render of the page: the conversation starts again only when asked to.
  }, [restartKey, round]);
  useEffect(() => {
    // A block body: scrollIntoView returns a promise in recent browsers, which React would take for a cleanup.
    void end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [said]);

  const answer = async (body: { text: string } | { choice: string }, shown: string) => {
    if (!id || busy) return;
    setBusy(true);
    setError(null);
    setSaid((before) => [...before, { from: 'person', text: shown }]);
    try {
      const reply = await send(id, body);
      setSaid((before) => [...before, ...reply.messages.map((message) => ({ from: 'bot' as const, message }))]);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const typed = text.trim();
    if (!typed) return;
    setText('');
    void answer({ text: typed }, typed);
  };
  const lastBot = said.map((item) => item.from).lastIndexOf('bot');
  const labelOf = (choice: string) => {
    const message = said[lastBot];
    const reply = message?.from === 'bot' && message.message.type === 'text' ? message.message.quickReplies?.find((item) => item.id === choice) : undefined;
    return reply?.label ?? choice;
  };

  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Stack gap="sm" role="log" aria-live="polite" aria-label={label} mah={520} style={{ overflowY: 'auto' }} data-testid="chat-log">
          {said.map((item, index) =>
            item.from === 'person' ? (
              <Group key={index} justify="flex-end">
                <Paper bg="blue.1" p="xs" radius="md" maw="85%">
                  <Text size="sm">{item.text}</Text>
                </Paper>
              </Group>
            ) : (
              <BotMessage
                key={index}
                message={item.message}
                last={index === lastBot && !busy}
                onChoice={(choice) => void answer({ choice }, labelOf(choice))}
              />
            ),
          )}
          <div ref={end} />
        </Stack>
        {error ? <LoadError error={error} /> : null}
        <form onSubmit={submit}>
          <Group gap="xs" align="flex-end">
            <TextInput
              flex={1}
              label={t('assistant.yourMessage')}
              value={text}
              maxLength={1000}
              onChange={(event) => setText(event.currentTarget.value)}
              disabled={!id}
              data-testid="chat-input"
            />
            <Button type="submit" loading={busy} disabled={!id}>
              {t('assistant.send')}
            </Button>
            <Button variant="default" onClick={() => setRound((value) => value + 1)}>
              {t('assistant.restart')}
            </Button>
          </Group>
        </form>
      </Stack>
    </Paper>
  );
}
