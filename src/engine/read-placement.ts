/**
 * Reading each cluster's capacity for the plan (Provider.readPlacement): once per provider
 * instance that has a placed resource type (one its placementDemand answers for) in config
 * or state, when refresh is on or a config asks for `node: auto`. A failed read is a warning
 * (the plan then has no capacity table) unless a config says auto: the planner's error at
 * that node attribute then says why.
 */
import { warning, type Diagnostic } from '../core/diagnostic.js';
import type { Config, ResourceBlock } from '../config/config-types.js';
import { ProviderError, type Provider } from '../provider/contract.js';
import type { PlacementFacts } from '../provider/placement.js';
import { retryProviderCall, type RetryPolicy } from '../provider/retry-provider-call.js';
import type { State } from '../state/state-types.js';
import { findEntry } from '../yaml/node-path.js';
import type { ProviderCallLog } from '../provider/call-log.js';
import { retryLog } from './refresh.js';

export interface PlacementRead {
  /** What each provider instance read, by provider key. */
  facts: Map<string, PlacementFacts>;
  /** Why a provider instance with placed types was not read, by provider key. */
  unread: Map<string, string>;
  diagnostics: Diagnostic[];
}

export async function readPlacementFacts(
  config: Config,
  state: State,
  providers: ReadonlyMap<string, Provider>,
  opts: { refresh: boolean; retry?: RetryPolicy; callLog?: (key: string) => ProviderCallLog | undefined },
): Promise<PlacementRead> {
  const out: PlacementRead = { facts: new Map(), unread: new Map(), diagnostics: [] };
  const blocks = [...config.resources.values()].filter((b) => b.mode === 'managed');
  await Promise.all(
    [...providers].map(async ([key, provider]) => {
      const demand = provider.placementDemand?.bind(provider);
      if (!provider.readPlacement || !demand) return;
      const placed = blocks.filter((b) => b.provider === key && demand({ type: b.type, attributes: {} }) !== undefined);
      const inState = state.resources.some(
        (r) => r.provider === key && r.mode === 'managed' && demand({ type: r.type, attributes: r.attributes }) !== undefined,
      );
      if (placed.length === 0 && !inState) return;
      const auto = placed.some(saysAuto);
      if (!opts.refresh && !auto) {
        out.unread.set(key, 'refresh is off');
        return;
      }
      try {
        const facts = await retryProviderCall('read', () => provider.readPlacement!({}), {
          ...(opts.retry ? { policy: opts.retry } : {}),
          ...retryLog(opts.callLog?.(key), `read the cluster's capacity`),
        });
        out.facts.set(key, facts);
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e;
        out.unread.set(key, `reading the cluster failed: ${e.message}`);
        if (!auto) {
          out.diagnostics.push(
            warning(
              `Provider "${key}" could not read its cluster's capacity, so this plan has no capacity table: ${e.message}`,
              config.providers.get(key)?.loc,
            ),
          );
        }
      }
    }),
  );
  return out;
}

/** Whether the block's config says `node: auto` as plain text. */
function saysAuto(block: ResourceBlock): boolean {
  const v = findEntry(block.body, 'node')?.value;
  return v?.kind === 'scalar' && v.value === 'auto';
}
