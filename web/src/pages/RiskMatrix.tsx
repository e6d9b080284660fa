// The risk matrix editor: labelled levels, bands with colours and score ranges, the appetite; a refused change
// (levels that risks still use) lists those risks and asks where their levels go.
import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  ColorInput,
  Group,
  List,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Editable, EditOnly, ReadOnlyNotice } from '../components/Editable.js';
import { NumberField } from '../components/NumberField.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { ProblemSummary } from '../components/Problems.js';
import { HeatMap } from '../components/risk/HeatMap.js';
import { allows } from '../lib/abilities.js';
import { api, isApiError, orgPath } from '../lib/api.js';
import { canonical } from '../lib/equal.js';
import { entityName } from '../lib/format.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../lib/problems.js';
import { invalidateOrganisation, useLanguage, useOrgId } from '../lib/queries.js';
import { useAllRisks, useRiskMatrix } from '../lib/risk-queries.js';
import {
  bandForScore,
  bandName,
  bandRanges,
  levelName,
  removedLevels,
  textOn,
  type Axis,
  type Heatmap,
  type MatrixLevel,
  type RiskBand,
  type RiskMatrix,
} from '../lib/risks.js';

type Mapping = Record<Axis, Record<string, number>>;

/** Optional texts left empty are left out, as the schema wants. */
function cleanMatrix(matrix: RiskMatrix): RiskMatrix {
  const names = (value: { en?: string; fr?: string } | undefined) => {
    const out: { en?: string; fr?: string } = {};
    if (value?.en?.trim()) out.en = value.en.trim();
    if (value?.fr?.trim()) out.fr = value.fr.trim();
    return Object.keys(out).length ? out : undefined;
  };
  const level = (item: MatrixLevel, index: number): MatrixLevel => {
    const out: MatrixLevel = { value: index + 1, label: item.label.trim() };
    const n = names(item.names);
    if (n) out.names = n;
    if (item.definition?.trim()) out.definition = item.definition.trim();
    const d = names(item.definitions);
    if (d) out.definitions = d;
    return out;
  };
  return {
    likelihood: matrix.likelihood.map(level),
    impact: matrix.impact.map(level),
    bands: matrix.bands.map((band) => {
      const out: RiskBand = { id: band.id.trim(), label: band.label.trim(), colour: band.colour, min: band.min };
      const n = names(band.names);
      if (n) out.names = n;
      return out;
    }),
    appetite: matrix.appetite,
  };
}

export default function RiskMatrixPage() {
  const org = useOrgId();
  const matrix = useRiskMatrix(org);
  if (matrix.isError) return <LoadError error={matrix.error} />;
  if (!matrix.data) return <Loading />;
  // The matrix says whether the caller may change it.
  return <MatrixEditor key={org} org={org} saved={matrix.data} editable={allows(matrix.data, 'update')} />;
}

function MatrixEditor({ org, saved, editable }: { org: string; saved: RiskMatrix; editable: boolean }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const client = useQueryClient();
  const risks = useAllRisks(org);
  const [draft, setDraftState] = useState<RiskMatrix>(() => structuredClone(saved));
  const setDraft = (next: RiskMatrix) => {
    if (editable) setDraftState(next);
  };
  const [by, setBy] = useState('');
  const [mapping, setMapping] = useState<Mapping>({ likelihood: {}, impact: {} });
  const dirty = canonical(cleanMatrix(draft)) !== canonical(cleanMatrix(saved));
  usePageTitle(t('matrix.title'));
  const save = useMutation({
    mutationFn: (withMapping: boolean) => {
      const body: Record<string, unknown> = { ...cleanMatrix(draft) };
      if (by.trim()) body.by = by.trim();
      if (withMapping) {
        const used: Partial<Mapping> = {};
        for (const axis of ['likelihood', 'impact'] as const) if (Object.keys(mapping[axis]).length) used[axis] = mapping[axis];
        if (Object.keys(used).length) body.mapping = used;
      }
      return api<{ matrix: RiskMatrix; rerated: string[] }>(orgPath(org, '/risk-matrix'), { method: 'PUT', body });
    },
    onSuccess: async (result) => {
      setMapping({ likelihood: {}, impact: {} });
      setDraft(structuredClone(result.matrix));
      await invalidateOrganisation(client, org);
    },
  });
  const refusal = isApiError(save.error) ? save.error : undefined;
  const removed = refusal?.code === 'in_use' ? removedLevels(refusal.details) : [];
  const problems = refusal && refusal.code !== 'in_use' ? groupByField(refusal.details) : undefined;
  const err = (field: string, nested = false) => fieldErrorText(problemsAt(problems, field, nested), t);
  const rest = unclaimedProblems(problems, ['likelihood', 'impact', 'bands', 'appetite', 'by']);
  const riskName = (id: string) => {
    const risk = risks.data?.find((item) => item.id === id);
    return risk ? entityName({ id, name: risk.title, names: risk.names }, language) : id;
  };
  const base = `/orgs/${encodeURIComponent(org)}`;
  const preview = useMemo(() => previewHeatmap(draft), [draft]);
  const mappingComplete = removed.every((item) => mapping[item.axis][String(item.level)] !== undefined);

  return (
    <Stack gap="md" pb="md">
      <PageHeader title={t('matrix.title')} description={t('matrix.description')} />
      {!editable ? <ReadOnlyNotice /> : null}
      {save.isSuccess && !dirty ? (
        <Alert color="teal" role="status" withCloseButton onClose={() => save.reset()}>
          {t('matrix.saved', { count: save.data.rerated.length })}
        </Alert>
      ) : null}
      {removed.length > 0 ? (
        <Alert color="orange" title={t('matrix.levelsInUseTitle')} role="alert">
          <Text size="sm">{t('matrix.levelsInUseText')}</Text>
          <Stack gap="sm" mt="sm">
            {removed.map((item) => (
              <Paper key={`${item.axis}:${item.level}`} withBorder p="sm">
                <Text size="sm" fw={600}>
                  {t('matrix.removedLevel', {
                    axis: t(`risks.${item.axis}`),
                    level: `${item.level} · ${levelName(saved[item.axis][item.level - 1], language)}`,
                    count: item.risks.length,
                  })}
                </Text>
                <List size="sm" mt={4}>
                  {item.risks.map((id) => (
                    <List.Item key={id}>
                      <Anchor component={Link} to={`${base}/risks/${encodeURIComponent(id)}`} size="sm">
                        {riskName(id)}
                      </Anchor>
                    </List.Item>
                  ))}
                </List>
                <NativeSelect
                  mt="xs"
                  w={320}
                  label={t('matrix.moveTo')}
                  value={mapping[item.axis][String(item.level)] ? String(mapping[item.axis][String(item.level)]) : ''}
                  onChange={(event) => {
                    const value = event.currentTarget.value;
                    setMapping((current) => {
                      const axis = { ...current[item.axis] };
                      if (value) axis[String(item.level)] = Number(value);
                      else delete axis[String(item.level)];
                      return { ...current, [item.axis]: axis };
                    });
                  }}
                  data={[
                    { value: '', label: t('common.choose') },
                    ...draft[item.axis].map((level, index) => ({
                      value: String(index + 1),
                      label: `${index + 1} · ${levelName(level, language) || level.label}`,
                    })),
                  ]}
                />
              </Paper>
            ))}
            <Group>
              <Button onClick={() => save.mutate(true)} disabled={!mappingComplete} loading={save.isPending}>
                {t('matrix.saveWithMapping')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      ) : null}
      {refusal && refusal.code !== 'in_use' ? <ProblemSummary title={t('form.refused')} message={errorSentence(refusal, t)} problems={rest} /> : null}
      <SimpleGrid cols={{ base: 1, xl: 2 }} spacing="md">
        <Paper withBorder p="md">
          <Tabs defaultValue="bands" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="bands">{t('matrix.bandsTab')}</Tabs.Tab>
              <Tabs.Tab value="likelihood">{t('matrix.likelihoodTab', { count: draft.likelihood.length })}</Tabs.Tab>
              <Tabs.Tab value="impact">{t('matrix.impactTab', { count: draft.impact.length })}</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="bands" pt="md">
              <Editable editable={editable}>
                <BandsEditor draft={draft} onChange={setDraft} err={err} />
              </Editable>
            </Tabs.Panel>
            {(['likelihood', 'impact'] as const).map((axis) => (
              <Tabs.Panel key={axis} value={axis} pt="md">
                <Editable editable={editable}>
                  <LevelsEditor axis={axis} levels={draft[axis]} onChange={(levels) => setDraft({ ...draft, [axis]: levels })} err={err} />
                </Editable>
              </Tabs.Panel>
            ))}
          </Tabs>
        </Paper>
        <Paper withBorder p="md" component="section" aria-labelledby="matrix-preview">
          <Title order={2} size="h4" id="matrix-preview">
            {t('matrix.preview')}
          </Title>
          <Text size="sm" c="dimmed" mt={4} mb="sm">
            {t('matrix.previewHelp')}
          </Text>
          <HeatMap matrix={draft} heatmap={preview} compact preview />
        </Paper>
      </SimpleGrid>
      {editable ? (
        <Paper
          shadow="md"
          p="sm"
          withBorder
          style={{ position: dirty ? 'sticky' : 'static', bottom: 8, zIndex: 5, background: dirty ? 'var(--mantine-color-yellow-0)' : 'white' }}
          role="region"
          aria-label={t('activity.saveBar')}
        >
          <Group justify="space-between" align="flex-end">
            <TextInput label={t('riskForm.by')} value={by} onChange={(event) => setBy(event.currentTarget.value)} w={260} size="xs" />
            <Group gap="xs">
              <Text size="sm" fw={dirty ? 600 : 400} aria-live="polite">
                {dirty ? t('activity.unsaved') : t('activity.allSaved')}
              </Text>
              <Button
                variant="default"
                disabled={!dirty || save.isPending}
                onClick={() => {
                  setDraft(structuredClone(saved));
                  save.reset();
                }}
              >
                {t('common.discard')}
              </Button>
              <Button onClick={() => save.mutate(false)} disabled={!dirty} loading={save.isPending}>
                {t('matrix.save')}
              </Button>
            </Group>
          </Group>
        </Paper>
      ) : null}
    </Stack>
  );
}

/** Every cell of the matrix being edited, coloured by its band, without counts. */
function previewHeatmap(matrix: RiskMatrix): Heatmap {
  const cells: Heatmap['cells'] = [];
  for (let likelihood = matrix.likelihood.length; likelihood >= 1; likelihood--)
    for (let impact = 1; impact <= matrix.impact.length; impact++) {
      const score = likelihood * impact;
      cells.push({ likelihood, impact, score, band: bandForScore(matrix.bands, score)?.id ?? '', count: 0, risks: [] });
    }
  return { rating: 'residual', cells, bands: {}, total: 0 };
}

function LevelsEditor({
  axis,
  levels,
  onChange,
  err,
}: {
  axis: Axis;
  levels: MatrixLevel[];
  onChange: (levels: MatrixLevel[]) => void;
  err: (field: string, nested?: boolean) => string | undefined;
}) {
  const { t } = useTranslation();
  const update = (index: number, patch: Partial<MatrixLevel>) => onChange(levels.map((level, at) => (at === index ? { ...level, ...patch } : level)));
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t(`matrix.${axis}Help`)}
      </Text>
      {levels.map((level, index) => {
        const at = `${axis}.${index}`;
        return (
          <Paper key={index} withBorder p="sm" component="fieldset" style={{ margin: 0, minWidth: 0 }}>
            <Text component="legend" size="sm" fw={600} px={4}>
              {t('matrix.levelN', { axis: t(`risks.${axis}`), value: index + 1 })}
            </Text>
            <SimpleGrid cols={3} spacing="xs">
              <TextInput
                size="xs"
                label={t('matrix.label')}
                required
                value={level.label}
                onChange={(event) => update(index, { label: event.currentTarget.value })}
                error={err(`${at}.label`) ?? err(`${at}.value`)}
              />
              <TextInput
                size="xs"
                label={t('matrix.labelFr')}
                lang="fr"
                value={level.names?.fr ?? ''}
                onChange={(event) => update(index, { names: { ...level.names, fr: event.currentTarget.value } })}
                error={err(`${at}.names`, true)}
              />
              <TextInput
                size="xs"
                label={t('matrix.labelEn')}
                lang="en"
                value={level.names?.en ?? ''}
                onChange={(event) => update(index, { names: { ...level.names, en: event.currentTarget.value } })}
              />
              <TextInput
                size="xs"
                label={t('matrix.definition')}
                value={level.definition ?? ''}
                onChange={(event) => update(index, { definition: event.currentTarget.value })}
                error={err(`${at}.definition`)}
              />
              <TextInput
                size="xs"
                label={t('matrix.definitionFr')}
                lang="fr"
                value={level.definitions?.fr ?? ''}
                onChange={(event) => update(index, { definitions: { ...level.definitions, fr: event.currentTarget.value } })}
                error={err(`${at}.definitions`, true)}
              />
              <TextInput
                size="xs"
                label={t('matrix.definitionEn')}
                lang="en"
                value={level.definitions?.en ?? ''}
                onChange={(event) => update(index, { definitions: { ...level.definitions, en: event.currentTarget.value } })}
              />
            </SimpleGrid>
          </Paper>
        );
      })}
      {err(axis) ? (
        <Text size="sm" c="red.9" role="alert">
          {err(axis)}
        </Text>
      ) : null}
      <EditOnly>
        <Group>
          <Button size="xs" variant="light" disabled={levels.length >= 6} onClick={() => onChange([...levels, { value: levels.length + 1, label: '' }])}>
            {t('matrix.addLevel')}
          </Button>
          <Button size="xs" variant="default" color="red" disabled={levels.length <= 3} onClick={() => onChange(levels.slice(0, -1))}>
            {t('matrix.removeLevel', { value: levels.length })}
          </Button>
        </Group>
      </EditOnly>
    </Stack>
  );
}

function BandsEditor({
  draft,
  onChange,
  err,
}: {
  draft: RiskMatrix;
  onChange: (matrix: RiskMatrix) => void;
  err: (field: string, nested?: boolean) => string | undefined;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const ranges = bandRanges(draft);
  const update = (index: number, patch: Partial<RiskBand>) =>
    onChange({ ...draft, bands: draft.bands.map((band, at) => (at === index ? { ...band, ...patch } : band)) });
  const max = draft.likelihood.length * draft.impact.length;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t('matrix.bandsHelp', { max })}
      </Text>
      <Table.ScrollContainer minWidth={640}>
        <Table withTableBorder verticalSpacing={4} aria-label={t('matrix.bandsTab')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={110}>{t('fields.id')}</Table.Th>
              <Table.Th>{t('matrix.label')}</Table.Th>
              <Table.Th>{t('matrix.labelFr')}</Table.Th>
              <Table.Th w={160}>{t('matrix.colour')}</Table.Th>
              <Table.Th w={90}>{t('matrix.from')}</Table.Th>
              <Table.Th w={80}>{t('matrix.scores')}</Table.Th>
              <Table.Th w={40}>
                <span className="visually-hidden">{t('common.actions')}</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {draft.bands.map((band, index) => {
              const text = textOn(band.colour);
              const row = index + 1;
              return (
                <Table.Tr key={index}>
                  <Table.Td>
                    <TextInput
                      size="xs"
                      aria-label={t('matrix.bandIdOf', { row })}
                      value={band.id}
                      onChange={(event) => update(index, { id: event.currentTarget.value })}
                      error={err(`bands.${index}.id`)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      size="xs"
                      aria-label={t('matrix.bandLabelOf', { row })}
                      value={band.label}
                      onChange={(event) => update(index, { label: event.currentTarget.value })}
                      error={err(`bands.${index}.label`)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      size="xs"
                      lang="fr"
                      aria-label={t('matrix.bandLabelFrOf', { row })}
                      value={band.names?.fr ?? ''}
                      onChange={(event) => update(index, { names: { ...band.names, fr: event.currentTarget.value } })}
                    />
                  </Table.Td>
                  <Table.Td>
                    <ColorInput
                      size="xs"
                      aria-label={t('matrix.colourOf', { row })}
                      value={band.colour}
                      format="hex"
                      onChange={(value) => update(index, { colour: value })}
                      error={err(`bands.${index}.colour`) ?? (text.readable ? undefined : t('matrix.lowContrast'))}
                      swatches={['#2e7d32', '#f9a825', '#ef6c00', '#c62828', '#1565c0', '#6a1b9a']}
                    />
                  </Table.Td>
                  <Table.Td>
                    <NumberField
                      size="xs"
                      aria-label={t('matrix.fromOf', { row })}
                      min={1}
                      max={max}
                      allowDecimal={false}
                      value={band.min}
                      onChange={(value) => update(index, { min: value === '' ? 1 : Number(value) })}
                      error={err(`bands.${index}.min`)}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{ranges[index][0] <= ranges[index][1] ? `${ranges[index][0]}–${ranges[index][1]}` : '—'}</Text>
                  </Table.Td>
                  <Table.Td>
                    <EditOnly>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        disabled={draft.bands.length <= 2}
                        aria-label={t('matrix.removeBand', { name: bandName(band, language, band.id) })}
                        onClick={() => {
                          const bands = draft.bands.filter((_item, at) => at !== index);
                          onChange({ ...draft, bands, appetite: bands.some((item) => item.id === draft.appetite) ? draft.appetite : (bands[0]?.id ?? '') });
                        }}
                      >
                        ✕
                      </ActionIcon>
                    </EditOnly>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <EditOnly>
        <Group>
          <Button
            size="xs"
            variant="light"
            disabled={draft.bands.length >= 6}
            onClick={() =>
              onChange({
                ...draft,
                bands: [
                  ...draft.bands,
                  {
                    id: `band-${draft.bands.length + 1}`,
                    label: '',
                    colour: '#6a1b9a',
                    min: Math.min(max, (draft.bands[draft.bands.length - 1]?.min ?? 0) + 1),
                  },
                ],
              })
            }
          >
            {t('matrix.addBand')}
          </Button>
        </Group>
      </EditOnly>
      <NativeSelect
        label={t('matrix.appetite')}
        description={t('matrix.appetiteHelp')}
        value={draft.appetite}
        onChange={(event) => onChange({ ...draft, appetite: event.currentTarget.value })}
        data={draft.bands.map((band) => ({ value: band.id, label: bandName(band, language, band.id) || band.id }))}
        error={err('appetite')}
        w={320}
      />
    </Stack>
  );
}
