/**
 * The OAuth 1.0 PLAINTEXT `Authorization` header MAAS expects (as gomaasapi and python-libmaas
 * send it): realm="", consumer key, token, signature method PLAINTEXT, signature
 * `<consumer secret>&<token secret>` (MAAS consumer secrets are empty, so `&<secret>`), a
 * timestamp and a nonce that must be fresh for every request (MAAS remembers nonces and
 * refuses a replay), version 1.0. Every value is percent-encoded (RFC 5849 §3.5.1), so the
 * signature travels as `%26<secret>`.
 */
import { randomBytes } from 'node:crypto';
import type { MaasCredentials } from './api-key.js';

/** RFC 3986 percent-encoding: everything but unreserved characters. */
export function oauthPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface OAuthHeaderOptions {
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** Defaults to 32 random hex digits. */
  nonce?: string;
}

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** The PLAINTEXT signature before header encoding: `encode(consumer secret)&encode(token secret)`. */
export function plaintextSignature(credentials: MaasCredentials): string {
  return `&${oauthPercentEncode(credentials.tokenSecret)}`;
}

export function buildOAuthHeader(credentials: MaasCredentials, options: OAuthHeaderOptions = {}): string {
  const params: [string, string][] = [
    ['realm', ''],
    ['oauth_consumer_key', credentials.consumerKey],
    ['oauth_token', credentials.tokenKey],
    ['oauth_signature_method', 'PLAINTEXT'],
    ['oauth_signature', plaintextSignature(credentials)],
    ['oauth_timestamp', String(options.timestamp ?? Math.floor(Date.now() / 1000))],
    ['oauth_nonce', options.nonce ?? newNonce()],
    ['oauth_version', '1.0'],
  ];
  return `OAuth ${params.map(([k, v]) => `${k}="${oauthPercentEncode(v)}"`).join(', ')}`;
}

/** Parses an `Authorization: OAuth k="v", ...` header into decoded parameters (for tests and the emulator). */
export function parseOAuthHeader(header: string): Map<string, string> | undefined {
  const m = /^OAuth\s+(.*)$/is.exec(header.trim());
  if (!m) return undefined;
  const out = new Map<string, string>();
  const re = /\s*([A-Za-z_]+)\s*=\s*"([^"]*)"\s*(?:,|$)/gy;
  const body = m[1]!;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(body)) !== null) {
    try {
      out.set(match[1]!, decodeURIComponent(match[2]!));
    } catch {
      return undefined;
    }
    consumed = re.lastIndex;
    if (consumed >= body.length) break;
  }
  if (body.slice(consumed).trim() !== '') return undefined;
  return out;
}
