/**
 * The undici `Agent` one provider client talks through, with its TLS trust scoped to that
 * client (never process-wide, never the process-wide switch that turns verification off). Used by the Proxmox client
 * (and so by crucible and coral) and by the MAAS client.
 *
 * - default: the system CAs, and the host name must match;
 * - `ca`: the server certificate must chain to this CA bundle (and match the host name);
 * - `fingerprint`: the leaf certificate's SHA-256 (`cert.fingerprint256`) must equal the pin.
 *   A pin is the whole trust decision (self-signed certificates are the usual case), so chain
 *   and host name are not checked; with `ca` too, both must hold. The check runs right after
 *   the handshake, before a byte of the request (and so of any credential) is sent;
 * - `insecure`: no verification at all (explicit opt-in only).
 *
 * undici and node:tls are loaded on first use (see `src/core/lazy-module.ts`), never at import
 * time: `hl validate` loads the providers' planning code, which imports this file, and
 * contacts nothing.
 */
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { Agent, buildConnector } from 'undici';
import { lazyModule } from '../../src/core/lazy-module.js';

const undici = lazyModule<typeof import('undici')>('undici');
const tls = lazyModule<typeof import('node:tls')>('node:tls');

export interface TlsAgentOptions {
  /** PEM text of the CA bundle (already read by the caller). */
  ca?: string;
  /** 64 lowercase hex digits, as `normalizeFingerprint` returns them. */
  fingerprint?: string;
  insecure?: boolean;
  /** Connection timeout in milliseconds (default 10 s). */
  connectTimeoutMs?: number;
  /** The message of a pin mismatch; each provider words its own (default: `pinMismatchMessage`). */
  describeMismatch?: PinMismatchDescriber;
}

/** Words a pin mismatch; `expected` and `actual` are lowercase hex (or `(no certificate)`). */
export type PinMismatchDescriber = (host: string, expected: string, actual: string) => string;

/** The server's certificate did not match the pinned fingerprint. */
export class TlsPinError extends Error {
  readonly code = 'HL_TLS_PIN_MISMATCH';
  constructor(
    readonly host: string,
    readonly expected: string,
    readonly actual: string,
    message: string = pinMismatchMessage(host, expected, actual),
  ) {
    super(message);
    this.name = 'TlsPinError';
  }
}

/** `the TLS certificate of h has SHA-256 fingerprint AA:BB:..., not the pinned CC:DD:...`. */
export function pinMismatchMessage(host: string, expected: string, actual: string): string {
  return `the TLS certificate of ${host} has SHA-256 fingerprint ${colons(actual)}, not the pinned ${colons(expected)}`;
}

/**
 * A SHA-256 certificate fingerprint as 64 lowercase hex digits, or undefined. Accepts colons or
 * spaces between bytes, either case, and the prefixes `sha256:`, `sha-256/` and openssl's
 * `SHA256 Fingerprint=` (`openssl x509 -noout -fingerprint -sha256`). The one parser of every
 * provider's `tls_fingerprint`.
 */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text
    .trim()
    .replace(/^sha-?256(\s*fingerprint)?\s*[:=/]?\s*/i, '')
    .replace(/[:\s]/g, '')
    .toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

function colons(hex: string): string {
  return /^[0-9a-f]{64}$/.test(hex) ? hex.toUpperCase().match(/../g)!.join(':') : hex;
}

function certFingerprint(cert: PeerCertificate | undefined): string {
  return cert?.fingerprint256 ? cert.fingerprint256.replace(/:/g, '').toLowerCase() : '(no certificate)';
}

/** An undici Agent with the trust rules above. */
export function createTlsAgent(options: TlsAgentOptions): Agent {
  const timeout = options.connectTimeoutMs ?? 10_000;
  const pin = options.fingerprint;
  if (pin === undefined) {
    if (options.insecure) return new (undici().Agent)({ connect: { rejectUnauthorized: false, timeout } });
    if (options.ca !== undefined) return new (undici().Agent)({ connect: { ca: options.ca, timeout } });
    return new (undici().Agent)({ connect: { timeout } });
  }
  const describe = options.describeMismatch ?? pinMismatchMessage;
  const mismatch = (host: string, actual: string): TlsPinError => new TlsPinError(host, pin, actual, describe(host, pin, actual));
  const base = undici().buildConnector({
    timeout,
    // A resumed session skips the certificate: always make a full handshake.
    maxCachedSessions: 0,
    ...(options.ca !== undefined
      ? {
          ca: options.ca,
          checkServerIdentity: (host: string, cert: PeerCertificate) =>
            tls().checkServerIdentity(host, cert) ?? (certFingerprint(cert) === pin ? undefined : mismatch(host, certFingerprint(cert))),
        }
      : { rejectUnauthorized: false }),
  });
  const pinned: buildConnector.connector = (opts, callback) => {
    base(opts, (err, socket) => {
      if (err || !socket) {
        callback(err ?? new Error('TLS connection failed'), null);
        return;
      }
      if (opts.protocol === 'https:') {
        const actual = certFingerprint((socket as TLSSocket).getPeerCertificate());
        if (actual !== pin) {
          socket.destroy();
          callback(mismatch(opts.hostname, actual), null);
          return;
        }
      }
      callback(null, socket);
    });
  };
  return new (undici().Agent)({ connect: pinned });
}
