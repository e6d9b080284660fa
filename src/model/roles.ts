// The roles a person (or an API token) holds in one organisation: declared here once, without zod, so that the web
// app can list them too. model/account.ts makes them the Role schema; a test compares them with the database's CHECKs.

/** Roles a person (or an API token) holds in one organisation; the policies in src/server/policies say what each may do. */
export const ROLES = ['owner', 'administrator', 'continuityManager', 'activityOwner', 'crisisTeam', 'auditor', 'employee', 'followUp'] as const;
export type RoleName = (typeof ROLES)[number];
