// A number of a disruption that may be uncertain: a fixed value, or a distribution (uniform, triangular, normal, one
// of several values) drawn by each Monte Carlo run. Hours are typed in hours, days or weeks; shares in percent.
import { Group, Input, NativeSelect, Text, TextInput } from '@mantine/core';
import { useId } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NumberField } from '../NumberField.js';
import { durationParts } from '../../lib/format.js';
import { useFormat } from '../../lib/queries.js';
import {
  convertUncertain,
  uncertainKind,
  uncertainParts,
  uncertainText,
  withParts,
  UNCERTAIN_KINDS,
  type Uncertain,
  type UncertainKind,
} from '../../lib/scenarios.js';

const UNIT_HOURS = { hour: 1, day: 24, week: 168 } as const;
type Unit = keyof typeof UNIT_HOURS;

const PART_NAMES: Record<UncertainKind, string[]> = {
  fixed: ['value'],
  uniform: ['min', 'max'],
  triangular: ['min', 'mode', 'max'],
  normal: ['mean', 'sd'],
  choice: [],
};

/** The largest unit in which every number is whole (hours when none is). */
function unitFor(parts: number[]): Unit {
  const units = parts.filter((part) => part > 0).map((part) => durationParts(part).unit);
  if (units.length === 0) return 'hour';
  if (units.every((unit) => unit === 'week')) return 'week';
  if (units.every((unit) => unit === 'week' || unit === 'day')) return 'day';
  return 'hour';
}

interface Props {
  label: string;
  description?: string;
  unit: 'hours' | 'share';
  value: Uncertain | undefined;
  onChange: (value: Uncertain | undefined) => void;
  /** When given, the value may be left out; this says what that means ("to the end of the scenario"). */
  emptyLabel?: string;
  error?: string;
}

export function UncertainInput({ label, description, unit, value, onChange, emptyLabel, error }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const kind = value === undefined ? 'empty' : uncertainKind(value);
  const parts = uncertainParts(value);
  const [timeUnit, setTimeUnit] = useState<Unit>(() => unitFor(parts));
  const [choiceText, setChoiceText] = useState('');
  const scale = unit === 'hours' ? UNIT_HOURS[timeUnit] : 0.01;
  const shown = (n: number) => Math.round((n / scale) * 1e6) / 1e6;
  const stored = (n: number) => Math.round(n * scale * 1e9) / 1e9;

  useEffect(() => {
    if (kind === 'choice') setChoiceText(parts.map((part) => format.number(shown(part), 4)).join('; '));
  }, [kind, timeUnit, format.language]);

  const setPart = (index: number, next: number | '') => {
    const updated = [...parts];
    updated[index] = next === '' ? 0 : stored(Number(next));
    onChange(withParts(kind as UncertainKind, updated));
  };
  const kinds = [
    ...(emptyLabel ? [{ value: 'empty', label: emptyLabel }] : []),
    ...UNCERTAIN_KINDS.map((item) => ({ value: item, label: t(`uncertain.kinds.${item}`) })),
  ];
  const describedBy = [description ? `${id}-description` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

  return (
    <Input.Wrapper
      label={label}
      description={description}
      error={error}
      descriptionProps={{ id: `${id}-description` }}
      errorProps={{ id: `${id}-error` }}
      labelProps={{ htmlFor: `${id}-kind` }}
    >
      <Group gap={6} mt={4} wrap="wrap" align="flex-start">
        <NativeSelect
          id={`${id}-kind`}
          aria-describedby={describedBy}
          value={kind}
          w={kind === 'empty' ? 230 : 150}
          data={kinds}
          onChange={(event) => {
            const next = event.currentTarget.value;
            if (next === 'empty') onChange(undefined);
            else onChange(convertUncertain(value ?? (unit === 'share' ? 0.1 : 24), next as UncertainKind));
          }}
        />
        {kind === 'choice' ? (
          <TextInput
            aria-label={t('uncertain.choicesOf', { label })}
            value={choiceText}
            w={200}
            placeholder="2; 3; 4"
            onChange={(event) => {
              const text = event.currentTarget.value;
              setChoiceText(text);
              const numbers = text
                .split(';')
                .map((item) => Number(item.trim().replace(/\s/g, '').replace(',', '.')))
                .filter((item) => Number.isFinite(item) && text.trim() !== '');
              if (numbers.length) onChange(withParts('choice', numbers.map(stored)));
            }}
          />
        ) : kind !== 'empty' ? (
          PART_NAMES[kind].map((part, index) => (
            <NumberField
              key={part}
              aria-label={t('uncertain.partOf', { label, part: t(`uncertain.parts.${part}`) })}
              placeholder={t(`uncertain.parts.${part}`)}
              leftSection={
                kind === 'fixed' ? undefined : (
                  <Text size="10px" c="dimmed">
                    {t(`uncertain.partsShort.${part}`)}
                  </Text>
                )
              }
              leftSectionWidth={kind === 'fixed' ? undefined : 34}
              value={parts[index] === undefined ? '' : shown(parts[index])}
              min={0}
              max={unit === 'share' ? 100 : undefined}
              decimalScale={unit === 'share' ? 2 : 3}
              suffix={unit === 'share' ? ' %' : undefined}
              w={kind === 'fixed' ? 110 : 104}
              error={Boolean(error)}
              onChange={(next) => setPart(index, next === '' ? '' : Number(next))}
            />
          ))
        ) : null}
        {unit === 'hours' && kind !== 'empty' ? (
          <NativeSelect
            aria-label={t('duration.unitOf', { label })}
            value={timeUnit}
            w={100}
            onChange={(event) => setTimeUnit(event.currentTarget.value as Unit)}
            data={[
              { value: 'hour', label: t('duration.hours') },
              { value: 'day', label: t('duration.days') },
              { value: 'week', label: t('duration.weeks') },
            ]}
          />
        ) : null}
      </Group>
      {kind !== 'empty' && kind !== 'fixed' ? (
        <Text size="xs" c="dimmed" mt={2}>
          {uncertainText(value, unit, t as never, format)}
        </Text>
      ) : null}
    </Input.Wrapper>
  );
}
