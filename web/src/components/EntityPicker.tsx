// Pick items of a collection by name (searchable), keeping their ids; unknown ids stay visible.
import { MultiSelect, Select } from '@mantine/core';
import type { Collection } from '@shared/model/organisation.js';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { entityName } from '../lib/format.js';
import { useAll, useLanguage } from '../lib/queries.js';

function useOptions(org: string, collection: Collection, keep: readonly string[], exclude?: string) {
  const language = useLanguage();
  const all = useAll(org, collection);
  const data = useMemo(() => {
    const options = (all.data?.items ?? [])
      .filter((item) => item.id !== exclude)
      .map((item) => {
        const name = entityName(item as { id: string; name?: string }, language);
        return { value: item.id, label: name === item.id ? name : `${name} (${item.id})` };
      });
    const known = new Set(options.map((option) => option.value));
    for (const id of keep) if (id && !known.has(id)) options.push({ value: id, label: id });
    return options;
  }, [all.data, language, keep, exclude]);
  return { data, loading: all.isPending };
}

interface MultiProps {
  org: string;
  collection: Collection;
  label: string;
  description?: string;
  value: string[];
  onChange: (ids: string[]) => void;
  error?: string;
  /** An id not to offer (an activity cannot depend on itself). */
  exclude?: string;
  /** The label is read by screen readers only (inside a table with column headers). */
  hideLabel?: boolean;
}

export function EntityMultiSelect({ org, collection, label, description, value, onChange, error, exclude, hideLabel }: MultiProps) {
  const { t } = useTranslation();
  const { data } = useOptions(org, collection, value, exclude);
  return (
    <MultiSelect
      label={hideLabel ? undefined : label}
      aria-label={hideLabel ? label : undefined}
      description={description}
      data={data}
      value={value}
      onChange={onChange}
      error={error}
      searchable
      clearable
      limit={100}
      nothingFoundMessage={t('common.nothingFound')}
      placeholder={value.length === 0 ? t('common.none') : undefined}
      hidePickedOptions
    />
  );
}

interface SingleProps {
  org: string;
  collection: Collection;
  label: string;
  value: string | undefined;
  onChange: (id: string | undefined) => void;
  error?: string;
  required?: boolean;
  hideLabel?: boolean;
}

export function EntitySelect({ org, collection, label, value, onChange, error, required, hideLabel }: SingleProps) {
  const { t } = useTranslation();
  const keep = useMemo(() => (value ? [value] : []), [value]);
  const { data } = useOptions(org, collection, keep);
  return (
    <Select
      label={hideLabel ? undefined : label}
      aria-label={hideLabel ? label : undefined}
      data={data}
      value={value ?? null}
      onChange={(next) => onChange(next ?? undefined)}
      error={error}
      required={required}
      searchable
      limit={100}
      nothingFoundMessage={t('common.nothingFound')}
      placeholder={t('common.choose')}
    />
  );
}
