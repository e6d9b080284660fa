// Signing in through the deployment's OpenID Connect provider: the provider's subject finds the account (linked once),
// an account with the same verified e-mail is linked, a new person of an organisation's e-mail domain gets an account
// and a membership with the role the claim maps to, and the session is the same as after a password.
import type { Kysely, Transaction } from 'kysely';
import { RempartError } from '../errors.js';
import { ROLES, type Role, type SingleSignOnSettings } from '../model/account.js';
import { AccountRepository, type UserRecord } from '../store/account-repository.js';
import { SingleSignOnRepository } from '../store/single-sign-on-repository.js';
import type { Database } from '../store/schema.js';
import { randomSecret, sha256Hex } from '../security/crypto.js';
import { hashPassword } from '../security/passwords.js';
import type { ActingContext } from './actor.js';
import { recordAudit } from './audit.js';
import { openSignInSession, type IssuedSession, type RequestOrigin, type SessionSettings } from './sessions.js';

/** What the provider vouched for in its ID token. */
export interface ProviderIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  /** Every claim of the ID token: the organisation's role claim is read from it. */
  claims: Record<string, unknown>;
}

/** Why a single sign-on was refused: the rule is shown to the person (on the sign-in page) and kept in the audit trail. */
export type RefusalRule = 'email_missing' | 'email_unverified' | 'domain';

export class SingleSignOnRefused extends RempartError {
  constructor(
    readonly rule: RefusalRule,
    message: string,
    value: string | null,
  ) {
    super('forbidden', message, [{ path: 'email', rule, value, message }]);
  }
}

/** Roles from the most to the least powerful (ROLES lists them so). */
function strongest(roles: Role[]): Role | undefined {
  return [...roles].sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b))[0];
}

/** The role the organisation's mapping gives these claims; undefined when no value maps. */
export function mappedRole(settings: SingleSignOnSettings, claims: Record<string, unknown>): Role | undefined {
  if (!settings.roleClaim) return undefined;
  const raw = claims[settings.roleClaim];
  const values = (Array.isArray(raw) ? raw : [raw]).filter((value): value is string => typeof value === 'string');
  return strongest(values.map((value) => settings.roleMap[value]).filter((role): role is Role => role !== undefined));
}

function acting(user: Pick<UserRecord, 'id' | 'email'>, origin: RequestOrigin): ActingContext {
  return { actor: { type: 'user', id: user.id, label: user.email }, source: origin.ip };
}

async function refuse(db: Kysely<Database>, identity: ProviderIdentity, origin: RequestOrigin, refusal: SingleSignOnRefused): Promise<never> {
  await db.transaction().execute((trx) =>
    recordAudit(trx, {
      org: null,
      action: 'sign_in_failed',
      entityType: 'user',
      entityId: null,
      after: { via: 'oidc', issuer: identity.issuer, subject: identity.subject, email: identity.email, rule: refusal.rule },
      acting: { actor: { type: 'anonymous', id: null, label: 'anonymous' }, source: origin.ip },
    }),
  );
  throw refusal;
}

/** A person the provider knows who joins at their first sign-in: an account with a password nobody knows. */
async function createAccount(trx: Transaction<Database>, identity: ProviderIdentity, email: string, origin: RequestOrigin): Promise<UserRecord> {
  const accounts = new AccountRepository(trx);
  const id = await accounts.insertUser({
    email,
    displayName: identity.name?.trim().slice(0, 200) || email.split('@')[0],
    // Signing in by password takes a reset first (by an administrator): the provider is this person's way in.
    passwordHash: await hashPassword(randomSecret(32)),
    mustChange: false,
  });
  const user = (await accounts.user(id))!;
  await recordAudit(trx, {
    org: null,
    action: 'create',
    entityType: 'user',
    entityId: id,
    after: { email, via: 'oidc', issuer: identity.issuer },
    acting: acting(user, origin),
  });
  return user;
}

/**
 * Opens a session for the person the provider vouched for. The account is the one linked to the issuer and subject;
 * failing that, the one with the same e-mail address when the provider says it verified it (never when it did not:
 * anyone can type someone else's address at a provider that does not check it); failing that, a new one when an
 * organisation takes people of the address's domain. When the identity is first linked, the person joins that
 * organisation with the role the claim maps to (its default role otherwise); later roles are changed in Rempart.
 * A person with a second factor still gives it (the session waits for it, as after a password).
 */
export async function signInWithProvider(
  db: Kysely<Database>,
  settings: SessionSettings,
  identity: ProviderIdentity,
  origin: RequestOrigin & { previousToken?: string },
): Promise<IssuedSession & { created: boolean; joined: string[] }> {
  const email = identity.email?.trim().toLowerCase() || null;
  const domain = email?.split('@')[1] ?? null;
  const sso = new SingleSignOnRepository(db);
  const linked = await sso.identity(identity.issuer, identity.subject);
  const organisation = domain ? await sso.organisationForDomain(domain) : undefined;
  if (!linked) {
    if (!email) await refuse(db, identity, origin, new SingleSignOnRefused('email_missing', 'The provider gave no e-mail address for this account.', null));
    if (!identity.emailVerified)
      await refuse(
        db,
        identity,
        origin,
        new SingleSignOnRefused('email_unverified', 'The provider has not verified this e-mail address: it cannot open or create an account here.', email),
      );
    const existing = await new AccountRepository(db).userByEmail(email!);
    if (!existing && !organisation)
      await refuse(
        db,
        identity,
        origin,
        new SingleSignOnRefused('domain', `No organisation here takes people of ${domain} by single sign-on: ask an administrator to invite you.`, domain),
      );
  }
  return db.transaction().execute(async (trx) => {
    const accounts = new AccountRepository(trx);
    const identities = new SingleSignOnRepository(trx);
    let user: UserRecord;
    let created = false;
    if (linked) {
      user = (await accounts.user(linked.userId))!;
      await identities.touch(identity.issuer, identity.subject, email);
    } else {
      const existing = await accounts.userByEmail(email!);
      user = existing ?? (await createAccount(trx, identity, email!, origin));
      created = !existing;
      await identities.link(identity.issuer, identity.subject, user.id, email);
      await recordAudit(trx, {
        org: null,
        action: 'sso_link',
        entityType: 'user',
        entityId: user.id,
        after: { issuer: identity.issuer, subject: identity.subject, email },
        acting: acting(user, origin),
      });
    }
    const joined: string[] = [];
    // Just in time: when the identity is first linked. A member an administrator removes later stays removed.
    if (!linked && organisation && (await accounts.membership(organisation.orgId, user.id)) === undefined) {
      const role = mappedRole(organisation.settings, identity.claims) ?? organisation.settings.defaultRole;
      await accounts.insertMembership(organisation.orgId, user.id, role, user.displayName);
      await recordAudit(trx, {
        org: organisation.orgId,
        action: 'add',
        entityType: 'member',
        entityId: user.id,
        after: { email: user.email, displayName: user.displayName, role, via: 'oidc' },
        acting: acting(user, origin),
      });
      joined.push(organisation.orgId);
    }
    if (origin.previousToken) await accounts.deleteSessionByHash(sha256Hex(origin.previousToken));
    const issued = await openSignInSession(trx, settings, user, origin);
    await recordAudit(trx, {
      org: null,
      action: issued.stage === 'full' ? 'sign_in' : 'sign_in_provider_ok',
      entityType: 'user',
      entityId: user.id,
      after: { stage: issued.stage, via: 'oidc', issuer: identity.issuer },
      acting: acting(user, origin),
    });
    return { ...issued, created, joined };
  });
}

/** A callback that failed before anyone was known (a state that does not match, a token refused): kept in the audit trail. */
export async function recordProviderFailure(
  db: Kysely<Database>,
  failure: { issuer: string; rule: string; detail?: string },
  origin: RequestOrigin,
): Promise<void> {
  await db.transaction().execute((trx) =>
    recordAudit(trx, {
      org: null,
      action: 'sign_in_failed',
      entityType: 'user',
      entityId: null,
      after: { via: 'oidc', issuer: failure.issuer, rule: failure.rule, detail: failure.detail?.slice(0, 300) ?? null },
      acting: { actor: { type: 'anonymous', id: null, label: 'anonymous' }, source: origin.ip },
    }),
  );
}
