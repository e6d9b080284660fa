// The runs of a scenario, newest first: simulations, Monte Carlo and recommendations, each opened in its tab.
import { Anchor, Badge, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LoadError, Loading } from '../Page.js';
import { useFormat } from '../../lib/queries.js';
import { useRuns, useScenarioNames } from '../../lib/scenario-queries.js';
import type { Run, RunStatus } from '../../lib/scenarios.js';
import { ResultSection } from './parts.js';

const STATUS_COLOUR: Record<RunStatus, string> = { queued: 'gray', running: 'blue', done: 'teal', failed: 'red', cancelled: 'gray' };

/** Where a run opens on the scenario page. */
export function runLink(base: string, scenario: string, run: Pick<Run, 'id' | 'kind'>): string {
  const path = `${base}/scenarios/${encodeURIComponent(scenario)}`;
  if (run.kind === 'simulation') return `${path}?tab=results&run=${run.id}`;
  if (run.kind === 'montecarlo') return `${path}?tab=uncertainty&mc=${run.id}`;
  return `${path}?tab=strategies&rec=${run.id}`;
}

export function RunsHistory({ org, scenario }: { org: string; scenario: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const runs = useRuns(org, scenario, 100);
  const scenarioName = useScenarioNames(org);
  const base = `/orgs/${encodeURIComponent(org)}`;
  return (
    <ResultSection id="runs-title" title={t('runs.title')} description={t('runs.description')}>
      {runs.isError ? <LoadError error={runs.error} /> : null}
      {runs.isPending ? (
        <Loading />
      ) : runs.data && runs.data.items.length === 0 ? (
        <Text size="sm">{t('runs.empty')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped withTableBorder aria-label={t('runs.title')} data-testid="runs-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('runs.when')}</Table.Th>
                <Table.Th>{t('runs.kind')}</Table.Th>
                <Table.Th>{t('runs.status')}</Table.Th>
                <Table.Th>{t('runs.details')}</Table.Th>
                <Table.Th>{t('runs.model')}</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">{t('common.actions')}</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {runs.data?.items.map((run) => (
                <Table.Tr key={run.id}>
                  <Table.Td>{format.dateTime(run.createdAt)}</Table.Td>
                  <Table.Td>{t(`runs.kinds.${run.kind}`)}</Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOUR[run.status]} variant="light" tt="none">
                      {t(`runs.statuses.${run.status}`)}
                      {run.status === 'running' ? ` ${format.percent(run.progress)}` : ''}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {run.kind === 'montecarlo'
                      ? t('runs.montecarloDetails', { runs: format.number(Number(run.params.runs)), seed: String(run.params.seed) })
                      : run.kind === 'recommendation'
                        ? t('runs.recommendationDetails', { scenarios: run.scenarios.map(scenarioName).join(', ') })
                        : t('runs.simulationDetails')}
                  </Table.Td>
                  <Table.Td>
                    {t('runs.version', { version: run.modelVersion })}
                    {run.stale ? (
                      <Badge ml={6} color="yellow" variant="light" size="xs" tt="none">
                        {t('runs.stale')}
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={runLink(base, scenario, run)} size="sm">
                      {t('runs.open')}
                    </Anchor>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </ResultSection>
  );
}
