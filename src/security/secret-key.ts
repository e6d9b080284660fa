// The server's secret key (sealing stored TOTP seeds, keying the audit chain and its checkpoints): from REMPART_SECRET_KEY, or generated once into the embedded data folder.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { RempartError } from '../errors.js';

/** The key's file in the embedded data folder. */
export const SECRET_KEY_FILE = 'secret.key';

/** Decodes a base64 (or base64url) key of exactly 32 bytes; the message never repeats the value. */
export function parseSecretKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[A-Za-z0-9+/=_-]+$/.test(trimmed) ? Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64') : Buffer.alloc(0);
  if (key.length !== 32)
    throw new RempartError('invalid_input', `${where} must be 32 random bytes in base64 (for example the output of \`openssl rand -base64 32\`).`, [
      { path: where, rule: 'secret_key', value: '[hidden]', message: '32 bytes, base64' },
    ]);
  return key;
}

/** The key, and where it came from. */
export interface SecretKeySource {
  key: Buffer;
  /** Where it came from, for the start-up message (never the key itself). */
  origin: 'environment' | 'data folder' | 'generated in the data folder';
}

/**
 * The key from `REMPART_SECRET_KEY`; otherwise, for the embedded database, `<data folder>/secret.key`,
 * created with mode 0600 on first run (unless `create` is false). A PostgreSQL deployment must set the variable: its server
 * processes share one database and so must share one key.
 */
export function loadSecretKey(options: { fromEnv?: string; embeddedDataDir?: string; create?: boolean }): SecretKeySource {
  if (options.fromEnv) return { key: parseSecretKey(options.fromEnv, 'REMPART_SECRET_KEY'), origin: 'environment' };
  if (!options.embeddedDataDir)
    throw new RempartError(
      'invalid_input',
      'Set REMPART_SECRET_KEY to 32 random bytes in base64 (`openssl rand -base64 32`), the same on every server process: it encrypts the second-factor secrets stored in the database.',
      [{ path: 'REMPART_SECRET_KEY', rule: 'required', value: null, message: 'required with DATABASE_URL' }],
    );
  const folder = resolve(options.embeddedDataDir);
  mkdirSync(folder, { recursive: true });
  const path = join(folder, SECRET_KEY_FILE);
  if (existsSync(path)) {
    // A key others can read protects nothing: refuse rather than run with it silently.
    if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0)
      throw new RempartError('invalid_input', `${path} can be read by other users: run \`chmod 600 ${path}\`.`, [
        { path: SECRET_KEY_FILE, rule: 'permissions', value: (statSync(path).mode & 0o777).toString(8), message: 'mode 600' },
      ]);
    return { key: parseSecretKey(readFileSync(path, 'utf8'), path), origin: 'data folder' };
  }
  // A check (`rempart audit verify`) must not invent a key: a new one would call every keyed entry forged.
  if (options.create === false)
    throw new RempartError('not_found', `There is no secret key in ${folder} (${SECRET_KEY_FILE}): it is created when the server first starts there.`, [
      { path: SECRET_KEY_FILE, rule: 'exists', value: null, message: 'the server key' },
    ]);
  const key = randomBytes(32);
  // 'wx' fails if another process created it meanwhile; the mode applies at creation, before any byte is written.
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
  } finally {
    closeSync(fd);
  }
  return { key, origin: 'generated in the data folder' };
}
