// The tamper-evident audit trail: one keyed hash chain per organisation (and one for accounts), appended inside the
// transaction of each change, sealed by signed checkpoints kept outside the database, read back with filters, and
// verified entry by entry against the key and the latest checkpoint.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { createHash } from 'node:crypto';
import { RempartError } from '../errors.js';
import type { AuditEntry } from '../model/account.js';
import { CheckpointStore, type Checkpoint, type CheckpointRead } from '../security/audit-checkpoints.js';
import { deriveKey, hmacHex } from '../security/crypto.js';
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
  /**
   * The chain the entry joins: by default its organisation's (or the accounts'). High-volume records (an incident's
   * crisis log, an alert's check-ins) keep their own chain, named by `recordChain`, so that their writes do not queue
   * on the organisation's head.
   */
  chain?: string;
}

/** The chain of one record of an organisation: `acme/incident/42`. Organisation ids never contain a slash. */
export function recordChain(org: string, kind: string, id: string): string {
  return `${org}/${kind}/${id}`;
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
export interface HashedFields {
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

/** How an entry's hash was made: plain SHA-256 (entries written before the chain was keyed) or HMAC-SHA256. */
export const HASH_PLAIN = 'sha256';
export const HASH_KEYED = 'hmac-sha256';
/** The HKDF purpose of the chain's sub-key of the server key. */
export const CHAIN_KEY_PURPOSE = 'rempart audit chain';

function hashedText(prevHash: string, fields: HashedFields): string {
  return `${prevHash}\n${canonicalJson(fields)}`;
}

/** SHA-256 over the previous hash, a newline and the canonical JSON of the entry (entries written before keying). */
export function entryHash(prevHash: string, fields: HashedFields): string {
  return createHash('sha256').update(hashedText(prevHash, fields), 'utf8').digest('hex');
}

/**
 * HMAC-SHA256, with the chain's sub-key, over the same text: without the server key (which is not in the
 * database) nobody can recompute the chain after changing an entry.
 */
export function keyedEntryHash(chainKey: Buffer, prevHash: string, fields: HashedFields): string {
  return hmacHex(chainKey, hashedText(prevHash, fields));
}

/** The server key, or a function loading it when first needed (a CLI that only reads never asks for it). */
export type KeySource = Buffer | (() => Buffer);

/** The chain's sub-key, derived once from the server key; null when the trail is unkeyed (tests that do not configure it). */
export class ChainKey {
  readonly #source: KeySource | null;
  #derived: Buffer | undefined;
  constructor(source: KeySource | null) {
    this.#source = source;
  }
  get configured(): boolean {
    return this.#source !== null;
  }
  /** The sub-key; throws (with the reason, e.g. no REMPART_SECRET_KEY) when the server key cannot be loaded. */
  get(): Buffer | null {
    if (this.#source === null) return null;
    this.#derived ??= deriveKey(typeof this.#source === 'function' ? this.#source() : this.#source, CHAIN_KEY_PURPOSE);
    return this.#derived;
  }
}

/** Keeps JSON values only, so what is hashed now is exactly what is read back from jsonb later. */
function plain(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

/**
 * Appends an event to its chain inside the caller's transaction: the change and its record commit together
 * or not at all. The chain head is locked, so concurrent writers queue instead of forking the chain; call this
 * last in the transaction, after the locks the change itself takes. The entry is keyed with the configured
 * audit trail's key (see `configureAuditTrail`), and a checkpoint of the chain is scheduled.
 */
export async function recordAudit(trx: Transaction<Database>, event: AuditEvent, now: Date = new Date()): Promise<void> {
  await recordAuditBatch(trx, [event], now);
}

/**
 * Appends events in their order, each to its chain, in the caller's transaction: each chain's entries and the move of
 * its head are one statement, so a batch of writes (see the model writer's batches) holds the head for one round trip
 * whatever its size (two when another writer moved it since this process last did).
 */
export async function recordAuditBatch(trx: Transaction<Database>, events: readonly AuditEvent[], now: Date = new Date()): Promise<void> {
  const trail = current;
  const chainKey = events.length > 0 ? trail.chainKey.get() : null;
  const byChain = new Map<string, AuditEvent[]>();
  for (const event of events) {
    const chain = event.chain ?? event.org ?? ACCOUNT_CHAIN;
    byChain.set(chain, [...(byChain.get(chain) ?? []), event]);
  }
  // Milliseconds, as a timestamptz keeps them and JavaScript reads them back.
  const at = new Date(Math.floor(now.getTime())).toISOString();
  for (const [chain, chained] of byChain) {
    const entries = (head: { seq: number | string; hash: string }) => chainedEntries(chain, chained, head, chainKey, at);
    // First try to move the head from where this process last left it, without reading it: one round trip instead of
    // two. Another writer (another process, or a transaction that rolled back) makes the condition fail, and then the
    // head is locked and read as before.
    const known = knownHeads.get(chain);
    if (!known || !(await appendAfterHead(trx, chain, known, entries(known)))) {
      const locked = (await lockedHead(trx, chain)) ?? (await startChain(trx, chain));
      const head = { seq: Number(locked.seq), hash: locked.hash };
      // Locked: nobody can move it before this transaction ends.
      if (!(await appendAfterHead(trx, chain, head, entries(head)))) throw new Error(`The head of audit chain ${chain} moved while locked.`);
    }
    trail.scheduleCheckpoint(chain);
  }
}

/** The heads this process moved last, by chain (bounded: the least recently written go first). */
const knownHeads = new Map<string, { seq: number; hash: string }>();
const KNOWN_HEADS = 10_000;

function rememberHead(chain: string, head: { seq: number; hash: string }): void {
  knownHeads.delete(chain);
  knownHeads.set(chain, head);
  if (knownHeads.size > KNOWN_HEADS) knownHeads.delete(knownHeads.keys().next().value!);
}

/** The entries of one chain after `head`, hashed in order, and the head they leave. */
function chainedEntries(
  chain: string,
  events: readonly AuditEvent[],
  head: { seq: number | string; hash: string },
  chainKey: Buffer | null,
  at: string,
): { rows: object[]; last: { seq: number; hash: string } } {
  let seq = Number(head.seq);
  let prevHash = head.hash;
  const rows = events.map((event) => {
    const acting = event.acting ?? currentActing();
    const fields: HashedFields = {
      chain,
      seq: ++seq,
      at,
      org: event.org,
      actor: { type: acting.actor.type, id: acting.actor.id, label: acting.actor.label },
      action: event.action,
      entity: { type: event.entityType, id: event.entityId },
      before: plain(event.before),
      after: plain(event.after),
      source: acting.source,
    };
    const hash = chainKey ? keyedEntryHash(chainKey, prevHash, fields) : entryHash(prevHash, fields);
    const row = {
      chain,
      seq: fields.seq,
      at: fields.at,
      org_id: fields.org,
      actor_type: fields.actor.type,
      actor_id: fields.actor.id,
      actor_label: fields.actor.label,
      action: fields.action,
      entity_type: fields.entity.type,
      entity_id: fields.entity.id,
      before: fields.before,
      after: fields.after,
      source: fields.source,
      prev_hash: prevHash,
      hash,
      hash_alg: chainKey ? HASH_KEYED : HASH_PLAIN,
    };
    prevHash = hash;
    return row;
  });
  return { rows, last: { seq, hash: prevHash } };
}

/**
 * Appends the entries only if the chain's head is still `known`, moving it in the same statement (so a head is locked
 * for one round trip); false (nothing written) when someone else moved it. Under read committed, a writer holding the
 * head makes this wait, then re-read the head's row, so the condition is judged on what that writer committed.
 */
async function appendAfterHead(
  trx: Transaction<Database>,
  chain: string,
  known: { seq: number; hash: string },
  { rows, last }: ReturnType<typeof chainedEntries>,
): Promise<boolean> {
  const result = await sql`
    with head as (
      update audit_heads set seq = ${last.seq}, hash = ${last.hash}
      where chain = ${chain} and seq = ${known.seq} and hash = ${known.hash}
      returning chain)
    insert into audit_log (chain, seq, at, org_id, actor_type, actor_id, actor_label, action, entity_type, entity_id, before, after, source, prev_hash, hash, hash_alg)
    select r.chain, r.seq, r.at, r.org_id, r.actor_type, r.actor_id, r.actor_label, r.action, r.entity_type, r.entity_id, r.before, r.after, r.source,
      r.prev_hash, r.hash, r.hash_alg
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(chain text, seq bigint, at timestamptz, org_id text, actor_type text, actor_id text,
      actor_label text, action text, entity_type text, entity_id text, before jsonb, after jsonb, source text, prev_hash text, hash text, hash_alg text)
    where exists (select 1 from head)`.execute(trx);
  if (Number(result.numAffectedRows ?? 0) !== rows.length) return false;
  rememberHead(chain, last);
  return true;
}

/** The chain's head, locked until the transaction ends so that concurrent writers queue instead of forking the chain. */
async function lockedHead(trx: Transaction<Database>, chain: string): Promise<{ seq: number | string; hash: string } | undefined> {
  return trx.selectFrom('audit_heads').select(['seq', 'hash']).where('chain', '=', chain).forUpdate().executeTakeFirst();
}

/** The head of a chain that has none yet (its first entry), or whose head row was removed. */
async function startChain(trx: Transaction<Database>, chain: string): Promise<{ seq: number | string; hash: string }> {
  const created = await trx
    .insertInto('audit_heads')
    .values({ chain, seq: 0, hash: GENESIS })
    .onConflict((oc) => oc.column('chain').doNothing())
    .returning('chain')
    .executeTakeFirst();
  if (created) {
    // A head row removed behind our back would restart the chain at entry 1 and collide with it: continue after
    // the last entry instead (verification still reports the removal, and checkpoints any truncation).
    const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).where('chain', '=', chain).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (last)
      await trx
        .updateTable('audit_heads')
        .set({ seq: Number(last.seq), hash: last.hash })
        .where('chain', '=', chain)
        .execute();
  }
  return (await lockedHead(trx, chain))!;
}

type AuditRow = Selectable<AuditLogTable>;

/** What the hash of a stored entry covers. */
export function fieldsOf(row: AuditRow): HashedFields {
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
  const rows = await select
    .orderBy('seq', 'desc')
    .limit(query.limit + 1)
    .execute();
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  return { items: page.map(present), nextCursor: more ? String(Number(page[page.length - 1].seq)) : null };
}

/** What kind of damage a check found. */
export type ChainProblemKind =
  /** An entry's content, link or algorithm does not hold: edited, forged without the key, or moved. */
  | 'rewritten'
  /** An entry in the middle of the chain is gone. */
  | 'missing'
  /** The newest entries are gone (the head or the checkpoint names later ones). */
  | 'truncated'
  /** The newest entries are gone and the head was moved back to match what remains. */
  | 'head-moved-back'
  /** Every entry of the chain is gone. */
  | 'all-deleted'
  /** The chain's head row was deleted (its entries hold). */
  | 'head-missing'
  /** The checkpoint file is not one the server signed for this chain. */
  | 'checkpoint-tampered';

/** One thing that does not hold; `seq` is the first entry concerned. */
export interface ChainProblem {
  seq: number;
  kind: ChainProblemKind;
  reason: string;
}

/** The outcome of checking one chain. */
export interface ChainReport {
  chain: string;
  /** Entries that hold, from the first. */
  entries: number;
  ok: boolean;
  /** The first problem (the same as `problems[0]`). */
  broken?: ChainProblem;
  problems: ChainProblem[];
  /** Of the entries that hold: how many carry a plain SHA-256 hash (written before the chain was keyed). */
  plainEntries: number;
  /** The checkpoint compared with the chain; null when there is none (or no checkpoint folder). */
  checkpoint: { count: number; at: string } | null;
}

/** Options of a check; by default the configured audit trail's key and checkpoint folder. */
export interface VerifyOptions {
  /** The server key; null: only plain SHA-256 entries can be checked. */
  key?: KeySource | null;
  /** The checkpoint folder; null: no comparison with checkpoints. */
  checkpoints?: CheckpointStore | null;
}

/** Rows in `seq` order from `fromSeq` (to `toSeq`), read in batches. */
async function* chainRows(db: Executor, chain: string, fromSeq: number, toSeq?: number): AsyncGenerator<AuditRow> {
  const batch = 1000;
  let after = fromSeq - 1;
  for (;;) {
    let select = db.selectFrom('audit_log').selectAll().where('chain', '=', chain).where('seq', '>', after);
    if (toSeq !== undefined) select = select.where('seq', '<=', toSeq);
    const rows = await select.orderBy('seq').limit(batch).execute();
    for (const row of rows) yield row;
    if (rows.length < batch) return;
    after = Number(rows[rows.length - 1].seq);
  }
}

/** Checks entries one after the other: numbering, algorithm, own hash, link to the previous one. */
class ChainWalk {
  expectedSeq: number;
  prevHash: string;
  keyedSeen: boolean;
  held = 0;
  plain = 0;
  readonly #key: ChainKey;

  constructor(key: ChainKey, start: { seq: number; prevHash: string; keyedSeen: boolean } = { seq: 1, prevHash: GENESIS, keyedSeen: false }) {
    this.#key = key;
    this.expectedSeq = start.seq;
    this.prevHash = start.prevHash;
    this.keyedSeen = start.keyedSeen;
  }

  /** The problem with the next row, or null when it holds (and the walk moves past it). */
  step(row: AuditRow): ChainProblem | null {
    const seq = Number(row.seq);
    if (seq !== this.expectedSeq) {
      const expected = this.expectedSeq;
      const what = seq - expected === 1 ? `entry ${expected} is missing` : `entries ${expected} to ${seq - 1} are missing`;
      const where = expected === 1 ? `the chain starts at entry ${seq}` : `the entries jump from ${expected - 1} to ${seq}`;
      return {
        seq: expected,
        kind: seq > expected ? 'missing' : 'rewritten',
        reason: seq > expected ? `${what}: ${where} (deleted)` : `entry ${seq} appears out of order after entry ${expected - 1}`,
      };
    }
    let computed: string;
    if (row.hash_alg === HASH_KEYED) {
      const key = this.#key.get();
      if (!key)
        throw new RempartError(
          'invalid_input',
          `Entry ${seq} of the audit chain "${row.chain}" is keyed: checking it needs the server key (REMPART_SECRET_KEY, or secret.key in the data folder).`,
        );
      computed = keyedEntryHash(key, row.prev_hash, fieldsOf(row));
    } else if (row.hash_alg === HASH_PLAIN) {
      if (this.keyedSeen)
        return { seq, kind: 'rewritten', reason: `entry ${seq} was rewritten: it carries a plain SHA-256 hash after keyed entries (made without the key)` };
      computed = entryHash(row.prev_hash, fieldsOf(row));
    } else return { seq, kind: 'rewritten', reason: `entry ${seq} was rewritten: its hash algorithm "${row.hash_alg}" is unknown` };
    if (computed !== row.hash)
      return {
        seq,
        kind: 'rewritten',
        reason: `entry ${seq} was rewritten: its content does not match its ${row.hash_alg === HASH_KEYED ? 'keyed hash' : 'SHA-256 hash'} (edited, or recomputed without the key)`,
      };
    if (row.prev_hash !== this.prevHash)
      return { seq, kind: 'rewritten', reason: `entry ${seq} was rewritten or moved: its previous-hash does not match entry ${seq - 1}` };
    if (row.hash_alg === HASH_KEYED) this.keyedSeen = true;
    else this.plain++;
    this.prevHash = row.hash;
    this.expectedSeq++;
    this.held++;
    return null;
  }
}

/** "1 entry", "3 entries". */
function entriesText(count: number): string {
  return count === 1 ? '1 entry' : `${count} entries`;
}

function checkpointOf(read: CheckpointRead | null): Checkpoint | null {
  return read?.state === 'valid' ? read.checkpoint : null;
}

/**
 * Walks a chain from its first entry: each entry must follow the previous one (seq + 1), carry its hash as
 * `prev_hash`, and hash to its own `hash` under the key (plain SHA-256 is accepted only before the first keyed
 * entry). Then the head must name the last entry, and the latest checkpoint must be covered: as many entries
 * at least, and the same hash at its position. An edited or recomputed entry fails its keyed hash, a removed one
 * leaves a gap, removed newest entries fall short of the head or the checkpoint (even with the head moved back),
 * and a chain whose rows are all gone still has its checkpoint.
 */
export async function verifyChain(db: Executor, chain: string, options: VerifyOptions = {}): Promise<ChainReport> {
  const key = options.key === undefined ? current.chainKey : new ChainKey(options.key);
  const store = options.checkpoints === undefined ? current.checkpoints : options.checkpoints;
  const read = store ? store.read(chain) : null;
  const checkpoint = checkpointOf(read);
  const problems: ChainProblem[] = [];

  // The head is read before the entries: entries appended meanwhile by a running server then read as more
  // entries than the head names, which a second look at the head settles, never as missing ones.
  const readHead = () => db.selectFrom('audit_heads').select(['seq', 'hash']).where('chain', '=', chain).executeTakeFirst();
  let head = await readHead();
  const walk = new ChainWalk(key);
  let hashAtCheckpoint: string | undefined;
  for await (const row of chainRows(db, chain, 1)) {
    const problem = walk.step(row);
    if (problem) {
      problems.push(problem);
      break;
    }
    if (checkpoint && walk.held === checkpoint.count) hashAtCheckpoint = row.hash;
  }
  const entries = walk.held;
  if (!head || Number(head.seq) < entries) head = await readHead();
  const headSeq = head ? Number(head.seq) : null;

  // Only an unbroken walk says where the chain really ends; after a break, the break is the news.
  if (problems.length === 0) {
    const expected = Math.max(headSeq ?? 0, checkpoint?.count ?? 0);
    const evidence = [
      checkpoint && checkpoint.count > entries ? `the checkpoint of ${checkpoint.at} records ${entriesText(checkpoint.count)}` : null,
      headSeq !== null && headSeq > entries ? `the head names entry ${headSeq}` : null,
      headSeq === null && entries > 0 ? 'the head row was deleted too' : null,
    ]
      .filter(Boolean)
      .join('; ');
    if (entries < expected) {
      if (entries === 0)
        problems.push({
          seq: 1,
          kind: 'all-deleted',
          reason: `${expected === 1 ? 'the only entry was' : `all ${expected} entries were`} deleted (${evidence})`,
        });
      else if (headSeq === entries)
        problems.push({
          seq: entries + 1,
          kind: 'head-moved-back',
          reason: `entries after ${entries} are missing and the head was moved back to entry ${entries} (${evidence})`,
        });
      else problems.push({ seq: entries + 1, kind: 'truncated', reason: `entries after ${entries} are missing (${evidence})` });
    } else if (headSeq === null) {
      if (entries > 0)
        problems.push({
          seq: entries,
          kind: 'head-missing',
          reason: `the chain's head row was deleted (its ${entriesText(entries)} ${entries === 1 ? 'holds' : 'hold'})`,
        });
    } else if (headSeq < entries) {
      problems.push({ seq: headSeq + 1, kind: 'head-moved-back', reason: `the head was moved back to entry ${headSeq} while entries go up to ${entries}` });
    } else if (entries > 0 && head!.hash !== walk.prevHash) {
      problems.push({ seq: entries, kind: 'rewritten', reason: `the head's hash does not match entry ${entries}` });
    }
    if (checkpoint && entries >= checkpoint.count && hashAtCheckpoint !== checkpoint.head)
      problems.push({
        seq: checkpoint.count,
        kind: 'rewritten',
        reason: `entries up to ${checkpoint.count} were rewritten: entry ${checkpoint.count} differs from the checkpoint of ${checkpoint.at}`,
      });
  }
  if (read?.state === 'invalid')
    problems.push({ seq: entries + 1, kind: 'checkpoint-tampered', reason: `the checkpoint file ${read.file} was tampered with: ${read.reason}` });

  return {
    chain,
    entries,
    ok: problems.length === 0,
    ...(problems.length > 0 ? { broken: problems[0] } : {}),
    problems,
    plainEntries: walk.plain,
    checkpoint: checkpoint ? { count: checkpoint.count, at: checkpoint.at } : null,
  };
}

/** How a chain is named in messages. */
export function chainLabel(chain: string): string {
  if (chain === ACCOUNT_CHAIN) return `${ACCOUNT_CHAIN} (account events)`;
  const [org, kind, ...id] = chain.split('/');
  return kind === undefined ? `organisation ${org}` : `organisation ${org}, ${kind} ${id.join('/')}`;
}

/** One line per report: "organisation acme: BROKEN (head-moved-back): entries after 118 are missing …". */
export function describeReport(report: ChainReport): string {
  const label = chainLabel(report.chain);
  if (report.ok) {
    const plain = report.plainEntries > 0 ? `, ${report.plainEntries} of them from before keying (plain SHA-256)` : '';
    const sealed = report.checkpoint ? `, matches its checkpoint of ${report.checkpoint.at} (${entriesText(report.checkpoint.count)})` : ', no checkpoint yet';
    return `${label}: ${entriesText(report.entries)}, chain intact${plain}${sealed}`;
  }
  // Where the reason does not already say where the chain stops, say how much of it still holds.
  const held = (problem: ChainProblem) =>
    problem.kind === 'rewritten' || problem.kind === 'missing'
      ? report.entries === 0
        ? '; no entry before it holds'
        : report.entries === 1
          ? '; entry 1 holds'
          : `; entries 1 to ${report.entries} hold`
      : problem.kind === 'checkpoint-tampered'
        ? `; the chain's ${entriesText(report.entries)} ${report.entries === 1 ? 'holds' : 'hold'} by itself`
        : '';
  return report.problems.map((problem) => `${label}: BROKEN (${problem.kind}): ${problem.reason}${held(problem)}`).join('\n');
}

/** Every chain there is: in the database (organisations that were deleted keep theirs) and in the checkpoint folder. */
export async function auditChains(db: Executor, checkpoints: CheckpointStore | null = current.checkpoints): Promise<string[]> {
  const rows = await sql<{ chain: string }>`select chain from audit_heads union select distinct chain from audit_log`.execute(db);
  const chains = new Set(rows.rows.map((row) => row.chain));
  for (const found of checkpoints?.list() ?? []) chains.add(found.chain);
  return [...chains].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The outcome of one checkpoint attempt. */
export type CheckpointOutcome = { written: true; checkpoint: Checkpoint } | { written: false; problem?: string };

/**
 * Writes a chain's checkpoint if the chain grew since the last one: under the chain's head lock (so writers of
 * every server process take turns and a checkpoint never moves backwards), and only once the entries since the
 * last checkpoint verify (a forged tail is never sealed). A checkpoint file that does not verify is left for an
 * operator to look at, not replaced.
 */
export async function writeCheckpoint(
  db: Kysely<Database>,
  chain: string,
  store: CheckpointStore,
  key: ChainKeyLike,
  now: () => Date = () => new Date(),
): Promise<CheckpointOutcome> {
  const chainKey = key instanceof ChainKey ? key : new ChainKey(key);
  return db.transaction().execute(async (trx) => {
    const head = await trx.selectFrom('audit_heads').select(['seq', 'hash']).where('chain', '=', chain).forUpdate().executeTakeFirst();
    const headSeq = head ? Number(head.seq) : 0;
    if (!head || headSeq === 0) return { written: false };
    const read = store.read(chain);
    if (read.state === 'invalid')
      return {
        written: false,
        problem: `${chainLabel(chain)}: its checkpoint file ${read.file} does not verify (${read.reason}); it is kept as evidence and no new checkpoint is written until it is removed (see \`rempart audit verify\`)`,
      };
    const last = checkpointOf(read);
    if (last && last.count >= headSeq) return { written: false };
    let walk = new ChainWalk(chainKey);
    if (last) {
      const covered = await trx
        .selectFrom('audit_log')
        .select(['hash', 'hash_alg'])
        .where('chain', '=', chain)
        .where('seq', '=', last.count)
        .executeTakeFirst();
      if (!covered || covered.hash !== last.head)
        return {
          written: false,
          problem: `${chainLabel(chain)}: entry ${last.count} no longer matches its checkpoint of ${last.at}; not checkpointing (see \`rempart audit verify\`)`,
        };
      walk = new ChainWalk(chainKey, { seq: last.count + 1, prevHash: last.head, keyedSeen: covered.hash_alg === HASH_KEYED });
    }
    for await (const row of chainRows(trx, chain, walk.expectedSeq, headSeq)) {
      const problem = walk.step(row);
      if (problem) return { written: false, problem: `${chainLabel(chain)}: ${problem.reason}; not checkpointing (see \`rempart audit verify\`)` };
    }
    if (walk.expectedSeq - 1 !== headSeq || walk.prevHash !== head.hash)
      return {
        written: false,
        problem: `${chainLabel(chain)}: the head names entry ${headSeq} but the entries do not end there; not checkpointing (see \`rempart audit verify\`)`,
      };
    const checkpoint: Checkpoint = { chain, count: headSeq, head: head.hash, at: now().toISOString() };
    store.write(checkpoint);
    return { written: true, checkpoint };
  });
}

/** A key for `writeCheckpoint`: the server key (or its loader), or null for an unkeyed trail. */
export type ChainKeyLike = KeySource | null | ChainKey;

/** How the audit trail of this process is keyed and sealed. */
export interface AuditTrailOptions {
  /** The server key (or a loader called when first needed); null: plain SHA-256, for tests that do not care. */
  key: KeySource | null;
  /** The checkpoint folder; null or absent: no checkpoints. */
  checkpointDir?: string | null;
  /** The database checkpoints are read from (needed for checkpoints after appends). */
  db?: Kysely<Database>;
  /** Write checkpoints after appends on their own (default true with a folder and a database); otherwise only `flush()`. */
  autoCheckpoint?: boolean;
  /** At most one checkpoint per chain in this many milliseconds (default 1000); the first comes right after the append. */
  minIntervalMs?: number;
  /** Where problems met while checkpointing are reported (a log). */
  onProblem?: (message: string) => void;
}

interface PendingChain {
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
  again: boolean;
}

/** The audit trail of this process: its key, its checkpoint folder, and the checkpoints waiting to be written. */
export class AuditTrail {
  readonly chainKey: ChainKey;
  readonly checkpoints: CheckpointStore | null;
  readonly #options: AuditTrailOptions;
  readonly #pending = new Map<string, PendingChain>();
  /** When each chain's last checkpoint attempt ended (the rate limit). */
  readonly #lastAt = new Map<string, number>();
  #closed = false;

  constructor(options: AuditTrailOptions) {
    this.#options = options;
    this.chainKey = new ChainKey(options.key);
    this.checkpoints = options.checkpointDir && options.key ? new CheckpointStore(options.checkpointDir, options.key) : null;
  }

  #report(message: string): void {
    (this.#options.onProblem ?? ((text: string) => process.emitWarning(text)))(message);
  }

  /** Notes that a chain grew; its checkpoint follows once the append commits (the head lock makes it wait). */
  scheduleCheckpoint(chain: string): void {
    if (this.#closed || !this.checkpoints || !this.#options.db) return;
    const state = this.#pending.get(chain) ?? { timer: null, running: null, again: false };
    this.#pending.set(chain, state);
    if (this.#options.autoCheckpoint === false) return;
    if (state.running) {
      state.again = true;
      return;
    }
    if (state.timer) return;
    const delay = Math.max(0, (this.#lastAt.get(chain) ?? 0) + (this.#options.minIntervalMs ?? 1000) - Date.now());
    state.timer = setTimeout(() => this.#run(chain, state), delay);
    state.timer.unref();
  }

  #run(chain: string, state: PendingChain): Promise<void> {
    state.timer = null;
    state.again = false;
    state.running = this.checkpoint(chain)
      .then(() => undefined)
      .catch((error: unknown) =>
        this.#report(`${chainLabel(chain)}: the checkpoint could not be written: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        state.running = null;
        this.#lastAt.set(chain, Date.now());
        if (state.again && !this.#closed) this.scheduleCheckpoint(chain);
        else if (!state.timer) this.#pending.delete(chain);
      });
    return state.running;
  }

  /** Writes a chain's checkpoint now (if it grew and verifies); problems go to `onProblem` and are returned. */
  async checkpoint(chain: string): Promise<CheckpointOutcome> {
    if (!this.checkpoints || !this.#options.db) return { written: false };
    const outcome = await writeCheckpoint(this.#options.db, chain, this.checkpoints, this.chainKey);
    if (!outcome.written && outcome.problem) this.#report(outcome.problem);
    return outcome;
  }

  /** Writes every waiting checkpoint now (graceful shutdown, end of a CLI command, tests). */
  async flush(): Promise<void> {
    for (const [chain, state] of [...this.#pending]) {
      if (state.running) await state.running;
      if (state.timer) clearTimeout(state.timer);
      await this.#run(chain, state);
    }
  }

  /** Checkpoints every chain that grew since its checkpoint (start-up: seals chains idle since an upgrade). */
  async sealAll(): Promise<void> {
    if (!this.checkpoints || !this.#options.db) return;
    for (const chain of await auditChains(this.#options.db, null)) {
      if (this.#closed) return;
      await this.checkpoint(chain);
    }
  }

  /** Flushes, then stops scheduling. */
  async close(): Promise<void> {
    await this.flush();
    this.stop();
  }

  /** Stops scheduling and drops the waiting checkpoints (a trail replaced by another). */
  stop(): void {
    this.#closed = true;
    for (const state of this.#pending.values()) if (state.timer) clearTimeout(state.timer);
    this.#pending.clear();
  }
}

/** Unconfigured: plain SHA-256 and no checkpoints (unit tests of other operations). Every process entry point configures it. */
let current = new AuditTrail({ key: null });

/**
 * Sets this process's audit trail: the server and every CLI command call it at start with the server key and
 * the checkpoint folder. The previous trail stops scheduling (its waiting checkpoints are dropped: flush it first).
 */
export function configureAuditTrail(options: AuditTrailOptions): AuditTrail {
  current.stop();
  current = new AuditTrail(options);
  return current;
}

/** This process's audit trail. */
export function auditTrail(): AuditTrail {
  return current;
}
