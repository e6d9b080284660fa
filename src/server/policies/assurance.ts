// Who may read and change the assurance records (ISO 22301 9 and 10): the continuity manager and those above manage
// corrective actions and verify them (a person's decision: never through an API token); an action's owner updates
// it; auditors and the rest of the programme read.
import { ROLES } from '../../model/account.js';
import { ownActivity, ownsActivity, PROGRAMME_EDITORS, PROGRAMME_READERS } from './programme.js';
import { allow, type Condition } from './rules.js';

/** The action's owner (free text: a member's name or e-mail address, as activities name theirs). */
export const ownAction: Condition<{ owner?: string | null }> = { label: 'own', test: (action, subject) => ownsActivity(action.owner ?? undefined, subject) };

export const assuranceRules = [
  allow(PROGRAMME_READERS, 'read', ['correctiveActions', 'exercises']),
  allow(PROGRAMME_EDITORS, ['create', 'update'], 'exercises'),
  allow(PROGRAMME_READERS, 'read', 'biaCampaigns'),
  allow(PROGRAMME_EDITORS, 'create', 'biaCampaigns'),
  // Approving or returning an owner's impacts is a person's decision: never through an API token.
  allow(PROGRAMME_EDITORS, 'update', 'biaCampaigns', { via: 'session' }),
  allow(PROGRAMME_EDITORS, 'update', 'biaTasks'),
  allow('activityOwner', 'update', 'biaTasks', { when: ownActivity }),
  allow(PROGRAMME_EDITORS, ['create', 'update'], 'correctiveActions'),
  allow(PROGRAMME_EDITORS, 'verify', 'correctiveActions', { via: 'session' }),
  allow(['activityOwner', 'crisisTeam'], 'update', 'correctiveActions', { when: ownAction }),
  allow(PROGRAMME_READERS, 'read', ['trainingCampaigns', 'managementReviews', 'clauses']),
  allow(PROGRAMME_EDITORS, ['create', 'update'], ['trainingCampaigns', 'managementReviews']),
  allow(PROGRAMME_EDITORS, 'update', 'clauses'),
  // Signing the review's minutes is top management's act in person: never through an API token.
  allow(PROGRAMME_EDITORS, 'sign', 'managementReviews', { via: 'session' }),
  // Everyone answers their own training (employees too), in person.
  allow(ROLES, ['read', 'create'], 'trainingAnswers', { via: 'session' }),
];
