// The exercise programme (ISO 22301 8.5): the exercises in schedule order with their results (objectives met,
// measured recovery against RTO), the calendar file, the coverage of critical activities with a suggested next
// programme; the continuity manager plans and starts exercises here, with injects (for a live test, to players named
// as an alert's audience) and sends them once it runs. Controls follow the server's abilities.
import { Alert, Anchor, Badge, Button, EmptyState, Group, Modal, NativeSelect, NumberInput, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExerciseCoverage, ExerciseView } from '@shared/model/contract/exercises.js';
import { EntityMultiSelect } from '../components/EntityPicker.js';
import { ReportButton } from '../components/ReportButton.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { allows } from '../lib/abilities.js';
import { api, orgPath, type ListPage } from '../lib/api.js';
import { fromLocalInput } from '../lib/crisis.js';
import { errorSentence } from '../lib/problems.js';
import { useFormat, useOrgId } from '../lib/queries.js';

const KINDS = ['tabletop', 'walkthrough', 'simulation', 'liveTest'] as const;

export default function Exercises() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const client = useQueryClient();
  const list = useQuery({ queryKey: ['exercises', org], queryFn: () => api<ListPage<ExerciseView>>(orgPath(org, '/exercises')) });
  const coverage = useQuery({ queryKey: ['exercises', org, 'coverage'], queryFn: () => api<ExerciseCoverage>(orgPath(org, '/exercises/coverage')) });
  const [planning, setPlanning] = useState(false);
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
                          <Button
                            size="compact-xs"
                            variant="light"
                            loading={send.isPending}
                            onClick={() => send.mutate({ exercise: exercise.id, inject: inject.id })}
                          >
                            {t('exercises.sendInject')}
                          </Button>
                        ) : null}
                      </Group>
                    ))}
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
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {exercise.results ? (
                      <Stack gap={2}>
                        <Text size="sm">{t('exercises.objectivesMet', { met: exercise.results.objectivesMet, total: exercise.results.objectivesTotal })}</Text>
                        {exercise.results.recovery.map((line) => (
                          <Text key={line.activity} size="xs" c={line.rtoMet === false ? 'red.8' : undefined}>
                            {t('exercises.recoveryLine', {
                              name: line.name,
                              hours: line.recoveryHours === null ? t('exercises.notRecovered') : format.duration(line.recoveryHours),
                              rto: format.duration(line.rto),
                            })}
                          </Text>
                        ))}
                      </Stack>
                    ) : (
                      '—'
                    )}
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
