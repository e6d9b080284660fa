// The scenario editor: names and descriptions, horizon and frequency, each disruption with its fields (numbers may be
// uncertain), strategy activations, and the same scenario as JSON for advanced users.
import {
  ActionIcon,
  Alert,
  Button,
  Group,
  JsonInput,
  Modal,
  NativeSelect,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { LeaveDialog, SaveBar, useLeaveGuard } from '../EditorChrome.js';
import { DurationInput } from '../DurationInput.js';
import { Editable, EditOnly, ReadOnlyNotice } from '../Editable.js';
import { EntityMultiSelect, EntitySelect } from '../EntityPicker.js';
import { NumberField } from '../NumberField.js';
import { ProblemSummary } from '../Problems.js';
import { api, isApiError, orgPath } from '../../lib/api.js';
import { canonical } from '../../lib/equal.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt, unclaimedProblems, type FieldProblems } from '../../lib/problems.js';
import { invalidateOrganisation } from '../../lib/queries.js';
import { scenarioKeys } from '../../lib/scenario-queries.js';
import { DISRUPTION_TYPES, type Disruption, type StoredScenario, type Uncertain } from '../../lib/scenarios.js';
import { UncertainInput } from './UncertainInput.js';

type DisruptionType = Disruption['type'];
type Draft = StoredScenario;

const DEFAULTS: Record<DisruptionType, Disruption> = {
  lockdown: { type: 'lockdown', from: 0, to: 1344 },
  absenteeism: { type: 'absenteeism', from: 0, rate: 0.1 },
  siteUnavailable: { type: 'siteUnavailable', site: '', from: 0 },
  applicationOutage: { type: 'applicationOutage', application: '', from: 0 },
  supplierOutage: { type: 'supplierOutage', supplier: '', from: 0 },
};

/** What is sent: optional texts left empty are left out. */
export function scenarioBody(draft: Draft): Record<string, unknown> {
  const texts = (value: { en?: string; fr?: string } | undefined) => {
    const out: Record<string, string> = {};
    for (const language of ['en', 'fr'] as const) if (value?.[language]?.trim()) out[language] = value[language]!.trim();
    return Object.keys(out).length ? out : undefined;
  };
  const body: Record<string, unknown> = {
    id: draft.id.trim(),
    name: draft.name?.trim() || undefined,
    names: texts(draft.names),
    description: draft.description?.trim() ? draft.description : undefined,
    descriptions: texts(draft.descriptions),
    horizon: draft.horizon,
    frequency: draft.frequency,
    disruptions: draft.disruptions,
    activate: draft.activate,
  };
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
  return body;
}

/** The editor; read-only (every field disabled, no save bar) unless `editable`, the delete button only if `deletable`. */
export function ScenarioEditor({ org, saved, editable, deletable }: { org: string; saved: StoredScenario; editable: boolean; deletable: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(() => structuredClone(saved));
  const [view, setView] = useState<string | null>('form');
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const baseline = useMemo(() => canonical(scenarioBody(saved)), [saved]);
  const dirty = canonical(scenarioBody(draft)) !== baseline;
  const base = `/orgs/${encodeURIComponent(org)}`;

  const save = useMutation({
    mutationFn: () => api<StoredScenario>(orgPath(org, `/scenarios/${encodeURIComponent(saved.id)}`), { method: 'PUT', body: scenarioBody(draft) }),
    onSuccess: async (stored) => {
      client.setQueryData(scenarioKeys.one(org, stored.id), stored);
      setDraft(structuredClone(stored));
      await invalidateOrganisation(client, org);
      if (stored.id !== saved.id) navigate(`${base}/scenarios/${encodeURIComponent(stored.id)}?tab=edit`, { replace: true });
    },
  });
  const remove = useMutation({
    mutationFn: () => api<void>(orgPath(org, `/scenarios/${encodeURIComponent(saved.id)}`), { method: 'DELETE' }),
    onSuccess: async () => {
      await invalidateOrganisation(client, org);
      navigate(`${base}/scenarios`, { replace: true });
    },
  });
  const problems = isApiError(save.error) ? groupByField(save.error.details) : undefined;
  const rest = unclaimedProblems(problems, ['id', 'name', 'names', 'description', 'descriptions', 'horizon', 'frequency', 'disruptions', 'activate']);
  const err = (field: string, nested = false) => fieldErrorText(problemsAt(problems, field, nested), t);

  const blocker = useLeaveGuard(dirty && !save.isPending && !remove.isPending);
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    if (editable) setDraft((current) => ({ ...current, [key]: value }));
  };
  const setDisruption = (index: number, disruption: Disruption) =>
    set(
      'disruptions',
      draft.disruptions.map((item, at) => (at === index ? disruption : item)),
    );

  const applyJson = () => {
    if (!editable) return;
    try {
      const parsed = JSON.parse(json) as Draft;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(t('editor.jsonNotObject'));
      setDraft({
        ...parsed,
        disruptions: parsed.disruptions ?? [],
        activate: parsed.activate ?? [],
        horizon: parsed.horizon ?? 2160,
        id: parsed.id ?? draft.id,
      });
      setJsonError(null);
      setView('form');
    } catch (error) {
      setJsonError(t('editor.jsonInvalid', { message: (error as Error).message }));
    }
  };

  return (
    <Stack gap="md" pb="md">
      {!editable ? <ReadOnlyNotice /> : null}
      {save.error ? <ProblemSummary title={t('form.refused')} message={errorSentence(save.error, t)} problems={rest} /> : null}
      {isApiError(save.error) && rest.length < save.error.details.length ? (
        <Alert color="red" variant="outline" role="status">
          {t('form.fixFields')}
        </Alert>
      ) : null}
      {save.isSuccess && !dirty ? (
        <Alert color="teal" role="status" withCloseButton onClose={() => save.reset()}>
          {t('editor.saved')}
        </Alert>
      ) : null}
      <Tabs
        value={view}
        onChange={(next) => {
          if (next === 'json') setJson(JSON.stringify(scenarioBody(draft), null, 2));
          setJsonError(null);
          setView(next);
        }}
      >
        <Tabs.List>
          <Tabs.Tab value="form">{t('editor.formView')}</Tabs.Tab>
          <Tabs.Tab value="json">{t('editor.jsonView')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="form" pt="md">
          <Editable editable={editable}>
            <Stack gap="md">
              <EditorSection title={t('editor.general')}>
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
                  <TextInput
                    label={t('fields.id')}
                    description={t('editor.idHelp')}
                    required
                    value={draft.id}
                    onChange={(event) => set('id', event.currentTarget.value)}
                    error={err('id')}
                  />
                  <TextInput
                    label={t('fields.name')}
                    value={draft.name ?? ''}
                    onChange={(event) => set('name', event.currentTarget.value)}
                    error={err('name')}
                  />
                  <TextInput
                    label={t('fields.nameFr')}
                    lang="fr"
                    value={draft.names?.fr ?? ''}
                    onChange={(event) => set('names', { ...draft.names, fr: event.currentTarget.value })}
                    error={err('names.fr')}
                  />
                  <TextInput
                    label={t('fields.nameEn')}
                    lang="en"
                    value={draft.names?.en ?? ''}
                    onChange={(event) => set('names', { ...draft.names, en: event.currentTarget.value })}
                    error={err('names.en')}
                  />
                </SimpleGrid>
                <Textarea
                  mt="md"
                  label={t('fields.description')}
                  autosize
                  minRows={2}
                  maxRows={8}
                  value={draft.description ?? ''}
                  onChange={(event) => set('description', event.currentTarget.value)}
                  error={err('description')}
                />
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" mt="md">
                  <Textarea
                    label={t('editor.descriptionFr')}
                    lang="fr"
                    autosize
                    minRows={2}
                    maxRows={8}
                    value={draft.descriptions?.fr ?? ''}
                    onChange={(event) => set('descriptions', { ...draft.descriptions, fr: event.currentTarget.value })}
                    error={err('descriptions.fr')}
                  />
                  <Textarea
                    label={t('editor.descriptionEn')}
                    lang="en"
                    autosize
                    minRows={2}
                    maxRows={8}
                    value={draft.descriptions?.en ?? ''}
                    onChange={(event) => set('descriptions', { ...draft.descriptions, en: event.currentTarget.value })}
                    error={err('descriptions.en')}
                  />
                </SimpleGrid>
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" mt="md">
                  <DurationInput
                    label={t('editor.horizon')}
                    description={t('editor.horizonHelp')}
                    value={draft.horizon}
                    onChange={(hours) => set('horizon', hours as number)}
                    error={err('horizon')}
                    required
                  />
                  <NumberField
                    label={t('editor.frequency')}
                    description={t('editor.frequencyHelp')}
                    min={0}
                    decimalScale={4}
                    value={draft.frequency ?? ''}
                    onChange={(value) => set('frequency', value === '' ? undefined : Number(value))}
                    error={err('frequency')}
                  />
                </SimpleGrid>
              </EditorSection>

              <EditorSection title={t('editor.disruptions', { count: draft.disruptions.length })} description={t('editor.disruptionsHelp')}>
                <Stack gap="sm">
                  {draft.disruptions.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      {t('editor.noDisruption')}
                    </Text>
                  ) : null}
                  {draft.disruptions.map((disruption, index) => (
                    <DisruptionEditor
                      key={index}
                      org={org}
                      index={index}
                      disruption={disruption}
                      onChange={(next) => setDisruption(index, next)}
                      onRemove={() =>
                        set(
                          'disruptions',
                          draft.disruptions.filter((_item, at) => at !== index),
                        )
                      }
                      problems={problems}
                    />
                  ))}
                  <EditOnly>
                    <Group>
                      <Button size="xs" variant="light" onClick={() => set('disruptions', [...draft.disruptions, structuredClone(DEFAULTS.lockdown)])}>
                        {t('editor.addDisruption')}
                      </Button>
                    </Group>
                  </EditOnly>
                </Stack>
              </EditorSection>

              <EditorSection title={t('editor.activations')} description={t('editor.activationsHelp')}>
                <Stack gap="xs">
                  {draft.activate.length === 0 ? (
                    <Text size="sm" c="dimmed">
                      {t('editor.noActivation')}
                    </Text>
                  ) : null}
                  {draft.activate.map((activation, index) => (
                    <Group key={index} align="flex-start" gap="sm" wrap="nowrap">
                      <div style={{ flex: 1 }}>
                        <EntitySelect
                          org={org}
                          collection="strategies"
                          label={t('editor.strategyOf', { row: index + 1 })}
                          value={activation.strategy || undefined}
                          onChange={(strategy) =>
                            set(
                              'activate',
                              draft.activate.map((item, at) => (at === index ? { ...item, strategy: strategy ?? '' } : item)),
                            )
                          }
                          error={err(`activate.${index}.strategy`)}
                          required
                        />
                      </div>
                      <DurationInput
                        label={t('editor.activatedAt')}
                        value={activation.at}
                        onChange={(hours) =>
                          set(
                            'activate',
                            draft.activate.map((item, at) => (at === index ? { ...item, at: hours ?? 0 } : item)),
                          )
                        }
                        error={err(`activate.${index}.at`)}
                      />
                      <EditOnly>
                        <ActionIcon
                          mt={26}
                          variant="subtle"
                          color="red"
                          size="lg"
                          aria-label={t('editor.removeActivation', { row: index + 1 })}
                          onClick={() =>
                            set(
                              'activate',
                              draft.activate.filter((_item, at) => at !== index),
                            )
                          }
                        >
                          ✕
                        </ActionIcon>
                      </EditOnly>
                    </Group>
                  ))}
                  <EditOnly>
                    <Group>
                      <Button size="xs" variant="light" onClick={() => set('activate', [...draft.activate, { strategy: '', at: 0 }])}>
                        {t('editor.addActivation')}
                      </Button>
                    </Group>
                  </EditOnly>
                </Stack>
              </EditorSection>
            </Stack>
          </Editable>
        </Tabs.Panel>
        <Tabs.Panel value="json" pt="md">
          <Editable editable={editable}>
            <Stack gap="sm">
              <Text size="sm" c="dimmed">
                {t('editor.jsonHelp')}
              </Text>
              <JsonInput
                label={t('editor.jsonLabel')}
                value={json}
                onChange={setJson}
                autosize
                minRows={12}
                maxRows={40}
                formatOnBlur
                validationError={t('editor.jsonInvalidShort')}
                styles={{ input: { fontFamily: 'ui-monospace, monospace', fontSize: 13 } }}
                error={jsonError}
              />
              <EditOnly>
                <Group>
                  <Button onClick={applyJson} variant="light">
                    {t('editor.applyJson')}
                  </Button>
                </Group>
              </EditOnly>
            </Stack>
          </Editable>
        </Tabs.Panel>
      </Tabs>

      {editable ? (
        <SaveBar
          dirty={dirty}
          saving={save.isPending}
          onDiscard={() => setDraft(structuredClone(saved))}
          onSave={() => save.mutate()}
          extra={
            deletable ? (
              <Button variant="subtle" color="red" size="xs" onClick={() => setDeleting(true)}>
                {t('editor.delete')}
              </Button>
            ) : undefined
          }
        />
      ) : deletable ? (
        <Group>
          <Button variant="subtle" color="red" size="xs" onClick={() => setDeleting(true)}>
            {t('editor.delete')}
          </Button>
        </Group>
      ) : null}
      <LeaveDialog blocker={blocker} text={t('editor.leaveText')} />
      <Modal opened={deleting && deletable} onClose={() => setDeleting(false)} title={t('editor.deleteTitle')}>
        <Text size="sm">{t('editor.deleteText')}</Text>
        {remove.error ? (
          <Alert color="red" mt="sm" role="alert">
            {errorSentence(remove.error, t)}
          </Alert>
        ) : null}
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setDeleting(false)}>
            {t('common.cancel')}
          </Button>
          <Button color="red" onClick={() => remove.mutate()} loading={remove.isPending}>
            {t('common.delete')}
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

function EditorSection({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
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

function DisruptionEditor({
  org,
  index,
  disruption,
  onChange,
  onRemove,
  problems,
}: {
  org: string;
  index: number;
  disruption: Disruption;
  onChange: (next: Disruption) => void;
  onRemove: () => void;
  problems?: FieldProblems;
}) {
  const { t } = useTranslation();
  const at = `disruptions.${index}`;
  const err = (field: string, nested = false) => fieldErrorText(problemsAt(problems, `${at}.${field}`, nested), t);
  const own = fieldErrorText(problemsAt(problems, at), t);
  const row = index + 1;
  const patch = (changes: Record<string, unknown>) => {
    const next = { ...disruption, ...changes } as Record<string, unknown>;
    for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
    onChange(next as Disruption);
  };
  const changeType = (type: DisruptionType) => {
    const next = { ...structuredClone(DEFAULTS[type]), from: disruption.from } as Disruption;
    if (disruption.to !== undefined) (next as { to?: Uncertain }).to = disruption.to;
    onChange(next);
  };
  const usesCurve = disruption.type === 'absenteeism' && disruption.curve !== undefined;
  return (
    <Paper withBorder p="sm" component="fieldset" style={{ margin: 0, minWidth: 0 }} data-disruption={index}>
      <Text component="legend" size="sm" fw={600} px={4}>
        {t('editor.disruptionN', { row, type: t(`disruptions.types.${disruption.type}`) })}
      </Text>
      <Group justify="space-between" align="flex-end" mb="sm">
        <NativeSelect
          label={t('editor.type')}
          value={disruption.type}
          onChange={(event) => changeType(event.currentTarget.value as DisruptionType)}
          data={DISRUPTION_TYPES.map((type) => ({ value: type, label: t(`disruptions.types.${type}`) }))}
          w={260}
          error={err('type')}
        />
        <EditOnly>
          <ActionIcon variant="subtle" color="red" size="lg" aria-label={t('editor.removeDisruption', { row })} onClick={onRemove}>
            ✕
          </ActionIcon>
        </EditOnly>
      </Group>
      <Text size="xs" c="dimmed" mb="sm">
        {t(`disruptions.help.${disruption.type}`)}
      </Text>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        {disruption.type === 'siteUnavailable' ? (
          <EntitySelect
            org={org}
            collection="sites"
            label={t('editor.site')}
            value={disruption.site || undefined}
            onChange={(site) => patch({ site: site ?? '' })}
            error={err('site')}
            required
          />
        ) : null}
        {disruption.type === 'applicationOutage' ? (
          <EntitySelect
            org={org}
            collection="applications"
            label={t('editor.application')}
            value={disruption.application || undefined}
            onChange={(application) => patch({ application: application ?? '' })}
            error={err('application')}
            required
          />
        ) : null}
        {disruption.type === 'supplierOutage' ? (
          <EntitySelect
            org={org}
            collection="suppliers"
            label={t('editor.supplier')}
            value={disruption.supplier || undefined}
            onChange={(supplier) => patch({ supplier: supplier ?? '' })}
            error={err('supplier')}
            required
          />
        ) : null}
        {disruption.type === 'lockdown' || disruption.type === 'absenteeism' ? (
          <EntityMultiSelect
            org={org}
            collection="sites"
            label={t('editor.sites')}
            description={t('editor.sitesHelp')}
            value={disruption.sites ?? []}
            onChange={(sites) => patch({ sites: sites.length ? sites : undefined })}
            error={err('sites', true)}
          />
        ) : null}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md" mt="sm">
        <UncertainInput
          label={t('editor.from')}
          description={t('editor.fromHelp')}
          unit="hours"
          value={disruption.from}
          onChange={(value) => patch({ from: value ?? 0 })}
          error={err('from')}
        />
        <UncertainInput
          label={t('editor.to')}
          unit="hours"
          value={disruption.to}
          onChange={(value) => patch({ to: value })}
          emptyLabel={disruption.type === 'applicationOutage' ? t('editor.untilRecovered') : t('editor.toEnd')}
          error={err('to')}
        />
      </SimpleGrid>
      {disruption.type === 'absenteeism' ? (
        <Stack gap="xs" mt="sm">
          <SegmentedControl
            aria-label={t('editor.absenceMode')}
            value={usesCurve ? 'curve' : 'rate'}
            onChange={(mode) =>
              mode === 'curve'
                ? patch({
                    rate: undefined,
                    curve: [
                      { at: 0, rate: disruption.rate ?? 0.05 },
                      { at: 336, rate: 0.2 },
                    ],
                  })
                : patch({ curve: undefined, rate: disruption.curve?.[0]?.rate ?? 0.1 })
            }
            data={[
              { value: 'rate', label: t('editor.constantRate') },
              { value: 'curve', label: t('editor.curve') },
            ]}
            w={360}
          />
          {!usesCurve ? (
            <UncertainInput
              label={t('editor.rate')}
              description={t('editor.rateHelp')}
              unit="share"
              value={disruption.rate}
              onChange={(value) => patch({ rate: value ?? 0 })}
              error={err('rate')}
            />
          ) : (
            <Stack gap="xs">
              <Text size="xs" c="dimmed">
                {t('editor.curveHelp')}
              </Text>
              {disruption.curve!.map((point, pointIndex) => (
                <Group key={pointIndex} align="flex-start" gap="md" wrap="wrap">
                  <UncertainInput
                    label={t('editor.pointAt', { row: pointIndex + 1 })}
                    unit="hours"
                    value={point.at}
                    onChange={(value) => patch({ curve: disruption.curve!.map((item, other) => (other === pointIndex ? { ...item, at: value ?? 0 } : item)) })}
                    error={err(`curve.${pointIndex}.at`)}
                  />
                  <UncertainInput
                    label={t('editor.pointRate', { row: pointIndex + 1 })}
                    unit="share"
                    value={point.rate}
                    onChange={(value) =>
                      patch({ curve: disruption.curve!.map((item, other) => (other === pointIndex ? { ...item, rate: value ?? 0 } : item)) })
                    }
                    error={err(`curve.${pointIndex}.rate`)}
                  />
                  <EditOnly>
                    <ActionIcon
                      mt={26}
                      variant="subtle"
                      color="red"
                      disabled={disruption.curve!.length <= 1}
                      aria-label={t('editor.removePoint', { row: pointIndex + 1 })}
                      onClick={() => patch({ curve: disruption.curve!.filter((_item, other) => other !== pointIndex) })}
                    >
                      ✕
                    </ActionIcon>
                  </EditOnly>
                </Group>
              ))}
              <EditOnly>
                <Group>
                  <Button size="xs" variant="light" onClick={() => patch({ curve: [...disruption.curve!, { at: 0, rate: 0 }] })}>
                    {t('editor.addPoint')}
                  </Button>
                </Group>
              </EditOnly>
              {err('curve') ? (
                <Text size="sm" c="red.9">
                  {err('curve')}
                </Text>
              ) : null}
            </Stack>
          )}
        </Stack>
      ) : null}
      {own ? (
        <Text size="sm" c="red.9" mt="xs" role="alert">
          {own}
        </Text>
      ) : null}
    </Paper>
  );
}
