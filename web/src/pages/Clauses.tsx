// The ISO 22301 clause tracker: clauses 4 to 10 with the organisation's status, owner, notes and evidence (Rempart
// records or uploaded files), evidence Rempart suggests, and the gap report. Auditors read; the manager edits.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  FileButton,
  Group,
  Modal,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClauseView } from '@shared/model/contract/assurance.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { allows } from '../lib/abilities.js';
import { api, orgPath } from '../lib/api.js';
import { errorSentence } from '../lib/problems.js';
import { useLanguage, useOrgId } from '../lib/queries.js';

interface ClauseList {
  items: ClauseView[];
  counts: Record<ClauseView['status'], number>;
  abilities: Record<string, boolean>;
}
interface GapReport {
  applicable: number;
  implemented: number;
  gaps: Array<{ clause: string; status: ClauseView['status']; reasons: string[]; title: { en: string; fr: string }; owner: string | null }>;
}
type Evidence = ClauseView['evidence'][number];

const STATUSES = ['notStarted', 'partial', 'implemented', 'notApplicable'] as const;
const COLORS: Record<ClauseView['status'], string> = { notStarted: 'gray', partial: 'yellow', implemented: 'green', notApplicable: 'blue' };

export default function Clauses() {
  const { t } = useTranslation();
  const org = useOrgId();
  const language = useLanguage();
  const clauses = useQuery({ queryKey: ['clauses', org], queryFn: () => api<ClauseList>(orgPath(org, '/clauses')) });
  const gaps = useQuery({ queryKey: ['clauses', org, 'gaps'], queryFn: () => api<GapReport>(orgPath(org, '/clauses/gaps')) });
  const [editing, setEditing] = useState<ClauseView | null>(null);
  usePageTitle(t('clauses.title'));
  if (clauses.isError) return <LoadError error={clauses.error} />;
  if (!clauses.data) return <Loading />;
  const canEdit = allows(clauses.data, 'update');
  return (
    <Stack gap="md">
      <PageHeader title={t('clauses.title')} description={t('clauses.description')} />
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
        {STATUSES.map((status) => (
          <Paper key={status} withBorder p="sm">
            <Text size="xl" fw={700}>
              {clauses.data.counts[status]}
            </Text>
            <Text size="sm">{t(`clauses.statuses.${status}`)}</Text>
          </Paper>
        ))}
      </SimpleGrid>
      <Table withTableBorder striped aria-label={t('clauses.title')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('clauses.clause')}</Table.Th>
            <Table.Th>{t('clauses.status')}</Table.Th>
            <Table.Th>{t('clauses.owner')}</Table.Th>
            <Table.Th>{t('clauses.evidence')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {clauses.data.items.map((clause) => (
            <Table.Tr key={clause.id} data-clause={clause.id}>
              <Table.Td pl={clause.parent ? (clause.id.split('.').length - 1) * 16 + 8 : undefined}>
                {canEdit ? (
                  <Anchor component="button" fw={clause.parent ? 400 : 700} onClick={() => setEditing(clause)}>
                    {clause.id} {clause.title[language]}
                  </Anchor>
                ) : (
                  <Text span fw={clause.parent ? 400 : 700}>
                    {clause.id} {clause.title[language]}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  {clause.description[language]}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge color={COLORS[clause.status]} variant="light" tt="none">
                  {t(`clauses.statuses.${clause.status}`)}
                </Badge>
              </Table.Td>
              <Table.Td>{clause.owner ?? ''}</Table.Td>
              <Table.Td>
                {clause.evidence.map((evidence) => (
                  <EvidenceLabel key={`${evidence.type}:${evidence.id}`} org={org} evidence={evidence} />
                ))}
                {clause.suggested.length && canEdit ? (
                  <Text size="xs" c="blue.8">
                    {t('clauses.suggestedCount', { count: clause.suggested.length })}
                  </Text>
                ) : null}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="xs" id="gaps">
          {t('clauses.gapReport')}
        </Title>
        {gaps.data ? (
          <>
            <Text size="sm" mb="xs">
              {t('clauses.gapSummary', { implemented: gaps.data.implemented, applicable: gaps.data.applicable, gaps: gaps.data.gaps.length })}
            </Text>
            <Table withTableBorder aria-labelledby="gaps">
              <Table.Tbody>
                {gaps.data.gaps.map((gap) => (
                  <Table.Tr key={gap.clause}>
                    <Table.Td>
                      {gap.clause} {gap.title[language]}
                    </Table.Td>
                    <Table.Td>{gap.reasons.map((reason) => t(`clauses.reasons.${reason}`)).join(', ')}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        ) : (
          <Loading />
        )}
      </Paper>
      {editing ? <ClauseForm org={org} clause={editing} onClose={() => setEditing(null)} /> : null}
    </Stack>
  );
}

function EvidenceLabel({ org, evidence }: { org: string; evidence: Evidence }) {
  const { t } = useTranslation();
  const label = `${t(`clauses.evidenceTypes.${evidence.type}`)}: ${evidence.label}`;
  return (
    <Text size="sm">
      {evidence.type === 'file' && evidence.id ? (
        <Anchor href={orgPath(org, `/files/${evidence.id}`)} target="_blank" rel="noreferrer">
          {label}
        </Anchor>
      ) : (
        label
      )}
    </Text>
  );
}

function ClauseForm({ org, clause, onClose }: { org: string; clause: ClauseView; onClose: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const client = useQueryClient();
  const [status, setStatus] = useState<string>(clause.status);
  const [owner, setOwner] = useState(clause.owner ?? '');
  const [notes, setNotes] = useState(clause.notes ?? '');
  const candidates = [...clause.evidence, ...clause.suggested];
  const key = (evidence: Pick<Evidence, 'type' | 'id'>) => `${evidence.type}:${evidence.id ?? ''}`;
  const [chosen, setChosen] = useState<Evidence[]>(clause.evidence);
  const [uploaded, setUploaded] = useState<Evidence[]>([]);
  const upload = useMutation({
    mutationFn: (file: File) =>
      api<{ id: string; name: string }>(orgPath(org, `/files?name=${encodeURIComponent(file.name)}&purpose=evidence`), {
        method: 'POST',
        body: file,
        contentType: file.type || 'application/octet-stream',
      }),
    onSuccess: (file) => {
      const evidence: Evidence = { type: 'file', id: file.id, label: file.name };
      setUploaded([...uploaded, evidence]);
      setChosen([...chosen, evidence]);
    },
  });
  const save = useMutation({
    mutationFn: () =>
      api(orgPath(org, `/clauses/${clause.id}`), {
        method: 'PUT',
        body: {
          status,
          owner: owner.trim() || null,
          notes: notes.trim() || null,
          evidence: chosen.map((evidence) => (evidence.id === null ? { type: evidence.type } : { type: evidence.type, id: evidence.id })),
        },
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['clauses', org] });
      onClose();
    },
  });
  const toggle = (evidence: Evidence, on: boolean) => setChosen(on ? [...chosen, evidence] : chosen.filter((item) => key(item) !== key(evidence)));
  return (
    <Modal opened onClose={onClose} title={`${clause.id} ${clause.title[language]}`} size="lg">
      <Stack gap="sm">
        <Select
          label={t('clauses.status')}
          value={status}
          onChange={(value) => setStatus(value ?? status)}
          allowDeselect={false}
          data={STATUSES.map((value) => ({ value, label: t(`clauses.statuses.${value}`) }))}
        />
        <TextInput label={t('clauses.owner')} value={owner} onChange={(e) => setOwner(e.currentTarget.value)} />
        <Textarea label={t('clauses.notes')} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} autosize minRows={2} />
        <Text fw={600} size="sm">
          {t('clauses.evidence')}
        </Text>
        {[...candidates, ...uploaded].length === 0 ? <Text size="sm">{t('clauses.noCandidate')}</Text> : null}
        {[...candidates, ...uploaded].map((evidence) => (
          <Checkbox
            key={key(evidence)}
            label={`${t(`clauses.evidenceTypes.${evidence.type}`)}: ${evidence.label}`}
            checked={chosen.some((item) => key(item) === key(evidence))}
            onChange={(e) => toggle(evidence, e.currentTarget.checked)}
          />
        ))}
        <Group>
          <FileButton onChange={(file) => file && upload.mutate(file)}>
            {(props) => (
              <Button {...props} variant="default" size="compact-sm" loading={upload.isPending}>
                {t('clauses.upload')}
              </Button>
            )}
          </FileButton>
        </Group>
        {(save.error ?? upload.error) ? (
          <Alert color="red" role="alert">
            {errorSentence(save.error ?? upload.error, t)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('clauses.cancel')}
          </Button>
          <Button loading={save.isPending} onClick={() => save.mutate()}>
            {t('clauses.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
