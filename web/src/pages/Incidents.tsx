// Incidents and exercises, newest first, filtered by state; the crisis team declares one here (an exercise is
// marked as such everywhere it shows).
import { Anchor, Button, EmptyState, Group, NativeSelect, Paper, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { ExerciseBadge, SeverityBadge } from '../components/crisis/Badges.js';
import { IncidentForm } from '../components/crisis/IncidentForm.js';
import { allows } from '../lib/abilities.js';
import { useIncidents } from '../lib/crisis-queries.js';
import { useSearchParam } from '../lib/search-params.js';
import { useFormat, useOrgId } from '../lib/queries.js';

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
      {canCreate ? <IncidentForm org={org} opened={declaring} onClose={() => setParam('new', null)} /> : null}
    </Stack>
  );
}
