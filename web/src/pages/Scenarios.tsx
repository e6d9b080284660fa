// The organisation's scenario library: what each one disrupts, how often it is expected, and its last simulation.
import { Alert, Anchor, Badge, Button, Card, EmptyState, Group, Modal, NativeSelect, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { ProblemSummary } from '../components/Problems.js';
import { allows } from '../lib/abilities.js';
import { api, isApiError, orgPath } from '../lib/api.js';
import { entityName, type Translate } from '../lib/format.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../lib/problems.js';
import { invalidateOrganisation, useFormat, useLanguage, useModel, useOrgId } from '../lib/queries.js';
import { useNameOf, useRuns, useScenarios } from '../lib/scenario-queries.js';
import { describeDisruption, isUncertain, type StoredScenario } from '../lib/scenarios.js';

export default function Scenarios() {
  const { t } = useTranslation();
  const org = useOrgId();
  const language = useLanguage();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const scenarios = useScenarios(org);
  const model = useModel(org);
  const runs = useRuns(org, undefined, 200);
  const name = useNameOf(org);
  const base = `/orgs/${encodeURIComponent(org)}`;
  const creating = params.get('new') === '1';
  usePageTitle(t('scenarios.title'));
  const setCreating = (open: boolean) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      if (open) next.set('new', '1');
      else next.delete('new');
      return next;
    });

  if (scenarios.isError) return <LoadError error={scenarios.error} />;
  if (!scenarios.data) return <Loading />;
  const items = scenarios.data.items;
  // The library says whether the caller may add to it.
  const canCreate = allows(scenarios.data, 'create');
  const rto = (application: string) => model.data?.applications.find((item) => item.id === application)?.rto;
  const lastRun = (id: string) => runs.data?.items.find((run) => run.kind === 'simulation' && run.status === 'done' && run.scenarios[0] === id);

  return (
    <Stack gap="md">
      <PageHeader
        title={t('scenarios.title')}
        description={t('scenarios.description')}
        actions={canCreate ? <Button onClick={() => setCreating(true)}>{t('scenarios.new')}</Button> : undefined}
      />
      {items.length === 0 ? (
        <Paper withBorder p="xl">
          <EmptyState title={t('scenarios.emptyTitle')} description={canCreate ? t('scenarios.emptyText') : t('abilities.nothingYet')}>
            {canCreate ? (
              <Group justify="center" mt="md">
                <Button onClick={() => setCreating(true)}>{t('scenarios.new')}</Button>
              </Group>
            ) : null}
          </EmptyState>
        </Paper>
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
          {items.map((scenario) => {
            const last = lastRun(scenario.id);
            const description = scenario.descriptions?.[language] ?? scenario.description;
            return (
              <Card key={scenario.id} withBorder padding="md" component="article" aria-labelledby={`scenario-${scenario.id}`} data-scenario={scenario.id}>
                <Group justify="space-between" align="flex-start" wrap="nowrap">
                  <Anchor component={Link} to={`${base}/scenarios/${encodeURIComponent(scenario.id)}`} fw={700} id={`scenario-${scenario.id}`}>
                    {entityName(scenario, language)}
                  </Anchor>
                  {isUncertain(scenario) ? (
                    <Badge size="sm" variant="light" color="grape" tt="none" style={{ flexShrink: 0 }}>
                      {t('scenarios.uncertain')}
                    </Badge>
                  ) : null}
                </Group>
                {description ? (
                  <Text size="sm" mt={6} lineClamp={3}>
                    {description}
                  </Text>
                ) : null}
                <Stack gap={2} mt="xs" component="ul" p={0} style={{ listStyle: 'none' }}>
                  {scenario.disruptions.slice(0, 4).map((disruption, index) => (
                    <Text key={index} size="xs" c="dimmed" component="li">
                      • {describeDisruption(disruption, t as Translate, format, name, rto)}
                    </Text>
                  ))}
                  {scenario.disruptions.length > 4 ? (
                    <Text size="xs" c="dimmed" component="li">
                      {t('scenarios.more', { count: scenario.disruptions.length - 4 })}
                    </Text>
                  ) : null}
                </Stack>
                <Group justify="space-between" mt="sm" gap="xs">
                  <Text size="xs" c="dimmed">
                    {scenario.frequency !== undefined
                      ? t('scenarios.frequencyShort', { frequency: format.number(scenario.frequency, 4) })
                      : t('scenarios.frequencyDefault')}
                    {' · '}
                    {last ? t('scenarios.lastRun', { date: format.dateTime(last.finishedAt ?? last.createdAt) }) : t('scenarios.neverRun')}
                  </Text>
                  <Button component={Link} size="xs" variant="light" to={`${base}/scenarios/${encodeURIComponent(scenario.id)}`}>
                    {t('scenarios.open')}
                  </Button>
                </Group>
              </Card>
            );
          })}
        </SimpleGrid>
      )}
      {canCreate ? <NewScenario org={org} scenarios={items} opened={creating} onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
}

function NewScenario({ org, scenarios, opened, onClose }: { org: string; scenarios: StoredScenario[]; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [from, setFrom] = useState('');
  const create = useMutation({
    mutationFn: () => {
      const found = scenarios.find((item) => item.id === from);
      // A copy takes the scenario, not what the caller may do to the original.
      const { abilities: _abilities, ...source } = found ?? { abilities: undefined };
      const body = found
        ? { ...structuredClone(source), id: id.trim(), name: name.trim() || undefined, names: undefined }
        : { id: id.trim(), name: name.trim() || undefined, horizon: 2160, disruptions: [], activate: [] };
      for (const key of Object.keys(body) as Array<keyof typeof body>) if (body[key] === undefined) delete body[key];
      return api<StoredScenario>(orgPath(org, '/scenarios'), { method: 'POST', body });
    },
    onSuccess: async (scenario) => {
      await invalidateOrganisation(client, org);
      onClose();
      navigate(`/orgs/${encodeURIComponent(org)}/scenarios/${encodeURIComponent(scenario.id)}?tab=edit`);
    },
  });
  const problems = isApiError(create.error) ? groupByField(create.error.details) : undefined;
  const rest = unclaimedProblems(problems, ['id', 'name']);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('scenarios.new')} size="md">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('fields.id')}
            description={t('fields.idHelp')}
            required
            value={id}
            onChange={(event) => setId(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(problems, 'id'), t)}
            data-autofocus
          />
          <TextInput
            label={t('fields.name')}
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={fieldErrorText(problemsAt(problems, 'name'), t)}
          />
          <NativeSelect
            label={t('scenarios.startFrom')}
            value={from}
            onChange={(event) => setFrom(event.currentTarget.value)}
            data={[
              { value: '', label: t('scenarios.blank') },
              ...scenarios.map((scenario) => ({ value: scenario.id, label: t('scenarios.copyOf', { name: entityName(scenario, language) }) })),
            ]}
          />
          {create.error && (rest.length > 0 || !problems?.size) ? (
            <ProblemSummary title={t('form.refused')} message={errorSentence(create.error, t)} problems={rest} />
          ) : null}
          {create.isError && problems?.size && rest.length === 0 ? (
            <Alert color="red" variant="outline" role="status">
              {t('form.fixFields')}
            </Alert>
          ) : null}
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
