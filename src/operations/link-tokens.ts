// Link tokens: a secret for one person and one purpose (an invitation, a check-in for one alert), issued inside any
// transaction (one or thousands at once), stored as a SHA-256 digest, expiring, revocable, counted when used.
import type { Kysely, Transaction } from 'kysely';
import { RempartError } from '../errors.js';
import { LINK_PURPOSES, type LinkPurpose, type LinkState } from '../model/callers.js';
import { isInvalidText } from '../model/text.js';
import { LinkTokenRepository, linkState, type LinkTokenRecord } from '../store/link-token-repository.js';
import type { Database } from '../store/schema.js';
import { randomSecret, sha256Hex } from '../security/crypto.js';

export { linkState, type LinkTokenRecord } from '../store/link-token-repository.js';

/** The prefix of link tokens: recognisable by secret scanners, and never confused with an API token (`rmp_`). */
export const LINK_PREFIX = 'rmpl_';

const BODY = /^([A-Za-z0-9][A-Za-z0-9._-]{0,79})\.([A-Za-z0-9_-]{43})$/;

/** The longest and shortest life of a link. */
export const LINK_TTL_LIMITS = { minMs: 60_000, maxMs: 366 * 24 * 60 * 60 * 1000 } as const;

/** How a link is issued: its organisation, purpose and subject (`invitation/<id>`, `alert/<id>/person/<id>`), its life and uses. */
export interface LinkTokenRequest {
  org: string;
  purpose: LinkPurpose;
  subject: string;
  /** Milliseconds from `now` until it expires. */
  ttlMs: number;
  /** Uses allowed (default 1); null: any number until it expires. */
  maxUses?: number | null;
  /** The person who caused it (null: the system). */
  createdBy?: string | null;
  now?: number;
}

/** A link just issued: its secret (`rmpl_<org>.<43 characters>`) exists only here; the database keeps its SHA-256. */
export interface IssuedLinkToken {
  id: string;
  subject: string;
  token: string;
  expiresAt: string;
}

/**
 * Splits `rmpl_<org>.<secret>` into its organisation and the part that is hashed (`<org>.<secret>`); undefined when the
 * text cannot be a link. With `prefix: 'optional'` the bare `<org>.<secret>` is accepted too (invitation links carry
 * that form, as they did before link tokens).
 */
export function parseLinkToken(text: string, options: { prefix?: 'required' | 'optional' } = {}): { org: string; hashed: string } | undefined {
  if (typeof text !== 'string' || text.length > 200) return undefined;
  const body = text.startsWith(LINK_PREFIX) ? text.slice(LINK_PREFIX.length) : options.prefix === 'optional' ? text : undefined;
  const match = body === undefined ? null : BODY.exec(body);
  return match ? { org: match[1], hashed: body! } : undefined;
}

/** The digest stored for a link: SHA-256 of `<org>.<secret>` (256 random bits: no slow hash is needed). */
function digest(hashed: string): string {
  return sha256Hex(hashed);
}

function invalid(path: string, rule: string, value: unknown, message: string): RempartError {
  return new RempartError('invalid_input', `Cannot issue this link: ${message}.`, [{ path, rule, value, message }]);
}

function checkRequest(request: Omit<LinkTokenRequest, 'subject'>): void {
  if (!(LINK_PURPOSES as readonly string[]).includes(request.purpose)) throw invalid('purpose', 'enum', request.purpose, `one of ${LINK_PURPOSES.join(', ')}`);
  if (!Number.isInteger(request.ttlMs) || request.ttlMs < LINK_TTL_LIMITS.minMs || request.ttlMs > LINK_TTL_LIMITS.maxMs)
    throw invalid('ttlMs', 'range', request.ttlMs, 'a life of one minute to 366 days');
  const maxUses = request.maxUses === undefined ? 1 : request.maxUses;
  if (maxUses !== null && (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > 1_000_000))
    throw invalid('maxUses', 'range', maxUses, '1 to 1,000,000 uses, or null');
}

function checkSubject(subject: string): void {
  if (typeof subject !== 'string' || subject.length < 1 || subject.length > 300 || isInvalidText(subject))
    throw invalid('subject', 'format', String(subject).slice(0, 100), 'a subject of 1 to 300 characters');
}

/**
 * Issues links for many subjects at once, inside the caller's transaction (the transaction that decides "ask these
 * 1,200 people to check in" issues their links): one random secret and one SHA-256 each, one INSERT per 5,000.
 */
export async function issueLinkTokens(
  trx: Kysely<Database> | Transaction<Database>,
  request: Omit<LinkTokenRequest, 'subject'>,
  subjects: readonly string[],
): Promise<IssuedLinkToken[]> {
  checkRequest(request);
  subjects.forEach(checkSubject);
  const now = request.now ?? Date.now();
  const expiresAt = new Date(now + request.ttlMs);
  const prepared = subjects.map((subject) => {
    const hashed = `${request.org}.${randomSecret(32)}`;
    return { subject, hashed };
  });
  const ids = await new LinkTokenRepository(trx).insertMany(
    prepared.map(({ subject, hashed }) => ({
      orgId: request.org,
      purpose: request.purpose,
      subject,
      secretHash: digest(hashed),
      createdBy: request.createdBy ?? null,
      expiresAt,
      maxUses: request.maxUses === undefined ? 1 : request.maxUses,
    })),
  );
  return prepared.map(({ subject, hashed }, index) => ({ id: ids[index], subject, token: `${LINK_PREFIX}${hashed}`, expiresAt: expiresAt.toISOString() }));
}

/** Issues one link inside the caller's transaction. */
export async function issueLinkToken(trx: Kysely<Database> | Transaction<Database>, request: LinkTokenRequest): Promise<IssuedLinkToken> {
  const [issued] = await issueLinkTokens(trx, request, [request.subject]);
  return issued;
}

/**
 * The link behind a secret and where it stands at `now`; undefined when the text is no link or no link has its digest.
 * The lookup by digest is the comparison: no secret is compared byte by byte, so timing tells nothing about it.
 */
export async function resolveLinkToken(
  db: Kysely<Database> | Transaction<Database>,
  text: string,
  now: number,
  options: { prefix?: 'required' | 'optional' } = {},
): Promise<{ link: LinkTokenRecord; state: LinkState } | undefined> {
  const parsed = parseLinkToken(text, options);
  if (!parsed) return undefined;
  const link = await new LinkTokenRepository(db).bySecretHash(parsed.org, digest(parsed.hashed));
  return link ? { link, state: linkState(link, now) } : undefined;
}

/**
 * Counts one use of a link, inside the transaction of what it was used for (so a failed action does not spend it).
 * Of concurrent uses of a single-use link, exactly one succeeds; the others (and any use of a link that is no longer
 * active) get 410 `link_gone` naming the state.
 */
export async function consumeLinkToken(
  trx: Transaction<Database> | Kysely<Database>,
  link: Pick<LinkTokenRecord, 'orgId' | 'id'>,
  now: number,
): Promise<LinkTokenRecord> {
  const repository = new LinkTokenRepository(trx);
  const used = await repository.use(link.orgId, link.id, new Date(now));
  if (used) return used;
  const current = await repository.get(link.orgId, link.id);
  throw linkGone(current ? linkState(current, now) : 'revoked');
}

/** Revokes links by id (at once: the next request with them is refused); returns those it revoked. */
export function revokeLinkTokens(trx: Kysely<Database> | Transaction<Database>, org: string, ids: readonly string[], now = Date.now()): Promise<string[]> {
  return new LinkTokenRepository(trx).revoke(org, ids, new Date(now));
}

/** Revokes every link of one purpose about these subjects (an invitation withdrawn, an alert closed). */
export function revokeLinkTokensFor(
  trx: Kysely<Database> | Transaction<Database>,
  org: string,
  purpose: LinkPurpose,
  subjects: readonly string[],
  now = Date.now(),
): Promise<string[]> {
  return new LinkTokenRepository(trx).revokeForSubjects(org, purpose, subjects, new Date(now));
}

const GONE: Record<Exclude<LinkState, 'active'>, string> = {
  expired: 'This link has expired: ask for a new one.',
  revoked: 'This link has been withdrawn.',
  used: 'This link has already been used.',
};

/** 410 `link_gone`: the link existed, and no longer opens anything (its rule says why: expired, revoked, used). */
export function linkGone(state: LinkState): RempartError {
  const reason = state === 'active' ? 'used' : state;
  return new RempartError('link_gone', GONE[reason], [{ path: 'credentials', rule: reason, value: null, message: GONE[reason] }]);
}
