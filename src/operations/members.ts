// Named commands on an organisation's access: members and their roles (people join by invitation: invitations.ts), API tokens, and the security settings.
import type { Kysely, Transaction } from 'kysely';
import { RempartError } from '../errors.js';
import type { Role, SecuritySettings } from '../model/account.js';
import { AccountRepository, type MemberRecord, type TokenRecord } from '../store/account-repository.js';
import { ModelRepository } from '../store/model-repository.js';
import { SingleSignOnRepository } from '../store/single-sign-on-repository.js';
import type { Database } from '../store/schema.js';
import { randomSecret, sha256Hex } from '../security/crypto.js';
import { recordAudit } from './audit.js';
import { notFound } from './model-writer.js';
import { TOKEN_PREFIX } from './sessions.js';

async function lockedOrganisation(trx: Transaction<Database>, orgId: string): Promise<void> {
  if (!(await new ModelRepository(trx).lockOrganisation(orgId))) throw notFound('organisation', orgId);
}

function noMember(userId: string): RempartError {
  return new RempartError('not_found', `No member with id "${userId}".`, [
    { path: 'user', rule: 'exists', value: userId, message: 'not a member of this organisation' },
  ]);
}

function lastOwner(): RempartError {
  return new RempartError('conflict', 'An organisation keeps at least one owner: make someone else owner first.', [
    { path: 'role', rule: 'last_owner', value: 'owner', message: 'the last owner' },
  ]);
}

function memberView(member: MemberRecord): Record<string, unknown> {
  return { userId: member.userId, email: member.email, displayName: member.displayName, role: member.role };
}

/** The organisation's members with their roles, by e-mail. */
export async function listMembers(db: Kysely<Database>, orgId: string): Promise<MemberRecord[]> {
  return new AccountRepository(db).members(orgId);
}

/** Changes a member's role or name in the organisation; the last owner stays an owner. */
export async function changeMember(db: Kysely<Database>, orgId: string, userId: string, input: { role: Role; displayName?: string }): Promise<MemberRecord> {
  return db.transaction().execute(async (trx) => {
    await lockedOrganisation(trx, orgId);
    const accounts = new AccountRepository(trx);
    const before = await accounts.member(orgId, userId);
    if (!before) throw noMember(userId);
    if (before.role === 'owner' && input.role !== 'owner' && (await accounts.countOwners(orgId)) <= 1) throw lastOwner();
    await accounts.updateMembership(orgId, userId, input.role, input.displayName?.trim() || before.displayName);
    const after = (await accounts.member(orgId, userId))!;
    await recordAudit(trx, { org: orgId, action: 'update', entityType: 'member', entityId: userId, before: memberView(before), after: memberView(after) });
    return after;
  });
}

/** Removes a member and revokes the API tokens they created here; the last owner cannot be removed. */
export async function removeMember(db: Kysely<Database>, orgId: string, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockedOrganisation(trx, orgId);
    const accounts = new AccountRepository(trx);
    const before = await accounts.member(orgId, userId);
    if (!before) throw noMember(userId);
    if (before.role === 'owner' && (await accounts.countOwners(orgId)) <= 1) throw lastOwner();
    await accounts.deleteMembership(orgId, userId);
    const revoked = await accounts.revokeTokensOf(orgId, userId, new Date());
    await recordAudit(trx, {
      org: orgId,
      action: 'delete',
      entityType: 'member',
      entityId: userId,
      before: memberView(before),
      after: revoked.length > 0 ? { revokedTokens: revoked } : null,
    });
  });
}

/** A token as listed: never its secret, which exists only in the answer that created it. */
export function tokenView(token: TokenRecord, now = Date.now()): TokenRecord & { status: 'active' | 'expired' | 'revoked' } {
  const status = token.revokedAt ? 'revoked' : Date.parse(token.expiresAt) <= now ? 'expired' : 'active';
  return { ...token, status };
}

/**
 * Creates an API token for automation: scoped to this organisation and a role (checked by the caller against the
 * creator's), expiring. The secret `rmp_<org>.<random>` is returned once and stored as its SHA-256.
 */
export async function createApiToken(
  db: Kysely<Database>,
  orgId: string,
  creatorId: string,
  input: { name: string; role: Role; expiresInDays: number },
  now = Date.now(),
): Promise<{ secret: string; token: TokenRecord }> {
  const secret = `${TOKEN_PREFIX}${orgId}.${randomSecret(32)}`;
  const expiresAt = new Date(now + input.expiresInDays * 24 * 60 * 60 * 1000);
  const token = await db.transaction().execute(async (trx) => {
    await lockedOrganisation(trx, orgId);
    const created = await new AccountRepository(trx).insertToken({
      orgId,
      name: input.name,
      tokenHash: sha256Hex(secret),
      role: input.role,
      createdBy: creatorId,
      expiresAt,
    });
    await recordAudit(trx, {
      org: orgId,
      action: 'create',
      entityType: 'token',
      entityId: created.id,
      after: { name: created.name, role: created.role, expiresAt: created.expiresAt },
    });
    return created;
  });
  return { secret, token };
}

/** The organisation's API tokens, newest first (the records hold no secret). */
export async function listApiTokens(db: Kysely<Database>, orgId: string): Promise<TokenRecord[]> {
  return new AccountRepository(db).tokens(orgId);
}

/** Revokes a token at once (every server checks the database on each request); revoking twice is harmless. */
export async function revokeApiToken(db: Kysely<Database>, orgId: string, tokenId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockedOrganisation(trx, orgId);
    const accounts = new AccountRepository(trx);
    const token = await accounts.token(orgId, tokenId);
    if (!token)
      throw new RempartError('not_found', `No token with id "${tokenId}".`, [{ path: 'token', rule: 'exists', value: tokenId, message: 'no such token' }]);
    if (token.revokedAt) return;
    await accounts.revokeToken(orgId, tokenId, new Date());
    await recordAudit(trx, { org: orgId, action: 'revoke', entityType: 'token', entityId: tokenId, before: { name: token.name, role: token.role } });
  });
}

/** The organisation's security settings. */
export async function readSecurity(db: Kysely<Database>, orgId: string): Promise<SecurityView> {
  const roles = await new AccountRepository(db).mfaRequiredRoles(orgId);
  if (!roles) throw notFound('organisation', orgId);
  return { mfaRequiredRoles: roles, singleSignOn: await new SingleSignOnRepository(db).settings(orgId) };
}

type SecurityView = Required<SecuritySettings>;

/**
 * Sets the roles that must sign in with a second factor (members concerned can only enrol until they have one) and,
 * when given, how single sign-on brings people in; an e-mail domain another organisation claimed is refused.
 */
export async function updateSecurity(db: Kysely<Database>, orgId: string, settings: SecuritySettings): Promise<SecurityView> {
  return db.transaction().execute(async (trx) => {
    await lockedOrganisation(trx, orgId);
    const accounts = new AccountRepository(trx);
    const sso = new SingleSignOnRepository(trx);
    const before: SecurityView = { mfaRequiredRoles: (await accounts.mfaRequiredRoles(orgId)) ?? [], singleSignOn: await sso.settings(orgId) };
    const after: SecurityView = { mfaRequiredRoles: settings.mfaRequiredRoles, singleSignOn: settings.singleSignOn ?? before.singleSignOn };
    if (settings.singleSignOn) {
      const taken = await sso.claimedElsewhere(orgId, settings.singleSignOn.emailDomains);
      if (taken.length > 0)
        throw new RempartError(
          'conflict',
          `${taken.map((t) => t.domain).join(', ')}: already the single sign-on domain of another organisation.`,
          taken.map(({ domain }) => ({
            path: `singleSignOn.emailDomains[${settings.singleSignOn!.emailDomains.indexOf(domain)}]`,
            rule: 'unique',
            value: domain,
            message: 'claimed by another organisation',
          })),
        );
      await sso.setSettings(orgId, settings.singleSignOn);
    }
    await accounts.setMfaRequiredRoles(orgId, settings.mfaRequiredRoles);
    await recordAudit(trx, { org: orgId, action: 'update', entityType: 'security', entityId: orgId, before, after });
    return after;
  });
}
