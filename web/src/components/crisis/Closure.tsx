// Closing an incident with its post-incident review (summary, lessons, each lesson's corrective action), and the
// review itself: timeline, measured recovery per activity against its RTO, lessons and their corrective actions.
import { Alert, Badge, Button, Card, Group, Modal, NativeSelect, Paper, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { allows } from '../../lib/abilities.js';
import { api, isApiError, orgPath } from '../../lib/api.js';
import { fromLocalInput, localInput, type CorrectiveAction, type IncidentReview, type IncidentView } from '../../lib/crisis.js';
import { crisisKeys, incidentPath, useCorrectiveActions, useReview } from '../../lib/crisis-queries.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../../lib/problems.js';
import { useFormat } from '../../lib/queries.js';
import { ProblemSummary } from '../Problems.js';
import { LoadError, Loading } from '../Page.js';
import { LogTimeline, useLogDescriber } from './CrisisLog.js';
import { EMPTY_LESSON, LessonsEditor, lessonsBody, type LessonDraft } from '../LessonsEditor.js';

export function CloseIncident({
  org,
  incident,
  opened,
  onClose,
  onClosed,
}: {
  org: string;
  incident: IncidentView;
  opened: boolean;
  onClose: () => void;
  onClosed: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [at, setAt] = useState(() => localInput(new Date()));
  const [summary, setSummary] = useState('');
  const [lessons, setLessons] = useState<LessonDraft[]>([{ ...EMPTY_LESSON }]);
  const close = useMutation({
    mutationFn: () =>
      api<IncidentReview>(incidentPath(org, incident.id, '/close'), {
        method: 'POST',
        body: {
          ...(fromLocalInput(at) ? { at: fromLocalInput(at) } : {}),
          ...(summary.trim() ? { summary: summary.trim() } : {}),
          lessons: lessonsBody(lessons),
        },
      }),
    onSuccess: async (review) => {
      client.setQueryData([...crisisKeys.incident(org, incident.id), 'review'], review);
      await client.invalidateQueries({ queryKey: crisisKeys.incident(org, incident.id) });
      await client.invalidateQueries({ queryKey: crisisKeys.incidents(org) });
      onClosed();
    },
  });
  const problems = isApiError(close.error) ? groupByField(close.error.details) : undefined;
  const rest = unclaimedProblems(problems, ['summary', 'at']);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    close.mutate();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={onClose} title={t('incident.closure.title')} size="xl">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            {t('incident.closure.help')}
          </Text>
          <TextInput
            type="datetime-local"
            label={t('incident.closure.at')}
            value={at}
            onChange={(event) => setAt(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(problems, 'at'), t)}
            w={260}
          />
          <Textarea
            label={t('incident.closure.summary')}
            value={summary}
            onChange={(event) => setSummary(event.currentTarget.value)}
            autosize
            minRows={3}
            error={fieldErrorText(problemsAt(problems, 'summary'), t)}
          />
          <LessonsEditor lessons={lessons} onChange={setLessons} />
          {close.error ? <ProblemSummary title={t('form.refused')} message={errorSentence(close.error, t)} problems={rest} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="dark" loading={close.isPending}>
              {t('incident.closure.confirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function Review({ org, incident }: { org: string; incident: IncidentView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const review = useReview(org, incident.id, incident.status === 'closed');
  const actions = useCorrectiveActions(org, incident.id, incident.status === 'closed');
  const describe = useLogDescriber(org, incident);
  if (review.isError) return <LoadError error={review.error} />;
  if (!review.data) return <Loading />;
  const data = review.data;
  return (
    <Stack gap="md" data-testid="review">
      <Paper withBorder p="md" component="section" aria-labelledby="review-summary">
        <Title order={2} size="h4" id="review-summary">
          {t('incident.review.summary')}
        </Title>
        <Text size="sm" mt={4}>
          {t('incident.review.span', { start: format.dateTime(data.start), end: format.dateTime(data.closedAt) })}
        </Text>
        {data.summary ? (
          <Text size="sm" mt="xs" style={{ whiteSpace: 'pre-wrap' }}>
            {data.summary}
          </Text>
        ) : null}
      </Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="review-recovery">
        <Title order={2} size="h4" id="review-recovery" mb="sm">
          {t('incident.review.recovery')}
        </Title>
        <Table.ScrollContainer minWidth={640}>
          <Table striped withTableBorder aria-labelledby="review-recovery">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('incident.board.activity')}</Table.Th>
                <Table.Th>{t('incident.review.disrupted')}</Table.Th>
                <Table.Th>{t('incident.projection.recovered')}</Table.Th>
                <Table.Th>{t('incident.review.measured')}</Table.Th>
                <Table.Th>{t('terms.rto.name')}</Table.Th>
                <Table.Th>{t('plan.validation.rtoMet')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.recovery.map((line) => (
                <Table.Tr key={line.activity} data-activity={line.activity}>
                  <Table.Td>{line.name}</Table.Td>
                  <Table.Td>{format.dateTime(line.disruptedAt)}</Table.Td>
                  <Table.Td>{line.recoveredAt ? format.dateTime(line.recoveredAt) : t('incident.projection.notRecovered')}</Table.Td>
                  <Table.Td>{format.duration(line.recoveryHours)}</Table.Td>
                  <Table.Td>{format.duration(line.rto)}</Table.Td>
                  <Table.Td>
                    {line.rtoMet === null ? (
                      '—'
                    ) : (
                      <Badge color={line.rtoMet ? 'teal' : 'red'} variant="light" tt="none">
                        {line.rtoMet ? t('plan.validation.yes') : t('plan.validation.no')}
                      </Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="review-lessons">
        <Title order={2} size="h4" id="review-lessons" mb="sm">
          {t('incident.review.lessons')}
        </Title>
        {data.lessons.length === 0 ? <Text size="sm">{t('incident.review.noLesson')}</Text> : null}
        <Stack gap="xs">
          {data.lessons.map((lesson, index) => {
            const action = (actions.data?.items ?? data.correctiveActions).find((item) => item.id === lesson.correctiveAction);
            return (
              <Card key={index} withBorder padding="sm" data-lesson={index + 1}>
                <Text size="sm">{lesson.text}</Text>
                {action ? <ActionLine org={org} incident={incident.id} action={action} /> : null}
              </Card>
            );
          })}
        </Stack>
      </Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="review-timeline">
        <Title order={2} size="h4" id="review-timeline" mb="sm">
          {t('incident.review.timeline')}
        </Title>
        <LogTimeline entries={data.timeline} oldestFirst describe={describe} />
      </Paper>
    </Stack>
  );
}

/** What a follow-up may set here; `verified` is given only by a verification (by someone other than the owner). */
const ACTION_STATUSES = ['open', 'inProgress', 'done', 'cancelled'] as const;

/** A lesson's corrective action, followed up here by those the server lets. */
function ActionLine({ org, incident, action }: { org: string; incident: string; action: CorrectiveAction }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const change = useMutation({
    mutationFn: (status: CorrectiveAction['status']) =>
      api<CorrectiveAction>(orgPath(org, `/corrective-actions/${action.id}`), { method: 'PATCH', body: { status } }),
    onSuccess: () => client.invalidateQueries({ queryKey: crisisKeys.incident(org, incident) }),
  });
  return (
    <Group gap="sm" mt={6} align="center" data-corrective-action={action.id}>
      <Badge variant="light" color="indigo" tt="none">
        {t('incident.review.correctiveAction')}
      </Badge>
      <Text size="sm" fw={600}>
        {action.title}
      </Text>
      <Text size="xs" c="dimmed">
        {[action.owner, action.due ? format.date(action.due) : null].filter(Boolean).join(' · ')}
      </Text>
      {allows(action, 'update') && action.status !== 'verified' ? (
        <NativeSelect
          size="xs"
          aria-label={t('incident.review.actionStatus', { title: action.title })}
          value={action.status}
          onChange={(event) => change.mutate(event.currentTarget.value as CorrectiveAction['status'])}
          data={ACTION_STATUSES.map((value) => ({ value, label: t(`actionStatus.${value}`) }))}
        />
      ) : (
        <Text size="xs">{t(`actionStatus.${action.status}`)}</Text>
      )}
      {change.error ? (
        <Alert color="red" role="alert" p="xs">
          {errorSentence(change.error, t)}
        </Alert>
      ) : null}
    </Group>
  );
}
