// The BIA settings of the organisation: impact categories, the rating scale and its labels, the intolerable level,
// the time points. The server refuses settings that existing ratings do not fit, and lists those ratings.
import { ActionIcon, Alert, Button, Checkbox, Group, NativeSelect, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { BiaSettings as Settings } from '@shared/model/organisation.js';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DurationInput } from '../../components/DurationInput.js';
import { NumberField } from '../../components/NumberField.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../../components/Page.js';
import { ProblemSummary, ProblemTable } from '../../components/Problems.js';
import { Editable, ReadOnlyNotice } from '../../components/Editable.js';
import { allows } from '../../lib/abilities.js';
import { compactCriteria, criterionOf } from '../../lib/bia.js';
import { entityName } from '../../lib/format.js';
import { api, isApiError, orgPath, type Organisation } from '../../lib/api.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../../lib/problems.js';
import { invalidateOrganisation, keys, useLanguage, useOrganisation, useOrgId } from '../../lib/queries.js';

type Category = Settings['categories'][number];

/** Every ISO 4217 code the browser knows, named in the interface language ("EUR — Euro"). */
function currencyOptions(language: string): Array<{ value: string; label: string }> {
  const names = new Intl.DisplayNames([language], { type: 'currency' });
  return Intl.supportedValuesOf('currency').map((code) => ({ value: code, label: `${code} — ${names.of(code) ?? code}` }));
}
type Level = Settings['scale'][number];
type Criterion = NonNullable<Settings['criteria']>[number];

export default function BiaSettings() {
  const { t } = useTranslation();
  const org = useOrgId();
  const client = useQueryClient();
  const organisation = useOrganisation(org);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [currency, setCurrency] = useState<string | null>(null);
  const language = useLanguage();
  const currencies = useMemo(() => currencyOptions(language), [language]);
  usePageTitle(t('admin.bia.title'));
  useEffect(() => {
    if (organisation.data && !draft) setDraft(structuredClone(organisation.data.bia));
    if (organisation.data && !currency) setCurrency(organisation.data.currency);
  }, [organisation.data, draft, currency]);
  const save = useMutation({
    mutationFn: (bia: Settings) =>
      api<Organisation>(orgPath(org), { method: 'PUT', body: { name: organisation.data!.name, bia, currency: currency ?? undefined } }),
    // The criteria are sent compacted (see submit): the server's problems name their place in what was sent.
    onSuccess: async (result) => {
      client.setQueryData(keys.details(org), result);
      setDraft(structuredClone(result.bia));
      setCurrency(result.currency);
      await invalidateOrganisation(client, org);
    },
  });
  if (organisation.isError) return <LoadError error={organisation.error} />;
  if (!organisation.data || !draft || !currency) return <Loading />;
  // The organisation says whether the caller may change it (its BIA settings with it).
  const editable = allows(organisation.data, 'update');
  const problems = isApiError(save.error) ? groupByField(save.error.details) : undefined;
  // The shared 'ascending' sentence speaks of risk bands: here it is scale values and time points.
  const at = (path: string) => {
    const found = problemsAt(problems, `bia.${path}`);
    return found.some((problem) => problem.rule === 'ascending') ? t('admin.bia.ascending') : fieldErrorText(found, t);
  };
  const rest = unclaimedProblems(problems, ['bia.categories', 'bia.scale', 'bia.intolerable', 'bia.timePoints', 'bia.criteria']).concat(
    ['bia.categories', 'bia.scale', 'bia.timePoints'].flatMap((field) => problemsAt(problems, field)),
  );

  const set = (next: Partial<Settings>) => setDraft({ ...draft, ...next });
  const setCategory = (index: number, next: Partial<Category>) => {
    const previous = draft.categories[index].id;
    // A renamed category keeps its criteria.
    const criteria =
      next.id !== undefined && next.id !== previous
        ? draft.criteria?.map((criterion) => (criterion.category === previous ? { ...criterion, category: next.id! } : criterion))
        : draft.criteria;
    set({ categories: draft.categories.map((item, i) => (i === index ? { ...item, ...next } : item)), criteria });
  };
  const setCriterion = (category: string, level: number, next: Partial<Criterion>) => {
    const criteria = draft.criteria ?? [];
    const found = criteria.some((item) => item.category === category && item.level === level);
    set({
      criteria: found
        ? criteria.map((item) => (item.category === category && item.level === level ? { ...item, ...next } : item))
        : [...criteria, { category, level, ...next }],
    });
  };
  /** A criterion's problem: its index in the criteria as they were sent. */
  const criterionError = (category: string, level: number, field: string) => {
    const index = save.variables?.criteria?.findIndex((item) => item.category === category && item.level === level) ?? -1;
    return index < 0 ? undefined : at(`criteria.${index}.${field}`);
  };
  const setLevel = (index: number, next: Partial<Level>) => set({ scale: draft.scale.map((item, i) => (i === index ? { ...item, ...next } : item)) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (editable) save.mutate({ ...draft, criteria: compactCriteria(draft) });
  };
  const remove = t('admin.bia.remove');

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <PageHeader
          title={t('admin.bia.title')}
          description={t('admin.bia.description')}
          actions={
            editable ? (
              <>
                <Button
                  variant="default"
                  onClick={() => (save.reset(), setDraft(structuredClone(organisation.data.bia)), setCurrency(organisation.data.currency))}
                >
                  {t('common.discard')}
                </Button>
                <Button type="submit" loading={save.isPending}>
                  {t('common.save')}
                </Button>
              </>
            ) : undefined
          }
        />
        {save.error ? <ProblemSummary title={t('admin.bia.refused')} message={errorSentence(save.error, t)} problems={rest.length <= 5 ? rest : []} /> : null}
        {/* Many ratings that do not fit: a table that scrolls rather than a long list. */}
        {rest.length > 5 ? <ProblemTable problems={rest} caption={t('admin.bia.misfits', { count: rest.length })} /> : null}
        {save.isSuccess ? (
          <Text size="sm" c="green.9" role="status">
            {t('admin.saved')}
          </Text>
        ) : null}
        {!editable ? <ReadOnlyNotice /> : null}
        <Editable editable={editable}>
          <Stack gap="md">
            <Paper withBorder p="md" component="section" aria-labelledby="org-currency">
              <Title order={2} size="h4" id="org-currency" mb="sm">
                {t('admin.bia.currency')}
              </Title>
              <NativeSelect
                label={t('admin.bia.currencyLabel')}
                description={t('admin.bia.currencyHelp')}
                maw={420}
                data={currencies}
                value={currency}
                onChange={(event) => setCurrency(event.currentTarget.value)}
                error={fieldErrorText(problemsAt(problems, 'currency'), t) || undefined}
              />
            </Paper>
            <Paper withBorder p="md" component="section" aria-labelledby="bia-categories">
              <Title order={2} size="h4" id="bia-categories" mb="sm">
                {t('admin.bia.categories')}
              </Title>
              <Table.ScrollContainer minWidth={640}>
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('admin.bia.id')}</Table.Th>
                      <Table.Th>{t('admin.bia.nameEn')}</Table.Th>
                      <Table.Th>{t('admin.bia.nameFr')}</Table.Th>
                      <Table.Th w={110}>{t('admin.bia.money')}</Table.Th>
                      <Table.Th w={60} />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {draft.categories.map((category, index) => (
                      <Table.Tr key={index}>
                        <Table.Td>
                          <TextInput
                            aria-label={t('admin.bia.idOf', { n: index + 1 })}
                            value={category.id}
                            onChange={(event) => setCategory(index, { id: event.currentTarget.value })}
                            error={at(`categories.${index}.id`)}
                          />
                        </Table.Td>
                        <Table.Td>
                          <TextInput
                            aria-label={t('admin.bia.nameEnOf', { n: index + 1 })}
                            value={category.names?.en ?? category.name}
                            onChange={(event) =>
                              setCategory(index, { name: event.currentTarget.value, names: { ...category.names, en: event.currentTarget.value } })
                            }
                            error={at(`categories.${index}.name`)}
                          />
                        </Table.Td>
                        <Table.Td>
                          <TextInput
                            aria-label={t('admin.bia.nameFrOf', { n: index + 1 })}
                            value={category.names?.fr ?? ''}
                            onChange={(event) => setCategory(index, { names: { ...category.names, fr: event.currentTarget.value } })}
                          />
                        </Table.Td>
                        <Table.Td>
                          <Checkbox
                            aria-label={t('admin.bia.moneyOf', { n: index + 1 })}
                            checked={category.money ?? false}
                            onChange={(event) => setCategory(index, { money: event.currentTarget.checked || undefined })}
                          />
                        </Table.Td>
                        <Table.Td>
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={`${remove} ${category.id}`}
                            onClick={() => set({ categories: draft.categories.filter((_, i) => i !== index) })}
                            disabled={draft.categories.length <= 1}
                          >
                            ×
                          </ActionIcon>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Button
                variant="light"
                size="xs"
                mt="xs"
                onClick={() => set({ categories: [...draft.categories, { id: '', name: '' }] })}
                disabled={draft.categories.length >= 20}
              >
                {t('admin.bia.addCategory')}
              </Button>
            </Paper>

            <Paper withBorder p="md" component="section" aria-labelledby="bia-scale">
              <Title order={2} size="h4" id="bia-scale" mb="sm">
                {t('admin.bia.scale')}
              </Title>
              <Table.ScrollContainer minWidth={640}>
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w={120}>{t('admin.bia.value')}</Table.Th>
                      <Table.Th>{t('admin.bia.labelEn')}</Table.Th>
                      <Table.Th>{t('admin.bia.labelFr')}</Table.Th>
                      <Table.Th w={60} />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {draft.scale.map((level, index) => (
                      <Table.Tr key={index}>
                        <Table.Td>
                          <NumberField
                            aria-label={t('admin.bia.valueOf', { n: index + 1 })}
                            min={0}
                            max={10}
                            allowDecimal={false}
                            value={level.value}
                            onChange={(value) => setLevel(index, { value: Number(value) })}
                            error={at(`scale.${index}.value`)}
                          />
                        </Table.Td>
                        <Table.Td>
                          <TextInput
                            aria-label={t('admin.bia.labelEnOf', { n: index + 1 })}
                            value={level.names?.en ?? level.label}
                            onChange={(event) =>
                              setLevel(index, { label: event.currentTarget.value, names: { ...level.names, en: event.currentTarget.value } })
                            }
                            error={at(`scale.${index}.label`)}
                          />
                        </Table.Td>
                        <Table.Td>
                          <TextInput
                            aria-label={t('admin.bia.labelFrOf', { n: index + 1 })}
                            value={level.names?.fr ?? ''}
                            onChange={(event) => setLevel(index, { names: { ...level.names, fr: event.currentTarget.value } })}
                          />
                        </Table.Td>
                        <Table.Td>
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={`${remove} ${level.value}`}
                            onClick={() => set({ scale: draft.scale.filter((_, i) => i !== index) })}
                            disabled={draft.scale.length <= 2}
                          >
                            ×
                          </ActionIcon>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Group mt="xs" align="flex-end">
                <Button
                  variant="light"
                  size="xs"
                  onClick={() => set({ scale: [...draft.scale, { value: Math.min(10, (draft.scale.at(-1)?.value ?? 0) + 1), label: '' }] })}
                  disabled={draft.scale.length >= 10}
                >
                  {t('admin.bia.addLevel')}
                </Button>
              </Group>
              <NativeSelect
                mt="md"
                w={320}
                label={t('admin.bia.intolerable')}
                description={t('admin.bia.intolerableHelp')}
                value={String(draft.intolerable)}
                onChange={(event) => set({ intolerable: Number(event.currentTarget.value) })}
                data={draft.scale.map((level) => ({ value: String(level.value), label: `${level.value} · ${level.label}` }))}
                error={at('intolerable')}
              />
            </Paper>

            <Paper withBorder p="md" component="section" aria-labelledby="bia-criteria">
              <Title order={2} size="h4" id="bia-criteria" mb="xs">
                {t('admin.bia.criteria')}
              </Title>
              <Text size="sm" c="dimmed" mb="sm">
                {t('admin.bia.criteriaHelp', { currency })}
              </Text>
              <Stack gap="md">
                {draft.categories
                  .filter((category) => category.id !== '')
                  .map((category) => {
                    const name = entityName(category, language);
                    return (
                      <div key={category.id} data-criteria-category={category.id}>
                        <Text size="sm" fw={700} mb={4}>
                          {name}
                          {category.money ? ` · ${t('admin.bia.money')} (${currency})` : ''}
                        </Text>
                        <Table.ScrollContainer minWidth={720}>
                          <Table>
                            <Table.Thead>
                              <Table.Tr>
                                <Table.Th w={140}>{t('admin.bia.level')}</Table.Th>
                                <Table.Th>{t('admin.bia.meaningEn')}</Table.Th>
                                <Table.Th>{t('admin.bia.meaningFr')}</Table.Th>
                                {category.money ? <Table.Th w={200}>{t('admin.bia.threshold', { currency })}</Table.Th> : null}
                              </Table.Tr>
                            </Table.Thead>
                            <Table.Tbody>
                              {draft.scale.map((level) => {
                                const criterion = criterionOf(draft, category.id, level.value);
                                const levelName = entityName({ id: String(level.value), name: level.label, names: level.names }, language);
                                const of = { category: name, level: `${level.value} — ${levelName}` };
                                return (
                                  <Table.Tr key={level.value}>
                                    <Table.Td>
                                      {level.value} — {levelName}
                                    </Table.Td>
                                    <Table.Td>
                                      <TextInput
                                        lang="en"
                                        aria-label={t('admin.bia.meaningEnOf', of)}
                                        value={criterion?.descriptions?.en ?? criterion?.description ?? ''}
                                        onChange={(event) =>
                                          setCriterion(category.id, level.value, {
                                            descriptions: { ...criterion?.descriptions, en: event.currentTarget.value },
                                          })
                                        }
                                        error={
                                          criterionError(category.id, level.value, 'description') ?? criterionError(category.id, level.value, 'descriptions.en')
                                        }
                                      />
                                    </Table.Td>
                                    <Table.Td>
                                      <TextInput
                                        lang="fr"
                                        aria-label={t('admin.bia.meaningFrOf', of)}
                                        value={criterion?.descriptions?.fr ?? ''}
                                        onChange={(event) =>
                                          setCriterion(category.id, level.value, {
                                            descriptions: { ...criterion?.descriptions, fr: event.currentTarget.value },
                                          })
                                        }
                                        error={criterionError(category.id, level.value, 'descriptions.fr')}
                                      />
                                    </Table.Td>
                                    {category.money ? (
                                      <Table.Td>
                                        <NumberField
                                          aria-label={t('admin.bia.thresholdOf', of)}
                                          min={0}
                                          suffix={` ${currency}`}
                                          value={criterion?.threshold ?? ''}
                                          onChange={(value) => setCriterion(category.id, level.value, { threshold: value === '' ? undefined : Number(value) })}
                                          error={criterionError(category.id, level.value, 'threshold')}
                                        />
                                      </Table.Td>
                                    ) : null}
                                  </Table.Tr>
                                );
                              })}
                            </Table.Tbody>
                          </Table>
                        </Table.ScrollContainer>
                      </div>
                    );
                  })}
              </Stack>
            </Paper>

            <Paper withBorder p="md" component="section" aria-labelledby="bia-times">
              <Title order={2} size="h4" id="bia-times" mb="xs">
                {t('admin.bia.timePoints')}
              </Title>
              <Text size="sm" c="dimmed" mb="sm">
                {t('admin.bia.timePointsHelp')}
              </Text>
              <Stack gap="xs">
                {draft.timePoints.map((hours, index) => (
                  <Group key={index} align="flex-end" wrap="nowrap">
                    <DurationInput
                      label={t('admin.bia.timePoint', { n: index + 1 })}
                      value={hours}
                      onChange={(value) => set({ timePoints: draft.timePoints.map((item, i) => (i === index ? (value ?? 0) : item)) })}
                      error={at(`timePoints.${index}`)}
                    />
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      mb={4}
                      aria-label={`${remove} ${t('admin.bia.timePoint', { n: index + 1 })}`}
                      onClick={() => set({ timePoints: draft.timePoints.filter((_, i) => i !== index) })}
                      disabled={draft.timePoints.length <= 1}
                    >
                      ×
                    </ActionIcon>
                  </Group>
                ))}
              </Stack>
              <Button
                variant="light"
                size="xs"
                mt="xs"
                onClick={() => set({ timePoints: [...draft.timePoints, (draft.timePoints.at(-1) ?? 0) * 2 || 1] })}
                disabled={draft.timePoints.length >= 20}
              >
                {t('admin.bia.addTimePoint')}
              </Button>
            </Paper>
          </Stack>
        </Editable>
        {!editable ? <Alert color="gray">{t('admin.readOnly')}</Alert> : null}
      </Stack>
    </form>
  );
}
