/**
 * Why a provider's server could not be reached, from the error a connection attempt threw
 * (undici wraps node's socket and TLS errors in `cause`), or from the text of one when only
 * the text survived. One classifier for every provider (proxmox, crucible, coral, MAAS,
 * Kuma), and the words and hint the engine prints for each cause.
 */
import type { UnreachableCause } from './contract.js';

const TLS_UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** Every code and message along an error's cause chain (and inside an AggregateError). */
function collect(err: unknown): { codes: string[]; texts: string[] } {
  const codes: string[] = [];
  const texts: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): void => {
    if (e === null || e === undefined || depth > 8 || seen.has(e)) return;
    seen.add(e);
    if (typeof e === 'string') {
      texts.push(e);
      return;
    }
    if (typeof e !== 'object') return;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string') texts.push(message);
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) for (const x of errors) visit(x, depth + 1);
    visit((e as { cause?: unknown }).cause, depth + 1);
  };
  visit(err, 0);
  return { codes, texts };
}

/**
 * The cause of a failed connection, or undefined when `err` is not a connection failure
 * (an HTTP error answer, a bug). `scheme` is the protocol that was spoken, which tells a
 * plain-http request to a TLS port from a server that closed the connection.
 */
export function classifyConnectionFailure(err: unknown, scheme?: 'http' | 'https'): UnreachableCause | undefined {
  const { codes, texts } = collect(err);
  const has = (c: string): boolean => codes.includes(c);
  const text = texts.join('\n');
  if (has('HL_TLS_PIN_MISMATCH') || /not the pinned|fingerprint mismatch/i.test(text)) return 'tls-fingerprint';
  if (has('ERR_TLS_CERT_ALTNAME_INVALID') || /does not match certificate's altnames|Hostname\/IP does not match/i.test(text))
    return 'tls-name-mismatch';
  if (
    codes.some((c) => TLS_UNKNOWN_CA.has(c)) ||
    /self[- ]signed certificate|unable to verify the first certificate|unable to get (?:local )?issuer certificate/i.test(text)
  )
    return 'tls-unknown-ca';
  if (has('CERT_HAS_EXPIRED') || has('CERT_NOT_YET_VALID') || /certificate has expired|certificate is not yet valid/i.test(text))
    return 'tls-expired';
  if (
    /wrong version number|packet length too long|unknown protocol|http request/i.test(text) &&
    (has('EPROTO') || /SSL routines|ssl3_get_record|tls_get_more_records/i.test(text))
  )
    return 'https-to-http';
  if (has('EPROTO') && scheme === 'https') return 'https-to-http';
  if (has('ECONNREFUSED') || /\bECONNREFUSED\b|connection refused/i.test(text)) return 'refused';
  if (has('ENOTFOUND') || has('EAI_AGAIN') || has('EAI_NONAME') || /\bENOTFOUND\b|getaddrinfo/i.test(text)) return 'dns';
  if (
    has('ETIMEDOUT') ||
    has('UND_ERR_CONNECT_TIMEOUT') ||
    has('ENETUNREACH') ||
    has('EHOSTUNREACH') ||
    /\bETIMEDOUT\b|connect timeout|EHOSTUNREACH|ENETUNREACH/i.test(text)
  )
    return 'timeout';
  if (codes.some((c) => c.startsWith('HPE_')) || /parse error|Expected HTTP\//i.test(text))
    return scheme === 'http' ? 'http-to-https' : 'closed';
  if (has('CERT_') || codes.some((c) => c.startsWith('ERR_TLS_') || c.startsWith('ERR_SSL_'))) return 'tls';
  if (has('UND_ERR_SOCKET') || has('ECONNRESET') || has('EPIPE') || /other side closed|socket hang up|ECONNRESET/i.test(text)) {
    // a TLS server closes a connection that does not start with a handshake
    if (scheme === 'http') return 'http-to-https';
    return /ECONNRESET|reset/i.test(text) || has('ECONNRESET') ? 'reset' : 'closed';
  }
  return undefined;
}

/** The scheme of a URL, when it is http or https. */
export function schemeOf(url: string | URL | undefined): 'http' | 'https' | undefined {
  if (url === undefined) return undefined;
  const s = String(url);
  return s.startsWith('https:') ? 'https' : s.startsWith('http:') ? 'http' : undefined;
}

/** `https://host:port` of a URL, for messages (never its path, query or credentials). */
export function endpointOf(url: string | URL): string {
  try {
    const u = new URL(String(url));
    return `${u.protocol}//${u.host}`;
  } catch {
    return String(url);
  }
}

/** The cause in words, and what to check. */
export function describeUnreachable(cause: UnreachableCause): { words: string; hint: string } {
  switch (cause) {
    case 'refused':
      return { words: 'connection refused', hint: 'Is the server running, and are the host and port of the endpoint right?' };
    case 'timeout':
      return {
        words: 'the connection timed out',
        hint: 'Is the host up and reachable from here (network, firewall), and is the endpoint right?',
      };
    case 'dns':
      return { words: 'the host name was not found (DNS)', hint: 'Check the host name of the endpoint, and the DNS this machine uses.' };
    case 'tls-unknown-ca':
      return {
        words: 'its TLS certificate is signed by an unknown authority (self-signed?)',
        hint: 'Set ca_file to the CA that signed it, or pin it with tls_fingerprint (its SHA-256 fingerprint).',
      };
    case 'tls-name-mismatch':
      return {
        words: 'its TLS certificate is for another host name',
        hint: 'Use the host name the certificate names in the endpoint, or pin the certificate with tls_fingerprint.',
      };
    case 'tls-fingerprint':
      return {
        words: 'its TLS certificate does not match the pinned fingerprint',
        hint: 'Check tls_fingerprint against the server certificate (it may have been renewed), and that the endpoint is the right server.',
      };
    case 'tls-expired':
      return {
        words: 'its TLS certificate has expired or is not valid yet',
        hint: "Renew the server certificate, or check this machine's clock.",
      };
    case 'tls':
      return { words: 'the TLS handshake failed', hint: 'Check ca_file or tls_fingerprint, and that the endpoint speaks https.' };
    case 'http-to-https':
      return {
        words: 'plain http was sent to a port that speaks https (the server closed the connection)',
        hint: 'Use https:// in the endpoint.',
      };
    case 'https-to-http':
      return { words: 'https was sent to a port that speaks plain http', hint: "Use http:// in the endpoint, or the server's https port." };
    case 'closed':
      return {
        words: 'the server closed the connection without answering',
        hint: 'Is the endpoint the right server and port, and does it speak the protocol of the endpoint (http or https)?',
      };
    case 'reset':
      return {
        words: 'the connection was reset',
        hint: 'Is the endpoint the right server and port? A proxy or firewall may be cutting the connection.',
      };
  }
}
