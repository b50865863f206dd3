/**
 * A failed PVE API call, and what kind of failure it is. PVE answers parameter errors with
 * HTTP 400 and an `errors` map, other failures with HTTP 500 and the message as the reason
 * phrase; a proxied request to an unreachable node fails with 595/596. A call that got no
 * answer at all (connection dropped, timeout) may or may not have been carried out.
 */
import { classifyConnectionFailure } from '../../../src/provider/connection-failure.js';
import { ProviderError, type UnreachableCause } from '../../../src/provider/contract.js';

export type PveFailureKind =
  /** The server answered with an error status. */
  | 'http'
  /** No answer: the request may or may not have been carried out. */
  | 'no-response'
  /** A non-idempotent request was not re-sent after a lost answer (see pve-client.ts). */
  | 'not-resent'
  /** TLS trust failure (pin mismatch, unknown CA): never retried. */
  | 'tls';

export class PveApiError extends ProviderError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly kind: PveFailureKind,
    /** The error text (the body's `message` from PVE 8.4 on, else the reason phrase) or network error text. */
    readonly reason: string,
    readonly status?: number,
    /** Parameter errors of a 400 answer. */
    readonly paramErrors: Record<string, string> = {},
    /** How long the answer's `Retry-After` asked to wait, in ms (a 429 or 503 of a proxy in front of PVE). */
    readonly retryAfterMs?: number,
  ) {
    const unreachable = kind === 'no-response' || kind === 'tls' ? unreachableCause(kind, reason) : undefined;
    super(describe(method, path, kind, reason, status, paramErrors), {
      retryable: kind === 'no-response' || isTransientAnswer(status, reason) || isLockContention(reason),
      ...(status !== undefined ? { status } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      detail: `${method} ${path}`,
      ...(unreachable ? { unreachable: { cause: unreachable } } : {}),
    });
    this.name = 'PveApiError';
  }

  /** Whether the server answered (the request was refused or failed there). */
  get answered(): boolean {
    return this.kind === 'http';
  }
}

/**
 * Why the server could not be reached, from the network error's text (all the client keeps
 * of it); the endpoint is the provider block's. Undefined for a failure mid-conversation.
 */
function unreachableCause(kind: PveFailureKind, reason: string): UnreachableCause | undefined {
  const cause = classifyConnectionFailure(reason);
  if (cause) return cause;
  return kind === 'tls' ? 'tls' : undefined;
}

function describe(
  method: string,
  path: string,
  kind: PveFailureKind,
  reason: string,
  status: number | undefined,
  errors: Record<string, string>,
): string {
  const params = Object.entries(errors).map(([k, v]) => `${k}: ${v.trim()}`);
  const where = `${method} ${path}`;
  if (kind === 'http') {
    return `Proxmox API ${where} failed (HTTP ${status}): ${reason}${params.length > 0 ? ` — ${params.join('; ')}` : ''}`;
  }
  if (kind === 'tls') return `Proxmox API ${where}: TLS verification failed: ${reason}`;
  if (kind === 'not-resent')
    return `Proxmox API ${where}: the answer was lost and the request is not idempotent, so it was not re-sent (${reason})`;
  return `Proxmox API ${where}: no answer (${reason})`;
}

const LOCK_RE = /\b(?:VM|CT)(?: \d+)? is locked\b|can't lock file .* got timeout|\bgot timeout\b.*lock|trying to acquire lock/i;
const TRANSIENT_RE =
  /got no worker upid|start worker failed|temporarily unavailable|connection refused|connection reset|connection timed out|proxy loop|cluster not ready|no quorum|service unavailable|gateway|broken pipe/i;
const ALREADY_EXISTS_RE =
  /\b(?:VM|CT) \d+ already exists\b|already exists on node|config file already exists|unable to create (?:VM|CT) \d+ - .*already exists/i;
// PVE's digest refusals: qemu-server PVE/API2/Qemu.pm update_vm_api "checksum mismatch (file
// change by other user?)", pve-common PVE/Tools.pm assert_if_modified "detected modified
// configuration - file changed by other user? Try again."
const DIGEST_RE = /checksum mismatch|detected modified configuration|file change by other user/i;
const NOT_FOUND_RE = /does not exist|no such VM|not found|Configuration file '.*' does not exist/i;

export function isLockContention(reason: string): boolean {
  return LOCK_RE.test(reason);
}

/**
 * A status or message meaning "try again later" (the request was not carried out). PVE itself
 * never answers 429 (pveproxy queues what its workers cannot serve yet), but a reverse proxy
 * or rate limiter in front of it may, and so may a 503 with `Retry-After`.
 */
export function isTransientAnswer(status: number | undefined, reason: string): boolean {
  if (status === undefined) return false;
  if (status === 429 || status === 502 || status === 503 || status === 504 || status === 595 || status === 596) return true;
  return status >= 500 && TRANSIENT_RE.test(reason);
}

export function isAlreadyExists(e: unknown): boolean {
  return e instanceof PveApiError && e.answered && ALREADY_EXISTS_RE.test(e.reason);
}

/** Whether a text (an answer's reason, a task's exit status) is PVE refusing a stale digest. */
export function isDigestRefusal(text: string): boolean {
  return DIGEST_RE.test(text);
}

export function isDigestMismatch(e: unknown): boolean {
  return e instanceof PveApiError && e.answered && isDigestRefusal(e.reason);
}

export function isNotFound(e: unknown): boolean {
  return e instanceof PveApiError && e.answered && (e.status === 404 || (e.status === 500 && NOT_FOUND_RE.test(e.reason)));
}

/** Whether PVE's proxy answered that the guest's node cannot be reached (595/596). */
export function isNodeUnreachable(e: unknown): e is PveApiError {
  return e instanceof PveApiError && e.answered && (e.status === 595 || e.status === 596);
}

export function alreadyExistsText(text: string): boolean {
  return ALREADY_EXISTS_RE.test(text);
}

export function lockContentionText(text: string): boolean {
  return LOCK_RE.test(text);
}
