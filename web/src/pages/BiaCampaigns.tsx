// BIA campaigns: activity owners find their tasks and sign off the impacts they filled in on the activity's page;
// the continuity manager launches campaigns over chosen activities, follows progress per owner, approves or returns
// each activity with a comment; an approved campaign is a BIA version, shown with what changed since the previous
// approved one. Controls follow the server's abilities.
import { Alert, Anchor, Badge, Button, EmptyState, Group, Modal, Paper, Progress, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { BiaCampaignView, BiaDiff, BiaTaskView } from '@shared/model/contract/bia-campaigns.js';
import { EntityMultiSelect } from '../components/EntityPicker.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { allows } from '../lib/abilities.js';
import { api, orgPath, type ListPage } from '../lib/api.js';
import { errorSentence } from '../lib/problems.js';
import { useSearchParam } from '../lib/search-params.js';
import { entityName } from '../lib/format.js';
import { useFormat, useLanguage, useNames, useOrganisation, useOrgId } from '../lib/queries.js';

type Summary = Omit<BiaCampaignView, 'tasks' | 'byOwner' | 'mailings'>;

export default function BiaCampaigns() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const [params, setParam] = useSearchParam();
  const selected = params.get('campaign');
  const campaigns = useQuery({ queryKey: ['bia-campaigns', org], queryFn: () => api<ListPage<Summary>>(orgPath(org, '/bia-campaigns')) });
  const tasks = useQuery({ queryKey: ['bia-campaigns', org, 'mine'], queryFn: () => api<{ items: BiaTaskView[] }>(orgPath(org, '/bia-tasks')) });
  const [launching, setLaunching] = useState(false);
  usePageTitle(t('biaCampaigns.title'));
  if (campaigns.isError) return <LoadError error={campaigns.error} />;
  const canCreate = allows(campaigns.data, 'create');
  return (
    <Stack gap="md">
      <PageHeader
        title={t('biaCampaigns.title')}
        description={t('biaCampaigns.description')}
        actions={canCreate ? <Button onClick={() => setLaunching(true)}>{t('biaCampaigns.launch')}</Button> : undefined}
      />
      {tasks.data && tasks.data.items.length > 0 ? (
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="xs">
            {t('biaCampaigns.myTasks')}
          </Title>
          <TaskTable org={org} tasks={tasks.data.items} campaign={null} />
        </Paper>
      ) : null}
      {!campaigns.data ? (
        <Loading />
      ) : campaigns.data.items.length === 0 ? (
        <Paper withBorder p="xl">
          <EmptyState title={t('biaCampaigns.emptyTitle')} description={canCreate ? t('biaCampaigns.emptyText') : t('abilities.nothingYet')} />
        </Paper>
      ) : (
        <Table striped withTableBorder aria-label={t('biaCampaigns.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('biaCampaigns.campaign')}</Table.Th>
              <Table.Th>{t('biaCampaigns.version')}</Table.Th>
              <Table.Th>{t('biaCampaigns.due')}</Table.Th>
              <Table.Th>{t('biaCampaigns.progress')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {campaigns.data.items.map((campaign) => (
              <Table.Tr key={campaign.id}>
                <Table.Td>
                  <Anchor component="button" fw={600} onClick={() => setParam('campaign', campaign.id)}>
                    {campaign.title}
                  </Anchor>{' '}
                  {campaign.status === 'approved' ? (
                    <Badge color="green" variant="light" tt="none">
                      {t('biaCampaigns.approved')}
                    </Badge>
                  ) : null}
                </Table.Td>
                <Table.Td>{campaign.version}</Table.Td>
                <Table.Td>{format.date(campaign.due)}</Table.Td>
                <Table.Td>
                  <Text size="sm">{t('biaCampaigns.progressLine', { approved: campaign.progress.approved, total: campaign.progress.total })}</Text>
                  <Progress value={campaign.progress.total ? (100 * campaign.progress.approved) / campaign.progress.total : 0} size="sm" aria-hidden />
                  {campaign.progress.overdue ? (
                    <Text size="xs" c="red.8" fw={700}>
                      {t('biaCampaigns.overdueCount', { count: campaign.progress.overdue })}
                    </Text>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {selected ? <CampaignDetail org={org} id={selected} /> : null}
      {canCreate ? <LaunchForm org={org} opened={launching} onClose={() => setLaunching(false)} /> : null}
    </Stack>
  );
}

function CampaignDetail({ org, id }: { org: string; id: string }) {
  const campaign = useQuery({ queryKey: ['bia-campaigns', org, id], queryFn: () => api<BiaCampaignView>(orgPath(org, `/bia-campaigns/${id}`)) });
  if (campaign.isError) return <LoadError error={campaign.error} />;
  if (!campaign.data) return <Loading />;
  return (
    <Paper withBorder p="md" data-campaign={id}>
      <Title order={2} size="h4" mb="xs">
        {campaign.data.title}
      </Title>
      <Group gap="xs" mb="sm">
        {campaign.data.byOwner.map((line) => (
          <Badge key={line.owner} variant="light" color={line.approved === line.total ? 'green' : 'gray'} tt="none">
            {line.owner}: {line.approved}/{line.total}
          </Badge>
        ))}
      </Group>
      <TaskTable org={org} tasks={campaign.data.tasks} campaign={id} />
      <Changes org={org} id={id} />
      <Mailings mailings={campaign.data.mailings} />
    </Paper>
  );
}

/** What changed in the approved impacts, MTPD, RTO and MBCO since the previous approved campaign, per activity. */
function Changes({ org, id }: { org: string; id: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const language = useLanguage();
  const name = useNames(org, 'activities');
  const organisation = useOrganisation(org);
  const diff = useQuery({ queryKey: ['bia-campaigns', org, id, 'diff'], queryFn: () => api<BiaDiff>(orgPath(org, `/bia-campaigns/${id}/diff`)) });
  if (diff.isError) return <LoadError error={diff.error} />;
  if (!diff.data) return null;
  const { previous, activities } = diff.data;
  if (!previous)
    return activities.some((line) => line.status !== 'notApproved') ? (
      <Text size="sm" mt="sm">
        {t('biaCampaigns.firstVersion')}
      </Text>
    ) : null;
  const bia = organisation.data?.bia;
  const value = (field: string, raw: unknown) =>
    raw === null || raw === undefined ? '—' : field === 'mbco' ? format.percent(raw as number) : format.duration(raw as number);
  // An impact row changes as levels per time point: only the points whose level moved are told.
  const lines = (change: BiaDiff['activities'][number]['changes'][number]) => {
    if (!change.field.startsWith('impacts.'))
      return [
        t('biaCampaigns.changeLine', {
          field: t(`terms.${change.field}.name`),
          before: value(change.field, change.before),
          after: value(change.field, change.after),
        }),
      ];
    const category = change.field.slice('impacts.'.length);
    const label = entityName(
      bia?.categories.find((item) => item.id === category),
      language,
      category,
    );
    const before = (change.before as Array<number | null> | null) ?? [];
    const after = (change.after as Array<number | null> | null) ?? [];
    return Array.from({ length: Math.max(before.length, after.length) }, (_, i) => i)
      .filter((i) => (before[i] ?? null) !== (after[i] ?? null))
      .map((i) =>
        t('biaCampaigns.changeLine', {
          field: bia?.timePoints[i] !== undefined ? t('biaCampaigns.impactAt', { category: label, time: format.duration(bia.timePoints[i]) }) : label,
          before: before[i] ?? '—',
          after: after[i] ?? '—',
        }),
      );
  };
  const unchanged = activities.filter((line) => line.status === 'unchanged').length;
  return (
    <Stack gap={4} mt="sm" data-changes>
      <Title order={3} size="h6">
        {t('biaCampaigns.changes', { version: previous.version })}
      </Title>
      {activities
        .filter((line) => line.status !== 'unchanged')
        .map((line) => (
          <Stack key={line.activity} gap={0}>
            <Text size="sm" fw={500}>
              {name(line.activity)} · {t(`biaCampaigns.changeStatuses.${line.status}`)}
            </Text>
            {line.changes.flatMap(lines).map((text) => (
              <Text key={text} size="xs">
                {text}
              </Text>
            ))}
          </Stack>
        ))}
      {unchanged ? <Text size="xs">{t('biaCampaigns.unchangedCount', { count: unchanged })}</Text> : null}
    </Stack>
  );
}

/** Who the owners' mail reached, and whom it could not, with why (only when the server sends mail). */
function Mailings({ mailings }: { mailings: BiaCampaignView['mailings'] }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (mailings.length === 0) return null;
  return (
    <Stack gap={4} mt="sm">
      <Title order={3} size="h6">
        {t('biaCampaigns.mailings')}
      </Title>
      {mailings.map((mailing) => (
        <Stack key={`${mailing.at}-${mailing.activity ?? ''}`} gap={0}>
          <Text size="sm" fw={500}>
            {format.dateTime(mailing.at)} · {t(`biaCampaigns.mailingKinds.${mailing.kind}`, { activity: mailing.activity })}
          </Text>
          {mailing.sent.map((line) => (
            <Text key={line.to} size="xs">
              {t('biaCampaigns.mailedTo', { to: line.to, activities: line.activities.join(', ') })}
            </Text>
          ))}
          {mailing.skipped.map((line) => (
            <Text key={line.owner} size="xs" c="orange.9">
              {t('biaCampaigns.notMailed', { owner: line.owner, activities: line.activities.join(', '), reason: t(`biaCampaigns.mailReasons.${line.reason}`) })}
            </Text>
          ))}
        </Stack>
      ))}
    </Stack>
  );
}

function TaskTable({ org, tasks, campaign }: { org: string; tasks: BiaTaskView[]; campaign: string | null }) {
  const { t } = useTranslation();
  return (
    <Table withTableBorder aria-label={t('biaCampaigns.tasks')}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('biaCampaigns.activity')}</Table.Th>
          {campaign ? null : <Table.Th>{t('biaCampaigns.campaign')}</Table.Th>}
          <Table.Th>{t('biaCampaigns.owner')}</Table.Th>
          <Table.Th>{t('biaCampaigns.status')}</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {tasks.map((task) => (
          <TaskRow key={`${task.campaign}-${task.activity}`} org={org} task={task} showCampaign={!campaign} />
        ))}
      </Table.Tbody>
    </Table>
  );
}

function TaskRow({ org, task, showCampaign }: { org: string; task: BiaTaskView; showCampaign: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [comment, setComment] = useState('');
  const path = `/bia-campaigns/${task.campaign}/tasks/${encodeURIComponent(task.activity)}`;
  const refresh = () => client.invalidateQueries({ queryKey: ['bia-campaigns', org] });
  const signOff = useMutation({ mutationFn: () => api(orgPath(org, `${path}/sign-off`), { method: 'POST', body: {} }), onSuccess: refresh });
  const review = useMutation({
    mutationFn: (decision: 'approve' | 'return') =>
      api(orgPath(org, `${path}/review`), { method: 'POST', body: { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) } }),
    onSuccess: refresh,
  });
  const error = signOff.error ?? review.error;
  return (
    <Table.Tr data-task={task.activity}>
      <Table.Td>
        <Anchor component={Link} to={`/orgs/${encodeURIComponent(org)}/activities/${encodeURIComponent(task.activity)}`}>
          {task.name}
        </Anchor>
        {task.comment && task.status === 'returned' ? (
          <Text size="xs" c="orange.9">
            {t('biaCampaigns.returnedWith', { comment: task.comment })}
          </Text>
        ) : null}
      </Table.Td>
      {showCampaign ? <Table.Td>{task.campaignTitle}</Table.Td> : null}
      <Table.Td>{task.owner}</Table.Td>
      <Table.Td>
        {t(`biaCampaigns.statuses.${task.status}`)}
        {task.overdue ? (
          <Text span c="red.8" fw={700} ml={6}>
            {t('biaCampaigns.overdue')}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Group gap="xs">
          {allows(task, 'signOff') ? (
            <Button size="compact-sm" onClick={() => signOff.mutate()}>
              {t('biaCampaigns.signOff')}
            </Button>
          ) : null}
          {allows(task, 'review') ? (
            <>
              <Button size="compact-sm" color="green" onClick={() => review.mutate('approve')}>
                {t('biaCampaigns.approve')}
              </Button>
              <TextInput
                size="xs"
                aria-label={t('biaCampaigns.comment')}
                placeholder={t('biaCampaigns.comment')}
                value={comment}
                onChange={(e) => setComment(e.currentTarget.value)}
              />
              <Button size="compact-sm" variant="light" color="orange" onClick={() => review.mutate('return')}>
                {t('biaCampaigns.return')}
              </Button>
            </>
          ) : null}
        </Group>
        {error ? (
          <Alert color="red" role="alert" p="xs" mt={4}>
            {errorSentence(error, t)}
          </Alert>
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

function LaunchForm({ org, opened, onClose }: { org: string; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const [activities, setActivities] = useState<string[]>([]);
  const launch = useMutation({
    mutationFn: () => api(orgPath(org, '/bia-campaigns'), { method: 'POST', body: { title, due, activities } }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['bia-campaigns', org] });
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('biaCampaigns.launch')} size="lg">
      <Stack gap="sm">
        <TextInput label={t('biaCampaigns.campaign')} required value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <TextInput type="date" label={t('biaCampaigns.due')} required value={due} onChange={(e) => setDue(e.currentTarget.value)} />
        <EntityMultiSelect org={org} collection="activities" label={t('biaCampaigns.activities')} value={activities} onChange={setActivities} />
        {launch.error ? (
          <Alert color="red" role="alert">
            {errorSentence(launch.error, t)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('biaCampaigns.cancel')}
          </Button>
          <Button loading={launch.isPending} disabled={!title.trim() || !due || activities.length === 0} onClick={() => launch.mutate()}>
            {t('biaCampaigns.launch')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
