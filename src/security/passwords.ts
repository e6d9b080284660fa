// Passwords: length-based rules, the shipped list of common passwords, Argon2id hashing and generated passwords.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import { problem, type Problem } from '../model/problem.js';
import { DATA_DIR } from '../paths.js';
import { readableCode } from './crypto.js';

/** Length bounds of a new password, in Unicode code points. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

let common: Set<string> | undefined;

/** The shipped list (data/common-passwords.txt), lower-cased; lines starting with # are comments. */
export function commonPasswords(): Set<string> {
  common ??= new Set(
    readFileSync(join(DATA_DIR, 'common-passwords.txt'), 'utf8')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.toLowerCase()),
  );
  return common;
}

/**
 * What is wrong with a new password, as problems at `path`. Rules follow NIST SP 800-63B: length
 * (12 to 256 characters, counted in Unicode code points), not a common password, not the e-mail address; no
 * composition rules. The value is never echoed back.
 */
export function passwordProblems(password: string, path: string, context: { email?: string } = {}): Problem[] {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return [problem([path], 'too_short', '[hidden]', `at least ${PASSWORD_MIN} characters (a few unrelated words make a good one)`)];
  if (length > PASSWORD_MAX) return [problem([path], 'too_long', '[hidden]', `at most ${PASSWORD_MAX} characters`)];
  const lowered = password.normalize('NFKC').toLowerCase();
  if (commonPasswords().has(lowered) || commonPasswords().has(lowered.trim()))
    return [problem([path], 'common_password', '[hidden]', 'this password is in lists of common passwords that attackers try first')];
  const email = context.email?.toLowerCase();
  if (email && (lowered === email || lowered === email.split('@')[0]))
    return [problem([path], 'same_as_email', '[hidden]', 'choose a password that is not your e-mail address')];
  return [];
}

// OWASP's Argon2id baseline (19 MiB, 2 passes, 1 lane): about 30 ms here, affordable at every sign-in.
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1, algorithm: 2 as const };

/** The Argon2id hash (PHC string, salt included) of a password. */
export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFKC'), ARGON2);
}

let verifications = 0;

/** How many Argon2 verifications this process has run: each costs ~30 ms of a core, the price a guess must pay. */
export function passwordVerifications(): number {
  return verifications;
}

/** Whether the password matches the hash; a malformed hash never matches. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  verifications++;
  try {
    return await verify(stored, password.normalize('NFKC'));
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time of one verification against a throwaway hash, so that an unknown e-mail address
 * answers as slowly as a wrong password (no account enumeration by timing).
 */
export async function verifyNothing(password: string): Promise<false> {
  dummy ??= hashPassword(readableCode(4, 5));
  await verifyPassword(await dummy, password);
  return false;
}

/** A random password of about 99 bits (20 readable characters in four groups), shown once to whoever needs it. */
export function generatePassword(): string {
  return readableCode(4, 5);
}
