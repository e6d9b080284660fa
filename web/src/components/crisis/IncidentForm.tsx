// Declaring an incident, and later changing what is known of it (title, severity, type, description, and what is
// down: lists replace the previous ones; a site, application or supplier added counts as down from then).
import { Button, Group, Modal, NativeSelect, Select, SimpleGrid, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { EntityMultiSelect } from '../EntityPicker.js';
import { FormRefusal } from '../Problems.js';
import { api, isApiError, orgPath } from '../../lib/api.js';
import { fromLocalInput, localInput, SEVERITIES, type IncidentView, type Severity } from '../../lib/crisis.js';
import { crisisKeys, incidentPath } from '../../lib/crisis-queries.js';
import { entityName } from '../../lib/format.js';
import { fieldErrorText, groupByField, problemsAt, unclaimedProblems } from '../../lib/problems.js';
import { useLanguage } from '../../lib/queries.js';
import { useThreats } from '../../lib/risk-queries.js';

const DECLARATION_FIELDS = ['title', 'severity', 'type', 'description', 'start', 'sites', 'activities', 'applications', 'suppliers', 'exercise'];

/** Only what differs from the incident: the crisis log records each change, and an unchanged list keeps its times. */
function changes(
  incident: IncidentView,
  next: Pick<IncidentView, 'title' | 'severity' | 'type' | 'description' | 'sites' | 'activities' | 'applications' | 'suppliers'>,
) {
  return Object.fromEntries(Object.entries(next).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(incident[key as keyof IncidentView])));
}

/** Sends the changes, if any. */
function save(org: string, incident: IncidentView, body: object): Promise<IncidentView> {
  if (Object.keys(body).length === 0) return Promise.resolve(incident);
  return api<IncidentView>(incidentPath(org, incident.id), { method: 'PATCH', body });
}

/** Without `incident`, declares one (and opens its page); with it, changes what is known of it. */
export function IncidentForm({ org, incident, opened, onClose }: { org: string; incident?: IncidentView; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const client = useQueryClient();
  const navigate = useNavigate();
  const threats = useThreats(org);
  const [title, setTitle] = useState(incident?.title ?? '');
  const [severity, setSeverity] = useState<Severity>(incident?.severity ?? 'major');
  const [type, setType] = useState<string | null>(incident?.type ?? null);
  const [description, setDescription] = useState(incident?.description ?? '');
  const [start, setStart] = useState(() => localInput(new Date()));
  const [sites, setSites] = useState<string[]>(incident?.sites ?? []);
  const [activities, setActivities] = useState<string[]>(incident?.activities ?? []);
  const [applications, setApplications] = useState<string[]>(incident?.applications ?? []);
  const [suppliers, setSuppliers] = useState<string[]>(incident?.suppliers ?? []);
  const [exercise, setExercise] = useState(false);
  const declare = useMutation({
    mutationFn: () =>
      incident
        ? save(
            org,
            incident,
            changes(incident, { title: title.trim(), severity, type, description: description.trim() || null, sites, activities, applications, suppliers }),
          )
        : api<IncidentView>(orgPath(org, '/incidents'), {
            method: 'POST',
            body: {
              title: title.trim(),
              severity,
              ...(type ? { type } : {}),
              ...(description.trim() ? { description: description.trim() } : {}),
              ...(fromLocalInput(start) ? { start: fromLocalInput(start) } : {}),
              sites,
              activities,
              applications,
              suppliers,
              exercise,
            },
          }),
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: crisisKeys.incidents(org) });
      onClose();
      if (!incident) navigate(`/orgs/${encodeURIComponent(org)}/incidents/${saved.id}`);
    },
  });
  const problems = isApiError(declare.error) ? groupByField(declare.error.details) : undefined;
  const rest = unclaimedProblems(problems, DECLARATION_FIELDS);
  const error = (field: string) => fieldErrorText(problemsAt(problems, field, true), t);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    declare.mutate();
  };
  return (
    <Modal
      closeButtonProps={{ 'aria-label': t('common.close') }}
      opened={opened}
      onClose={onClose}
      title={incident ? t('incidents.edit') : t('incidents.declare')}
      size="xl"
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          {incident ? null : (
            <Switch
              label={t('incidents.exerciseSwitch')}
              description={t('incidents.exerciseHelp')}
              checked={exercise}
              onChange={(event) => setExercise(event.currentTarget.checked)}
              color="grape"
            />
          )}
          <TextInput
            label={t('incidents.fields.title')}
            required
            value={title}
            onChange={(event) => setTitle(event.currentTarget.value)}
            error={error('title')}
            data-autofocus
          />
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <NativeSelect
              label={t('incidents.severity')}
              required
              value={severity}
              onChange={(event) => setSeverity(event.currentTarget.value as Severity)}
              data={SEVERITIES.map((value) => ({ value, label: t(`incidentSeverity.${value}`) }))}
              error={error('severity')}
            />
            <Select
              label={t('incidents.fields.type')}
              data={(threats.data?.items ?? []).map((threat) => ({ value: threat.id, label: entityName(threat, language) }))}
              value={type}
              onChange={setType}
              searchable
              clearable
              error={error('type')}
            />
            {incident ? null : (
              <TextInput
                type="datetime-local"
                label={t('incidents.start')}
                value={start}
                onChange={(event) => setStart(event.currentTarget.value)}
                error={error('start')}
              />
            )}
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <EntityMultiSelect
              org={org}
              collection="activities"
              label={t('incidents.fields.activities')}
              description={incident ? t('incidents.fields.changeHelp') : t('incidents.fields.activitiesHelp')}
              value={activities}
              onChange={setActivities}
              error={error('activities')}
            />
            <EntityMultiSelect org={org} collection="sites" label={t('incidents.fields.sites')} value={sites} onChange={setSites} error={error('sites')} />
            <EntityMultiSelect
              org={org}
              collection="applications"
              label={t('incidents.fields.applications')}
              value={applications}
              onChange={setApplications}
              error={error('applications')}
            />
            <EntityMultiSelect
              org={org}
              collection="suppliers"
              label={t('incidents.fields.suppliers')}
              value={suppliers}
              onChange={setSuppliers}
              error={error('suppliers')}
            />
          </SimpleGrid>
          <Textarea
            label={t('incidents.fields.description')}
            value={description}
            onChange={(event) => setDescription(event.currentTarget.value)}
            autosize
            minRows={2}
            error={error('description')}
          />
          <FormRefusal error={declare.error} problems={problems} rest={rest} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color={incident ? 'blue' : exercise ? 'grape' : 'red'} loading={declare.isPending}>
              {incident ? t('common.save') : exercise ? t('incidents.declareExercise') : t('incidents.declareNow')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
