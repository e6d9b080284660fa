// The programme's health on the dashboard (ISO 22301 9.1): BIA up to date, plans approved and reviewed, exercises and
// coverage of critical activities, training completion, corrective actions overdue, clauses implemented; each figure
// links to the list behind it. Those who may not read the programme see nothing of it.
import { Anchor, Badge, Card, Group, SimpleGrid, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ProgrammeHealth as Health } from '@shared/model/contract/assurance.js';
import { api, orgPath } from '../lib/api.js';

export function ProgrammeHealth({ org }: { org: string }) {
  const { t } = useTranslation();
  const health = useQuery({ queryKey: ['programme-health', org], queryFn: () => api<Health>(orgPath(org, '/programme-health')), retry: false });
  if (!health.data) return null;
  const h = health.data;
  const base = `/orgs/${encodeURIComponent(org)}`;
  const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)} %`);
  const figures = [
    {
      key: 'bia',
      ok: h.bia.ok,
      to: `${base}/bia-campaigns`,
      value: h.bia.ageDays === null ? t('health.never') : t('health.days', { count: h.bia.ageDays }),
      detail: t('health.biaDetail', { count: h.bia.neverAssessed }),
    },
    {
      key: 'plans',
      ok: h.plans.ok,
      to: `${base}/plans`,
      value: `${h.plans.approved}/${h.plans.total}`,
      detail: t('health.plansDetail', { count: h.plans.reviewOverdue }),
    },
    {
      key: 'exercises',
      ok: h.exercises.ok,
      to: `${base}/exercises`,
      value: String(h.exercises.completedLastYear),
      detail: t('health.exercisesDetail', { count: h.exercises.notExercised, total: h.exercises.criticalActivities }),
    },
    {
      key: 'training',
      ok: h.training.ok,
      to: `${base}/training`,
      value: percent(h.training.rate),
      detail: t('health.trainingDetail', { completed: h.training.completed, asked: h.training.asked }),
    },
    {
      key: 'correctiveActions',
      ok: h.correctiveActions.ok,
      to: `${base}/corrective-actions?overdue=true`,
      value: String(h.correctiveActions.overdue),
      detail: t('health.actionsDetail', { count: h.correctiveActions.open }),
    },
    { key: 'clauses', ok: h.clauses.ok, to: `${base}/clauses`, value: `${h.clauses.implemented}/${h.clauses.applicable}`, detail: t('health.clausesDetail') },
  ];
  return (
    <section aria-labelledby="programme-health">
      <Title order={2} size="h3" id="programme-health" mb="xs">
        {t('health.title')}
      </Title>
      <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }} spacing="sm">
        {figures.map((figure) => (
          <Card key={figure.key} withBorder padding="sm" data-health={figure.key}>
            <Group justify="space-between" gap={4}>
              <Anchor component={Link} to={figure.to} size="sm" fw={600}>
                {t(`health.figures.${figure.key}`)}
              </Anchor>
              <Badge color={figure.ok ? 'green' : 'orange'} variant="light" tt="none">
                {figure.ok ? t('health.ok') : t('health.toWatch')}
              </Badge>
            </Group>
            <Text size="xl" fw={700}>
              {figure.value}
            </Text>
            <Text size="xs">{figure.detail}</Text>
          </Card>
        ))}
      </SimpleGrid>
    </section>
  );
}
