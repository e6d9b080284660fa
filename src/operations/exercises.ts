// The exercise programme as named commands (ISO 22301 8.5): plan an exercise, change it before it starts, start it
// (a live test declares an incident with the exercise flag; a simulation runs the scenario engine), send its
// injects, write observers' notes, complete it with its results (objectives met, measured recovery per activity
// against its RTO, lessons that become corrective actions); the coverage of critical activities and a suggested
// next programme. Each write locks the exercise's row and is audited in its transaction.
import type { Kysely, Transaction } from 'kysely';
import { RempartError } from '../errors.js';
import type { ExerciseCoverage, ExerciseView } from '../model/contract/exercises.js';
import type { SimulationResult } from '../model/contract/runs.js';
import type { ExerciseChange, ExerciseCompletion, ExerciseCreation, ExerciseKind } from '../model/exercise.js';
import type { OrganisationModel } from '../model/organisation.js';
import type { Problem } from '../model/problem.js';
import { ExerciseRepository, type ExerciseFields, type ExerciseRecord, type ExerciseResults } from '../store/exercise-repository.js';
import { ModelRepository } from '../store/model-repository.js';
import { PeopleRepository } from '../store/people-repository.js';
import type { Database } from '../store/schema.js';
import { AlertRequest } from '../model/alert.js';
import type { InjectRecord } from '../store/exercise-repository.js';
import { checkAlertAudience, insertAlert } from './alerts.js';
import { recordAudit } from './audit.js';
import { insertCorrectiveAction } from './corrective-actions.js';
import { appendLogEntryIn, declareIncident, getIncident, incidentReview, type IncidentActor } from './incidents.js';
import { enqueueJob } from './jobs/queue.js';
import { exportModel } from './model-writer.js';
import { getRun, simulateStored } from './scenarios.js';

const HOUR = 3_600_000;
/** The job that sends one inject of a live test at its time (payload: exercise and inject ids). */
export const EXERCISE_INJECT_JOB = 'exercises.inject';
/** Who sends a timed inject: the server, at the time the plan set. */
export const TIMED_INJECT_ACTOR: IncidentActor = Object.freeze({ id: null, label: 'rempart (timed inject)', roles: [], names: [] });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function exerciseNotFound(id: string): RempartError {
  return new RempartError('not_found', `No exercise with id "${id}".`, [{ path: 'exercise', rule: 'exists', value: id, message: 'no such exercise' }]);
}

function statusConflict(exercise: ExerciseRecord, wanted: readonly ExerciseRecord['status'][], what: string): RempartError {
  return new RempartError('conflict', `${what} needs the exercise ${wanted.join(' or ')}; it is ${exercise.status}.`, [
    { path: 'status', rule: wanted.join('_or_'), value: exercise.status, message: `the exercise is ${exercise.status}` },
  ]);
}

export function presentExercise(exercise: ExerciseRecord): ExerciseView {
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  const results = exercise.results;
  const objectives = exercise.objectives.map((objective) => ({
    id: objective.id,
    text: objective.text,
    met: objective.met ?? null,
    note: objective.note ?? null,
  }));
  return {
    id: exercise.id,
    title: exercise.title,
    kind: exercise.kind,
    status: exercise.status,
    description: exercise.description,
    location: exercise.location,
    scheduledAt: exercise.scheduledAt.toISOString(),
    durationMinutes: exercise.durationMinutes,
    scenario: exercise.scenario,
    activities: exercise.activities,
    participants: exercise.participants,
    objectives,
    injects: exercise.injects.map((inject) => ({
      id: inject.id,
      at: inject.at,
      message: inject.message,
      ...(inject.to ? { to: inject.to } : {}),
      ...(inject.audience ? { audience: inject.audience, channels: inject.channels ?? ['email'] } : {}),
      ...(inject.alert ? { alert: inject.alert } : {}),
      dueAt: exercise.startedAt ? new Date(exercise.startedAt.getTime() + inject.at * 60_000).toISOString() : null,
      sentAt: inject.sentAt ?? null,
    })),
    notes: exercise.notes,
    incident: exercise.incident,
    run: exercise.run,
    results: results
      ? {
          summary: results.summary,
          objectivesMet: objectives.filter((objective) => objective.met === true).length,
          objectivesTotal: objectives.length,
          recovery: results.recovery,
          lessons: results.lessons,
        }
      : null,
    createdBy: exercise.createdBy,
    createdAt: exercise.createdAt.toISOString(),
    startedAt: iso(exercise.startedAt),
    completedAt: iso(exercise.completedAt),
  };
}

/** What an exercise names that the organisation does not have, and the rules of its lists. */
async function planProblems(
  db: Kysely<Database>,
  orgId: string,
  plan: Partial<Pick<ExerciseCreation, 'scenario' | 'activities' | 'objectives' | 'injects'>> & { kind: ExerciseKind },
): Promise<Problem[]> {
  const problems: Problem[] = [];
  const model = await exportModel(db, orgId);
  const known = new Set(model.activities.map((activity) => activity.id));
  plan.activities?.forEach((id, i) => {
    if (!known.has(id))
      problems.push({ path: `body.activities[${i}]`, rule: 'unknown_reference', value: id, message: `no activity "${id}" in the organisation` });
  });
  if (plan.scenario && !(await new ModelRepository(db).getEntity(orgId, 'scenarios', plan.scenario)))
    problems.push({ path: 'body.scenario', rule: 'unknown_reference', value: plan.scenario, message: `no scenario "${plan.scenario}" in the organisation` });
  if (plan.kind === 'simulation' && plan.scenario === undefined)
    problems.push({ path: 'body.scenario', rule: 'required', value: null, message: 'a simulation plays a scenario' });
  for (const [list, items] of [
    ['objectives', plan.objectives],
    ['injects', plan.injects],
  ] as const) {
    const seen = new Set<string>();
    items?.forEach((item, i) => {
      if (seen.has(item.id)) problems.push({ path: `body.${list}[${i}].id`, rule: 'unique', value: item.id, message: 'used twice in the list' });
      seen.add(item.id);
    });
  }
  // An inject for players must make a valid alert (its text fits an alert's, its audience names what exists).
  const sites = new Set(model.sites.map((site) => site.id));
  const people = plan.injects?.some((inject) => inject.audience && !('everyone' in inject.audience))
    ? new Set((await new PeopleRepository(db).all(orgId)).map((person) => person.id))
    : new Set<string>();
  plan.injects?.forEach((inject, i) => {
    if (!inject.audience) {
      if (inject.channels)
        problems.push({ path: `body.injects[${i}].channels`, rule: 'audience_required', value: inject.channels, message: 'channels go with an audience' });
      return;
    }
    const parsed = injectAlert(inject);
    if (!parsed.success)
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] === 'message' ? 'message' : issue.path.join('.');
        problems.push({ path: `body.injects[${i}].${field}`, rule: 'invalid_alert', value: null, message: issue.message });
      }
    const audience = inject.audience;
    if ('everyone' in audience) return;
    for (const [field, ids, known] of [
      ['sites', audience.sites, sites],
      ['activities', audience.activities, new Set(model.activities.map((activity) => activity.id))],
      ['people', audience.people, people],
    ] as const)
      ids.forEach((id, j) => {
        if (!known.has(id))
          problems.push({
            path: `body.injects[${i}].audience.${field}[${j}]`,
            rule: 'unknown_reference',
            value: id,
            message: `no ${field.slice(0, -1)} "${id}"`,
          });
      });
  });
  return problems;
}

/** The alert that takes an inject to its players: one wave, no escalation, links for a day (a drill is short). */
function injectAlert(inject: Pick<InjectRecord, 'audience' | 'channels' | 'message'>) {
  return AlertRequest.safeParse({
    audience: inject.audience,
    channels: inject.channels ?? ['email'],
    message: { text: inject.message },
    waves: { count: 1, intervalMinutes: 15, escalate: false },
    expiresInHours: 24,
  });
}

async function refuse(problems: Problem[]): Promise<void> {
  if (problems.length) throw new RempartError('invalid_reference', `The exercise has ${problems.length} problem(s).`, problems);
}

export async function getExercise(db: Kysely<Database>, orgId: string, id: string): Promise<ExerciseRecord> {
  const exercise = UUID.test(id) ? await new ExerciseRepository(db).get(orgId, id) : undefined;
  if (!exercise) throw exerciseNotFound(id);
  return exercise;
}

export async function createExercise(db: Kysely<Database>, orgId: string, body: ExerciseCreation, actor: { label: string }, now = new Date()): Promise<string> {
  await refuse(await planProblems(db, orgId, body));
  return db.transaction().execute(async (trx) => {
    const fields: ExerciseFields = {
      ...body,
      description: body.description ?? null,
      location: body.location ?? null,
      scheduledAt: new Date(body.scheduledAt),
      scenario: body.scenario ?? null,
      createdBy: actor.label,
    };
    const id = await new ExerciseRepository(trx).insert(orgId, fields, now);
    await recordAudit(trx, { org: orgId, action: 'create', entityType: 'exercise', entityId: id, after: { ...body, id } }, now);
    return id;
  });
}

/** Writes within the exercise's row lock; audited as `action`. */
async function within(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  action: string,
  write: (exercise: ExerciseRecord, trx: Transaction<Database>) => Promise<ExerciseFields>,
  now: Date,
): Promise<ExerciseRecord> {
  return db.transaction().execute(async (trx) => {
    const repository = new ExerciseRepository(trx);
    const before = UUID.test(id) ? await repository.get(orgId, id, { lock: true }) : undefined;
    if (!before) throw exerciseNotFound(id);
    const fields = await write(before, trx);
    await repository.update(orgId, id, fields, now);
    const after = (await repository.get(orgId, id))!;
    await recordAudit(trx, { org: orgId, action, entityType: 'exercise', entityId: id, before, after }, now);
    return after;
  });
}

/** Changes a planned exercise; a started one keeps its plan (409). */
export async function changeExercise(db: Kysely<Database>, orgId: string, id: string, change: ExerciseChange, now = new Date()) {
  const current = await getExercise(db, orgId, id);
  const scenario = change.scenario === null ? undefined : (change.scenario ?? current.scenario ?? undefined);
  await refuse(
    await planProblems(db, orgId, { activities: change.activities, objectives: change.objectives, injects: change.injects, kind: current.kind, scenario }),
  );
  return within(
    db,
    orgId,
    id,
    'update',
    async (exercise) => {
      if (exercise.status !== 'planned') throw statusConflict(exercise, ['planned'], 'Changing the plan');
      const { scheduledAt, ...rest } = change;
      return { ...rest, ...(scheduledAt ? { scheduledAt: new Date(scheduledAt) } : {}) };
    },
    now,
  );
}

/**
 * Starts a planned exercise. A live test declares its incident (exercise flag, the exercised activities on its
 * board, stopped from now): recovery is then measured on that board. A simulation runs the engine on its scenario.
 */
export async function startExercise(db: Kysely<Database>, orgId: string, id: string, options: { at?: string }, actor: IncidentActor, now = new Date()) {
  const exercise = await getExercise(db, orgId, id);
  if (exercise.status !== 'planned') throw statusConflict(exercise, ['planned'], 'Starting');
  const at = options.at ? new Date(options.at) : now;
  if (at.getTime() > now.getTime() + 5 * 60_000)
    throw new RempartError('invalid_input', 'An exercise starts now or earlier.', [
      { path: 'body.at', rule: 'range', value: options.at, message: 'not in the future' },
    ]);
  let incident: string | null = null;
  let run: string | null = null;
  if (exercise.kind === 'liveTest')
    incident = await declareIncident(
      db,
      orgId,
      {
        title: `Exercise: ${exercise.title}`.slice(0, 200),
        severity: 'minor',
        description: exercise.description ?? undefined,
        start: at.toISOString(),
        sites: [],
        activities: exercise.activities,
        applications: [],
        suppliers: [],
        exercise: true,
      },
      actor,
      now,
    );
  if (exercise.kind === 'simulation') run = (await simulateStored(db, orgId, exercise.scenario!)).id;
  return within(
    db,
    orgId,
    id,
    'start',
    async (locked, trx) => {
      if (locked.status !== 'planned') throw statusConflict(locked, ['planned'], 'Starting');
      // A live test's injects leave at their time without anyone at the keyboard: one durable job each, queued with
      // the start (the outbox), keyed by the inject so that no retry queues it twice.
      if (incident)
        for (const inject of locked.injects)
          await enqueueJob(trx, {
            org: orgId,
            kind: EXERCISE_INJECT_JOB,
            payload: { exercise: id, inject: inject.id },
            runAt: new Date(at.getTime() + inject.at * 60_000),
            idempotencyKey: `${id}:${inject.id}`,
          });
      return { status: 'running', startedAt: at, incident, run };
    },
    now,
  );
}

export async function addObserverNote(db: Kysely<Database>, orgId: string, id: string, text: string, actor: { label: string }, now = new Date()) {
  return within(
    db,
    orgId,
    id,
    'note',
    async (exercise) => {
      if (exercise.status !== 'running') throw statusConflict(exercise, ['running'], 'An observer’s note');
      return { notes: [...exercise.notes, { at: now.toISOString(), author: actor.label, text }] };
    },
    now,
  );
}

/** The inject to send now: refused when the exercise has no such inject, is not running, or sent it already. */
function sendableInject(exercise: ExerciseRecord, injectId: string): InjectRecord {
  const inject = exercise.injects.find((item) => item.id === injectId);
  if (!inject)
    throw new RempartError('not_found', `No inject "${injectId}" in this exercise.`, [
      { path: 'inject', rule: 'exists', value: injectId, message: 'no such inject' },
    ]);
  if (exercise.status !== 'running') throw statusConflict(exercise, ['running'], 'Sending an inject');
  if (inject.sentAt)
    throw new RempartError('conflict', 'This inject was already sent.', [
      { path: 'inject', rule: 'sent', value: inject.id, message: `sent at ${inject.sentAt}` },
    ]);
  return inject;
}

/** The alert of an inject with an audience in a live test; refused when the plan's inject no longer makes one. */
function injectAlertRequest(inject: InjectRecord) {
  const request = injectAlert(inject);
  if (!request.success)
    throw new RempartError('invalid_input', 'The inject does not make a valid alert: change it in the plan.', [
      { path: 'inject', rule: 'invalid_alert', value: inject.id, message: request.error.issues[0]?.message ?? 'invalid' },
    ]);
  return request.data;
}

/**
 * Sends an inject in the caller's transaction, the exercise's row locked: its alert (live test with an audience),
 * its crisis-log entry and its `sentAt` commit together, so the manual send and the timed job cannot both send it.
 */
async function deliverInject(trx: Transaction<Database>, orgId: string, id: string, injectId: string, actor: IncidentActor, now: Date) {
  const repository = new ExerciseRepository(trx);
  const before = await repository.get(orgId, id, { lock: true });
  if (!before) throw exerciseNotFound(id);
  const inject = sendableInject(before, injectId);
  // A live exercise takes the inject to its players as an alert of its incident (flagged exercise: the messages say so).
  const alert = before.incident && inject.audience ? (await insertAlert(trx, orgId, before.incident, injectAlertRequest(inject), actor, now)).id : undefined;
  if (before.incident)
    await appendLogEntryIn(
      trx,
      orgId,
      before.incident,
      { kind: 'message', text: `Inject${inject.to ? ` to ${inject.to}` : ''}: ${inject.message}`.slice(0, 4000) },
      actor,
      now,
    );
  await repository.update(
    orgId,
    id,
    { injects: before.injects.map((item) => (item.id === injectId ? { ...item, sentAt: now.toISOString(), ...(alert ? { alert } : {}) } : item)) },
    now,
  );
  const after = (await repository.get(orgId, id))!;
  await recordAudit(trx, { org: orgId, action: 'inject', entityType: 'exercise', entityId: id, before, after }, now);
  return after;
}

/** Sends an inject now (a live test's goes to its crisis log, and as an alert to its audience when it has one). */
export async function sendInject(db: Kysely<Database>, orgId: string, id: string, injectId: string, actor: IncidentActor, now = new Date()) {
  const exercise = await getExercise(db, orgId, id);
  const inject = sendableInject(exercise, injectId);
  // The directory is read before the transaction: a person removed since the plan is named in the refusal.
  if (exercise.incident && inject.audience) await checkAlertAudience(db, orgId, injectAlertRequest(inject));
  return db.transaction().execute((trx) => deliverInject(trx, orgId, id, injectId, actor, now));
}

/**
 * What the timed job does: sends the inject unless it has nothing left to do (sent by hand before its time, the
 * exercise completed or cancelled, its incident closed), which it says as `skipped`. `write` is the job's fenced
 * transaction: a claim lost to another process writes nothing.
 */
export async function sendTimedInject(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  injectId: string,
  write: <T>(work: (trx: Transaction<Database>) => Promise<T>) => Promise<T | undefined>,
  now = new Date(),
): Promise<{ sent: boolean; skipped?: string }> {
  const exercise = UUID.test(id) ? await new ExerciseRepository(db).get(orgId, id) : undefined;
  const inject = exercise?.injects.find((item) => item.id === injectId);
  const skipped = (why: string) => ({ sent: false, skipped: why });
  if (!exercise || !inject) return skipped('gone');
  if (exercise.status !== 'running') return skipped(exercise.status);
  if (inject.sentAt) return skipped('sent');
  if (exercise.incident && (await getIncident(db, orgId, exercise.incident)).status === 'closed') return skipped('incident_closed');
  if (exercise.incident && inject.audience) await checkAlertAudience(db, orgId, injectAlertRequest(inject));
  try {
    return (await write(async (trx) => (await deliverInject(trx, orgId, id, injectId, TIMED_INJECT_ACTOR, now), { sent: true }))) ?? skipped('claim_lost');
  } catch (error) {
    // Sent by hand, or the exercise ended, between the read above and the lock: nothing left to do.
    const rule = error instanceof RempartError ? error.details[0]?.rule : undefined;
    if (rule === 'sent' || rule === 'running' || rule === 'closed') return skipped(rule);
    throw error;
  }
}

/** Per exercised activity, the recovery the simulation measured (its longest disruption) against its RTO. */
function simulatedRecovery(result: SimulationResult, model: OrganisationModel, activities: readonly string[]): ExerciseResults['recovery'] {
  const byId = new Map(model.activities.map((activity) => [activity.id, activity]));
  const lines = result.activities.filter((line) => activities.length === 0 || activities.includes(line.id));
  return lines.map((line) => {
    const activity = byId.get(line.id);
    const rto = activity?.rto ?? 0;
    const recoveryHours = line.firstDisrupted === null ? 0 : line.recoveredAt === null ? null : line.longestDisruption;
    return {
      activity: line.id,
      name: activity?.name ?? line.id,
      rto,
      recoveryHours,
      rtoMet: recoveryHours === null ? false : recoveryHours <= rto,
      measuredBy: 'simulation',
    };
  });
}

/**
 * Completes a running exercise with its results. Recovery is measured, not typed: a live test's from its incident's
 * review (the incident closed first), a simulation's from its run, a tabletop's or walkthrough's from the times
 * the observers noted. Lessons with an action become corrective actions whose source is the exercise.
 */
export async function completeExercise(
  db: Kysely<Database>,
  orgId: string,
  id: string,
  completion: ExerciseCompletion,
  actor: { label: string },
  now = new Date(),
) {
  const exercise = await getExercise(db, orgId, id);
  if (exercise.status !== 'running') throw statusConflict(exercise, ['running'], 'Completing');
  const problems: Problem[] = [];
  const objectiveIds = new Set(exercise.objectives.map((objective) => objective.id));
  completion.objectives.forEach((objective, i) => {
    if (!objectiveIds.has(objective.id))
      problems.push({ path: `body.objectives[${i}].id`, rule: 'unknown_reference', value: objective.id, message: 'not an objective of this exercise' });
  });
  const model = await exportModel(db, orgId);
  const byId = new Map(model.activities.map((activity) => [activity.id, activity]));
  let recovery: ExerciseResults['recovery'] = [];
  if (exercise.kind === 'liveTest' || exercise.kind === 'simulation') {
    if (completion.recovery.length)
      problems.push({
        path: 'body.recovery',
        rule: 'measured',
        value: completion.recovery.length,
        message: `a ${exercise.kind} measures its own recovery times`,
      });
  } else
    completion.recovery.forEach((line, i) => {
      const activity = byId.get(line.activity);
      const hours = (Date.parse(line.recoveredAt) - Date.parse(line.disruptedAt)) / HOUR;
      if (!activity) problems.push({ path: `body.recovery[${i}].activity`, rule: 'unknown_reference', value: line.activity, message: 'no such activity' });
      else if (hours < 0) problems.push({ path: `body.recovery[${i}].recoveredAt`, rule: 'order', value: line.recoveredAt, message: 'after disruptedAt' });
      else {
        const recoveryHours = Math.round(hours * 100) / 100;
        recovery.push({
          activity: activity.id,
          name: activity.name,
          rto: activity.rto,
          recoveryHours,
          rtoMet: recoveryHours <= activity.rto,
          measuredBy: 'observers',
        });
      }
    });
  await refuse(problems);
  if (exercise.kind === 'liveTest') {
    const incident = await getIncident(db, orgId, exercise.incident!);
    if (incident.status !== 'closed')
      throw new RempartError('conflict', 'Close the exercise’s incident with its review first: its recovery times are measured there.', [
        { path: 'incident', rule: 'incident_open', value: incident.id, message: 'close the incident first' },
      ]);
    recovery = (await incidentReview(db, orgId, incident.id)).recovery.map((line) => ({
      activity: line.activity,
      name: line.name,
      rto: line.rto,
      recoveryHours: line.recoveryHours,
      rtoMet: line.rtoMet,
      measuredBy: 'incident',
    }));
  }
  if (exercise.kind === 'simulation')
    recovery = simulatedRecovery((await getRun(db, orgId, exercise.run!)).result as SimulationResult, model, exercise.activities);

  return db.transaction().execute(async (trx) => {
    const repository = new ExerciseRepository(trx);
    const before = (await repository.get(orgId, id, { lock: true }))!;
    if (before.status !== 'running') throw statusConflict(before, ['running'], 'Completing');
    const lessons: ExerciseResults['lessons'] = [];
    for (const lesson of completion.lessons) {
      const action = lesson.action
        ? await insertCorrectiveAction(
            trx,
            orgId,
            {
              kind: lesson.action.kind,
              sourceKind: 'exercise',
              sourceId: id,
              incident: null,
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
    const met = new Map(completion.objectives.map((objective) => [objective.id, objective]));
    const objectives = before.objectives.map((objective) => {
      const result = met.get(objective.id);
      return result ? { ...objective, met: result.met, ...(result.note ? { note: result.note } : {}) } : objective;
    });
    await repository.update(
      orgId,
      id,
      { status: 'completed', completedAt: now, objectives, results: { summary: completion.summary ?? null, recovery, lessons } },
      now,
    );
    const after = (await repository.get(orgId, id))!;
    await recordAudit(trx, { org: orgId, action: 'complete', entityType: 'exercise', entityId: id, before, after }, now);
    return after;
  });
}

/**
 * Which critical activities (MTPD at most `mtpdAtMost` hours) no exercise completed in the last `years` covered,
 * and a suggested next programme: the shortest MTPDs first, in varied kinds, one exercise a month from next month.
 */
export async function exerciseCoverage(
  db: Kysely<Database>,
  orgId: string,
  options: { mtpdAtMost: number; years: number },
  now = new Date(),
): Promise<ExerciseCoverage> {
  const since = new Date(now);
  since.setUTCFullYear(since.getUTCFullYear() - options.years);
  const [model, completed] = await Promise.all([exportModel(db, orgId), new ExerciseRepository(db).list(orgId, { status: 'completed' })]);
  const recent = completed.filter((exercise) => exercise.completedAt && exercise.completedAt >= since);
  const kindsUsed: Record<string, number> = {};
  for (const exercise of recent) kindsUsed[exercise.kind] = (kindsUsed[exercise.kind] ?? 0) + 1;
  const critical = model.activities.filter((activity) => activity.mtpd <= options.mtpdAtMost).sort((a, b) => a.mtpd - b.mtpd || a.id.localeCompare(b.id));
  const activities = critical.map((activity) => {
    const last = completed
      .filter((exercise) => exercise.activities.includes(activity.id))
      .sort((a, b) => b.completedAt!.getTime() - a.completedAt!.getTime())[0];
    return {
      activity: activity.id,
      name: activity.name,
      mtpd: activity.mtpd,
      rto: activity.rto,
      lastExercised: last?.completedAt?.toISOString() ?? null,
      lastExercise: last?.id ?? null,
      covered: !!last && last.completedAt! >= since,
    };
  });
  const uncovered = activities.filter((line) => !line.covered);
  // The most critical are tested for real; the next played on the engine (once a programme has no simulation), or
  // walked through; the rest discussed around a table. Three activities an exercise at most.
  const kindFor = (mtpd: number): ExerciseKind => (mtpd <= 24 ? 'liveTest' : mtpd <= 72 ? (kindsUsed.simulation ? 'walkthrough' : 'simulation') : 'tabletop');
  const groups = new Map<ExerciseKind, typeof uncovered>();
  for (const line of uncovered) groups.set(kindFor(line.mtpd), [...(groups.get(kindFor(line.mtpd)) ?? []), line]);
  const suggested: ExerciseCoverage['suggested'] = [];
  let month = 1;
  for (const [kind, lines] of groups)
    for (let i = 0; i < lines.length; i += 3) {
      const batch = lines.slice(i, i + 3);
      const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + month++, 1));
      suggested.push({
        kind,
        title: `${kind} — ${batch.map((line) => line.name).join(', ')}`,
        activities: batch.map((line) => line.activity),
        month: date.toISOString().slice(0, 7),
        why: batch
          .map((line) => `${line.name} (MTPD ${line.mtpd} h) ${line.lastExercised ? `last exercised ${line.lastExercised.slice(0, 10)}` : 'never exercised'}`)
          .join('; '),
      });
    }
  return {
    since: since.toISOString(),
    mtpdAtMost: options.mtpdAtMost,
    activities,
    uncovered: uncovered.map((line) => line.activity),
    kindsUsed,
    suggested,
  };
}
