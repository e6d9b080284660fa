// Continuity plans as named commands: write (each change of an approved plan opens a new version), submit for review,
// approve (by someone other than the author, recorded), send back, archive, delete; diff two versions; shipped
// templates; the demo organisation's approved plans. Every change is audited in its transaction.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import { RempartError } from '../errors.js';
import type { OrganisationModel } from '../model/organisation.js';
import { PlanTemplate, type PlanContent, type PlanStatus } from '../model/plan.js';
import { problemsFromZod, type Problem } from '../model/problem.js';
import type { PlanDiff, PlanValidation, PlanVersionView, PlanView } from '../model/contract/plans.js';
import { DATA_DIR } from '../paths.js';
import { ModelRepository } from '../store/model-repository.js';
import { PlanRepository, type PlanRecord, type PlanVersionRecord } from '../store/plan-repository.js';
import type { Database } from '../store/schema.js';
import { recordAudit } from './audit.js';
import { enqueueJob } from './jobs/queue.js';
import { exportModel } from './model-writer.js';

/** Who acts on a plan: the person (their user id, also behind a token) and the label the records show. */
export interface PlanActor {
  id: string | null;
  label: string;
}

/** The job kind that reminds of a plan's review date. */
export const PLAN_REVIEW_JOB = 'plans.review-reminder';
/** Reminders come this many days before the review date. */
export const REVIEW_NOTICE_DAYS = 30;

export function planNotFound(planId: string): RempartError {
  return new RempartError('not_found', `No plan with id "${planId}".`, [{ path: 'id', rule: 'exists', value: planId, message: `no plan "${planId}"` }]);
}

function conflict(message: string, path: string, rule: string, value: unknown): RempartError {
  return new RempartError('conflict', message, [{ path, rule, value, message }]);
}

// ---------------------------------------------------------------------------------------------------------------------
// Templates

let templates: Promise<PlanTemplate[]> | undefined;

/** The shipped templates (data/plans), validated once per process. */
export function planTemplates(): Promise<PlanTemplate[]> {
  templates ??= (async () => {
    const folder = join(DATA_DIR, 'plans');
    const files = (await readdir(folder)).filter((file) => file.endsWith('.json')).sort();
    return Promise.all(
      files.map(async (file) => {
        const json = JSON.parse(await readFile(join(folder, file), 'utf8'));
        const parsed = PlanTemplate.safeParse(json);
        if (!parsed.success)
          throw new Error(
            `data/plans/${file} is invalid: ${problemsFromZod(parsed.error, json)
              .map((p) => `${p.path} ${p.message}`)
              .join('; ')}`,
          );
        return parsed.data;
      }),
    );
  })();
  return templates;
}

/** A template's content as a plan's (without its id and description). */
export function templateContent(template: PlanTemplate): PlanContent {
  const { id, description: _description, descriptions: _descriptions, ...content } = template;
  return { ...content, template: id };
}

// ---------------------------------------------------------------------------------------------------------------------
// References

/** Every reference of a plan that names nothing: activities, sites, strategies, scenarios, its own teams, files. */
export async function planProblems(db: Kysely<Database> | Transaction<Database>, orgId: string, content: PlanContent, model?: OrganisationModel) {
  const known = model ?? (await exportModel(db as Kysely<Database>, orgId));
  const problems: Problem[] = [];
  const check = (ids: readonly string[], set: Set<string>, path: string, what: string) =>
    ids.forEach((id, i) => {
      if (!set.has(id)) problems.push({ path: `${path}[${i}]`, rule: 'unknown_reference', value: id, message: `no ${what} "${id}" in the organisation` });
    });
  check(content.scope.activities, new Set(known.activities.map((a) => a.id)), 'scope.activities', 'activity');
  check(content.scope.sites, new Set(known.sites.map((s) => s.id)), 'scope.sites', 'site');
  const strategies = new Set(known.strategies.map((s) => s.id));
  const teams = new Set<string>();
  content.teams.forEach((team, i) => {
    if (teams.has(team.id)) problems.push({ path: `teams[${i}].id`, rule: 'duplicate_id', value: team.id, message: 'a team id appears twice' });
    teams.add(team.id);
  });
  const steps = new Set<string>();
  content.steps.forEach((step, i) => {
    if (steps.has(step.id)) problems.push({ path: `steps[${i}].id`, rule: 'duplicate_id', value: step.id, message: 'a step id appears twice' });
    steps.add(step.id);
    if (step.strategy !== undefined && !strategies.has(step.strategy))
      problems.push({ path: `steps[${i}].strategy`, rule: 'unknown_reference', value: step.strategy, message: `no strategy "${step.strategy}" in the model` });
    if (step.team !== undefined && !teams.has(step.team))
      problems.push({ path: `steps[${i}].team`, rule: 'unknown_reference', value: step.team, message: `no team "${step.team}" in the plan` });
  });
  const scenarios = new ModelRepository(db as Kysely<Database>);
  for (const [i, id] of content.scenarios.entries())
    if (!(await scenarios.getEntity(orgId, 'scenarios', id)))
      problems.push({ path: `scenarios[${i}]`, rule: 'unknown_reference', value: id, message: `no scenario "${id}" in the organisation` });
  for (const [i, attachment] of content.attachments.entries()) {
    const found = await db
      .selectFrom('blobs')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', '=', attachment.file)
      .where('completed_at', 'is not', null)
      .executeTakeFirst();
    if (!found) problems.push({ path: `attachments[${i}].file`, rule: 'unknown_reference', value: attachment.file, message: 'no stored file with this id' });
  }
  return problems;
}

async function assertReferences(db: Transaction<Database>, orgId: string, content: PlanContent): Promise<void> {
  const problems = await planProblems(db, orgId, content);
  if (problems.length > 0) throw new RempartError('invalid_reference', `The plan has ${problems.length} problem(s).`, problems);
}

// ---------------------------------------------------------------------------------------------------------------------
// Views

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function presentVersion(record: PlanVersionRecord): PlanVersionView {
  return {
    plan: record.planId,
    version: record.version,
    status: record.status,
    content: record.content,
    author: record.author,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    submittedBy: record.submittedBy,
    submittedAt: iso(record.submittedAt),
    approvedBy: record.approvedBy,
    approvedAt: iso(record.approvedAt),
    archivedAt: iso(record.archivedAt),
    comment: record.comment,
  };
}

export function presentPlan(plan: PlanRecord, today: string = new Date().toISOString().slice(0, 10)): PlanView {
  const latest = plan.latest;
  const approval = plan.approval;
  const reviewDate = (approval ?? latest).content.reviewDate;
  return {
    ...latest.content,
    id: plan.id,
    version: latest.version,
    status: latest.status,
    approvedVersion: plan.approvedVersion,
    author: latest.author,
    createdAt: plan.createdAt.toISOString(),
    updatedAt: plan.updatedAt.toISOString(),
    submittedBy: latest.submittedBy,
    approval:
      approval && approval.approvedAt
        ? { by: approval.approvedBy ?? '', byId: approval.approvedById, at: approval.approvedAt.toISOString(), version: approval.version }
        : null,
    reviewDue: reviewDate !== undefined && reviewDate < today,
    validation: (latest.validation as PlanValidation | null) ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Commands

async function load(db: Transaction<Database>, orgId: string, planId: string): Promise<PlanRecord> {
  const plan = await new PlanRepository(db).get(orgId, planId, { lock: true });
  if (!plan) throw planNotFound(planId);
  return plan;
}

async function organisationExists(db: Kysely<Database> | Transaction<Database>, orgId: string): Promise<void> {
  if (!(await new ModelRepository(db as Kysely<Database>).getOrganisation(orgId)))
    throw new RempartError('not_found', `No organisation with id "${orgId}".`, [{ path: 'id', rule: 'exists', value: orgId, message: 'not found' }]);
}

export async function createPlan(db: Kysely<Database>, orgId: string, planId: string, content: PlanContent, actor: PlanActor, now = new Date()) {
  return db.transaction().execute(async (trx) => {
    await organisationExists(trx, orgId);
    await assertReferences(trx, orgId, content);
    const repository = new PlanRepository(trx);
    if (await repository.get(orgId, planId))
      throw new RempartError('duplicate_id', `The organisation already has a plan with id "${planId}".`, [
        { path: 'id', rule: 'unique', value: planId, message: 'already used' },
      ]);
    await repository.insertPlan(orgId, planId, content, actor, now);
    await recordAudit(trx, { org: orgId, action: 'create', entityType: 'plan', entityId: planId, after: { version: 1, content } }, now);
    return (await repository.get(orgId, planId))!;
  });
}

/**
 * Writes the plan: the latest version while it is a draft; a plan in review must be sent back first (409); an
 * approved or archived latest version stays as it was and the change becomes a new draft version.
 */
export async function updatePlan(db: Kysely<Database>, orgId: string, planId: string, content: PlanContent, actor: PlanActor, now = new Date()) {
  return db.transaction().execute(async (trx) => {
    const plan = await load(trx, orgId, planId);
    await assertReferences(trx, orgId, content);
    const repository = new PlanRepository(trx);
    const latest = plan.latest;
    if (latest.status === 'inReview')
      throw conflict(
        `Version ${latest.version} of the plan is in review: approve it or send it back before changing it.`,
        'status',
        'in_review',
        latest.status,
      );
    if (latest.status === 'draft') await repository.replaceDraft(orgId, planId, latest.version, content, actor, now);
    else await repository.insertVersion(orgId, planId, latest.version + 1, content, actor, now);
    const version = latest.status === 'draft' ? latest.version : latest.version + 1;
    await recordAudit(
      trx,
      {
        org: orgId,
        action: 'update',
        entityType: 'plan',
        entityId: planId,
        before: { version: latest.version, content: latest.content },
        after: { version, content },
      },
      now,
    );
    return (await repository.get(orgId, planId))!;
  });
}

type Transition = 'submit' | 'approve' | 'reject' | 'archive';

const FROM: Record<Transition, PlanStatus[]> = { submit: ['draft'], approve: ['inReview'], reject: ['inReview'], archive: ['approved', 'draft', 'inReview'] };

/** Moves the latest version along the workflow; approval by its author is refused (409, rule `four_eyes`). */
export async function movePlan(
  db: Kysely<Database>,
  orgId: string,
  planId: string,
  transition: Transition,
  actor: PlanActor,
  options: { comment?: string; now?: Date } = {},
) {
  const now = options.now ?? new Date();
  return db.transaction().execute(async (trx) => {
    const plan = await load(trx, orgId, planId);
    const repository = new PlanRepository(trx);
    const latest = plan.latest;
    if (!FROM[transition].includes(latest.status))
      throw conflict(
        `Version ${latest.version} is ${latest.status}: it cannot be ${{ submit: 'submitted', approve: 'approved', reject: 'sent back', archive: 'archived' }[transition]} (only from ${FROM[transition].join(' or ')}).`,
        'status',
        'workflow',
        latest.status,
      );
    if (transition === 'submit') {
      const problems = await planProblems(trx, orgId, latest.content);
      if (problems.length > 0) throw new RempartError('invalid_reference', `The plan has ${problems.length} problem(s) to fix before review.`, problems);
      await repository.setVersionState(orgId, planId, latest.version, { status: 'inReview', submitted_by: actor.label, submitted_at: now, comment: null }, now);
    } else if (transition === 'approve') {
      const sameAuthor = (actor.id !== null && actor.id === latest.authorId) || actor.label === latest.author;
      if (sameAuthor)
        throw new RempartError('conflict', 'A plan is approved by someone other than its author.', [
          { path: 'approver', rule: 'four_eyes', value: actor.label, message: `${latest.author} wrote version ${latest.version}` },
        ]);
      // The approved version is what incidents activate from now on; the one it replaces is archived.
      if (plan.approvedVersion !== null && plan.approvedVersion !== latest.version)
        await repository.setVersionState(orgId, planId, plan.approvedVersion, { status: 'archived', archived_at: now }, now);
      await repository.setVersionState(
        orgId,
        planId,
        latest.version,
        { status: 'approved', approved_by: actor.label, approved_by_id: actor.id, approved_at: now, comment: options.comment ?? null },
        now,
      );
      await repository.setApprovedVersion(orgId, planId, latest.version);
      if (latest.content.reviewDate) {
        const remindAt = new Date(Date.parse(`${latest.content.reviewDate}T08:00:00Z`) - REVIEW_NOTICE_DAYS * 86_400_000);
        await enqueueJob(trx, {
          org: orgId,
          kind: PLAN_REVIEW_JOB,
          payload: { plan: planId, version: latest.version, reviewDate: latest.content.reviewDate },
          runAt: remindAt < now ? now : remindAt,
          idempotencyKey: `${planId}#${latest.version}#${latest.content.reviewDate}`,
        });
      }
    } else if (transition === 'reject') {
      await repository.setVersionState(orgId, planId, latest.version, { status: 'draft', comment: options.comment ?? null }, now);
    } else {
      await repository.setVersionState(orgId, planId, latest.version, { status: 'archived', archived_at: now }, now);
      if (plan.approvedVersion !== null) {
        if (plan.approvedVersion !== latest.version)
          await repository.setVersionState(orgId, planId, plan.approvedVersion, { status: 'archived', archived_at: now }, now);
        await repository.setApprovedVersion(orgId, planId, null);
      }
    }
    const after = (await repository.get(orgId, planId))!;
    await recordAudit(
      trx,
      {
        org: orgId,
        action: transition,
        entityType: 'plan',
        entityId: planId,
        before: { version: latest.version, status: latest.status },
        after: { version: latest.version, status: after.latest.status, by: actor.label, comment: options.comment ?? null },
      },
      now,
    );
    return after;
  });
}

/** Deletes a plan and its versions; refused while an incident keeps the record of its activation (archive it instead). */
export async function deletePlan(db: Kysely<Database>, orgId: string, planId: string, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const plan = await load(trx, orgId, planId);
    const repository = new PlanRepository(trx);
    const incidents = await repository.incidentsActivating(orgId, planId);
    if (incidents.length > 0)
      throw new RempartError(
        'in_use',
        `The plan was activated in ${incidents.length} incident(s): archive it instead.`,
        incidents.map((id) => ({ path: `incidents[${id}]`, rule: 'in_use', value: planId, message: `incident ${id} activated it` })),
      );
    await repository.delete(orgId, planId);
    await recordAudit(trx, { org: orgId, action: 'delete', entityType: 'plan', entityId: planId, before: { version: plan.latestVersion } }, now);
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Diff

/** Lists keyed by `id` are compared item by item by id (`steps[call-suppliers].at`); other lists by position. */
function flatten(value: unknown, path: string, out: Map<string, unknown>): void {
  if (Array.isArray(value)) {
    const keyed = value.length > 0 && value.every((item) => item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string');
    if (value.length === 0) out.set(path, []);
    value.forEach((item, i) => flatten(item, `${path}[${keyed ? (item as { id: string }).id : i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    if (entries.length === 0 && path) out.set(path, {});
    for (const [key, item] of entries) flatten(item, path ? `${path}.${key}` : key, out);
  } else out.set(path, value);
}

/** What changed from one content to another, path by path. */
export function diffContents(before: PlanContent, after: PlanContent): PlanDiff['changes'] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  flatten(before, '', a);
  flatten(after, '', b);
  const changes: PlanDiff['changes'] = [];
  for (const [path, value] of a) {
    if (!b.has(path)) changes.push({ path, change: 'removed', before: value });
    else if (JSON.stringify(b.get(path)) !== JSON.stringify(value)) changes.push({ path, change: 'changed', before: value, after: b.get(path) });
  }
  for (const [path, value] of b) if (!a.has(path)) changes.push({ path, change: 'added', after: value });
  return changes;
}

export async function diffPlan(db: Kysely<Database>, orgId: string, planId: string, from: number, to: number): Promise<PlanDiff> {
  const repository = new PlanRepository(db);
  if (!(await repository.get(orgId, planId))) throw planNotFound(planId);
  const [a, b] = await Promise.all([repository.version(orgId, planId, from), repository.version(orgId, planId, to)]);
  for (const [found, version, field] of [
    [a, from, 'from'],
    [b, to, 'to'],
  ] as const)
    if (!found)
      throw new RempartError('not_found', `The plan has no version ${version}.`, [
        { path: `query.${field}`, rule: 'exists', value: version, message: 'no such version' },
      ]);
  return { plan: planId, from, to, changes: diffContents(a!.content, b!.content) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Demo

/**
 * Gives the organisation one approved plan per shipped template, written by the template and approved by the
 * demo's loader (two different records), with the references its model lacks left out.
 */
export async function installDemoPlans(db: Kysely<Database>, orgId: string, now = new Date()): Promise<number> {
  const model = await exportModel(db, orgId);
  const activities = new Set(model.activities.map((a) => a.id));
  const sites = new Set(model.sites.map((s) => s.id));
  const strategies = new Set(model.strategies.map((s) => s.id));
  const scenarios = new ModelRepository(db);
  let installed = 0;
  for (const template of await planTemplates()) {
    const content = templateContent(template);
    const kept: PlanContent = {
      ...content,
      scope: { activities: content.scope.activities.filter((id) => activities.has(id)), sites: content.scope.sites.filter((id) => sites.has(id)) },
      steps: content.steps.map((step) => (step.strategy && !strategies.has(step.strategy) ? { ...step, strategy: undefined } : step)),
      scenarios: (await Promise.all(content.scenarios.map(async (id) => ((await scenarios.getEntity(orgId, 'scenarios', id)) ? id : undefined)))).filter(
        (id): id is string => id !== undefined,
      ),
    };
    const existing = await new PlanRepository(db).get(orgId, template.id);
    if (existing) continue;
    await createPlan(db, orgId, template.id, kept, { id: null, label: 'rempart (template)' }, now);
    await movePlan(db, orgId, template.id, 'submit', { id: null, label: 'rempart (template)' }, { now });
    await movePlan(db, orgId, template.id, 'approve', { id: null, label: 'rempart (demo)' }, { now, comment: 'Approved with the demo organisation' });
    installed++;
  }
  return installed;
}
