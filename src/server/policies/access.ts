// Who may manage access: members and their roles, invitations, API tokens, the organisation's security settings and its audit log.
import type { Role } from '../../model/account.js';
import { allow, type Condition } from './rules.js';

/** A membership as a member rule sees it: its current role (absent when adding) and the role asked for (absent when removing). */
export interface MembershipTarget {
  role?: Role;
  newRole?: Role;
}

/** Administrators manage everyone but owners: they neither change nor remove an owner, nor make anyone one. */
export const notOwner: Condition<MembershipTarget> = { label: 'notOwner', test: (target) => target.role !== 'owner' && target.newRole !== 'owner' };

/** Rules on members, invitations, API tokens, security settings and the audit trail. */
export const accessRules = [
  allow(['owner', 'administrator', 'continuityManager', 'auditor'], 'read', 'members'),
  // Inviting people and changing roles hand out access: only a signed-in person, never a token, whose revocation
  // would not take back what it gave. Removing people and withdrawing invitations only take access away.
  allow('owner', ['create', 'update'], 'members', { via: 'session' }),
  allow('administrator', ['create', 'update'], 'members', { when: notOwner, via: 'session' }),
  allow('owner', 'delete', ['members', 'invitations']),
  allow('administrator', 'delete', ['members', 'invitations'], { when: notOwner }),
  allow(['owner', 'administrator'], 'read', 'invitations'),
  // A token that could mint tokens would outlive its revocation; only people manage them.
  allow(['owner', 'administrator'], ['read', 'create', 'delete'], 'tokens', { via: 'session' }),
  allow(['owner', 'administrator', 'auditor'], 'read', ['audit', 'security']),
  allow(['owner', 'administrator'], 'update', 'security'),
];
