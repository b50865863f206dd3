/**
 * `removed` blocks (pure): which block, if any, lets go of a state entry whose config is
 * gone. With `destroy: false` the planner plans a forget (the entry leaves state, the object
 * is left alone, prevent_destroy does not apply); otherwise the usual delete. A removed
 * block naming one instance that the config still declares is an error at the block.
 */
import { blockAddress, formatAddress, parseAddress } from '../core/address.js';
import { error, type Diagnostic } from '../core/diagnostic.js';
import type { RemovedBlock } from '../config/refactoring-types.js';
import type { ResourceChange } from './plan-types.js';

/** The removed block naming the instance at `address` (its own instance block first, then its block's). */
export function removedBlockFor(removed: readonly RemovedBlock[], address: string): RemovedBlock | undefined {
  if (removed.length === 0) return undefined;
  const addr = parseAddress(address);
  if (!addr) return undefined;
  const exact = removed.find((r) => r.from.key !== null && formatAddress(r.from) === address);
  return exact ?? removed.find((r) => r.from.key === null && blockAddress(r.from) === blockAddress(addr));
}

/** A planned delete turned into a forget: state lets go, nothing is destroyed. */
export function asForget(change: ResourceChange): ResourceChange {
  return { ...change, action: 'forget', after: null, afterSensitive: [] };
}

/** Removed blocks naming an instance the config still plans (not to be deleted). */
export function removedStillDeclared(removed: readonly RemovedBlock[], planned: ReadonlyMap<string, ResourceChange>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of removed) {
    if (r.from.key === null) continue; // a whole block still declared is refused with the config
    const address = formatAddress(r.from);
    const c = planned.get(address);
    if (c && c.action !== 'delete' && c.action !== 'forget') {
      out.push(
        error(
          `Removed resource still exists: the configuration still declares ${address}`,
          r.fromLoc,
          `Take ${address} out of its block's count or for_each as well, or drop this removed block.`,
        ),
      );
    }
  }
  return out;
}
