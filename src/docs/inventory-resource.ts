/**
 * What `hl docs` documents: every resource in state, with its live attributes when a
 * refresh read them (the state's otherwise), sensitive values already masked. Pure.
 */
import { blockAddress } from '../core/address.js';
import type { Attributes } from '../core/value.js';
import type { State } from '../state/state-types.js';
import { maskSensitive } from '../core/mask-sensitive.js';

export interface InventoryResource {
  /** Instance address: `proxmox_vm.k3s["pve"]`. */
  address: string;
  /** Block address: `proxmox_vm.k3s`. */
  block: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  provider: string;
  id: string;
  /** Sensitive values are `(sensitive value)`. */
  attributes: Attributes;
  /** Block addresses it depends on (from state). */
  dependencies: string[];
  /** The live read found the object gone. */
  gone: boolean;
}

/** `live`: the refresh's reads by address (null: gone); absent when there was no refresh. */
export function inventoryResources(state: State, live?: ReadonlyMap<string, Attributes | null>): InventoryResource[] {
  return state.resources.map((r) => {
    const read = live?.get(r.address);
    const attributes = maskSensitive(read ?? r.attributes, r.sensitivePaths) as Attributes;
    return {
      address: r.address,
      block: blockAddress(r),
      mode: r.mode,
      type: r.type,
      name: r.name,
      provider: r.provider,
      id: r.id,
      attributes,
      dependencies: [...r.dependencies],
      gone: read === null,
    };
  });
}
