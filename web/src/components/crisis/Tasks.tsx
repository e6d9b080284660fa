// The activated plans and their tasks: an approved plan is activated here (its steps become tasks due from the
// activation time); tasks are ticked by the crisis team, and those past their due time stand out.
import { Alert, Badge, Button, Checkbox, Group, List, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../lib/api.js';
import { isOverdue, pick, type IncidentView, type TaskView } from '../../lib/crisis.js';
import { crisisKeys, incidentPath, useNow, usePlans, useTasks } from '../../lib/crisis-queries.js';
import { errorSentence } from '../../lib/problems.js';
import { useFormat, useLanguage } from '../../lib/queries.js';
import { LoadError, Loading } from '../Page.js';

export function Tasks({ org, incident, canRun }: { org: string; incident: IncidentView; canRun: boolean }) {
  const { t } = useTranslation();
  const tasks = useTasks(org, incident.id);
  const client = useQueryClient();
  const now = useNow(15_000);
  const tick = useMutation({
    mutationFn: (input: { task: string; status: 'open' | 'done' }) =>
      api(incidentPath(org, incident.id, `/tasks/${input.task}`), { method: 'PUT', body: { status: input.status } }),
    onSuccess: () => client.invalidateQueries({ queryKey: crisisKeys.incident(org, incident.id) }),
  });
  return (
    <Stack gap="md">
      <ActivatedPlans org={org} incident={incident} canRun={canRun} />
      {tick.error ? (
        <Alert color="red" role="alert">
          {errorSentence(tick.error, t)}
        </Alert>
      ) : null}
      {tasks.isError ? <LoadError error={tasks.error} /> : null}
      {!tasks.data ? (
        <Loading />
      ) : tasks.data.items.length === 0 ? (
        <Text size="sm">{t('incident.tasks.none')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table withTableBorder aria-label={t('incident.tasks.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={60}>{t('incident.tasks.done')}</Table.Th>
                <Table.Th>{t('incident.tasks.task')}</Table.Th>
                <Table.Th>{t('incident.tasks.owner')}</Table.Th>
                <Table.Th>{t('incident.tasks.due')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tasks.data.items.map((task) => (
                <TaskRow
                  key={task.id}
                  task={task}
                  overdue={isOverdue(task, Math.max(now, Date.parse(tasks.data.now)))}
                  canRun={canRun}
                  pending={tick.isPending && tick.variables?.task === task.id}
                  onTick={(done) => tick.mutate({ task: task.id, status: done ? 'done' : 'open' })}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

function TaskRow({
  task,
  overdue,
  canRun,
  pending,
  onTick,
}: {
  task: TaskView;
  overdue: boolean;
  canRun: boolean;
  pending: boolean;
  onTick: (done: boolean) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const language = useLanguage();
  const title = pick(task.title, task.titles, language);
  return (
    <Table.Tr data-task={task.step} data-status={task.status} data-overdue={overdue ? 'true' : undefined} bg={overdue ? 'red.0' : undefined}>
      <Table.Td>
        {canRun ? (
          <Checkbox
            aria-label={t('incident.tasks.tick', { title })}
            checked={task.status === 'done'}
            disabled={pending}
            onChange={(event) => onTick(event.currentTarget.checked)}
          />
        ) : (
          <Text size="sm">{task.status === 'done' ? '✓' : '—'}</Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={6}>
          <Text size="sm" fw={600} td={task.status === 'done' ? 'line-through' : undefined}>
            {title}
          </Text>
          <Badge size="xs" variant="light" tt="none">
            {t(`planPhase.${task.phase}`)}
          </Badge>
          {overdue ? (
            <Badge size="sm" color="red" variant="filled" tt="none">
              {t('incident.tasks.overdue')}
            </Badge>
          ) : null}
        </Group>
        {task.details ? (
          <Text size="xs" c="dimmed">
            {task.details}
          </Text>
        ) : null}
        {task.checklist.length > 0 ? (
          <List size="xs" mt={4}>
            {task.checklist.map((item, index) => (
              <List.Item key={index}>{pick(item.text, item.texts, language)}</List.Item>
            ))}
          </List>
        ) : null}
        {task.where ? <Text size="xs">{t('incident.tasks.where', { where: task.where })}</Text> : null}
        {task.status === 'done' ? (
          <Text size="xs" c="teal.9">
            {t('incident.tasks.doneBy', { by: task.doneBy ?? '—', date: format.dateTime(task.doneAt) })}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{task.owner ?? '—'}</Text>
        {task.team ? (
          <Text size="xs" c="dimmed">
            {task.team}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={overdue ? 'red.9' : undefined} fw={overdue ? 700 : undefined}>
          {format.dateTime(task.dueAt)}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

function ActivatedPlans({ org, incident, canRun }: { org: string; incident: IncidentView; canRun: boolean }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const format = useFormat();
  const client = useQueryClient();
  const plans = usePlans(org);
  const [plan, setPlan] = useState<string | null>(null);
  const activate = useMutation({
    mutationFn: (id: string) => api<IncidentView>(incidentPath(org, incident.id, '/plans'), { method: 'POST', body: { plan: id } }),
    onSuccess: async (updated) => {
      client.setQueryData(crisisKeys.incident(org, incident.id), updated);
      setPlan(null);
      await client.invalidateQueries({ queryKey: crisisKeys.incident(org, incident.id) });
    },
  });
  const activated = new Set(incident.plans.map((item) => item.plan));
  // Only an approved version is activated.
  const options = (plans.data?.items ?? [])
    .filter((item) => item.approvedVersion !== null && !activated.has(item.id))
    .map((item) => ({ value: item.id, label: pick(item.title, item.titles, language) }));
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="incident-plans">
      <Title order={2} size="h4" id="incident-plans">
        {t('incident.plans.title')}
      </Title>
      {incident.plans.length === 0 ? (
        <Text size="sm" mt={4}>
          {t('incident.plans.none')}
        </Text>
      ) : (
        <List size="sm" mt={4}>
          {incident.plans.map((item) => (
            <List.Item key={item.plan}>
              {t('incident.plans.activated', {
                title: pick(item.title, item.titles, language),
                version: item.version,
                by: item.activatedBy,
                date: format.dateTime(item.activatedAt),
              })}
            </List.Item>
          ))}
        </List>
      )}
      {canRun ? (
        <Group align="flex-end" mt="sm">
          <Select
            label={t('incident.plans.choose')}
            data={options}
            value={plan}
            onChange={setPlan}
            placeholder={options.length ? t('common.choose') : t('incident.plans.noneApproved')}
            w={360}
          />
          <Button onClick={() => plan && activate.mutate(plan)} disabled={!plan} loading={activate.isPending}>
            {t('incident.plans.activate')}
          </Button>
        </Group>
      ) : null}
      {activate.error ? (
        <Alert color="red" role="alert" mt="sm">
          {isApiError(activate.error) && activate.error.details.some((detail) => detail.rule === 'activators')
            ? t('incident.plans.notActivator')
            : errorSentence(activate.error, t)}
        </Alert>
      ) : null}
    </Paper>
  );
}
