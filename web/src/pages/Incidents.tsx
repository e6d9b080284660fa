// Incidents and exercises, newest first, filtered by state; the crisis team declares one here (an exercise is
// marked as such everywhere it shows).
import {
  Anchor,
  Button,
  EmptyState,
  Group,
  Modal,
  NativeSelect,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { EntityMultiSelect } from '../components/EntityPicker.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { FormRefusal } from '../components/Problems.js';
import { ExerciseBadge, SeverityBadge } from '../components/crisis/Badges.js';
import { allows } from '../lib/abilities.js';
import { api, isApiError, orgPath } from '../lib/api.js';
import { fromLocalInput, localInput, SEVERITIES, type IncidentView, type Severity } from '../lib/crisis.js';
import { crisisKeys, useIncidents } from '../lib/crisis-queries.js';
import { entityName } from '../lib/format.js';
import { fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../lib/problems.js';
import { useSearchParam } from '../lib/search-params.js';
import { useFormat, useLanguage, useOrgId } from '../lib/queries.js';
import { useThreats } from '../lib/risk-queries.js';

export default function Incidents() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const [params, setParam] = useSearchParam();
  const status = params.get('status') ?? '';
  const exercise = params.get('exercise') ?? '';
  const incidents = useIncidents(org, { status: status || undefined, exercise: exercise || undefined });
  const base = `/orgs/${encodeURIComponent(org)}`;
  const canCreate = allows(incidents.data, 'create');
  const declaring = params.get('new') === '1' && canCreate;
  usePageTitle(t('incidents.title'));

  if (incidents.isError) return <LoadError error={incidents.error} />;
  const items = incidents.data?.items ?? [];
  return (
    <Stack gap="md">
      <PageHeader
        title={t('incidents.title')}
        description={t('incidents.description')}
        actions={
          canCreate ? (
            <Button color="red" onClick={() => setParam('new', '1')}>
              {t('incidents.declare')}
            </Button>
          ) : undefined
        }
      />
      <Group gap="sm" align="flex-end">
        <NativeSelect
          label={t('incidents.state')}
          value={status}
          onChange={(event) => setParam('status', event.currentTarget.value || null)}
          data={[
            { value: '', label: t('incidents.allStates') },
            { value: 'open', label: t('incidents.open') },
            { value: 'closed', label: t('incidents.closed') },
          ]}
        />
        <NativeSelect
          label={t('incidents.kind')}
          value={exercise}
          onChange={(event) => setParam('exercise', event.currentTarget.value || null)}
          data={[
            { value: '', label: t('incidents.allKinds') },
            { value: 'false', label: t('incidents.real') },
            { value: 'true', label: t('incidents.exercises') },
          ]}
        />
      </Group>
      {!incidents.data ? (
        <Loading />
      ) : items.length === 0 ? (
        <Paper withBorder p="xl">
          <EmptyState title={t('incidents.emptyTitle')} description={canCreate ? t('incidents.emptyText') : t('abilities.nothingYet')} />
        </Paper>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped withTableBorder aria-label={t('incidents.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('incidents.incident')}</Table.Th>
                <Table.Th>{t('incidents.severity')}</Table.Th>
                <Table.Th>{t('incidents.state')}</Table.Th>
                <Table.Th>{t('incidents.start')}</Table.Th>
                <Table.Th>{t('incidents.plans')}</Table.Th>
                <Table.Th>{t('incidents.tasks')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((incident) => (
                <Table.Tr key={incident.id} data-incident={incident.id} data-exercise={incident.exercise ? 'true' : undefined}>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {incident.exercise ? <ExerciseBadge /> : null}
                      <Anchor component={Link} to={`${base}/incidents/${incident.id}`} fw={600}>
                        {incident.title}
                      </Anchor>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <SeverityBadge severity={incident.severity} />
                  </Table.Td>
                  <Table.Td>
                    {incident.status === 'open' ? t('incidents.open') : t('incidents.closedOn', { date: format.dateTime(incident.closedAt) })}
                  </Table.Td>
                  <Table.Td>{format.dateTime(incident.start)}</Table.Td>
                  <Table.Td>{incident.plans.length ? incident.plans.map((plan) => plan.title).join(', ') : '—'}</Table.Td>
                  <Table.Td>
                    {t('incidents.taskCount', { done: incident.tasks.done, total: incident.tasks.total })}
                    {incident.tasks.overdue > 0 ? (
                      <Text span c="red.8" fw={700} ml={6}>
                        {t('incidents.overdueCount', { count: incident.tasks.overdue })}
                      </Text>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {canCreate ? <Declare org={org} opened={declaring} onClose={() => setParam('new', null)} /> : null}
    </Stack>
  );
}

const DECLARATION_FIELDS = ['title', 'severity', 'type', 'description', 'start', 'sites', 'activities', 'applications', 'suppliers', 'exercise'];

function Declare({ org, opened, onClose }: { org: string; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const client = useQueryClient();
  const navigate = useNavigate();
  const threats = useThreats(org);
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState<Severity>('major');
  const [type, setType] = useState<string | null>(null);
  const [description, setDescription] = useState('');
  const [start, setStart] = useState(() => localInput(new Date()));
  const [sites, setSites] = useState<string[]>([]);
  const [activities, setActivities] = useState<string[]>([]);
  const [applications, setApplications] = useState<string[]>([]);
  const [suppliers, setSuppliers] = useState<string[]>([]);
  const [exercise, setExercise] = useState(false);
  const declare = useMutation({
    mutationFn: () =>
      api<IncidentView>(orgPath(org, '/incidents'), {
        method: 'POST',
        body: {
          title: title.trim(),
          severity,
          ...(type ? { type } : {}),
          ...(description.trim() ? { description: description.trim() } : {}),
          ...(fromLocalInput(start) ? { start: fromLocalInput(start) } : {}),
          sites,
          activities,
          applications,
          suppliers,
          exercise,
        },
      }),
    onSuccess: async (incident) => {
      await client.invalidateQueries({ queryKey: crisisKeys.incidents(org) });
      onClose();
      navigate(`/orgs/${encodeURIComponent(org)}/incidents/${incident.id}`);
    },
  });
  const problems = isApiError(declare.error) ? groupByField(declare.error.details) : undefined;
  const rest = unclaimedProblems(problems, DECLARATION_FIELDS);
  const error = (field: string) => fieldErrorText(problemsAt(problems, field, true), t);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    declare.mutate();
  };
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={onClose} title={t('incidents.declare')} size="xl">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Switch
            label={t('incidents.exerciseSwitch')}
            description={t('incidents.exerciseHelp')}
            checked={exercise}
            onChange={(event) => setExercise(event.currentTarget.checked)}
            color="grape"
          />
          <TextInput
            label={t('incidents.fields.title')}
            required
            value={title}
            onChange={(event) => setTitle(event.currentTarget.value)}
            error={error('title')}
            data-autofocus
          />
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <NativeSelect
              label={t('incidents.severity')}
              required
              value={severity}
              onChange={(event) => setSeverity(event.currentTarget.value as Severity)}
              data={SEVERITIES.map((value) => ({ value, label: t(`incidentSeverity.${value}`) }))}
              error={error('severity')}
            />
            <Select
              label={t('incidents.fields.type')}
              data={(threats.data?.items ?? []).map((threat) => ({ value: threat.id, label: entityName(threat, language) }))}
              value={type}
              onChange={setType}
              searchable
              clearable
              error={error('type')}
            />
            <TextInput
              type="datetime-local"
              label={t('incidents.start')}
              value={start}
              onChange={(event) => setStart(event.currentTarget.value)}
              error={error('start')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <EntityMultiSelect
              org={org}
              collection="activities"
              label={t('incidents.fields.activities')}
              description={t('incidents.fields.activitiesHelp')}
              value={activities}
              onChange={setActivities}
              error={error('activities')}
            />
            <EntityMultiSelect org={org} collection="sites" label={t('incidents.fields.sites')} value={sites} onChange={setSites} error={error('sites')} />
            <EntityMultiSelect
              org={org}
              collection="applications"
              label={t('incidents.fields.applications')}
              value={applications}
              onChange={setApplications}
              error={error('applications')}
            />
            <EntityMultiSelect
              org={org}
              collection="suppliers"
              label={t('incidents.fields.suppliers')}
              value={suppliers}
              onChange={setSuppliers}
              error={error('suppliers')}
            />
          </SimpleGrid>
          <Textarea
            label={t('incidents.fields.description')}
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
            autosize
            minRows={2}
            error={error('description')}
          />
          <FormRefusal error={declare.error} problems={problems} rest={rest} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color={exercise ? 'grape' : 'red'} loading={declare.isPending}>
              {exercise ? t('incidents.declareExercise') : t('incidents.declareNow')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
