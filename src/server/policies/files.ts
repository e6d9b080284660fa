// Who may store, read and remove the organisation's files (reports, plan attachments, evidence).
import { allow } from './rules.js';
import { PROGRAMME_EDITORS, PROGRAMME_READERS } from './programme.js';

/** Programme readers read files; those who change the programme add and remove them; employees nothing (yet). */
export const fileRules = [allow(PROGRAMME_READERS, 'read', 'files'), allow(PROGRAMME_EDITORS, ['create', 'delete'], 'files')];
