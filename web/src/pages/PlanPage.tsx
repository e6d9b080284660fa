// One continuity plan: the editor (scope, purpose, activation, teams, steps by phase, contacts, in English and French),
// its workflow (submit, approve by someone other than the author, send back with a comment, archive), its validation
// by simulation, its versions with the diff between two of them, and its PDF.
import { Alert, Anchor, Breadcrumbs, Button, Group, List, Menu, Modal, NativeSelect, Paper, Stack, Table, Tabs, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { LeaveDialog, SaveBar, useLeaveGuard } from '../components/EditorChrome.js';
import { Editable, ReadOnlyNotice } from '../components/Editable.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { ProblemSummary } from '../components/Problems.js';
import { PlanStatusBadge } from '../components/crisis/Badges.js';
import { PlanEditor } from '../components/crisis/PlanEditor.js';
import { PlanValidationPanel } from '../components/crisis/PlanValidation.js';
import { allows } from '../lib/abilities.js';
import { api, isApiError } from '../lib/api.js';
import { canonical } from '../lib/equal.js';
import { pick, toPlanBody, toPlanDraft, type PlanDiff, type PlanDraft, type PlanView } from '../lib/crisis.js';
import { crisisKeys, planPath, usePlan, usePlanVersions } from '../lib/crisis-queries.js';
import { displayValue, errorSentence, groupByField } from '../lib/problems.js';
import { useFormat, useLanguage, useOrgId } from '../lib/queries.js';

export default function PlanPage() {
  const org = useOrgId();
  const { id = '' } = useParams();
  // A Monte Carlo validation under way: the quick validation it started from; it ends when a later one carries its runs.
  const [awaitingAfter, setAwaitingAfter] = useState<string | null>(null);
  const plan = usePlan(org, id, awaitingAfter !== null);
  const validation = plan.data?.validation;
  if (awaitingAfter !== null && validation && validation.ranAt !== awaitingAfter && validation.scenarios.some((scenario) => scenario.runs !== null))
    setAwaitingAfter(null);
  if (plan.isError) return <LoadError error={plan.error} />;
  if (!plan.data) return <Loading />;
  return (
    <PlanScreen key={`${plan.data.id}:${plan.data.version}`} org={org} saved={plan.data} awaiting={awaitingAfter !== null} onMonteCarlo={setAwaitingAfter} />
  );
}

function PlanScreen({ org, saved, awaiting, onMonteCarlo }: { org: string; saved: PlanView; awaiting: boolean; onMonteCarlo: (ranAt: string) => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const format = useFormat();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [draft, setDraft] = useState<PlanDraft>(() => toPlanDraft(saved));
  const [rejecting, setRejecting] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const baseline = useMemo(() => canonical(toPlanBody(toPlanDraft(saved))), [saved]);
  const dirty = canonical(toPlanBody(draft)) !== baseline;
  const base = `/orgs/${encodeURIComponent(org)}`;
  const title = pick(saved.title, saved.titles, language);
  const tab = params.get('tab') ?? 'plan';
  // What the server lets the caller do; a version in review is not written to (the server answers 409).
  const canUpdate = allows(saved, 'update');
  const canApprove = allows(saved, 'approve');
  const editable = canUpdate && saved.status !== 'inReview';
  usePageTitle(title);

  const refresh = async (plan?: PlanView) => {
    if (plan) client.setQueryData(crisisKeys.plan(org, plan.id), plan);
    await client.invalidateQueries({ queryKey: crisisKeys.plans(org) });
  };
  const save = useMutation({
    mutationFn: () => api<PlanView>(planPath(org, saved.id), { method: 'PUT', body: toPlanBody(draft) }),
    onSuccess: async (plan) => {
      setDraft(toPlanDraft(plan));
      await refresh(plan);
    },
  });
  const move = useMutation({
    mutationFn: (input: { action: 'submit' | 'approve' | 'reject' | 'archive'; comment?: string }) =>
      api<PlanView>(planPath(org, saved.id, `/${input.action}`), { method: 'POST', body: input.comment ? { comment: input.comment } : {} }),
    onSuccess: async (plan) => {
      setRejecting(false);
      await refresh(plan);
    },
  });
  const remove = useMutation({
    mutationFn: () => api<void>(planPath(org, saved.id), { method: 'DELETE' }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: crisisKeys.plans(org) });
      navigate(`${base}/plans`, { replace: true });
    },
  });
  const problems = isApiError(save.error) ? groupByField(save.error.details) : undefined;
  const blocker = useLeaveGuard(dirty && !save.isPending && !remove.isPending);

  const workflow = [
    canUpdate && saved.status === 'draft' ? { action: 'submit' as const, label: t('plan.submit') } : null,
    canApprove && saved.status === 'inReview' ? { action: 'approve' as const, label: t('plan.approve') } : null,
    canUpdate && saved.status !== 'archived' && saved.status !== 'inReview' ? { action: 'archive' as const, label: t('plan.archive') } : null,
  ].filter((item) => item !== null);

  return (
    <Stack gap="md" pb="md">
      <Breadcrumbs>
        <Anchor component={Link} to={`${base}/plans`} size="sm">
          {t('plans.title')}
        </Anchor>
        <Text size="sm">{saved.id}</Text>
      </Breadcrumbs>
      <PageHeader
        title={title}
        badge={<PlanStatusBadge status={saved.status} />}
        description={[
          t('plans.versionOf', { version: saved.version }),
          t('plan.writtenBy', { author: saved.author, date: format.dateTime(saved.updatedAt) }),
          saved.approval ? t('plan.approvedBy', { version: saved.approval.version, by: saved.approval.by, date: format.dateTime(saved.approval.at) }) : null,
        ]
          .filter(Boolean)
          .join(' · ')}
        actions={
          <>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="default">{t('plan.pdf')}</Button>
              </Menu.Target>
              <Menu.Dropdown>
                {(['en', 'fr'] as const).map((lang) => (
                  <Menu.Item key={lang} component="a" href={planPath(org, saved.id, `/document.pdf?lang=${lang}`)} download>
                    {t(`plan.pdfIn.${lang}`)}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
            {allows(saved, 'delete') ? (
              <Button variant="default" color="red" onClick={() => setDeleting(true)}>
                {t('common.delete')}
              </Button>
            ) : null}
          </>
        }
      />
      {params.get('created') === '1' ? (
        <Alert color="teal" role="status" withCloseButton closeButtonLabel={t('common.close')} onClose={() => setParams({}, { replace: true })}>
          {t('plan.created')}
        </Alert>
      ) : null}
      <Paper withBorder p="md" component="section" aria-labelledby="plan-workflow">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={2} size="h4" id="plan-workflow">
              {t('plan.workflow')}
            </Title>
            <Text size="sm" mt={4} data-testid="workflow-state">
              {t(`plan.state.${saved.status}`, { submittedBy: saved.submittedBy ?? '—' })}
            </Text>
            {saved.approvedVersion !== null && saved.approvedVersion !== saved.version ? (
              <Text size="sm" c="dimmed">
                {t('plans.approvedIs', { version: saved.approvedVersion })}
              </Text>
            ) : null}
          </div>
          <Group gap="xs">
            {workflow.map((item) => (
              <Button
                key={item.action}
                variant={item.action === 'archive' ? 'default' : 'filled'}
                disabled={dirty}
                loading={move.isPending && move.variables?.action === item.action}
                onClick={() => move.mutate({ action: item.action })}
              >
                {item.label}
              </Button>
            ))}
            {canApprove && saved.status === 'inReview' ? (
              <Button variant="default" color="red" onClick={() => setRejecting(true)}>
                {t('plan.reject')}
              </Button>
            ) : null}
          </Group>
        </Group>
        {dirty && workflow.length > 0 ? (
          <Text size="xs" c="dimmed" mt="xs">
            {t('plan.saveFirst')}
          </Text>
        ) : null}
        {move.error && !rejecting ? <WorkflowRefusal error={move.error} /> : null}
      </Paper>
      {!canUpdate ? <ReadOnlyNotice /> : saved.status === 'inReview' ? <ReadOnlyNotice text={t('plan.inReviewNotice')} /> : null}
      {editable && saved.status === 'approved' ? (
        <Text size="sm" c="dimmed">
          {t('plan.newVersionNotice')}
        </Text>
      ) : null}

      <Tabs value={tab} onChange={(value) => setParams(value && value !== 'plan' ? { tab: value } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="plan">{t('plan.tabs.plan')}</Tabs.Tab>
          <Tabs.Tab value="validation">{t('plan.tabs.validation')}</Tabs.Tab>
          <Tabs.Tab value="versions">{t('plan.tabs.versions')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="plan" pt="md">
          <Stack gap="md">
            {save.error ? (
              <ProblemSummary
                title={t('form.refused')}
                message={errorSentence(save.error, t)}
                problems={save.error instanceof Error && isApiError(save.error) ? save.error.details : []}
              />
            ) : null}
            <Editable editable={editable}>
              <PlanEditor org={org} draft={draft} onChange={(next) => editable && setDraft(next)} problems={problems} />
            </Editable>
            {editable ? <SaveBar dirty={dirty} saving={save.isPending} onDiscard={() => setDraft(toPlanDraft(saved))} onSave={() => save.mutate()} /> : null}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="validation" pt="md">
          <PlanValidationPanel org={org} plan={saved} awaiting={awaiting} onMonteCarlo={onMonteCarlo} />
        </Tabs.Panel>
        <Tabs.Panel value="versions" pt="md">
          <Versions org={org} plan={saved} />
        </Tabs.Panel>
      </Tabs>

      <LeaveDialog blocker={blocker} text={t('plan.leaveText')} />
      <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={rejecting} onClose={() => setRejecting(false)} title={t('plan.rejectTitle')}>
        <RejectForm
          pending={move.isPending}
          error={move.error}
          onCancel={() => setRejecting(false)}
          onReject={(comment) => move.mutate({ action: 'reject', comment })}
        />
      </Modal>
      <Modal
        closeButtonProps={{ 'aria-label': t('common.close') }}
        opened={deleting}
        onClose={() => setDeleting(false)}
        title={t('delete.title', { name: title })}
      >
        <Text size="sm">{t('plan.deleteText', { name: title })}</Text>
        {remove.error ? (
          <Alert color="red" mt="sm" role="alert">
            {isApiError(remove.error) ? remove.error.message : errorSentence(remove.error, t)}
          </Alert>
        ) : null}
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setDeleting(false)}>
            {t('common.cancel')}
          </Button>
          <Button color="red" onClick={() => remove.mutate()} loading={remove.isPending}>
            {t('common.delete')}
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

/** A refused step of the workflow, in the server's words (approval by the author: "A plan is approved by someone other than its author."). */
function WorkflowRefusal({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const details = isApiError(error) ? error.details : [];
  const fourEyes = details.some((detail) => detail.rule === 'four_eyes');
  return (
    <Alert color="red" mt="sm" role="alert" title={fourEyes ? t('plan.fourEyes') : t('plan.refused')} data-testid="workflow-refusal">
      <Text size="sm">{isApiError(error) ? error.message : errorSentence(error, t)}</Text>
      {details.length > 0 ? (
        <List size="sm" mt={4}>
          {details.map((detail, index) => (
            <List.Item key={index}>{detail.message ?? `${detail.path}: ${detail.rule}`}</List.Item>
          ))}
        </List>
      ) : null}
    </Alert>
  );
}

function RejectForm({ pending, error, onCancel, onReject }: { pending: boolean; error: unknown; onCancel: () => void; onReject: (comment: string) => void }) {
  const { t } = useTranslation();
  const [comment, setComment] = useState('');
  return (
    <Stack>
      <Textarea
        label={t('plan.rejectComment')}
        description={t('plan.rejectHelp')}
        value={comment}
        onChange={(event) => setComment(event.currentTarget.value)}
        autosize
        minRows={3}
        maxLength={2000}
        required
        data-autofocus
      />
      {error ? <WorkflowRefusal error={error} /> : null}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
        <Button color="red" disabled={!comment.trim()} loading={pending} onClick={() => onReject(comment.trim())}>
          {t('plan.reject')}
        </Button>
      </Group>
    </Stack>
  );
}

/** The versions with their workflow record, and what changed between two of them. */
function Versions({ org, plan }: { org: string; plan: PlanView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const versions = usePlanVersions(org, plan.id);
  const items = versions.data?.items ?? [];
  const [from, setFrom] = useState(String(Math.max(1, plan.version - 1)));
  const [to, setTo] = useState(String(plan.version));
  const diff = useMutation({
    mutationFn: () => api<PlanDiff>(planPath(org, plan.id, `/diff?from=${from}&to=${to}`)),
  });
  if (versions.isError) return <LoadError error={versions.error} />;
  if (!versions.data) return <Loading />;
  const options = items.map((item) => ({ value: String(item.version), label: t('plans.versionOf', { version: item.version }) }));
  return (
    <Stack gap="md">
      <Table.ScrollContainer minWidth={760}>
        <Table striped withTableBorder aria-label={t('plan.versions')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('plans.version')}</Table.Th>
              <Table.Th>{t('plans.status')}</Table.Th>
              <Table.Th>{t('plan.author')}</Table.Th>
              <Table.Th>{t('plan.submitted')}</Table.Th>
              <Table.Th>{t('plan.approved')}</Table.Th>
              <Table.Th>{t('plan.comment')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...items].reverse().map((item) => (
              <Table.Tr key={item.version}>
                <Table.Td>{item.version}</Table.Td>
                <Table.Td>
                  <PlanStatusBadge status={item.status} />
                </Table.Td>
                <Table.Td>
                  {item.author}
                  <Text size="xs" c="dimmed">
                    {format.dateTime(item.createdAt)}
                  </Text>
                </Table.Td>
                <Table.Td>{item.submittedBy ? `${item.submittedBy}, ${format.dateTime(item.submittedAt)}` : '—'}</Table.Td>
                <Table.Td>{item.approvedBy ? `${item.approvedBy}, ${format.dateTime(item.approvedAt)}` : '—'}</Table.Td>
                <Table.Td>{item.comment ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Paper withBorder p="md" component="section" aria-labelledby="plan-diff">
        <Title order={2} size="h4" id="plan-diff">
          {t('plan.diff')}
        </Title>
        <Group align="flex-end" mt="sm">
          <NativeSelect label={t('plan.from')} data={options} value={from} onChange={(event) => setFrom(event.currentTarget.value)} />
          <NativeSelect label={t('plan.to')} data={options} value={to} onChange={(event) => setTo(event.currentTarget.value)} />
          <Button variant="light" onClick={() => diff.mutate()} loading={diff.isPending} disabled={items.length < 2}>
            {t('plan.compare')}
          </Button>
        </Group>
        {items.length < 2 ? (
          <Text size="sm" c="dimmed" mt="sm">
            {t('plan.oneVersion')}
          </Text>
        ) : null}
        {diff.error ? (
          <Alert color="red" mt="sm" role="alert">
            {errorSentence(diff.error, t)}
          </Alert>
        ) : null}
        {diff.data ? (
          diff.data.changes.length === 0 ? (
            <Text size="sm" mt="sm">
              {t('plan.noChange')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={640} mt="sm">
              <Table withTableBorder aria-label={t('plan.diffOf', { from: diff.data.from, to: diff.data.to })} data-testid="plan-diff">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('plan.path')}</Table.Th>
                    <Table.Th>{t('plan.change')}</Table.Th>
                    <Table.Th>{t('plan.before')}</Table.Th>
                    <Table.Th>{t('plan.after')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {diff.data.changes.map((change) => (
                    <Table.Tr key={`${change.path}-${change.change}`}>
                      <Table.Td>
                        <code style={{ overflowWrap: 'anywhere' }}>{change.path}</code>
                      </Table.Td>
                      <Table.Td>{t(`plan.changes.${change.change}`)}</Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere', background: change.before !== undefined ? 'var(--mantine-color-red-0)' : undefined }}>
                        {displayValue(change.before) || '—'}
                      </Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere', background: change.after !== undefined ? 'var(--mantine-color-green-0)' : undefined }}>
                        {displayValue(change.after) || '—'}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        ) : null}
      </Paper>
    </Stack>
  );
}
