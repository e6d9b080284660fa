// Signed audit checkpoints kept outside the database: one file per chain recording how many entries it had and its last hash.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deriveKey, hmacHex, sameSecret } from './crypto.js';

/** The HKDF purpose of the key that signs checkpoints (distinct from the chain's own key). */
export const CHECKPOINT_KEY_PURPOSE = 'rempart audit checkpoint';
/** The file name ending of a checkpoint. */
export const CHECKPOINT_SUFFIX = '.checkpoint.json';
const VERSION = 1;

/** What a checkpoint states: on `at`, chain `chain` had `count` entries and entry `count` had hash `head`. */
export interface Checkpoint {
  chain: string;
  count: number;
  head: string;
  /** ISO time of writing. */
  at: string;
}

/** A checkpoint file as read: none, a valid one, or one whose signature or content does not hold. */
export type CheckpointRead = { state: 'none' } | { state: 'valid'; checkpoint: Checkpoint; file: string } | { state: 'invalid'; file: string; reason: string };

/** The text that is signed: every field, in a fixed order. */
function signedText(checkpoint: Checkpoint): string {
  return JSON.stringify([VERSION, checkpoint.chain, checkpoint.count, checkpoint.head, checkpoint.at]);
}

/** The file name of a chain's checkpoint (org ids are already file-safe; anything else is percent-encoded). */
export function checkpointFileName(chain: string): string {
  return `${encodeURIComponent(chain).replace(/%40/g, '@')}${CHECKPOINT_SUFFIX}`;
}

/**
 * The checkpoint folder: reads and writes one signed file per chain. Writes are atomic (a temporary file
 * renamed over the old one, mode 0600); whether a write is allowed (never backwards) is the caller's
 * decision, taken under the chain's lock.
 */
export class CheckpointStore {
  readonly dir: string;
  readonly #key: () => Buffer;
  #signingKey: Buffer | undefined;

  /** `key` is the server key, or a function loading it when first needed. */
  constructor(dir: string, key: Buffer | (() => Buffer)) {
    this.dir = resolve(dir);
    this.#key = typeof key === 'function' ? key : () => key;
  }

  #sign(checkpoint: Checkpoint): string {
    this.#signingKey ??= deriveKey(this.#key(), CHECKPOINT_KEY_PURPOSE);
    return hmacHex(this.#signingKey, signedText(checkpoint));
  }

  /** The path of a chain's checkpoint file. */
  fileOf(chain: string): string {
    return join(this.dir, checkpointFileName(chain));
  }

  /** Reads and checks a chain's checkpoint. */
  read(chain: string): CheckpointRead {
    const file = this.fileOf(chain);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'none' };
      throw error;
    }
    return this.#parse(file, text, chain);
  }

  #parse(file: string, text: string, chain: string | null): CheckpointRead {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { state: 'invalid', file, reason: 'it is not valid JSON' };
    }
    const value = parsed as Partial<Checkpoint> & { version?: unknown; mac?: unknown };
    if (
      typeof value !== 'object' ||
      value === null ||
      value.version !== VERSION ||
      typeof value.chain !== 'string' ||
      !Number.isSafeInteger(value.count) ||
      (value.count as number) < 1 ||
      typeof value.head !== 'string' ||
      typeof value.at !== 'string' ||
      typeof value.mac !== 'string'
    )
      return { state: 'invalid', file, reason: 'its fields are missing or malformed' };
    const checkpoint: Checkpoint = { chain: value.chain, count: value.count as number, head: value.head, at: value.at };
    if (!sameSecret(this.#sign(checkpoint), value.mac))
      return { state: 'invalid', file, reason: 'its signature does not match its content (altered, or signed with another key)' };
    // A valid file copied over another chain's name is still a forgery for that chain.
    if (chain !== null && checkpoint.chain !== chain) return { state: 'invalid', file, reason: `it is signed for the chain "${checkpoint.chain}"` };
    return { state: 'valid', checkpoint, file };
  }

  /** Writes a chain's checkpoint atomically: a temporary file, flushed, then renamed over the old one. */
  write(checkpoint: Checkpoint): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = this.fileOf(checkpoint.chain);
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const body = `${JSON.stringify({ version: VERSION, ...checkpoint, mac: this.#sign(checkpoint) }, null, 2)}\n`;
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(temporary, file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }

  /** Every checkpoint file in the folder, with the chain it names (chains whose rows are all gone still have one). */
  list(): Array<{ chain: string; read: CheckpointRead }> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const found: Array<{ chain: string; read: CheckpointRead }> = [];
    for (const name of names.filter((entry) => entry.endsWith(CHECKPOINT_SUFFIX)).sort()) {
      let chain: string;
      try {
        chain = decodeURIComponent(name.slice(0, -CHECKPOINT_SUFFIX.length));
      } catch {
        continue;
      }
      found.push({ chain, read: this.read(chain) });
    }
    return found;
  }
}
