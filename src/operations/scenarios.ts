// Scenarios of an organisation and their runs: save, simulate now, or queue Monte Carlo and recommendations as jobs.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { validateScenario } from '../engine/validate.js';
import { EngineInputError } from '../engine/validate.js';
import { simulate } from '../engine/simulate.js';
import { RempartError } from '../errors.js';
import type { OrganisationModel } from '../model/organisation.js';
import { problemsFromZod } from '../model/problem.js';
import { DEFAULT_MONTE_CARLO_RUNS, Scenario } from '../model/scenario.js';
import { DATA_DIR } from '../paths.js';
import { ModelRepository } from '../store/model-repository.js';
import type { Database } from '../store/schema.js';
import { recordAudit } from './audit.js';
import { cancelJob, enqueueJob } from './jobs/queue.js';
import { exportModel, notFound } from './model-writer.js';

export type RunKind = 'simulation' | 'montecarlo' | 'recommendation';
export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Run {
  id: string;
  kind: RunKind;
  scenarios: string[];
  status: RunStatus;
  progress: number;
  modelVersion: number;
  /** True when the model has changed since this run: its figures may no longer hold. */
  stale?: boolean;
  params: Record<string, unknown>;
  result: unknown;
  error: unknown;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

let libraryCache: Promise<Scenario[]> | undefined;

/** The shipped scenario library (data/scenarios), validated once per process. */
export function scenarioLibrary(): Promise<Scenario[]> {
  libraryCache ??= (async () => {
    const folder = join(DATA_DIR, 'scenarios');
    const files = (await readdir(folder)).filter((file) => file.endsWith('.json')).sort();
    return Promise.all(
      files.map(async (file) => {
        const json = JSON.parse(await readFile(join(folder, file), 'utf8'));
        const parsed = Scenario.safeParse(json);
        if (!parsed.success)
          throw new Error(
            `data/scenarios/${file} is invalid: ${problemsFromZod(parsed.error, json)
              .map((p) => `${p.path} ${p.message}`)
              .join('; ')}`,
          );
        return parsed.data;
      }),
    );
  })();
  return libraryCache;
}

/** Copies the library's scenarios into the organisation (replacing those with the same ids). */
export async function installScenarioLibrary(db: Kysely<Database>, orgId: string): Promise<number> {
  const library = await scenarioLibrary();
  await db.transaction().execute(async (trx) => {
    await new ModelRepository(trx).upsertEntities(orgId, 'scenarios', library as Array<Scenario & { id: string }>);
    await recordAudit(trx, {
      org: orgId,
      action: 'install',
      entityType: 'scenarios',
      entityId: null,
      after: { scenarios: library.map((scenario) => scenario.id) },
    });
  });
  return library.length;
}

/** The organisation's model, ready for the engine, with its version. */
async function engineModel(db: Kysely<Database>, orgId: string): Promise<{ model: OrganisationModel; version: number }> {
  const repository = new ModelRepository(db);
  const org = await repository.getOrganisation(orgId);
  if (!org) throw notFound('organisation', orgId);
  return { model: await exportModel(db, orgId), version: org.modelVersion };
}

function scenarioProblems(model: OrganisationModel, scenario: Scenario) {
  return validateScenario(model, scenario);
}

export async function saveScenario(
  db: Kysely<Database>,
  orgId: string,
  scenario: Scenario & { id: string },
  replacing?: string,
): Promise<Scenario & { id: string }> {
  const { model } = await engineModel(db, orgId);
  const problems = scenarioProblems(model, scenario);
  if (problems.length > 0) throw new RempartError('invalid_reference', `The scenario has ${problems.length} problem(s).`, problems);
  try {
    await db.transaction().execute(async (trx) => {
      const repository = new ModelRepository(trx);
      if (replacing === undefined) {
        await repository.insertEntity(orgId, 'scenarios', scenario);
        await recordAudit(trx, { org: orgId, action: 'create', entityType: 'scenario', entityId: scenario.id, after: scenario });
      } else {
        const before = await repository.getEntity(orgId, 'scenarios', replacing);
        if (!before) throw notFound('scenario', replacing);
        await repository.replaceEntity(orgId, 'scenarios', replacing, scenario);
        await recordAudit(trx, { org: orgId, action: 'update', entityType: 'scenario', entityId: replacing, before, after: scenario });
      }
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505')
      throw new RempartError('duplicate_id', `The organisation already has a scenario with id "${scenario.id}".`, [
        { path: 'id', rule: 'unique', value: scenario.id, message: 'already used' },
      ]);
    throw error;
  }
  return scenario;
}

/** Deletes a scenario of the organisation; the runs made with it keep their copy. */
export async function deleteScenario(db: Kysely<Database>, orgId: string, scenarioId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const repository = new ModelRepository(trx);
    if (!(await repository.getOrganisation(orgId))) throw notFound('organisation', orgId);
    const before = await repository.getEntity(orgId, 'scenarios', scenarioId);
    if (!before) throw notFound('scenario', scenarioId);
    // Risks may link to library scenarios by id; only a scenario of the organisation's own leaves them dangling.
    const shipped = (await scenarioLibrary()).some((scenario) => scenario.id === scenarioId);
    const linking = shipped ? [] : await repository.risksLinkingScenario(orgId, scenarioId);
    if (linking.length > 0)
      throw new RempartError(
        'in_use',
        `The scenario "${scenarioId}" is linked from ${linking.length} risk(s); unlink it there first.`,
        linking.map((risk) => ({
          path: `risks[${risk}].scenarios`,
          rule: 'unknown_reference',
          value: scenarioId,
          message: `risk ${risk} links to scenario "${scenarioId}"`,
        })),
      );
    if (!(await repository.deleteEntity(orgId, 'scenarios', scenarioId))) throw notFound('scenario', scenarioId);
    await recordAudit(trx, { org: orgId, action: 'delete', entityType: 'scenario', entityId: scenarioId, before });
  });
}

async function loadScenarios(db: Kysely<Database>, orgId: string, ids: readonly string[]): Promise<Scenario[]> {
  const repository = new ModelRepository(db);
  return Promise.all(
    ids.map(async (id) => {
      const scenario = await repository.getEntity(orgId, 'scenarios', id);
      if (!scenario) throw notFound('scenario', id);
      return scenario;
    }),
  );
}

/** The engine refuses a model or scenario that breaks its rules: tell the user what to fix first. */
export function engineRefusal(error: unknown): never {
  if (error instanceof EngineInputError)
    throw new RempartError('model_invalid', `The model or scenario cannot be simulated until ${error.problems.length} problem(s) are fixed.`, error.problems);
  throw error;
}

function toRun(
  row: {
    id: string;
    kind: RunKind;
    scenario_ids: string[];
    status: RunStatus;
    progress: number;
    model_version: number;
    input: unknown;
    result: unknown;
    error: unknown;
    created_at: Date;
    started_at: Date | null;
    finished_at: Date | null;
  },
  currentVersion?: number,
): Run {
  const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);
  return {
    id: row.id,
    kind: row.kind,
    scenarios: row.scenario_ids,
    status: row.status,
    progress: row.progress,
    modelVersion: row.model_version,
    ...(currentVersion !== undefined ? { stale: currentVersion !== row.model_version } : {}),
    params: ((row.input as { params?: Record<string, unknown> }) ?? {}).params ?? {},
    result: row.result,
    error: row.error,
    createdAt: new Date(row.created_at).toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

/** Simulates a stored scenario on the stored model now (it takes milliseconds) and keeps the result. */
export async function simulateStored(db: Kysely<Database>, orgId: string, scenarioId: string): Promise<Run> {
  const { model, version } = await engineModel(db, orgId);
  const [scenario] = await loadScenarios(db, orgId, [scenarioId]);
  let result;
  try {
    result = simulate(model, scenario);
  } catch (error) {
    engineRefusal(error);
  }
  const row = await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('scenario_runs')
      .values({
        org_id: orgId,
        kind: 'simulation',
        scenario_ids: [scenarioId],
        input: JSON.stringify({ scenarios: [scenario], params: {} }),
        model_version: version,
        status: 'done',
        progress: 1,
        result: JSON.stringify(result),
        started_at: sql`now()`,
        finished_at: sql`now()`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      org: orgId,
      action: 'simulate',
      entityType: 'run',
      entityId: inserted.id,
      after: { kind: 'simulation', scenarios: [scenarioId], modelVersion: version },
    });
    return inserted;
  });
  return toRun(row, version);
}

/** Limits that keep one organisation from filling the shared job queue (README, "Scenarios"). */
export interface JobLimits {
  /** Queued and running jobs an organisation may have at once (REMPART_JOBS_PER_ORG). */
  perOrganisation: number;
  /** Runs a Monte Carlo job may ask for (REMPART_MAX_RUNS). */
  maxRuns: number;
}

/**
 * 5 jobs: enough for a few scenarios compared side by side, while 30 jobs from one organisation can no longer
 * crowd the queue. 100,000 runs: a breach probability to within ±0.3 % (95 %) and a stable p99, about 7 s on
 * two cores for the demo organisation's pandemic scenario; a million runs add nothing a decision needs.
 */
export const JOB_LIMIT_DEFAULTS: Readonly<JobLimits> = Object.freeze({ perOrganisation: 5, maxRuns: 100_000 });

/** Seconds a refused client is told to wait: jobs take seconds to minutes, so there is no exact figure to give. */
const QUEUE_FULL_RETRY_SECONDS = 30;

export interface JobRequest {
  kind: 'montecarlo' | 'recommendation';
  scenarios: string[];
  runs?: number;
  seed?: number;
  candidates?: string[];
}

/**
 * Queues a long run; any server process's job runner will claim it. Refused with `rate_limited` when the
 * organisation already has `limits.perOrganisation` queued or running jobs.
 */
export async function enqueueRun(
  db: Kysely<Database>,
  orgId: string,
  request: JobRequest,
  limits: Pick<JobLimits, 'perOrganisation'> = JOB_LIMIT_DEFAULTS,
): Promise<Run> {
  const { model, version } = await engineModel(db, orgId);
  const scenarios = await loadScenarios(db, orgId, request.scenarios);
  // Refuse now what the engine would refuse later, so the user hears it from this request, not from a failed job.
  const problems = scenarios.flatMap((scenario, i) => scenarioProblems(model, scenario).map((p) => ({ ...p, path: `scenarios[${i}].${p.path}` })));
  const unknownCandidates = (request.candidates ?? []).filter((id) => !model.strategies.some((s) => s.id === id));
  unknownCandidates.forEach((id) => problems.push({ path: 'candidates', rule: 'unknown_reference', value: id, message: `no strategy with id "${id}"` }));
  if (problems.length > 0) throw new RempartError('invalid_reference', `The request has ${problems.length} problem(s).`, problems);
  const params =
    request.kind === 'montecarlo' ? { runs: request.runs ?? DEFAULT_MONTE_CARLO_RUNS, seed: request.seed ?? 1 } : { candidates: request.candidates ?? null };
  const row = await db.transaction().execute(async (trx) => {
    // Count and insert under one lock per organisation: simultaneous requests must not all see room for one more.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`rempart.jobs:${orgId}`}, 0))`.execute(trx);
    const { active } = await trx
      .selectFrom('scenario_runs')
      .select(sql<number>`count(*)::int`.as('active'))
      .where('org_id', '=', orgId)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirstOrThrow();
    if (active >= limits.perOrganisation)
      throw new RempartError(
        'rate_limited',
        `The organisation already has ${active} queued or running jobs, the most allowed (${limits.perOrganisation}, REMPART_JOBS_PER_ORG): wait for one to finish, or cancel one.`,
        [
          {
            path: 'jobs',
            rule: 'max_jobs_per_organisation',
            value: active,
            message: `at most ${limits.perOrganisation} queued or running jobs per organisation`,
          },
        ],
        { retryAfter: QUEUE_FULL_RETRY_SECONDS },
      );
    const inserted = await trx
      .insertInto('scenario_runs')
      .values({
        org_id: orgId,
        kind: request.kind,
        scenario_ids: request.scenarios,
        input: JSON.stringify({ scenarios, params }),
        model_version: version,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    // The run and its job commit together: no job without its run, no run left without a job.
    await enqueueJob(trx, { org: orgId, kind: `runs.${request.kind}`, id: inserted.id, payload: { run: inserted.id } });
    await recordAudit(trx, {
      org: orgId,
      action: 'queue',
      entityType: 'run',
      entityId: inserted.id,
      after: { kind: request.kind, scenarios: request.scenarios, params, modelVersion: version },
    });
    return inserted;
  });
  return toRun(row, version);
}

export async function getRun(db: Kysely<Database>, orgId: string, runId: string): Promise<Run> {
  const org = await new ModelRepository(db).getOrganisation(orgId);
  if (!org) throw notFound('organisation', orgId);
  const row = await db.selectFrom('scenario_runs').selectAll().where('org_id', '=', orgId).where('id', '=', runId).executeTakeFirst();
  if (!row) throw notFound('run', runId);
  return toRun(row, org.modelVersion);
}

export async function listRuns(db: Kysely<Database>, orgId: string, limit: number, scenario?: string): Promise<Run[]> {
  const org = await new ModelRepository(db).getOrganisation(orgId);
  if (!org) throw notFound('organisation', orgId);
  let query = db.selectFrom('scenario_runs').selectAll().where('org_id', '=', orgId);
  if (scenario) query = query.where(sql<boolean>`${scenario} = any(scenario_ids)`);
  const rows = await query.orderBy('created_at', 'desc').limit(limit).execute();
  // Lists stay light: results are read one run at a time.
  return rows.map((row) => ({ ...toRun(row, org.modelVersion), result: undefined }));
}

/**
 * Asks for a queued or running job to stop; a queued one, or a running one that no process holds between two of
 * its turns, is cancelled at once (the job and its run in one transaction); otherwise its holder stops at its next
 * heartbeat and marks the run cancelled.
 */
export async function cancelRun(db: Kysely<Database>, orgId: string, runId: string): Promise<Run> {
  const before = await getRun(db, orgId, runId);
  await db.transaction().execute(async (trx) => {
    const outcome = await cancelJob(trx, orgId, runId);
    if (outcome === 'cancelled')
      await trx
        .updateTable('scenario_runs')
        .set({ status: 'cancelled', finished_at: sql`now()` })
        .where('org_id', '=', orgId)
        .where('id', '=', runId)
        .where('status', 'in', ['queued', 'running'])
        .execute();
    if (outcome !== 'none')
      await recordAudit(trx, {
        org: orgId,
        action: 'cancel',
        entityType: 'run',
        entityId: runId,
        before: { status: before.status, progress: before.progress },
      });
  });
  return getRun(db, orgId, runId);
}
