// Management reviews (ISO 22301 9.3) as named commands: create one (its agenda generated from the programme's state
// since the previous review), refresh the agenda while it is open, keep attendees and minutes per agenda item, record
// decisions (each becomes a corrective action with source `review`), and close it with a signature. A closed review
// is final. `managementReviewPack` gives the report pack everything in one call.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { programmeHealth, reviewAgenda } from '../engine/assurance.js';
import { RempartError } from '../errors.js';
import { AGENDA_KEYS, AGENDA_TITLES, type ReviewChange, type ReviewCreation, type ReviewDecision } from '../model/assurance.js';
import type { ManagementReviewView } from '../model/contract/assurance.js';
import { CorrectiveActionRepository } from '../store/corrective-action-repository.js';
import { ManagementReviewRepository, type ReviewRecord } from '../store/management-review-repository.js';
import type { Database } from '../store/schema.js';
import { recordAudit } from './audit.js';
import { insertCorrectiveAction, presentCorrectiveActions } from './corrective-actions.js';
import { programmeState } from './programme-state.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function reviewNotFound(id: string): RempartError {
  return new RempartError('not_found', `No management review with id "${id}".`, [{ path: 'review', rule: 'exists', value: id, message: 'no such review' }]);
}

function closedReview(review: ReviewRecord): RempartError {
  return new RempartError('conflict', 'The review is closed and signed: it is final.', [
    { path: 'status', rule: 'open', value: review.status, message: `signed by ${review.signature}` },
  ]);
}

export function presentReviewSummary(review: ReviewRecord) {
  return {
    id: review.id,
    title: review.title,
    heldOn: review.heldOn,
    since: review.since,
    status: review.status,
    createdBy: review.createdBy,
    createdAt: review.createdAt.toISOString(),
    closedAt: review.closedAt?.toISOString() ?? null,
    closedBy: review.closedBy,
    signature: review.signature,
  };
}

export async function listManagementReviews(db: Kysely<Database>, orgId: string) {
  return (await new ManagementReviewRepository(db).list(orgId)).map(presentReviewSummary);
}

export async function getManagementReview(db: Kysely<Database>, orgId: string, id: string): Promise<ReviewRecord> {
  const review = UUID.test(id) ? await new ManagementReviewRepository(db).get(orgId, id) : undefined;
  if (!review) throw reviewNotFound(id);
  return review;
}

/** A review with its agenda (and the minutes of each item), attendees and decisions. */
export async function managementReviewView(db: Kysely<Database>, orgId: string, review: ReviewRecord, now = new Date()): Promise<ManagementReviewView> {
  const decisions = await new CorrectiveActionRepository(db).list(orgId, { sourceKind: 'review', sourceId: review.id }, { offset: 0, limit: 500 });
  return {
    ...presentReviewSummary(review),
    attendees: review.attendees,
    agenda: review.agenda.map((item) => ({ ...item, minutes: review.minutes[item.key] ?? null })),
    decisions: await presentCorrectiveActions(db, orgId, decisions.items, now),
  };
}

/**
 * Everything the management-review pack prints, in one call: the review with its agenda, minutes, attendees and
 * decisions, the agenda items' titles in both languages, and the programme's health at the time of reading.
 */
export async function managementReviewPack(db: Kysely<Database>, orgId: string, id: string, now = new Date()) {
  const review = await getManagementReview(db, orgId, id);
  const [view, state] = await Promise.all([managementReviewView(db, orgId, review, now), programmeState(db, orgId, { since: review.since, now })]);
  return { review: view, titles: AGENDA_TITLES, health: programmeHealth(state) };
}

async function agendaFor(db: Kysely<Database>, orgId: string, heldOn: string, reviewId: string | undefined, now: Date) {
  const previous = await new ManagementReviewRepository(db).previous(orgId, heldOn, reviewId);
  const since = previous?.heldOn ?? null;
  return { since, agenda: reviewAgenda(await programmeState(db, orgId, { since, excludeReview: reviewId, now })) };
}

export async function createManagementReview(
  db: Kysely<Database>,
  orgId: string,
  body: ReviewCreation,
  actor: { label: string },
  now = new Date(),
): Promise<string> {
  const id = randomUUID();
  const { since, agenda } = await agendaFor(db, orgId, body.heldOn, undefined, now);
  await db.transaction().execute(async (trx) => {
    await new ManagementReviewRepository(trx).insert(
      orgId,
      { id, title: body.title, heldOn: body.heldOn, since, attendees: body.attendees, agenda, createdBy: actor.label },
      now,
    );
    await recordAudit(trx, { org: orgId, action: 'create', entityType: 'managementReview', entityId: id, after: { ...body, since, agenda } }, now);
  });
  return id;
}

/** Draws the agenda again from the programme's state as it is now (an open review only; the minutes are kept). */
export async function refreshAgenda(db: Kysely<Database>, orgId: string, id: string, now = new Date()): Promise<void> {
  const current = await getManagementReview(db, orgId, id);
  const { since, agenda } = await agendaFor(db, orgId, current.heldOn, id, now);
  await db.transaction().execute(async (trx) => {
    const repository = new ManagementReviewRepository(trx);
    const review = await repository.get(orgId, id, { lock: true });
    if (!review) throw reviewNotFound(id);
    if (review.status === 'closed') throw closedReview(review);
    await repository.update(orgId, id, { agenda }, now);
    await recordAudit(
      trx,
      { org: orgId, action: 'refresh', entityType: 'managementReview', entityId: id, before: { since: review.since }, after: { since, agenda } },
      now,
    );
  });
}

export async function changeManagementReview(db: Kysely<Database>, orgId: string, id: string, change: ReviewChange, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const repository = new ManagementReviewRepository(trx);
    const review = UUID.test(id) ? await repository.get(orgId, id, { lock: true }) : undefined;
    if (!review) throw reviewNotFound(id);
    if (review.status === 'closed') throw closedReview(review);
    let minutes: Record<string, string> | undefined;
    if (change.minutes) {
      minutes = { ...review.minutes };
      for (const key of AGENDA_KEYS) {
        const text = change.minutes[key];
        if (text === undefined) continue;
        if (text === null || text === '') delete minutes[key];
        else minutes[key] = text;
      }
    }
    await repository.update(orgId, id, { title: change.title, heldOn: change.heldOn, attendees: change.attendees, minutes }, now);
    const after = (await repository.get(orgId, id))!;
    await recordAudit(
      trx,
      {
        org: orgId,
        action: 'update',
        entityType: 'managementReview',
        entityId: id,
        before: { title: review.title, heldOn: review.heldOn, attendees: review.attendees, minutes: review.minutes },
        after: { title: after.title, heldOn: after.heldOn, attendees: after.attendees, minutes: after.minutes },
      },
      now,
    );
  });
}

/** A decision of the review: a corrective action sourced to it (an improvement unless said otherwise). */
export async function addReviewDecision(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  decision: ReviewDecision,
  actor: { label: string },
  now = new Date(),
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const review = UUID.test(id) ? await new ManagementReviewRepository(trx).get(orgId, id, { lock: true }) : undefined;
    if (!review) throw reviewNotFound(id);
    if (review.status === 'closed') throw closedReview(review);
    const item = decision.agendaItem ? `${AGENDA_TITLES[decision.agendaItem].en}: ` : '';
    return insertCorrectiveAction(
      trx,
      orgId,
      {
        kind: decision.kind,
        sourceKind: 'review',
        sourceId: id,
        incident: null,
        lesson: decision.agendaItem ? `${item}${review.title}`.slice(0, 400) : null,
        title: decision.title,
        description: decision.description,
        owner: decision.owner ?? null,
        due: decision.due ?? null,
        createdBy: actor.label,
      },
      now,
    );
  });
}

/** Closes and signs the review: its agenda, minutes and decisions are then final. */
export async function closeManagementReview(db: Kysely<Database>, orgId: string, id: string, signature: string, actor: { label: string }, now = new Date()) {
  await db.transaction().execute(async (trx) => {
    const repository = new ManagementReviewRepository(trx);
    const review = UUID.test(id) ? await repository.get(orgId, id, { lock: true }) : undefined;
    if (!review) throw reviewNotFound(id);
    if (review.status === 'closed') throw closedReview(review);
    await repository.update(orgId, id, { status: 'closed', closedAt: now, closedBy: actor.label, signature }, now);
    await recordAudit(trx, { org: orgId, action: 'close', entityType: 'managementReview', entityId: id, after: { signature, closedBy: actor.label } }, now);
  });
}
