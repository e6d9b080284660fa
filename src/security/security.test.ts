// Passwords (rules, common list, Argon2id), sealed secrets (AES-256-GCM), the server key file, TOTP and recovery codes.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { RempartError } from '../errors.js';
import { decryptSecret, encryptSecret, readableCode, sameSecret } from './crypto.js';
import { commonPasswords, generatePassword, hashPassword, passwordProblems, verifyPassword } from './passwords.js';
import { loadSecretKey, parseSecretKey } from './secret-key.js';
import { checkTotp, looksLikeRecoveryCode, newRecoveryCodes, newTotpSecret, recoveryCodeHash, totpCode } from './totp.js';

const folders: string[] = [];
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

describe('passwords', () => {
  it('ships at least a thousand common passwords, compared without case', () => {
    expect(commonPasswords().size).toBeGreaterThanOrEqual(1000);
    expect(passwordProblems('Password1234', 'p')[0]?.rule).toBe('common_password');
    expect(passwordProblems('QWERTYUIOP123', 'p')[0]?.rule).toBe('common_password');
  });

  it.each([
    ['short', 'too_short'],
    ['eleven char', 'too_short'],
    ['x'.repeat(257), 'too_long'],
    ['administrator', 'common_password'],
    ['claire.morel@example.com', 'same_as_email'],
  ])('refuses %j (%s) without repeating it', (password, rule) => {
    const problems = passwordProblems(password, 'newPassword', { email: 'claire.morel@example.com' });
    expect(problems).toEqual([expect.objectContaining({ path: 'newPassword', rule, value: '[hidden]' })]);
  });

  it.each(['twelve chars', 'a long sentence is a good password', 'ÉtéIndienÀLyon', 'x'.repeat(256)])(
    'accepts %j: length rules only, no composition rules',
    (password) => {
      expect(passwordProblems(password, 'p')).toEqual([]);
    },
  );

  it('hashes with Argon2id and verifies', async () => {
    const hash = await hashPassword('a long sentence is a good password');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'a long sentence is a good password')).toBe(true);
    expect(await verifyPassword(hash, 'a long sentence is a good passworD')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
  });

  it('generates readable random passwords that meet the rules', () => {
    const passwords = Array.from({ length: 50 }, generatePassword);
    expect(new Set(passwords).size).toBe(50);
    for (const password of passwords) {
      expect(password).toMatch(/^[A-HJKMNP-Z2-9]{5}(-[A-HJKMNP-Z2-9]{5}){3}$/);
      expect(passwordProblems(password, 'p')).toEqual([]);
    }
  });
});

describe('sealed secrets', () => {
  const key = randomBytes(32);

  it('round-trips, and fails with another key, another context or an altered text', () => {
    const sealed = encryptSecret(key, 'JBSWY3DPEHPK3PXP', 'totp:user-1');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(encryptSecret(key, 'JBSWY3DPEHPK3PXP', 'totp:user-1')).not.toBe(sealed);
    expect(decryptSecret(key, sealed, 'totp:user-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => decryptSecret(randomBytes(32), sealed, 'totp:user-1')).toThrow();
    expect(() => decryptSecret(key, sealed, 'totp:user-2')).toThrow();
    const parts = sealed.split('.');
    parts[2] = Buffer.from('tampered').toString('base64url');
    expect(() => decryptSecret(key, parts.join('.'), 'totp:user-1')).toThrow();
  });

  it('compares secrets without revealing where they differ', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(readableCode(2, 5)).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
  });
});

describe('server key', () => {
  it('takes REMPART_SECRET_KEY, refusing anything but 32 bytes, and never repeats it', () => {
    const text = randomBytes(32).toString('base64');
    expect(loadSecretKey({ fromEnv: text }).key.toString('base64')).toBe(text);
    const error = (() => {
      try {
        parseSecretKey('too-short', 'REMPART_SECRET_KEY');
      } catch (e) {
        return e as RempartError;
      }
    })();
    expect(error).toBeInstanceOf(RempartError);
    expect(JSON.stringify(error!.details)).not.toContain('too-short');
    expect(() => loadSecretKey({})).toThrow(/REMPART_SECRET_KEY/);
  });

  it('generates a key in the embedded data folder on first run, readable by its owner only, and reuses it', () => {
    const folder = mkdtempSync(join(tmpdir(), 'rempart-key-'));
    folders.push(folder);
    const first = loadSecretKey({ embeddedDataDir: folder });
    expect(first.origin).toBe('generated in the data folder');
    expect(statSync(join(folder, 'secret.key')).mode & 0o777).toBe(0o600);
    const again = loadSecretKey({ embeddedDataDir: folder });
    expect(again.origin).toBe('data folder');
    expect(again.key.equals(first.key)).toBe(true);
    chmodSync(join(folder, 'secret.key'), 0o644);
    expect(() => loadSecretKey({ embeddedDataDir: folder })).toThrow(/chmod 600/);
    writeFileSync(join(folder, 'other.key'), 'x');
    expect(readFileSync(join(folder, 'secret.key'), 'utf8').trim()).toBe(first.key.toString('base64'));
  });
});

describe('TOTP and recovery codes', () => {
  it('accepts the current code and one step of drift, refuses older codes and replays', async () => {
    const secret = newTotpSecret();
    const now = Date.UTC(2026, 10, 29, 12, 0, 10);
    const code = await totpCode(secret, now);
    const step = await checkTotp(secret, code, now);
    expect(step).toBe(Math.floor(now / 30_000));
    expect(await checkTotp(secret, code, now + 30_000)).toBe(step);
    expect(await checkTotp(secret, code, now + 90_000)).toBeNull();
    expect(await checkTotp(secret, code, now, step)).toBeNull();
    expect(await checkTotp(secret, 'abcdef', now)).toBeNull();
  });

  it('gives ten distinct recovery codes, matched whatever their case and dashes', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    expect(recoveryCodeHash(codes[0])).toBe(recoveryCodeHash(codes[0].toLowerCase().replace('-', ' ')));
    expect(looksLikeRecoveryCode(codes[0])).toBe(true);
    expect(looksLikeRecoveryCode('123456')).toBe(false);
  });
});
