/**
 * The inventory `hl docs` renders (pure): per Proxmox node (the `node` attribute) its
 * guests, each with what belongs to it (by identity, see link-to-guests.ts), and its other
 * resources; then what is on no node: guests without one, devices, DNS records, monitors and
 * the rest, each with its attribution (the guest it belongs to, or none).
 * What a resource is comes from its type's facts (the lookup) and the generic rules
 * (resource-facts.ts). Everything is sorted (nodes and addresses by name, guests by VMID),
 * so the same resources always give the same inventory, whatever their order in state.
 */
import type { InventoryFactsLookup } from '../provider/inventory-facts.js';
import { compareStrings } from '../core/value.js';
import type { InventoryResource } from './inventory-resource.js';
import {
  linkToGuests,
  type Attribution,
  type Device,
  type DnsRecord,
  type Guest,
  type GuestLinks,
  type Monitor,
} from './link-to-guests.js';
import { guestFactsOf, nodeOf } from './resource-facts.js';

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
  /**
   * Whose each device, record, monitor and passthrough is (by its address), and each other
   * resource that names a guest.
   */
  attribution: ReadonlyMap<string, Attribution>;
  /** Every guest by address. */
  guests: ReadonlyMap<string, GuestEntry>;
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
    attribution: new Map(),
    guests: new Map(),
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
  const linked = new Set([...inventory.devices, ...inventory.records, ...inventory.monitors].map((x) => x.resource));
  const { byGuest, attribution } = linkToGuests(guests, {
    devices: inventory.devices,
    records: inventory.records,
    monitors: inventory.monitors,
    attachments: rest.filter((r) => !linked.has(r) && r.mode === 'managed'),
  });
  inventory.attribution = attribution;
  const entries: GuestEntry[] = guests
    .map((g) => ({ ...g, links: byGuest.get(g.resource.address)! }))
    .sort((a, b) => (a.facts.vmid ?? Infinity) - (b.facts.vmid ?? Infinity) || compareStrings(a.resource.address, b.resource.address));
  inventory.guests = new Map(entries.map((g) => [g.resource.address, g]));
  for (const g of entries) {
    if (g.facts.node !== undefined) section(g.facts.node).guests.push(g);
    else inventory.guestsWithoutNode.push(g);
  }
  inventory.nodes = [...sections.values()].sort((a, b) => compareStrings(a.node, b.node));
  return inventory;
}
