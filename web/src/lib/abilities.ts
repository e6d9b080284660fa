// What the caller may do, as the server computes it: `abilities` on every item and list it sends, and per
// organisation in GET /api/auth/me. The web app never re-implements the policy: it reads these and hides controls.
import { useMemo } from 'react';
import { useCaller, type Membership } from './auth.js';

/** What an item or a list says the caller may do: `{update: true, delete: false}`, `{create: true}`. */
export type Abilities = Record<string, boolean>;

/** Per resource and action, from GET /api/auth/me: true, false, or the condition deciding per item (`"own"`). */
export type OrganisationAbilities = Record<string, Record<string, boolean | string>>;

/** Anything the server sends with its abilities. */
export interface WithAbilities {
  abilities?: Abilities;
}

/**
 * Whether the server allows `action` on this item or list. Only an explicit `true` allows: an item read before
 * the server sent abilities, or an action it did not mention, is refused (a hidden control is safer than a
 * refused save).
 */
export function allows(source: WithAbilities | null | undefined, action: string): boolean {
  return source?.abilities?.[action] === true;
}

/**
 * Whether the organisation's abilities allow `action` on `resource` for every item (creating, importing, starting
 * a run). A condition such as `"own"` allows it only on some items, which the item's own abilities decide: here
 * it counts as no.
 */
export function allowsEverywhere(abilities: OrganisationAbilities | undefined, resource: string, action: string): boolean {
  return abilities?.[resource]?.[action] === true;
}

/** What `useAbilities` gives: `can(resource, action)`, and whether the answer is still being asked. */
export interface OrganisationCan {
  can: (resource: string, action: string) => boolean;
  pending: boolean;
}

/** Reads the membership's abilities (nothing is allowed without one). */
export function organisationCan(membership: Pick<Membership, 'abilities'> | undefined, pending = false): OrganisationCan {
  return { can: (resource, action) => allowsEverywhere(membership?.abilities, resource, action), pending };
}

/**
 * The caller's abilities in the organisation, for controls that no item or list carries (imports, runs). While
 * GET /api/auth/me is under way, nothing is allowed.
 */
export function useAbilities(org: string, enabled = true): OrganisationCan {
  const caller = useCaller(enabled);
  const membership = caller.data && caller.data !== 'open' ? caller.data.memberships.find((item) => item.org.id === org) : undefined;
  const pending = caller.isPending;
  return useMemo(() => organisationCan(membership, pending), [membership, pending]);
}
