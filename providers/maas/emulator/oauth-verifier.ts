/**
 * OAuth checking as MAAS does it (piston3's OAuthAuthentication + MAASAPIAuthentication):
 * - a request whose Authorization header lacks any of oauth_consumer_key, oauth_token,
 *   oauth_signature, oauth_signature_method, oauth_timestamp, oauth_nonce is anonymous:
 *   piston's challenge answers 401 `Forbidden` (text/plain);
 * - otherwise the request is verified in python-oauth's order (version, consumer, token,
 *   timestamp, nonce, signature method, signature) and a failure answers 401 with
 *   `Authorization Error: '<reason>'` (an unknown consumer: `Authorization Error: Invalid
 *   API key.`), with `WWW-Authenticate: OAuth realm="OAuth"`. Like MAAS, the "Invalid
 *   signature" text echoes the expected signature base string.
 * Nonces are remembered per consumer and token: a replay is refused.
 */
import { parseOAuthHeader, oauthPercentEncode } from '../client/oauth-header.js';

export interface EmulatorApiKey {
  consumerKey: string;
  tokenKey: string;
  tokenSecret: string;
  /** The key's user is a MAAS admin (superuser); absent means admin. */
  admin?: boolean;
}

export type OAuthVerdict =
  | { ok: true; key: EmulatorApiKey }
  | { ok: false; status: 401; body: string; wwwAuthenticate?: string; contentType: string };

const REQUIRED = ['oauth_consumer_key', 'oauth_token', 'oauth_signature', 'oauth_signature_method', 'oauth_timestamp', 'oauth_nonce'];
const TIMESTAMP_THRESHOLD = 300;

function oauthError(message: string): OAuthVerdict {
  return {
    ok: false,
    status: 401,
    body: message === 'Invalid consumer.' ? 'Authorization Error: Invalid API key.' : `Authorization Error: '${message}'`,
    wwwAuthenticate: 'OAuth realm="OAuth"',
    contentType: 'text/html; charset=utf-8',
  };
}

export class OAuthVerifier {
  private readonly nonces = new Set<string>();

  constructor(
    private readonly keys: EmulatorApiKey[],
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  verify(authorization: string | undefined): OAuthVerdict {
    const header = authorization ?? '';
    if (!REQUIRED.every((p) => header.includes(p))) {
      return { ok: false, status: 401, body: 'Forbidden', contentType: 'text/plain' };
    }
    const params = parseOAuthHeader(header);
    if (!params) return oauthError('Unable to parse OAuth parameters from Authorization header.');
    const version = params.get('oauth_version');
    if (version !== undefined && version !== '1.0') return oauthError(`OAuth version ${version} not supported.`);
    const consumerKey = params.get('oauth_consumer_key') ?? '';
    const consumerKeys = this.keys.filter((k) => k.consumerKey === consumerKey);
    if (consumerKeys.length === 0) return oauthError('Invalid consumer.');
    const tokenKey = params.get('oauth_token') ?? '';
    const key = consumerKeys.find((k) => k.tokenKey === tokenKey);
    if (!key) return oauthError(`Invalid access token: ${tokenKey}`);
    // python-oauth's OAuthServer._check_timestamp (piston3.oauth, which MAAS uses) refuses only
    // a timestamp older than the threshold (`now - timestamp > 300`): one from the future, a
    // client clock ahead of the region's, is accepted.
    const timestamp = Number(params.get('oauth_timestamp'));
    const now = this.now();
    if (!Number.isInteger(timestamp) || now - timestamp > TIMESTAMP_THRESHOLD) {
      return oauthError(
        `Expired timestamp: given ${params.get('oauth_timestamp')} and now ${now} has a greater difference than threshold ${TIMESTAMP_THRESHOLD}`,
      );
    }
    const nonce = params.get('oauth_nonce') ?? '';
    const nonceKey = `${consumerKey}\u0000${tokenKey}\u0000${nonce}`;
    if (this.nonces.has(nonceKey)) return oauthError(`Nonce already used: ${nonce}`);
    this.nonces.add(nonceKey);
    const method = params.get('oauth_signature_method');
    if (method !== 'PLAINTEXT') {
      return oauthError(`Signature method ${method ?? ''} not supported try one of the following: PLAINTEXT`);
    }
    const expected = `&${oauthPercentEncode(key.tokenSecret)}`;
    if (params.get('oauth_signature') !== expected) {
      return oauthError(`Invalid signature. Expected signature base string: ${expected}`);
    }
    return { ok: true, key };
  }
}
