/**
 * Time-based one-time passwords for 2FA logins, as the `notp` package computes them for
 * Kuma: HMAC-SHA1 keyed with the raw secret string, 30 s steps, 6 digits, one step of
 * tolerance either side.
 */
import { createHmac } from 'node:crypto';

const STEP_SECONDS = 30;

function hotp(secret: string, counter: number): string {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', Buffer.from(secret)).update(buf).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

/** The token valid at `nowMs` (for tests and for clients of the emulator). */
export function totpToken(secret: string, nowMs: number = Date.now()): string {
  return hotp(secret, Math.floor(nowMs / 1000 / STEP_SECONDS));
}

export function verifyTotp(token: unknown, secret: string, nowMs: number = Date.now()): boolean {
  if (typeof token !== 'string') return false;
  const counter = Math.floor(nowMs / 1000 / STEP_SECONDS);
  return [-1, 0, 1].some((d) => hotp(secret, counter + d) === token);
}
