// The exercise programme (ISO 22301 8.5): the exercises in schedule order with their results (objectives met,
// measured recovery against RTO), the calendar file, the coverage of critical activities with a suggested next
// programme; the continuity manager plans and starts exercises here, with injects (for a live test, to players named
// as an alert's audience, sent at their time or by hand before), writes the observers' notes while it runs and
// completes it with its results (objectives met, the times observed in a tabletop or walkthrough, lessons with their
// corrective actions); the recovery against RTO shown is the server's measure. Controls follow the server's abilities.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  EmptyState,
  Group,
  Modal,
  NativeSelect,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExerciseCoverage, ExerciseView } from '@shared/model/contract/exercises.js';
import { EntityMultiSelect } from '../components/EntityPicker.js';
import { EMPTY_LESSON, LessonsEditor, lessonsBody, type LessonDraft } from '../components/LessonsEditor.js';
import { ProblemSummary } from '../components/Problems.js';
import { ReportButton } from '../components/ReportButton.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { allows } from '../lib/abilities.js';
import { api, isApiError, orgPath, type ListPage } from '../lib/api.js';
import { fromLocalInput, localInput } from '../lib/crisis.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../lib/problems.js';
import { useFormat, useNames, useOrgId } from '../lib/queries.js';

const KINDS = ['tabletop', 'walkthrough', 'simulation', 'liveTest'] as const;

/**
 * How often to read the programme again while the server sends a live test's injects at their time: soon when one is
 * due and not yet shown sent, now and then while some are to come, never otherwise.
 */
function timedInjectsPoll(exercises: readonly ExerciseView[], now = Date.now()): number | false {
  const waiting = exercises
    .filter((exercise) => exercise.status === 'running' && exercise.incident)
    .flatMap((exercise) => exercise.injects.filter((inject) => !inject.sentAt && inject.dueAt));
  if (waiting.some((inject) => Date.parse(inject.dueAt!) <= now)) return 3_000;
  return waiting.length ? 30_000 : false;
}

export default function Exercises() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ['exercises', org],
    queryFn: () => api<ListPage<ExerciseView>>(orgPath(org, '/exercises')),
    refetchInterval: (current) => timedInjectsPoll(current.state.data?.items ?? []),
  });
  const coverage = useQuery({ queryKey: ['exercises', org, 'coverage'], queryFn: () => api<ExerciseCoverage>(orgPath(org, '/exercises/coverage')) });
  const [planning, setPlanning] = useState(false);
  const [completing, setCompleting] = useState<ExerciseView | null>(null);
  const send = useMutation({
    mutationFn: ({ exercise, inject }: { exercise: string; inject: string }) =>
      api(orgPath(org, `/exercises/${exercise}/injects/${encodeURIComponent(inject)}/send`), { method: 'POST', body: {} }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['exercises', org] }),
  });
  const start = useMutation({
    mutationFn: (id: string) => api(orgPath(org, `/exercises/${id}/start`), { method: 'POST', body: {} }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['exercises', org] }),
  });
  usePageTitle(t('exercises.title'));
  if (list.isError) return <LoadError error={list.error} />;
  const canCreate = allows(list.data, 'create');
  return (
    <Stack gap="md">
      <PageHeader
        title={t('exercises.title')}
        description={t('exercises.description')}
        actions={
          <Group gap="sm">
            <Button component="a" variant="default" href={orgPath(org, '/exercises.ics')} download>
              {t('exercises.calendar')}
            </Button>
            {canCreate ? <Button onClick={() => setPlanning(true)}>{t('exercises.plan')}</Button> : null}
          </Group>
        }
      />
      {start.error || send.error ? (
        <Alert color="red" role="alert">
          {errorSentence(start.error ?? send.error, t)}
        </Alert>
      ) : null}
      {!list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Paper withBorder p="xl">
          <EmptyState title={t('exercises.emptyTitle')} description={canCreate ? t('exercises.emptyText') : t('abilities.nothingYet')} />
        </Paper>
      ) : (
        <Table.ScrollContainer minWidth={860}>
          <Table striped withTableBorder aria-label={t('exercises.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('exercises.exercise')}</Table.Th>
                <Table.Th>{t('exercises.kind')}</Table.Th>
                <Table.Th>{t('exercises.scheduled')}</Table.Th>
                <Table.Th>{t('exercises.status')}</Table.Th>
                <Table.Th>{t('exercises.results')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((exercise) => (
                <Table.Tr key={exercise.id} data-exercise={exercise.id}>
                  <Table.Td>
                    <Text fw={600}>{exercise.title}</Text>
                    {exercise.incident ? (
                      <Anchor size="xs" href={`/orgs/${encodeURIComponent(org)}/incidents/${exercise.incident}`}>
                        {t('exercises.incident')}
                      </Anchor>
                    ) : null}
                    {exercise.injects.map((inject) => (
                      <Group key={inject.id} gap="xs" wrap="nowrap" data-inject={inject.id}>
                        <Text size="xs">{t('exercises.injectLine', { at: inject.at, message: inject.message })}</Text>
                        {inject.sentAt ? (
                          <Text size="xs" c="dimmed">
                            {t('exercises.injectSent', { at: format.dateTime(inject.sentAt) })}
                            {inject.alert ? ` · ${t('exercises.injectAlerted')}` : ''}
                          </Text>
                        ) : exercise.status === 'running' && allows(exercise, 'update') ? (
                          <Group gap="xs" wrap="nowrap">
                            {exercise.incident && inject.dueAt ? (
                              <Text size="xs" c="dimmed">
                                {t('exercises.injectDue', { at: format.dateTime(inject.dueAt) })}
                              </Text>
                            ) : null}
                            <Button
                              size="compact-xs"
                              variant="light"
                              loading={send.isPending}
                              onClick={() => send.mutate({ exercise: exercise.id, inject: inject.id })}
                            >
                              {t('exercises.sendInject')}
                            </Button>
                          </Group>
                        ) : null}
                      </Group>
                    ))}
                    <Notes org={org} exercise={exercise} />
                  </Table.Td>
                  <Table.Td>{t(`exercises.kinds.${exercise.kind}`)}</Table.Td>
                  <Table.Td>{format.dateTime(exercise.scheduledAt)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs">
                      <Text size="sm">{t(`exercises.statuses.${exercise.status}`)}</Text>
                      {exercise.status === 'planned' && allows(exercise, 'update') ? (
                        <Button size="compact-xs" variant="light" loading={start.isPending} onClick={() => start.mutate(exercise.id)}>
                          {t('exercises.start')}
                        </Button>
                      ) : null}
                      {exercise.status === 'running' && allows(exercise, 'update') ? (
                        <Button size="compact-xs" variant="light" onClick={() => setCompleting(exercise)}>
                          {t('exercises.complete')}
                        </Button>
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {exercise.results ? <Results org={org} exercise={exercise} results={exercise.results} /> : '—'}
                    <ReportButton org={org} ask={{ kind: 'exercise', exercise: exercise.id }} label={t('reports.exerciseReport')} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="xs">
          {t('exercises.coverage')}
        </Title>
        {coverage.data ? (
          <Stack gap="xs">
            <Text size="sm">{t('exercises.coverageHelp', { hours: coverage.data.mtpdAtMost, since: format.date(coverage.data.since) })}</Text>
            <Group gap="xs">
              {coverage.data.activities.map((line) => (
                <Badge key={line.activity} color={line.covered ? 'green' : 'red'} variant="light" tt="none">
                  {line.name} · {line.lastExercised ? format.date(line.lastExercised) : t('exercises.never')}
                </Badge>
              ))}
            </Group>
            {coverage.data.suggested.length ? (
              <Table aria-label={t('exercises.suggested')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('exercises.month')}</Table.Th>
                    <Table.Th>{t('exercises.kind')}</Table.Th>
                    <Table.Th>{t('exercises.why')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {coverage.data.suggested.map((line) => (
                    <Table.Tr key={`${line.month}-${line.kind}`}>
                      <Table.Td>{line.month}</Table.Td>
                      <Table.Td>{t(`exercises.kinds.${line.kind}`)}</Table.Td>
                      <Table.Td>
                        {line.activities
                          .map((id) => coverage.data.activities.find((item) => item.activity === id))
                          .filter((item) => item !== undefined)
                          .map((item) =>
                            t('exercises.whyLine', {
                              name: item.name,
                              mtpd: format.duration(item.mtpd),
                              last: item.lastExercised ? format.date(item.lastExercised) : t('exercises.never'),
                            }),
                          )
                          .join(' · ')}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            ) : (
              <Text size="sm">{t('exercises.allCovered')}</Text>
            )}
          </Stack>
        ) : coverage.isError ? (
          <LoadError error={coverage.error} />
        ) : (
          <Loading />
        )}
      </Paper>
      {canCreate ? <PlanForm org={org} opened={planning} onClose={() => setPlanning(false)} /> : null}
      {completing ? <CompleteForm key={completing.id} org={org} exercise={completing} onClose={() => setCompleting(null)} /> : null}
    </Stack>
  );
}

const AUDIENCES = ['none', 'everyone', 'sites', 'activities'] as const;
interface InjectDraft {
  at: number | string;
  message: string;
  players: (typeof AUDIENCES)[number];
  among: string[];
  channel: 'email' | 'sms';
}

/** An inject as the server takes it: players only when chosen (otherwise it only goes to the crisis log). */
function injectBody(draft: InjectDraft, i: number) {
  const audience = draft.players === 'everyone' ? { everyone: true } : draft.players === 'none' ? undefined : { [draft.players]: draft.among };
  return { id: `inject-${i + 1}`, at: Number(draft.at), message: draft.message, ...(audience ? { audience, channels: [draft.channel] } : {}) };
}

function InjectFields({ org, draft, onChange, onRemove }: { org: string; draft: InjectDraft; onChange: (draft: InjectDraft) => void; onRemove: () => void }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="xs">
      <Stack gap="xs">
        <Group grow align="flex-start">
          <NumberInput label={t('exercises.injectAt')} min={0} max={10080} value={draft.at} onChange={(at) => onChange({ ...draft, at })} />
          <NativeSelect
            label={t('exercises.players')}
            description={t('exercises.playersHelp')}
            value={draft.players}
            onChange={(event) => onChange({ ...draft, players: event.currentTarget.value as InjectDraft['players'], among: [] })}
            data={AUDIENCES.map((value) => ({ value, label: t(`exercises.audiences.${value}`) }))}
          />
        </Group>
        <TextInput
          label={t('exercises.injectMessage')}
          required
          value={draft.message}
          onChange={(event) => onChange({ ...draft, message: event.currentTarget.value })}
        />
        {draft.players === 'sites' || draft.players === 'activities' ? (
          <EntityMultiSelect
            org={org}
            collection={draft.players}
            label={t(`exercises.audiences.${draft.players}`)}
            value={draft.among}
            onChange={(among) => onChange({ ...draft, among })}
          />
        ) : null}
        <Group justify="space-between" align="flex-end">
          {draft.players !== 'none' ? (
            <NativeSelect
              label={t('exercises.channel')}
              value={draft.channel}
              onChange={(event) => onChange({ ...draft, channel: event.currentTarget.value as InjectDraft['channel'] })}
              data={(['email', 'sms'] as const).map((value) => ({ value, label: t(`exercises.channels.${value}`) }))}
            />
          ) : (
            <span />
          )}
          <Button variant="subtle" color="red" size="compact-sm" onClick={onRemove}>
            {t('exercises.removeInject')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function PlanForm({ org, opened, onClose }: { org: string; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<(typeof KINDS)[number]>('tabletop');
  const [when, setWhen] = useState('');
  const [duration, setDuration] = useState<number | string>(120);
  const [scenario, setScenario] = useState('');
  const [activities, setActivities] = useState<string[]>([]);
  const [injects, setInjects] = useState<InjectDraft[]>([]);
  const [objectives, setObjectives] = useState('');
  const plan = useMutation({
    mutationFn: () =>
      api(orgPath(org, '/exercises'), {
        method: 'POST',
        body: {
          title,
          kind,
          scheduledAt: fromLocalInput(when) ?? '',
          durationMinutes: Number(duration),
          activities,
          objectives: objectives
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean)
            .map((text, i) => ({ id: `objective-${i + 1}`, text })),
          injects: injects.map(injectBody),
          ...(scenario.trim() ? { scenario: scenario.trim() } : {}),
        },
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['exercises', org] });
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('exercises.plan')} size="lg">
      <Stack gap="sm">
        <TextInput label={t('exercises.exercise')} required value={title} onChange={(event) => setTitle(event.currentTarget.value)} />
        <NativeSelect
          label={t('exercises.kind')}
          value={kind}
          onChange={(event) => setKind(event.currentTarget.value as (typeof KINDS)[number])}
          data={KINDS.map((value) => ({ value, label: t(`exercises.kinds.${value}`) }))}
        />
        <TextInput type="datetime-local" label={t('exercises.scheduled')} required value={when} onChange={(event) => setWhen(event.currentTarget.value)} />
        <NumberInput label={t('exercises.duration')} min={1} max={10080} value={duration} onChange={setDuration} />
        {kind === 'simulation' ? (
          <TextInput
            label={t('exercises.scenario')}
            description={t('exercises.scenarioHelp')}
            value={scenario}
            onChange={(event) => setScenario(event.currentTarget.value)}
          />
        ) : null}
        <EntityMultiSelect org={org} collection="activities" label={t('exercises.activities')} value={activities} onChange={setActivities} />
        <Textarea
          label={t('exercises.objectives')}
          description={t('exercises.objectivesHelp')}
          autosize
          minRows={2}
          value={objectives}
          onChange={(event) => setObjectives(event.currentTarget.value)}
        />
        <Title order={3} size="h5">
          {t('exercises.injects')}
        </Title>
        {injects.map((draft, i) => (
          <InjectFields
            key={i}
            org={org}
            draft={draft}
            onChange={(next) => setInjects(injects.map((item, j) => (j === i ? next : item)))}
            onRemove={() => setInjects(injects.filter((_, j) => j !== i))}
          />
        ))}
        <Group>
          <Button
            variant="default"
            size="compact-sm"
            onClick={() => setInjects([...injects, { at: 0, message: '', players: 'none', among: [], channel: 'email' }])}
          >
            {t('exercises.addInject')}
          </Button>
        </Group>
        {plan.error ? (
          <Alert color="red" role="alert">
            {errorSentence(plan.error, t)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('exercises.cancel')}
          </Button>
          <Button loading={plan.isPending} disabled={!title.trim() || !when} onClick={() => plan.mutate()}>
            {t('exercises.plan')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The observers' notes, and while the exercise runs, the field to add one (for those the server lets update it). */
function Notes({ org, exercise }: { org: string; exercise: ExerciseView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const [text, setText] = useState('');
  const add = useMutation({
    mutationFn: () => api(orgPath(org, `/exercises/${exercise.id}/notes`), { method: 'POST', body: { text: text.trim() } }),
    onSuccess: async () => {
      setText('');
      await client.invalidateQueries({ queryKey: ['exercises', org] });
    },
  });
  const canWrite = exercise.status === 'running' && allows(exercise, 'update');
  if (exercise.notes.length === 0 && !canWrite) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) add.mutate();
  };
  return (
    <Stack gap={2} mt="xs" data-notes>
      <Text size="xs" fw={600}>
        {t('exercises.notes')}
      </Text>
      {exercise.notes.map((note, i) => (
        <Text key={i} size="xs">
          {t('exercises.noteLine', { at: format.dateTime(note.at), author: note.author, text: note.text })}
        </Text>
      ))}
      {canWrite ? (
        <form onSubmit={submit} noValidate>
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <TextInput
              size="xs"
              label={t('exercises.note')}
              maxLength={4000}
              value={text}
              onChange={(event) => setText(event.currentTarget.value)}
              error={add.error ? (isApiError(add.error) ? fieldErrorText(add.error.details, t) : undefined) || errorSentence(add.error, t) : undefined}
              style={{ flex: 1 }}
            />
            <Button type="submit" size="compact-sm" variant="light" disabled={!text.trim()} loading={add.isPending}>
              {t('exercises.addNote')}
            </Button>
          </Group>
        </form>
      ) : null}
    </Stack>
  );
}

/** A completed exercise's results as the server recorded them: recovery measured, never typed in hours. */
function Results({ org, exercise, results }: { org: string; exercise: ExerciseView; results: NonNullable<ExerciseView['results']> }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Stack gap={2} data-results>
      <Text size="sm">{t('exercises.objectivesMet', { met: results.objectivesMet, total: results.objectivesTotal })}</Text>
      {exercise.objectives
        .filter((objective) => objective.met !== null)
        .map((objective) => (
          <Text key={objective.id} size="xs" c={objective.met ? undefined : 'red.8'}>
            {t('exercises.objectiveLine', { status: t(`exercises.assessment.${objective.met ? 'met' : 'notMet'}`), text: objective.text })}
          </Text>
        ))}
      {results.recovery.map((line) => (
        <Text key={line.activity} size="xs" c={line.rtoMet === false ? 'red.8' : undefined}>
          {t('exercises.recoveryLine', {
            name: line.name,
            hours: line.recoveryHours === null ? t('exercises.notRecovered') : format.duration(line.recoveryHours),
            rto: format.duration(line.rto),
          })}
          {` · ${t(line.rtoMet ? 'exercises.rtoMet' : 'exercises.rtoMissed')} · ${t(`exercises.measuredBy.${line.measuredBy}`)}`}
        </Text>
      ))}
      {results.summary ? <Text size="xs">{results.summary}</Text> : null}
      {results.lessons.map((lesson, i) => (
        <Text key={i} size="xs">
          {t('exercises.lessonLine', { text: lesson.text })}
          {lesson.correctiveAction ? (
            <>
              {' · '}
              <Anchor size="xs" href={`/orgs/${encodeURIComponent(org)}/corrective-actions?source=exercise`}>
                {t('exercises.actionRaised')}
              </Anchor>
            </>
          ) : null}
        </Text>
      ))}
    </Stack>
  );
}

type Assessment = 'notAssessed' | 'met' | 'notMet';

/**
 * Completing a running exercise. Only a tabletop or walkthrough takes recovery times, as the instants the observers
 * noted: the server turns them into hours against each RTO; a live test's and a simulation's are measured by the server.
 */
function CompleteForm({ org, exercise, onClose }: { org: string; exercise: ExerciseView; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const name = useNames(org, 'activities');
  const observed = exercise.kind === 'tabletop' || exercise.kind === 'walkthrough';
  const [assessments, setAssessments] = useState<Record<string, Assessment>>({});
  const started = exercise.startedAt ? localInput(new Date(exercise.startedAt)) : '';
  const [times, setTimes] = useState<Record<string, { disruptedAt: string; recoveredAt: string }>>(() =>
    Object.fromEntries(exercise.activities.map((activity) => [activity, { disruptedAt: started, recoveredAt: '' }])),
  );
  const [summary, setSummary] = useState('');
  const [lessons, setLessons] = useState<LessonDraft[]>([{ ...EMPTY_LESSON }]);
  const recovery = observed
    ? exercise.activities
        .map((activity) => ({
          activity,
          disruptedAt: fromLocalInput(times[activity]?.disruptedAt ?? ''),
          recoveredAt: fromLocalInput(times[activity]?.recoveredAt ?? ''),
        }))
        .filter((line): line is { activity: string; disruptedAt: string; recoveredAt: string } => !!line.disruptedAt && !!line.recoveredAt)
    : [];
  const misordered = new Set(recovery.filter((line) => Date.parse(line.recoveredAt) < Date.parse(line.disruptedAt)).map((line) => line.activity));
  const complete = useMutation({
    mutationFn: () =>
      api(orgPath(org, `/exercises/${exercise.id}/complete`), {
        method: 'POST',
        body: {
          objectives: exercise.objectives
            .filter((objective) => (assessments[objective.id] ?? 'notAssessed') !== 'notAssessed')
            .map((objective) => ({ id: objective.id, met: assessments[objective.id] === 'met' })),
          recovery,
          ...(summary.trim() ? { summary: summary.trim() } : {}),
          lessons: lessonsBody(lessons),
        },
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['exercises', org] });
      onClose();
    },
  });
  const problems = isApiError(complete.error) ? groupByField(complete.error.details) : undefined;
  const rest = unclaimedProblems(problems, ['summary', 'recovery']);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    complete.mutate();
  };
  const setTime = (activity: string, field: 'disruptedAt' | 'recoveredAt', value: string) =>
    setTimes({ ...times, [activity]: { ...(times[activity] ?? { disruptedAt: '', recoveredAt: '' }), [field]: value } });
  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      title={t('exercises.completeTitle', { title: exercise.title })}
      size="xl"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {exercise.objectives.length ? (
            <>
              <Title order={3} size="h5">
                {t('exercises.objectives')}
              </Title>
              {exercise.objectives.map((objective) => (
                <NativeSelect
                  key={objective.id}
                  label={objective.text}
                  value={assessments[objective.id] ?? 'notAssessed'}
                  onChange={(event) => setAssessments({ ...assessments, [objective.id]: event.currentTarget.value as Assessment })}
                  data={(['notAssessed', 'met', 'notMet'] as const).map((value) => ({ value, label: t(`exercises.assessment.${value}`) }))}
                />
              ))}
            </>
          ) : null}
          <Title order={3} size="h5">
            {t('exercises.recovery')}
          </Title>
          <Text size="sm" c="dimmed">
            {observed
              ? exercise.activities.length
                ? t('exercises.recoveryObserved')
                : t('exercises.noActivities')
              : t(exercise.kind === 'liveTest' ? 'exercises.recoveryIncident' : 'exercises.recoverySimulation')}
          </Text>
          {observed
            ? exercise.activities.map((activity, i) => {
                const index = recovery.findIndex((line) => line.activity === activity);
                return (
                  <SimpleGrid key={activity} cols={{ base: 1, md: 2 }}>
                    <TextInput
                      type="datetime-local"
                      label={t('exercises.disruptedAt', { name: name(activity) })}
                      value={times[activity]?.disruptedAt ?? ''}
                      onChange={(event) => setTime(activity, 'disruptedAt', event.currentTarget.value)}
                      error={fieldErrorText(index >= 0 ? problemsAt(problems, `recovery.${index}.disruptedAt`) : [], t)}
                      data-line={i}
                    />
                    <TextInput
                      type="datetime-local"
                      label={t('exercises.recoveredAt', { name: name(activity) })}
                      value={times[activity]?.recoveredAt ?? ''}
                      onChange={(event) => setTime(activity, 'recoveredAt', event.currentTarget.value)}
                      error={
                        misordered.has(activity)
                          ? t('exercises.order')
                          : fieldErrorText(index >= 0 ? problemsAt(problems, `recovery.${index}.recoveredAt`) : [], t)
                      }
                    />
                  </SimpleGrid>
                );
              })
            : null}
          <Textarea
            label={t('exercises.summary')}
            autosize
            minRows={2}
            maxLength={4000}
            value={summary}
            onChange={(event) => setSummary(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(problems, 'summary'), t)}
          />
          <LessonsEditor lessons={lessons} onChange={setLessons} />
          {complete.error ? <ProblemSummary title={t('form.refused')} message={errorSentence(complete.error, t)} problems={rest} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('exercises.cancel')}
            </Button>
            <Button type="submit" loading={complete.isPending} disabled={misordered.size > 0}>
              {t('exercises.confirmComplete')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
