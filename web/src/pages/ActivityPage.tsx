// One activity: its impact assessment over time, suggested and chosen MTPD, objectives, staff, dependencies, findings.
import {
  ActionIcon,
  Alert,
  Anchor,
  Breadcrumbs,
  Button,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { assessmentState, suggestedMtpd } from '@shared/engine/bia.js';
import type { Activity, BiaSettings, StaffEntry } from '@shared/model/organisation.js';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LeaveDialog, SaveBar, useLeaveGuard } from '../components/EditorChrome.js';
import { Link, useNavigate, useParams } from 'react-router';
import { DeleteDialog } from '../components/DeleteDialog.js';
import { Editable, EditOnly, ReadOnlyNotice } from '../components/Editable.js';
import { DurationInput } from '../components/DurationInput.js';
import { NumberField } from '../components/NumberField.js';
import { EntityMultiSelect, EntitySelect } from '../components/EntityPicker.js';
import { FindingItem } from '../components/FindingItem.js';
import { ImpactChart } from '../components/ImpactChart.js';
import { ImpactGrid } from '../components/ImpactGrid.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { ProblemSummary } from '../components/Problems.js';
import { allows } from '../lib/abilities.js';
import { api, isApiError, orgPath, type PresentedActivity } from '../lib/api.js';
import { compactImpacts, firstIntolerable, normaliseImpacts, readMtpd } from '../lib/bia.js';
import { canonical } from '../lib/equal.js';
import { entityName, ownerLabel, productList } from '../lib/format.js';
import { concerns } from '../lib/findings.js';
import { errorSentence, fieldErrorText, groupByField, problemsAt, unclaimedProblems, type FieldProblems } from '../lib/problems.js';
import { invalidateOrganisation, keys, useFindings, useFormat, useLanguage, useNames, useOrganisation, useOrgId } from '../lib/queries.js';
import { AssessmentBadge } from './Activities.js';

/** The activity as edited: what the API stores, without the computed block and the caller's abilities. */
function toDraft(activity: PresentedActivity, bia: BiaSettings): Activity {
  const { computed: _computed, abilities: _abilities, ...stored } = activity;
  return { ...stored, impacts: normaliseImpacts(stored.impacts, bia) };
}

/** The translations typed, without the empty ones; undefined when none is left (the schema wants no empty text). */
function translations<T>(value: { en?: T; fr?: T } | undefined, empty: (item: T) => boolean): { en?: T; fr?: T } | undefined {
  const kept: { en?: T; fr?: T } = {};
  for (const language of ['en', 'fr'] as const) {
    const item = value?.[language];
    if (item !== undefined && !empty(item)) kept[language] = item;
  }
  return Object.keys(kept).length ? kept : undefined;
}

/** What is sent: optional texts left empty are left out, as the schema wants. */
function toBody(draft: Activity, original: Activity['impacts']): Record<string, unknown> {
  const trim = (value: { en?: string; fr?: string } | undefined) =>
    value ? { en: value.en?.trim() || undefined, fr: value.fr?.trim() || undefined } : undefined;
  return {
    ...draft,
    name: draft.name.trim(),
    names: translations(trim(draft.names), (text) => !text),
    owner: draft.owner?.trim() ? draft.owner.trim() : undefined,
    ownerTitles: translations(trim(draft.ownerTitles), (text) => !text),
    productNames: translations(draft.productNames, (list) => list.length === 0),
    description: draft.description?.trim() ? draft.description : undefined,
    descriptions: translations(draft.descriptions, (text) => !text.trim()),
    impacts: compactImpacts(draft.impacts, original),
  };
}

const FIELDS = [
  'id',
  'name',
  'names',
  'owner',
  'ownerTitles',
  'description',
  'descriptions',
  'products',
  'productNames',
  'mtpd',
  'rto',
  'rpo',
  'mbco',
  'staff',
  'applications',
  'suppliers',
  'dependsOn',
  'impacts',
  'downtimeCostPerHour',
];

export default function ActivityPage() {
  const org = useOrgId();
  const { id = '' } = useParams();
  const organisation = useOrganisation(org);
  const activity = useQuery({
    queryKey: keys.entity(org, 'activities', id),
    queryFn: () => api<PresentedActivity>(orgPath(org, `/activities/${encodeURIComponent(id)}`)),
  });
  if (activity.isError) return <LoadError error={activity.error} />;
  if (organisation.isError) return <LoadError error={organisation.error} />;
  if (!activity.data || !organisation.data) return <Loading />;
  return <ActivityEditor key={activity.data.id} org={org} saved={activity.data} bia={organisation.data.bia} />;
}

function ActivityEditor({ org, saved, bia }: { org: string; saved: PresentedActivity; bia: BiaSettings }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const format = useFormat();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Activity>(() => toDraft(saved, bia));
  const [deleting, setDeleting] = useState(false);
  const baseline = useMemo(() => canonical(toDraft(saved, bia)), [saved, bia]);
  const dirty = canonical(draft) !== baseline;
  const name = entityName(saved, language);
  // What the server lets the caller do to this activity (an activity owner changes only their own).
  const editable = allows(saved, 'update');
  const deletable = allows(saved, 'delete');
  usePageTitle(name);

  // Values shown while editing come from the same engine functions the server uses.
  const suggested = dirty ? suggestedMtpd(draft.impacts, bia) : saved.computed.suggestedMtpd;
  const assessment = dirty ? assessmentState(draft.impacts, bia) : saved.computed.assessment;
  const suggestedIndex = suggested === null ? -1 : bia.timePoints.indexOf(suggested);

  const save = useMutation({
    mutationFn: () =>
      api<PresentedActivity>(orgPath(org, `/activities/${encodeURIComponent(saved.id)}`), { method: 'PUT', body: toBody(draft, saved.impacts) }),
    onSuccess: async (response) => {
      client.setQueryData(keys.entity(org, 'activities', response.id), response);
      setDraft(toDraft(response, bia));
      await invalidateOrganisation(client, org);
      if (response.id !== saved.id) navigate(`/orgs/${encodeURIComponent(org)}/activities/${encodeURIComponent(response.id)}`, { replace: true });
    },
  });
  const problems: FieldProblems | undefined = isApiError(save.error) ? groupByField(save.error.details) : undefined;
  const err = (field: string, nested = false) => fieldErrorText(problemsAt(problems, field, nested), t);
  const rest = unclaimedProblems(
    problems,
    FIELDS.filter((field) => field !== 'names' && field !== 'impacts' && field !== 'staff'),
  );

  const blocker = useLeaveGuard(dirty && !save.isPending);
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const set = <K extends keyof Activity>(key: K, value: Activity[K]) => {
    if (editable) setDraft((current) => ({ ...current, [key]: value }));
  };
  const setRating = (category: string, index: number, rating: number | null) => {
    if (!editable) return;
    setDraft((current) => {
      const ratings = [...(current.impacts[category] ?? bia.timePoints.map(() => null))];
      ratings[index] = rating;
      return { ...current, impacts: { ...current.impacts, [category]: ratings } };
    });
  };

  const base = `/orgs/${encodeURIComponent(org)}`;
  return (
    <Stack gap="md" pb="md">
      <Breadcrumbs>
        <Anchor component={Link} to={`${base}/activities`} size="sm">
          {t('activities.title')}
        </Anchor>
        <Text size="sm">{saved.id}</Text>
      </Breadcrumbs>
      <PageHeader
        title={name}
        badge={<AssessmentBadge state={assessment} />}
        description={[
          saved.owner ? t('activity.ownedBy', { owner: ownerLabel(saved.owner, saved.ownerTitles, language) }) : t('activity.noOwner'),
          ...(saved.products.length ? [productList(saved, language).join(', ')] : []),
        ].join(' · ')}
        actions={
          deletable ? (
            <Button variant="default" color="red" onClick={() => setDeleting(true)}>
              {t('common.delete')}
            </Button>
          ) : undefined
        }
      />
      {!editable ? <ReadOnlyNotice text={t('abilities.activityReadOnly')} /> : null}

      {save.error ? <ProblemSummary title={t('form.refused')} message={errorSentence(save.error, t)} problems={rest} /> : null}
      {save.isSuccess && !dirty ? (
        <Alert color="teal" role="status" withCloseButton onClose={() => save.reset()}>
          {t('activity.saved')}
        </Alert>
      ) : null}

      <Editable editable={editable}>
        <MtpdPanel draft={draft} bia={bia} suggested={suggested} assessment={assessment} dirty={dirty} onUseSuggested={(hours) => set('mtpd', hours)} />

        <Section title={t('impact.title')} id="impacts" description={t('impact.help', { level: levelLabel(bia, bia.intolerable, language) })}>
          <ImpactGrid
            bia={bia}
            impacts={draft.impacts}
            onChange={setRating}
            suggestedIndex={suggestedIndex}
            errorAt={(category, index) => fieldErrorText(problemsAt(problems, index === undefined ? `impacts.${category}` : `impacts.${category}.${index}`), t)}
          />
          <ImpactChart bia={bia} impacts={draft.impacts} suggestedIndex={suggestedIndex} />
        </Section>

        <Section title={t('activity.objectives')} id="objectives">
          <SimpleGrid cols={{ base: 2, lg: 4 }} spacing="md">
            <DurationInput
              label={t('terms.mtpd.name')}
              description={t('terms.mtpd.long')}
              value={draft.mtpd}
              onChange={(hours) => set('mtpd', hours as number)}
              error={err('mtpd')}
              required
            />
            <DurationInput
              label={t('terms.rto.name')}
              description={t('terms.rto.long')}
              value={draft.rto}
              onChange={(hours) => set('rto', hours as number)}
              error={err('rto')}
              required
            />
            <DurationInput
              label={t('terms.rpo.name')}
              description={t('terms.rpo.long')}
              value={draft.rpo}
              onChange={(hours) => set('rpo', hours)}
              error={err('rpo')}
            />
            <NumberField
              label={t('terms.mbco.name')}
              description={t('terms.mbco.long')}
              min={0}
              max={100}
              suffix=" %"
              decimalScale={1}
              value={Number.isFinite(draft.mbco) ? Math.round(draft.mbco * 1000) / 10 : ''}
              onChange={(value) => set('mbco', value === '' ? Number.NaN : Number(value) / 100)}
              error={err('mbco')}
              required
            />
          </SimpleGrid>
          <NumberField
            mt="md"
            maw={320}
            label={t('activity.downtimeCost')}
            description={t('activity.downtimeCostHelp', { currency: format.currency })}
            min={0}
            decimalScale={2}
            suffix={` ${format.currency}`}
            value={draft.downtimeCostPerHour ?? ''}
            onChange={(value) => set('downtimeCostPerHour', value === '' ? undefined : Number(value))}
            error={err('downtimeCostPerHour')}
            data-testid="downtime-cost"
          />
          {draft.rto > draft.mtpd ? (
            <Alert color="red" mt="sm" role="status">
              {t('activity.rtoAboveMtpd', { rto: format.duration(draft.rto), mtpd: format.duration(draft.mtpd) })}
            </Alert>
          ) : null}
        </Section>

        <Section title={t('activity.description')} id="description">
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            <TextInput
              label={t('fields.id')}
              description={t('fields.idRename')}
              value={draft.id}
              onChange={(event) => set('id', event.currentTarget.value)}
              error={err('id')}
              required
            />
            <TextInput label={t('fields.name')} value={draft.name} onChange={(event) => set('name', event.currentTarget.value)} error={err('name')} required />
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
            <TextInput
              label={t('fields.owner')}
              description={t('fields.ownerHelp')}
              value={draft.owner ?? ''}
              onChange={(event) => set('owner', event.currentTarget.value)}
              error={err('owner')}
            />
            <TagsInput
              label={t('fields.products')}
              description={t('fields.productsHelp')}
              value={draft.products}
              onChange={(value) => set('products', value)}
              error={err('products', true)}
              clearable
            />
            {(['fr', 'en'] as const).map((lang) => (
              <TextInput
                key={`title-${lang}`}
                lang={lang}
                label={t(lang === 'fr' ? 'fields.ownerTitleFr' : 'fields.ownerTitleEn')}
                value={draft.ownerTitles?.[lang] ?? ''}
                onChange={(event) => set('ownerTitles', { ...draft.ownerTitles, [lang]: event.currentTarget.value })}
                error={err(`ownerTitles.${lang}`)}
              />
            ))}
            {(['fr', 'en'] as const).map((lang) => (
              <TagsInput
                key={`products-${lang}`}
                lang={lang}
                label={t(lang === 'fr' ? 'fields.productsFr' : 'fields.productsEn')}
                value={draft.productNames?.[lang] ?? []}
                onChange={(value) => set('productNames', { ...draft.productNames, [lang]: value })}
                error={err(`productNames.${lang}`, true)}
                clearable
              />
            ))}
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
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" mt="md">
            {(['fr', 'en'] as const).map((lang) => (
              <Textarea
                key={`description-${lang}`}
                lang={lang}
                label={t(lang === 'fr' ? 'fields.descriptionFr' : 'fields.descriptionEn')}
                autosize
                minRows={2}
                maxRows={8}
                value={draft.descriptions?.[lang] ?? ''}
                onChange={(event) => set('descriptions', { ...draft.descriptions, [lang]: event.currentTarget.value })}
                error={err(`descriptions.${lang}`)}
              />
            ))}
          </SimpleGrid>
        </Section>

        <Section title={t('activity.staff')} id="staff" description={t('activity.staffHelp')}>
          <StaffEditor org={org} staff={draft.staff} onChange={(staff) => set('staff', staff)} problems={problems} />
        </Section>

        <Section title={t('activity.dependencies')} id="dependencies" description={t('activity.dependenciesHelp')}>
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
            <EntityMultiSelect
              org={org}
              collection="applications"
              label={t('collections.applications.title')}
              value={draft.applications}
              onChange={(ids) => set('applications', ids)}
              error={err('applications', true)}
            />
            <EntityMultiSelect
              org={org}
              collection="suppliers"
              label={t('collections.suppliers.title')}
              value={draft.suppliers}
              onChange={(ids) => set('suppliers', ids)}
              error={err('suppliers', true)}
            />
            <EntityMultiSelect
              org={org}
              collection="activities"
              label={t('activity.dependsOn')}
              description={t('activity.dependsOnHelp')}
              value={draft.dependsOn}
              onChange={(ids) => set('dependsOn', ids)}
              error={err('dependsOn', true)}
              exclude={saved.id}
            />
          </SimpleGrid>
        </Section>
      </Editable>

      <ActivityFindings org={org} id={saved.id} />

      {editable ? <SaveBar dirty={dirty} saving={save.isPending} onDiscard={() => setDraft(toDraft(saved, bia))} onSave={() => save.mutate()} /> : null}

      <LeaveDialog blocker={blocker} text={t('activity.leaveText')} />
      {deletable ? (
        <DeleteDialog
          org={org}
          collection="activities"
          id={saved.id}
          name={name}
          opened={deleting}
          onClose={() => setDeleting(false)}
          onDeleted={() => navigate(`${base}/activities`, { replace: true })}
        />
      ) : null}
    </Stack>
  );
}

function levelLabel(bia: BiaSettings, value: number, language: 'en' | 'fr'): string {
  const level = bia.scale.find((item) => item.value === value);
  return level ? entityName({ id: String(value), name: level.label, names: level.names }, language) : String(value);
}

function Section({ title, id, description, children }: { title: string; id: string; description?: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={`section-${id}`}>
      <Title order={2} size="h4" id={`section-${id}`}>
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

/** Suggested against chosen MTPD, said in plain words, with the figures side by side. */
function MtpdPanel({
  draft,
  bia,
  suggested,
  assessment,
  dirty,
  onUseSuggested,
}: {
  draft: Activity;
  bia: BiaSettings;
  suggested: number | null;
  assessment: 'none' | 'partial' | 'complete';
  dirty: boolean;
  onUseSuggested: (hours: number) => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const format = useFormat();
  const reading = readMtpd(draft.mtpd, suggested, assessment, bia);
  const first = firstIntolerable(draft.impacts, bia);
  const category = first ? bia.categories.find((item) => item.id === first.category) : undefined;
  const because =
    first && category
      ? t('mtpd.because', { category: entityName(category, language), level: levelLabel(bia, first.rating, language), time: format.duration(first.hours) })
      : '';
  const intolerable = levelLabel(bia, bia.intolerable, language);
  let sentence: string;
  let colour = 'blue';
  switch (reading.kind) {
    case 'not_assessed':
      sentence = t('mtpd.notAssessed', { level: intolerable });
      colour = 'gray';
      break;
    case 'never_intolerable':
      sentence = t('mtpd.neverIntolerable', { level: intolerable, horizon: format.duration(reading.horizon) });
      colour = 'gray';
      break;
    case 'matches':
      sentence = `${because} ${t('mtpd.matches')}`;
      colour = 'teal';
      break;
    case 'longer':
      sentence = `${because} ${t('mtpd.longer', { chosen: format.duration(reading.chosen), difference: format.durationLong(reading.difference) })}`;
      colour = 'orange';
      break;
    case 'shorter':
      sentence = `${because} ${t('mtpd.shorter', { chosen: format.duration(reading.chosen), difference: format.durationLong(reading.difference) })}`;
      colour = 'blue';
      break;
  }
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="section-mtpd" style={{ borderLeft: `4px solid var(--mantine-color-${colour}-7)` }}>
      <Title order={2} size="h4" id="section-mtpd">
        {t('mtpd.title')}
      </Title>
      <Group gap="xl" mt="sm" align="flex-start">
        <Figure label={t('mtpd.suggested')} value={format.duration(suggested)} testId="suggested-mtpd" note={dirty ? t('mtpd.preview') : undefined} />
        <Figure label={t('mtpd.chosen')} value={format.duration(draft.mtpd)} testId="chosen-mtpd" />
        <Figure label={t('terms.rto.name')} value={format.duration(draft.rto)} />
        <Figure label={t('terms.rpo.name')} value={format.duration(draft.rpo)} />
        <Figure label={t('terms.mbco.name')} value={format.percent(draft.mbco)} />
      </Group>
      <Text size="sm" mt="sm" data-testid="mtpd-explanation">
        {sentence}
      </Text>
      {suggested !== null && suggested !== draft.mtpd ? (
        <EditOnly>
          <Button size="xs" variant="light" mt="sm" onClick={() => onUseSuggested(suggested)}>
            {t('mtpd.useSuggested', { value: format.duration(suggested) })}
          </Button>
        </EditOnly>
      ) : null}
    </Paper>
  );
}

function Figure({ label, value, note, testId }: { label: string; value: string; note?: string; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text fz={22} fw={700} data-testid={testId}>
        {value}
      </Text>
      {note ? (
        <Text size="xs" c="orange.9">
          {note}
        </Text>
      ) : null}
    </div>
  );
}

function StaffEditor({
  org,
  staff,
  onChange,
  problems,
}: {
  org: string;
  staff: StaffEntry[];
  onChange: (staff: StaffEntry[]) => void;
  problems?: FieldProblems;
}) {
  const { t } = useTranslation();
  const update = (index: number, entry: Partial<StaffEntry>) => onChange(staff.map((item, at) => (at === index ? { ...item, ...entry } : item)));
  const err = (field: string, nested = false) => fieldErrorText(problemsAt(problems, field, nested), t);
  return (
    <Stack gap="xs">
      {staff.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('activity.noStaff')}
        </Text>
      ) : (
        <Table withTableBorder verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="24%">{t('staff.site')}</Table.Th>
              <Table.Th w="14%">{t('staff.headcount')}</Table.Th>
              <Table.Th w="16%">{t('staff.remote')}</Table.Th>
              <Table.Th>{t('staff.access')}</Table.Th>
              <Table.Th w={48}>
                <span className="visually-hidden" style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>
                  {t('common.actions')}
                </span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {staff.map((entry, index) => (
              <Table.Tr key={index}>
                <Table.Td>
                  <EntitySelect
                    org={org}
                    collection="sites"
                    hideLabel
                    label={t('staff.siteOf', { row: index + 1 })}
                    value={entry.site}
                    onChange={(site) => update(index, { site: site ?? '' })}
                    error={err(`staff.${index}.site`)}
                  />
                </Table.Td>
                <Table.Td>
                  <NumberField
                    aria-label={t('staff.headcountOf', { row: index + 1 })}
                    min={0}
                    value={entry.headcount}
                    onChange={(value) => update(index, { headcount: value === '' ? 0 : Number(value) })}
                    error={err(`staff.${index}.headcount`)}
                  />
                </Table.Td>
                <Table.Td>
                  <NumberField
                    aria-label={t('staff.remoteOf', { row: index + 1 })}
                    min={0}
                    max={100}
                    suffix=" %"
                    decimalScale={1}
                    value={Math.round(entry.remote * 1000) / 10}
                    onChange={(value) => update(index, { remote: value === '' ? 0 : Number(value) / 100 })}
                    error={err(`staff.${index}.remote`)}
                  />
                </Table.Td>
                <Table.Td>
                  <EntityMultiSelect
                    org={org}
                    collection="pools"
                    hideLabel
                    label={t('staff.accessOf', { row: index + 1 })}
                    value={entry.access}
                    onChange={(access) => update(index, { access })}
                    error={err(`staff.${index}.access`, true)}
                  />
                </Table.Td>
                <Table.Td>
                  <EditOnly>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={t('staff.remove', { row: index + 1 })}
                      onClick={() => onChange(staff.filter((_item, at) => at !== index))}
                    >
                      ✕
                    </ActionIcon>
                  </EditOnly>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <EditOnly>
        <Group>
          <Button size="xs" variant="light" onClick={() => onChange([...staff, { site: '', headcount: 0, remote: 0, access: [] }])}>
            {t('staff.add')}
          </Button>
        </Group>
      </EditOnly>
    </Stack>
  );
}

function ActivityFindings({ org, id }: { org: string; id: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const findings = useFindings(org);
  const activityName = useNames(org, 'activities');
  const applicationName = useNames(org, 'applications');
  const mine = (findings.data?.items ?? []).filter((finding) => concerns(finding, id));
  const context = {
    t: t as never,
    format,
    name: (type: 'activity' | 'application', ref: string) => (type === 'activity' ? activityName(ref) : applicationName(ref)),
  };
  return (
    <Section title={t('activity.findings', { count: mine.length })} id="findings" description={t('activity.findingsHelp')}>
      {findings.isPending ? (
        <Loading />
      ) : mine.length === 0 ? (
        <Text size="sm">{t('activity.noFindings')}</Text>
      ) : (
        <Stack gap="xs" component="ul" p={0} m={0}>
          {mine.map((finding, index) => (
            <FindingItem
              key={`${finding.rule}-${finding.activity}-${index}`}
              finding={finding}
              org={org}
              context={context}
              showActivity={finding.activity !== id}
            />
          ))}
        </Stack>
      )}
    </Section>
  );
}
