/**
 * The inventory `hl docs` renders (pure): per Proxmox node (the `node` attribute) its
 * guests, each with what links to it (see link-to-guests.ts), and its other resources;
 * then what is on no node: guests without one, MAAS devices, DNS records, monitors and the
 * rest. Everything is sorted (nodes and addresses by name, guests by VMID), so the same
 * resources always give the same inventory, whatever their order in state.
 */
import { compareStrings } from '../render/format-value.js';
import { guestFacts, isGuest, nodeOf } from './guest-facts.js';
import type { InventoryResource } from './inventory-resource.js';
import { linkToGuests, type Guest, type GuestLinks } from './link-to-guests.js';
import { isDevice, isDnsRecord, isMonitor } from './service-facts.js';

export interface GuestEntry extends Guest {
  links: GuestLinks;
}

export interface NodeSection {
  node: string;
  guests: GuestEntry[];
  /** Resources with this `node` that are not guests (storage, passthrough, ...). */
  others: InventoryResource[];
}

export interface Inventory {
  nodes: NodeSection[];
  /** Guests whose node is not known. */
  guestsWithoutNode: GuestEntry[];
  devices: InventoryResource[];
  records: InventoryResource[];
  monitors: InventoryResource[];
  /** Everything else without a node. */
  others: InventoryResource[];
  /** The guests (addresses) a device, record, monitor or passthrough belongs to. */
  guestsOf: ReadonlyMap<string, string[]>;
  /** Every resource, sorted by address. */
  resources: InventoryResource[];
}

export function buildInventory(input: readonly InventoryResource[]): Inventory {
  const resources = [...input].sort((a, b) => compareStrings(a.address, b.address));
  const guests: Guest[] = resources.filter(isGuest).map((r) => ({ resource: r, facts: guestFacts(r) }));
  const guestAddresses = new Set(guests.map((g) => g.resource.address));
  const rest = resources.filter((r) => !guestAddresses.has(r.address));
  const { byGuest, guestsOf } = linkToGuests(guests, rest);
  const entries: GuestEntry[] = guests
    .map((g) => ({ ...g, links: byGuest.get(g.resource.address)! }))
    .sort((a, b) => (a.facts.vmid ?? Infinity) - (b.facts.vmid ?? Infinity) || compareStrings(a.resource.address, b.resource.address));

  const sections = new Map<string, NodeSection>();
  const section = (node: string): NodeSection => {
    let s = sections.get(node);
    if (!s) sections.set(node, (s = { node, guests: [], others: [] }));
    return s;
  };
  const inventory: Inventory = { nodes: [], guestsWithoutNode: [], devices: [], records: [], monitors: [], others: [], guestsOf, resources };
  for (const g of entries) {
    if (g.facts.node !== undefined) section(g.facts.node).guests.push(g);
    else inventory.guestsWithoutNode.push(g);
  }
  for (const r of rest) {
    if (isDevice(r)) inventory.devices.push(r);
    else if (isDnsRecord(r)) inventory.records.push(r);
    else if (isMonitor(r)) inventory.monitors.push(r);
    else {
      const node = nodeOf(r);
      if (node !== undefined) section(node).others.push(r);
      else inventory.others.push(r);
    }
  }
  inventory.nodes = [...sections.values()].sort((a, b) => compareStrings(a.node, b.node));
  return inventory;
}
