/**
 * The inventory `hl docs` renders (pure): per Proxmox node (the `node` attribute) its
 * guests, each with what links to it (see link-to-guests.ts), and its other resources;
 * then what is on no node: guests without one, devices, DNS records, monitors and the rest.
 * What a resource is comes from its type's facts (the lookup) and the generic rules
 * (resource-facts.ts). Everything is sorted (nodes and addresses by name, guests by VMID),
 * so the same resources always give the same inventory, whatever their order in state.
 */
import type { InventoryFactsLookup } from '../provider/inventory-facts.js';
import { compareStrings } from '../core/value.js';
import type { InventoryResource } from './inventory-resource.js';
import { linkToGuests, type Device, type DnsRecord, type Guest, type GuestLinks, type Monitor } from './link-to-guests.js';
import { guestFactsOf, isPassthrough, nodeOf } from './resource-facts.js';

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
  devices: Device[];
  records: DnsRecord[];
  monitors: Monitor[];
  /** Everything else without a node. */
  others: InventoryResource[];
  /** The guests (addresses) a device, record, monitor or passthrough belongs to. */
  guestsOf: ReadonlyMap<string, string[]>;
  /** Every resource, sorted by address. */
  resources: InventoryResource[];
}

export function buildInventory(input: readonly InventoryResource[], facts: InventoryFactsLookup): Inventory {
  const resources = [...input].sort((a, b) => compareStrings(a.address, b.address));
  const guests: Guest[] = [];
  const rest: InventoryResource[] = [];
  for (const r of resources) {
    const f = guestFactsOf(r, facts);
    if (f !== undefined) guests.push({ resource: r, facts: f });
    else rest.push(r);
  }
  const inventory: Inventory = {
    nodes: [],
    guestsWithoutNode: [],
    devices: [],
    records: [],
    monitors: [],
    others: [],
    guestsOf: new Map(),
    resources,
  };
  const sections = new Map<string, NodeSection>();
  const section = (node: string): NodeSection => {
    let s = sections.get(node);
    if (!s) sections.set(node, (s = { node, guests: [], others: [] }));
    return s;
  };
  for (const r of rest) {
    const hook = facts(r.type);
    if (hook?.address !== undefined) inventory.devices.push({ resource: r, facts: hook.address(r.attributes) });
    else if (hook?.dnsRecord !== undefined) inventory.records.push({ resource: r, facts: hook.dnsRecord(r.attributes) });
    else if (hook?.monitor !== undefined) inventory.monitors.push({ resource: r, facts: hook.monitor(r.attributes) });
    else {
      const node = nodeOf(r);
      if (node !== undefined) section(node).others.push(r);
      else inventory.others.push(r);
    }
  }
  const { byGuest, guestsOf } = linkToGuests(guests, {
    devices: inventory.devices,
    records: inventory.records,
    monitors: inventory.monitors,
    passthrough: rest.filter(isPassthrough),
  });
  inventory.guestsOf = guestsOf;
  const entries: GuestEntry[] = guests
    .map((g) => ({ ...g, links: byGuest.get(g.resource.address)! }))
    .sort((a, b) => (a.facts.vmid ?? Infinity) - (b.facts.vmid ?? Infinity) || compareStrings(a.resource.address, b.resource.address));
  for (const g of entries) {
    if (g.facts.node !== undefined) section(g.facts.node).guests.push(g);
    else inventory.guestsWithoutNode.push(g);
  }
  inventory.nodes = [...sections.values()].sort((a, b) => compareStrings(a.node, b.node));
  return inventory;
}
