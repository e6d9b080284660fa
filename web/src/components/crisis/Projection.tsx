// "If this lasts": the engine runs from the live state (what is down since when, the strategies the activated plans
// switch on) and says which activities breach their MTPD, and when.
import { Alert, Badge, List, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { pick, type IncidentView } from '../../lib/crisis.js';
import { useProjection } from '../../lib/crisis-queries.js';
import { useFormat, useLanguage, useNames } from '../../lib/queries.js';
import { useNameOf } from '../../lib/scenario-queries.js';
import { LoadError, Loading } from '../Page.js';

/** The collection naming what each kind of disruption concerns. */
const COLLECTION_OF: Record<string, 'sites' | 'applications' | 'suppliers' | 'activities'> = {
  siteUnavailable: 'sites',
  applicationOutage: 'applications',
  supplierOutage: 'suppliers',
};

export function ProjectionPanel({ org, incident }: { org: string; incident: IncidentView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const language = useLanguage();
  const projection = useProjection(org, incident.id, true);
  const strategyName = useNames(org, 'strategies');
  const nameOf = useNameOf(org);
  if (projection.isError) return <LoadError error={projection.error} />;
  if (!projection.data) return <Loading />;
  const data = projection.data;
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed" maw={820}>
        {t('incident.projection.help', { horizon: format.durationLong(data.horizonHours) })}
      </Text>
      <Alert
        color={data.breached > 0 ? 'red' : 'teal'}
        role="status"
        data-testid="projection-verdict"
        title={data.breached > 0 ? t('incident.projection.breaches', { count: data.breached }) : t('incident.projection.noBreach')}
      >
        {data.disruptions.length > 0 ? (
          <List size="sm">
            {data.disruptions.map((item) => (
              <List.Item key={`${item.type}-${item.id}`}>
                {t(`incident.projection.down.${item.type}`, {
                  id: nameOf(COLLECTION_OF[item.type] ?? 'activities', item.id),
                  date: format.dateTime(item.from),
                })}
              </List.Item>
            ))}
          </List>
        ) : (
          <Text size="sm">{t('incident.projection.nothingDown')}</Text>
        )}
        {data.strategies.length > 0 ? (
          <Text size="sm" mt="xs">
            {t('incident.projection.strategies', {
              list: data.strategies.map((item) => `${strategyName(item.strategy)} (${format.dateTime(item.at)})`).join(', '),
            })}
          </Text>
        ) : null}
      </Alert>
      <Paper withBorder p="md" component="section" aria-labelledby="projection-table">
        <Title order={2} size="h4" id="projection-table" mb="sm">
          {t('incident.projection.title')}
        </Title>
        <Table.ScrollContainer minWidth={720}>
          <Table striped withTableBorder aria-labelledby="projection-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('incident.board.activity')}</Table.Th>
                <Table.Th>{t('terms.mtpd.name')}</Table.Th>
                <Table.Th>{t('incident.projection.breach')}</Table.Th>
                <Table.Th>{t('incident.projection.firstDisrupted')}</Table.Th>
                <Table.Th>{t('incident.projection.recovered')}</Table.Th>
                <Table.Th>{t('plan.validation.longest')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.activities
                .filter((line) => line.firstDisrupted !== null)
                .map((line) => (
                  <Table.Tr key={line.activity} data-activity={line.activity} data-breaches={line.breaches ? 'true' : undefined}>
                    <Table.Td>{pick(line.name, line.names, language)}</Table.Td>
                    <Table.Td>{format.duration(line.mtpd)}</Table.Td>
                    <Table.Td>
                      {line.breaches ? (
                        <Badge color="red" variant="light" tt="none">
                          {t('incident.projection.breachAt', { date: format.dateTime(line.breachAt) })}
                        </Badge>
                      ) : (
                        <Badge color="teal" variant="light" tt="none">
                          {t('incident.projection.holds')}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{format.dateTime(line.firstDisrupted)}</Table.Td>
                    <Table.Td>{line.recoveredAt ? format.dateTime(line.recoveredAt) : t('incident.projection.notRecovered')}</Table.Td>
                    <Table.Td>{format.duration(line.longestDisruption)}</Table.Td>
                  </Table.Tr>
                ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {data.activities.every((line) => line.firstDisrupted === null) ? (
          <Text size="sm" mt="sm">
            {t('incident.projection.noneDisrupted')}
          </Text>
        ) : null}
      </Paper>
    </Stack>
  );
}
