// Who may alert people and follow them up. Sending an alert reaches the whole staff: those who run incidents do it;
// whoever reads incidents reads the delivery counts and the availability board (counts, never a person's answer).
// Every member may answer their own check-in from the web app. The follow-up queue names people who asked for help:
// the follow-up volunteers work it, those who run incidents see and assign it; its notes may be health data, so only the
// `followUp` role reads and writes them (not even owners: the data is not theirs to read), each read audited.
import type { Role } from '../../model/account.js';
import { ROLES } from '../../model/account.js';
import { allow } from './rules.js';
import { PROGRAMME_EDITORS, PROGRAMME_READERS } from './programme.js';

const CRISIS_RUNNERS: readonly Role[] = [...PROGRAMME_EDITORS, 'crisisTeam'];

export const alertRules = [
  allow([...PROGRAMME_READERS, 'followUp'], 'read', ['alerts', 'availability']),
  allow(CRISIS_RUNNERS, ['create', 'update'], 'alerts'),
  // Answering for oneself is a person's act, never an API token's.
  allow(ROLES, ['read', 'create'], 'checkins', { via: 'session' }),
  allow([...CRISIS_RUNNERS, 'followUp'], 'read', 'followUpCases'),
  allow([...CRISIS_RUNNERS, 'followUp'], 'update', 'followUpCases'),
  // Read and written by a signed-in person only, never through an API token.
  allow('followUp', ['read', 'create'], 'followUpNotes', { via: 'session' }),
  // Followers-up find the incident they work on.
  allow('followUp', 'read', 'incidents'),
];
