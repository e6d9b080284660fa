// Who sees the organisation's background jobs and their dead letters, and who may give a dead job another go.
import { allow } from './rules.js';

/** Administrators run the deployment's side of the organisation; auditors read what failed, and change nothing. */
export const jobRules = [allow(['owner', 'administrator', 'auditor'], 'read', 'jobs'), allow(['owner', 'administrator'], 'retry', 'jobs')];
