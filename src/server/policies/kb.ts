// Who may read and keep the knowledge base of the crisis assistant. Every member of the organisation reads it (an
// employee asks the assistant; staff-only articles are for them), as the public reads its public articles through
// the widget's flows. The people who run the programme keep it: owners, administrators and continuity managers.
import { ROLES } from '../../model/account.js';
import { PROGRAMME_EDITORS } from './programme.js';
import { allow } from './rules.js';

export const kbRules = [allow(ROLES, 'read', 'kb'), allow(PROGRAMME_EDITORS, ['create', 'update', 'delete', 'import'], 'kb')];
