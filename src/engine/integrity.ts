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

/**
 * Duplicate ids and references to nothing, each named by path. Domain rules that a BIA may
 * temporarily break (RTO above MTPD, cycles) are findings, not integrity problems.
 */
export function integrityProblems(model: ModelLike): Problem[] {
  const problems: Problem[] = [];
  const sites = idSet('sites', model.sites, problems);
  const pools = idSet('pools', model.pools, problems);
  const applications = idSet('applications', model.applications, problems);
  const suppliers = idSet('suppliers', model.suppliers, problems);
  const activities = idSet('activities', model.activities, problems);
  idSet('strategies', model.strategies, problems);

  model.activities.forEach((activity, a) => {
    activity.staff.forEach((entry, s) => {
      checkRef(sites, 'site', entry.site, ['activities', a, 'staff', s, 'site'], problems);
      entry.access.forEach((pool, p) => checkRef(pools, 'pool', pool, ['activities', a, 'staff', s, 'access', p], problems));
      checkUnique(entry.access, ['activities', a, 'staff', s, 'access'], problems);
    });
    checkUnique(activity.applications, ['activities', a, 'applications'], problems);
    checkUnique(activity.suppliers, ['activities', a, 'suppliers'], problems);
    checkUnique(activity.dependsOn, ['activities', a, 'dependsOn'], problems);
    activity.applications.forEach((id, i) => checkRef(applications, 'application', id, ['activities', a, 'applications', i], problems));
    activity.suppliers.forEach((id, i) => checkRef(suppliers, 'supplier', id, ['activities', a, 'suppliers', i], problems));
    activity.dependsOn.forEach((id, i) => {
      checkRef(activities, 'activity', id, ['activities', a, 'dependsOn', i], problems);
      if (id === activity.id) problems.push(problem(['activities', a, 'dependsOn', i], 'self_dependency', id, 'an activity cannot depend on itself'));
    });
    if (model.bia) problems.push(...impactProblems(activity.impacts, model.bia, ['activities', a, 'impacts']));
  });

  model.strategies.forEach((strategy, s) => {
    const effect = strategy.effect;
    const path = ['strategies', s, 'effect'];
    if (effect.type === 'poolCapacity') checkRef(pools, 'pool', effect.pool, [...path, 'pool'], problems);
    if (effect.type === 'workaround') checkRef(applications, 'application', effect.application, [...path, 'application'], problems);
    if (effect.type === 'alternateSupplier') checkRef(suppliers, 'supplier', effect.supplier, [...path, 'supplier'], problems);
    if (effect.type === 'alternateSite') effect.sites?.forEach((id, i) => checkRef(sites, 'site', id, [...path, 'sites', i], problems));
  });
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
