// The plan editor: what the plan covers and why, when and by whom it is activated, its teams with their deputies,
// its steps by phase (when, who, what, where, checklist, the strategy it switches on) and its contacts, in English
// and French. Inside `Editable`: read-only callers see the same form with every control disabled.
import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Card,
  FileButton,
  Group,
  MultiSelect,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { FileView } from '@shared/model/file.js';
import { useTranslation } from 'react-i18next';
import { DurationInput } from '../DurationInput.js';
import { EditOnly } from '../Editable.js';
import { EntityMultiSelect, EntitySelect } from '../EntityPicker.js';
import { ROLES } from '../../lib/admin.js';
import { api, orgPath } from '../../lib/api.js';
import { PHASES, type Bilingual, type ContactDraft, type PlanDraft, type StepDraft, type TeamDraft } from '../../lib/crisis.js';
import { errorSentence, fieldErrorText, problemsAt, type FieldProblems } from '../../lib/problems.js';
import { useScenarioNames, useScenarios } from '../../lib/scenario-queries.js';
import { BilingualField } from './BilingualField.js';

const EMPTY: Bilingual = { en: '', fr: '' };

export function PlanEditor({
  org,
  draft,
  onChange,
  problems,
}: {
  org: string;
  draft: PlanDraft;
  onChange: (draft: PlanDraft) => void;
  problems?: FieldProblems;
}) {
  const { t } = useTranslation();
  const scenarios = useScenarios(org);
  const scenarioName = useScenarioNames(org);
  const set = <K extends keyof PlanDraft>(key: K, value: PlanDraft[K]) => onChange({ ...draft, [key]: value });
  const error = (field: string) => fieldErrorText(problemsAt(problems, field, true), t);
  const setTeam = (index: number, team: TeamDraft) =>
    set(
      'teams',
      draft.teams.map((item, i) => (i === index ? team : item)),
    );
  const setStep = (index: number, step: StepDraft) =>
    set(
      'steps',
      draft.steps.map((item, i) => (i === index ? step : item)),
    );
  const setContact = (index: number, contact: ContactDraft) =>
    set(
      'contacts',
      draft.contacts.map((item, i) => (i === index ? contact : item)),
    );
  const scenarioOptions = [
    ...(scenarios.data?.items ?? []).map((scenario) => ({ value: scenario.id, label: scenarioName(scenario.id) })),
    ...draft.scenarios.filter((id) => !scenarios.data?.items.some((item) => item.id === id)).map((id) => ({ value: id, label: id })),
  ];
  const teamOptions = [
    { value: '', label: t('common.none') },
    ...draft.teams.filter((team) => team.id).map((team) => ({ value: team.id, label: team.name.en || team.name.fr || team.id })),
  ];

  return (
    <Stack gap="md">
      <Section id="plan-general" title={t('plan.sections.general')}>
        <BilingualField label={t('plan.fields.title')} value={draft.title} onChange={(value) => set('title', value)} error={error('title')} required />
        <BilingualField label={t('plan.fields.purpose')} value={draft.purpose} onChange={(value) => set('purpose', value)} multiline />
        <BilingualField
          label={t('plan.fields.activationCriteria')}
          value={draft.activationCriteria}
          onChange={(value) => set('activationCriteria', value)}
          multiline
        />
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <TextInput
            type="date"
            label={t('plan.fields.reviewDate')}
            description={t('plan.fields.reviewDateHelp')}
            value={draft.reviewDate}
            onChange={(event) => set('reviewDate', event.currentTarget.value)}
            error={error('reviewDate')}
          />
          <MultiSelect
            label={t('plan.fields.scenarios')}
            description={t('plan.fields.scenariosHelp')}
            data={scenarioOptions}
            value={draft.scenarios}
            onChange={(value) => set('scenarios', value)}
            searchable
            error={error('scenarios')}
          />
        </SimpleGrid>
      </Section>

      <Section id="plan-scope" title={t('plan.sections.scope')}>
        <EntityMultiSelect
          org={org}
          collection="activities"
          label={t('plan.fields.activities')}
          value={draft.activities}
          onChange={(value) => set('activities', value)}
          error={error('scope.activities')}
        />
        <EntityMultiSelect
          org={org}
          collection="sites"
          label={t('plan.fields.sites')}
          value={draft.sites}
          onChange={(value) => set('sites', value)}
          error={error('scope.sites')}
        />
      </Section>

      <Section id="plan-activators" title={t('plan.sections.activators')} help={t('plan.activatorsHelp')}>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <MultiSelect
            label={t('plan.fields.roles')}
            data={ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
            value={draft.roles}
            onChange={(value) => set('roles', value)}
            error={error('activators.roles')}
          />
          <TagsInput
            label={t('plan.fields.people')}
            description={t('fields.productsHelp')}
            value={draft.people}
            onChange={(value) => set('people', value)}
            error={error('activators.people')}
          />
        </SimpleGrid>
      </Section>

      <Section id="plan-teams" title={t('plan.sections.teams')}>
        {draft.teams.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('plan.noTeam')}
          </Text>
        ) : null}
        {draft.teams.map((team, index) => (
          <Card key={index} withBorder padding="sm" component="fieldset" aria-label={t('plan.teamLabel', { name: team.name.en || team.id || index + 1 })}>
            <Stack gap="xs">
              <Group align="flex-end" wrap="nowrap">
                <TextInput
                  label={t('fields.id')}
                  value={team.id}
                  onChange={(event) => setTeam(index, { ...team, id: event.currentTarget.value })}
                  error={error(`teams.${index}.id`)}
                  required
                  w={200}
                />
                <TextInput
                  label={t('plan.fields.lead')}
                  value={team.lead}
                  onChange={(event) => setTeam(index, { ...team, lead: event.currentTarget.value })}
                  error={error(`teams.${index}.lead`)}
                  required
                  style={{ flex: 1 }}
                />
                <EditOnly>
                  <RemoveButton
                    label={t('plan.removeTeam', { name: team.id || index + 1 })}
                    onClick={() =>
                      set(
                        'teams',
                        draft.teams.filter((_, i) => i !== index),
                      )
                    }
                  />
                </EditOnly>
              </Group>
              <BilingualField
                label={t('plan.fields.teamName')}
                value={team.name}
                onChange={(value) => setTeam(index, { ...team, name: value })}
                error={error(`teams.${index}.name`)}
                required
              />
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                <TagsInput
                  label={t('plan.fields.deputies')}
                  description={t('plan.fields.deputiesHelp')}
                  value={team.deputies}
                  onChange={(value) => setTeam(index, { ...team, deputies: value })}
                />
                <TagsInput label={t('plan.fields.members')} value={team.members} onChange={(value) => setTeam(index, { ...team, members: value })} />
              </SimpleGrid>
            </Stack>
          </Card>
        ))}
        <EditOnly>
          <Group>
            <Button variant="light" onClick={() => set('teams', [...draft.teams, { id: '', name: EMPTY, lead: '', deputies: [], members: [] }])}>
              {t('plan.addTeam')}
            </Button>
          </Group>
        </EditOnly>
      </Section>

      <Section id="plan-steps" title={t('plan.sections.steps')} help={t('plan.stepsHelp')}>
        {PHASES.map((phase) => {
          const steps = draft.steps.map((step, index) => ({ step, index })).filter((item) => item.step.phase === phase);
          return (
            <Stack key={phase} gap="xs" component="section" aria-labelledby={`phase-${phase}`}>
              <Title order={3} size="h5" id={`phase-${phase}`}>
                {t(`planPhase.${phase}`)}
              </Title>
              {steps.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('plan.noStep')}
                </Text>
              ) : null}
              {steps.map(({ step, index }) => (
                <Card key={index} withBorder padding="sm" data-step={step.id}>
                  <Stack gap="xs">
                    <Group align="flex-end" wrap="wrap">
                      <TextInput
                        label={t('fields.id')}
                        value={step.id}
                        onChange={(event) => setStep(index, { ...step, id: event.currentTarget.value })}
                        error={error(`steps.${index}.id`)}
                        required
                        w={180}
                      />
                      <NativeSelect
                        label={t('plan.fields.phase')}
                        value={step.phase}
                        onChange={(event) => setStep(index, { ...step, phase: event.currentTarget.value as StepDraft['phase'] })}
                        data={PHASES.map((value) => ({ value, label: t(`planPhase.${value}`) }))}
                      />
                      <DurationInput
                        label={t('plan.fields.at')}
                        value={step.at}
                        onChange={(at) => setStep(index, { ...step, at })}
                        error={error(`steps.${index}.at`)}
                      />
                      <NativeSelect
                        label={t('plan.fields.team')}
                        value={step.team}
                        onChange={(event) => setStep(index, { ...step, team: event.currentTarget.value })}
                        data={teamOptions}
                        error={error(`steps.${index}.team`)}
                      />
                      <EditOnly>
                        <RemoveButton
                          label={t('plan.removeStep', { name: step.id || index + 1 })}
                          onClick={() =>
                            set(
                              'steps',
                              draft.steps.filter((_, i) => i !== index),
                            )
                          }
                        />
                      </EditOnly>
                    </Group>
                    <BilingualField
                      label={t('plan.fields.action')}
                      value={step.action}
                      onChange={(value) => setStep(index, { ...step, action: value })}
                      error={error(`steps.${index}.action`)}
                      required
                    />
                    <SimpleGrid cols={{ base: 1, md: 3 }}>
                      <TextInput
                        label={t('plan.fields.owner')}
                        description={t('plan.fields.ownerHelp')}
                        value={step.owner}
                        onChange={(event) => setStep(index, { ...step, owner: event.currentTarget.value })}
                      />
                      <TextInput
                        label={t('plan.fields.where')}
                        value={step.where}
                        onChange={(event) => setStep(index, { ...step, where: event.currentTarget.value })}
                      />
                      <EntitySelect
                        org={org}
                        collection="strategies"
                        label={t('plan.fields.strategy')}
                        value={step.strategy}
                        onChange={(strategy) => setStep(index, { ...step, strategy })}
                        error={error(`steps.${index}.strategy`)}
                      />
                    </SimpleGrid>
                    <BilingualField
                      label={t('plan.fields.details')}
                      value={step.details}
                      onChange={(value) => setStep(index, { ...step, details: value })}
                      multiline
                    />
                    <BilingualField
                      label={t('plan.fields.checklist')}
                      value={step.checklist}
                      onChange={(value) => setStep(index, { ...step, checklist: value })}
                      multiline
                    />
                  </Stack>
                </Card>
              ))}
              <EditOnly>
                <Group>
                  <Button
                    variant="subtle"
                    size="xs"
                    onClick={() =>
                      set('steps', [
                        ...draft.steps,
                        { id: '', phase, at: 0, team: '', owner: '', action: EMPTY, details: EMPTY, where: '', checklist: EMPTY, strategy: undefined },
                      ])
                    }
                  >
                    {t('plan.addStep', { phase: t(`planPhase.${phase}`) })}
                  </Button>
                </Group>
              </EditOnly>
            </Stack>
          );
        })}
      </Section>

      <Attachments org={org} attachments={draft.attachments} onChange={(attachments) => set('attachments', attachments)} />

      <Section id="plan-contacts" title={t('plan.sections.contacts')}>
        {draft.contacts.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('plan.noContact')}
          </Text>
        ) : null}
        {draft.contacts.map((contact, index) => (
          <Card key={index} withBorder padding="sm">
            <Stack gap="xs">
              <Group align="flex-end" wrap="wrap">
                <TextInput
                  label={t('plan.fields.contactName')}
                  value={contact.name}
                  onChange={(event) => setContact(index, { ...contact, name: event.currentTarget.value })}
                  error={error(`contacts.${index}.name`)}
                  required
                />
                <TextInput
                  label={t('plan.fields.organisation')}
                  value={contact.organisation}
                  onChange={(event) => setContact(index, { ...contact, organisation: event.currentTarget.value })}
                />
                <TextInput
                  label={t('plan.fields.phone')}
                  type="tel"
                  value={contact.phone}
                  onChange={(event) => setContact(index, { ...contact, phone: event.currentTarget.value })}
                  error={error(`contacts.${index}.phone`)}
                />
                <TextInput
                  label={t('plan.fields.email')}
                  type="email"
                  value={contact.email}
                  onChange={(event) => setContact(index, { ...contact, email: event.currentTarget.value })}
                  error={error(`contacts.${index}.email`)}
                />
                <EditOnly>
                  <RemoveButton
                    label={t('plan.removeContact', { name: contact.name || index + 1 })}
                    onClick={() =>
                      set(
                        'contacts',
                        draft.contacts.filter((_, i) => i !== index),
                      )
                    }
                  />
                </EditOnly>
              </Group>
              <BilingualField label={t('plan.fields.role')} value={contact.role} onChange={(value) => setContact(index, { ...contact, role: value })} />
            </Stack>
          </Card>
        ))}
        <EditOnly>
          <Group>
            <Button variant="light" onClick={() => set('contacts', [...draft.contacts, { name: '', role: EMPTY, organisation: '', phone: '', email: '' }])}>
              {t('plan.addContact')}
            </Button>
          </Group>
        </EditOnly>
      </Section>
    </Stack>
  );
}

/** Files kept with the plan (stored in the organisation's file store): download, add, remove. */
function Attachments({
  org,
  attachments,
  onChange,
}: {
  org: string;
  attachments: PlanDraft['attachments'];
  onChange: (attachments: PlanDraft['attachments']) => void;
}) {
  const { t } = useTranslation();
  const upload = useMutation({
    mutationFn: (file: File) =>
      api<FileView>(orgPath(org, `/files?name=${encodeURIComponent(file.name)}&purpose=attachment`), {
        method: 'POST',
        body: file,
        contentType: file.type || 'application/octet-stream',
      }),
    onSuccess: (stored) => onChange([...attachments, { file: stored.id, name: stored.name }]),
  });
  return (
    <Section id="plan-attachments" title={t('plan.sections.attachments')}>
      {attachments.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('plan.noAttachment')}
        </Text>
      ) : null}
      {attachments.map((attachment, index) => (
        <Group key={attachment.file} gap="xs" data-attachment={attachment.file}>
          <Anchor href={orgPath(org, `/files/${attachment.file}`)} download>
            {attachment.name ?? attachment.file}
          </Anchor>
          <EditOnly>
            <RemoveButton
              label={t('plan.removeAttachment', { name: attachment.name ?? attachment.file })}
              onClick={() => onChange(attachments.filter((_, i) => i !== index))}
            />
          </EditOnly>
        </Group>
      ))}
      <EditOnly>
        <Group>
          <FileButton onChange={(file) => file && upload.mutate(file)}>
            {(props) => (
              <Button {...props} variant="light" loading={upload.isPending}>
                {t('plan.addAttachment')}
              </Button>
            )}
          </FileButton>
        </Group>
      </EditOnly>
      {upload.error ? (
        <Alert color="red" role="alert">
          {errorSentence(upload.error, t)}
        </Alert>
      ) : null}
    </Section>
  );
}

function Section({ id, title, help, children }: { id: string; title: string; help?: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4" id={id}>
            {title}
          </Title>
          {help ? (
            <Text size="sm" c="dimmed" mt={2}>
              {help}
            </Text>
          ) : null}
        </div>
        {children}
      </Stack>
    </Paper>
  );
}

function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <ActionIcon variant="subtle" color="red" size="lg" aria-label={label} title={label} onClick={onClick}>
      ×
    </ActionIcon>
  );
}
