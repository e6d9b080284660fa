// The crisis log: append-only and time-stamped. Situation updates, decisions (with who decided) and messages are
// written here; Rempart adds activations, task changes and statuses. Nothing is edited: a correction is a new entry
// naming the one it corrects, and the corrected entry says so.
import { Alert, Badge, Button, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, Textarea, TextInput, Timeline, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../lib/api.js';
import type { IncidentView, LogEntryView } from '../../lib/crisis.js';
import type { Translate } from '../../lib/format.js';
import { crisisKeys, incidentPath, useCrisisLog, useTasks } from '../../lib/crisis-queries.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt } from '../../lib/problems.js';
import { describeEntry, pick } from '../../lib/crisis.js';
import { useFormat, useLanguage, useNames } from '../../lib/queries.js';
import { LoadError, Loading } from '../Page.js';

const WRITTEN = ['situation', 'decision', 'message'] as const;

export function CrisisLogPanel({ org, incident, canWrite }: { org: string; incident: IncidentView; canWrite: boolean }) {
  const log = useCrisisLog(org, incident.id);
  const describe = useLogDescriber(org, incident);
  if (log.isError) return <LoadError error={log.error} />;
  if (!log.data) return <Loading />;
  return (
    <Stack gap="md">
      {canWrite ? <LogForm org={org} incident={incident.id} entries={log.data.items} /> : null}
      <LogTimeline entries={log.data.items} describe={describe} />
    </Stack>
  );
}

/** How the log of an incident is told: activities, tasks and plans by their names in the reader's language. */
export function useLogDescriber(org: string, incident: IncidentView): (entry: LogEntryView) => string {
  const { t } = useTranslation();
  const language = useLanguage();
  const activity = useNames(org, 'activities');
  const tasks = useTasks(org, incident.id);
  const byId = new Map((tasks.data?.items ?? []).map((task) => [task.id, task]));
  const plans = new Map(incident.plans.map((plan) => [plan.plan, pick(plan.title, plan.titles, language)]));
  return (entry) => describeEntry(entry, t as Translate, { activity, task: (id) => byId.get(id), plan: (id) => plans.get(id) ?? id }, language);
}

/** The entries, newest first. */
export function LogTimeline({
  entries,
  oldestFirst = false,
  describe,
}: {
  entries: LogEntryView[];
  oldestFirst?: boolean;
  describe?: (entry: LogEntryView) => string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const ordered = oldestFirst ? entries : [...entries].reverse();
  return (
    <Timeline bulletSize={14} lineWidth={2} aria-label={t('incident.log.entries')}>
      {ordered.map((entry) => (
        <Timeline.Item
          key={entry.seq}
          color={entry.kind === 'decision' ? 'red' : entry.kind === 'situation' ? 'blue' : 'gray'}
          title={
            <Group gap={6}>
              <Text size="sm" fw={700}>
                #{entry.seq}
              </Text>
              <Badge size="xs" variant="light" tt="none">
                {t(`logKind.${entry.kind}`)}
              </Badge>
              <Text size="xs" c="dimmed">
                {format.dateTime(entry.at)} · {entry.author}
              </Text>
            </Group>
          }
        >
          <div data-log-entry={entry.seq} data-kind={entry.kind}>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} td={entry.correctedBy.length > 0 ? 'line-through' : undefined}>
              {describe ? describe(entry) : entry.text}
            </Text>
            {entry.decidedBy ? (
              <Text size="xs" c="dimmed">
                {t('incident.log.decidedBy', { by: entry.decidedBy })}
              </Text>
            ) : null}
            {entry.corrects ? (
              <Text size="xs" c="orange.9">
                {t('incident.log.corrects', { seq: entry.corrects })}
              </Text>
            ) : null}
            {entry.correctedBy.length > 0 ? (
              <Text size="xs" c="orange.9">
                {t('incident.log.correctedBy', { list: entry.correctedBy.map((seq) => `#${seq}`).join(', ') })}
              </Text>
            ) : null}
          </div>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

function LogForm({ org, incident, entries }: { org: string; incident: string; entries: LogEntryView[] }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [kind, setKind] = useState<(typeof WRITTEN)[number]>('situation');
  const [text, setText] = useState('');
  const [decidedBy, setDecidedBy] = useState('');
  const [corrects, setCorrects] = useState('');
  const write = useMutation({
    mutationFn: () =>
      api<LogEntryView>(incidentPath(org, incident, '/log'), {
        method: 'POST',
        body: {
          kind,
          text: text.trim(),
          ...(kind === 'decision' && decidedBy.trim() ? { decidedBy: decidedBy.trim() } : {}),
          ...(corrects ? { corrects: Number(corrects) } : {}),
        },
      }),
    onSuccess: async () => {
      setText('');
      setDecidedBy('');
      setCorrects('');
      await client.invalidateQueries({ queryKey: crisisKeys.incident(org, incident) });
    },
  });
  const problems = isApiError(write.error) ? groupByField(write.error.details) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    write.mutate();
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="log-new">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" id="log-new">
            {t('incident.log.add')}
          </Title>
          <Text size="xs" c="dimmed">
            {t('incident.log.appendOnly')}
          </Text>
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <NativeSelect
              label={t('incident.log.kind')}
              value={kind}
              onChange={(event) => setKind(event.currentTarget.value as (typeof WRITTEN)[number])}
              data={WRITTEN.map((value) => ({ value, label: t(`logKind.${value}`) }))}
            />
            {kind === 'decision' ? (
              <TextInput
                label={t('incident.log.decider')}
                description={t('incident.log.deciderHelp')}
                value={decidedBy}
                onChange={(event) => setDecidedBy(event.currentTarget.value)}
                error={fieldErrorText(problemsAt(problems, 'decidedBy'), t)}
              />
            ) : null}
            <NativeSelect
              label={t('incident.log.correctsLabel')}
              value={corrects}
              onChange={(event) => setCorrects(event.currentTarget.value)}
              data={[
                { value: '', label: t('incident.log.notCorrection') },
                ...entries.map((entry) => ({ value: String(entry.seq), label: `#${entry.seq} ${entry.text.slice(0, 60)}` })),
              ]}
              error={fieldErrorText(problemsAt(problems, 'corrects'), t)}
            />
          </SimpleGrid>
          <Textarea
            label={t('incident.log.text')}
            required
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={4000}
            error={fieldErrorText(problemsAt(problems, 'text'), t)}
          />
          {write.error && !problems?.size ? (
            <Alert color="red" role="alert">
              {errorSentence(write.error, t)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button type="submit" loading={write.isPending} disabled={!text.trim()}>
              {t('incident.log.append')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
