// Time-based one-time passwords (RFC 6238) for the second factor, their QR code, and one-time recovery codes.
import { generate, generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { readableCode, sha256Hex } from './crypto.js';

/** The name authenticator apps show next to the account. */
export const TOTP_ISSUER = 'Rempart';
/** Recovery codes given at enrolment. */
export const RECOVERY_CODE_COUNT = 10;

/** A new base32 TOTP seed of 160 bits (what authenticator apps expect). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secret: string, account: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: account, secret });
}

/** The QR code of the URI as an SVG data: URL (an <img src> needs nothing else, and the CSP allows data: images). */
export async function qrCodeDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

/**
 * Checks a six-digit code at `nowMs`, accepting one step of clock drift either way. Codes of a time step
 * at or before `afterTimeStep` are refused, so a code seen over a shoulder cannot be replayed.
 * Returns the matched time step, or null.
 */
export async function checkTotp(secret: string, code: string, nowMs: number, afterTimeStep?: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: 30,
    ...(afterTimeStep !== undefined && afterTimeStep !== null ? { afterTimeStep } : {}),
  });
  // The TOTP strategy's result carries the matched time step (the HOTP one, in the same union, does not).
  return result.valid ? (result as { timeStep: number }).timeStep : null;
}

/** The current code of a secret (tests, and the CLI's self-check). */
export function totpCode(secret: string, nowMs: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(nowMs / 1000) });
}

/** Fresh recovery codes, as shown once to the person (`ABCDE-FGHJK`, about 50 bits each). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => readableCode(2, 5));
}

/** What is stored of a recovery code: the digest of its normalised form (case, spaces and dashes ignored). */
export function recoveryCodeHash(code: string): string {
  return sha256Hex(`recovery:${normaliseRecoveryCode(code)}`);
}

/** A recovery code as compared: upper case, without spaces or dashes. */
export function normaliseRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

/** Whether the text looks like a recovery code rather than a TOTP code. */
export function looksLikeRecoveryCode(code: string): boolean {
  return /^[A-Z0-9]{10}$/.test(normaliseRecoveryCode(code));
}
