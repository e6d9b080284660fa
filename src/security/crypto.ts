// Small cryptographic helpers: random secrets, SHA-256 digests, constant-time comparison, sub-keys and AES-256-GCM for stored secrets.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random secret of `bytes` bytes, base64url-encoded (32 bytes: 43 characters, 256 bits). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a string, hex-encoded: how session ids, API tokens and recovery codes are stored. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Compares two strings in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Lengths are public (every token of a kind has the same length); only the content must not leak.
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A 32-byte sub-key of the server key for one purpose (HKDF-SHA256, the purpose as its info), so that each
 * use (audit chain, audit checkpoints…) has its own key and none of them reuses the raw one.
 */
export function deriveKey(key: Buffer, purpose: string): Buffer {
  if (key.length !== 32) throw new Error('The secret key must be 32 bytes.');
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), Buffer.from(purpose, 'utf8'), 32));
}

/** HMAC-SHA256 of a string, hex-encoded. */
export function hmacHex(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

const FORMAT = 'v1';

/**
 * Encrypts a short secret (a TOTP seed) with AES-256-GCM. `context` is bound as associated data, so a
 * ciphertext copied to another user's row does not decrypt there.
 */
export function encryptSecret(key: Buffer, plaintext: string, context: string): string {
  if (key.length !== 32) throw new Error('The secret key must be 32 bytes.');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [FORMAT, iv.toString('base64url'), data.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Decrypts what `encryptSecret` produced with the same key and context; throws when either differs or the text was altered. */
export function decryptSecret(key: Buffer, sealed: string, context: string): string {
  const [format, iv, data, tag] = sealed.split('.');
  if (format !== FORMAT || !iv || data === undefined || !tag) throw new Error('Unknown secret format.');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

/** Characters of generated passwords and recovery codes: no 0/O, 1/I/L, so they can be read aloud and typed. */
const READABLE = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** `groups` groups of `size` readable characters joined by dashes, drawn without modulo bias. */
export function readableCode(groups: number, size: number): string {
  const out: string[] = [];
  for (let g = 0; g < groups; g++) {
    let group = '';
    while (group.length < size) {
      for (const byte of randomBytes(size * 2)) {
        // 248 = 8 × 31: bytes above it would favour the first characters.
        if (byte < 248 && group.length < size) group += READABLE[byte % READABLE.length];
      }
    }
    out.push(group);
  }
  return out.join('-');
}
