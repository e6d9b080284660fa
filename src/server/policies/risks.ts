// Who may read and change the risk appraisal: threats of the organisation, the risk matrix and the register.
import { allow } from './rules.js';
import { PROGRAMME_EDITORS, PROGRAMME_READERS } from './programme.js';

/** Rules on the organisation's threats, risk matrix and risk register. */
export const riskRules = [
  allow(PROGRAMME_READERS, 'read', ['threats', 'riskMatrix', 'risks']),
  allow(PROGRAMME_EDITORS, ['create', 'update', 'delete'], ['threats', 'risks']),
  allow(PROGRAMME_EDITORS, 'import', 'risks'),
  allow(PROGRAMME_EDITORS, 'update', 'riskMatrix'),
];
