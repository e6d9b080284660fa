// Who talks to the crisis assistant from the web app and who keeps its flows. Every member asks it (staff-only
// articles and answers from the approved plans are for them); the people who run the programme write the
// organisation's own flows and try them in a preview, and auditors read them.
import { ROLES } from '../../model/account.js';
import { PROGRAMME_EDITORS } from './programme.js';
import { allow } from './rules.js';

export const assistantRules = [
  allow(ROLES, 'create', 'assistant'),
  allow([...PROGRAMME_EDITORS, 'auditor'], 'read', 'flows'),
  allow(PROGRAMME_EDITORS, ['create', 'update', 'delete', 'preview'], 'flows'),
];
