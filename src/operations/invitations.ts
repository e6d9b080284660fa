// Named commands on invitations: invite an address with a role, list and revoke invitations, look one up by its
// secret, and accept it (choosing a password for a new account, or signed in as the invited account). The secret is a
// link token of purpose `invitation` (single use, 7 days), so invitations share its storage, expiry and revocation.
import type { Kysely } from 'kysely';
import { RempartError } from '../errors.js';
import type { Invitation, Role } from '../model/account.js';
import { AccountRepository, type UserRecord } from '../store/account-repository.js';
import { InvitationRepository, type InvitationRecord } from '../store/invitation-repository.js';
import { ModelRepository } from '../store/model-repository.js';
import type { Database } from '../store/schema.js';
import { hashPassword, passwordProblems } from '../security/passwords.js';
import type { ActingContext } from './actor.js';
import { recordAudit } from './audit.js';
import { consumeLinkToken, issueLinkToken, LINK_PREFIX, resolveLinkToken, revokeLinkTokensFor } from './link-tokens.js';
import { notFound } from './model-writer.js';
import { issueSession, type IssuedSession, type RequestOrigin, type SessionSettings } from './sessions.js';

/** An invitation can be accepted for seven days. */
export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The shape of an invitation's secret, `<org>.<43 characters>` (its link token without the `rmpl_` prefix, which is
 * also accepted): anything else is refused before any lookup.
 */
export const INVITATION_TOKEN_PATTERN = /^(?:rmpl_)?[A-Za-z0-9][A-Za-z0-9._-]{0,79}\.[A-Za-z0-9_-]{43}$/;

/** The subject of an invitation's link token. */
export function invitationSubject(id: string): string {
  return `invitation/${id}`;
}

/** Where an invitation stands at `now`. */
export function invitationStatus(record: InvitationRecord, now: number): Invitation['status'] {
  if (record.acceptedAt) return 'accepted';
  if (record.revokedAt) return 'revoked';
  return Date.parse(record.expiresAt) <= now ? 'expired' : 'pending';
}

/** An invitation as listed: never its secret. */
export function invitationView(record: InvitationRecord, now: number): Invitation {
  return {
    id: record.id,
    email: record.email,
    role: record.role,
    displayName: record.displayName,
    invitedBy: record.invitedBy,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    status: invitationStatus(record, now),
  };
}

function noInvitation(): RempartError {
  return new RempartError('not_found', 'No such invitation: check the link, or ask for a new one.', [
    { path: 'token', rule: 'exists', value: null, message: 'unknown invitation' },
  ]);
}

function notOpen(status: Invitation['status']): RempartError {
  const message = {
    accepted: 'This invitation has already been used.',
    revoked: 'This invitation has been withdrawn: ask for a new one.',
    expired: 'This invitation has expired: ask for a new one.',
    pending: '',
  }[status];
  return new RempartError('conflict', message, [{ path: 'token', rule: status, value: null, message }]);
}

/**
 * Invites an address to the organisation with a role. Whether the address has an account, here or anywhere, plays
 * no part: the answer is the same. A newer invitation of the same address replaces the open ones (and revokes their
 * links). The secret `<org>.<random>` (a single-use link token) is returned once and stored as its SHA-256.
 */
export async function createInvitation(
  db: Kysely<Database>,
  orgId: string,
  inviterId: string,
  input: { email: string; role: Role; displayName?: string },
  now: number,
): Promise<{ invitation: Invitation; token: string }> {
  const email = input.email.toLowerCase();
  const { record, token } = await db.transaction().execute(async (trx) => {
    if (!(await new ModelRepository(trx).lockOrganisation(orgId))) throw notFound('organisation', orgId);
    const invitations = new InvitationRepository(trx);
    // Members are listed to whoever invites: saying so tells nothing about any other organisation.
    if (await invitations.isMember(orgId, email))
      throw new RempartError('duplicate_id', `${email} is already a member.`, [
        { path: 'body.email', rule: 'unique', value: email, message: 'already a member' },
      ]);
    const replaced = await invitations.revokeOpenFor(orgId, email, new Date(now));
    await revokeLinkTokensFor(trx, orgId, 'invitation', replaced.map(invitationSubject), now);
    const created = await invitations.insert({
      orgId,
      email,
      role: input.role,
      displayName: input.displayName?.trim() || null,
      invitedBy: inviterId,
      expiresAt: new Date(now + INVITATION_LIFETIME_MS),
    });
    const link = await issueLinkToken(trx, {
      org: orgId,
      purpose: 'invitation',
      subject: invitationSubject(created.id),
      ttlMs: INVITATION_LIFETIME_MS,
      maxUses: 1,
      createdBy: inviterId,
      now,
    });
    await recordAudit(
      trx,
      {
        org: orgId,
        action: 'invite',
        entityType: 'invitation',
        entityId: created.id,
        after: {
          email,
          role: created.role,
          displayName: created.displayName,
          expiresAt: created.expiresAt,
          ...(replaced.length > 0 ? { replaces: replaced } : {}),
        },
      },
      new Date(now),
    );
    // Invitation links keep the form they had before link tokens: without the prefix.
    return { record: created, token: link.token.slice(LINK_PREFIX.length) };
  });
  return { invitation: invitationView(record, now), token };
}

/** The organisation's invitations not yet accepted nor revoked (expired ones included), newest first. */
export async function listInvitations(db: Kysely<Database>, orgId: string, now: number): Promise<Invitation[]> {
  return (await new InvitationRepository(db).open(orgId)).map((record) => invitationView(record, now));
}

/** Withdraws an invitation: its link stops working at once. Revoking twice is harmless; an accepted one stays. */
export async function revokeInvitation(db: Kysely<Database>, orgId: string, id: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await new ModelRepository(trx).lockOrganisation(orgId))) throw notFound('organisation', orgId);
    const invitations = new InvitationRepository(trx);
    const record = await invitations.get(orgId, id);
    if (!record)
      throw new RempartError('not_found', `No invitation with id "${id}".`, [{ path: 'invitation', rule: 'exists', value: id, message: 'no such invitation' }]);
    if (record.acceptedAt) throw notOpen('accepted');
    if (record.revokedAt) return;
    await invitations.revoke(orgId, id, new Date(now));
    await revokeLinkTokensFor(trx, orgId, 'invitation', [invitationSubject(id)], now);
    await recordAudit(
      trx,
      { org: orgId, action: 'revoke', entityType: 'invitation', entityId: id, before: { email: record.email, role: record.role } },
      new Date(now),
    );
  });
}

/** The invitation's id behind a secret: its link token must be of purpose `invitation`. */
async function invitationOf(db: Kysely<Database>, token: string): Promise<{ orgId: string; id: string; linkId: string } | undefined> {
  const resolved = await resolveLinkToken(db, token, Date.now(), { prefix: 'optional' });
  if (!resolved || resolved.link.purpose !== 'invitation' || !resolved.link.subject.startsWith('invitation/')) return undefined;
  return { orgId: resolved.link.orgId, id: resolved.link.subject.slice('invitation/'.length), linkId: resolved.link.id };
}

/** The invitation behind a secret (any status); not found when the secret is unknown. */
export async function findInvitation(db: Kysely<Database>, token: string): Promise<InvitationRecord> {
  const found = await invitationOf(db, token);
  const record = found ? await new InvitationRepository(db).get(found.orgId, found.id) : undefined;
  if (!record) throw noInvitation();
  return record;
}

/** What accepting did: the invitation, the account now a member, and the session opened for a new account. */
export interface Acceptance {
  invitation: InvitationRecord;
  user: UserRecord;
  /** A new account is signed in at once; a signed-in person keeps their session. */
  issued?: IssuedSession;
}

/**
 * Accepts an invitation; each acceptance is a deliberate act of the invited person, never a side effect:
 * - signed in (`caller`): only as the invited address, which joins with the invited role;
 * - not signed in: only when no account has the address; `password` creates it (and signs it in).
 * An existing account is never joined to an organisation without signing in as it. The secret works once.
 */
export async function acceptInvitation(
  db: Kysely<Database>,
  settings: SessionSettings,
  token: string,
  caller: UserRecord | null,
  input: { password?: string; displayName?: string },
  origin: RequestOrigin,
): Promise<Acceptance> {
  const now = settings.now();
  const link = await invitationOf(db, token);
  const found = await findInvitation(db, token);
  const status = invitationStatus(found, now);
  if (status !== 'pending') throw notOpen(status);
  const email = found.email;
  if (caller && caller.email !== email)
    throw new RempartError('forbidden', `This invitation is for ${email}, and you are signed in as ${caller.email}: sign out, then open the link again.`, [
      { path: 'credentials', rule: 'other_account', value: caller.email, message: `sign in as ${email}` },
    ]);
  let passwordHash: string | undefined;
  if (!caller) {
    // The password is checked before anything is looked up, so a bad one tells nothing about the address.
    if (input.password === undefined)
      throw new RempartError('invalid_input', 'Choose a password for your new account, or sign in first if you already have one.', [
        { path: 'body.password', rule: 'required', value: null, message: 'a password of 12 to 256 characters' },
      ]);
    const problems = passwordProblems(input.password, 'body.password', { email });
    if (problems.length > 0) throw new RempartError('invalid_input', 'The password does not meet the rules.', problems);
    if (await new AccountRepository(db).userByEmail(email)) throw signInFirst(email);
    passwordHash = await hashPassword(input.password);
  }
  return db.transaction().execute(async (trx) => {
    const invitations = new InvitationRepository(trx);
    const accounts = new AccountRepository(trx);
    // Locked: of two acceptances at once, the second finds it used.
    const record = await invitations.get(found.orgId, found.id, true);
    if (!record || !link) throw noInvitation();
    const current = invitationStatus(record, now);
    if (current !== 'pending') throw notOpen(current);
    // The link works once: spent here, in the transaction that uses it (a failed acceptance leaves it usable).
    await consumeLinkToken(trx, { orgId: link.orgId, id: link.linkId }, now).catch((error: unknown) => {
      const rule = error instanceof RempartError ? error.details[0]?.rule : undefined;
      throw rule === 'expired' || rule === 'revoked' ? notOpen(rule) : rule === 'used' ? notOpen('accepted') : error;
    });
    let user = caller;
    if (!user) {
      let userId: string;
      try {
        userId = await accounts.insertUser({
          email,
          displayName: input.displayName?.trim() || record.displayName || email.split('@')[0],
          passwordHash: passwordHash!,
          mustChange: false,
        });
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw signInFirst(email);
        throw error;
      }
      user = (await accounts.user(userId))!;
      await recordAudit(
        trx,
        {
          org: null,
          action: 'create',
          entityType: 'user',
          entityId: userId,
          after: { email, displayName: user.displayName, invitation: { org: record.orgId, id: record.id } },
          acting: acting(user, origin),
        },
        new Date(now),
      );
    } else if (await accounts.membership(record.orgId, user.id)) {
      throw new RempartError('conflict', `You are already a member of ${record.orgName}.`, [
        { path: 'token', rule: 'already_member', value: null, message: 'already a member' },
      ]);
    }
    const displayName = record.displayName || input.displayName?.trim() || user.displayName;
    await accounts.insertMembership(record.orgId, user.id, record.role, displayName);
    await invitations.markAccepted(record.orgId, record.id, user.id, new Date(now));
    await recordAudit(
      trx,
      {
        org: record.orgId,
        action: 'add',
        entityType: 'member',
        entityId: user.id,
        after: { email, role: record.role, displayName, invitation: record.id },
        acting: acting(user, origin),
      },
      new Date(now),
    );
    const issued = caller ? undefined : await issueSession(trx, settings, user, origin);
    return { invitation: { ...record, acceptedAt: new Date(now).toISOString() }, user, ...(issued ? { issued } : {}) };
  });
}

function signInFirst(email: string): RempartError {
  return new RempartError('conflict', `An account with the address ${email} exists: sign in as it, then accept the invitation.`, [
    { path: 'credentials', rule: 'sign_in', value: null, message: 'sign in first' },
  ]);
}

function acting(user: UserRecord, origin: RequestOrigin): ActingContext {
  return { actor: { type: 'user', id: user.id, label: user.email }, source: origin.ip };
}
