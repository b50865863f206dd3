/**
 * The inventory facts (`hl docs`) of the proxmox provider's guests: a `proxmox_vm` is a VM, a
 * `proxmox_lxc` a CT (container), both read by the guest reader. Each is its type's
 * `inventory` hook in the schema (resource-schemas.ts).
 */
import { readGuestFacts } from '../../src/provider/guest-facts-reader.js';
import type { InventoryFactsHook } from '../../src/provider/inventory-facts.js';

export const vmInventoryFacts: InventoryFactsHook = { guest: (a) => readGuestFacts('VM', a) };

export const lxcInventoryFacts: InventoryFactsHook = { guest: (a) => readGuestFacts('CT', a) };
