// A real server on a real database for one suite, called in-process through Fastify's inject. Requests go as the
// suite's owner (a signed-in person: session cookie and CSRF header) unless a test says who else, or nobody.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/model/account.js';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { issueSession, DEFAULT_SESSION_SETTINGS, type SessionSettings } from '../../src/operations/sessions.js';
import { buildApp, type AppOptions } from '../../src/server/app.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/server/access.js';
import type { ResponseMismatch } from '../../src/server/response-check.js';
import { AccountRepository } from '../../src/store/account-repository.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { hashPassword } from '../../src/security/passwords.js';
import { createTestDatabase } from './database.js';

/** How a request signs in: a session (cookie and CSRF token), an API token, or nobody (`null`). */
export type Credentials = { cookie: string; csrf: string } | { bearer: string } | null;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  session: { cookie: string; csrf: string };
}

export type TestResponse = LightMyRequestResponse & { json<T = any>(): T };

/** A clock the suite can move: sessions, lockouts and TOTP codes are measured with it. */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

export interface TestApp {
  app: FastifyInstance;
  database: DatabaseHandle;
  clock: TestClock;
  /** Responses that did not match their route's documented schema, not yet reported by a failed request. */
  mismatches: ResponseMismatch[];
  /** The person every request is sent as by default: owner of every organisation the suite creates. */
  owner: TestUser;
  /** Sends a request as the owner, or `as` someone else (`null`: without any credentials). */
  request(options: InjectOptions & { as?: Credentials }): Promise<TestResponse>;
  /** Creates a person with a session (no second factor); with `org`, a member of it with this role. */
  createUser(email: string, membership?: { org: string; role: Role; displayName?: string }): Promise<TestUser>;
  /** Makes a person (the owner by default) a member of an organisation created without them. */
  join(org: string, role?: Role, user?: TestUser): Promise<void>;
  /** Opens another session for a person (as a sign-in would, without the password round trip). */
  newSession(user: TestUser): Promise<{ cookie: string; csrf: string }>;
  close(): Promise<void>;
}

/** The password of every test person: long enough, and in no list of common passwords. */
export const TEST_PASSWORD = 'correct horse battery staple for tests';

let passwordHash: Promise<string> | undefined;

/** The headers that send these credentials. */
export function credentialHeaders(credentials: Credentials, method = 'GET'): Record<string, string> {
  if (!credentials) return {};
  if ('bearer' in credentials) return { authorization: `Bearer ${credentials.bearer}` };
  const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
  return { cookie: `${SESSION_COOKIE}=${credentials.cookie}`, ...(unsafe ? { [CSRF_HEADER]: credentials.csrf } : {}) };
}

export async function startTestApp(options: Partial<Omit<AppOptions, 'db' | 'databaseKind' | 'listen'>> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  let offset = 0;
  const clock: TestClock = { now: () => Date.now() + offset, advance: (ms) => (offset += ms) };
  const sessions: SessionSettings = { ...DEFAULT_SESSION_SETTINGS, ...options.sessions, now: () => clock.now() };
  // Every response is checked against the schema its route documents: `request` fails on a mismatch, `close`
  // fails on one a direct `app.inject` left unreported.
  const mismatches: ResponseMismatch[] = [];
  let requests = 0;
  const app = await buildApp({
    checkResponses: (mismatch) => mismatches.push(mismatch),
    secretKey: randomBytes(32),
    // Suites send thousands of requests from one address: only the limits a test sets apply.
    rateLimit: { perMinute: false, signInPerMinute: 100_000 },
    ...options,
    sessions,
    db: database.db,
    databaseKind: database.kind,
    listen: database.listen,
  });
  await app.ready();
  passwordHash ??= hashPassword(TEST_PASSWORD);

  async function newSession(user: TestUser): Promise<{ cookie: string; csrf: string }> {
    return database.db.transaction().execute(async (trx) => {
      const record = (await new AccountRepository(trx).user(user.id))!;
      const issued = await issueSession(trx, sessions, record, { ip: '127.0.0.1', userAgent: 'test' });
      return { cookie: issued.token, csrf: issued.csrfToken };
    });
  }

  async function createUser(email: string, membership?: { org: string; role: Role; displayName?: string }): Promise<TestUser> {
    const hash = await passwordHash!;
    return actAs(SYSTEM, () =>
      database.db.transaction().execute(async (trx) => {
        const accounts = new AccountRepository(trx);
        const id = await accounts.insertUser({ email, displayName: membership?.displayName ?? email.split('@')[0], passwordHash: hash, mustChange: false });
        if (membership) await accounts.insertMembership(membership.org, id, membership.role, membership.displayName ?? email.split('@')[0]);
        const user = (await accounts.user(id))!;
        const issued = await issueSession(trx, sessions, user, { ip: '127.0.0.1', userAgent: 'test' });
        return { id, email, password: TEST_PASSWORD, session: { cookie: issued.token, csrf: issued.csrfToken } };
      }),
    );
  }

  const owner = await createUser(`owner-${randomBytes(4).toString('hex')}@test.example`);
  // The suite's owner creates organisations: a server administrator, as `rempart user create` makes them.
  await new AccountRepository(database.db).setServerAdmin(owner.id, true);

  return {
    app,
    database,
    clock,
    owner,
    createUser,
    newSession,
    join: async (org, role = 'owner', user = owner) => {
      await new AccountRepository(database.db).insertMembership(org, user.id, role, user.email.split('@')[0]);
    },
    mismatches,
    request: async ({ as, ...options }) => {
      const credentials = as === undefined ? owner.session : as;
      const tag = String(++requests);
      const headers = {
        ...credentialHeaders(credentials, options.method ?? 'GET'),
        ...(options.headers as Record<string, string> | undefined),
        'x-test-request': tag,
      };
      const response = (await app.inject({ ...options, headers })) as TestResponse;
      const index = mismatches.findIndex((mismatch) => mismatch.requestTag === tag);
      if (index >= 0) throw new Error(describeMismatch(mismatches.splice(index, 1)[0]));
      return response;
    },
    close: async () => {
      await app.close();
      await database.close();
      if (mismatches.length)
        throw new Error(`${mismatches.length} response(s) did not match their documented schema:\n${mismatches.map(describeMismatch).join('\n')}`);
    },
  };
}

/** One line per problem of a response that does not match its route's documented schema. */
export function describeMismatch(mismatch: ResponseMismatch): string {
  return `${mismatch.method} ${mismatch.url} answered ${mismatch.status}, which does not match the schema of ${mismatch.route ?? 'the error response'}:\n  ${mismatch.problems.join('\n  ')}`;
}

/** A small, complete model whose figures are easy to check by hand. */
export function smallModel() {
  return {
    organisation: { name: 'Small Co' },
    sites: [
      { id: 'paris', name: 'Paris', seats: 100 },
      { id: 'lyon', name: 'Lyon' },
    ],
    pools: [{ id: 'vpn', kind: 'vpn', capacity: 50 }],
    applications: [
      { id: 'crm', name: 'CRM', rto: '4h' },
      { id: 'ledger', name: 'Ledger', rto: '3d', rpo: 24 },
    ],
    suppliers: [{ id: 'telco', name: 'Telco' }],
    activities: [
      {
        id: 'claims',
        name: 'Claims',
        mtpd: '3d',
        rto: 24,
        mbco: 0.5,
        staff: [{ site: 'paris', headcount: 40, remote: 0.5, access: ['vpn'] }],
        applications: ['crm'],
        suppliers: ['telco'],
      },
      { id: 'payments', name: 'Payments', mtpd: '1w', rto: '2d', mbco: 0.3, dependsOn: ['claims'], applications: ['ledger'] },
    ],
    strategies: [
      { id: 'vpn-up', name: 'VPN upgrade', leadTime: '2d', cost: { fixed: 10000, perDay: 0 }, effect: { type: 'poolCapacity', pool: 'vpn', amount: 100 } },
    ],
  };
}
