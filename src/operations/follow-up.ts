// The follow-up queue: people who answered "need help", or stayed unreached after an alert's last wave, become cases
// that follow-up volunteers claim, call, note and close; so do the questions the assistant could not answer, handed
// over with the person's consent. Notes (the volunteers', and the notes people wrote with
// their check-ins) may be health data: read only through `followUpNotes`, each read audited, and purged a number of
// days after the incident closes.
import { sql, type Kysely, type Transaction } from 'kysely';
import { RempartError } from '../errors.js';
import type { CheckinStatus } from '../model/alert.js';
import type { FollowUpCaseView } from '../model/contract/alerts.js';
import type { QuestionCaseView } from '../model/contract/assistant.js';
import type { Database } from '../store/schema.js';
import { recordAudit, recordChain } from './audit.js';
import { publishLiveEvent } from '../store/live-events.js';

export interface FollowUpActor {
  id: string;
  label: string;
}

interface CaseRow {
  id: string;
  incident_id: string;
  person_id: string;
  name: string | null;
  email: string | null;
  mobile: string | null;
  language: string | null;
  site: string | null;
  reason: 'need_help' | 'unreached';
  status: 'open' | 'claimed' | 'closed';
  claimed_by: string | null;
  claimed_by_label: string | null;
  claimed_at: Date | null;
  closed_at: Date | null;
  outcome: FollowUpCaseView['outcome'];
  created_at: Date;
  last_status: CheckinStatus | null;
  last_at: Date | null;
  notes: string;
}

const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);

function present(row: CaseRow): FollowUpCaseView & { claimedById: string | null } {
  return {
    id: row.id,
    incident: row.incident_id,
    person: { id: row.person_id, name: row.name, email: row.email, mobile: row.mobile, language: row.language ?? 'en', site: row.site },
    reason: row.reason,
    status: row.status,
    claimedBy: row.claimed_by_label,
    claimedById: row.claimed_by,
    claimedAt: iso(row.claimed_at),
    closedAt: iso(row.closed_at),
    outcome: row.outcome,
    lastAnswer: row.last_status ? { status: row.last_status, at: iso(row.last_at)! } : null,
    notes: Number(row.notes),
    createdAt: iso(row.created_at)!,
  };
}

function caseNotFound(id: string): RempartError {
  return new RempartError('not_found', `No follow-up case with id "${id}" in this incident.`, [
    { path: 'case', rule: 'exists', value: id, message: 'no such case' },
  ]);
}

/** The cases of an incident, those needing help first, then the oldest; with the person's contact details. */
export async function listCases(
  db: Kysely<Database>,
  org: string,
  incident: string,
  filter: { status?: 'open' | 'claimed' | 'closed'; id?: string } = {},
): Promise<Array<FollowUpCaseView & { claimedById: string | null }>> {
  const { rows } = await sql<CaseRow>`
    select c.id, c.incident_id, c.person_id, p.name, p.email, p.mobile, p.language, p.site, c.reason, c.status, c.claimed_by,
      c.claimed_by_label, c.claimed_at, c.closed_at, c.outcome, c.created_at, last.status as last_status, last.at as last_at,
      (select count(*) from follow_up_notes n where n.org_id = c.org_id and n.case_id = c.id) as notes
    from follow_up_cases c
    left join people p on p.org_id = c.org_id and p.id = c.person_id
    left join lateral (
      select status, answered_at as at from alert_recipients r
      where r.org_id = c.org_id and r.incident_id = c.incident_id and r.person_id = c.person_id and r.status is not null
      order by answered_at desc limit 1
    ) last on true
    where c.org_id = ${org} and c.incident_id = ${incident}
      ${filter.status ? sql`and c.status = ${filter.status}` : sql``}
      ${filter.id ? sql`and c.id = ${filter.id}` : sql``}
    order by c.status = 'closed', c.reason <> 'need_help', c.created_at, c.id
    limit 5000`.execute(db);
  return rows.map(present);
}

async function oneCase(db: Kysely<Database>, org: string, incident: string, id: string) {
  const [found] = await listCases(db, org, incident, { id });
  if (!found) throw caseNotFound(id);
  return found;
}

type CaseChange = { action: 'claim' | 'release' | 'close'; outcome?: FollowUpCaseView['outcome'] };

/** Claims, releases or closes a case whose row the transaction locked; a closed case, or one claimed by someone else, is a 409. */
async function moveCase(
  trx: Transaction<Database>,
  org: string,
  id: string,
  current: { status: string; claimed_by: string | null; claimed_by_label: string | null } | undefined,
  change: CaseChange,
  actor: FollowUpActor,
): Promise<void> {
  if (!current) throw caseNotFound(id);
  const conflict = (message: string) =>
    new RempartError('conflict', message, [{ path: 'case', rule: current.status, value: current.claimed_by_label, message }]);
  if (current.status === 'closed') throw conflict('The case is closed.');
  if (current.status === 'claimed' && current.claimed_by !== actor.id && change.action !== 'release')
    throw conflict(`The case is claimed by ${current.claimed_by_label}.`);
  if (change.action === 'claim')
    await sql`update follow_up_cases set status = 'claimed', claimed_by = ${actor.id}, claimed_by_label = ${actor.label}, claimed_at = now(), updated_at = now()
      where org_id = ${org} and id = ${id}`.execute(trx);
  else if (change.action === 'release')
    await sql`update follow_up_cases set status = 'open', claimed_by = null, claimed_by_label = null, claimed_at = null, updated_at = now()
      where org_id = ${org} and id = ${id}`.execute(trx);
  else
    await sql`update follow_up_cases set status = 'closed', outcome = ${change.outcome ?? 'reached'}, closed_at = now(), updated_at = now()
      where org_id = ${org} and id = ${id}`.execute(trx);
}

/** Claims, releases or closes a case. A case claimed by someone else is theirs until released (409). */
export async function changeCase(
  db: Kysely<Database>,
  org: string,
  incident: string,
  id: string,
  change: { action: 'claim' | 'release' | 'close'; outcome?: FollowUpCaseView['outcome'] },
  actor: FollowUpActor,
): Promise<FollowUpCaseView & { claimedById: string | null }> {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ status: string; claimed_by: string | null; claimed_by_label: string | null }>`
      select status, claimed_by, claimed_by_label from follow_up_cases where org_id = ${org} and incident_id = ${incident} and id = ${id} for update`.execute(
      trx,
    );
    await moveCase(trx, org, id, rows[0], change, actor);
    await publishLiveEvent(trx, { org, topic: `incident:${incident}`, type: 'follow-up', data: { case: id, action: change.action } });
    await recordAudit(trx, {
      org,
      chain: recordChain(org, 'incident', incident),
      action: `follow_up_${change.action}`,
      entityType: 'followUpCase',
      entityId: id,
      after: { action: change.action, outcome: change.outcome },
    });
  });
  return oneCase(db, org, incident, id);
}

/** The notes of a case (the volunteers', then the person's own check-in notes), each read recorded in the audit trail. */
export async function readNotes(
  db: Kysely<Database>,
  org: string,
  incident: string,
  id: string,
): Promise<{ case: string; items: Array<{ id: string; text: string; author: string; at: string }> }> {
  const found = await oneCase(db, org, incident, id);
  const { rows } = await sql<{ id: string; text: string; author: string; at: Date }>`
    select 'n' || n.id as id, n.text, n.author, n.at from follow_up_notes n where n.org_id = ${org} and n.case_id = ${id}
    union all
    select 'c' || k.id, k.note, 'check-in', k.at from checkins k
    where k.org_id = ${org} and k.incident_id = ${incident} and k.person_id = ${found.person.id} and k.note is not null
    order by at, id`.execute(db);
  await db.transaction().execute((trx) =>
    recordAudit(trx, {
      org,
      chain: recordChain(org, 'incident', incident),
      action: 'read_notes',
      entityType: 'followUpCase',
      entityId: id,
      after: { notes: rows.length },
    }),
  );
  return { case: id, items: rows.map((row) => ({ id: row.id, text: row.text, author: row.author, at: new Date(row.at).toISOString() })) };
}

/** Adds a note to a case (recorded in the audit trail without its text). */
export async function addNote(db: Kysely<Database>, org: string, incident: string, id: string, text: string, actor: FollowUpActor): Promise<void> {
  await oneCase(db, org, incident, id);
  await db.transaction().execute(async (trx) => {
    await sql`insert into follow_up_notes (org_id, case_id, text, author_id, author) values (${org}, ${id}, ${text}, ${actor.id}, ${actor.label})`.execute(trx);
    await recordAudit(trx, {
      org,
      chain: recordChain(org, 'incident', incident),
      action: 'add_note',
      entityType: 'followUpCase',
      entityId: id,
      after: { length: text.length },
    });
  });
}

/**
 * Deletes the notes of incidents closed more than `days` days ago: the volunteers' notes, and the notes people wrote
 * with their check-ins (the answers themselves are kept). Returns how many were purged.
 */
export async function purgeNotes(db: Kysely<Database>, days: number): Promise<number> {
  const notes = await sql`
    delete from follow_up_notes n using follow_up_cases c, incidents i
    where c.org_id = n.org_id and c.id = n.case_id and i.org_id = c.org_id and i.id = c.incident_id
      and i.closed_at is not null and i.closed_at < now() - make_interval(days => ${days})`.execute(db);
  const checkins = await sql`
    update checkins k set note = null from incidents i
    where i.org_id = k.org_id and i.id = k.incident_id and k.note is not null
      and i.closed_at is not null and i.closed_at < now() - make_interval(days => ${days})`.execute(db);
  return Number(notes.numAffectedRows ?? 0n) + Number(checkins.numAffectedRows ?? 0n);
}

// ——— Questions handed over by the assistant ———

interface QuestionRow {
  id: string;
  question: string;
  contact: string;
  requester: 'staff' | 'public';
  language: string;
  consented_at: Date;
  status: 'open' | 'claimed' | 'closed';
  claimed_by: string | null;
  claimed_by_label: string | null;
  closed_at: Date | null;
  outcome: FollowUpCaseView['outcome'];
  created_at: Date;
}

export type QuestionCase = Omit<QuestionCaseView, 'abilities'> & { claimedById: string | null };

/** The questions the assistant handed over with the person's consent: open ones first, then the oldest. */
export async function listQuestionCases(
  db: Kysely<Database>,
  org: string,
  filter: { status?: 'open' | 'claimed' | 'closed'; id?: string } = {},
): Promise<QuestionCase[]> {
  const { rows } = await sql<QuestionRow>`
    select id, question, contact, requester, language, consented_at, status, claimed_by, claimed_by_label, closed_at, outcome, created_at
    from follow_up_cases
    where org_id = ${org} and reason = 'question'
      ${filter.status ? sql`and status = ${filter.status}` : sql``}
      ${filter.id ? sql`and id = ${filter.id}` : sql``}
    order by status = 'closed', created_at, id
    limit 5000`.execute(db);
  return rows.map((row) => ({
    id: row.id,
    question: row.question,
    contact: row.contact,
    requester: row.requester,
    language: row.language,
    consentedAt: iso(row.consented_at)!,
    status: row.status,
    claimedBy: row.claimed_by_label,
    claimedById: row.claimed_by,
    closedAt: iso(row.closed_at),
    outcome: row.outcome,
    createdAt: iso(row.created_at)!,
  }));
}

/** Claims, releases or closes a handed-over question, as `changeCase` does an incident's case. */
export async function changeQuestionCase(
  db: Kysely<Database>,
  org: string,
  id: string,
  change: { action: 'claim' | 'release' | 'close'; outcome?: FollowUpCaseView['outcome'] },
  actor: FollowUpActor,
): Promise<QuestionCase> {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ status: string; claimed_by: string | null; claimed_by_label: string | null }>`
      select status, claimed_by, claimed_by_label from follow_up_cases where org_id = ${org} and reason = 'question' and id = ${id} for update`.execute(trx);
    await moveCase(trx, org, id, rows[0], change, actor);
    await recordAudit(trx, {
      org,
      chain: recordChain(org, 'follow-up', 'questions'),
      action: `follow_up_${change.action}`,
      entityType: 'followUpCase',
      entityId: id,
      after: { action: change.action, outcome: change.outcome },
    });
  });
  const [found] = await listQuestionCases(db, org, { id });
  return found;
}
