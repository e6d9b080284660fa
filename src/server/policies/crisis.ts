// Who may read and change plans and incidents: editors write and approve plans; the crisis team declares and runs
// incidents; activity owners update the status of their own activities on the board; auditors and others read.
import { allow } from './rules.js';
import { ownActivity, PROGRAMME_EDITORS, PROGRAMME_READERS } from './programme.js';

/** Those who run incidents: the crisis team, and the programme's editors. */
const CRISIS_RUNNERS = [...PROGRAMME_EDITORS, 'crisisTeam'] as const;

export const crisisRules = [
  allow(PROGRAMME_READERS, 'read', ['plans', 'incidents']),
  allow(PROGRAMME_EDITORS, ['create', 'update', 'delete'], 'plans'),
  // Approving is a person's decision, recorded with their name: never through an API token.
  allow(PROGRAMME_EDITORS, 'approve', 'plans', { via: 'session' }),
  allow(CRISIS_RUNNERS, ['create', 'update'], 'incidents'),
  allow(CRISIS_RUNNERS, 'update', 'incidentActivities'),
  allow('activityOwner', 'update', 'incidentActivities', { when: ownActivity }),
];
