// Validation by simulation: the plan's scenarios run with exactly the strategies its steps switch on, at their times;
// per activity in scope, within its MTPD or not, RTO met or not, and with Monte Carlo the probability of each; the
// findings in words ("This plan does not protect Payroll in Pandemic lockdown").
import { Alert, Badge, Button, Group, List, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NumberField } from '../NumberField.js';
import { allows } from '../../lib/abilities.js';
import { api } from '../../lib/api.js';
import { pick, type PlanValidation, type PlanView } from '../../lib/crisis.js';
import { crisisKeys, planPath } from '../../lib/crisis-queries.js';
import { errorSentence } from '../../lib/problems.js';
import { useFormat, useLanguage, useNames } from '../../lib/queries.js';

export function PlanValidationPanel({
  org,
  plan,
  awaiting,
  onMonteCarlo,
}: {
  org: string;
  plan: PlanView;
  awaiting: boolean;
  onMonteCarlo: (ranAt: string) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const language = useLanguage();
  const client = useQueryClient();
  const strategyName = useNames(org, 'strategies');
  const [runs, setRuns] = useState<number | ''>(500);
  const canRun = allows(plan, 'update');
  const validate = useMutation({
    mutationFn: (withRuns: boolean) =>
      api<{ validation: PlanValidation; job: string | null }>(planPath(org, plan.id, '/validate'), {
        method: 'POST',
        body: withRuns && runs ? { runs } : {},
      }),
    onSuccess: async (result) => {
      client.setQueryData<PlanView>(crisisKeys.plan(org, plan.id), (current) => (current ? { ...current, validation: result.validation } : current));
      if (result.job) onMonteCarlo(result.validation.ranAt);
      await client.invalidateQueries({ queryKey: crisisKeys.plans(org) });
    },
  });
  const validation = plan.validation;
  const yes = (value: boolean) => (
    <Badge color={value ? 'teal' : 'red'} variant="light" tt="none">
      {value ? t('plan.validation.yes') : t('plan.validation.no')}
    </Badge>
  );
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed" maw={820}>
        {t('plan.validation.help')}
      </Text>
      {canRun ? (
        <Group align="flex-end">
          <Button onClick={() => validate.mutate(false)} loading={validate.isPending && validate.variables === false}>
            {t('plan.validation.run')}
          </Button>
          <NumberField
            label={t('plan.validation.runs')}
            value={runs}
            onChange={(value) => setRuns(value === '' ? '' : Number(value))}
            min={10}
            max={5000}
            w={140}
          />
          <Button
            variant="light"
            onClick={() => validate.mutate(true)}
            loading={validate.isPending && validate.variables === true}
            disabled={!runs || awaiting}
          >
            {t('plan.validation.runMonteCarlo')}
          </Button>
        </Group>
      ) : null}
      {awaiting ? (
        <Group gap="xs" role="status">
          <Loader size="xs" />
          <Text size="sm">{t('plan.validation.awaiting')}</Text>
        </Group>
      ) : null}
      {validate.error ? (
        <Alert color="red" role="alert">
          {errorSentence(validate.error, t)}
        </Alert>
      ) : null}
      {!validation ? (
        <Text size="sm">{t('plan.validation.none')}</Text>
      ) : (
        <>
          {validation.version !== plan.version ? (
            <Text size="sm" c="dimmed">
              {t('plan.validation.ofVersion', { version: validation.version })}
            </Text>
          ) : null}
          <Alert
            color={validation.protects ? 'teal' : 'red'}
            title={validation.protects ? t('plan.validation.protects') : t('plan.validation.gaps')}
            role="status"
            data-testid="validation-verdict"
          >
            <Text size="sm">{t('plan.validation.ranAt', { date: format.dateTime(validation.ranAt), model: validation.modelVersion })}</Text>
            {validation.findings.length > 0 ? (
              <List size="sm" mt="xs">
                {validation.findings.map((finding, index) => (
                  <List.Item key={index}>{finding.texts[language] ?? finding.text}</List.Item>
                ))}
              </List>
            ) : null}
          </Alert>
          {validation.scenarios.map((scenario) => (
            <Paper key={scenario.scenario} withBorder p="md" component="section" aria-labelledby={`validation-${scenario.scenario}`}>
              <Title order={3} size="h5" id={`validation-${scenario.scenario}`}>
                {pick(scenario.name, scenario.names, language)}
              </Title>
              <Text size="xs" c="dimmed" mb="xs">
                {scenario.activations.length
                  ? t('plan.validation.activations', {
                      list: scenario.activations.map((item) => `${strategyName(item.strategy)} (${format.duration(item.at)})`).join(', '),
                    })
                  : t('plan.validation.noActivation')}
                {scenario.runs ? ` · ${t('plan.validation.runsDone', { runs: format.number(scenario.runs, 0) })}` : ''}
              </Text>
              <Table.ScrollContainer minWidth={760}>
                <Table striped withTableBorder aria-label={t('plan.validation.tableOf', { name: pick(scenario.name, scenario.names, language) })}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('plan.validation.activity')}</Table.Th>
                      <Table.Th>{t('plan.validation.longest')}</Table.Th>
                      <Table.Th>{t('terms.mtpd.name')}</Table.Th>
                      <Table.Th>{t('plan.validation.withinMtpd')}</Table.Th>
                      <Table.Th>{t('terms.rto.name')}</Table.Th>
                      <Table.Th>{t('plan.validation.rtoMet')}</Table.Th>
                      <Table.Th>{t('plan.validation.pRto')}</Table.Th>
                      <Table.Th>{t('plan.validation.pMtpd')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {scenario.activities.map((line) => (
                      <Table.Tr key={line.activity} data-activity={line.activity}>
                        <Table.Td>{pick(line.name, line.names, language)}</Table.Td>
                        <Table.Td>{format.duration(line.longestDisruption)}</Table.Td>
                        <Table.Td>{format.duration(line.mtpd)}</Table.Td>
                        <Table.Td>{yes(line.withinMtpd)}</Table.Td>
                        <Table.Td>{format.duration(line.rto)}</Table.Td>
                        <Table.Td>{yes(line.rtoMet)}</Table.Td>
                        <Table.Td>{format.percent(line.rtoProbability)}</Table.Td>
                        <Table.Td>{format.percent(line.mtpdProbability)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          ))}
        </>
      )}
    </Stack>
  );
}
