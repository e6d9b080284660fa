// Administration: the caller's abilities in an organisation (from GET /api/auth/me) and the shapes of the access API.
import { ROLES, type RoleName } from '@shared/model/roles.js';
import type { ApiToken, AuditEntry, Invited, ListedInvitation, Member } from '@shared/model/contract/access.js';
import type { Me, Membership } from './auth.js';
import { useCaller } from './auth.js';

// The roles and the API's shapes, declared once in src/model (the roles module is plain data, without zod).
export { ROLES };
export type Role = RoleName;
/** An invitation not yet accepted nor withdrawn (GET /api/orgs/{org}/invitations): never its secret. */
export type Invitation = ListedInvitation;
export type { ApiToken, AuditEntry, Invited, Member };

/** A membership ability: true, false, or a condition such as 'notOwner' (allowed, but not for owners). */
export function allowed(value: boolean | string | undefined): boolean {
  return value === true || (typeof value === 'string' && value.length > 0);
}

/** Roles the caller may give: owners any; someone allowed 'notOwner' all but owner. */
export function grantableRoles(value: boolean | string | undefined): Role[] {
  if (value === true) return [...ROLES];
  if (value === 'notOwner') return ROLES.filter((role) => role !== 'owner');
  return [];
}

/** The signed-in person (undefined when unknown or when the server has no accounts) and their membership here. */
export function useMembership(org: string, enabled = true): { me?: Me; membership?: Membership; pending: boolean } {
  const caller = useCaller(enabled);
  const me = caller.data && caller.data !== 'open' ? caller.data : undefined;
  return { me, membership: me?.memberships.find((item) => item.org.id === org), pending: caller.isPending };
}

/** What the Administration pages need: can the caller read members, tokens, security, audit, widget keys, change the organisation. */
export function adminAbilities(membership: Membership | undefined) {
  const a = membership?.abilities ?? {};
  return {
    members: allowed(a.members?.read),
    tokens: allowed(a.tokens?.read),
    security: allowed(a.security?.read),
    audit: allowed(a.audit?.read),
    widget: allowed(a.publicKeys?.read),
    organisation: allowed(a.organisation?.update),
  };
}

/** A date of the form (yyyy-mm-dd) as the start or the end of that day, local time, in ISO 8601. */
export function dayBound(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (Number.isNaN(date.getTime())) return undefined;
  if (end) date.setDate(date.getDate() + 1);
  return date.toISOString();
}
