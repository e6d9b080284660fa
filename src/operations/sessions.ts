// Signing in and out: password then (when enrolled) second factor, sessions kept as SHA-256 digests in the database,
// API tokens resolved per request, and throttling of failed attempts that holds across server processes.
import { createHmac } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { RempartError } from '../errors.js';
import { ruleSentence } from '../model/problem.js';
import {
  accountsGeneration,
  AccountRepository,
  type MembershipRecord,
  type SessionRecord,
  type TokenRecord,
  type UserRecord,
} from '../store/account-repository.js';
import type { OrganisationRecord } from '../store/model-repository.js';
import type { Database } from '../store/schema.js';
import { decryptSecret, randomSecret, sha256Hex } from '../security/crypto.js';
import { verifyNothing, verifyPassword } from '../security/passwords.js';
import { checkTotp, looksLikeRecoveryCode, recoveryCodeHash } from '../security/totp.js';
import type { ActingContext } from './actor.js';
import { recordAudit } from './audit.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How long sessions live, and the clock they are measured with (tests move it). */
export interface SessionSettings {
  /** A session unused for this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, however busy. */
  absoluteMs: number;
  /** Time allowed between the password and the second factor. */
  pendingMs: number;
  /**
   * How long a resolved caller (session or API token, with the membership) is reused without asking the database
   * again; 0: never. A change made through this process takes effect at once; one made by another process within this
   * time (a sign-out, a revoked token, a role changed there).
   */
  callerCacheMs?: number;
  now(): number;
}

/** Eight hours unused, seven days at most, five minutes for the second factor. */
export const DEFAULT_SESSION_SETTINGS: SessionSettings = Object.freeze({
  idleMs: 8 * HOUR,
  absoluteMs: 7 * 24 * HOUR,
  pendingMs: 5 * MINUTE,
  callerCacheMs: 1000,
  now: () => Date.now(),
});

/**
 * Callers resolved lately, per database: a busy client (the crisis team's tool, a script with an API token) is looked
 * up once a second instead of on every request. An entry holds the session or token, the person and the membership,
 * never the organisation's record (routes that need it read it fresh), and is dropped when this process changes any
 * account (see `accountsGeneration`).
 */
const callerCaches = new WeakMap<Kysely<Database>, Map<string, { until: number; generation: number; value: unknown }>>();
const CALLER_CACHE_SIZE = 10_000;

function cachedCaller<T>(db: Kysely<Database>, key: string, now: number): T | undefined {
  const entry = callerCaches.get(db)?.get(key);
  if (!entry) return undefined;
  if (entry.until > now && entry.generation === accountsGeneration()) return entry.value as T;
  callerCaches.get(db)!.delete(key);
  return undefined;
}

function cacheCaller(db: Kysely<Database>, key: string, value: unknown, until: number, generation: number): void {
  let cache = callerCaches.get(db);
  if (!cache) callerCaches.set(db, (cache = new Map()));
  if (cache.size >= CALLER_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, { until, generation, value });
}

/**
 * Progressive lockout: the first `free` failures cost nothing, then each one locks the key for twice as long
 * as the previous, from `baseMs` up to `capMs`; failures older than `resetMs` are forgotten. Per address the
 * allowance is larger, since many people may share one (an office behind NAT).
 */
export const THROTTLE = {
  account: { free: 5, baseMs: 15_000, capMs: 15 * MINUTE, resetMs: HOUR },
  address: { free: 20, baseMs: 15_000, capMs: 15 * MINUTE, resetMs: HOUR },
} as const;
type ThrottlePolicy = (typeof THROTTLE)[keyof typeof THROTTLE];

/** A session handed to the client: the cookie value (shown once, stored as a digest) and its CSRF token. */
export interface IssuedSession {
  token: string;
  csrfToken: string;
  sessionId: string;
  stage: 'mfa' | 'full';
  expiresAt: number;
  user: UserRecord;
}

/** Where a request comes from, for throttling and the audit trail. */
export interface RequestOrigin {
  ip: string;
  userAgent: string | null;
}

/**
 * The CSRF token of a session: an HMAC of its secret, so it needs no storage, cannot be derived from the
 * database (which holds only the secret's SHA-256), and changes whenever the session is rotated.
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('rempart:csrf').digest('base64url');
}

function lockedError(retryMs: number): RempartError {
  const seconds = Math.ceil(retryMs / 1000);
  return new RempartError(
    'rate_limited',
    `Too many failed attempts: wait ${seconds} second(s) before trying again.`,
    [{ path: 'credentials', rule: 'locked', value: null, message: `retry in ${seconds} s` }],
    { retryAfter: seconds },
  );
}

/** The attempts taken against each key for one check: given back when it succeeds. */
interface Attempt {
  keys: Array<[string, ThrottlePolicy]>;
  /** The lock each key's attempt started (ms), in the order of `keys`. */
  locks: Array<number | null>;
  now: number;
}

/**
 * Takes an attempt against every key before the secret is checked, so that concurrent guesses cannot all pass the
 * check of "not locked yet" before any of them is counted: at most `free` checks run per key and window. Refuses
 * while any key is locked, giving back what it already took.
 */
async function takeAttempt(db: Kysely<Database>, keys: Array<[string, ThrottlePolicy]>, now: number): Promise<Attempt> {
  const repository = new AccountRepository(db);
  const locks: Array<number | null> = [];
  for (const [key, policy] of keys) {
    const taken = await repository.takeAttempt(key, now, policy);
    if (!taken) {
      for (let i = 0; i < locks.length; i++) await repository.refundAttempt(keys[i][0], locks[i]);
      const [row] = await repository.throttles([key]);
      throw lockedError(Math.max(1000, (row?.lockedUntil ?? now) - now));
    }
    locks.push(taken.lockedUntil);
  }
  return { keys, locks, now };
}

/** The longest lock a failed attempt started (ms), for the audit trail; null when none. */
function lockStarted(attempt: Attempt): number | null {
  const started = attempt.locks.filter((lock): lock is number => lock !== null).map((lock) => lock - attempt.now);
  return started.length > 0 ? Math.max(...started) : null;
}

/** A check succeeded: the person's own key starts again from zero, shared keys (an address) get their attempt back. */
async function succeeded(db: Kysely<Database>, attempt: Attempt, ownKey: string): Promise<void> {
  const repository = new AccountRepository(db);
  for (let i = 0; i < attempt.keys.length; i++) {
    const key = attempt.keys[i][0];
    if (key === ownKey) await repository.clearThrottle(key);
    else await repository.refundAttempt(key, attempt.locks[i]);
  }
}

function invalidCredentials(what: 'password' | 'code'): RempartError {
  return what === 'password'
    ? new RempartError('invalid_credentials', ruleSentence('credentials'), [
        { path: 'body', rule: 'credentials', value: null, message: 'check both and try again' },
      ])
    : new RempartError('invalid_credentials', ruleSentence('code'), [
        { path: 'body.code', rule: 'code', value: null, message: 'enter the current code of your app, or an unused recovery code' },
      ]);
}

function userActing(user: Pick<UserRecord, 'id' | 'email'>, origin: RequestOrigin): ActingContext {
  return { actor: { type: 'user', id: user.id, label: user.email }, source: origin.ip };
}

async function issue(
  trx: Transaction<Database>,
  settings: SessionSettings,
  user: UserRecord,
  stage: 'mfa' | 'full',
  origin: RequestOrigin,
  now: number,
): Promise<IssuedSession> {
  const token = randomSecret(32);
  const expiresAt = now + (stage === 'mfa' ? settings.pendingMs : settings.absoluteMs);
  const sessionId = await new AccountRepository(trx).insertSession({
    tokenHash: sha256Hex(token),
    userId: user.id,
    stage,
    at: now,
    expiresAt,
    ip: origin.ip,
    userAgent: origin.userAgent?.slice(0, 300) ?? null,
  });
  return { token, csrfToken: csrfTokenOf(token), sessionId, stage, expiresAt, user };
}

let lastHousekeeping = 0;

/**
 * Removes ended sessions and forgotten failures, at most every ten minutes per process: rows of sessions nobody
 * presents again, and of addresses an attacker made up, would otherwise pile up.
 */
async function housekeeping(db: Kysely<Database>, settings: SessionSettings, now: number): Promise<void> {
  if (now - lastHousekeeping < 10 * MINUTE && now >= lastHousekeeping) return;
  lastHousekeeping = now;
  const repository = new AccountRepository(db);
  await repository.deleteStaleSessions(now, settings.idleMs);
  await repository.deleteStaleThrottles(now, THROTTLE.account.resetMs);
}

/**
 * Checks e-mail and password and opens a session: a full one, or, when the person has a second factor, one that
 * can only take the second step. Any session the client still had (`previousToken`) ends: the id changes at
 * sign-in. Unknown addresses cost the same time as wrong passwords and are throttled the same way.
 */
export async function signIn(
  db: Kysely<Database>,
  settings: SessionSettings,
  input: { email: string; password: string; previousToken?: string } & RequestOrigin,
): Promise<IssuedSession> {
  const now = settings.now();
  const email = input.email.toLowerCase();
  const keys: Array<[string, ThrottlePolicy]> = [
    [`account:${email}`, THROTTLE.account],
    [`address:${input.ip}`, THROTTLE.address],
  ];
  const repository = new AccountRepository(db);
  await housekeeping(db, settings, now);
  const attempt = await takeAttempt(db, keys, now);
  const user = await repository.userByEmail(email);
  const matches = user ? await verifyPassword(user.passwordHash, input.password) : await verifyNothing(input.password);
  if (!user || !matches) {
    const lock = lockStarted(attempt);
    await db.transaction().execute((trx) =>
      recordAudit(
        trx,
        {
          org: null,
          action: 'sign_in_failed',
          entityType: 'user',
          entityId: user?.id ?? null,
          after: { email, lockedForSeconds: lock === null ? null : Math.ceil(lock / 1000) },
          acting: { actor: { type: 'anonymous', id: null, label: 'anonymous' }, source: input.ip },
        },
        new Date(now),
      ),
    );
    throw invalidCredentials('password');
  }
  return db.transaction().execute(async (trx) => {
    const accounts = new AccountRepository(trx);
    await succeeded(trx, attempt, `account:${email}`);
    if (input.previousToken) await accounts.deleteSessionByHash(sha256Hex(input.previousToken));
    const stage = user.mfaEnabled ? 'mfa' : 'full';
    const issued = await issue(trx, settings, user, stage, input, now);
    await recordAudit(
      trx,
      {
        org: null,
        action: stage === 'full' ? 'sign_in' : 'sign_in_password_ok',
        entityType: 'user',
        entityId: user.id,
        after: { stage },
        acting: userActing(user, input),
      },
      new Date(now),
    );
    return issued;
  });
}

/** Checks a TOTP code (not replayable) or consumes a recovery code, under the user's row lock. */
async function checkSecondFactor(
  trx: Transaction<Database>,
  key: Buffer,
  user: UserRecord,
  code: string,
  now: number,
): Promise<{ method: 'totp' | 'recovery' } | null> {
  const accounts = new AccountRepository(trx);
  const locked = await accounts.lockUser(user.id);
  if (!locked?.mfaSecret) return null;
  const trimmed = code.replace(/\s/g, '');
  if (/^\d{6}$/.test(trimmed)) {
    const secret = decryptSecret(key, locked.mfaSecret, `totp:${user.id}`);
    const step = await checkTotp(secret, trimmed, now, locked.mfaLastStep);
    if (step === null) return null;
    await accounts.setMfaLastStep(user.id, step);
    return { method: 'totp' };
  }
  if (looksLikeRecoveryCode(code) && (await accounts.useRecoveryCode(user.id, recoveryCodeHash(code), new Date(now)))) return { method: 'recovery' };
  return null;
}

/** Verifies a second factor of a signed-in person (and counts a failure against the throttle when it is wrong). */
export async function verifySecondFactor(
  db: Kysely<Database>,
  settings: SessionSettings,
  key: Buffer,
  user: UserRecord,
  code: string,
  origin: RequestOrigin,
  audit: { action: string },
): Promise<'totp' | 'recovery'> {
  const now = settings.now();
  const keys: Array<[string, ThrottlePolicy]> = [
    [`mfa:${user.id}`, THROTTLE.account],
    [`address:${origin.ip}`, THROTTLE.address],
  ];
  const attempt = await takeAttempt(db, keys, now);
  const outcome = await db.transaction().execute(async (trx) => {
    const checked = await checkSecondFactor(trx, key, user, code, now);
    if (!checked) {
      const lock = lockStarted(attempt);
      await recordAudit(
        trx,
        {
          org: null,
          action: `${audit.action}_failed`,
          entityType: 'user',
          entityId: user.id,
          after: { lockedForSeconds: lock === null ? null : Math.ceil(lock / 1000) },
          acting: userActing(user, origin),
        },
        new Date(now),
      );
      return null;
    }
    await succeeded(trx, attempt, `mfa:${user.id}`);
    return checked.method;
  });
  if (!outcome) throw invalidCredentials('code');
  return outcome;
}

/**
 * The second step: a valid TOTP code or an unused recovery code turns the waiting session into a full one,
 * under a new id. Wrong codes are throttled per account and per address.
 */
export async function completeSignIn(
  db: Kysely<Database>,
  settings: SessionSettings,
  key: Buffer,
  pending: { session: SessionRecord; user: UserRecord },
  code: string,
  origin: RequestOrigin,
): Promise<IssuedSession & { method: 'totp' | 'recovery'; recoveryCodesLeft: number }> {
  const method = await verifySecondFactor(db, settings, key, pending.user, code, origin, { action: 'sign_in_mfa' });
  const now = settings.now();
  return db.transaction().execute(async (trx) => {
    const accounts = new AccountRepository(trx);
    // Two concurrent second steps on one waiting session: only the first opens a session.
    if (!(await accounts.deleteSession(pending.session.id)))
      throw new RempartError('unauthenticated', 'This sign-in step has already been used: sign in again.');
    const issued = await issue(trx, settings, pending.user, 'full', origin, now);
    const recoveryCodesLeft = await accounts.unusedRecoveryCodes(pending.user.id);
    await recordAudit(
      trx,
      {
        org: null,
        action: 'sign_in',
        entityType: 'user',
        entityId: pending.user.id,
        after: { stage: 'full', secondFactor: method, recoveryCodesLeft },
        acting: userActing(pending.user, origin),
      },
      new Date(now),
    );
    return { ...issued, method, recoveryCodesLeft };
  });
}

/** The session behind a cookie value, if it is still valid; an ended one is removed on the way. */
export async function resolveSession(
  db: Kysely<Database>,
  settings: SessionSettings,
  token: string,
  orgId?: string,
): Promise<{ session: SessionRecord; user: UserRecord; membership?: MembershipRecord | null; organisation?: OrganisationRecord } | undefined> {
  if (token.length < 20 || token.length > 200) return undefined;
  const repository = new AccountRepository(db);
  const hash = sha256Hex(token);
  const now = settings.now();
  const key = `session ${hash} ${orgId ?? ''}`;
  const generation = accountsGeneration();
  let found: Awaited<ReturnType<AccountRepository['sessionByHash']>> = cachedCaller(db, key, now);
  if (!found) {
    found = await repository.sessionByHash(hash, orgId);
    if (!found) return undefined;
    const cacheMs = settings.callerCacheMs ?? 0;
    if (cacheMs > 0) cacheCaller(db, key, { ...found, organisation: undefined }, now + cacheMs, generation);
  }
  const { session } = found;
  if (now >= session.expiresAt || now - session.lastSeenAt >= settings.idleMs) {
    await repository.deleteSession(session.id);
    return undefined;
  }
  // Writing on every request would turn reads into writes; a minute is precise enough for an idle limit of hours.
  if (now - session.lastSeenAt >= MINUTE) {
    await repository.touchSession(session.id, now);
    session.lastSeenAt = now;
  }
  return found;
}

/** The prefix of every API token: recognisable by secret scanners, and carrying the organisation it belongs to. */
export const TOKEN_PREFIX = 'rmp_';

/** Splits `rmp_<org>.<secret>`; undefined when the text cannot be a token. */
export function parseApiToken(text: string): { org: string; secret: string } | undefined {
  if (!text.startsWith(TOKEN_PREFIX) || text.length > 300) return undefined;
  const dot = text.lastIndexOf('.');
  const org = text.slice(TOKEN_PREFIX.length, dot);
  const secret = text.slice(dot + 1);
  if (dot < 0 || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(org) || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
  return { org, secret };
}

/**
 * The token behind a Bearer header, with the person who created it and their current membership; undefined when
 * unknown, revoked, expired, or when its creator has left the organisation.
 */
export async function resolveApiToken(
  db: Kysely<Database>,
  now: number,
  bearer: string,
  cacheMs = 0,
): Promise<{ token: TokenRecord; user: UserRecord; membership: MembershipRecord; organisation?: OrganisationRecord } | undefined> {
  const parsed = parseApiToken(bearer);
  if (!parsed) return undefined;
  const repository = new AccountRepository(db);
  const hash = sha256Hex(bearer);
  const key = `token ${parsed.org} ${hash}`;
  const generation = accountsGeneration();
  let found: Awaited<ReturnType<AccountRepository['tokenWithHolder']>> = cachedCaller(db, key, now);
  if (!found) {
    found = await repository.tokenWithHolder(parsed.org, hash);
    if (!found) return undefined;
    if (cacheMs > 0) cacheCaller(db, key, { ...found, organisation: undefined }, now + cacheMs, generation);
  }
  if (found.token.revokedAt !== null || Date.parse(found.token.expiresAt) <= now || !found.membership) return undefined;
  const { token, user, membership, organisation } = found;
  if (token.lastUsedAt === null || now - Date.parse(token.lastUsedAt) >= MINUTE) {
    await repository.touchToken(token.orgId, token.id, now);
    token.lastUsedAt = new Date(now).toISOString();
  }
  return { token, user, membership, organisation };
}

/** Ends one session. */
export async function signOut(db: Kysely<Database>, session: SessionRecord, user: UserRecord, origin: RequestOrigin): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await new AccountRepository(trx).deleteSession(session.id);
    await recordAudit(trx, { org: null, action: 'sign_out', entityType: 'user', entityId: user.id, acting: userActing(user, origin) });
  });
}

/** Ends every session of the person, this one included; returns how many ended. API tokens are not affected. */
export async function signOutEverywhere(db: Kysely<Database>, user: UserRecord, origin: RequestOrigin): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const ended = await new AccountRepository(trx).deleteSessionsOf(user.id);
    await recordAudit(trx, {
      org: null,
      action: 'sign_out_everywhere',
      entityType: 'user',
      entityId: user.id,
      after: { sessions: ended },
      acting: userActing(user, origin),
    });
    return ended;
  });
}

/** Opens a full session inside the caller's transaction (password change and enrolment rotate the session this way). */
export function issueSession(trx: Transaction<Database>, settings: SessionSettings, user: UserRecord, origin: RequestOrigin): Promise<IssuedSession> {
  return issue(trx, settings, user, 'full', origin, settings.now());
}

/** Opens the session of a sign-in vouched for elsewhere (a provider): full, or waiting for the person's second factor. */
export function openSignInSession(trx: Transaction<Database>, settings: SessionSettings, user: UserRecord, origin: RequestOrigin): Promise<IssuedSession> {
  return issue(trx, settings, user, user.mfaEnabled ? 'mfa' : 'full', origin, settings.now());
}

/** Counts a failed password check of a signed-in person (password change, disabling the second factor). */
export async function passwordCheck(
  db: Kysely<Database>,
  settings: SessionSettings,
  user: UserRecord,
  password: string,
  origin: RequestOrigin,
  path: string,
): Promise<void> {
  const now = settings.now();
  const keys: Array<[string, ThrottlePolicy]> = [
    [`account:${user.email}`, THROTTLE.account],
    [`address:${origin.ip}`, THROTTLE.address],
  ];
  const attempt = await takeAttempt(db, keys, now);
  if (await verifyPassword(user.passwordHash, password)) {
    await succeeded(db, attempt, `account:${user.email}`);
    return;
  }
  await db.transaction().execute(async (trx) => {
    const lock = lockStarted(attempt);
    await recordAudit(
      trx,
      {
        org: null,
        action: 'password_check_failed',
        entityType: 'user',
        entityId: user.id,
        after: { lockedForSeconds: lock === null ? null : Math.ceil(lock / 1000) },
        acting: userActing(user, origin),
      },
      new Date(now),
    );
  });
  throw new RempartError('invalid_credentials', 'The current password is wrong.', [
    { path, rule: 'credentials', value: null, message: 'your current password' },
  ]);
}
