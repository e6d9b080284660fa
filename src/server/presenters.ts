// What leaves the server: entities as stored, activities with their computed BIA figures.
import { assessmentState, suggestedMtpd } from '../engine/bia.js';
import type { Activity, BiaSettings, Collection, EntityOf } from '../model/organisation.js';

export interface ActivityComputed {
  suggestedMtpd: number | null;
  /** Chosen MTPD minus suggested, in hours (null when there is no suggestion). */
  mtpdDifference: number | null;
  assessment: 'none' | 'partial' | 'complete';
}

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

/** Presents one entity of any collection. */
export function presentEntity<C extends Collection>(collection: C, entity: EntityOf<C>, bia: BiaSettings): unknown {
  return collection === 'activities' ? presentActivity(entity as Activity, bia) : entity;
}
