// Live events to browsers: one LISTEN per server process, one query per topic and notice whatever the number of
// connections on it, then fan-out to each Server-Sent Events stream. A client that reconnects with Last-Event-ID
// gets what it missed from the table, so a notice lost with a dropped connection costs a delay, never an event.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Listening } from '../store/database.js';
import { LIVE_EVENTS_CHANNEL, liveEventsAfter, type LiveEvent, type LiveEventNotice } from '../store/live-events.js';

/** Opens the process's listening connection (`DatabaseHandle.listen`). */
export type Listen = (channel: string, onPayload: (payload: string) => void, onReconnect?: () => void) => Promise<Listening>;

interface Subscriber {
  /** The last event id this subscriber was given (or told to start after). */
  lastId: bigint;
  deliver(event: LiveEvent): void;
}

interface Topic {
  org: string;
  topic: string;
  subscribers: Set<Subscriber>;
  fetching: boolean;
  /** A notice came while fetching: fetch once more when done, so nothing committed meanwhile is left behind. */
  again: boolean;
}

export interface LiveEventHubOptions {
  log?: (message: string, data?: Record<string, unknown>) => void;
}

const PAGE = 500;

export class LiveEventHub {
  private readonly topics = new Map<string, Topic>();
  private listening: Listening | undefined;
  /** How each open stream is ended (a stopping server ends them at once: browsers reconnect to another process). */
  private readonly closers = new Set<() => void>();
  /** What this process did since it started (the /metrics fan-out figures): notices heard, events handed to streams. */
  readonly counts = { notices: 0, delivered: 0 };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly listen: Listen,
    private readonly options: LiveEventHubOptions = {},
  ) {}

  async start(): Promise<void> {
    this.listening = await this.listen(
      LIVE_EVENTS_CHANNEL,
      (payload) => this.onNotice(payload),
      // Notices sent while the connection was down are lost: every watched topic catches up from the table.
      () => {
        for (const key of this.topics.keys()) this.fetch(key);
      },
    );
    // Old events are purged by a recurring job (live-events.purge), once for all processes.
  }

  async stop(): Promise<void> {
    await this.listening?.close();
    this.listening = undefined;
  }

  /** Notes an open stream's way to end it; returns the function that forgets it. */
  track(close: () => void): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  /** Ends every open stream (graceful shutdown); clients resume elsewhere with Last-Event-ID. */
  closeStreams(): void {
    for (const close of [...this.closers]) close();
  }

  /** How many streams are open on this process (tests, metrics). */
  get connections(): number {
    let count = 0;
    for (const topic of this.topics.values()) count += topic.subscribers.size;
    return count;
  }

  /**
   * Delivers the topic's events after `afterId` (the client's Last-Event-ID), then every new one, in id order,
   * each once. Without `afterId`, only events committed from now on. Returns the unsubscribe function.
   */
  async subscribe(org: string, topic: string, afterId: string | undefined, deliver: (event: LiveEvent) => void): Promise<() => void> {
    const key = `${org}\u0000${topic}`;
    const start = afterId ?? (await this.latestId(org, topic));
    // The topic's entry is looked up after the await: one made before it, still without subscribers, could be dropped
    // meanwhile by a fetch that a notice of this topic started, leaving this subscriber on an entry no notice reaches.
    let entry = this.topics.get(key);
    if (!entry) {
      entry = { org, topic, subscribers: new Set(), fetching: false, again: false };
      this.topics.set(key, entry);
    }
    const subscriber: Subscriber = { lastId: BigInt(start), deliver };
    entry.subscribers.add(subscriber);
    // Catch up at once: events between `afterId` and now, and any committed while this subscription was set up.
    this.fetch(key);
    return () => {
      const current = this.topics.get(key);
      if (!current) return;
      current.subscribers.delete(subscriber);
      if (current.subscribers.size === 0 && !current.fetching) this.topics.delete(key);
    };
  }

  private async latestId(org: string, topic: string): Promise<string> {
    const row = await this.db
      .selectFrom('live_events')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('org_id', '=', org)
      .where('topic', '=', topic)
      .executeTakeFirst();
    return row?.id ? String(row.id) : '0';
  }

  private onNotice(payload: string): void {
    this.counts.notices += 1;
    let notice: LiveEventNotice;
    try {
      notice = JSON.parse(payload) as LiveEventNotice;
    } catch {
      return;
    }
    const key = `${notice.org}\u0000${notice.topic}`;
    if (this.topics.has(key)) this.fetch(key);
  }

  /** One query from the furthest-behind subscriber, then each gets what it has not had; repeats while notices came. */
  private fetch(key: string): void {
    const entry = this.topics.get(key);
    if (!entry) return;
    if (entry.fetching) {
      entry.again = true;
      return;
    }
    entry.fetching = true;
    void (async () => {
      try {
        do {
          entry.again = false;
          if (entry.subscribers.size === 0) break;
          let from = [...entry.subscribers].reduce((min, s) => (s.lastId < min ? s.lastId : min), entry.subscribers.values().next().value!.lastId);
          for (;;) {
            const events = await liveEventsAfter(this.db, entry.org, entry.topic, from.toString(), PAGE);
            for (const event of events) {
              const id = BigInt(event.id);
              for (const subscriber of entry.subscribers)
                if (id > subscriber.lastId) {
                  subscriber.lastId = id;
                  this.counts.delivered += 1;
                  subscriber.deliver(event);
                }
              from = id;
            }
            if (events.length < PAGE) break;
          }
        } while (entry.again);
      } catch (error) {
        this.options.log?.('live event fetch failed', { topic: entry.topic, error: String(error) });
      } finally {
        entry.fetching = false;
        if (entry.subscribers.size === 0) this.topics.delete(key);
      }
    })();
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    liveEvents: LiveEventHub;
  }
}

/** How often an idle stream sends a comment line, so that proxies and load balancers keep it open. */
const HEARTBEAT_MS = 15_000;

export interface StreamOptions {
  org: string;
  topic: string;
  /** What a client connecting without Last-Event-ID is told first (the current state), as unnumbered events. */
  initial?: () => Promise<Array<{ type: string; data: unknown }>>;
  /** What the client is told of a stored event (default: its type and data as they are). */
  present?: (event: LiveEvent) => Promise<{ type: string; data: unknown }>;
  /** Ends the stream after this event (a run's end). */
  endsWith?: (event: { type: string; data: unknown }) => boolean;
}

/** The Last-Event-ID a client sent back, when it is one of ours. */
function lastEventId(request: FastifyRequest): string | undefined {
  const header = request.headers['last-event-id'];
  return typeof header === 'string' && /^\d{1,18}$/.test(header) ? header : undefined;
}

/** Serves a topic as Server-Sent Events: `id`, `event` and `data` lines, a heartbeat, and replay from Last-Event-ID. */
export async function streamLiveEvents(request: FastifyRequest, reply: FastifyReply, hub: LiveEventHub, options: StreamOptions): Promise<void> {
  const resumeAfter = lastEventId(request);
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  let open = true;
  const write = (event: { id?: string; type: string; data: unknown }) => {
    if (!open) return;
    out.write(`event: ${event.type}\n${event.id ? `id: ${event.id}\n` : ''}data: ${JSON.stringify(event.data)}\n\n`);
    if (options.endsWith?.(event)) close();
  };
  // Presenting may read the database: a chain keeps events in their order.
  let chain = Promise.resolve();
  const deliver = (event: LiveEvent) => {
    chain = chain
      .then(async () =>
        open ? write({ id: event.id, ...(options.present ? await options.present(event) : { type: event.type, data: event.data }) }) : undefined,
      )
      .catch(() => close());
  };
  let unsubscribe: (() => void) | undefined = undefined;
  const heartbeat = setInterval(() => open && out.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const close = () => {
    if (!open) return;
    open = false;
    forget();
    clearInterval(heartbeat);
    unsubscribe?.();
    out.end();
  };
  const forget = hub.track(close);
  request.raw.on('close', close);
  out.write('retry: 2000\n\n');
  // Subscribe before reading the current state, so that nothing committed in between is missed.
  const buffered: LiveEvent[] = [];
  let ready = false;
  unsubscribe = await hub.subscribe(options.org, options.topic, resumeAfter, (event) => (ready ? deliver(event) : buffered.push(event)));
  if (!open) return unsubscribe();
  if (!resumeAfter && options.initial) for (const event of await options.initial()) write(event);
  ready = true;
  for (const event of buffered) deliver(event);
}
