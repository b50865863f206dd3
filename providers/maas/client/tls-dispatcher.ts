/**
 * The undici dispatcher one MAAS client talks through, with its TLS trust scoped to it (never
 * process-wide, never NODE_TLS_REJECT_UNAUTHORIZED):
 * - `caFile`: the server certificate must chain to this CA (and match the host name);
 * - `fingerprint`: the server's leaf certificate must have this SHA-256 fingerprint. A pin is
 *   the whole trust decision (self-signed MAAS certificates are the usual case), so chain and
 *   host name are not checked; with `caFile` too, both must hold. The check runs right after
 *   the handshake, before any byte of the request (and so before the API key) is sent;
 * - `insecure`: no verification at all (explicit opt-in only).
 */
import { readFileSync } from 'node:fs';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { Agent } from 'undici';
import { lazyModule } from '../../../src/core/lazy-module.js';

const undici = lazyModule<typeof import('undici')>('undici');

export interface TlsOptions {
  /** PEM text of the CA bundle (already read by the caller). */
  ca?: string;
  /** SHA-256 fingerprint, hex with or without colons. */
  fingerprint?: string;
  insecure?: boolean;
  /** Connection timeout in milliseconds. */
  connectTimeoutMs?: number;
}

/** `AB:CD:...` / `abcd...` / `sha256:abcd...` → 64 lowercase hex digits, or undefined. */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.trim().replace(/^sha-?256[:/]/i, '').replace(/[:\s]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

export class TlsPinError extends Error {
  readonly code = 'HL_TLS_PIN_MISMATCH';
  constructor(readonly host: string, readonly expected: string, readonly actual: string) {
    super(`TLS certificate of ${host} has SHA-256 fingerprint ${actual}, not the pinned ${expected}`);
    this.name = 'TlsPinError';
  }
}

function certFingerprint(cert: PeerCertificate | undefined): string {
  return cert?.fingerprint256 ? cert.fingerprint256.replace(/:/g, '').toLowerCase() : '(no certificate)';
}

export function readCaFile(path: string): string {
  return readFileSync(path, 'utf8');
}

export function createMaasDispatcher(options: TlsOptions): Agent {
  const timeout = options.connectTimeoutMs ?? 10_000;
  const pin = options.fingerprint === undefined ? undefined : normalizeFingerprint(options.fingerprint);
  if (options.fingerprint !== undefined && pin === undefined) {
    throw new Error('tls_fingerprint must be a SHA-256 fingerprint: 64 hex digits, colons allowed');
  }
  if (pin === undefined) {
    if (options.insecure) return new (undici().Agent)({ connect: { rejectUnauthorized: false, timeout } });
    if (options.ca !== undefined) return new (undici().Agent)({ connect: { ca: options.ca, timeout } });
    return new (undici().Agent)({ connect: { timeout } });
  }

  const base = undici().buildConnector({
    timeout,
    // Resumed sessions would skip certificate delivery checks: always do a full handshake.
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
