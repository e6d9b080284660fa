// Likelihood and impact chosen from the organisation's matrix labels, with the score and band they give.
import { Group, NativeSelect, Paper, Text } from '@mantine/core';
import { rate } from '@shared/engine/risk.js';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../lib/queries.js';
import { levelDefinition, levelName, type Axis, type Rating, type RiskMatrix } from '../../lib/risks.js';
import { BandBadge } from './BandBadge.js';

interface Props {
  matrix: RiskMatrix;
  legend: string;
  description?: string;
  value: Rating;
  onChange: (rating: Rating) => void;
  errorAt?: (axis: Axis) => string | undefined;
}

export function RatingPicker({ matrix, legend, description, value, onChange, errorAt }: Props) {
  const { t } = useTranslation();
  const language = useLanguage();
  const valid = value.likelihood <= matrix.likelihood.length && value.impact <= matrix.impact.length;
  return (
    <Paper withBorder p="sm" component="fieldset" style={{ margin: 0, minWidth: 0 }}>
      <Text component="legend" fw={600} size="sm" px={4}>
        {legend}
      </Text>
      {description ? (
        <Text size="xs" c="dimmed" mb={6}>
          {description}
        </Text>
      ) : null}
      <Group grow align="flex-start" gap="sm">
        {(['likelihood', 'impact'] as const).map((axis) => {
          const level = matrix[axis].find((item) => item.value === value[axis]);
          return (
            <NativeSelect
              key={axis}
              label={t(`risks.${axis}`)}
              description={levelDefinition(level, language) || undefined}
              inputWrapperOrder={['label', 'input', 'description', 'error']}
              value={String(value[axis])}
              error={errorAt?.(axis)}
              onChange={(event) => onChange({ ...value, [axis]: Number(event.currentTarget.value) })}
              data={matrix[axis].map((item) => ({ value: String(item.value), label: `${item.value} · ${levelName(item, language)}` }))}
            />
          );
        })}
      </Group>
      <Group gap="xs" mt="xs">
        <Text size="sm">{t('risks.gives')}</Text>
        {valid ? <BandBadge matrix={matrix} rated={rate(matrix, value)} /> : <Text size="sm">—</Text>}
      </Group>
    </Paper>
  );
}
