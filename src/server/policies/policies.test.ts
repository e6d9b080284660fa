// The policy table: who owns an activity, which token roles a creator may grant, and the abilities clients receive.
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../model/account.js';
import { abilities, can, policyTable, precheck, roleWithin, type Subject } from './index.js';
import { ownsActivity } from './programme.js';

const subject = (role: Role, via: Subject['via'] = 'session', memberName = 'Claire Morel'): Subject => ({
  userId: 'u',
  email: 'claire.morel@example.com',
  memberName,
  via,
  roles: [role],
});

describe('activity ownership', () => {
  it.each([
    ['Claire Morel', true],
    ['claire   MOREL', true],
    ['Claire Morel, Head of Claims Hotline (Lyon)', true],
    ['Claire Morel <claire.morel@example.com>', true],
    ['claire.morel@example.com', true],
    ['Someone <CLAIRE.MOREL@example.com>', true],
    ['Claire Moreland', false],
    ['Claire', false],
    ['Isabelle Marchand, Director of Claims', false],
    ['', false],
    [undefined, false],
  ])('owner %j names the member: %s', (owner, expected) => {
    expect(ownsActivity(owner as string | undefined, { email: 'claire.morel@example.com', memberName: 'Claire Morel' })).toBe(expected);
  });

  it('lets an activity owner change only the activities that name them, and never delete or create them', () => {
    const me = subject('activityOwner');
    expect(precheck(me, 'activities', 'update')).toBe('target');
    expect(can(me, 'activities', 'update', { owner: 'Claire Morel, Head of Claims' })).toBe(true);
    expect(can(me, 'activities', 'update', { owner: 'Pierre Lemoine' })).toBe(false);
    expect(can(me, 'activities', 'update')).toBe(false);
    expect(precheck(me, 'activities', 'delete')).toBe('deny');
    expect(precheck(me, 'activities', 'create')).toBe('deny');
    expect(precheck(me, 'risks', 'read')).toBe('allow');
  });
});

describe('token roles', () => {
  it.each([
    ['owner', 'owner', true],
    ['owner', 'administrator', false],
    ['administrator', 'owner', true],
    ['continuityManager', 'administrator', true],
    ['auditor', 'continuityManager', false],
    ['auditor', 'administrator', true],
    ['activityOwner', 'continuityManager', true],
    // The crisis team runs incidents and reads the people directory, which auditors do not.
    ['crisisTeam', 'auditor', false],
    ['auditor', 'crisisTeam', false],
    ['employee', 'activityOwner', true],
    ['continuityManager', 'auditor', false],
  ] as Array<[Role, Role, boolean]>)('a %s token within a %s creator: %s', (role, creator, expected) => {
    expect(roleWithin(role, creator)).toBe(expected);
  });

  it('never lets a token manage tokens, and holds a token to its creator’s current role', () => {
    expect(precheck(subject('owner', 'token'), 'tokens', 'create')).toBe('deny');
    expect(precheck(subject('owner', 'session'), 'tokens', 'create')).toBe('allow');
    expect(precheck({ ...subject('continuityManager', 'token'), roles: ['continuityManager', 'auditor'] }, 'sites', 'update')).toBe('deny');
  });

  it('never lets a token invite people or change roles, which would outlive its revocation; removing stays open to it', () => {
    for (const role of ['owner', 'administrator'] as const) {
      expect(precheck(subject(role, 'token'), 'members', 'create'), `${role} token invites`).toBe('deny');
      expect(precheck(subject(role, 'token'), 'members', 'update'), `${role} token changes roles`).toBe('deny');
      expect(precheck(subject(role, 'session'), 'members', 'create')).not.toBe('deny');
      expect(precheck(subject(role, 'token'), 'members', 'delete')).not.toBe('deny');
      expect(precheck(subject(role, 'token'), 'invitations', 'delete')).not.toBe('deny');
    }
    expect(abilities(subject('owner', 'token')).members).toEqual({ read: true, create: false, update: false, delete: true });
    expect(can(subject('administrator'), 'invitations', 'delete', { role: 'owner' })).toBe(false);
    expect(can(subject('administrator'), 'invitations', 'delete', { role: 'auditor' })).toBe(true);
  });
});

describe('abilities', () => {
  it('lists every action of every resource, with the condition label where it decides per item', () => {
    const mine = abilities(subject('activityOwner'));
    expect(mine.activities).toEqual({ read: true, create: false, update: 'own', delete: false, import: false });
    expect(abilities(subject('administrator')).members).toEqual({ read: true, create: 'notOwner', update: 'notOwner', delete: 'notOwner' });
    expect(abilities(subject('employee')).organisation).toEqual({ read: false, update: false, delete: false });
  });

  it('has a row for every role, resource and action', () => {
    const table = policyTable();
    expect(new Set(table.map((row) => row.role))).toEqual(new Set(ROLES));
    // Owners may do everything but read the follow-up notes, which may be health data: only the followUp role does.
    expect(table.filter((row) => row.role === 'owner' && row.resource !== 'followUpNotes').every((row) => row.session === true)).toBe(true);
    expect(table.filter((row) => row.resource === 'followUpNotes' && row.session === true).map((row) => row.role)).toEqual(['followUp', 'followUp']);
  });
});
