// Incidents as named commands: declare, change what is known, activate approved plans (their steps become tasks),
// tick tasks, write the crisis log (append-only), update activity statuses, close with a review whose lessons become
// corrective actions. Each write locks its incident's row only, is audited on the incident's own chain and
// published on the topic `incident:<id>` in its transaction; reads build the board, the projection and the review.
import type { Kysely, Transaction } from 'kysely';
import { simulate } from '../engine/simulate.js';
import { RempartError } from '../errors.js';
import type { IncidentReview, IncidentView, LogEntryView, SituationBoard, TaskView } from '../model/contract/incidents.js';
import type { ActivityStatus, IncidentChange, IncidentClosure, IncidentDeclaration } from '../model/incident.js';
import type { OrganisationModel } from '../model/organisation.js';
import type { Problem } from '../model/problem.js';
import type { RoleName as Role } from '../model/roles.js';
import type { Disruption } from '../model/scenario.js';
import { IncidentRepository, type IncidentRecord, type LogRecord } from '../store/incident-repository.js';
import { CorrectiveActionRepository } from '../store/corrective-action-repository.js';
import { publishLiveEvent } from '../store/live-events.js';
import { PlanRepository } from '../store/plan-repository.js';
import type { Database } from '../store/schema.js';
import { recordAudit, recordChain } from './audit.js';
import { insertCorrectiveAction, presentCorrectiveActions } from './corrective-actions.js';
import { exportModel } from './model-writer.js';
import { listThreats } from './risk-register.js';
import { engineRefusal } from './scenarios.js';

const HOUR = 3_600_000;

/** Who acts in an incident: the label the log shows, and what decides who may activate a plan. */
export interface IncidentActor {
  id: string | null;
  label: string;
  roles: readonly Role[];
  /** The person's name in the organisation and e-mail address, matched against a plan's named activators. */
  names: readonly string[];
}

export function incidentNotFound(id: string): RempartError {
  return new RempartError('not_found', `No incident with id "${id}".`, [{ path: 'incident', rule: 'exists', value: id, message: 'no such incident' }]);
}

function closedConflict(incident: IncidentRecord): RempartError {
  return new RempartError('conflict', 'The incident is closed: its record is final.', [
    { path: 'status', rule: 'closed', value: incident.status, message: `closed at ${incident.closedAt?.toISOString()}` },
  ]);
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** Every id of a declaration or change that names nothing in the model or the threat catalogue. */
async function referenceProblems(db: Kysely<Database>, orgId: string, model: OrganisationModel, fields: Partial<IncidentDeclaration>): Promise<Problem[]> {
  const problems: Problem[] = [];
  const check = (ids: readonly string[] | undefined, known: Array<{ id: string }>, path: string, what: string) => {
    const set = new Set(known.map((item) => item.id));
    ids?.forEach((id, i) => {
      if (!set.has(id)) problems.push({ path: `body.${path}[${i}]`, rule: 'unknown_reference', value: id, message: `no ${what} "${id}" in the organisation` });
    });
  };
  check(fields.sites, model.sites, 'sites', 'site');
  check(fields.activities, model.activities, 'activities', 'activity');
  check(fields.applications, model.applications, 'applications', 'application');
  check(fields.suppliers, model.suppliers, 'suppliers', 'supplier');
  if (fields.type) {
    const threats = await listThreats(db, orgId);
    if (!threats.items.some((threat) => threat.id === fields.type))
      problems.push({ path: 'body.type', rule: 'unknown_reference', value: fields.type, message: 'a threat of the catalogue (GET /api/orgs/{org}/threats)' });
  }
  return problems;
}

async function within(db: Kysely<Database>, orgId: string, id: string, write: (trx: Transaction<Database>, incident: IncidentRecord) => Promise<void>) {
  await db.transaction().execute(async (trx) => {
    const incident = await new IncidentRepository(trx).get(orgId, id, { lock: true });
    if (!incident) throw incidentNotFound(id);
    await write(trx, incident);
  });
}

/** The audit entry and the live event of a change, last in its transaction (the audit locks the incident's chain head). */
async function record(
  trx: Transaction<Database>,
  orgId: string,
  id: string,
  action: string,
  change: { before?: unknown; after?: unknown; event?: string; data?: unknown },
  now: Date,
) {
  await publishLiveEvent(trx, { org: orgId, topic: `incident:${id}`, type: change.event ?? action, data: change.data ?? change.after ?? {} });
  await recordAudit(
    trx,
    { org: orgId, chain: recordChain(orgId, 'incident', id), action, entityType: 'incident', entityId: id, before: change.before, after: change.after },
    now,
  );
}

export async function declareIncident(db: Kysely<Database>, orgId: string, declaration: IncidentDeclaration, actor: IncidentActor, now = new Date()) {
  const model = await exportModel(db, orgId);
  const problems = await referenceProblems(db, orgId, model, declaration);
  if (problems.length > 0) throw new RempartError('invalid_reference', `The declaration has ${problems.length} problem(s).`, problems);
  const start = declaration.start ? new Date(declaration.start) : now;
  if (start.getTime() > now.getTime() + 5 * 60_000)
    throw new RempartError('invalid_input', 'An incident cannot start in the future.', [
      { path: 'body.start', rule: 'not_future', value: declaration.start, message: 'now or earlier' },
    ]);
  return db.transaction().execute(async (trx) => {
    const repository = new IncidentRepository(trx);
    const id = await repository.insert(orgId, {
      title: declaration.title,
      severity: declaration.severity,
      type: declaration.type ?? null,
      description: declaration.description ?? null,
      exercise: declaration.exercise,
      start,
      declaredAt: now,
      declaredBy: actor.label,
      sites: [...new Set(declaration.sites)],
      activities: [...new Set(declaration.activities)],
      applications: [...new Set(declaration.applications)],
      suppliers: [...new Set(declaration.suppliers)],
    });
    // Affected activities start stopped from the incident's start: their MTPD clock runs until someone says otherwise.
    for (const activity of new Set(declaration.activities))
      await repository.setStatus(orgId, id, { activity, status: 'stopped', since: start, disruptedSince: start, updatedBy: actor.label });
    await repository.append(orgId, id, {
      at: now,
      kind: 'declaration',
      text: `${declaration.exercise ? '[EXERCISE] ' : ''}Declared: ${declaration.title} (${declaration.severity}).`,
      author: actor.label,
      decidedBy: null,
      corrects: null,
      data: declaration,
    });
    await publishLiveEvent(trx, { org: orgId, topic: 'incidents', type: 'declared', data: { id, title: declaration.title, exercise: declaration.exercise } });
    await record(trx, orgId, id, 'declare', { after: { ...declaration, start: start.toISOString() } }, now);
    return id;
  });
}

export async function changeIncident(db: Kysely<Database>, orgId: string, id: string, change: IncidentChange, actor: IncidentActor, now = new Date()) {
  const model = await exportModel(db, orgId);
  const problems = await referenceProblems(db, orgId, model, {
    sites: change.sites,
    activities: change.activities,
    applications: change.applications,
    suppliers: change.suppliers,
    type: change.type ?? undefined,
  });
  if (problems.length > 0) throw new RempartError('invalid_reference', `The change has ${problems.length} problem(s).`, problems);
  await within(db, orgId, id, async (trx, incident) => {
    if (incident.status === 'closed') throw closedConflict(incident);
    const repository = new IncidentRepository(trx);
    const set: Parameters<IncidentRepository['update']>[2] = {};
    if (change.title !== undefined) set.title = change.title;
    if (change.severity !== undefined) set.severity = change.severity;
    if (change.type !== undefined) set.type = change.type;
    if (change.description !== undefined) set.description = change.description;
    for (const field of ['sites', 'activities', 'applications', 'suppliers'] as const)
      if (change[field] !== undefined) set[field] = [...new Set(change[field])];
    await repository.update(orgId, id, set);
    if (change.activities) {
      const known = new Set((await repository.statuses(orgId, id)).map((status) => status.activity));
      for (const activity of change.activities)
        if (!known.has(activity))
          await repository.setStatus(orgId, id, { activity, status: 'stopped', since: now, disruptedSince: now, updatedBy: actor.label });
    }
    const before = Object.fromEntries(Object.keys(set).map((key) => [key, incident[key as keyof IncidentRecord]]));
    await repository.append(orgId, id, {
      at: now,
      kind: 'update',
      text: `Changed: ${Object.keys(set).join(', ')}.`,
      author: actor.label,
      decidedBy: null,
      corrects: null,
      data: { before, after: set },
    });
    await record(trx, orgId, id, 'update', { before, after: set }, now);
  });
}

/** Whether the actor may activate a plan naming these activators (none named: whoever may run the incident). */
function mayActivate(activators: { roles: readonly string[]; people: readonly string[] }, actor: IncidentActor): boolean {
  if (activators.roles.length === 0 && activators.people.length === 0) return true;
  if (actor.roles.some((role) => role === 'owner' || activators.roles.includes(role))) return true;
  const names = actor.names.map((name) => name.trim().toLowerCase()).filter(Boolean);
  return activators.people.some((person) => {
    const named = person.trim().toLowerCase();
    return names.some((name) => named === name || named.startsWith(`${name} <`) || named.endsWith(`<${name}>`));
  });
}

export async function activatePlan(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  request: { plan: string; at?: string },
  actor: IncidentActor,
  now = new Date(),
) {
  await within(db, orgId, id, async (trx, incident) => {
    if (incident.status === 'closed') throw closedConflict(incident);
    const plan = await new PlanRepository(trx).get(orgId, request.plan);
    if (!plan)
      throw new RempartError('not_found', `No plan with id "${request.plan}".`, [
        { path: 'body.plan', rule: 'exists', value: request.plan, message: 'no such plan' },
      ]);
    if (plan.approvedVersion === null || !plan.approval)
      throw new RempartError('conflict', 'Only an approved plan can be activated: this one has no approved version.', [
        { path: 'body.plan', rule: 'approved', value: request.plan, message: `its latest version is ${plan.latest.status}` },
      ]);
    const content = plan.approval.content;
    if (!mayActivate(content.activators, actor))
      throw new RempartError('forbidden', 'This plan names who may activate it, and you are not one of them.', [
        {
          path: 'body.plan',
          rule: 'activators',
          value: request.plan,
          message: `roles: ${content.activators.roles.join(', ') || '-'}; people: ${content.activators.people.join(', ') || '-'}`,
        },
      ]);
    const repository = new IncidentRepository(trx);
    if ((await repository.plans(orgId, [id])).some((row) => row.plan_id === request.plan))
      throw new RempartError('conflict', 'The plan is already activated in this incident.', [
        { path: 'body.plan', rule: 'already_active', value: request.plan, message: 'activated already' },
      ]);
    const at = request.at ? new Date(request.at) : now;
    if (at.getTime() < incident.start.getTime() || at.getTime() > now.getTime() + 5 * 60_000)
      throw new RempartError('invalid_input', 'A plan is activated between the incident’s start and now.', [
        { path: 'body.at', rule: 'range', value: request.at, message: `between ${incident.start.toISOString()} and now` },
      ]);
    await repository.insertPlan(orgId, id, { id: request.plan, version: plan.approvedVersion, at, by: actor.label });
    const leads = new Map(content.teams.map((team) => [team.id, team.lead]));
    const existing = (await repository.tasks(orgId, [id])).length;
    await repository.insertTasks(
      orgId,
      id,
      content.steps.map((step) => ({
        planId: request.plan,
        planVersion: plan.approvedVersion!,
        stepId: step.id,
        step,
        owner: step.owner ?? (step.team ? (leads.get(step.team) ?? null) : null),
        dueAt: new Date(at.getTime() + step.at * HOUR),
      })),
      existing,
    );
    const data = { plan: request.plan, version: plan.approvedVersion, at: at.toISOString(), tasks: content.steps.length };
    await repository.append(orgId, id, {
      at: now,
      kind: 'activation',
      text: `Plan activated: ${content.title} (version ${plan.approvedVersion}), ${content.steps.length} task(s).`,
      author: actor.label,
      decidedBy: actor.label,
      corrects: null,
      data,
    });
    await record(trx, orgId, id, 'activate_plan', { after: data }, now);
  });
}

export async function setTaskStatus(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  taskId: string,
  change: { status: 'open' | 'done'; note?: string },
  actor: IncidentActor,
  now = new Date(),
) {
  await within(db, orgId, id, async (trx, incident) => {
    if (incident.status === 'closed') throw closedConflict(incident);
    const repository = new IncidentRepository(trx);
    const task = (await repository.tasks(orgId, [id])).find((item) => item.id === taskId);
    if (!task)
      throw new RempartError('not_found', `No task with id "${taskId}" in this incident.`, [
        { path: 'task', rule: 'exists', value: taskId, message: 'no such task' },
      ]);
    if (task.status === change.status) return;
    await repository.setTask(orgId, id, taskId, {
      status: change.status,
      doneAt: change.status === 'done' ? now : null,
      doneBy: change.status === 'done' ? actor.label : null,
    });
    const data = { task: taskId, step: task.stepId, plan: task.planId, status: change.status, note: change.note ?? null };
    await repository.append(orgId, id, {
      at: now,
      kind: 'task',
      text: `${change.status === 'done' ? 'Done' : 'Reopened'}: ${task.step.action}${change.note ? ` — ${change.note}` : ''}`,
      author: actor.label,
      decidedBy: null,
      corrects: null,
      data,
    });
    await record(trx, orgId, id, 'task', { before: { status: task.status }, after: data }, now);
  });
}

/** An entry of the crisis log as written by a person (or the server for a timed inject). */
export interface LogEntryInput {
  kind: 'situation' | 'decision' | 'message';
  text: string;
  decidedBy?: string;
  corrects?: number;
}

export async function appendLogEntry(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  entry: LogEntryInput,
  actor: IncidentActor,
  now = new Date(),
): Promise<number> {
  return db.transaction().execute((trx) => appendLogEntryIn(trx, orgId, id, entry, actor, now));
}

/** `appendLogEntry` in the caller's transaction, for a write whose own record changes with the log (an inject sent). */
export async function appendLogEntryIn(
  trx: Transaction<Database>,
  orgId: string,
  id: string,
  entry: LogEntryInput,
  actor: IncidentActor,
  now = new Date(),
): Promise<number> {
  const repository = new IncidentRepository(trx);
  const incident = await repository.get(orgId, id, { lock: true });
  if (!incident) throw incidentNotFound(id);
  if (incident.status === 'closed') throw closedConflict(incident);
  if (entry.corrects !== undefined) {
    // Entries are numbered without gaps (the incident's row is locked while one is appended).
    const last = await repository.lastLogSeq(orgId, id);
    if (entry.corrects > last)
      throw new RempartError('invalid_reference', `The log has no entry ${entry.corrects} to correct.`, [
        { path: 'body.corrects', rule: 'exists', value: entry.corrects, message: `an entry between 1 and ${last}` },
      ]);
  }
  const seq = await repository.append(orgId, id, {
    at: now,
    kind: entry.kind,
    text: entry.text,
    author: actor.label,
    decidedBy: entry.kind === 'decision' ? (entry.decidedBy ?? actor.label) : null,
    corrects: entry.corrects ?? null,
    data: null,
  });
  await record(trx, orgId, id, 'log', { after: { seq, ...entry }, event: 'log' }, now);
  return seq;
}

export async function setActivityStatus(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  activityId: string,
  change: { status: ActivityStatus; since?: string; note?: string },
  actor: IncidentActor,
  now = new Date(),
) {
  await within(db, orgId, id, async (trx, incident) => {
    if (incident.status === 'closed') throw closedConflict(incident);
    const repository = new IncidentRepository(trx);
    const current = (await repository.statuses(orgId, id)).find((status) => status.activity === activityId);
    if (!current)
      throw new RempartError('not_found', `The activity "${activityId}" is not affected by this incident (add it to the incident first).`, [
        { path: 'activity', rule: 'affected', value: activityId, message: 'not on the board' },
      ]);
    const since = change.since ? new Date(change.since) : now;
    if (since.getTime() < incident.start.getTime() || since.getTime() > now.getTime() + 5 * 60_000)
      throw new RempartError('invalid_input', 'A status holds from between the incident’s start and now.', [
        { path: 'body.since', rule: 'range', value: change.since, message: `between ${incident.start.toISOString()} and now` },
      ]);
    const disruptedSince = change.status === 'operating' ? null : (current.disruptedSince ?? since);
    await repository.setStatus(orgId, id, { activity: activityId, status: change.status, since, disruptedSince, updatedBy: actor.label });
    const data = { activity: activityId, status: change.status, since: since.toISOString(), previous: current.status, note: change.note ?? null };
    await repository.append(orgId, id, {
      at: now,
      kind: 'status',
      text: `${activityId}: ${current.status} → ${change.status}${change.note ? ` — ${change.note}` : ''}`,
      author: actor.label,
      decidedBy: null,
      corrects: null,
      data,
    });
    await record(trx, orgId, id, 'activity_status', { before: { status: current.status }, after: data }, now);
  });
}

/** Measured recovery per affected activity, from the status changes in the log: first disruption to last return. */
function measuredRecovery(incident: IncidentRecord, log: LogRecord[], model: OrganisationModel): IncidentReview['recovery'] {
  const byId = new Map(model.activities.map((activity) => [activity.id, activity]));
  const affected = new Set([...incident.activities, ...log.filter((e) => e.kind === 'status').map((e) => (e.data as { activity: string }).activity)]);
  return [...affected].map((activityId) => {
    const changes = log.filter((e) => e.kind === 'status' && (e.data as { activity: string }).activity === activityId);
    const declared = incident.activities.includes(activityId);
    let disruptedAt: Date | null = declared ? incident.start : null;
    let recoveredAt: Date | null = null;
    for (const change of changes) {
      const { status, since } = change.data as { status: ActivityStatus; since: string };
      if (status === 'operating') recoveredAt = new Date(since);
      else {
        disruptedAt ??= new Date(since);
        recoveredAt = null;
      }
    }
    const activity = byId.get(activityId);
    const rto = activity?.rto ?? 0;
    const recoveryHours = disruptedAt && recoveredAt ? Math.round(((recoveredAt.getTime() - disruptedAt.getTime()) / HOUR) * 100) / 100 : null;
    return {
      activity: activityId,
      name: activity?.name ?? activityId,
      rto,
      disruptedAt: iso(disruptedAt),
      recoveredAt: iso(recoveredAt),
      recoveryHours,
      rtoMet: recoveryHours === null ? (disruptedAt ? false : null) : recoveryHours <= rto,
    };
  });
}

export async function closeIncident(db: Kysely<Database>, orgId: string, id: string, closure: IncidentClosure, actor: IncidentActor, now = new Date()) {
  const model = await exportModel(db, orgId);
  await within(db, orgId, id, async (trx, incident) => {
    if (incident.status === 'closed') throw closedConflict(incident);
    const closedAt = closure.at ? new Date(closure.at) : now;
    if (closedAt.getTime() < incident.start.getTime() || closedAt.getTime() > now.getTime() + 5 * 60_000)
      throw new RempartError('invalid_input', 'An incident ends between its start and now.', [
        { path: 'body.at', rule: 'range', value: closure.at, message: `between ${incident.start.toISOString()} and now` },
      ]);
    const repository = new IncidentRepository(trx);
    const lessons = [];
    for (const lesson of closure.lessons) {
      const action = lesson.action
        ? await insertCorrectiveAction(
            trx,
            orgId,
            {
              kind: 'nonconformity',
              sourceKind: 'incident',
              sourceId: id,
              incident: id,
              lesson: lesson.text,
              title: lesson.action.title,
              owner: lesson.action.owner ?? null,
              due: lesson.action.due ?? null,
              createdBy: actor.label,
            },
            now,
          )
        : null;
      lessons.push({ text: lesson.text, correctiveAction: action });
    }
    const review = { summary: closure.summary ?? null, lessons, closedBy: actor.label };
    await repository.update(orgId, id, { status: 'closed', closed_at: closedAt, review: JSON.stringify(review) });
    await repository.append(orgId, id, {
      at: now,
      kind: 'closure',
      text: `Closed${closure.summary ? `: ${closure.summary}` : '.'} ${lessons.length} lesson(s), ${lessons.filter((l) => l.correctiveAction).length} corrective action(s).`,
      author: actor.label,
      decidedBy: actor.label,
      corrects: null,
      data: { closedAt: closedAt.toISOString(), recovery: measuredRecovery(incident, await repository.log(orgId, id), model) },
    });
    await record(trx, orgId, id, 'close', { after: { closedAt: closedAt.toISOString(), ...review } }, now);
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Reads

export async function getIncident(db: Kysely<Database>, orgId: string, id: string): Promise<IncidentRecord> {
  const incident = await new IncidentRepository(db).get(orgId, id);
  if (!incident) throw incidentNotFound(id);
  return incident;
}

/** Incidents as the API shows them, with their activated plans and task counts. */
export async function presentIncidents(db: Kysely<Database>, orgId: string, incidents: IncidentRecord[], now = new Date()): Promise<IncidentView[]> {
  const repository = new IncidentRepository(db);
  const ids = incidents.map((incident) => incident.id);
  const [plans, tasks] = await Promise.all([repository.plans(orgId, ids), repository.tasks(orgId, ids)]);
  const planRepository = new PlanRepository(db);
  const titles = new Map<string, { title: string; titles?: { en?: string; fr?: string } }>();
  for (const row of plans) {
    const key = `${row.plan_id}#${row.plan_version}`;
    if (titles.has(key)) continue;
    const version = await planRepository.version(orgId, row.plan_id, row.plan_version);
    titles.set(key, { title: version?.content.title ?? row.plan_id, ...(version?.content.titles ? { titles: version.content.titles } : {}) });
  }
  return incidents.map((incident) => {
    const own = tasks.filter((task) => task.incident === incident.id);
    return {
      id: incident.id,
      title: incident.title,
      severity: incident.severity,
      type: incident.type,
      description: incident.description,
      status: incident.status,
      exercise: incident.exercise,
      start: incident.start.toISOString(),
      declaredAt: incident.declaredAt.toISOString(),
      declaredBy: incident.declaredBy,
      closedAt: iso(incident.closedAt),
      sites: incident.sites,
      activities: incident.activities,
      applications: incident.applications,
      suppliers: incident.suppliers,
      plans: plans
        .filter((row) => row.incident_id === incident.id)
        .map((row) => ({
          plan: row.plan_id,
          version: row.plan_version,
          ...titles.get(`${row.plan_id}#${row.plan_version}`)!,
          activatedAt: new Date(row.activated_at).toISOString(),
          activatedBy: row.activated_by,
        })),
      tasks: {
        total: own.length,
        done: own.filter((task) => task.status === 'done').length,
        overdue: own.filter((task) => task.status === 'open' && task.dueAt < now).length,
      },
    };
  });
}

export async function incidentTasks(db: Kysely<Database>, orgId: string, id: string, now = new Date()): Promise<TaskView[]> {
  await getIncident(db, orgId, id);
  const tasks = await new IncidentRepository(db).tasks(orgId, [id]);
  return tasks.map((task) => ({
    id: task.id,
    plan: task.planId,
    planVersion: task.planVersion,
    step: task.stepId,
    phase: task.step.phase,
    title: task.step.action,
    ...(task.step.actions ? { titles: task.step.actions } : {}),
    details: task.step.details ?? null,
    owner: task.owner,
    team: task.step.team ?? null,
    where: task.step.where ?? null,
    checklist: task.step.checklist,
    strategy: task.step.strategy ?? null,
    dueAt: task.dueAt.toISOString(),
    status: task.status,
    doneAt: iso(task.doneAt),
    doneBy: task.doneBy,
    overdue: task.status === 'open' && task.dueAt < now,
  }));
}

export function presentLog(log: LogRecord[]): LogEntryView[] {
  // Who corrects whom, in one pass: a long incident's log has thousands of entries.
  const correctedBy = new Map<number, number[]>();
  for (const entry of log) if (entry.corrects !== null) correctedBy.set(entry.corrects, [...(correctedBy.get(entry.corrects) ?? []), entry.seq]);
  return log.map((entry) => presentLogEntry(entry, correctedBy.get(entry.seq) ?? []));
}

function presentLogEntry(entry: LogRecord, correctedBy: number[]): LogEntryView {
  return {
    seq: entry.seq,
    at: entry.at.toISOString(),
    kind: entry.kind,
    text: entry.text,
    author: entry.author,
    decidedBy: entry.decidedBy,
    corrects: entry.corrects,
    correctedBy,
    ...(entry.data !== null ? { data: entry.data } : {}),
  };
}

/** One entry of the crisis log, as the log lists it. */
export async function crisisLogEntry(db: Kysely<Database>, orgId: string, id: string, seq: number): Promise<LogEntryView> {
  const found = await new IncidentRepository(db).logEntry(orgId, id, seq);
  if (!found) throw new RempartError('not_found', `The log has no entry ${seq}.`, [{ path: 'seq', rule: 'exists', value: seq, message: 'no such entry' }]);
  return presentLogEntry(found.entry, found.correctedBy);
}

export async function crisisLog(db: Kysely<Database>, orgId: string, id: string): Promise<{ incident: IncidentRecord; items: LogEntryView[] }> {
  const incident = await getIncident(db, orgId, id);
  return { incident, items: presentLog(await new IncidentRepository(db).log(orgId, id)) };
}

/** The situation board: per affected activity, its status since when and the time left before its MTPD at `now`. */
export async function situationBoard(db: Kysely<Database>, orgId: string, id: string, now = new Date()): Promise<SituationBoard> {
  const incident = await getIncident(db, orgId, id);
  const [statuses, model] = await Promise.all([new IncidentRepository(db).statuses(orgId, id), exportModel(db, orgId)]);
  const byId = new Map(model.activities.map((activity) => [activity.id, activity]));
  // The incident's end stops the clocks.
  const clock = incident.closedAt && incident.closedAt < now ? incident.closedAt : now;
  const activities = statuses
    .filter((status) => byId.has(status.activity))
    .map((status) => {
      const activity = byId.get(status.activity)!;
      const deadline = status.disruptedSince ? new Date(status.disruptedSince.getTime() + activity.mtpd * HOUR) : null;
      const hoursLeft = deadline ? Math.round(((deadline.getTime() - clock.getTime()) / HOUR) * 100) / 100 : null;
      return {
        activity: activity.id,
        name: activity.name,
        ...(activity.names ? { names: activity.names } : {}),
        owner: activity.owner ?? null,
        status: status.status,
        since: status.since.toISOString(),
        mtpd: activity.mtpd,
        rto: activity.rto,
        disruptedSince: iso(status.disruptedSince),
        deadline: iso(deadline),
        hoursLeft,
        breached: hoursLeft !== null && hoursLeft < 0,
      };
    })
    // The most urgent first.
    .sort((a, b) => (a.hoursLeft ?? Infinity) - (b.hoursLeft ?? Infinity) || a.activity.localeCompare(b.activity));
  return { incident: id, exercise: incident.exercise, now: clock.toISOString(), activities };
}

/** The lists of what is down on an incident, by the name of the field that holds them. */
const DOWN_FIELDS = ['sites', 'applications', 'suppliers'] as const;
type DownField = (typeof DOWN_FIELDS)[number];

/**
 * Since when each site, application and supplier on the incident has been down, replayed from the crisis log: the
 * declaration's lists from the incident's start, then each change's additions from the time of the change (an item
 * removed and added again is down from its return). An item the log does not explain counts from the start.
 */
export function downSince(
  incident: Pick<IncidentRecord, 'start' | DownField>,
  log: readonly Pick<LogRecord, 'at' | 'kind' | 'data'>[],
): Record<DownField, Map<string, Date>> {
  const since = Object.fromEntries(DOWN_FIELDS.map((field) => [field, new Map<string, Date>()])) as Record<DownField, Map<string, Date>>;
  for (const entry of log) {
    const lists = (entry.kind === 'declaration' ? entry.data : entry.kind === 'update' ? (entry.data as { after?: unknown } | null)?.after : undefined) as
      Partial<Record<DownField, unknown>> | undefined;
    if (!lists) continue;
    const at = entry.kind === 'declaration' ? incident.start : entry.at;
    for (const field of DOWN_FIELDS) {
      const list = lists[field];
      if (!Array.isArray(list)) continue;
      const kept = new Map<string, Date>();
      for (const id of list) if (typeof id === 'string') kept.set(id, since[field].get(id) ?? at);
      since[field] = kept;
    }
  }
  for (const field of DOWN_FIELDS) {
    const current = new Map<string, Date>();
    for (const id of incident[field]) current.set(id, since[field].get(id) ?? incident.start);
    since[field] = current;
  }
  return since;
}

/**
 * "If this lasts": the engine runs from the live state. The sites, applications and suppliers down from when each
 * went down and never back, plus the strategies the activated plans switch on at their steps' times; then the board
 * has the last word on the activities it follows: one marked stopped or degraded stays disrupted from the start of
 * that disruption (its MTPD runs out then), one marked operating holds. Per activity, whether and when it breaches.
 */
export async function projectIncident(db: Kysely<Database>, orgId: string, id: string, options: { horizonHours?: number; now?: Date } = {}) {
  const now = options.now ?? new Date();
  const incident = await getIncident(db, orgId, id);
  const model = await exportModel(db, orgId);
  const repository = new IncidentRepository(db);
  const [plans, tasks, statuses, log] = await Promise.all([
    repository.plans(orgId, [id]),
    repository.tasks(orgId, [id]),
    repository.statuses(orgId, id),
    repository.log(orgId, id),
  ]);
  const start = incident.start.getTime();
  const hoursFrom = (date: Date) => Math.max(0, Math.floor((date.getTime() - start) / HOUR));
  const down = downSince(incident, log);
  const longestMtpd = Math.max(24, ...model.activities.map((activity) => activity.mtpd));
  const horizon = Math.ceil(options.horizonHours ?? Math.min(2160, Math.max(hoursFrom(now) + longestMtpd * 2, 168)));
  const disruptions: Disruption[] = [
    ...[...down.sites].map(([site, from]) => ({ type: 'siteUnavailable' as const, site, from: hoursFrom(from) })),
    ...[...down.applications].map(([application, from]) => ({ type: 'applicationOutage' as const, application, from: hoursFrom(from), to: horizon })),
    ...[...down.suppliers].map(([supplier, from]) => ({ type: 'supplierOutage' as const, supplier, from: hoursFrom(from) })),
  ];
  const strategies = new Map<string, { strategy: string; at: Date; plan: string }>();
  for (const task of tasks) {
    const strategy = task.step.strategy;
    if (!strategy || !plans.some((plan) => plan.plan_id === task.planId) || !model.strategies.some((s) => s.id === strategy)) continue;
    if (!strategies.has(strategy) || strategies.get(strategy)!.at > task.dueAt) strategies.set(strategy, { strategy, at: task.dueAt, plan: task.planId });
  }
  let result;
  try {
    result = simulate(model, {
      horizon,
      disruptions,
      activate: [...strategies.values()].map((activation) => ({ strategy: activation.strategy, at: hoursFrom(activation.at) })),
    });
  } catch (error) {
    engineRefusal(error);
  }
  const at = (hours: number | null) => (hours === null ? null : new Date(start + hours * HOUR).toISOString());
  const end = start + horizon * HOUR;
  const board = new Map(statuses.map((status) => [status.activity, status]));
  const recovery = new Map(measuredRecovery(incident, log, model).map((line) => [line.activity, line]));
  const activities = result.activities.map((line) => {
    const activity = model.activities.find((a) => a.id === line.id)!;
    const named = { activity: line.id, name: activity.name, ...(activity.names ? { names: activity.names } : {}), mtpd: activity.mtpd };
    const status = board.get(line.id);
    if (status?.disruptedSince) {
      // Stopped or degraded on the board: disrupted from then to the horizon, whatever the engine found.
      const from = status.disruptedSince.getTime();
      const deadline = from + activity.mtpd * HOUR;
      return {
        ...named,
        breaches: deadline < end,
        breachAt: deadline < end ? new Date(deadline).toISOString() : null,
        firstDisrupted: recovery.get(line.id)?.disruptedAt ?? status.disruptedSince.toISOString(),
        recoveredAt: null,
        longestDisruption: Math.max(0, Math.round(((end - from) / HOUR) * 100) / 100),
      };
    }
    if (status) {
      // Operating on the board: it holds from now on.
      const measured = recovery.get(line.id);
      return {
        ...named,
        breaches: false,
        breachAt: null,
        firstDisrupted: measured?.disruptedAt ?? null,
        recoveredAt: measured?.recoveredAt ?? null,
        longestDisruption: measured?.recoveryHours ?? 0,
      };
    }
    const breachRun = line.binding.find((run) => run.to - run.from > activity.mtpd);
    return {
      ...named,
      breaches: line.mtpdBreached,
      breachAt: breachRun ? at(breachRun.from + activity.mtpd) : null,
      firstDisrupted: at(line.firstDisrupted),
      recoveredAt: at(line.recoveredAt),
      longestDisruption: line.longestDisruption,
    };
  });
  return {
    incident: id,
    now: now.toISOString(),
    horizonHours: horizon,
    disruptions: [
      ...[...down.sites].map(([site, from]) => ({ type: 'siteUnavailable', id: site, from: from.toISOString() })),
      ...[...down.applications].map(([application, from]) => ({ type: 'applicationOutage', id: application, from: from.toISOString() })),
      ...[...down.suppliers].map(([supplier, from]) => ({ type: 'supplierOutage', id: supplier, from: from.toISOString() })),
      ...statuses
        .filter((status) => status.disruptedSince)
        .map((status) => ({
          type: status.status === 'degraded' ? 'activityDegraded' : 'activityStopped',
          id: status.activity,
          from: status.disruptedSince!.toISOString(),
        })),
    ],
    strategies: [...strategies.values()].map((activation) => ({ ...activation, at: activation.at.toISOString() })),
    breached: activities.filter((line) => line.breaches).length,
    // Those that breach first come first.
    activities: activities.sort(
      (a, b) => Number(b.breaches) - Number(a.breaches) || (a.breachAt ?? '').localeCompare(b.breachAt ?? '') || a.activity.localeCompare(b.activity),
    ),
  };
}

/** The post-incident review of a closed incident: timeline, measured recovery per activity against its RTO, lessons. */
export async function incidentReview(db: Kysely<Database>, orgId: string, id: string): Promise<IncidentReview> {
  const incident = await getIncident(db, orgId, id);
  if (incident.status !== 'closed' || !incident.closedAt)
    throw new RempartError('conflict', 'The review comes with the incident’s closure: close it first.', [
      { path: 'status', rule: 'closed', value: incident.status, message: 'close the incident first' },
    ]);
  const repository = new IncidentRepository(db);
  const [log, model, actions] = await Promise.all([
    repository.log(orgId, id),
    exportModel(db, orgId),
    new CorrectiveActionRepository(db).list(orgId, { incident: id }, { offset: 0, limit: 1000 }),
  ]);
  const review = incident.review as { summary: string | null; lessons: Array<{ text: string; correctiveAction: string | null }> };
  return {
    incident: id,
    exercise: incident.exercise,
    start: incident.start.toISOString(),
    closedAt: incident.closedAt.toISOString(),
    summary: review.summary,
    timeline: presentLog(log),
    recovery: measuredRecovery(incident, log, model),
    lessons: review.lessons,
    correctiveActions: await presentCorrectiveActions(db, orgId, actions.items),
  };
}
