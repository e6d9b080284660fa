// What needs attention in the register: top risks, above appetite without treatment, overdue treatments and reviews.
import { Anchor, Badge, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { BandBadge } from '../components/risk/BandBadge.js';
import { entityName } from '../lib/format.js';
import { useFormat, useLanguage, useOrgId } from '../lib/queries.js';
import { useAllRisks, useAttention, useRiskMatrix } from '../lib/risk-queries.js';
import type { RiskMatrix, RiskView } from '../lib/risks.js';

export default function RiskAttention() {
  const { t } = useTranslation();
  const org = useOrgId();
  const language = useLanguage();
  const format = useFormat();
  const { hash } = useLocation();
  const attention = useAttention(org);
  const matrix = useRiskMatrix(org);
  const risks = useAllRisks(org);
  const base = `/orgs/${encodeURIComponent(org)}`;
  usePageTitle(t('attention.title'));

  // The dashboard links to one list: bring it into view once the lists are drawn.
  useEffect(() => {
    if (!attention.data || !hash) return;
    const target = document.getElementById(hash.slice(1));
    target?.scrollIntoView({ block: 'start' });
    target?.focus({ preventScroll: true });
  }, [attention.data, hash]);

  if (attention.isError || matrix.isError) return <LoadError error={attention.error ?? matrix.error} />;
  if (!attention.data || !matrix.data) return <Loading />;
  const data = attention.data;
  const byId = new Map((risks.data ?? []).map((risk) => [risk.id, risk]));
  const titleOf = (id: string, fallback: string) => {
    const risk = byId.get(id);
    return risk ? entityName({ id, name: risk.title, names: risk.names }, language) : fallback;
  };
  const link = (id: string, fallback: string) => (
    <Anchor component={Link} to={`${base}/risks/${encodeURIComponent(id)}`} size="sm">
      {titleOf(id, fallback)}
    </Anchor>
  );

  return (
    <Stack gap="lg">
      <PageHeader title={t('attention.title')} description={t('attention.description', { date: format.date(data.today) })} />

      <AttentionSection
        id="untreated"
        title={t('attention.untreated', { count: data.aboveAppetiteWithoutTreatment.length })}
        help={t('attention.untreatedHelp')}
        empty={data.aboveAppetiteWithoutTreatment.length === 0 ? t('attention.untreatedNone') : undefined}
      >
        <RiskRows matrix={matrix.data} risks={data.aboveAppetiteWithoutTreatment} link={link} />
      </AttentionSection>

      <AttentionSection
        id="overdue"
        title={t('attention.overdue', { count: data.overdueTreatments.length })}
        help={t('attention.overdueHelp')}
        empty={data.overdueTreatments.length === 0 ? t('attention.overdueNone') : undefined}
      >
        <Table.ScrollContainer minWidth={640}>
          <Table striped withTableBorder aria-label={t('attention.overdueTable')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('risks.risk')}</Table.Th>
                <Table.Th>{t('attention.treatment')}</Table.Th>
                <Table.Th>{t('fields.owner')}</Table.Th>
                <Table.Th>{t('riskForm.due')}</Table.Th>
                <Table.Th>{t('attention.late')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.overdueTreatments.map((item) => (
                <Table.Tr key={`${item.risk}:${item.treatment.id}`}>
                  <Table.Td>{link(item.risk, item.title)}</Table.Td>
                  <Table.Td>
                    {item.treatment.description}{' '}
                    <Badge size="xs" variant="light" color="gray">
                      {t(`treatmentStatuses.${item.treatment.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{item.treatment.owner ?? '—'}</Table.Td>
                  <Table.Td>{format.date(item.treatment.due)}</Table.Td>
                  <Table.Td>
                    <Text span size="sm" fw={700} c="red.9">
                      {t('attention.days', { count: item.daysOverdue, formatted: format.number(item.daysOverdue) })}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </AttentionSection>

      <AttentionSection
        id="reviews"
        title={t('attention.reviews', { count: data.notReviewed.length })}
        help={t('attention.reviewsHelp')}
        empty={data.notReviewed.length === 0 ? t('attention.reviewsNone') : undefined}
      >
        <Table striped withTableBorder aria-label={t('attention.reviewsTable')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('risks.risk')}</Table.Th>
              <Table.Th>{t('riskForm.reviewDate')}</Table.Th>
              <Table.Th>{t('attention.late')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.notReviewed.map((item) => (
              <Table.Tr key={item.risk}>
                <Table.Td>{link(item.risk, item.title)}</Table.Td>
                <Table.Td>{format.date(item.reviewDate)}</Table.Td>
                <Table.Td>
                  <Text span size="sm" fw={700} c="red.9">
                    {t('attention.days', { count: item.daysOverdue, formatted: format.number(item.daysOverdue) })}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </AttentionSection>

      <AttentionSection
        id="top"
        title={t('attention.top', { count: data.top.length })}
        help={t('attention.topHelp')}
        empty={data.top.length === 0 ? t('attention.topNone') : undefined}
      >
        <RiskRows matrix={matrix.data} risks={data.top} link={link} />
      </AttentionSection>
    </Stack>
  );
}

function AttentionSection({ id, title, help, empty, children }: { id: string; title: string; help: string; empty?: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id} style={{ scrollMarginTop: 72 }}>
      <Title order={2} size="h4" id={id} tabIndex={-1} style={{ outline: 'none' }}>
        {title}
      </Title>
      <Text size="sm" c="dimmed" mt={4} mb="sm">
        {help}
      </Text>
      {empty ? <Text size="sm">{empty}</Text> : children}
    </Paper>
  );
}

function RiskRows({ matrix, risks, link }: { matrix: RiskMatrix; risks: RiskView[]; link: (id: string, fallback: string) => ReactNode }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('risks.risk')}</Table.Th>
            <Table.Th>{t('risks.residual')}</Table.Th>
            <Table.Th>{t('risks.inherent')}</Table.Th>
            <Table.Th>{t('fields.owner')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {risks.map((risk) => (
            <Table.Tr key={risk.id}>
              <Table.Td>{link(risk.id, risk.title)}</Table.Td>
              <Table.Td>
                <BandBadge matrix={matrix} rated={risk.computed.residual} compact />
              </Table.Td>
              <Table.Td>
                <BandBadge matrix={matrix} rated={risk.computed.inherent} compact />
              </Table.Td>
              <Table.Td>{risk.owner ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
