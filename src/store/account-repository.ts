// Users, memberships, sessions, API tokens, recovery codes and sign-in throttling; rows stay in here.
import { sql, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import type { Role } from '../model/account.js';
import { toOrganisation, type OrganisationRecord } from './model-repository.js';
import type { ApiTokensTable, Database, UsersTable } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** A person's account. The password hash and sealed TOTP seed never leave the server. */
export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string;
  passwordMustChange: boolean;
  mfaEnabled: boolean;
  /** The TOTP seed, sealed with the server key (AES-256-GCM). */
  mfaSecret: string | null;
  mfaPendingSecret: string | null;
  mfaLastStep: number | null;
  createdAt: string;
  /** Made by the operator (`rempart user create`, the first-run demo owner): may create organisations. */
  serverAdmin: boolean;
}

/** A person's place in an organisation. */
export interface MembershipRecord {
  orgId: string;
  orgName: string;
  userId: string;
  role: Role;
  /** How the organisation names the person (matched against activity owners). */
  displayName: string;
  /** Roles the organisation requires a second factor for. */
  mfaRequiredRoles: Role[];
}

/** A member as listed: the person and their role in the organisation. */
export interface MemberRecord {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  mfaEnabled: boolean;
  createdAt: string;
}

/** A session (times in milliseconds since the epoch). */
export interface SessionRecord {
  id: string;
  userId: string;
  stage: 'mfa' | 'full';
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

/** An API token, without its secret (only its digest is stored). */
export interface TokenRecord {
  orgId: string;
  id: string;
  name: string;
  role: Role;
  createdBy: { id: string; email: string };
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Failed attempts counted against one key (`account:…`, `address:…`, `mfa:…`). */
export interface ThrottleRecord {
  key: string;
  failures: number;
  lastFailureAt: number;
  lockedUntil: number | null;
}

/** How many failures a key is allowed, and how long the locks after them last (ms). */
export interface LockoutPolicy {
  free: number;
  baseMs: number;
  capMs: number;
  resetMs: number;
}

const iso = (date: Date | string) => new Date(date).toISOString();
const ms = (date: Date | string) => new Date(date).getTime();

function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    passwordMustChange: row.password_must_change,
    mfaEnabled: row.mfa_enabled_at !== null && row.mfa_secret !== null,
    mfaSecret: row.mfa_secret,
    mfaPendingSecret: row.mfa_pending_secret,
    mfaLastStep: row.mfa_last_step === null ? null : Number(row.mfa_last_step),
    createdAt: iso(row.created_at),
    serverAdmin: row.is_server_admin === true,
  };
}

function toToken(row: Selectable<ApiTokensTable> & { creator_email: string }): TokenRecord {
  return {
    orgId: row.org_id,
    id: row.id,
    name: row.name,
    role: row.role as Role,
    createdBy: { id: row.created_by, email: row.creator_email },
    createdAt: iso(row.created_at),
    expiresAt: iso(row.expires_at),
    lastUsedAt: row.last_used_at ? iso(row.last_used_at) : null,
    revokedAt: row.revoked_at ? iso(row.revoked_at) : null,
  };
}

/** Access to the account tables, on the database or inside a transaction. */
/**
 * Moves on whenever this process is about to change who may do what (sessions, tokens, memberships, a person's
 * password or second factor): callers resolved before (see the caller cache of operations/sessions.ts) are not used
 * again. Another process's changes are not seen here: the cache's short lifetime bounds those.
 */
let generation = 0;

export function accountsGeneration(): number {
  return generation;
}

export function accountsChanged(): void {
  generation++;
}

export class AccountRepository {
  constructor(private readonly db: Executor) {}

  // ------------------------------------------------------------------------------------------------------------------
  // Users

  async userByEmail(email: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  async user(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  /** Locks the user's row until the transaction ends (second-factor steps, password changes). */
  async lockUser(id: string): Promise<UserRecord | undefined> {
    accountsChanged();
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async insertUser(user: { email: string; displayName: string; passwordHash: string; mustChange: boolean; serverAdmin?: boolean }): Promise<string> {
    const row = await this.db
      .insertInto('users')
      .values({
        email: user.email.toLowerCase(),
        display_name: user.displayName,
        password_hash: user.passwordHash,
        password_must_change: user.mustChange,
        is_server_admin: user.serverAdmin ?? false,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async setPassword(id: string, passwordHash: string, mustChange: boolean): Promise<void> {
    accountsChanged();
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash, password_must_change: mustChange, password_changed_at: sql`now()`, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  }

  /** Names or un-names a server administrator (the operator's CLI). */
  async setServerAdmin(id: string, serverAdmin: boolean): Promise<void> {
    accountsChanged();
    await this.db
      .updateTable('users')
      .set({ is_server_admin: serverAdmin, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  }

  async setPendingMfa(id: string, sealed: string | null): Promise<void> {
    accountsChanged();
    await this.db
      .updateTable('users')
      .set({ mfa_pending_secret: sealed, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  }

  async enableMfa(id: string, sealed: string, at: Date, step: number): Promise<void> {
    accountsChanged();
    await this.db
      .updateTable('users')
      .set({ mfa_secret: sealed, mfa_pending_secret: null, mfa_enabled_at: at, mfa_last_step: step, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
  }

  async disableMfa(id: string): Promise<void> {
    accountsChanged();
    await this.db
      .updateTable('users')
      .set({ mfa_secret: null, mfa_pending_secret: null, mfa_enabled_at: null, mfa_last_step: null, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
    await this.db.deleteFrom('recovery_codes').where('user_id', '=', id).execute();
  }

  async setMfaLastStep(id: string, step: number): Promise<void> {
    await this.db.updateTable('users').set({ mfa_last_step: step }).where('id', '=', id).execute();
  }

  async replaceRecoveryCodes(id: string, hashes: string[]): Promise<void> {
    await this.db.deleteFrom('recovery_codes').where('user_id', '=', id).execute();
    if (hashes.length > 0)
      await this.db
        .insertInto('recovery_codes')
        .values(hashes.map((code_hash) => ({ user_id: id, code_hash, used_at: null })))
        .execute();
  }

  /** Marks an unused recovery code used; false when there is no such unused code. */
  async useRecoveryCode(id: string, hash: string, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('recovery_codes')
      .set({ used_at: at })
      .where('user_id', '=', id)
      .where('code_hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async unusedRecoveryCodes(id: string): Promise<number> {
    const row = await this.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('user_id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Memberships

  private membershipQuery() {
    return this.db
      .selectFrom('memberships as m')
      .innerJoin('organisations as o', 'o.id', 'm.org_id')
      .select(['m.org_id', 'o.name as org_name', 'm.user_id', 'm.role', 'm.display_name', 'o.mfa_required_roles']);
  }

  async membership(orgId: string, userId: string): Promise<MembershipRecord | undefined> {
    const row = await this.membershipQuery().where('m.org_id', '=', orgId).where('m.user_id', '=', userId).executeTakeFirst();
    return row ? toMembership(row) : undefined;
  }

  async membershipsOf(userId: string): Promise<MembershipRecord[]> {
    const rows = await this.membershipQuery().where('m.user_id', '=', userId).orderBy('m.org_id').execute();
    return rows.map(toMembership);
  }

  async members(orgId: string, userId?: string): Promise<MemberRecord[]> {
    let query = this.db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.user_id', 'u.email', 'm.display_name', 'm.role', 'u.mfa_enabled_at', 'm.created_at'])
      .where('m.org_id', '=', orgId);
    if (userId) query = query.where('m.user_id', '=', userId);
    const rows = await query.orderBy('u.email').execute();
    return rows.map((row) => ({
      userId: row.user_id,
      email: row.email,
      displayName: row.display_name,
      role: row.role as Role,
      mfaEnabled: row.mfa_enabled_at !== null,
      createdAt: iso(row.created_at),
    }));
  }

  async member(orgId: string, userId: string): Promise<MemberRecord | undefined> {
    return (await this.members(orgId, userId))[0];
  }

  async insertMembership(orgId: string, userId: string, role: Role, displayName: string): Promise<void> {
    accountsChanged();
    await this.db.insertInto('memberships').values({ org_id: orgId, user_id: userId, role, display_name: displayName }).execute();
  }

  async updateMembership(orgId: string, userId: string, role: Role, displayName: string): Promise<void> {
    accountsChanged();
    await this.db
      .updateTable('memberships')
      .set({ role, display_name: displayName, updated_at: sql`now()` })
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .execute();
  }

  async deleteMembership(orgId: string, userId: string): Promise<void> {
    accountsChanged();
    await this.db.deleteFrom('memberships').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  }

  async countOwners(orgId: string): Promise<number> {
    const row = await this.db
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('org_id', '=', orgId)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async mfaRequiredRoles(orgId: string): Promise<Role[] | undefined> {
    const row = await this.db.selectFrom('organisations').select('mfa_required_roles').where('id', '=', orgId).executeTakeFirst();
    return row ? (row.mfa_required_roles as Role[]) : undefined;
  }

  async setMfaRequiredRoles(orgId: string, roles: Role[]): Promise<void> {
    accountsChanged();
    await this.db
      .updateTable('organisations')
      .set({ mfa_required_roles: sql`${roles}::text[]` as never })
      .where('id', '=', orgId)
      .execute();
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Sessions

  async insertSession(session: {
    tokenHash: string;
    userId: string;
    stage: 'mfa' | 'full';
    at: number;
    expiresAt: number;
    ip: string | null;
    userAgent: string | null;
  }): Promise<string> {
    const row = await this.db
      .insertInto('sessions')
      .values({
        token_hash: session.tokenHash,
        user_id: session.userId,
        stage: session.stage,
        created_at: new Date(session.at),
        last_seen_at: new Date(session.at),
        expires_at: new Date(session.expiresAt),
        ip: session.ip,
        user_agent: session.userAgent,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /**
   * The session and its person; with `orgId`, also their membership of that organisation (`null`: none), read in the
   * same query, since nearly every request of a signed-in person names an organisation.
   */
  async sessionByHash(
    tokenHash: string,
    orgId?: string,
  ): Promise<{ session: SessionRecord; user: UserRecord; membership?: MembershipRecord | null; organisation?: OrganisationRecord } | undefined> {
    const row = await this.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .leftJoin('memberships as m', (join) => join.onRef('m.user_id', '=', 'u.id').on('m.org_id', '=', orgId ?? null))
      .leftJoin('organisations as o', 'o.id', 'm.org_id')
      .selectAll('u')
      .select(['s.id as session_id', 's.stage', 's.created_at as session_created_at', 's.last_seen_at', 's.expires_at'])
      .select([
        'm.org_id as member_org_id',
        'o.name as member_org_name',
        'm.role as member_role',
        'm.display_name as member_display_name',
        'o.mfa_required_roles as member_mfa_roles',
      ])
      // The organisation's record too, which the routes of a member read next.
      .select(ORGANISATION_COLUMNS)
      .where('s.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return undefined;
    const membership =
      orgId === undefined
        ? undefined
        : row.member_org_id === null
          ? null
          : toMembership({
              org_id: row.member_org_id,
              org_name: row.member_org_name!,
              user_id: row.id,
              role: row.member_role!,
              display_name: row.member_display_name!,
              mfa_required_roles: row.member_mfa_roles!,
            });
    const organisation = membership && row.member_org_id !== null ? organisationOf(row.member_org_id, row.member_org_name!, row) : undefined;
    return {
      membership,
      organisation,
      session: {
        id: row.session_id,
        userId: row.id,
        stage: row.stage,
        createdAt: ms(row.session_created_at),
        lastSeenAt: ms(row.last_seen_at),
        expiresAt: ms(row.expires_at),
      },
      user: toUser(row),
    };
  }

  async touchSession(id: string, at: number): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(at) })
      .where('id', '=', id)
      .execute();
  }

  /** Ends a session; false when it had already ended. */
  async deleteSession(id: string): Promise<boolean> {
    accountsChanged();
    const result = await this.db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteSessionByHash(tokenHash: string): Promise<void> {
    accountsChanged();
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  /** Ends every session of a person, but `keep`; returns how many ended. */
  async deleteSessionsOf(userId: string, keep?: string): Promise<number> {
    accountsChanged();
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keep) query = query.where('id', '!=', keep);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Housekeeping: sessions past their absolute expiry, or idle for longer than `idleMs`. */
  async deleteStaleSessions(now: number, idleMs: number): Promise<void> {
    accountsChanged();
    await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', new Date(now)), eb('last_seen_at', '<=', new Date(now - idleMs))]))
      .execute();
  }

  // ------------------------------------------------------------------------------------------------------------------
  // API tokens

  private tokenQuery() {
    return this.db.selectFrom('api_tokens as t').innerJoin('users as u', 'u.id', 't.created_by').selectAll('t').select('u.email as creator_email');
  }

  async insertToken(token: { orgId: string; name: string; tokenHash: string; role: Role; createdBy: string; expiresAt: Date }): Promise<TokenRecord> {
    const row = await this.db
      .insertInto('api_tokens')
      .values({
        org_id: token.orgId,
        name: token.name,
        token_hash: token.tokenHash,
        role: token.role,
        created_by: token.createdBy,
        expires_at: token.expiresAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await this.token(token.orgId, row.id))!;
  }

  async tokens(orgId: string): Promise<TokenRecord[]> {
    const rows = await this.tokenQuery().where('t.org_id', '=', orgId).orderBy('t.created_at', 'desc').orderBy('t.id').execute();
    return rows.map(toToken);
  }

  async token(orgId: string, id: string): Promise<TokenRecord | undefined> {
    const row = await this.tokenQuery().where('t.org_id', '=', orgId).where('t.id', '=', id).executeTakeFirst();
    return row ? toToken(row) : undefined;
  }

  /**
   * The token with its creator and the creator's membership of the token's organisation, in one query: every request
   * made with a token needs all three, and three queries cost the request more than its own work on a small page.
   */
  async tokenWithHolder(
    orgId: string,
    tokenHash: string,
  ): Promise<{ token: TokenRecord; user: UserRecord; membership: MembershipRecord | undefined; organisation?: OrganisationRecord } | undefined> {
    const row = await this.tokenQuery()
      .leftJoin('memberships as m', (join) => join.onRef('m.org_id', '=', 't.org_id').onRef('m.user_id', '=', 't.created_by'))
      .leftJoin('organisations as o', 'o.id', 'm.org_id')
      .select([
        sql<Selectable<UsersTable>>`to_jsonb(u)`.as('holder'),
        'm.role as member_role',
        'm.display_name as member_display_name',
        'o.name as org_name',
        'o.mfa_required_roles',
      ])
      .select(ORGANISATION_COLUMNS)
      .where('t.org_id', '=', orgId)
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return undefined;
    const membership =
      row.member_role === null || row.org_name === null
        ? undefined
        : toMembership({
            org_id: row.org_id,
            org_name: row.org_name,
            user_id: row.created_by,
            role: row.member_role,
            display_name: row.member_display_name!,
            mfa_required_roles: row.mfa_required_roles ?? [],
          });
    return { token: toToken(row), user: toUser(row.holder), membership, organisation: membership ? organisationOf(row.org_id, row.org_name!, row) : undefined };
  }

  async tokenByHash(orgId: string, tokenHash: string): Promise<TokenRecord | undefined> {
    const row = await this.tokenQuery().where('t.org_id', '=', orgId).where('t.token_hash', '=', tokenHash).executeTakeFirst();
    return row ? toToken(row) : undefined;
  }

  async revokeToken(orgId: string, id: string, at: Date): Promise<void> {
    accountsChanged();
    await this.db.updateTable('api_tokens').set({ revoked_at: at }).where('org_id', '=', orgId).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }

  /** Revokes what a person created in an organisation they leave; returns the revoked ids. */
  async revokeTokensOf(orgId: string, userId: string, at: Date): Promise<string[]> {
    accountsChanged();
    const rows = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('org_id', '=', orgId)
      .where('created_by', '=', userId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  async touchToken(orgId: string, id: string, at: number): Promise<void> {
    await this.db
      .updateTable('api_tokens')
      .set({ last_used_at: new Date(at) })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Throttling

  async throttles(keys: string[]): Promise<ThrottleRecord[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.selectFrom('auth_throttle').selectAll().where('key', 'in', keys).execute();
    return rows.map((row) => ({
      key: row.key,
      failures: row.failures,
      lastFailureAt: ms(row.last_failure_at),
      lockedUntil: row.locked_until ? ms(row.locked_until) : null,
    }));
  }

  /**
   * Takes one attempt against `key` before the secret is checked, in one statement: concurrent attempts from any
   * number of processes queue on the row, so each sees the count the previous one left. The attempt is counted as
   * a failure at once (a success gives it back with `refundAttempt`), and the lock that count deserves starts now,
   * so the attempt after the allowance is refused before any password hash is computed. Returns nothing while the
   * key is locked; otherwise the new count and the lock this attempt started (if any).
   */
  async takeAttempt(key: string, now: number, policy: LockoutPolicy): Promise<{ failures: number; lockedUntil: number | null } | undefined> {
    const at = new Date(now);
    const forgottenBefore = new Date(now - policy.resetMs);
    // The count after this attempt, and the lock it deserves: none below the allowance, then base × 2^(n − free), capped.
    const count = sql<number>`case when t.last_failure_at < ${forgottenBefore} then 1 else t.failures + 1 end`;
    const lockFor = (n: RawBuilder<number>) =>
      sql`case when ${n} >= ${policy.free} then ${at}::timestamptz + make_interval(secs => least(${policy.capMs}, ${policy.baseMs} * power(2, ${n} - ${policy.free})) / 1000.0) end`;
    const firstLock = policy.free <= 1 ? new Date(now + Math.min(policy.capMs, policy.baseMs * 2 ** (1 - policy.free))) : null;
    const result = await sql<{ failures: number; locked_until: Date | null }>`
      insert into auth_throttle as t (key, failures, last_failure_at, locked_until) values (${key}, 1, ${at}, ${firstLock})
      on conflict (key) do update set failures = ${count}, last_failure_at = ${at}, locked_until = ${lockFor(count)}
        where t.locked_until is null or t.locked_until <= ${at}
      returning failures, locked_until`.execute(this.db);
    const row = result.rows[0];
    return row ? { failures: row.failures, lockedUntil: row.locked_until ? ms(row.locked_until) : null } : undefined;
  }

  /** Gives back an attempt that succeeded (an address shared by many people), lifting the lock it started, if any. */
  async refundAttempt(key: string, lockedUntil: number | null): Promise<void> {
    await sql`
      update auth_throttle set failures = greatest(failures - 1, 0),
        locked_until = case when locked_until = ${lockedUntil === null ? null : new Date(lockedUntil)} then null else locked_until end
      where key = ${key}`.execute(this.db);
  }

  /** Housekeeping: forgets failures older than `resetMs` whose lock (if any) is over. */
  async deleteStaleThrottles(now: number, resetMs: number): Promise<void> {
    await this.db
      .deleteFrom('auth_throttle')
      .where('last_failure_at', '<', new Date(now - resetMs))
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', new Date(now))]))
      .execute();
  }

  async clearThrottle(key: string): Promise<void> {
    await this.db.deleteFrom('auth_throttle').where('key', '=', key).execute();
  }
}

/** The columns of the organisation (joined as `o`) that its record needs, read with the caller's credentials. */
const ORGANISATION_COLUMNS = [
  'o.doc as org_doc',
  'o.bia as org_bia',
  'o.currency as org_currency',
  'o.model_version as org_model_version',
  'o.created_at as org_created_at',
  'o.updated_at as org_updated_at',
] as const;

function organisationOf(
  id: string,
  name: string,
  row: {
    org_doc: unknown;
    org_bia: unknown;
    org_currency: string | null;
    org_model_version: number | null;
    org_created_at: Date | null;
    org_updated_at: Date | null;
  },
): OrganisationRecord {
  return toOrganisation({
    id,
    name,
    doc: row.org_doc,
    bia: row.org_bia,
    currency: row.org_currency!,
    model_version: row.org_model_version!,
    created_at: row.org_created_at!,
    updated_at: row.org_updated_at!,
  });
}

function toMembership(row: {
  org_id: string;
  org_name: string;
  user_id: string;
  role: string;
  display_name: string;
  mfa_required_roles: string[];
}): MembershipRecord {
  return {
    orgId: row.org_id,
    orgName: row.org_name,
    userId: row.user_id,
    role: row.role as Role,
    displayName: row.display_name,
    mfaRequiredRoles: (row.mfa_required_roles ?? []) as Role[],
  };
}
