// Groups the small writes that arrive together into one statement: under a crisis peak thousands of check-ins a second
// each cost a round trip, a parse and a plan of the same statement, and a system call to send it, far more than the
// row they write. Items submitted while a statement is in flight wait and go together in the next one.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Runs `run` over the items submitted together, at most `limit` at a time, one run at a time per key; each submitter
 * gets its own item's outcome. `run` answers in the order of the items it was given. Items that must not share a
 * statement (two answers of one person: one statement cannot update a row twice) are kept apart by `conflictKey`:
 * the later waits for the next run, so the last submitted still wins.
 */
export class StatementBatcher<I, O> {
  readonly #queues = new Map<string, Array<{ item: I; resolve: (out: O) => void; reject: (error: unknown) => void }>>();

  constructor(
    private readonly run: (key: string, items: I[]) => Promise<O[]>,
    private readonly options: { limit: number; conflictKey?: (item: I) => string },
  ) {}

  submit(key: string, item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const waiting = this.#queues.get(key);
      if (waiting) waiting.push({ item, resolve, reject });
      else {
        this.#queues.set(key, [{ item, resolve, reject }]);
        void this.#drain(key);
      }
    });
  }

  async #drain(key: string): Promise<void> {
    const queue = this.#queues.get(key)!;
    while (queue.length > 0) {
      // One turn of the event loop first: the requests already read from their sockets join this statement (the
      // embedded database answers within microtasks and would otherwise never let them in).
      await new Promise((resolve) => setImmediate(resolve));
      const batch = this.#take(queue);
      try {
        const outcomes = await this.run(
          key,
          batch.map((entry) => entry.item),
        );
        batch.forEach((entry, index) => entry.resolve(outcomes[index]));
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.#queues.delete(key);
  }

  #take(queue: Array<{ item: I; resolve: (out: O) => void; reject: (error: unknown) => void }>) {
    const conflictKey = this.options.conflictKey;
    if (!conflictKey) return queue.splice(0, this.options.limit);
    const taken: typeof queue = [];
    const kept: typeof queue = [];
    const seen = new Set<string>();
    for (const entry of queue) {
      const conflict = conflictKey(entry.item);
      // Once one item of a key waits, every later one of that key waits too: their order is kept.
      if (taken.length >= this.options.limit || seen.has(conflict)) {
        kept.push(entry);
        seen.add(conflict);
      } else {
        taken.push(entry);
        seen.add(conflict);
      }
    }
    queue.splice(0, queue.length, ...kept);
    return taken;
  }
}

/**
 * A statement run in batches, one batcher per database handle: the returned function takes one item and answers its
 * outcome. Inside a caller's transaction the item is its own statement there, since a shared batch cannot join it.
 */
export function batchedStatement<I, O>(
  run: (db: Executor, key: string, items: I[]) => Promise<O[]>,
  options: { limit: number; conflictKey?: (item: I) => string },
): (db: Executor, key: string, item: I) => Promise<O> {
  const batchers = new WeakMap<Kysely<Database>, StatementBatcher<I, O>>();
  return async (db, key, item) => {
    if (db.isTransaction) return (await run(db, key, [item]))[0];
    let batcher = batchers.get(db);
    if (!batcher) batchers.set(db, (batcher = new StatementBatcher((batchKey, items) => run(db, batchKey, items), options)));
    return batcher.submit(key, item);
  };
}
