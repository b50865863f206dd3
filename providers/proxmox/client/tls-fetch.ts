/**
 * The fetch one Proxmox client talks through, with its TLS trust scoped to it: an undici
 * `Agent` given as `dispatcher` (never NODE_TLS_REJECT_UNAUTHORIZED, never process-wide).
 *
 * - default: the system CAs, and the host name must match;
 * - `ca`: the server certificate must chain to this CA bundle (and match the host name);
 * - `fingerprint`: the leaf certificate's SHA-256 (`cert.fingerprint256`) must equal the pin.
 *   A pin is the whole trust decision (PVE's self-signed `pve-ssl.pem` is the usual case), so
 *   chain and host name are not checked; with `ca` too, both must hold. The check runs right
 *   after the handshake, before a byte of the request (and so of the credentials) is sent;
 * - `insecure`: no verification at all (explicit opt-in only).
 */
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { checkServerIdentity } from 'node:tls';
import type { Agent, RequestInit, Response } from 'undici';
import { lazyModule } from '../../../src/core/lazy-module.js';

const undici = lazyModule<typeof import('undici')>('undici');

export interface TlsOptions {
  /** PEM text of the CA bundle. */
  ca?: string;
  /** 64 lowercase hex digits. */
  fingerprint?: string;
  insecure?: boolean;
  connectTimeoutMs?: number;
}

export type FetchFn = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** The server's certificate did not match the pinned fingerprint. */
export class TlsPinError extends Error {
  readonly code = 'HL_TLS_PIN_MISMATCH';
  constructor(
    readonly host: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`the TLS certificate of ${host} has SHA-256 fingerprint ${colons(actual)}, not the pinned ${colons(expected)}`);
    this.name = 'TlsPinError';
  }
}

function colons(hex: string): string {
  return /^[0-9a-f]{64}$/.test(hex) ? hex.toUpperCase().match(/../g)!.join(':') : hex;
}

function certFingerprint(cert: PeerCertificate | undefined): string {
  return cert?.fingerprint256 ? cert.fingerprint256.replace(/:/g, '').toLowerCase() : '(no certificate)';
}

/** An undici Agent with the trust rules above. */
export function createTlsAgent(options: TlsOptions): Agent {
  const timeout = options.connectTimeoutMs ?? 10_000;
  const pin = options.fingerprint;
  if (pin === undefined) {
    if (options.insecure) return new (undici().Agent)({ connect: { rejectUnauthorized: false, timeout } });
    if (options.ca !== undefined) return new (undici().Agent)({ connect: { ca: options.ca, timeout } });
    return new (undici().Agent)({ connect: { timeout } });
  }
  const base = undici().buildConnector({
    timeout,
    // A resumed session skips the certificate: always make a full handshake.
    maxCachedSessions: 0,
    ...(options.ca !== undefined
      ? {
          ca: options.ca,
          checkServerIdentity: (host: string, cert: PeerCertificate) =>
            checkServerIdentity(host, cert) ??
            (certFingerprint(cert) === pin ? undefined : new TlsPinError(host, pin, certFingerprint(cert))),
        }
      : { rejectUnauthorized: false }),
  });
  const pinned: import('undici').buildConnector.connector = (opts, callback) => {
    base(opts, (err, socket) => {
      if (err || !socket) {
        callback(err ?? new Error('TLS connection failed'), null);
        return;
      }
      if (opts.protocol === 'https:') {
        const actual = certFingerprint((socket as TLSSocket).getPeerCertificate());
        if (actual !== pin) {
          socket.destroy();
          callback(new TlsPinError(opts.hostname, pin, actual), null);
          return;
        }
      }
      callback(null, socket);
    });
  };
  return new (undici().Agent)({ connect: pinned });
}

/** undici's fetch bound to `dispatcher`. */
export function fetchThrough(dispatcher: Agent): FetchFn {
  return (url, init) => undici().fetch(url, { ...init, dispatcher });
}
