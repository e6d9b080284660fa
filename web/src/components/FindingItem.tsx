// One BIA finding in plain words, with links to the activity and the other items involved.
import { Anchor, Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Finding } from '../lib/api.js';
import { explainFinding, type ExplainContext } from '../lib/findings.js';

const SEVERITY_COLOUR = { error: 'red', warning: 'yellow', info: 'blue' } as const;

export function SeverityBadge({ severity }: { severity: Finding['severity'] }) {
  const { t } = useTranslation();
  return (
    <Badge color={SEVERITY_COLOUR[severity]} variant="light" size="sm" style={{ flexShrink: 0 }}>
      {t(`severity.${severity}.one`)}
    </Badge>
  );
}

export function FindingItem({
  finding,
  org,
  context,
  showActivity = true,
}: {
  finding: Finding;
  org: string;
  context: ExplainContext;
  showActivity?: boolean;
}) {
  const { t } = useTranslation();
  const base = `/orgs/${encodeURIComponent(org)}`;
  const link = (type: 'activity' | 'application', id: string) =>
    type === 'activity' ? `${base}/activities/${encodeURIComponent(id)}` : `${base}/applications?open=${encodeURIComponent(id)}`;
  return (
    <Paper withBorder p="sm" component="li" style={{ listStyle: 'none' }} data-rule={finding.rule}>
      <Group align="flex-start" wrap="nowrap" gap="sm">
        <SeverityBadge severity={finding.severity} />
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Text size="sm" fw={600}>
            {t(`findings.rules.${finding.rule}`, { defaultValue: finding.rule })}
            {showActivity ? (
              <>
                {' — '}
                <Anchor component={Link} to={link('activity', finding.activity)} size="sm">
                  {context.name('activity', finding.activity)}
                </Anchor>
              </>
            ) : null}
          </Text>
          <Text size="sm">{explainFinding(finding, context)}</Text>
          {finding.related.length > 0 ? (
            <Group gap="xs">
              <Text size="xs" c="dimmed">
                {t('findings.involved')}
              </Text>
              {finding.related.map((item) => (
                <Anchor key={`${item.type}:${item.id}`} component={Link} to={link(item.type, item.id)} size="xs">
                  {context.name(item.type, item.id)}
                </Anchor>
              ))}
            </Group>
          ) : null}
        </Stack>
      </Group>
    </Paper>
  );
}
