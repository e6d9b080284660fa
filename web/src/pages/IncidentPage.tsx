// One incident, as the crisis team runs it: the situation board with each affected activity's status and the hours
// left before its MTPD counting down, the activation of approved plans, the tasks they give, the append-only crisis
// log, the projection "if this lasts", the alerts to the staff with their delivery, the live availability, and the
// closure with its post-incident review. Live: every change made elsewhere arrives through the incident's events.
import { Alert, Anchor, Badge, Breadcrumbs, Button, Group, Menu, Stack, Tabs, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { ExerciseBadge, SeverityBadge } from '../components/crisis/Badges.js';
import { Board } from '../components/crisis/Board.js';
import { CloseIncident, Review } from '../components/crisis/Closure.js';
import { IncidentForm } from '../components/crisis/IncidentForm.js';
import { CrisisLogPanel } from '../components/crisis/CrisisLog.js';
import { ProjectionPanel } from '../components/crisis/Projection.js';
import { Tasks } from '../components/crisis/Tasks.js';
import { allows, useAbilities } from '../lib/abilities.js';
import { AlertsPanel } from '../components/crisis/AlertsPanel.js';
import { AvailabilityPanel } from '../components/crisis/Availability.js';
import { incidentPath, useIncident, useIncidentEvents } from '../lib/crisis-queries.js';
import { useFormat, useOrgId } from '../lib/queries.js';

export default function IncidentPage() {
  const { t } = useTranslation();
  const org = useOrgId();
  const { id = '' } = useParams();
  const format = useFormat();
  const incident = useIncident(org, id);
  const live = useIncidentEvents(org, id);
  const abilities = useAbilities(org);
  const [params, setParams] = useSearchParams();
  const [closing, setClosing] = useState(false);
  const [editing, setEditing] = useState(false);
  usePageTitle(incident.data?.title);
  if (incident.isError) return <LoadError error={incident.error} />;
  if (!incident.data) return <Loading />;
  const current = incident.data;
  const base = `/orgs/${encodeURIComponent(org)}`;
  const open = current.status === 'open';
  const canRun = allows(current, 'update') && open;
  const tab = params.get('tab') ?? 'board';

  return (
    <Stack gap="md" pb="md" data-exercise={current.exercise ? 'true' : undefined}>
      <Breadcrumbs>
        <Anchor component={Link} to={`${base}/incidents`} size="sm">
          {t('incidents.title')}
        </Anchor>
        <Text size="sm">{format.dateTime(current.start)}</Text>
      </Breadcrumbs>
      {current.exercise ? (
        <Alert color="grape" variant="filled" role="note" title={t('incident.exerciseBanner')} data-testid="exercise-banner">
          {t('incident.exerciseText')}
        </Alert>
      ) : null}
      <PageHeader
        title={current.title}
        badge={
          <Group gap={6} wrap="nowrap">
            {current.exercise ? <ExerciseBadge /> : null}
            <SeverityBadge severity={current.severity} />
            <Badge color={open ? 'red' : 'gray'} variant="outline" tt="none">
              {open ? t('incidents.open') : t('incidents.closed')}
            </Badge>
          </Group>
        }
        description={[
          t('incident.started', { date: format.dateTime(current.start) }),
          t('incident.declaredBy', { by: current.declaredBy, date: format.dateTime(current.declaredAt) }),
          current.closedAt ? t('incidents.closedOn', { date: format.dateTime(current.closedAt) }) : null,
        ]
          .filter(Boolean)
          .join(' · ')}
      />

      <Group gap="sm">
        <Text size="xs" c={live ? 'teal.9' : 'dimmed'} role="status" data-testid="live-state">
          {live ? t('incident.live') : t('incident.notLive')}
        </Text>
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <Button variant="default">{t('incident.exportLog')}</Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item component="a" href={incidentPath(org, id, '/log.csv')} download>
              CSV
            </Menu.Item>
            {(['en', 'fr'] as const).map((lang) => (
              <Menu.Item key={lang} component="a" href={incidentPath(org, id, `/log.pdf?lang=${lang}`)} download>
                {t(`plan.pdfIn.${lang}`)}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
        {canRun ? (
          <Button variant="default" onClick={() => setEditing(true)}>
            {t('incidents.edit')}
          </Button>
        ) : null}
        {canRun ? (
          <Button color="dark" onClick={() => setClosing(true)}>
            {t('incident.close')}
          </Button>
        ) : null}
      </Group>
      {current.description ? (
        <Text size="sm" maw={820}>
          {current.description}
        </Text>
      ) : null}
      <Tabs value={tab} onChange={(value) => setParams(value && value !== 'board' ? { tab: value } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="board">{t('incident.tabs.board')}</Tabs.Tab>
          <Tabs.Tab
            value="tasks"
            rightSection={
              current.tasks.overdue > 0 ? (
                <Badge color="red" size="xs">
                  {current.tasks.overdue}
                </Badge>
              ) : null
            }
          >
            {t('incident.tabs.tasks', { done: current.tasks.done, total: current.tasks.total })}
          </Tabs.Tab>
          <Tabs.Tab value="log">{t('incident.tabs.log')}</Tabs.Tab>
          <Tabs.Tab value="projection">{t('incident.tabs.projection')}</Tabs.Tab>
          {abilities.can('alerts', 'read') ? <Tabs.Tab value="alerts">{t('alerts.tab')}</Tabs.Tab> : null}
          {abilities.can('availability', 'read') ? <Tabs.Tab value="availability">{t('availability.tab')}</Tabs.Tab> : null}
          {!open ? <Tabs.Tab value="review">{t('incident.tabs.review')}</Tabs.Tab> : null}
        </Tabs.List>
        <Tabs.Panel value="board" pt="md">
          <Board org={org} incident={current} />
        </Tabs.Panel>
        <Tabs.Panel value="tasks" pt="md">
          <Tasks org={org} incident={current} canRun={canRun} />
        </Tabs.Panel>
        <Tabs.Panel value="log" pt="md">
          <CrisisLogPanel org={org} incident={current} canWrite={canRun} />
        </Tabs.Panel>
        <Tabs.Panel value="projection" pt="md">
          <ProjectionPanel org={org} incident={current} />
        </Tabs.Panel>
        {abilities.can('alerts', 'read') ? (
          <Tabs.Panel value="alerts" pt="md">
            <AlertsPanel org={org} incident={current.id} open={open} live={live} canPickPeople={abilities.can('people', 'read')} />
          </Tabs.Panel>
        ) : null}
        {abilities.can('availability', 'read') ? (
          <Tabs.Panel value="availability" pt="md">
            <AvailabilityPanel org={org} incident={current.id} />
          </Tabs.Panel>
        ) : null}
        {!open ? (
          <Tabs.Panel value="review" pt="md">
            <Review org={org} incident={current} />
          </Tabs.Panel>
        ) : null}
      </Tabs>
      {canRun && editing ? <IncidentForm org={org} incident={current} opened onClose={() => setEditing(false)} /> : null}
      {canRun ? (
        <CloseIncident
          org={org}
          incident={current}
          opened={closing}
          onClose={() => setClosing(false)}
          onClosed={() => {
            setClosing(false);
            setParams({ tab: 'review' }, { replace: true });
          }}
        />
      ) : null}
    </Stack>
  );
}
