/**
 * Which devices, DNS records, monitors and passthrough resources belong to which guest.
 * The rule is generous, since configs link these in many ways; a resource may belong to
 * several guests, and one that belongs to none is still listed on its own.
 *
 * A guest is known by its names (`name`/`hostname` attribute, and the first DNS label of
 * each, compared case-insensitively), its MACs (`networks.*.mac`), and its addresses.
 *
 * 1. A device (address facts, e.g. a `maas_device`) belongs to a guest when one of its MACs
 *    (`mac_addresses`, the MACs and MAC-shaped keys of `interfaces`) is one of the guest's,
 *    or its `hostname` (first label) is one of the guest's names. It gives the guest its IPs
 *    (`interfaces.*.ip`, `ip_addresses`) and its DNS name (`fqdn`, or `hostname.domain`).
 * 2. A DNS record (e.g. a `maas_dns_record`) belongs to a guest when its `data` holds one of
 *    the guest's IPs (A/AAAA), when its name's first label is one of the guest's names, or
 *    when it is a CNAME to one of the guest's DNS names. It gives its name (and A/AAAA data
 *    as IPs).
 * 3. A monitor (e.g. a `kuma_monitor`) belongs to a guest when the host of its `url`, or its
 *    `hostname`, is one of the guest's IPs, DNS names or names (or has a name as first
 *    label).
 * 4. A passthrough resource (`coral_passthrough`, any `*_passthrough`) belongs to a guest when
 *    an attribute naming a guest (`vm`, `guest`, `vmid`, `target`, ... : any key containing
 *    vm, guest, target or container) equals the guest's address, id, VMID or name.
 *
 * Any of them also belongs to a guest it depends on in state, when the guest's block has a
 * single instance.
 */
import { MASK } from '../core/redact.js';
import type { Value } from '../core/value.js';
import type { AddressFacts, DnsRecordFacts, GuestFacts, MonitorFacts } from '../provider/inventory-facts.js';
import type { InventoryResource } from './inventory-resource.js';

/** A resource with the facts of its kind. */
export interface WithFacts<F> {
  resource: InventoryResource;
  facts: F;
}

export type Guest = WithFacts<GuestFacts>;
export type Device = WithFacts<AddressFacts>;
export type DnsRecord = WithFacts<DnsRecordFacts>;
export type Monitor = WithFacts<MonitorFacts>;

/** What links to guests, each list sorted by address; passthrough are any `*_passthrough`. */
export interface LinkCandidates {
  devices: readonly Device[];
  records: readonly DnsRecord[];
  monitors: readonly Monitor[];
  passthrough: readonly InventoryResource[];
}

export interface GuestLinks {
  /** Its own config's addresses first, then those from MAAS; no duplicates. */
  ips: string[];
  dnsNames: string[];
  devices: Device[];
  records: DnsRecord[];
  monitors: Monitor[];
  passthrough: InventoryResource[];
}

export interface Links {
  /** By guest address. */
  byGuest: Map<string, GuestLinks>;
  /** The guests (addresses) each linked resource belongs to, by its address. */
  guestsOf: Map<string, string[]>;
}

export function linkToGuests(guests: readonly Guest[], candidates: LinkCandidates): Links {
  const byGuest = new Map<string, GuestLinks>();
  const guestsOf = new Map<string, string[]>();
  const names = new Map<string, Set<string>>();
  const instancesOfBlock = new Map<string, number>();
  for (const g of guests) instancesOfBlock.set(g.resource.block, (instancesOfBlock.get(g.resource.block) ?? 0) + 1);
  for (const g of guests) {
    byGuest.set(g.resource.address, { ips: [...g.facts.ips], dnsNames: [], devices: [], records: [], monitors: [], passthrough: [] });
    const n = new Set<string>();
    if (g.facts.name !== undefined) addName(n, g.facts.name);
    names.set(g.resource.address, n);
  }
  const links = (g: Guest): GuestLinks => byGuest.get(g.resource.address)!;
  const dependsOn = (r: InventoryResource, g: Guest): boolean =>
    r.dependencies.includes(g.resource.block) && instancesOfBlock.get(g.resource.block) === 1;
  const link = (r: InventoryResource, g: Guest): void => {
    const list = guestsOf.get(r.address) ?? [];
    if (!list.includes(g.resource.address)) list.push(g.resource.address);
    guestsOf.set(r.address, list);
  };
  for (const device of candidates.devices) {
    const { resource: d, facts: f } = device;
    for (const g of guests) {
      const sameMac = f.macs.some((m) => g.facts.macs.includes(m));
      const sameName = f.hostname !== undefined && names.get(g.resource.address)!.has(firstLabel(f.hostname));
      if (!sameMac && !sameName && !dependsOn(d, g)) continue;
      link(d, g);
      const l = links(g);
      l.devices.push(device);
      for (const ip of f.ips) addUnique(l.ips, ip);
      if (f.fqdn !== undefined) addUnique(l.dnsNames, f.fqdn.toLowerCase());
    }
  }

  for (const record of candidates.records) {
    const { resource: r, facts: f } = record;
    for (const g of guests) {
      const l = links(g);
      const address = (f.recordType === 'A' || f.recordType === 'AAAA') && f.data.some((ip) => l.ips.includes(ip));
      const named = f.fqdn !== undefined && names.get(g.resource.address)!.has(firstLabel(f.fqdn));
      const alias =
        f.recordType === 'CNAME' &&
        f.data.some((t) => {
          const target = t.replace(/\.$/, '').toLowerCase();
          return l.dnsNames.includes(target) || names.get(g.resource.address)!.has(firstLabel(target));
        });
      if (!address && !named && !alias && !dependsOn(r, g)) continue;
      link(r, g);
      l.records.push(record);
      if (f.fqdn !== undefined) addUnique(l.dnsNames, f.fqdn.toLowerCase());
      if (f.recordType === 'A' || f.recordType === 'AAAA') for (const ip of f.data) addUnique(l.ips, ip);
    }
  }

  for (const monitor of candidates.monitors) {
    const m = monitor.resource;
    const host = monitor.facts.host;
    for (const g of guests) {
      const l = links(g);
      const hit =
        host !== undefined &&
        (l.ips.includes(host) ||
          l.dnsNames.includes(host) ||
          (!/^[0-9.:]+$/.test(host) && names.get(g.resource.address)!.has(firstLabel(host))));
      if (!hit && !dependsOn(m, g)) continue;
      link(m, g);
      l.monitors.push(monitor);
    }
  }

  for (const p of candidates.passthrough) {
    const refs = guestReferences(p);
    for (const g of guests) {
      const node = typeof p.attributes['node'] === 'string' ? p.attributes['node'] : undefined;
      const sameNode = node === undefined || node === g.facts.node;
      const keys = [g.resource.address, g.resource.block, g.resource.id, g.facts.name].map((k) => k?.toLowerCase());
      const hit = refs.some((ref) => keys.includes(ref) || (sameNode && g.facts.vmid !== undefined && ref === String(g.facts.vmid)));
      if (!hit && !dependsOn(p, g)) continue;
      link(p, g);
      links(g).passthrough.push(p);
    }
  }
  return { byGuest, guestsOf };
}

/** Values (lower case) of top-level attributes whose key names a guest (`vm`, `guest_id`, `target_vmid`, ...). */
function guestReferences(r: InventoryResource): string[] {
  const out: string[] = [];
  for (const [key, v] of Object.entries(r.attributes)) {
    if (!/vm|guest|target|container/i.test(key)) continue;
    for (const x of Array.isArray(v) ? v : [v]) {
      const s = scalarText(x);
      if (s !== undefined) out.push(s);
    }
  }
  return out;
}

function scalarText(v: Value): string | undefined {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string' && v !== '' && v !== MASK) return v.toLowerCase();
  return undefined;
}

function addName(set: Set<string>, name: string): void {
  const n = name.toLowerCase().replace(/\.$/, '');
  set.add(n);
  set.add(firstLabel(n));
}

function firstLabel(name: string): string {
  return name.toLowerCase().split('.')[0]!;
}

function addUnique(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}
