// Continuity plans: each at its latest version with its workflow state, filtered by status and searched; a new plan
// starts from a shipped template (pandemic, ransomware, loss of a site, loss of a key supplier) or blank.
import { Anchor, Badge, Button, EmptyState, Group, Modal, NativeSelect, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { FormRefusal } from '../components/Problems.js';
import { PlanStatusBadge } from '../components/crisis/Badges.js';
import { allows } from '../lib/abilities.js';
import { api, isApiError, orgPath } from '../lib/api.js';
import { fromTemplate, pick, STATUSES, type PlanView } from '../lib/crisis.js';
import { crisisKeys, usePlans, usePlanTemplates } from '../lib/crisis-queries.js';
import { fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../lib/problems.js';
import { useSearchParam } from '../lib/search-params.js';
import { useFormat, useLanguage, useOrgId } from '../lib/queries.js';

export default function Plans() {
  const { t } = useTranslation();
  const org = useOrgId();
  const language = useLanguage();
  const format = useFormat();
  const [params, setParam] = useSearchParam();
  const status = params.get('status') ?? '';
  const [q, setQ] = useState(params.get('q') ?? '');
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const plans = usePlans(org, { status: status || undefined, q: debouncedQ || undefined });
  const base = `/orgs/${encodeURIComponent(org)}`;
  const canCreate = allows(plans.data, 'create');
  const creating = params.get('new') === '1' && canCreate;
  usePageTitle(t('plans.title'));

  if (plans.isError) return <LoadError error={plans.error} />;
  const items = plans.data?.items ?? [];
  return (
    <Stack gap="md">
      <PageHeader
        title={t('plans.title')}
        description={t('plans.description')}
        actions={canCreate ? <Button onClick={() => setParam('new', '1')}>{t('plans.new')}</Button> : undefined}
      />
      <Group gap="sm" align="flex-end">
        <TextInput
          label={t('common.search')}
          placeholder={t('plans.searchPlaceholder')}
          value={q}
          onChange={(event) => setQ(event.currentTarget.value)}
          w={280}
        />
        <NativeSelect
          label={t('plans.status')}
          value={status}
          onChange={(event) => setParam('status', event.currentTarget.value || null)}
          data={[{ value: '', label: t('plans.allStatuses') }, ...STATUSES.map((value) => ({ value, label: t(`planStatus.${value}`) }))]}
        />
      </Group>
      {!plans.data ? (
        <Loading />
      ) : items.length === 0 ? (
        <Paper withBorder p="xl">
          <EmptyState
            title={debouncedQ || status ? t('plans.noMatch') : t('plans.emptyTitle')}
            description={canCreate ? t('plans.emptyText') : t('abilities.nothingYet')}
          />
        </Paper>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped withTableBorder aria-label={t('plans.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('plans.plan')}</Table.Th>
                <Table.Th>{t('plans.status')}</Table.Th>
                <Table.Th>{t('plans.version')}</Table.Th>
                <Table.Th>{t('plans.scope')}</Table.Th>
                <Table.Th>{t('plans.validation')}</Table.Th>
                <Table.Th>{t('plans.reviewDate')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((plan) => (
                <Table.Tr key={plan.id} data-plan={plan.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`${base}/plans/${encodeURIComponent(plan.id)}`} fw={600}>
                      {pick(plan.title, plan.titles, language)}
                    </Anchor>
                    <Text size="xs" c="dimmed">
                      {plan.id}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <PlanStatusBadge status={plan.status} />
                  </Table.Td>
                  <Table.Td>
                    {t('plans.versionOf', { version: plan.version })}
                    {plan.approvedVersion && plan.approvedVersion !== plan.version ? (
                      <Text size="xs" c="dimmed">
                        {t('plans.approvedIs', { version: plan.approvedVersion })}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{t('plans.scopeCount', { activities: plan.scope.activities.length, sites: plan.scope.sites.length })}</Table.Td>
                  <Table.Td>
                    <ValidationCell plan={plan} />
                  </Table.Td>
                  <Table.Td>
                    {plan.reviewDate ? format.date(plan.reviewDate) : '—'}
                    {plan.reviewDue ? (
                      <Badge color="red" variant="light" ml={6} size="sm">
                        {t('plans.reviewDue')}
                      </Badge>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {canCreate ? <NewPlan org={org} opened={creating} onClose={() => setParam('new', null)} /> : null}
    </Stack>
  );
}

function ValidationCell({ plan }: { plan: PlanView }) {
  const { t } = useTranslation();
  if (!plan.validation)
    return (
      <Text size="sm" c="dimmed">
        {t('plans.notValidated')}
      </Text>
    );
  return plan.validation.protects ? (
    <Badge color="teal" variant="light" tt="none">
      {t('plans.protects')}
    </Badge>
  ) : (
    <Badge color="red" variant="light" tt="none">
      {t('plans.gaps', { count: plan.validation.findings.length })}
    </Badge>
  );
}

function NewPlan({ org, opened, onClose }: { org: string; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const client = useQueryClient();
  const navigate = useNavigate();
  const templates = usePlanTemplates(org, opened);
  const [id, setId] = useState('');
  const [from, setFrom] = useState('');
  const create = useMutation({
    mutationFn: () => {
      const template = templates.data?.items.find((item) => item.id === from);
      const content = template ? fromTemplate(template) : { title: id.trim() || t('plans.untitled') };
      return api<PlanView>(orgPath(org, '/plans'), { method: 'POST', body: { ...content, id: id.trim() } });
    },
    onSuccess: async (plan) => {
      await client.invalidateQueries({ queryKey: crisisKeys.plans(org) });
      onClose();
      navigate(`/orgs/${encodeURIComponent(org)}/plans/${encodeURIComponent(plan.id)}?created=1`);
    },
  });
  const problems = isApiError(create.error) ? groupByField(create.error.details) : undefined;
  const rest = unclaimedProblems(problems, ['id']);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const chosen = templates.data?.items.find((item) => item.id === from);
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={onClose} title={t('plans.new')} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <NativeSelect
            label={t('plans.startFrom')}
            value={from}
            onChange={(event) => setFrom(event.currentTarget.value)}
            data={[
              { value: '', label: t('plans.blank') },
              ...(templates.data?.items ?? []).map((template) => ({ value: template.id, label: pick(template.title, template.titles, language) })),
            ]}
          />
          {chosen ? (
            <Text size="sm" c="dimmed" data-testid="template-description">
              {pick(chosen.description, chosen.descriptions, language)}
            </Text>
          ) : null}
          <TextInput
            label={t('fields.id')}
            description={t('fields.idHelp')}
            required
            value={id}
            onChange={(event) => setId(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(problems, 'id'), t)}
            data-autofocus
          />
          <FormRefusal error={create.error} problems={problems} rest={rest} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('common.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
