/**
 * The inventory facts of the proxmox provider's guests: a `proxmox_vm` is a VM, a
 * `proxmox_lxc` a CT (container), both read by the guest reader.
 */
import type { InventoryFactsHook } from '../../provider/inventory-facts.js';
import { readGuestFacts } from '../../provider/guest-facts-reader.js';

export const proxmoxInventoryFacts: Readonly<Record<string, InventoryFactsHook>> = {
  proxmox_vm: { guest: (a) => readGuestFacts('VM', a) },
  proxmox_lxc: { guest: (a) => readGuestFacts('CT', a) },
};
