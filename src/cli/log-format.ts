// How server and worker logs read: one JSON object a line for machines (not a terminal, or --log-format json), one
// short line for people on a terminal; and the framed banner that must stand out from both.
import { Writable } from 'node:stream';

export type LogFormat = 'pretty' | 'json';

/** The format asked for, else human lines on a terminal and JSON anywhere else (a file, a pipe, a log collector). */
export function chooseLogFormat(asked: LogFormat | undefined, stream: { isTTY?: boolean } = process.stdout): LogFormat {
  return asked ?? (stream.isTTY ? 'pretty' : 'json');
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every line has, or that the line's own words already say. */
const IMPLIED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'reqId', 'req', 'res', 'responseTime', 'err', 'v']);

function clock(time: unknown): string {
  const date = typeof time === 'number' ? new Date(time) : new Date();
  return date.toTimeString().slice(0, 8);
}

function levelName(level: unknown): string {
  if (typeof level === 'number') return LEVELS[level] ?? String(level);
  return typeof level === 'string' ? level.toUpperCase() : 'INFO';
}

/**
 * Turns pino's JSON lines into lines for people: `14:02:07 INFO  GET /api/health → 200 (3 ms)`. Fastify logs each
 * request twice (received, completed): only the completed one is printed, with the method and address of the first.
 */
export class HumanLogFormatter {
  private readonly requests = new Map<string, string>();

  /** The line for one log entry, or null for an entry that only prepares another. */
  format(entry: Record<string, unknown>): string | null {
    const reqId = typeof entry.reqId === 'string' || typeof entry.reqId === 'number' ? String(entry.reqId) : undefined;
    const req = entry.req as { method?: string; url?: string } | undefined;
    if (reqId && req?.method && entry.msg === 'incoming request') {
      this.requests.set(reqId, `${req.method} ${req.url ?? ''}`);
      return null;
    }
    let text = typeof entry.msg === 'string' ? entry.msg : '';
    const res = entry.res as { statusCode?: number } | undefined;
    if (reqId && res?.statusCode !== undefined && entry.msg === 'request completed') {
      const request = this.requests.get(reqId) ?? `request ${reqId}`;
      this.requests.delete(reqId);
      const time = typeof entry.responseTime === 'number' ? ` (${Math.round(entry.responseTime)} ms)` : '';
      text = `${request} → ${res.statusCode}${time}`;
    }
    const extra = Object.entries(entry)
      .filter(([key]) => !IMPLIED.has(key))
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    const err = entry.err as { message?: string; stack?: string } | undefined;
    const level = levelName(entry.level);
    let line = `${clock(entry.time)} ${level.padEnd(5)} ${[text, ...extra].filter(Boolean).join('  ')}`;
    if (err?.message) line += `  error=${err.message}`;
    // An error's stack is what someone debugging needs; warnings keep one line.
    if (err?.stack && (level === 'ERROR' || level === 'FATAL')) line += `\n${err.stack}`;
    return line;
  }

  /** One raw line of JSON (anything else is passed through as it is). */
  formatLine(raw: string): string | null {
    let entry: unknown;
    try {
      entry = JSON.parse(raw);
    } catch {
      return raw;
    }
    return entry !== null && typeof entry === 'object' ? this.format(entry as Record<string, unknown>) : raw;
  }
}

/** A destination for pino that writes human lines to `out`. */
export function humanLogStream(out: NodeJS.WritableStream = process.stdout): Writable {
  const formatter = new HumanLogFormatter();
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const raw of lines) {
        if (!raw) continue;
        const line = formatter.formatLine(raw);
        if (line !== null) out.write(`${line}\n`);
      }
      done();
    },
  });
}

/** Lines in a box, so that what must not be missed (the one-time password) stands apart from the logs around it. */
export function framed(lines: readonly string[]): string {
  const width = Math.max(...lines.map((line) => line.length));
  const rule = '─'.repeat(width + 2);
  return [`┌${rule}┐`, ...lines.map((line) => `│ ${line.padEnd(width)} │`), `└${rule}┘`].join('\n');
}

const LEVEL_ORDER = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** A log function for processes without Fastify's logger (worker, cluster primary): the same lines, on `out`. */
export function lineLogger(
  settings: { logLevel: string; logFormat?: LogFormat },
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): (level: string, message: string, data?: Record<string, unknown>) => void {
  const human = chooseLogFormat(settings.logFormat, out) === 'pretty' ? new HumanLogFormatter() : undefined;
  return (level, message, data = {}) => {
    if (LEVEL_ORDER.indexOf(level) < LEVEL_ORDER.indexOf(settings.logLevel)) return;
    const entry = { level, time: Date.now(), pid: process.pid, msg: message, ...data };
    const line = human ? human.format(entry) : JSON.stringify(entry);
    if (line !== null) out.write(`${line}\n`);
  };
}
