// Validates the shipped data (demo organisation, scenario library): Zod schemas, cross references, BIA consistency.
// Usage: npx tsx scripts/check-data.ts [data-folder]   (exit 1 and a list of problems when anything is wrong)
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, basename, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OrganisationModel, type OrganisationModel as Model } from '../src/model/organisation.js';
import { Scenario, type Scenario as ScenarioType, type Distribution } from '../src/model/scenario.js';
import { problem, problemsFromZod, type Problem } from '../src/model/problem.js';

/** A problem and the file it was found in. */
export interface FileProblem extends Problem {
  file: string;
}

type Path = ReadonlyArray<PropertyKey>;

/**
 * The findings the demo has on purpose, so that a newcomer sees one before breaking anything (data/README.md):
 * `activity:application` recovery gaps. No scenario of the library takes these applications down.
 */
const DELIBERATE_RECOVERY_GAPS = ['document-print-mail:print-mail-hub', 'policy-administration:print-mail-hub'];

function readJson(file: string, problems: Problem[]): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(problem([], 'json', null, `cannot read or parse the file: ${(error as Error).message}`));
    return undefined;
  }
}

/** Every named entity should read well in both interface languages. */
function checkNames(item: { names?: { en?: string; fr?: string } }, path: Path, problems: Problem[]): void {
  for (const language of ['en', 'fr'] as const)
    if (!item.names?.[language]) problems.push(problem([...path, 'names', language], 'missing_translation', undefined, `a ${language} name is required`));
}

/** An English description is the reference text: the French interface needs its own beside it. */
function checkDescription(item: { description?: string; descriptions?: { fr?: string } }, path: Path, problems: Problem[]): void {
  if (item.description && !item.descriptions?.fr?.trim())
    problems.push(problem([...path, 'descriptions', 'fr'], 'missing_translation', undefined, 'a fr description is required beside the description'));
}

function uniqueIds(collection: string, items: ReadonlyArray<{ id: string }>, problems: Problem[]): Set<string> {
  const ids = new Set<string>();
  items.forEach((item, index) => {
    if (ids.has(item.id)) problems.push(problem([collection, index, 'id'], 'duplicate_id', item.id, `${collection} already has an item with id "${item.id}"`));
    ids.add(item.id);
  });
  return ids;
}

function reference(ids: Set<string>, kind: string, id: string, path: Path, problems: Problem[]): void {
  if (!ids.has(id)) problems.push(problem(path, 'unknown_reference', id, `no ${kind} with id "${id}"`));
}

/** Cycles in `dependsOn`, each as the ids in dependency order (a → b → a is `['a', 'b']`). */
function dependencyCycles(activities: ReadonlyArray<{ id: string; dependsOn: ReadonlyArray<string> }>): string[][] {
  const edges = new Map(activities.map((activity) => [activity.id, activity.dependsOn]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    state.set(id, 'open');
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      if (!edges.has(next)) continue;
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of edges.keys()) if (!state.has(id)) visit(id);
  return cycles;
}

/** Checks of the organisation document beyond its schema. */
export function organisationProblems(model: Model): Problem[] {
  const problems: Problem[] = [];
  if (!model.organisation)
    problems.push(problem(['organisation'], 'required', undefined, 'the demo needs an organisation block (id, name, names, description)'));
  else {
    if (model.organisation.id !== 'demo')
      problems.push(problem(['organisation', 'id'], 'demo_id', model.organisation.id, 'the demo organisation id must be "demo"'));
    checkNames(model.organisation, ['organisation'], problems);
    if (!model.organisation.description) problems.push(problem(['organisation', 'description'], 'required', undefined, 'describe the organisation'));
  }
  if (!model.bia) {
    problems.push(problem(['bia'], 'required', undefined, 'the demo needs its BIA settings'));
    return problems;
  }
  const bia = model.bia;

  const sites = uniqueIds('sites', model.sites, problems);
  const pools = uniqueIds('pools', model.pools, problems);
  const applications = uniqueIds('applications', model.applications, problems);
  const suppliers = uniqueIds('suppliers', model.suppliers, problems);
  const activities = uniqueIds('activities', model.activities, problems);
  uniqueIds('strategies', model.strategies, problems);
  for (const collection of ['sites', 'pools', 'applications', 'suppliers', 'activities', 'strategies'] as const)
    model[collection].forEach((item, index) => {
      checkNames(item, [collection, index], problems);
      checkDescription(item, [collection, index], problems);
    });

  const applicationById = new Map(model.applications.map((application) => [application.id, application]));
  const activityById = new Map(model.activities.map((activity) => [activity.id, activity]));
  const scale = new Set(bia.scale.map((level) => level.value));

  model.activities.forEach((activity, a) => {
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['activities', a, ...rest];
    if (activity.rto > activity.mtpd)
      problems.push(problem(at('rto'), 'rto_above_mtpd', activity.rto, `RTO (${activity.rto} h) is longer than the MTPD (${activity.mtpd} h)`));
    if (!activity.owner) problems.push(problem(at('owner'), 'required', undefined, 'every activity of the demo has an owner'));
    if (!activity.description) problems.push(problem(at('description'), 'required', undefined, 'every activity of the demo has a description'));

    activity.staff.forEach((entry, s) => {
      reference(sites, 'site', entry.site, at('staff', s, 'site'), problems);
      entry.access.forEach((pool, p) => reference(pools, 'pool', pool, at('staff', s, 'access', p), problems));
      if (entry.remote > 0 && entry.access.length === 0)
        problems.push(
          problem(at('staff', s, 'access'), 'remote_without_access', entry.access, `${entry.remote} of these staff can work remotely but no pool is listed`),
        );
    });
    activity.applications.forEach((id, i) => {
      reference(applications, 'application', id, at('applications', i), problems);
      const application = applicationById.get(id);
      const deliberate = DELIBERATE_RECOVERY_GAPS.includes(`${activity.id}:${id}`);
      if (deliberate && !(application && application.rto > activity.rto))
        problems.push(problem(at('applications', i), 'deliberate_finding', id, `the demo's deliberate recovery gap on ${id} is gone: update data/README.md`));
      // The product reports these as BIA findings; the demo shows only the ones it has on purpose.
      if (application && application.rto > activity.rto && !deliberate)
        problems.push(
          problem(
            at('applications', i),
            'recovery_gap',
            id,
            `application ${id} recovers in ${application.rto} h, after the activity's RTO of ${activity.rto} h`,
          ),
        );
    });
    activity.suppliers.forEach((id, i) => reference(suppliers, 'supplier', id, at('suppliers', i), problems));
    activity.dependsOn.forEach((id, i) => {
      reference(activities, 'activity', id, at('dependsOn', i), problems);
      if (id === activity.id) problems.push(problem(at('dependsOn', i), 'self_dependency', id, 'an activity cannot depend on itself'));
      const upstream = activityById.get(id);
      if (upstream && upstream.rto > activity.rto)
        problems.push(
          problem(
            at('dependsOn', i),
            'upstream_rto',
            id,
            `upstream activity ${id} has an RTO of ${upstream.rto} h, longer than this activity's ${activity.rto} h`,
          ),
        );
    });

    // Impacts: every category, one rating per time point, on the scale, never decreasing over time.
    let firstIntolerable: number | null = null;
    for (const category of bia.categories) {
      const ratings = activity.impacts[category.id];
      if (!ratings) {
        problems.push(problem(at('impacts', category.id), 'missing_impacts', undefined, `no ratings for impact category "${category.id}"`));
        continue;
      }
      if (ratings.length !== bia.timePoints.length)
        problems.push(problem(at('impacts', category.id), 'length', ratings.length, `expected one rating per time point (${bia.timePoints.length})`));
      ratings.forEach((rating, index) => {
        if (rating === null) problems.push(problem(at('impacts', category.id, index), 'not_rated', null, 'every time point of the demo is rated'));
        else if (!scale.has(rating))
          problems.push(problem(at('impacts', category.id, index), 'not_in_scale', rating, `rating must be one of ${[...scale].join(', ')}`));
        const previous = ratings[index - 1];
        if (index > 0 && rating !== null && previous !== null && previous !== undefined && rating < previous)
          problems.push(
            problem(at('impacts', category.id, index), 'impact_decreases', rating, `impact falls from ${previous} to ${rating} as the disruption lasts longer`),
          );
        if (rating !== null && rating >= bia.intolerable && index < bia.timePoints.length) {
          const hours = bia.timePoints[index];
          if (firstIntolerable === null || hours < firstIntolerable) firstIntolerable = hours;
        }
      });
    }
    for (const category of Object.keys(activity.impacts))
      if (!bia.categories.some((known) => known.id === category))
        problems.push(problem(at('impacts', category), 'unknown_reference', category, `no impact category "${category}"`));
    if (firstIntolerable !== null && firstIntolerable !== activity.mtpd)
      problems.push(
        problem(
          at('mtpd'),
          'mtpd_differs_from_suggested',
          activity.mtpd,
          `the ratings become intolerable at ${firstIntolerable} h: the MTPD should be ${firstIntolerable} h`,
        ),
      );
    if (firstIntolerable === null && activity.mtpd <= bia.timePoints[bia.timePoints.length - 1])
      problems.push(
        problem(
          at('mtpd'),
          'mtpd_without_intolerable_impact',
          activity.mtpd,
          'no rating reaches the intolerable level, yet the MTPD is within the assessed time frame',
        ),
      );
  });

  for (const cycle of dependencyCycles(model.activities)) {
    const index = model.activities.findIndex((activity) => activity.id === cycle[0]);
    problems.push(problem(['activities', index, 'dependsOn'], 'dependency_cycle', cycle, `dependency cycle: ${[...cycle, cycle[0]].join(' → ')}`));
  }

  model.strategies.forEach((strategy, s) => {
    const effect = strategy.effect;
    const path = ['strategies', s, 'effect'];
    if (effect.type === 'poolCapacity') reference(pools, 'pool', effect.pool, [...path, 'pool'], problems);
    if (effect.type === 'workaround') reference(applications, 'application', effect.application, [...path, 'application'], problems);
    if (effect.type === 'alternateSupplier') reference(suppliers, 'supplier', effect.supplier, [...path, 'supplier'], problems);
    if (effect.type === 'alternateSite') effect.sites?.forEach((id, i) => reference(sites, 'site', id, [...path, 'sites', i], problems));
  });
  return problems;
}

/** The smallest and largest value a number or distribution can take (normal: unbounded). */
function range(value: number | Distribution): [number, number] {
  if (typeof value === 'number') return [value, value];
  if ('uniform' in value) return [Math.min(...value.uniform), Math.max(...value.uniform)];
  if ('triangular' in value) return [value.triangular[0], value.triangular[2]];
  if ('choice' in value) return [Math.min(...value.choice), Math.max(...value.choice)];
  return [-Infinity, Infinity];
}

function distributionProblems(value: number | Distribution, path: Path, bounds: [number, number], problems: Problem[]): void {
  if (typeof value !== 'number') {
    if ('uniform' in value && value.uniform[0] > value.uniform[1])
      problems.push(problem(path, 'distribution_order', value, 'uniform: [low, high] with low <= high'));
    if ('triangular' in value) {
      const [low, mode, high] = value.triangular;
      if (!(low <= mode && mode <= high)) problems.push(problem(path, 'distribution_order', value, 'triangular: [min, mode, max] with min <= mode <= max'));
    }
  }
  const [low, high] = range(value);
  if (Number.isFinite(low) && (low < bounds[0] || high > bounds[1]))
    problems.push(problem(path, 'out_of_range', value, `values must stay within [${bounds[0]}, ${bounds[1]}]`));
}

/** Checks of one scenario against the demo organisation. */
export function scenarioProblems(scenario: ScenarioType, model: Model, fileId: string): Problem[] {
  const problems: Problem[] = [];
  if (scenario.id !== fileId) problems.push(problem(['id'], 'id_matches_file', scenario.id, `the id must be the file name, "${fileId}"`));
  if (!scenario.name) problems.push(problem(['name'], 'required', undefined, 'a scenario of the library has a name'));
  checkNames(scenario, [], problems);
  for (const language of ['en', 'fr'] as const)
    if (!scenario.descriptions?.[language])
      problems.push(problem(['descriptions', language], 'missing_translation', undefined, `a ${language} description is required`));
  if (!scenario.description) problems.push(problem(['description'], 'required', undefined, 'a scenario of the library has a description'));
  if (scenario.frequency === undefined) problems.push(problem(['frequency'], 'required', undefined, 'give the expected occurrences per year'));
  if (scenario.disruptions.length === 0) problems.push(problem(['disruptions'], 'required', [], 'a scenario needs at least one disruption'));

  const sites = new Set(model.sites.map((site) => site.id));
  const applications = new Set(model.applications.map((application) => application.id));
  const suppliers = new Set(model.suppliers.map((supplier) => supplier.id));
  const strategies = new Set(model.strategies.map((strategy) => strategy.id));
  const horizon = scenario.horizon;
  const hours: [number, number] = [0, horizon];

  scenario.disruptions.forEach((disruption, d) => {
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['disruptions', d, ...rest];
    distributionProblems(disruption.from, at('from'), hours, problems);
    if (disruption.to !== undefined) {
      distributionProblems(disruption.to, at('to'), hours, problems);
      if (range(disruption.from)[1] >= range(disruption.to)[0])
        problems.push(problem(at('to'), 'window_order', disruption.to, 'the window must end after it starts (from < to for every drawn value)'));
    }
    switch (disruption.type) {
      case 'siteUnavailable':
        reference(sites, 'site', disruption.site, at('site'), problems);
        break;
      case 'lockdown':
        disruption.sites?.forEach((id, i) => reference(sites, 'site', id, at('sites', i), problems));
        break;
      case 'absenteeism': {
        disruption.sites?.forEach((id, i) => reference(sites, 'site', id, at('sites', i), problems));
        if ((disruption.rate === undefined) === (disruption.curve === undefined))
          problems.push(problem(at(), 'rate_or_curve', undefined, 'give exactly one of rate and curve'));
        if (disruption.rate !== undefined) distributionProblems(disruption.rate, at('rate'), [0, 1], problems);
        let previousLatest = -Infinity;
        disruption.curve?.forEach((point, p) => {
          distributionProblems(point.at, at('curve', p, 'at'), hours, problems);
          distributionProblems(point.rate, at('curve', p, 'rate'), [0, 1], problems);
          const [earliest, latest] = range(point.at);
          if (earliest < previousLatest)
            problems.push(problem(at('curve', p, 'at'), 'curve_order', point.at, 'curve points must stay in time order whatever values are drawn'));
          previousLatest = latest;
        });
        break;
      }
      case 'applicationOutage':
        reference(applications, 'application', disruption.application, at('application'), problems);
        break;
      case 'supplierOutage':
        reference(suppliers, 'supplier', disruption.supplier, at('supplier'), problems);
        break;
    }
  });
  scenario.activate.forEach((activation, a) => reference(strategies, 'strategy', activation.strategy, ['activate', a, 'strategy'], problems));
  return problems;
}

/** Every problem of the data folder: `demo/organisation.json` and `scenarios/*.json`. */
export function checkData(dataDir: string): { problems: FileProblem[]; model?: Model; scenarios: ScenarioType[] } {
  const problems: FileProblem[] = [];
  const scenarios: ScenarioType[] = [];
  const collect = (file: string, found: Problem[]): void => {
    const shown = relative(process.cwd(), file);
    for (const item of found) problems.push({ file: shown && !shown.startsWith('..') ? shown : file, ...item });
  };

  const organisationFile = join(dataDir, 'demo', 'organisation.json');
  let model: Model | undefined;
  const readProblems: Problem[] = [];
  const raw = existsSync(organisationFile) ? readJson(organisationFile, readProblems) : undefined;
  if (!existsSync(organisationFile)) readProblems.push(problem([], 'missing_file', organisationFile, 'the demo organisation file is missing'));
  collect(organisationFile, readProblems);
  if (raw !== undefined) {
    const parsed = OrganisationModel.safeParse(raw);
    if (!parsed.success) collect(organisationFile, problemsFromZod(parsed.error, raw));
    else {
      model = parsed.data;
      collect(organisationFile, organisationProblems(model));
    }
  }

  const scenarioDir = join(dataDir, 'scenarios');
  const files = existsSync(scenarioDir)
    ? readdirSync(scenarioDir)
        .filter((name) => name.endsWith('.json'))
        .sort()
    : [];
  if (files.length === 0) collect(scenarioDir, [problem([], 'missing_file', scenarioDir, 'the scenario library is empty')]);
  const ids = new Map<string, string>();
  for (const name of files) {
    const file = join(scenarioDir, name);
    const found: Problem[] = [];
    const json = readJson(file, found);
    if (json !== undefined) {
      const parsed = Scenario.safeParse(json);
      if (!parsed.success) found.push(...problemsFromZod(parsed.error, json));
      else {
        scenarios.push(parsed.data);
        const id = parsed.data.id ?? '';
        if (ids.has(id)) found.push(problem(['id'], 'duplicate_id', id, `scenario id already used by ${ids.get(id)}`));
        ids.set(id, name);
        if (model) found.push(...scenarioProblems(parsed.data, model, basename(name, '.json')));
      }
    }
    collect(file, found);
  }
  return { problems, model, scenarios };
}

function main(): void {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const dataDir = process.argv[2] ?? join(here, '..', 'data');
  const { problems, model, scenarios } = checkData(dataDir);
  if (problems.length > 0) {
    console.error(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${dataDir}:`);
    for (const item of problems) {
      const value = item.value === undefined ? '' : ` (value: ${JSON.stringify(item.value)})`;
      console.error(`  ${item.file}: ${item.path || '(file)'} [${item.rule}] ${item.message}${value}`);
    }
    process.exit(1);
  }
  const staff = model?.activities.reduce((total, activity) => total + activity.staff.reduce((sum, entry) => sum + entry.headcount, 0), 0) ?? 0;
  const remote = model?.activities.reduce((total, activity) => total + activity.staff.reduce((sum, entry) => sum + entry.headcount * entry.remote, 0), 0) ?? 0;
  console.log(
    `data OK: ${model?.activities.length ?? 0} activities, ${staff} staff (${Math.round(remote)} able to work remotely), ` +
      `${model?.sites.length ?? 0} sites, ${model?.pools.length ?? 0} pools, ${model?.applications.length ?? 0} applications, ` +
      `${model?.suppliers.length ?? 0} suppliers, ${model?.strategies.length ?? 0} strategies, ${scenarios.length} scenarios`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
