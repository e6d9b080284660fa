// Who reads the organisation's surveillance (aggregates of completed orientation questionnaires, and the minimised
// records behind them) and who sets it up. The records hold no identity (age range, BMI, department, day), yet they are
// health answers: the people who run the programme and the auditors read them; the crisis team, activity owners and
// employees do not need them.
import { allow } from './rules.js';
import { PROGRAMME_EDITORS } from './programme.js';

export const surveillanceRules = [allow([...PROGRAMME_EDITORS, 'auditor'], 'read', 'surveillance'), allow(PROGRAMME_EDITORS, 'update', 'surveillance')];
