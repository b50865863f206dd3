/**
 * Refresh: a live read of every managed resource in state, with bounded concurrency.
 * Reads never change anything; a resource that is gone reads as null. A read that fails
 * with a retryable error is tried again (src/provider/retry-provider-call.ts); one that
 * still fails leaves its resource unreadable — a warning, and the planner leaves it alone —
 * except when its provider cannot be reached at all: then one error per provider instance,
 * located at its block, says why and how many resources could not be read.
 */
import { warning, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import type { Attributes } from '../core/value.js';
import type { ProviderCallLog } from '../provider/call-log.js';
import { ProviderError, type Provider } from '../provider/contract.js';
import { retryProviderCall, type RetryPolicy } from '../provider/retry-provider-call.js';
import type { State } from '../state/state-types.js';
import type { RefreshRead } from './engine-events.js';
import { unreachableDiagnostic } from './unreachable-provider.js';

export interface RefreshResult {
  refreshed: Map<string, Attributes | null>;
  /** Objects found under another id than state holds (a guest migrated outside hl), by address. */
  movedIds: Map<string, string>;
  /** Instances whose read failed after its retries, with why. */
  unreadable: Map<string, string>;
  /**
   * One warning per unreadable instance (with its address: a planner given `unreadable`
   * words its own); one error per unreachable provider instance.
   */
  diagnostics: Diagnostic[];
}

export interface RefreshOptions {
  parallelism: number;
  only?: (address: string) => boolean;
  retry?: RetryPolicy;
  /** Where a provider instance is declared, to locate its errors. */
  providerLocation?: (key: string) => SourceLocation | undefined;
  /** The evaluated provider block, to name the endpoint when the error does not. */
  providerConfig?: (key: string) => Attributes | undefined;
  /** A provider instance's call log, told of the reads' retries (HL_LOG). */
  callLog?: (key: string) => ProviderCallLog | undefined;
  /** Told as each read starts (the progress a view shows). */
  progress?: (read: RefreshRead) => void;
}

interface Failure {
  address: string;
  provider: string;
  message: string;
  error: unknown;
}

/** The retry options that tell `log` of each retry of `call`. */
export function retryLog(log: ProviderCallLog | undefined, call: string): { log?: ProviderCallLog; call?: string } {
  return log ? { log, call } : {};
}

/**
 * Runs `task` for each item, at most `parallelism` at a time, starting them in order (as
 * p-limit would) from `parallelism` loops that each take the next item when theirs is done:
 * no closure and promise is made for an item before its turn (50,000 waiting reads held
 * them all, to be promoted by the garbage collector).
 */
async function forEachLimited<T>(items: readonly T[], parallelism: number, task: (item: T) => Promise<void>): Promise<void> {
  // what p-limit refused
  if (!((Number.isInteger(parallelism) || parallelism === Number.POSITIVE_INFINITY) && parallelism > 0)) {
    throw new TypeError('Expected `concurrency` to be a number from 1 and up');
  }
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, items.length) }, loop));
}

export async function refreshState(state: State, providers: ReadonlyMap<string, Provider>, opts: RefreshOptions): Promise<RefreshResult> {
  const refreshed = new Map<string, Attributes | null>();
  const movedIds = new Map<string, string>();
  const failures: Failure[] = [];
  /** Provider instances that answered at least one read: not unreachable, whatever else failed. */
  const answered = new Set<string>();
  const reads = state.resources.filter((r) => r.mode === 'managed' && (!opts.only || opts.only(r.address)) && providers.has(r.provider));
  let started = 0;
  await forEachLimited(reads, Math.max(1, opts.parallelism), async (r) => {
    const provider = providers.get(r.provider)!;
    opts.progress?.({ address: r.address, id: r.id, n: ++started, total: reads.length });
    const log = opts.callLog?.(r.provider);
    try {
      const res = await retryProviderCall('read', () => provider.read({ type: r.type, id: r.id, prior: r.attributes }), {
        ...(opts.retry ? { policy: opts.retry } : {}),
        ...(log ? retryLog(log, `read ${r.address} [id=${r.id}]`) : {}),
      });
      refreshed.set(r.address, res.state);
      if (res.state !== null && res.id !== undefined && res.id !== r.id) movedIds.set(r.address, res.id);
      answered.add(r.provider);
    } catch (e) {
      failures.push({ address: r.address, provider: r.provider, message: (e as Error).message, error: e });
    }
  });
  const order = new Map(state.resources.map((r, i) => [r.address, i]));
  failures.sort((a, b) => order.get(a.address)! - order.get(b.address)!);
  const unreadable = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const unreachable = new Map<string, Failure[]>();
  for (const f of failures) {
    unreadable.set(f.address, f.message);
    if (f.error instanceof ProviderError && f.error.options.unreachable && !answered.has(f.provider)) {
      let list = unreachable.get(f.provider);
      if (!list) unreachable.set(f.provider, (list = []));
      list.push(f);
      continue;
    }
    diagnostics.push({
      ...warning(
        `${f.address} could not be read: ${f.message}`,
        undefined,
        'It is left as it is in this plan (no change is planned for it); run "hl plan" again once it can be read.',
      ),
      address: f.address,
    });
  }
  for (const [key, list] of unreachable) {
    const e = list[0]!.error as ProviderError;
    const n = list.length;
    diagnostics.push(
      unreachableDiagnostic(
        key,
        e,
        opts.providerLocation?.(key),
        opts.providerConfig?.(key),
        `${n} resource${n === 1 ? '' : 's'} in state could not be read`,
      ),
    );
  }
  // errors first: they are what stops the plan
  diagnostics.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return { refreshed, movedIds, unreadable, diagnostics };
}
