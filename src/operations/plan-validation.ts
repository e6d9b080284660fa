// Validation of a plan by simulation: its scenarios are run with exactly the strategies its steps switch on, at the
// steps' times (counted from the scenario's first disruption, when the plan is activated), and each activity in
// scope is judged against its MTPD and RTO; with Monte Carlo, the probability of meeting each.
import type { Kysely } from 'kysely';
import { meanScenario } from '../engine/resolve.js';
import type { MonteCarloPartial } from '../engine/montecarlo.js';
import { simulate } from '../engine/simulate.js';
import { RempartError } from '../errors.js';
import type { PlanValidation } from '../model/contract/plans.js';
import type { OrganisationModel } from '../model/organisation.js';
import type { PlanContent } from '../model/plan.js';
import type { Scenario } from '../model/scenario.js';
import { ModelRepository } from '../store/model-repository.js';
import { PlanRepository } from '../store/plan-repository.js';
import type { Database } from '../store/schema.js';
import { recordAudit } from './audit.js';
import { enqueueJob } from './jobs/queue.js';
import { exportModel } from './model-writer.js';
import { runMonteCarloResumable } from './montecarlo-workers.js';
import { planNotFound } from './plans.js';
import { engineRefusal } from './scenarios.js';

/** The job kind computing a plan's Monte Carlo probabilities. */
export const PLAN_MONTE_CARLO_JOB = 'plans.validate-montecarlo';
/** Monte Carlo runs per scenario a plan validation may ask for. */
export const MAX_PLAN_RUNS = 5000;

/** The scenario as the plan runs it: its own activations replaced by the plan's steps, from its first disruption. */
export function planScenario(
  scenario: Scenario,
  content: PlanContent,
): { scenario: Scenario; activations: Array<{ strategy: string; at: number; step: string }> } {
  const resolved = meanScenario(scenario);
  const start = resolved.disruptions.length > 0 ? Math.min(...resolved.disruptions.map((d) => d.from)) : 0;
  const activations = content.steps
    .filter((step) => step.strategy !== undefined)
    .map((step) => ({ strategy: step.strategy!, at: start + step.at, step: step.id }));
  // One activation per strategy: the earliest step that switches it on.
  const first = new Map<string, { strategy: string; at: number; step: string }>();
  for (const activation of activations)
    if (!first.has(activation.strategy) || first.get(activation.strategy)!.at > activation.at) first.set(activation.strategy, activation);
  const kept = [...first.values()];
  return { scenario: { ...scenario, activate: kept.map(({ strategy, at }) => ({ strategy, at })) }, activations: kept };
}

function inScope(model: OrganisationModel, content: PlanContent) {
  const scope = new Set(content.scope.activities);
  return model.activities.filter((activity) => scope.size === 0 || scope.has(activity.id));
}

/**
 * Validates a plan's content against its scenarios on a model (pure apart from the engine's CPU). With `montecarlo`,
 * the probabilities come from its runs of each scenario as the plan runs it (`planScenario`), by scenario id.
 */
export function validatePlanContent(
  model: OrganisationModel,
  scenarios: Array<Scenario & { id: string }>,
  planId: string,
  version: number,
  modelVersion: number,
  content: PlanContent,
  now: Date,
  montecarlo?: { runs: number; partials: ReadonlyMap<string, MonteCarloPartial> },
): PlanValidation {
  const activities = inScope(model, content);
  const results = scenarios.map((original) => {
    const { scenario, activations } = planScenario(original, content);
    let simulated;
    try {
      simulated = simulate(model, scenario);
    } catch (error) {
      engineRefusal(error);
    }
    const byId = new Map(simulated.activities.map((result) => [result.id, result]));
    let probabilities: Map<string, { rto: number; mtpd: number }> | undefined;
    const partial = montecarlo?.partials.get(original.id);
    if (montecarlo && partial) {
      probabilities = new Map();
      partial.activityIds.forEach((id, i) => {
        const activity = model.activities.find((a) => a.id === id)!;
        const within = (limit: number) => partial.longest[i].reduce((sum, [hours, runs]) => (hours <= limit ? sum + runs : sum), 0) / montecarlo.runs;
        probabilities!.set(id, { rto: within(activity.rto), mtpd: within(activity.mtpd) });
      });
    }
    const lines = activities.map((activity) => {
      const result = byId.get(activity.id)!;
      return {
        activity: activity.id,
        name: activity.name,
        ...(activity.names ? { names: activity.names } : {}),
        mtpd: activity.mtpd,
        rto: activity.rto,
        longestDisruption: result.longestDisruption,
        firstDisrupted: result.firstDisrupted,
        withinMtpd: !result.mtpdBreached,
        rtoMet: result.rtoMet,
        rtoProbability: probabilities?.get(activity.id)?.rto ?? null,
        mtpdProbability: probabilities?.get(activity.id)?.mtpd ?? null,
      };
    });
    return {
      scenario: original.id,
      name: original.name ?? original.id,
      ...(original.names ? { names: original.names } : {}),
      activations,
      activities: lines,
      breached: lines.filter((line) => !line.withinMtpd).length,
      runs: probabilities ? montecarlo!.runs : null,
    };
  });
  const findings = results.flatMap((scenario) =>
    scenario.activities
      .filter((line) => !line.withinMtpd)
      .map((line) => {
        const en = `This plan does not protect ${line.names?.en ?? line.name} in ${scenario.names?.en ?? scenario.name}: disrupted ${line.longestDisruption} h for an MTPD of ${line.mtpd} h.`;
        const fr = `Ce plan ne protège pas ${line.names?.fr ?? line.name} en cas de ${scenario.names?.fr ?? scenario.name} : interrompue ${line.longestDisruption} h pour une DMIA de ${line.mtpd} h.`;
        return { activity: line.activity, scenario: scenario.scenario, text: en, texts: { en, fr } };
      }),
  );
  return {
    plan: planId,
    version,
    modelVersion,
    ranAt: now.toISOString(),
    protects: findings.length === 0,
    scenarios: results,
    findings,
  };
}

/** The inputs of a validation: the model, its version, the plan's version and its scenarios as stored. */
async function inputs(db: Kysely<Database>, orgId: string, planId: string, version?: number) {
  const repository = new PlanRepository(db);
  const plan = await repository.get(orgId, planId);
  if (!plan) throw planNotFound(planId);
  const record = version === undefined ? plan.latest : await repository.version(orgId, planId, version);
  if (!record)
    throw new RempartError('not_found', `The plan has no version ${version}.`, [
      { path: 'query.version', rule: 'exists', value: version, message: 'no such version' },
    ]);
  if (record.content.scenarios.length === 0)
    throw new RempartError('conflict', 'Name the scenarios the plan must hold against (its `scenarios`) before validating it.', [
      { path: 'scenarios', rule: 'required', value: [], message: 'at least one scenario' },
    ]);
  const models = new ModelRepository(db);
  const organisation = await models.getOrganisation(orgId);
  const model = await exportModel(db, orgId);
  const scenarios = await Promise.all(
    record.content.scenarios.map(async (id, i) => {
      const scenario = await models.getEntity(orgId, 'scenarios', id);
      if (!scenario)
        throw new RempartError('invalid_reference', `The plan names a scenario "${id}" the organisation no longer has.`, [
          { path: `scenarios[${i}]`, rule: 'unknown_reference', value: id, message: 'no such scenario' },
        ]);
      return { ...scenario, id } as Scenario & { id: string };
    }),
  );
  return { record, model, modelVersion: organisation!.modelVersion, scenarios };
}

/**
 * Validates a version of a plan now (one simulation per scenario, with the scenarios' means) and keeps the result
 * with the version; with `runs`, a job then adds the Monte Carlo probabilities (`job` is its id).
 */
export async function validatePlan(
  db: Kysely<Database>,
  orgId: string,
  planId: string,
  options: { version?: number; runs?: number; seed?: number; now?: Date } = {},
): Promise<{ validation: PlanValidation; job: string | null }> {
  const now = options.now ?? new Date();
  const { record, model, modelVersion, scenarios } = await inputs(db, orgId, planId, options.version);
  const validation = validatePlanContent(model, scenarios, planId, record.version, modelVersion, record.content, now);
  const job = await db.transaction().execute(async (trx) => {
    await new PlanRepository(trx).setValidation(orgId, planId, record.version, validation);
    const queued = options.runs
      ? await enqueueJob(trx, {
          org: orgId,
          kind: PLAN_MONTE_CARLO_JOB,
          payload: { plan: planId, version: record.version, runs: options.runs, seed: options.seed ?? 1 },
        })
      : null;
    await recordAudit(trx, {
      org: orgId,
      action: 'validate',
      entityType: 'plan',
      entityId: planId,
      after: { version: record.version, protects: validation.protects, findings: validation.findings.length, montecarloJob: queued?.id ?? null },
    });
    return queued?.id ?? null;
  });
  return { validation, job };
}

/**
 * The Monte Carlo pass of a validation (run by its job): the same as `validatePlan`, with probabilities. The runs of
 * each scenario go to the pool of worker threads, as every Monte Carlo job's do (`workers` threads; `signal` aborts),
 * so the job runner's thread stays free; run i draws from (seed, i) whatever the number of threads.
 */
export async function validatePlanMonteCarlo(
  db: Kysely<Database>,
  orgId: string,
  planId: string,
  version: number,
  runs: number,
  seed: number,
  options: { workers?: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<PlanValidation> {
  const { record, model, modelVersion, scenarios } = await inputs(db, orgId, planId, version);
  const partials = new Map<string, MonteCarloPartial>();
  for (const [index, original] of scenarios.entries()) {
    let outcome;
    try {
      outcome = await runMonteCarloResumable(model, planScenario(original, record.content).scenario, {
        runs,
        seed,
        workers: options.workers ?? 1,
        signal: options.signal,
        onProgress: (done) => options.onProgress?.(index * runs + done, scenarios.length * runs),
      });
    } catch (error) {
      engineRefusal(error);
    }
    partials.set(original.id, outcome.partial!);
  }
  const validation = validatePlanContent(model, scenarios, planId, record.version, modelVersion, record.content, new Date(), { runs, partials });
  await db.transaction().execute(async (trx) => {
    await new PlanRepository(trx).setValidation(orgId, planId, record.version, validation);
    await recordAudit(trx, { org: orgId, action: 'validate', entityType: 'plan', entityId: planId, after: { version, runs, protects: validation.protects } });
  });
  return validation;
}
