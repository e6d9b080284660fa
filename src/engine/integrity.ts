// Referential integrity of an organisation model: ids unique per collection, every reference resolves.
import type { OrganisationModel } from '../model/organisation.js';
import { problem, type Problem } from '../model/problem.js';

type ModelLike = Pick<OrganisationModel, 'sites' | 'pools' | 'applications' | 'suppliers' | 'activities' | 'strategies'> &
  Partial<Pick<OrganisationModel, 'bia'>>;

function idSet(collection: string, items: ReadonlyArray<{ id: string }>, problems: Problem[]): Set<string> {
  const ids = new Set<string>();
  items.forEach((item, index) => {
    if (ids.has(item.id)) problems.push(problem([collection, index, 'id'], 'duplicate_id', item.id, `${collection} already has an item with id "${item.id}"`));
    ids.add(item.id);
  });
  return ids;
}

function checkRef(ids: Set<string>, kind: string, id: string, path: ReadonlyArray<PropertyKey>, problems: Problem[]): void {
  if (!ids.has(id)) problems.push(problem(path, 'unknown_reference', id, `no ${kind} with id "${id}"`));
}

/** A list of references names each item once: a repeated id would count twice in findings and simulations. */
function checkUnique(list: ReadonlyArray<string>, path: ReadonlyArray<PropertyKey>, problems: Problem[]): void {
  const seen = new Set<string>();
  list.forEach((id, index) => {
    if (seen.has(id)) problems.push(problem([...path, index], 'duplicate_entry', id, `"${id}" is already in this list`));
    seen.add(id);
  });
}

interface IdSets {
  sites: Set<string>;
  pools: Set<string>;
  applications: Set<string>;
  suppliers: Set<string>;
  activities: Set<string>;
}

type Activity = ModelLike['activities'][number];
type Strategy = ModelLike['strategies'][number];

function activityProblems(activity: Activity, a: number, ids: IdSets, bia: ModelLike['bia'], problems: Problem[]): void {
  activity.staff.forEach((entry, s) => {
    checkRef(ids.sites, 'site', entry.site, ['activities', a, 'staff', s, 'site'], problems);
    entry.access.forEach((pool, p) => checkRef(ids.pools, 'pool', pool, ['activities', a, 'staff', s, 'access', p], problems));
    checkUnique(entry.access, ['activities', a, 'staff', s, 'access'], problems);
  });
  checkUnique(activity.applications, ['activities', a, 'applications'], problems);
  checkUnique(activity.suppliers, ['activities', a, 'suppliers'], problems);
  checkUnique(activity.dependsOn, ['activities', a, 'dependsOn'], problems);
  activity.applications.forEach((id, i) => checkRef(ids.applications, 'application', id, ['activities', a, 'applications', i], problems));
  activity.suppliers.forEach((id, i) => checkRef(ids.suppliers, 'supplier', id, ['activities', a, 'suppliers', i], problems));
  activity.dependsOn.forEach((id, i) => {
    checkRef(ids.activities, 'activity', id, ['activities', a, 'dependsOn', i], problems);
    if (id === activity.id) problems.push(problem(['activities', a, 'dependsOn', i], 'self_dependency', id, 'an activity cannot depend on itself'));
  });
  if (bia) problems.push(...impactProblems(activity.impacts, bia, ['activities', a, 'impacts']));
}

function strategyProblems(strategy: Strategy, s: number, ids: IdSets, problems: Problem[]): void {
  const effect = strategy.effect;
  const path = ['strategies', s, 'effect'];
  if (effect.type === 'poolCapacity') checkRef(ids.pools, 'pool', effect.pool, [...path, 'pool'], problems);
  if (effect.type === 'workaround') checkRef(ids.applications, 'application', effect.application, [...path, 'application'], problems);
  if (effect.type === 'alternateSupplier') checkRef(ids.suppliers, 'supplier', effect.supplier, [...path, 'supplier'], problems);
  if (effect.type === 'alternateSite') effect.sites?.forEach((id, i) => checkRef(ids.sites, 'site', id, [...path, 'sites', i], problems));
}

/**
 * Duplicate ids and references to nothing, each named by path. Domain rules that a BIA may
 * temporarily break (RTO above MTPD, cycles) are findings, not integrity problems.
 */
export function integrityProblems(model: ModelLike): Problem[] {
  const problems: Problem[] = [];
  const ids: IdSets = {
    sites: idSet('sites', model.sites, problems),
    pools: idSet('pools', model.pools, problems),
    applications: idSet('applications', model.applications, problems),
    suppliers: idSet('suppliers', model.suppliers, problems),
    activities: idSet('activities', model.activities, problems),
  };
  idSet('strategies', model.strategies, problems);
  model.activities.forEach((activity, a) => activityProblems(activity, a, ids, model.bia, problems));
  model.strategies.forEach((strategy, s) => strategyProblems(strategy, s, ids, problems));
  return problems;
}

type ItemCollection = 'sites' | 'pools' | 'applications' | 'suppliers' | 'activities' | 'strategies';

/**
 * The problems that one item, just added or changed in place (same id), brings to a model that had none: its id
 * taken twice, or its own references to nothing. Nothing else can break when no id disappears, so a single-record
 * write checks one item instead of the whole model (a full check was 14 % of a busy server's time). A write that
 * removes or renames an id can leave others dangling and needs integrityProblems.
 */
export function itemProblems(model: ModelLike, collection: ItemCollection, index: number): Problem[] {
  const problems: Problem[] = [];
  const items = model[collection] as ReadonlyArray<{ id: string }>;
  const item = items[index];
  if (items.some((other, i) => i !== index && other.id === item.id))
    problems.push(problem([collection, index, 'id'], 'duplicate_id', item.id, `${collection} already has an item with id "${item.id}"`));
  if (collection !== 'activities' && collection !== 'strategies') return problems;
  const ids: IdSets = {
    sites: new Set(model.sites.map((site) => site.id)),
    pools: new Set(model.pools.map((pool) => pool.id)),
    applications: new Set(model.applications.map((application) => application.id)),
    suppliers: new Set(model.suppliers.map((supplier) => supplier.id)),
    activities: new Set(model.activities.map((activity) => activity.id)),
  };
  if (collection === 'activities') activityProblems(model.activities[index], index, ids, model.bia, problems);
  else strategyProblems(model.strategies[index], index, ids, problems);
  return problems;
}

/** Impact ratings must use the organisation's categories, time points and scale. */
export function impactProblems(
  impacts: Record<string, ReadonlyArray<number | null>>,
  bia: NonNullable<OrganisationModel['bia']>,
  path: ReadonlyArray<PropertyKey>,
): Problem[] {
  const problems: Problem[] = [];
  const categories = new Set(bia.categories.map((category) => category.id));
  const values = new Set(bia.scale.map((level) => level.value));
  for (const [category, ratings] of Object.entries(impacts)) {
    if (!categories.has(category)) {
      problems.push(problem([...path, category], 'unknown_reference', category, `no impact category "${category}"; known: ${[...categories].join(', ')}`));
      continue;
    }
    if (ratings.length !== bia.timePoints.length)
      problems.push(problem([...path, category], 'length', ratings.length, `expected one rating per time point (${bia.timePoints.length})`));
    ratings.forEach((rating, index) => {
      if (rating !== null && !values.has(rating))
        problems.push(problem([...path, category, index], 'not_in_scale', rating, `rating must be one of ${[...values].join(', ')}`));
    });
  }
  return problems;
}
