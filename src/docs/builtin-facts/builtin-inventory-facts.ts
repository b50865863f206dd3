/**
 * The inventory facts of the built-in providers' resource types, by type name (proxmox,
 * MAAS, Uptime Kuma): what `hl docs` uses when it is given no other lookup. Passthrough
 * resources need no entry: the generic rule takes any `*_passthrough`.
 */
import type { InventoryFactsHook, InventoryFactsLookup } from '../../provider/inventory-facts.js';
import { kumaInventoryFacts } from './kuma-facts.js';
import { maasInventoryFacts } from './maas-facts.js';
import { proxmoxInventoryFacts } from './proxmox-facts.js';

export const builtinInventoryFacts: InventoryFactsLookup = (type) => {
  for (const byType of [proxmoxInventoryFacts, maasInventoryFacts, kumaInventoryFacts]) {
    if (Object.hasOwn(byType, type)) return byType[type] as InventoryFactsHook;
  }
  return undefined;
};
