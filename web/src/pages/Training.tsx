// Training and awareness (ISO 22301 7.2, 7.3): the member's own training to acknowledge (and its quiz), the campaigns
// with their completion, one campaign's completion per site and activity and each person's state; the manager
// launches (audience from the people directory, content links, the statement to acknowledge, an optional quiz) and
// closes. Controls follow the server's abilities.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  EmptyState,
  Group,
  Modal,
  Paper,
  Progress,
  Radio,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CompletionFigure, TrainingCampaignView } from '@shared/model/contract/assurance.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { allows } from '../lib/abilities.js';
import { api, orgPath, type ListPage } from '../lib/api.js';
import { errorSentence } from '../lib/problems.js';
import { useSearchParam } from '../lib/search-params.js';
import { useFormat, useOrgId } from '../lib/queries.js';

type Summary = Omit<TrainingCampaignView, 'content' | 'acknowledgement' | 'quiz' | 'reminderDays' | 'reminders' | 'breakdown' | 'assignments' | 'links'>;

interface MyTraining {
  campaign: string;
  title: string;
  due: string;
  content: Array<{ title: string; url: string }>;
  acknowledgement: string;
  questions: Array<{ question: string; choices: string[] }>;
  passMark: number | null;
  status: 'pending' | 'failed' | 'completed';
  score: number | null;
}

function Completion({ figure }: { figure: CompletionFigure }) {
  const { t } = useTranslation();
  return (
    <>
      <Text size="sm">{t('training.completionLine', { completed: figure.completed, total: figure.total })}</Text>
      <Progress value={figure.rate === null ? 0 : figure.rate * 100} size="sm" aria-hidden />
    </>
  );
}

export default function Training() {
  const { t } = useTranslation();
  const org = useOrgId();
  const format = useFormat();
  const [params, setParam] = useSearchParam();
  const selected = params.get('campaign');
  const [launched, setLaunched] = useState<TrainingCampaignView | undefined>(undefined);
  const campaigns = useQuery({
    queryKey: ['training', org],
    queryFn: () => api<ListPage<Summary>>(orgPath(org, '/training-campaigns')),
    retry: false,
  });
  const [launching, setLaunching] = useState(false);
  usePageTitle(t('training.title'));
  const canCreate = allows(campaigns.data, 'create');
  return (
    <Stack gap="md">
      <PageHeader
        title={t('training.title')}
        description={t('training.description')}
        actions={canCreate ? <Button onClick={() => setLaunching(true)}>{t('training.launch')}</Button> : undefined}
      />
      <MyTrainingList org={org} />
      {campaigns.isError ? null : !campaigns.data ? (
        <Loading />
      ) : campaigns.data.items.length === 0 ? (
        <Paper withBorder p="xl">
          <EmptyState title={t('training.emptyTitle')} description={canCreate ? t('training.emptyText') : t('abilities.nothingYet')} />
        </Paper>
      ) : (
        <Table striped withTableBorder aria-label={t('training.campaigns')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('training.campaign')}</Table.Th>
              <Table.Th>{t('training.audience')}</Table.Th>
              <Table.Th>{t('training.due')}</Table.Th>
              <Table.Th>{t('training.completion')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {campaigns.data.items.map((campaign) => (
              <Table.Tr key={campaign.id}>
                <Table.Td>
                  <Anchor component="button" fw={600} onClick={() => setParam('campaign', campaign.id)}>
                    {campaign.title}
                  </Anchor>{' '}
                  {campaign.status === 'closed' ? (
                    <Badge color="gray" variant="light" tt="none">
                      {t('training.closed')}
                    </Badge>
                  ) : campaign.overdue ? (
                    <Badge color="red" variant="light" tt="none">
                      {t('training.overdue')}
                    </Badge>
                  ) : null}
                </Table.Td>
                <Table.Td>{t(`training.audiences.${campaign.audience.kind}`)}</Table.Td>
                <Table.Td>{format.date(campaign.due)}</Table.Td>
                <Table.Td>
                  <Completion figure={campaign.completion} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {launched?.links ? <LinksList view={launched} onClose={() => setLaunched(undefined)} /> : null}
      {selected && !campaigns.isError ? <CampaignDetail org={org} id={selected} /> : null}
      {canCreate ? (
        <LaunchForm
          org={org}
          opened={launching}
          onClose={() => setLaunching(false)}
          onLaunched={(view) => {
            setLaunched(view);
            setParam('campaign', view.id);
          }}
        />
      ) : null}
    </Stack>
  );
}

/** The personal links of a campaign just launched: to hand out where mail is not configured (shown once). */
function LinksList({ view, onClose }: { view: TrainingCampaignView; onClose: () => void }) {
  const { t } = useTranslation();
  const names = new Map(view.assignments.map((assignment) => [assignment.person, assignment.name]));
  return (
    <Alert color="blue" title={t('training.linksTitle')} withCloseButton onClose={onClose} closeButtonLabel={t('training.hideLinks')}>
      <Text size="sm" mb="xs">
        {t('training.linksText')}
      </Text>
      <Stack gap={2} mah={200} style={{ overflow: 'auto' }}>
        {(view.links ?? []).map((link) => (
          <Anchor key={link.person} href={link.url} size="sm" target="_blank" rel="noreferrer" data-person={link.person}>
            {names.get(link.person) ?? link.person}
          </Anchor>
        ))}
      </Stack>
    </Alert>
  );
}

function MyTrainingList({ org }: { org: string }) {
  const { t } = useTranslation();
  const mine = useQuery({ queryKey: ['training', org, 'mine'], queryFn: () => api<{ items: MyTraining[] }>(orgPath(org, '/my-training')), retry: false });
  if (!mine.data || mine.data.items.length === 0) return null;
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">
        {t('training.mine')}
      </Title>
      <Stack gap="md">
        {mine.data.items.map((item) => (
          <MyTrainingItem key={item.campaign} org={org} item={item} />
        ))}
      </Stack>
    </Paper>
  );
}

function MyTrainingItem({ org, item }: { org: string; item: MyTraining }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [ticked, setTicked] = useState(false);
  const [answers, setAnswers] = useState<Array<number | null>>(item.questions.map(() => null));
  const send = useMutation({
    mutationFn: () =>
      api<{ status: string; score: number | null }>(orgPath(org, `/my-training/${item.campaign}`), {
        method: 'POST',
        body: { acknowledge: true, ...(item.questions.length ? { answers } : {}) },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['training', org] }),
  });
  return (
    <Stack gap="xs" data-training={item.campaign}>
      <Text fw={600}>{item.title}</Text>
      {item.content.map((link) => (
        <Anchor key={link.url} href={link.url} target="_blank" rel="noreferrer" size="sm">
          {link.title}
        </Anchor>
      ))}
      {item.status === 'completed' ? (
        <Badge color="green" variant="light" tt="none">
          {t('training.completed')}
        </Badge>
      ) : (
        <>
          {item.status === 'failed' ? (
            <Alert color="orange" p="xs">
              {t('training.failedAgain', { score: item.score })}
            </Alert>
          ) : null}
          {item.questions.map((question, i) => (
            <Radio.Group
              key={i}
              label={`${i + 1}. ${question.question}`}
              value={answers[i] === null ? '' : String(answers[i])}
              onChange={(value) => setAnswers(answers.map((answer, j) => (j === i ? Number(value) : answer)))}
            >
              <Stack gap={4} mt={4}>
                {question.choices.map((choice, j) => (
                  <Radio key={j} value={String(j)} label={choice} />
                ))}
              </Stack>
            </Radio.Group>
          ))}
          <Checkbox label={item.acknowledgement} checked={ticked} onChange={(e) => setTicked(e.currentTarget.checked)} />
          {send.error ? (
            <Alert color="red" role="alert">
              {errorSentence(send.error, t)}
            </Alert>
          ) : null}
          <Group>
            <Button disabled={!ticked || answers.some((answer) => answer === null)} loading={send.isPending} onClick={() => send.mutate()}>
              {t('training.acknowledge')}
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}

function Breakdown({ title, rows }: { title: string; rows: Array<{ key: string; label: string; figure: CompletionFigure }> }) {
  const { t } = useTranslation();
  return (
    <Table withTableBorder aria-label={title}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{title}</Table.Th>
          <Table.Th>{t('training.completion')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row) => (
          <Table.Tr key={row.key}>
            <Table.Td>{row.label}</Table.Td>
            <Table.Td>
              <Completion figure={row.figure} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function CampaignDetail({ org, id }: { org: string; id: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const campaign = useQuery({ queryKey: ['training', org, id], queryFn: () => api<TrainingCampaignView>(orgPath(org, `/training-campaigns/${id}`)) });
  const close = useMutation({
    mutationFn: () => api(orgPath(org, `/training-campaigns/${id}/close`), { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['training', org] }),
  });
  if (campaign.isError) return <LoadError error={campaign.error} />;
  if (!campaign.data) return <Loading />;
  const view = campaign.data;
  const none = t('training.none');
  return (
    <Paper withBorder p="md" data-campaign={id}>
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          {view.title}
        </Title>
        {allows(view, 'close') ? (
          <Button variant="light" color="gray" loading={close.isPending} onClick={() => close.mutate()}>
            {t('training.close')}
          </Button>
        ) : null}
      </Group>
      <Text size="sm" mb="xs">
        {t('training.acknowledgementLine', { text: view.acknowledgement })}
        {view.quiz ? ` · ${t('training.quizLine', { count: view.quiz.questions.length, passMark: view.quiz.passMark })}` : ''}
      </Text>
      {view.reminders.map((reminder) => (
        <Text key={reminder.at} size="xs" c="dimmed">
          {t(reminder.mail ? 'training.reminderSent' : 'training.reminderNoMail', {
            kind: t(`training.mailKinds.${reminder.kind}`),
            at: format.date(reminder.at),
            sent: reminder.sent,
            without: reminder.withoutEmail,
          })}
        </Text>
      ))}
      <Stack gap="sm" mt="sm">
        <Completion figure={view.completion} />
        <Group align="flex-start" grow>
          <Breakdown title={t('training.bySite')} rows={view.breakdown.bySite.map((row) => ({ key: row.site ?? '', label: row.site ?? none, figure: row }))} />
          <Breakdown
            title={t('training.byActivity')}
            rows={view.breakdown.byActivity.map((row) => ({ key: row.activity ?? '', label: row.activity ?? none, figure: row }))}
          />
        </Group>
        <Table withTableBorder aria-label={t('training.people')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('training.person')}</Table.Th>
              <Table.Th>{t('training.site')}</Table.Th>
              <Table.Th>{t('training.status')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {view.assignments.slice(0, 50).map((assignment) => (
              <Table.Tr key={assignment.person}>
                <Table.Td>{assignment.name}</Table.Td>
                <Table.Td>{assignment.site ?? none}</Table.Td>
                <Table.Td>
                  {t(`training.statuses.${assignment.status}`)}
                  {assignment.score !== null ? ` (${assignment.score} %)` : ''}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {view.assignments.length > 50 ? <Text size="xs">{t('training.firstPeople', { count: 50, total: view.assignments.length })}</Text> : null}
      </Stack>
    </Paper>
  );
}

/** One question a line: `Question? | choice | *right choice | choice` (the star marks the right choice). */
function parseQuiz(text: string) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [question, ...choices] = line.split('|').map((part) => part.trim());
      return {
        question,
        choices: choices.map((choice) => choice.replace(/^\*/, '').trim()),
        answer: Math.max(
          0,
          choices.findIndex((choice) => choice.startsWith('*')),
        ),
      };
    });
}

function LaunchForm({
  org,
  opened,
  onClose,
  onLaunched,
}: {
  org: string;
  opened: boolean;
  onClose: () => void;
  onLaunched: (view: TrainingCampaignView) => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const [audience, setAudience] = useState<string>('allStaff');
  const [linkTitle, setLinkTitle] = useState('');
  const [linkUrl, setLinkUrl] = useState('');
  const [acknowledgement, setAcknowledgement] = useState('');
  const [quiz, setQuiz] = useState('');
  const [passMark, setPassMark] = useState('80');
  const launch = useMutation({
    mutationFn: () =>
      api<TrainingCampaignView>(orgPath(org, '/training-campaigns'), {
        method: 'POST',
        body: {
          title,
          due,
          audience: { kind: audience },
          acknowledgement,
          content: linkUrl.trim() ? [{ title: linkTitle.trim() || linkUrl.trim(), url: linkUrl.trim() }] : [],
          ...(quiz.trim() ? { quiz: { passMark: Number(passMark), questions: parseQuiz(quiz) } } : {}),
        },
      }),
    onSuccess: async (view) => {
      await client.invalidateQueries({ queryKey: ['training', org] });
      onLaunched(view);
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={t('training.launch')} size="lg">
      <Stack gap="sm">
        <TextInput label={t('training.campaign')} required value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <TextInput type="date" label={t('training.due')} required value={due} onChange={(e) => setDue(e.currentTarget.value)} />
        <Select
          label={t('training.audience')}
          value={audience}
          onChange={(value) => setAudience(value ?? 'allStaff')}
          data={['allStaff', 'crisisTeam', 'activityOwners'].map((kind) => ({ value: kind, label: t(`training.audiences.${kind}`) }))}
          allowDeselect={false}
        />
        <Group grow>
          <TextInput label={t('training.linkTitle')} value={linkTitle} onChange={(e) => setLinkTitle(e.currentTarget.value)} />
          <TextInput label={t('training.linkUrl')} type="url" value={linkUrl} onChange={(e) => setLinkUrl(e.currentTarget.value)} />
        </Group>
        <Textarea
          label={t('training.acknowledgement')}
          required
          value={acknowledgement}
          onChange={(e) => setAcknowledgement(e.currentTarget.value)}
          autosize
          minRows={2}
        />
        <Textarea
          label={t('training.quiz')}
          description={t('training.quizHint')}
          value={quiz}
          onChange={(e) => setQuiz(e.currentTarget.value)}
          autosize
          minRows={2}
        />
        {quiz.trim() ? (
          <TextInput label={t('training.passMark')} type="number" min={1} max={100} value={passMark} onChange={(e) => setPassMark(e.currentTarget.value)} />
        ) : null}
        {launch.error ? (
          <Alert color="red" role="alert">
            {errorSentence(launch.error, t)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('training.cancel')}
          </Button>
          <Button loading={launch.isPending} disabled={!title.trim() || !due || !acknowledgement.trim()} onClick={() => launch.mutate()}>
            {t('training.launch')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
