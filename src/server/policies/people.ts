// Who may read and change the people directory. It holds personal data (names, e-mail addresses, mobile numbers), so
// least privilege decides, not programme membership:
// - owners, administrators and continuity managers keep the directory (read, create, update, delete, import);
// - the crisis team reads it: reaching people during an incident is its job;
// - activity owners, auditors and employees do not read it. An activity owner needs headcounts (the model has them),
//   not the staff's phone numbers; an auditor checks that the directory is kept and how (the audit trail records every
//   change, without the contact details), which needs no contact details either; an employee will later read their
//   own entry only (self-service), never the others'.
import { allow } from './rules.js';
import { PROGRAMME_EDITORS } from './programme.js';

export const peopleRules = [
  allow([...PROGRAMME_EDITORS, 'crisisTeam'], 'read', 'people'),
  allow(PROGRAMME_EDITORS, ['create', 'update', 'delete', 'import'], 'people'),
];
