/**
 * The options of a client call made for an operation: its abort signal, its progress line
 * (where the client's retries are reported), and whether a lost answer may be re-sent.
 */
import type { OperationContext } from '../../../src/provider/contract.js';
import type { CallOptions } from './pve-client.js';

/** Options for client calls from an operation context. */
export function callOpts(op: OperationContext, idempotent?: boolean): CallOptions {
  return {
    ...(op.signal ? { signal: op.signal } : {}),
    ...(op.progress ? { onRetry: op.progress } : {}),
    ...(idempotent !== undefined ? { idempotent } : {}),
  };
}
