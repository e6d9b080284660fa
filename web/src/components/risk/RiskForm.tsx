// The fields of a risk: identification, threat and assets, cause and consequence, ratings, treatments, review and scenarios.
import {
  ActionIcon,
  Anchor,
  Button,
  Group,
  MultiSelect,
  NativeSelect,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { rate, targetRating } from '@shared/engine/risk.js';
import type { Risk } from '@shared/model/risk.js';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { EditOnly, useEditable } from '../Editable.js';
import { entityName } from '../../lib/format.js';
import { fieldErrorText, problemsAt, type FieldProblems } from '../../lib/problems.js';
import { useLanguage } from '../../lib/queries.js';
import { useAssetOptions } from '../../lib/risk-queries.js';
import {
  familyName,
  levelName,
  nextTreatmentId,
  parseAssetKey,
  assetKey,
  TREATMENT_STATUSES,
  TREATMENT_TYPES,
  type RiskDraft,
  type RiskMatrix,
  type ThreatList,
  type TreatmentDraft,
} from '../../lib/risks.js';
import { useScenarios } from '../../lib/scenario-queries.js';
import { BandBadge } from './BandBadge.js';
import { RatingPicker } from './RatingPicker.js';

/** Top-level fields the form shows; problems elsewhere go to the summary above it. */
export const RISK_FIELDS = [
  'id',
  'title',
  'names',
  'threat',
  'assets',
  'cause',
  'consequence',
  'owner',
  'inherent',
  'residual',
  'treatments',
  'reviewDate',
  'scenarios',
  'by',
];

interface Props {
  org: string;
  matrix: RiskMatrix;
  threats: ThreatList | undefined;
  draft: RiskDraft;
  onChange: (draft: RiskDraft) => void;
  problems?: FieldProblems;
  /** The id field gets the focus in a new risk. */
  creating?: boolean;
}

export function RiskForm({ org, matrix, threats, draft, onChange, problems, creating = false }: Props) {
  const { t } = useTranslation();
  const language = useLanguage();
  const assets = useAssetOptions(org);
  const scenarios = useScenarios(org);
  // Read-only, the link to a scenario only opens it.
  const editable = useEditable();
  const err = (field: string, nested = false) => fieldErrorText(problemsAt(problems, field, nested), t);
  const set = <K extends keyof RiskDraft>(key: K, value: RiskDraft[K]) => onChange({ ...draft, [key]: value });
  const base = `/orgs/${encodeURIComponent(org)}`;

  const threatOptions = useMemo(
    () =>
      (threats?.families ?? []).map((family) => ({
        group: entityName(family, language),
        items: (threats?.items ?? [])
          .filter((threat) => threat.family === family.id)
          .map((threat) => ({ value: threat.id, label: entityName(threat, language) })),
      })),
    [threats, language],
  );
  const threat = threats?.items.find((item) => item.id === draft.threat);
  const scenarioOptions = (scenarios.data?.items ?? []).map((scenario) => ({ value: scenario.id, label: entityName(scenario, language) }));
  for (const id of draft.scenarios) if (!scenarioOptions.some((option) => option.value === id)) scenarioOptions.push({ value: id, label: id });
  const assetValues = draft.assets.map(assetKey);
  const assetGroups = assets.groups.map((group) => ({ ...group, items: [...group.items] }));
  for (const key of assetValues)
    if (!assetGroups.some((group) => group.items.some((item) => item.value === key))) assetGroups[0]?.items.push({ value: key, label: key });
  const target = targetRating(draft as unknown as Risk);
  const validTarget = target.likelihood <= matrix.likelihood.length && target.impact <= matrix.impact.length;

  return (
    <Stack gap="md">
      <FormSection title={t('riskForm.identification')}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <TextInput
            label={t('fields.id')}
            description={creating ? t('fields.idHelp') : t('riskForm.idRename')}
            required
            value={draft.id}
            onChange={(event) => set('id', event.currentTarget.value)}
            error={err('id')}
            data-autofocus={creating || undefined}
          />
          <TextInput
            label={t('riskForm.title')}
            required
            value={draft.title}
            onChange={(event) => set('title', event.currentTarget.value)}
            error={err('title')}
          />
          <TextInput
            label={t('riskForm.titleFr')}
            lang="fr"
            value={draft.names.fr ?? ''}
            onChange={(event) => set('names', { ...draft.names, fr: event.currentTarget.value })}
            error={err('names.fr')}
          />
          <TextInput
            label={t('riskForm.titleEn')}
            lang="en"
            value={draft.names.en ?? ''}
            onChange={(event) => set('names', { ...draft.names, en: event.currentTarget.value })}
            error={err('names.en')}
          />
          <Select
            label={t('riskForm.threat')}
            description={threat ? t('riskForm.threatFamily', { family: familyName(threats?.families, threat.family, language) }) : t('riskForm.threatHelp')}
            required
            searchable
            data={threatOptions}
            value={draft.threat || null}
            onChange={(value) => set('threat', value ?? '')}
            error={err('threat')}
            nothingFoundMessage={t('common.nothingFound')}
            placeholder={t('common.choose')}
            limit={200}
          />
          <TextInput label={t('fields.owner')} value={draft.owner} onChange={(event) => set('owner', event.currentTarget.value)} error={err('owner')} />
        </SimpleGrid>
        {threat && (threat.descriptions?.[language] ?? threat.description) ? (
          <Text size="xs" c="dimmed" mt={6}>
            {threat.descriptions?.[language] ?? threat.description}
          </Text>
        ) : null}
        <MultiSelect
          mt="md"
          label={t('riskForm.assets')}
          description={t('riskForm.assetsHelp')}
          data={assetGroups}
          value={assetValues}
          onChange={(keys) =>
            set(
              'assets',
              keys.map(parseAssetKey).filter((asset) => asset !== undefined),
            )
          }
          error={err('assets', true)}
          searchable
          clearable
          hidePickedOptions
          limit={200}
          nothingFoundMessage={t('common.nothingFound')}
          placeholder={assetValues.length === 0 ? t('common.none') : undefined}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" mt="md">
          <Textarea
            label={t('riskForm.cause')}
            description={t('riskForm.causeHelp')}
            autosize
            minRows={2}
            maxRows={6}
            value={draft.cause}
            onChange={(event) => set('cause', event.currentTarget.value)}
            error={err('cause')}
          />
          <Textarea
            label={t('riskForm.consequence')}
            description={t('riskForm.consequenceHelp')}
            autosize
            minRows={2}
            maxRows={6}
            value={draft.consequence}
            onChange={(event) => set('consequence', event.currentTarget.value)}
            error={err('consequence')}
          />
        </SimpleGrid>
      </FormSection>

      <FormSection title={t('riskForm.ratings')} description={t('riskForm.ratingsHelp')}>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <RatingPicker
            matrix={matrix}
            legend={t('risks.inherent')}
            description={t('riskForm.inherentHelp')}
            value={draft.inherent}
            onChange={(value) => set('inherent', value)}
            errorAt={(axis) => err(`inherent.${axis}`)}
          />
          <RatingPicker
            matrix={matrix}
            legend={t('risks.residual')}
            description={t('riskForm.residualHelp')}
            value={draft.residual}
            onChange={(value) => set('residual', value)}
            errorAt={(axis) => err(`residual.${axis}`)}
          />
        </SimpleGrid>
        {validTarget && (target.likelihood !== draft.residual.likelihood || target.impact !== draft.residual.impact) ? (
          <Group gap="xs" mt="sm">
            <Text size="sm">{t('riskForm.targetText')}</Text>
            <BandBadge matrix={matrix} rated={rate(matrix, target)} />
          </Group>
        ) : null}
      </FormSection>

      <FormSection title={t('riskForm.treatments')} description={t('riskForm.treatmentsHelp')}>
        <TreatmentsEditor matrix={matrix} treatments={draft.treatments} onChange={(treatments) => set('treatments', treatments)} problems={problems} />
      </FormSection>

      <FormSection title={t('riskForm.followUp')}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <TextInput
            type="date"
            label={t('riskForm.reviewDate')}
            description={t('riskForm.reviewDateHelp')}
            value={draft.reviewDate}
            onChange={(event) => set('reviewDate', event.currentTarget.value)}
            error={err('reviewDate')}
          />
          <TextInput
            label={t('riskForm.by')}
            description={t('riskForm.byHelp')}
            value={draft.by}
            onChange={(event) => set('by', event.currentTarget.value)}
            error={err('by')}
          />
        </SimpleGrid>
        <MultiSelect
          mt="md"
          label={t('riskForm.scenarios')}
          description={t('riskForm.scenariosHelp')}
          data={scenarioOptions}
          value={draft.scenarios}
          onChange={(ids) => set('scenarios', ids)}
          error={err('scenarios', true)}
          searchable
          clearable
          hidePickedOptions
          nothingFoundMessage={t('common.nothingFound')}
          placeholder={draft.scenarios.length === 0 ? t('common.none') : undefined}
        />
        {draft.scenarios.length > 0 ? (
          <Stack gap={4} mt="xs" component="ul" p={0} style={{ listStyle: 'none' }}>
            {draft.scenarios.map((id) => (
              <Group key={id} gap="xs" component="li">
                <Text size="sm">{scenarioOptions.find((option) => option.value === id)?.label ?? id}</Text>
                <Anchor component={Link} to={`${base}/scenarios/${encodeURIComponent(id)}`} size="sm">
                  {editable ? t('riskForm.simulate') : t('scenarios.open')}
                </Anchor>
              </Group>
            ))}
          </Stack>
        ) : null}
      </FormSection>
    </Stack>
  );
}

function FormSection({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section">
      <Title order={2} size="h4">
        {title}
      </Title>
      {description ? (
        <Text size="sm" c="dimmed" mt={4} mb="sm">
          {description}
        </Text>
      ) : (
        <div style={{ height: 8 }} />
      )}
      {children}
    </Paper>
  );
}

function TreatmentsEditor({
  matrix,
  treatments,
  onChange,
  problems,
}: {
  matrix: RiskMatrix;
  treatments: TreatmentDraft[];
  onChange: (treatments: TreatmentDraft[]) => void;
  problems?: FieldProblems;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const err = (field: string, nested = false) => fieldErrorText(problemsAt(problems, field, nested), t);
  const update = (index: number, patch: Partial<TreatmentDraft>) => onChange(treatments.map((item, at) => (at === index ? { ...item, ...patch } : item)));
  const effectOptions = (axis: 'likelihood' | 'impact') => [
    { value: '', label: t('riskForm.unchanged') },
    ...matrix[axis].map((level) => ({ value: String(level.value), label: `${level.value} · ${levelName(level, language)}` })),
  ];
  return (
    <Stack gap="sm">
      {treatments.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('riskForm.noTreatment')}
        </Text>
      ) : null}
      {treatments.map((treatment, index) => {
        const row = index + 1;
        const at = `treatments.${index}`;
        return (
          <Paper key={index} withBorder p="sm" component="fieldset" style={{ margin: 0, minWidth: 0 }} data-treatment={index}>
            <Text component="legend" size="sm" fw={600} px={4}>
              {t('riskForm.treatmentN', { row })}
            </Text>
            <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
              <NativeSelect
                label={t('riskForm.treatmentType')}
                value={treatment.type}
                onChange={(event) => update(index, { type: event.currentTarget.value as TreatmentDraft['type'] })}
                data={TREATMENT_TYPES.map((type) => ({ value: type, label: t(`treatmentTypes.${type}`) }))}
                error={err(`${at}.type`)}
              />
              <NativeSelect
                label={t('riskForm.status')}
                value={treatment.status}
                onChange={(event) => update(index, { status: event.currentTarget.value as TreatmentDraft['status'] })}
                data={TREATMENT_STATUSES.map((status) => ({ value: status, label: t(`treatmentStatuses.${status}`) }))}
                error={err(`${at}.status`)}
              />
              <TextInput
                label={t('fields.owner')}
                value={treatment.owner}
                onChange={(event) => update(index, { owner: event.currentTarget.value })}
                error={err(`${at}.owner`)}
              />
              <TextInput
                type="date"
                label={t('riskForm.due')}
                value={treatment.due}
                onChange={(event) => update(index, { due: event.currentTarget.value })}
                error={err(`${at}.due`)}
              />
            </SimpleGrid>
            <Textarea
              mt="sm"
              label={t('riskForm.treatmentDescription')}
              required
              autosize
              minRows={1}
              maxRows={5}
              value={treatment.description}
              onChange={(event) => update(index, { description: event.currentTarget.value })}
              error={err(`${at}.description`)}
            />
            <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm" mt="sm">
              <NativeSelect
                label={t('riskForm.expectedLikelihood')}
                value={treatment.expectedEffect.likelihood ? String(treatment.expectedEffect.likelihood) : ''}
                onChange={(event) =>
                  update(index, {
                    expectedEffect: { ...treatment.expectedEffect, likelihood: event.currentTarget.value ? Number(event.currentTarget.value) : undefined },
                  })
                }
                data={effectOptions('likelihood')}
                error={err(`${at}.expectedEffect.likelihood`)}
              />
              <NativeSelect
                label={t('riskForm.expectedImpact')}
                value={treatment.expectedEffect.impact ? String(treatment.expectedEffect.impact) : ''}
                onChange={(event) =>
                  update(index, {
                    expectedEffect: { ...treatment.expectedEffect, impact: event.currentTarget.value ? Number(event.currentTarget.value) : undefined },
                  })
                }
                data={effectOptions('impact')}
                error={err(`${at}.expectedEffect.impact`)}
              />
              <TextInput
                label={t('riskForm.treatmentId')}
                value={treatment.id}
                onChange={(event) => update(index, { id: event.currentTarget.value })}
                error={err(`${at}.id`)}
              />
              <EditOnly>
                <Group align="flex-end" justify="flex-end">
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    size="lg"
                    aria-label={t('riskForm.removeTreatment', { row })}
                    onClick={() => onChange(treatments.filter((_item, other) => other !== index))}
                  >
                    ✕
                  </ActionIcon>
                </Group>
              </EditOnly>
            </SimpleGrid>
          </Paper>
        );
      })}
      <EditOnly>
        <Group>
          <Button
            size="xs"
            variant="light"
            onClick={() =>
              onChange([
                ...treatments,
                { id: nextTreatmentId(treatments), type: 'reduce', description: '', owner: '', due: '', status: 'planned', expectedEffect: {} },
              ])
            }
          >
            {t('riskForm.addTreatment')}
          </Button>
        </Group>
      </EditOnly>
      {problemsAt(problems, 'treatments').length ? (
        <Text size="sm" c="red.9" role="alert">
          {err('treatments')}
        </Text>
      ) : null}
    </Stack>
  );
}
