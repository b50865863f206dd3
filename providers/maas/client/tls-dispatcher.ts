/**
 * The undici dispatcher one MAAS client talks through, with its TLS trust scoped to it (never
 * process-wide, never the process-wide switch that turns verification off): system CAs, `ca` (from `ca_file`), a
 * SHA-256 `fingerprint` pin (self-signed MAAS certificates are the usual case; checked before
 * any byte of the request, and so the API key, is sent) or explicit `insecure`. The agent and
 * its rules are shared with Proxmox in `providers/shared/tls-agent.ts`; MAAS takes the pin in
 * any accepted spelling and words a mismatch in plain hex.
 */
import type { Agent } from 'undici';
import { createTlsAgent, normalizeFingerprint, type TlsAgentOptions } from '../../shared/tls-agent.js';

export { normalizeFingerprint, TlsPinError } from '../../shared/tls-agent.js';

export interface TlsOptions extends Omit<TlsAgentOptions, 'fingerprint' | 'describeMismatch'> {
  /** SHA-256 fingerprint, hex with or without colons. */
  fingerprint?: string;
}

export function createMaasDispatcher(options: TlsOptions): Agent {
  const pin = options.fingerprint === undefined ? undefined : normalizeFingerprint(options.fingerprint);
  if (options.fingerprint !== undefined && pin === undefined) {
    throw new Error('tls_fingerprint must be a SHA-256 fingerprint: 64 hex digits, colons allowed');
  }
  return createTlsAgent({
    ...options,
    fingerprint: pin,
    describeMismatch: (host, expected, actual) =>
      `TLS certificate of ${host} has SHA-256 fingerprint ${actual}, not the pinned ${expected}`,
  });
}
