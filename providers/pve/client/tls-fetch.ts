/**
 * The fetch one Proxmox client talks through, with its TLS trust scoped to it: an undici
 * `Agent` given as `dispatcher` (never the process-wide switch that turns verification off, never process-wide).
 * The agent and its trust rules (system CAs, `ca`, SHA-256 `fingerprint` pin, explicit
 * `insecure`) are shared with MAAS in `providers/shared/tls-agent.ts`; a pin is the usual
 * answer to PVE's self-signed `pve-ssl.pem`.
 */
import type { Agent, RequestInit, Response } from 'undici';
import { lazyModule } from '../../../src/core/lazy-module.js';

export { createTlsAgent, TlsPinError, type TlsAgentOptions as TlsOptions } from '../../shared/tls-agent.js';

const undici = lazyModule<typeof import('undici')>('undici');

export type FetchFn = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** undici's fetch bound to `dispatcher`. */
export function fetchThrough(dispatcher: Agent): FetchFn {
  return (url, init) => undici().fetch(url, { ...init, dispatcher });
}
