// Rate limits of public keys and of each client behind them, shared by every server process: counts go to one counter
// row per scope and minute in the database. A request never waits on that write: each process adds what it counted
// every `flushMs` and learns the total all processes reached. Only the first request of a scope in a minute waits
// for the shared count. So the limit holds across processes, up to what the others admitted in one flush interval.
import type { Kysely } from 'kysely';
import { RempartError } from '../errors.js';
import { ConversationRepository } from '../store/conversation-repository.js';
import type { Database } from '../store/schema.js';

export interface PublicRateLimits {
  /** Messages a minute through one public key, from all its clients (a widget on a busy site). */
  perKeyPerMinute: number;
  /** Messages a minute from one client address through one key (a person types a few a minute). */
  perClientPerMinute: number;
  flushMs?: number;
}

export const DEFAULT_PUBLIC_RATE_LIMITS: PublicRateLimits = { perKeyPerMinute: 60_000, perClientPerMinute: 120 };
const MINUTE = 60_000;

interface Counter {
  scope: string;
  bucket: number;
  /** Counted here since the last flush. */
  pending: number;
  /** Counted here and being added to the shared total by a flush under way: not in `shared` yet, still to count. */
  sending: number;
  /** The total of every process at the last flush (this one's included). */
  shared: number;
  /** Whether the shared total was ever read in this bucket. */
  known: boolean;
}

export class SharedRateLimiter {
  private readonly counters = new Map<string, Counter>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly repository: ConversationRepository;

  constructor(
    db: Kysely<Database>,
    private readonly limits: PublicRateLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.repository = new ConversationRepository(db);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush().catch(() => undefined), this.limits.flushMs ?? 200);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush().catch(() => undefined);
  }

  /** Counts one request against each scope, or refuses it (429 with Retry-After) when any is at its limit. */
  async take(scopes: ReadonlyArray<{ scope: string; limit: number }>): Promise<void> {
    const bucket = Math.floor(this.now() / MINUTE);
    const counters = scopes.map(({ scope, limit }) => {
      const id = `${scope}@${bucket}`;
      let counter = this.counters.get(id);
      if (!counter) this.counters.set(id, (counter = { scope, bucket, pending: 0, sending: 0, shared: 0, known: false }));
      return { counter, limit };
    });
    if (counters.some(({ counter }) => !counter.known)) await this.flush(true);
    for (const { counter, limit } of counters)
      if (counter.shared + counter.sending + counter.pending + 1 > limit) {
        const retryAfter = Math.max(1, Math.ceil(((bucket + 1) * MINUTE - this.now()) / 1000));
        throw new RempartError('rate_limited', `Too many messages: retry in ${retryAfter} s.`, [], { retryAfter });
      }
    for (const { counter } of counters) counter.pending += 1;
  }

  /** Adds this process's counts to the shared ones; `unknown` also reads the counters never read in their minute. */
  async flush(unknown = false): Promise<void> {
    // One flush at a time: a second caller waits for the one under way, then flushes what came since.
    while (this.flushing) await this.flushing;
    const current = Math.floor(this.now() / MINUTE);
    for (const [id, counter] of this.counters) if (counter.bucket < current - 1) this.counters.delete(id);
    const due = [...this.counters.values()].filter((counter) => counter.pending > 0 || (unknown && !counter.known));
    if (due.length === 0) return;
    const sent = due.map((counter) => ({ counter, count: counter.pending }));
    for (const { counter, count } of sent) {
      counter.pending = 0;
      counter.sending += count;
    }
    this.flushing = (async () => {
      try {
        const totals = await this.repository.addCounts(sent.map(({ counter, count }) => ({ scope: counter.scope, bucket: counter.bucket, count })));
        for (const { counter, count } of sent) {
          counter.sending -= count;
          counter.shared = totals.get(`${counter.scope}@${counter.bucket}`) ?? counter.shared;
          counter.known = true;
        }
      } catch (error) {
        for (const { counter, count } of sent) {
          counter.sending -= count;
          counter.pending += count;
        }
        throw error;
      } finally {
        this.flushing = undefined;
      }
    })();
    await this.flushing;
  }

  /** Counters of minutes long gone are deleted (by the purge job). */
  async purgeOld(): Promise<void> {
    await this.repository.purgeCounters(Math.floor(this.now() / MINUTE) - 5);
  }
}
