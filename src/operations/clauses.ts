// The ISO 22301 clause tracker as named commands: each clause's status, owner, notes and evidence (Rempart records or
// uploaded files), the records Rempart holds that could serve as evidence (suggested, not linked until someone says
// so), and the gap report. A clause nobody has touched is "not started".
import type { Kysely } from 'kysely';
import { clauseGaps } from '../engine/assurance.js';
import { RempartError } from '../errors.js';
import { CLAUSE_STATUSES, type ClauseChange, type EvidenceLink, type EvidenceType } from '../model/assurance.js';
import type { ClauseView } from '../model/contract/assurance.js';
import { CLAUSE_IDS, ISO22301_CLAUSES } from '../model/iso22301.js';
import type { Problem } from '../model/problem.js';
import { BiaCampaignRepository } from '../store/bia-campaign-repository.js';
import { DatabaseBlobStore } from '../store/blob-store.js';
import { ClauseRepository, type ClauseRecord } from '../store/clause-repository.js';
import { CorrectiveActionRepository } from '../store/corrective-action-repository.js';
import { ExerciseRepository } from '../store/exercise-repository.js';
import { ManagementReviewRepository } from '../store/management-review-repository.js';
import { PlanRepository } from '../store/plan-repository.js';
import { RiskRepository } from '../store/risk-repository.js';
import type { Database } from '../store/schema.js';
import { TrainingRepository } from '../store/training-repository.js';
import { recordAudit } from './audit.js';

type Evidence = ClauseView['evidence'][number];

/** How many records of a type are suggested per clause: the latest ones. */
const SUGGESTED_PER_TYPE = 3;

export function clauseNotFound(id: string): RempartError {
  return new RempartError('not_found', `No ISO 22301 clause "${id}" in the tracker.`, [
    { path: 'clause', rule: 'exists', value: id, message: `one of ${[...CLAUSE_IDS].join(', ')}` },
  ]);
}

/**
 * The records that can serve as evidence, per type, latest first, with their labels: approved BIA campaigns, the
 * risk register (as a whole), approved plans, completed exercises, training campaigns, closed reviews and verified
 * corrective actions. `all` also lists those that do not count yet (to name any record already linked).
 */
async function evidenceCatalogue(db: Kysely<Database>, orgId: string) {
  const [campaigns, risks, plans, exercises, training, reviews, actions] = await Promise.all([
    new BiaCampaignRepository(db).list(orgId),
    new RiskRepository(db).allRisks(orgId),
    new PlanRepository(db).list(orgId),
    new ExerciseRepository(db).list(orgId),
    new TrainingRepository(db).list(orgId),
    new ManagementReviewRepository(db).list(orgId),
    new CorrectiveActionRepository(db).list(orgId, {}, { offset: 0, limit: 10_000 }),
  ]);
  const all = new Map<string, Evidence & { counts: boolean }>();
  const add = (type: EvidenceType, id: string | null, label: string, counts: boolean) => all.set(`${type}:${id ?? ''}`, { type, id, label, counts });
  for (const campaign of campaigns) add('biaCampaign', campaign.id, `BIA v${campaign.version} — ${campaign.title}`, campaign.status === 'approved');
  if (risks.length) add('riskRegister', null, `${risks.length} risk(s)`, true);
  for (const plan of plans) add('plan', plan.id, (plan.approval ?? plan.latest).content.title, plan.approvedVersion !== null);
  for (const exercise of exercises.sort((a, b) => b.scheduledAt.getTime() - a.scheduledAt.getTime()))
    add('exercise', exercise.id, exercise.title, exercise.status === 'completed');
  for (const campaign of training) add('trainingCampaign', campaign.id, campaign.title, true);
  for (const review of reviews) add('managementReview', review.id, review.title, review.status === 'closed');
  for (const action of actions.items) add('correctiveAction', action.id, action.title, action.status === 'verified');
  return all;
}

function presentClause(definition: (typeof ISO22301_CLAUSES)[number], record: ClauseRecord | undefined, linked: Evidence[], suggested: Evidence[]): ClauseView {
  return {
    id: definition.id,
    parent: definition.parent,
    title: definition.title,
    description: definition.description,
    status: record?.status ?? 'notStarted',
    owner: record?.owner ?? null,
    notes: record?.notes ?? null,
    evidence: linked,
    suggested,
    updatedBy: record?.updatedBy ?? null,
    updatedAt: record?.updatedAt.toISOString() ?? null,
  };
}

/** Every clause with its status, evidence (with labels) and suggestions, and the counts per status. */
export async function listClauses(db: Kysely<Database>, orgId: string) {
  const [records, catalogue] = await Promise.all([new ClauseRepository(db).all(orgId), evidenceCatalogue(db, orgId)]);
  const fileIds = [...records.values()].flatMap((record) => record.evidence.filter((e) => e.type === 'file').map((e) => e.id!));
  const store = new DatabaseBlobStore(db);
  const files = new Map((await Promise.all(fileIds.map((id) => store.get(orgId, id)))).filter((file) => !!file).map((file) => [file!.id, file!.name]));
  const items = ISO22301_CLAUSES.map((definition) => {
    const record = records.get(definition.id);
    const linked = (record?.evidence ?? []).map((link): Evidence => {
      if (link.type === 'file') return { type: 'file', id: link.id!, label: files.get(link.id!) ?? '(removed file)' };
      const found = catalogue.get(`${link.type}:${link.id ?? ''}`);
      return { type: link.type, id: link.id ?? null, label: found?.label ?? '(removed record)' };
    });
    const keys = new Set(linked.map((e) => `${e.type}:${e.id ?? ''}`));
    const suggested = definition.evidence.flatMap((type) =>
      [...catalogue.values()]
        .filter((entry) => entry.type === type && entry.counts && !keys.has(`${entry.type}:${entry.id ?? ''}`))
        .slice(0, SUGGESTED_PER_TYPE)
        .map(({ type: t, id, label }) => ({ type: t, id, label })),
    );
    return presentClause(definition, record, linked, suggested);
  });
  const counts = Object.fromEntries(CLAUSE_STATUSES.map((status) => [status, items.filter((item) => item.status === status).length])) as Record<
    (typeof CLAUSE_STATUSES)[number],
    number
  >;
  return { items, counts };
}

/** Sets a clause's status, owner, notes and evidence; every linked record or file must exist in the organisation. */
export async function setClause(db: Kysely<Database>, orgId: string, clause: string, change: ClauseChange, actor: { label: string }, now = new Date()) {
  if (!CLAUSE_IDS.has(clause)) throw clauseNotFound(clause);
  const catalogue = await evidenceCatalogue(db, orgId);
  const store = new DatabaseBlobStore(db);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const [i, link] of change.evidence.entries()) {
    const key = `${link.type}:${link.id ?? ''}`;
    if (seen.has(key)) problems.push({ path: `body.evidence[${i}]`, rule: 'unique', value: link, message: 'listed twice' });
    seen.add(key);
    if (link.type === 'riskRegister') {
      if (link.id !== undefined)
        problems.push({ path: `body.evidence[${i}].id`, rule: 'no_id', value: link.id, message: 'the risk register is linked as a whole' });
      else if (!catalogue.has('riskRegister:'))
        problems.push({ path: `body.evidence[${i}]`, rule: 'unknown_reference', value: link, message: 'the risk register is empty' });
      continue;
    }
    if (!link.id) {
      problems.push({ path: `body.evidence[${i}].id`, rule: 'required', value: null, message: `the ${link.type}'s id` });
      continue;
    }
    const exists = link.type === 'file' ? /^[0-9a-f-]{36}$/i.test(link.id) && (await store.get(orgId, link.id)) !== undefined : catalogue.has(key);
    if (!exists)
      problems.push({ path: `body.evidence[${i}].id`, rule: 'unknown_reference', value: link.id, message: `no ${link.type} "${link.id}" in the organisation` });
  }
  if (problems.length) throw new RempartError('invalid_reference', `The evidence names ${problems.length} unknown or repeated item(s).`, problems);
  const evidence: EvidenceLink[] = change.evidence.map((link) => (link.id === undefined ? { type: link.type } : { type: link.type, id: link.id }));
  await db.transaction().execute(async (trx) => {
    const repository = new ClauseRepository(trx);
    const before = await repository.get(orgId, clause, { lock: true });
    const after = { clause, status: change.status, owner: change.owner ?? null, notes: change.notes ?? null, evidence, updatedBy: actor.label };
    await repository.put(orgId, after, now);
    await recordAudit(trx, { org: orgId, action: 'update', entityType: 'clause', entityId: clause, before: before ?? null, after }, now);
  });
}

/** The gap report: clauses not implemented, or without evidence or owner, with counts of applicable and implemented. */
export async function clauseGapReport(db: Kysely<Database>, orgId: string, now = new Date()) {
  const { items } = await listClauses(db, orgId);
  const byId = new Map(items.map((item) => [item.id, item]));
  const applicable = items.filter((item) => item.status !== 'notApplicable');
  return {
    generatedAt: now.toISOString(),
    applicable: applicable.length,
    implemented: applicable.filter((item) => item.status === 'implemented').length,
    gaps: clauseGaps(items.map((item) => ({ id: item.id, status: item.status, owner: item.owner, evidence: item.evidence.length }))).map((gap) => ({
      ...gap,
      title: byId.get(gap.clause)!.title,
      owner: byId.get(gap.clause)!.owner,
    })),
  };
}
