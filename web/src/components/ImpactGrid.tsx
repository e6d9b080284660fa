// The impact-over-time grid: one row per impact category, one select per time point, coloured by rating.
import { ActionIcon, Group, Popover, Stack, Text } from '@mantine/core';
import type { Activity, BiaSettings } from '@shared/model/organisation.js';
import { useTranslation } from 'react-i18next';
import { entityName } from '../lib/format.js';
import { criterionOf, criterionText, levelColour } from '../lib/bia.js';
import { useFormat, useLanguage } from '../lib/queries.js';

interface Props {
  bia: BiaSettings;
  impacts: Activity['impacts'];
  onChange: (category: string, index: number, rating: number | null) => void;
  /** Index of the time point of the suggested MTPD, marked in the header. */
  suggestedIndex: number;
  /** Problems per cell key `category.index` (or per category). */
  errorAt?: (category: string, index?: number) => string | undefined;
}

export function ImpactGrid({ bia, impacts, onChange, suggestedIndex, errorAt }: Props) {
  const { t } = useTranslation();
  const language = useLanguage();
  const format = useFormat();
  const levelName = (level: BiaSettings['scale'][number]) => entityName({ id: String(level.value), name: level.label, names: level.names }, language);
  /** What a level means for a category, in words and (money categories) from which loss: "loss above €1,000,000 — …". */
  const meaning = (category: BiaSettings['categories'][number], value: number): string => {
    const criterion = criterionOf(bia, category.id, value);
    const threshold = category.money && criterion?.threshold !== undefined ? t('impact.lossAbove', { amount: format.money(criterion.threshold) }) : '';
    return [threshold, criterionText(criterion, language)].filter(Boolean).join(' — ');
  };
  return (
    <div style={{ overflowX: 'auto' }}>
      <table className="impact-grid" aria-label={t('impact.gridLabel')}>
        <thead>
          <tr>
            <th scope="col">{t('impact.category')}</th>
            {bia.timePoints.map((hours, index) => (
              <th key={hours} scope="col" className={index === suggestedIndex ? 'suggested' : undefined}>
                {format.duration(hours)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {bia.categories.map((category) => {
            const name = entityName(category, language);
            const rowError = errorAt?.(category.id);
            return (
              <tr key={category.id}>
                <th scope="row">
                  <Group gap={4} wrap="nowrap" justify="space-between">
                    <span>{name}</span>
                    {bia.scale.some((level) => meaning(category, level.value)) ? (
                      <Popover width={340} position="right-start" withArrow shadow="md">
                        <Popover.Target>
                          <ActionIcon
                            variant="subtle"
                            size="sm"
                            color="gray.8"
                            aria-label={t('impact.criteriaOf', { category: name })}
                            data-criteria={category.id}
                          >
                            ?
                          </ActionIcon>
                        </Popover.Target>
                        <Popover.Dropdown>
                          <Text size="sm" fw={700} mb={4}>
                            {t('impact.criteriaOf', { category: name })}
                          </Text>
                          <Stack gap={4} data-testid={`criteria-${category.id}`}>
                            {bia.scale.map((level) => (
                              <Text key={level.value} size="xs">
                                <b>
                                  {level.value} — {levelName(level)}
                                </b>
                                {meaning(category, level.value) ? <span style={{ display: 'block' }}>{meaning(category, level.value)}</span> : null}
                              </Text>
                            ))}
                          </Stack>
                        </Popover.Dropdown>
                      </Popover>
                    ) : null}
                  </Group>
                  {rowError ? (
                    <Text size="xs" c="red.9" role="alert">
                      {rowError}
                    </Text>
                  ) : null}
                </th>
                {bia.timePoints.map((hours, index) => {
                  const rating = impacts[category.id]?.[index] ?? null;
                  const colour = levelColour(rating, bia);
                  const error = errorAt?.(category.id, index);
                  const level = rating === null ? undefined : bia.scale.find((item) => item.value === rating);
                  const intolerable = rating !== null && rating >= bia.intolerable;
                  return (
                    <td key={hours} className={index === suggestedIndex ? 'suggested' : undefined}>
                      <div
                        className="impact-cell"
                        style={{
                          background: colour.background,
                          color: colour.color,
                          borderColor: error ? '#c92a2a' : colour.border,
                          borderWidth: error || intolerable ? 2 : 1,
                        }}
                      >
                        <span className="impact-value" aria-hidden="true" style={{ fontWeight: intolerable ? 800 : 600 }}>
                          {rating === null ? '—' : rating}
                        </span>
                        <span className="impact-label" aria-hidden="true">
                          {level ? levelName(level) : t('impact.notRatedShort')}
                        </span>
                        <span className="impact-arrow" aria-hidden="true">
                          ▾
                        </span>
                        {/* The native select sits over the cell, invisible: keyboard, screen readers and touch get a real select. */}
                        <select
                          aria-label={t('impact.cellLabel', { category: name, time: format.duration(hours) })}
                          aria-invalid={error ? true : undefined}
                          title={error ?? (rating === null ? undefined : meaning(category, rating) || undefined)}
                          data-category={category.id}
                          data-index={index}
                          value={rating === null ? '' : String(rating)}
                          onChange={(event) => onChange(category.id, index, event.currentTarget.value === '' ? null : Number(event.currentTarget.value))}
                        >
                          <option value="">{t('impact.notRated')}</option>
                          {bia.scale.map((option) => (
                            <option key={option.value} value={option.value}>
                              {option.value} · {levelName(option)}
                            </option>
                          ))}
                        </select>
                      </div>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <Group gap="xs" mt="xs" aria-label={t('impact.legend')} role="list">
        {bia.scale.map((level) => {
          const colour = levelColour(level.value, bia);
          return (
            <Text
              key={level.value}
              size="xs"
              role="listitem"
              px={6}
              py={2}
              style={{
                background: colour.background,
                color: colour.color,
                border: `1px solid ${colour.border}`,
                borderRadius: 4,
                fontWeight: level.value >= bia.intolerable ? 700 : 400,
              }}
            >
              {level.value} · {levelName(level)}
              {level.value === bia.intolerable ? ` — ${t('impact.intolerableFrom')}` : ''}
            </Text>
          );
        })}
      </Group>
    </div>
  );
}
