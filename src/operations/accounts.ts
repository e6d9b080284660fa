// Named commands on accounts: create a person, change a password, enrol and remove a second factor.
import type { Kysely } from 'kysely';
import { RempartError } from '../errors.js';
import { ruleSentence } from '../model/problem.js';
import type { Role } from '../model/account.js';
import { AccountRepository, type UserRecord } from '../store/account-repository.js';
import { ModelRepository } from '../store/model-repository.js';
import type { Database } from '../store/schema.js';
import { decryptSecret, encryptSecret } from '../security/crypto.js';
import { generatePassword, hashPassword, passwordProblems } from '../security/passwords.js';
import { checkTotp, newRecoveryCodes, newTotpSecret, qrCodeDataUrl, recoveryCodeHash, totpUri } from '../security/totp.js';
import { recordAudit } from './audit.js';
import { notFound } from './model-writer.js';
import { issueSession, passwordCheck, verifySecondFactor, type IssuedSession, type RequestOrigin, type SessionSettings } from './sessions.js';

function defaultName(email: string): string {
  return email.split('@')[0];
}

/** A new person's account; with `org`, a member of it too. */
export interface NewUser {
  email: string;
  displayName?: string;
  /** Chosen password (checked against the rules); a random one is generated and returned when absent. */
  password?: string;
  /** The person must choose a new password at first sign-in (someone else knows this one). */
  mustChange?: boolean;
  membership?: { org: string; role: Role };
}

/**
 * Creates an account (the CLI's `user create`, the first-run demo owner): the operator's way in, so the account is
 * a server administrator (it may create organisations). An existing address with `membership` is added to the
 * organisation instead, its password and standing untouched. Returns the generated password, if any: it is shown
 * once and stored only as its Argon2id hash. People join through the API by invitation only (invitations.ts).
 */
export async function createUser(db: Kysely<Database>, input: NewUser): Promise<{ userId: string; created: boolean; generatedPassword?: string }> {
  const email = input.email.toLowerCase();
  const existing = await new AccountRepository(db).userByEmail(email);
  if (existing && !input.membership)
    throw new RempartError('duplicate_id', `An account with the e-mail address ${email} already exists.`, [
      { path: 'email', rule: 'unique', value: email, message: 'already used' },
    ]);
  let generatedPassword: string | undefined;
  let passwordHash: string | undefined;
  if (!existing) {
    if (input.password !== undefined) {
      const problems = passwordProblems(input.password, 'password', { email });
      if (problems.length > 0) throw new RempartError('invalid_input', 'The password does not meet the rules.', problems);
    } else generatedPassword = generatePassword();
    passwordHash = await hashPassword(input.password ?? generatedPassword!);
  }
  const displayName = input.displayName?.trim() || existing?.displayName || defaultName(email);
  return db.transaction().execute(async (trx) => {
    const accounts = new AccountRepository(trx);
    if (input.membership && !(await new ModelRepository(trx).lockOrganisation(input.membership.org))) throw notFound('organisation', input.membership.org);
    let userId = existing?.id;
    if (!userId) {
      try {
        userId = await accounts.insertUser({ email, displayName, passwordHash: passwordHash!, mustChange: input.mustChange ?? false, serverAdmin: true });
      } catch (error) {
        if ((error as { code?: string }).code === '23505')
          throw new RempartError('duplicate_id', `An account with the e-mail address ${email} already exists.`, [
            { path: 'email', rule: 'unique', value: email, message: 'already used' },
          ]);
        throw error;
      }
    }
    if (input.membership) {
      const { org, role } = input.membership;
      const before = await accounts.membership(org, userId);
      if (before) await accounts.updateMembership(org, userId, role, before.displayName);
      else await accounts.insertMembership(org, userId, role, displayName);
      await recordAudit(trx, {
        org,
        action: before ? 'update' : 'add',
        entityType: 'member',
        entityId: userId,
        before: before ? { email, role: before.role, displayName: before.displayName } : null,
        after: { email, role, displayName: before?.displayName ?? displayName, accountCreated: !existing },
      });
    } else {
      await recordAudit(trx, { org: null, action: 'create', entityType: 'user', entityId: userId, after: { email, displayName, serverAdmin: true } });
    }
    return { userId, created: !existing, ...(generatedPassword ? { generatedPassword } : {}) };
  });
}

/**
 * Changes the password of a signed-in person after checking the current one. Every session of theirs ends,
 * this one included, and a new one is returned (the session id changes with the credentials).
 */
export async function changePassword(
  db: Kysely<Database>,
  settings: SessionSettings,
  user: UserRecord,
  input: { currentPassword: string; newPassword: string },
  origin: RequestOrigin,
): Promise<IssuedSession> {
  await passwordCheck(db, settings, user, input.currentPassword, origin, 'body.currentPassword');
  const problems = passwordProblems(input.newPassword, 'body.newPassword', { email: user.email });
  if (problems.length > 0) throw new RempartError('invalid_input', 'The new password does not meet the rules.', problems);
  if (input.newPassword === input.currentPassword)
    throw new RempartError('invalid_input', 'The new password is the current one.', [
      { path: 'body.newPassword', rule: 'unchanged', value: '[hidden]', message: 'choose a different password' },
    ]);
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction().execute(async (trx) => {
    const accounts = new AccountRepository(trx);
    await accounts.setPassword(user.id, passwordHash, false);
    const ended = await accounts.deleteSessionsOf(user.id);
    const session = await issueSession(trx, settings, { ...user, passwordHash, passwordMustChange: false }, origin);
    await recordAudit(
      trx,
      { org: null, action: 'password_change', entityType: 'user', entityId: user.id, after: { sessionsEnded: ended } },
      new Date(settings.now()),
    );
    return session;
  });
}

/** What an authenticator app needs to start: the seed (for typing), the otpauth URI and its QR code. */
export interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrCode: string;
}

/**
 * Starts (or restarts) enrolment of a TOTP second factor: a new seed is kept sealed, waiting for a first
 * valid code. Refused when a second factor is already on.
 */
export async function beginMfaEnrolment(db: Kysely<Database>, key: Buffer, user: UserRecord): Promise<Enrolment> {
  if (user.mfaEnabled) throw new RempartError('conflict', 'A second factor is already enrolled: disable it first to enrol another.');
  const secret = newTotpSecret();
  await db.transaction().execute(async (trx) => {
    await new AccountRepository(trx).setPendingMfa(user.id, encryptSecret(key, secret, `totp:${user.id}`));
    await recordAudit(trx, { org: null, action: 'mfa_enrolment_start', entityType: 'user', entityId: user.id });
  });
  const otpauthUri = totpUri(secret, user.email);
  return { secret, otpauthUri, qrCode: await qrCodeDataUrl(otpauthUri) };
}

/**
 * Turns the second factor on once the person proves their app works (a valid code), and returns ten recovery
 * codes, shown this once and stored as digests. Their other sessions end: they were opened without it.
 */
export async function confirmMfaEnrolment(
  db: Kysely<Database>,
  settings: SessionSettings,
  key: Buffer,
  user: UserRecord,
  sessionId: string,
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  const now = settings.now();
  const result = await db.transaction().execute(async (trx) => {
    const accounts = new AccountRepository(trx);
    const locked = await accounts.lockUser(user.id);
    if (!locked) throw new RempartError('unauthenticated', 'Your account no longer exists.');
    if (locked.mfaEnabled) throw new RempartError('conflict', 'A second factor is already enrolled.');
    if (!locked.mfaPendingSecret) throw new RempartError('conflict', 'No enrolment is waiting: start with POST /api/auth/mfa/enrol.');
    const secret = decryptSecret(key, locked.mfaPendingSecret, `totp:${user.id}`);
    const step = await checkTotp(secret, code.replace(/\s/g, ''), now);
    if (step === null) return null;
    await accounts.enableMfa(user.id, locked.mfaPendingSecret, new Date(now), step);
    const recoveryCodes = newRecoveryCodes();
    await accounts.replaceRecoveryCodes(user.id, recoveryCodes.map(recoveryCodeHash));
    const ended = await accounts.deleteSessionsOf(user.id, sessionId);
    await recordAudit(
      trx,
      {
        org: null,
        action: 'mfa_enable',
        entityType: 'user',
        entityId: user.id,
        after: { method: 'totp', recoveryCodes: recoveryCodes.length, sessionsEnded: ended },
      },
      new Date(now),
    );
    return { recoveryCodes };
  });
  if (!result)
    throw new RempartError('invalid_credentials', ruleSentence('code'), [
      { path: 'body.code', rule: 'code', value: null, message: 'the six digits your app shows now: check the time of your device' },
    ]);
  return result;
}

/**
 * Turns the second factor off after the password and a valid code (or recovery code). Refused while an
 * organisation requires it for the person's role there.
 */
export async function disableMfa(
  db: Kysely<Database>,
  settings: SessionSettings,
  key: Buffer,
  user: UserRecord,
  input: { password: string; code: string },
  origin: RequestOrigin,
): Promise<void> {
  if (!user.mfaEnabled) throw new RempartError('conflict', 'No second factor is enrolled.');
  const requiring = (await new AccountRepository(db).membershipsOf(user.id)).filter((m) => m.mfaRequiredRoles.includes(m.role));
  if (requiring.length > 0)
    throw new RempartError(
      'conflict',
      `Your role requires a second factor in ${requiring.map((m) => m.orgName).join(', ')}: it cannot be turned off.`,
      requiring.map((m) => ({ path: 'organisation', rule: 'mfa_required', value: m.orgId, message: `${m.role} in ${m.orgName}` })),
    );
  await passwordCheck(db, settings, user, input.password, origin, 'body.password');
  await verifySecondFactor(db, settings, key, user, input.code, origin, { action: 'mfa_disable' });
  await db.transaction().execute(async (trx) => {
    await new AccountRepository(trx).disableMfa(user.id);
    await recordAudit(trx, { org: null, action: 'mfa_disable', entityType: 'user', entityId: user.id }, new Date(settings.now()));
  });
}
