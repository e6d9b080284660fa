// Who may read and change the continuity programme: the organisation, its model, the BIA, scenarios and runs.
import type { Role } from '../../model/account.js';
import { ownerNamesPerson } from '../../model/person.js';
import { allow, type Condition, type Subject } from './rules.js';

/** Everyone with a role in the programme reads it; employees only use self-service (to come). */
export const PROGRAMME_READERS: readonly Role[] = ['owner', 'administrator', 'continuityManager', 'activityOwner', 'crisisTeam', 'auditor'];
/** Those who change the programme: the continuity manager, and those above. */
export const PROGRAMME_EDITORS: readonly Role[] = ['owner', 'administrator', 'continuityManager'];

const MODEL = ['sites', 'pools', 'applications', 'suppliers', 'activities', 'strategies'] as const;

/**
 * Whether an activity's free-text `owner` names this member: their e-mail address, or their name in this
 * organisation (which only its owners and administrators set); see `ownerNamesPerson`.
 */
export function ownsActivity(owner: string | undefined, subject: Pick<Subject, 'email' | 'memberName'>): boolean {
  return ownerNamesPerson(owner, { email: subject.email, name: subject.memberName });
}

/** The activity owner's condition: the activity (as stored, before the change) names them as its owner. */
export const ownActivity: Condition<{ owner?: string }> = { label: 'own', test: (activity, subject) => ownsActivity(activity.owner, subject) };

/** Rules on the organisation, its model, BIA, scenarios and runs. */
export const programmeRules = [
  allow(PROGRAMME_READERS, 'read', ['organisation', ...MODEL, 'model', 'findings', 'scenarios', 'runs']),
  allow(PROGRAMME_EDITORS, ['create', 'update', 'delete'], [...MODEL, 'scenarios']),
  allow(PROGRAMME_EDITORS, 'import', ['model', 'activities']),
  allow(PROGRAMME_EDITORS, ['create', 'cancel'], 'runs'),
  allow(PROGRAMME_EDITORS, 'update', 'organisation'),
  allow('owner', 'delete', 'organisation'),
  allow('activityOwner', 'update', 'activities', { when: ownActivity }),
];
