// The tamper-evident audit trail: one hash chain per organisation (and one for accounts), appended inside the
// transaction of each change, read back with filters, and verified entry by entry.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { createHash } from 'node:crypto';
import type { AuditEntry } from '../model/account.js';
import type { AuditLogTable, Database } from '../store/schema.js';
import { currentActing, type ActingContext } from './actor.js';

/** The chain of events that belong to no organisation: account creation, sign-in, password and second factor. */
export const ACCOUNT_CHAIN = '@accounts';
/** The previous hash of a chain's first entry. */
export const GENESIS = '0'.repeat(64);

type Executor = Kysely<Database> | Transaction<Database>;

/** A change to record. `before`/`after` are plain JSON: never a password, a token or a secret. */
export interface AuditEvent {
  /** The organisation the change belongs to; null for account events. */
  org: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
  /** Overrides the current actor (sign-in: the person is known only once the password matched). */
  acting?: ActingContext;
}

/** JSON with object keys sorted at every level and no spaces: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (typeof value === 'object') {
    if (value instanceof Date) return JSON.stringify(value.toISOString());
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value);
}

/** What the hash covers: every column of the entry but the hash itself. */
interface HashedFields {
  chain: string;
  seq: number;
  at: string;
  org: string | null;
  actor: { type: string; id: string | null; label: string };
  action: string;
  entity: { type: string; id: string | null };
  before: unknown;
  after: unknown;
  source: string | null;
}

/** SHA-256 over the previous hash, a newline and the canonical JSON of the entry. */
export function entryHash(prevHash: string, fields: HashedFields): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalJson(fields)}`, 'utf8').digest('hex');
}

/** Keeps JSON values only, so what is hashed now is exactly what is read back from jsonb later. */
function plain(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

/**
 * Appends an event to its chain inside the caller's transaction: the change and its record commit together
 * or not at all. The chain head is locked, so concurrent writers queue instead of forking the chain; call this
 * last in the transaction, after the locks the change itself takes.
 */
export async function recordAudit(trx: Transaction<Database>, event: AuditEvent, now: Date = new Date()): Promise<void> {
  const acting = event.acting ?? currentActing();
  const chain = event.org ?? ACCOUNT_CHAIN;
  await trx.insertInto('audit_heads').values({ chain, seq: 0, hash: GENESIS }).onConflict((oc) => oc.column('chain').doNothing()).execute();
  const head = await trx.selectFrom('audit_heads').select(['seq', 'hash']).where('chain', '=', chain).forUpdate().executeTakeFirstOrThrow();
  const fields: HashedFields = {
    chain,
    seq: Number(head.seq) + 1,
    // Milliseconds, as a timestamptz keeps them and JavaScript reads them back.
    at: new Date(Math.floor(now.getTime())).toISOString(),
    org: event.org,
    actor: { type: acting.actor.type, id: acting.actor.id, label: acting.actor.label },
    action: event.action,
    entity: { type: event.entityType, id: event.entityId },
    before: plain(event.before),
    after: plain(event.after),
    source: acting.source,
  };
  const hash = entryHash(head.hash, fields);
  await trx
    .insertInto('audit_log')
    .values({
      chain,
      seq: fields.seq,
      at: new Date(fields.at),
      org_id: fields.org,
      actor_type: fields.actor.type,
      actor_id: fields.actor.id,
      actor_label: fields.actor.label,
      action: fields.action,
      entity_type: fields.entity.type,
      entity_id: fields.entity.id,
      before: fields.before === null ? null : JSON.stringify(fields.before),
      after: fields.after === null ? null : JSON.stringify(fields.after),
      source: fields.source,
      prev_hash: head.hash,
      hash,
    })
    .execute();
  await trx.updateTable('audit_heads').set({ seq: fields.seq, hash }).where('chain', '=', chain).execute();
}

type AuditRow = Selectable<AuditLogTable>;

function fieldsOf(row: AuditRow): HashedFields {
  return {
    chain: row.chain,
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    org: row.org_id,
    actor: { type: row.actor_type, id: row.actor_id, label: row.actor_label },
    action: row.action,
    entity: { type: row.entity_type, id: row.entity_id },
    before: row.before ?? null,
    after: row.after ?? null,
    source: row.source,
  };
}

function present(row: AuditRow): AuditEntry {
  const fields = fieldsOf(row);
  return {
    seq: fields.seq,
    at: fields.at,
    actor: { type: fields.actor.type as AuditEntry['actor']['type'], id: fields.actor.id, label: fields.actor.label },
    action: fields.action,
    entity: fields.entity,
    before: fields.before,
    after: fields.after,
    source: fields.source,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Filters and page of an audit listing. */
export interface AuditQuery {
  /** Entity type (`activity`, `member`, …). */
  entity?: string;
  entityId?: string;
  /** User or token id, or e-mail / token label. */
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  limit: number;
  /** The `seq` to continue below (newest first). */
  cursor?: number;
}

/** Entries of one chain, newest first, filtered and paged by `seq`. */
export async function listAudit(db: Executor, chain: string, query: AuditQuery): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  let select = db.selectFrom('audit_log').selectAll().where('chain', '=', chain);
  if (query.entity) select = select.where('entity_type', '=', query.entity);
  if (query.entityId) select = select.where('entity_id', '=', query.entityId);
  if (query.action) select = select.where('action', '=', query.action);
  if (query.actor) {
    const actor = query.actor;
    select = select.where((eb) => eb.or([eb('actor_id', '=', actor), eb(sql`lower(actor_label)`, '=', actor.toLowerCase())]));
  }
  if (query.from) select = select.where('at', '>=', new Date(query.from));
  if (query.to) select = select.where('at', '<=', new Date(query.to));
  if (query.cursor !== undefined) select = select.where('seq', '<', query.cursor);
  const rows = await select.orderBy('seq', 'desc').limit(query.limit + 1).execute();
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  return { items: page.map(present), nextCursor: more ? String(Number(page[page.length - 1].seq)) : null };
}

/** The outcome of checking one chain. */
export interface ChainReport {
  chain: string;
  entries: number;
  ok: boolean;
  /** The first entry that does not hold, and why. */
  broken?: { seq: number; reason: string };
}

/**
 * Walks a chain from its first entry: each entry must follow the previous one (seq + 1), carry its hash
 * as `prev_hash`, and hash to its own `hash`; the head must name the last entry. An edited entry fails its
 * hash, a removed one leaves a gap or a broken link, reordered entries break the links, and removed newest
 * entries no longer match the head.
 */
export async function verifyChain(db: Executor, chain: string): Promise<ChainReport> {
  const batch = 1000;
  let expectedSeq = 1;
  let prevHash = GENESIS;
  let entries = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('chain', '=', chain)
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(batch)
      .execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { chain, entries, ok: false, broken: { seq: expectedSeq, reason: `entry ${expectedSeq} is missing (the next one is ${seq})` } };
      if (row.prev_hash !== prevHash)
        return { chain, entries, ok: false, broken: { seq, reason: 'its previous-hash does not match the entry before it (an entry was removed or moved)' } };
      if (entryHash(row.prev_hash, fieldsOf(row)) !== row.hash) return { chain, entries, ok: false, broken: { seq, reason: 'its content does not match its hash (it was edited)' } };
      prevHash = row.hash;
      expectedSeq++;
      entries++;
    }
    if (rows.length < batch) break;
  }
  const head = await db.selectFrom('audit_heads').select(['seq', 'hash']).where('chain', '=', chain).executeTakeFirst();
  const headSeq = head ? Number(head.seq) : 0;
  if (headSeq !== entries || (head && head.hash !== prevHash))
    return {
      chain,
      entries,
      ok: false,
      broken: { seq: Math.min(headSeq, entries) + 1, reason: headSeq > entries ? `the chain ends at entry ${entries} but its head says ${headSeq} (newest entries were removed)` : 'the chain head does not match its last entry' },
    };
  return { chain, entries, ok: true };
}

/** Every chain there is (organisations that were deleted keep theirs). */
export async function auditChains(db: Executor): Promise<string[]> {
  const rows = await sql<{ chain: string }>`select chain from audit_heads union select distinct chain from audit_log order by chain`.execute(db);
  return rows.rows.map((row) => row.chain);
}
