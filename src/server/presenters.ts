// What leaves the server: entities as stored, activities with their computed BIA figures, runs with their results.
import type { FastifyRequest } from 'fastify';
import { assessmentState, suggestedMtpd } from '../engine/bia.js';
import type { Run } from '../model/contract/runs.js';
import type { Run as StoredRun } from '../operations/scenarios.js';
import { withAbilities } from './access.js';
import type { ActivityComputed, ActivityView } from '../model/contract/organisation.js';
import type { Activity, BiaSettings, Collection, EntityOf } from '../model/organisation.js';

export function presentActivity(activity: Activity, bia: BiaSettings): Activity & { computed: ActivityComputed } {
  const suggested = suggestedMtpd(activity.impacts, bia);
  return {
    ...activity,
    computed: {
      suggestedMtpd: suggested,
      mtpdDifference: suggested === null ? null : activity.mtpd - suggested,
      assessment: assessmentState(activity.impacts, bia),
    },
  };
}

/** Presents one entity of any collection (without the caller's abilities, which the route adds). */
export function presentEntity<C extends Collection>(
  collection: C,
  entity: EntityOf<C>,
  bia: BiaSettings,
): Omit<ActivityView, 'abilities'> | EntityOf<Exclude<Collection, 'activities'>> {
  return collection === 'activities' ? presentActivity(entity as Activity, bia) : (entity as EntityOf<Exclude<Collection, 'activities'>>);
}

/**
 * A run as the API shows it. Its params, result and error are JSON the job runner stored from the engine's typed
 * results (whose types equal the contract's: model/contract/contract.test.ts); the API tests check every run sent
 * against the Run schema, so this is the one place the stored JSON is taken as typed.
 */
export function presentRun(request: FastifyRequest, run: StoredRun): Run {
  return withAbilities(request, 'runs', run) as Run;
}
