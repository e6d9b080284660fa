// A duration typed as an amount and a unit (hours, days, weeks), kept in hours as the API wants it.
import { Group, Input, NativeSelect } from '@mantine/core';
import { useId } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { durationParts } from '../lib/format.js';
import { NumberField } from './NumberField.js';

const UNIT_HOURS = { hour: 1, day: 24, week: 168 } as const;
type Unit = keyof typeof UNIT_HOURS;

function split(hours: number | undefined): { amount: number | ''; unit: Unit } {
  if (hours === undefined || hours === null) return { amount: '', unit: 'hour' };
  const parts = durationParts(hours);
  if (parts.unit === 'minute') return { amount: hours, unit: 'hour' };
  return { amount: parts.value, unit: parts.unit };
}

export interface DurationInputProps {
  label: string;
  description?: string;
  value: number | undefined;
  onChange: (hours: number | undefined) => void;
  error?: string;
  required?: boolean;
}

export function DurationInput({ label, description, value, onChange, error, required }: DurationInputProps) {
  const { t } = useTranslation();
  const id = useId();
  const [state, setState] = useState(() => split(value));

  // A new value from outside (reset, save) replaces what is shown, unless it is what the user typed.
  useEffect(() => {
    const shown = state.amount === '' ? undefined : state.amount * UNIT_HOURS[state.unit];
    if (shown !== value) setState(split(value));
  }, [value]);

  const update = (amount: number | '', unit: Unit) => {
    setState({ amount, unit });
    onChange(amount === '' ? undefined : Math.round(amount * UNIT_HOURS[unit] * 1e6) / 1e6);
  };

  return (
    <Input.Wrapper
      id={`${id}-amount`}
      label={label}
      description={description}
      error={error}
      required={required}
      errorProps={{ id: `${id}-error` }}
      descriptionProps={{ id: `${id}-description` }}
    >
      <Group gap={6} wrap="nowrap" mt={4}>
        <NumberField
          id={`${id}-amount`}
          value={state.amount}
          min={0}
          decimalScale={2}
          allowNegative={false}
          w={110}
          error={Boolean(error)}
          aria-describedby={[description ? `${id}-description` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}
          onChange={(next) => update(next === '' ? '' : Number(next), state.unit)}
        />
        <NativeSelect
          aria-label={t('duration.unitOf', { label })}
          value={state.unit}
          w={110}
          onChange={(event) => update(state.amount, event.currentTarget.value as Unit)}
          data={[
            { value: 'hour', label: t('duration.hours') },
            { value: 'day', label: t('duration.days') },
            { value: 'week', label: t('duration.weeks') },
          ]}
        />
      </Group>
    </Input.Wrapper>
  );
}
