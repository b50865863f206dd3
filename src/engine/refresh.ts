/**
 * Refresh: a live read of every managed resource in state, with bounded concurrency.
 * Reads never change anything; a resource that is gone reads as null.
 */
import pLimit from 'p-limit';
import { error, type Diagnostic } from '../core/diagnostic.js';
import type { Attributes } from '../core/value.js';
import type { Provider } from '../provider/contract.js';
import type { State } from '../state/state-types.js';

export interface RefreshResult {
  refreshed: Map<string, Attributes | null>;
  diagnostics: Diagnostic[];
}

export async function refreshState(
  state: State,
  providers: ReadonlyMap<string, Provider>,
  opts: { parallelism: number; only?: (address: string) => boolean },
): Promise<RefreshResult> {
  const limit = pLimit(Math.max(1, opts.parallelism));
  const refreshed = new Map<string, Attributes | null>();
  const diagnostics: Diagnostic[] = [];
  await Promise.all(
    state.resources
      .filter((r) => r.mode === 'managed' && (!opts.only || opts.only(r.address)))
      .map((r) =>
        limit(async () => {
          const provider = providers.get(r.provider);
          if (!provider) return;
          try {
            const res = await provider.read({ type: r.type, id: r.id, prior: r.attributes });
            refreshed.set(r.address, res.state);
          } catch (e) {
            diagnostics.push({ ...error(`Refreshing ${r.address} (id ${r.id}) failed: ${(e as Error).message}`), address: r.address });
          }
        }),
      ),
  );
  return { refreshed, diagnostics };
}
