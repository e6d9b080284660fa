// Corrective actions as named commands: raise one (from an incident, an exercise, an audit or a review), follow it
// up (managers change anything; the owner their progress and evidence), verify its effectiveness (someone other
// than the owner: four eyes). Each write locks the action's row and is audited in its transaction.
import type { Kysely, Transaction } from 'kysely';
import { RempartError } from '../errors.js';
import type { CorrectiveActionView } from '../model/contract/corrective-actions.js';
import type {
  ActionSourceKind,
  CorrectiveActionChange,
  CorrectiveActionCreation,
  CorrectiveActionQuery,
  CorrectiveActionVerification,
} from '../model/corrective-action.js';
import type { Problem } from '../model/problem.js';
import {
  CorrectiveActionRepository,
  type CorrectiveActionFields,
  type CorrectiveActionRecord,
  type NewCorrectiveAction,
} from '../store/corrective-action-repository.js';
import { ExerciseRepository } from '../store/exercise-repository.js';
import { IncidentRepository } from '../store/incident-repository.js';
import { ManagementReviewRepository } from '../store/management-review-repository.js';
import type { Database } from '../store/schema.js';
import { recordAudit } from './audit.js';

/** Who acts on an action: their label, whether they manage actions (or only follow their own), and who they are. */
export interface ActionActor {
  id: string | null;
  label: string;
  /** Continuity manager, owner or administrator: changes every field. Otherwise the action's owner. */
  manages: boolean;
  /** Whether the action's free-text owner names this person. */
  owns(owner: string | null): boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Today's date (UTC) as YYYY-MM-DD: what due dates are compared with. */
export function dayOf(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function actionNotFound(id: string): RempartError {
  return new RempartError('not_found', `No corrective action with id "${id}".`, [
    { path: 'action', rule: 'exists', value: id, message: 'no such corrective action' },
  ]);
}

/** Whether the action is late: due before today and not done yet. */
export function isOverdue(action: Pick<CorrectiveActionRecord, 'due' | 'status'>, today: string): boolean {
  return action.due !== null && action.due < today && (action.status === 'open' || action.status === 'inProgress');
}

export function presentCorrectiveAction(action: CorrectiveActionRecord, today: string, labels: Map<string, string> = new Map()): CorrectiveActionView {
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  return {
    id: action.id,
    kind: action.kind,
    source: { kind: action.sourceKind, id: action.sourceId, label: action.sourceId ? (labels.get(action.sourceId) ?? null) : null },
    incident: action.incident,
    lesson: action.lesson,
    title: action.title,
    description: action.description,
    rootCause: action.rootCause,
    owner: action.owner,
    due: action.due,
    status: action.status,
    overdue: isOverdue(action, today),
    evidence: action.evidence,
    doneAt: iso(action.doneAt),
    verification:
      action.verifiedAt && action.verifiedBy !== null && action.verificationEffective !== null
        ? { by: action.verifiedBy, at: action.verifiedAt.toISOString(), effective: action.verificationEffective, note: action.verificationNote }
        : null,
    createdAt: action.createdAt.toISOString(),
    createdBy: action.createdBy,
    updatedAt: action.updatedAt.toISOString(),
  };
}

/** The views of these actions, with their sources' titles. */
export async function presentCorrectiveActions(
  db: Kysely<Database>,
  orgId: string,
  actions: CorrectiveActionRecord[],
  now = new Date(),
): Promise<CorrectiveActionView[]> {
  const ids = (kind: ActionSourceKind) => [
    ...new Set(actions.filter((a) => a.sourceKind === kind && a.sourceId && UUID.test(a.sourceId)).map((a) => a.sourceId!)),
  ];
  const [incidents, exercises, reviews] = await Promise.all([
    new CorrectiveActionRepository(db).incidentTitles(orgId, ids('incident')),
    new ExerciseRepository(db).titles(orgId, ids('exercise')),
    new ManagementReviewRepository(db).titles(orgId, ids('review')),
  ]);
  const labels = new Map([...incidents, ...exercises, ...reviews]);
  return actions.map((action) => presentCorrectiveAction(action, dayOf(now), labels));
}

/** Refuses a source that names nothing: an incident (or exercise) must exist in the organisation. */
async function sourceProblems(
  db: Kysely<Database> | Transaction<Database>,
  orgId: string,
  source: { kind: ActionSourceKind; id?: string },
): Promise<Problem[]> {
  if (source.kind !== 'incident' && source.kind !== 'exercise') return [];
  if (!source.id) return [{ path: 'body.source.id', rule: 'required', value: null, message: `the ${source.kind} the action comes from` }];
  const repository = source.kind === 'incident' ? new IncidentRepository(db) : new ExerciseRepository(db);
  const found = UUID.test(source.id) ? await repository.get(orgId, source.id) : undefined;
  return found
    ? []
    : [{ path: 'body.source.id', rule: 'unknown_reference', value: source.id, message: `no ${source.kind} "${source.id}" in the organisation` }];
}

/** Inserts an action within a caller's transaction (an incident's closure, an exercise's results) and audits it. */
export async function insertCorrectiveAction(trx: Transaction<Database>, orgId: string, action: NewCorrectiveAction, now: Date): Promise<string> {
  const id = await new CorrectiveActionRepository(trx).insert(orgId, action, now);
  await recordAudit(trx, { org: orgId, action: 'create', entityType: 'correctiveAction', entityId: id, after: { ...action, id } }, now);
  return id;
}

/** Raises a corrective action; answers its id. */
export async function createCorrectiveAction(
  db: Kysely<Database>,
  orgId: string,
  body: CorrectiveActionCreation,
  actor: ActionActor,
  now = new Date(),
): Promise<string> {
  const problems = await sourceProblems(db, orgId, body.source);
  if (problems.length) throw new RempartError('invalid_reference', 'The action’s source names nothing in the organisation.', problems);
  return db.transaction().execute((trx) =>
    insertCorrectiveAction(
      trx,
      orgId,
      {
        kind: body.kind,
        sourceKind: body.source.kind,
        sourceId: body.source.id ?? null,
        incident: body.source.kind === 'incident' ? body.source.id! : null,
        lesson: null,
        title: body.title,
        description: body.description,
        rootCause: body.rootCause,
        owner: body.owner ?? null,
        due: body.due ?? null,
        createdBy: actor.label,
      },
      now,
    ),
  );
}

export async function getCorrectiveAction(db: Kysely<Database>, orgId: string, id: string): Promise<CorrectiveActionRecord> {
  const action = await new CorrectiveActionRepository(db).get(orgId, id);
  if (!action) throw actionNotFound(id);
  return action;
}

/** The fields only managers change; an owner changes the status (not to cancelled), the description, root cause and evidence. */
const MANAGED_FIELDS = ['kind', 'title', 'owner', 'due'] as const;

/** Follows an action up. A verified action is final (409); `done` needs no evidence yet, verification does. */
export async function changeCorrectiveAction(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  change: CorrectiveActionChange,
  actor: ActionActor,
  now = new Date(),
): Promise<CorrectiveActionRecord> {
  if (!actor.manages) {
    const problems: Problem[] = MANAGED_FIELDS.filter((field) => change[field] !== undefined).map((field) => ({
      path: `body.${field}`,
      rule: 'managers_only',
      value: change[field] ?? null,
      message: 'only the continuity manager changes this; the owner reports progress, root cause and evidence',
    }));
    if (change.status === 'cancelled')
      problems.push({ path: 'body.status', rule: 'managers_only', value: 'cancelled', message: 'only the continuity manager cancels an action' });
    if (problems.length) throw new RempartError('forbidden', 'An action’s owner reports its progress; the continuity manager changes the rest.', problems);
  }
  return db.transaction().execute(async (trx) => {
    const repository = new CorrectiveActionRepository(trx);
    const before = await repository.get(orgId, id, { lock: true });
    if (!before) throw actionNotFound(id);
    if (before.status === 'verified')
      throw new RempartError('conflict', 'A verified corrective action is final: raise a new one if the problem comes back.', [
        { path: 'status', rule: 'final', value: before.status, message: `verified by ${before.verifiedBy}` },
      ]);
    const fields: CorrectiveActionFields = { ...change };
    if (change.status && change.status !== before.status) fields.doneAt = change.status === 'done' ? now : null;
    await repository.update(orgId, id, fields, now);
    const after = (await repository.get(orgId, id))!;
    await recordAudit(trx, { org: orgId, action: 'update', entityType: 'correctiveAction', entityId: id, before, after }, now);
    return after;
  });
}

/**
 * Verifies that a done action was effective: by someone other than its owner (409, rule `four_eyes`), once it has
 * its evidence. Not effective sends it back to `inProgress`; the verification stays on the record and in the audit.
 */
export async function verifyCorrectiveAction(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  verification: CorrectiveActionVerification,
  actor: ActionActor,
  now = new Date(),
): Promise<CorrectiveActionRecord> {
  return db.transaction().execute(async (trx) => {
    const repository = new CorrectiveActionRepository(trx);
    const before = await repository.get(orgId, id, { lock: true });
    if (!before) throw actionNotFound(id);
    if (before.status !== 'done')
      throw new RempartError('conflict', 'Only a done action is verified.', [
        { path: 'status', rule: 'done_first', value: before.status, message: 'mark it done first' },
      ]);
    if (actor.owns(before.owner))
      throw new RempartError('conflict', 'A corrective action is verified by someone other than its owner.', [
        { path: 'verifier', rule: 'four_eyes', value: actor.label, message: `${before.owner} owns this action` },
      ]);
    if (!before.evidence)
      throw new RempartError('conflict', 'Record the evidence of effectiveness before verifying.', [
        { path: 'evidence', rule: 'evidence_required', value: null, message: 'PATCH the action with its evidence first' },
      ]);
    await repository.update(
      orgId,
      id,
      {
        status: verification.effective ? 'verified' : 'inProgress',
        doneAt: verification.effective ? before.doneAt : null,
        verifiedAt: now,
        verifiedBy: actor.label,
        verifiedById: actor.id,
        verificationEffective: verification.effective,
        verificationNote: verification.note ?? null,
      },
      now,
    );
    const after = (await repository.get(orgId, id))!;
    await recordAudit(trx, { org: orgId, action: 'verify', entityType: 'correctiveAction', entityId: id, before, after }, now);
    return after;
  });
}

/** A page of actions with the filters of the list, and the organisation's counts per status. */
export async function listCorrectiveActions(db: Kysely<Database>, orgId: string, query: CorrectiveActionQuery, now = new Date()) {
  const today = dayOf(now);
  const repository = new CorrectiveActionRepository(db);
  const offset = query.cursor ? Number(query.cursor) : 0;
  const filter = {
    status: query.status,
    kind: query.kind,
    sourceKind: query.source,
    sourceId: query.sourceId,
    incident: query.incident,
    owner: query.owner,
    q: query.q,
    overdue: query.overdue === undefined ? undefined : { today, value: query.overdue },
  };
  const [page, counts] = await Promise.all([repository.list(orgId, filter, { offset, limit: query.limit }), repository.counts(orgId, today)]);
  return {
    items: await presentCorrectiveActions(db, orgId, page.items, now),
    nextCursor: offset + page.items.length < page.total ? String(offset + page.items.length) : null,
    total: page.total,
    today,
    counts,
  };
}
