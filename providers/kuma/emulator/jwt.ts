/**
 * JSON Web Tokens as Kuma issues them at login: HS256 over `{username, h}` where `h` ties
 * the token to the current password hash (a password change invalidates old tokens).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface KumaJwtPayload {
  username: string;
  h: string;
  iat: number;
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** The `h` claim: a short digest of the stored password hash. */
export function passwordDigest(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('hex').slice(0, 32);
}

export function signJwt(payload: KumaJwtPayload, secret: string): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** The payload, or undefined when the token is malformed or its signature is wrong. */
export function verifyJwt(token: unknown, secret: string): KumaJwtPayload | undefined {
  if (typeof token !== 'string') return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [head, body, sig] = parts as [string, string, string];
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as KumaJwtPayload;
    return typeof payload.username === 'string' ? payload : undefined;
  } catch {
    return undefined;
  }
}
