// Small badges of plans and incidents: workflow status, severity, exercise, and an activity's status on the board.
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { PlanStatus, Severity } from '../../lib/crisis.js';

const PLAN_COLOURS: Record<PlanStatus, string> = { draft: 'gray', inReview: 'yellow', approved: 'teal', archived: 'dark' };
const SEVERITY_COLOURS: Record<Severity, string> = { minor: 'blue.8', major: 'orange.9', critical: 'red.8' };
const ACTIVITY_COLOURS = { operating: 'teal', degraded: 'orange', stopped: 'red' } as const;

export function PlanStatusBadge({ status }: { status: PlanStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={PLAN_COLOURS[status]} variant="light" tt="none" data-status={status}>
      {t(`planStatus.${status}`)}
    </Badge>
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  const { t } = useTranslation();
  return (
    <Badge color={SEVERITY_COLOURS[severity]} variant="filled" tt="none">
      {t(`incidentSeverity.${severity}`)}
    </Badge>
  );
}

/** An exercise is marked wherever an incident shows, so nobody takes it for a real one. */
export function ExerciseBadge() {
  const { t } = useTranslation();
  return (
    <Badge color="grape.8" variant="filled" data-testid="exercise-badge">
      {t('incidents.exercise')}
    </Badge>
  );
}

export function ActivityStatusBadge({ status }: { status: keyof typeof ACTIVITY_COLOURS }) {
  const { t } = useTranslation();
  return (
    <Badge color={ACTIVITY_COLOURS[status]} variant="light" tt="none" data-status={status}>
      {t(`activityStatus.${status}`)}
    </Badge>
  );
}
