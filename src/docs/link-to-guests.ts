/**
 * Which guest each device, DNS record, monitor and attachment belongs to, by identity: what
 * the resource itself says names one guest. Never from block dependencies in state (a
 * `for_each` block depending on two guests says nothing about which instance is whose), and
 * never a guess: a resource that names no guest is unattributed, and one that names several
 * equally is ambiguous (and given to none). Each resource belongs to at most one guest.
 *
 * A guest is known by its address and id (`node/vmid`), its VMID on its node, its MACs
 * (`networks.*.mac`, compared case-insensitively: PVE writes them in upper case, MAAS in
 * lower), its `name`/`hostname`, the IPs of its own config, and what it is given below.
 *
 * 1. A device (address facts: a `maas_device`) belongs to the guest whose NIC MAC it carries
 *    (`mac_addresses`, the MACs and MAC-shaped keys of `interfaces`). Only a device that
 *    carries no MAC at all is matched by name instead: its `hostname` equal to the guest's
 *    name. It gives the guest its IPs and its DNS name (`fqdn`, or `hostname.domain`).
 * 2. A DNS record (a `maas_dns_record`) belongs to the guest one of whose IPs its A/AAAA data
 *    holds, or (a CNAME) whose DNS name it points to. It gives the guest its name (and A/AAAA
 *    data as IPs). Other record types are unattributed.
 * 3. A monitor (a `kuma_monitor`) belongs to the guest whose IP or DNS name the host of its
 *    `url`, or its `hostname`, is; a host of one label (no domain) also matches the guest's
 *    name or the first label of one of its DNS names.
 * 4. A passthrough resource (any `*_passthrough`) or any other resource belongs to the guest
 *    that an attribute naming a guest (a key containing vm, guest, target or container:
 *    `vm`, `vmid`, `guest`, ...) names by address, by id, or (passthrough only) by VMID on
 *    the resource's `node` when it has one.
 */
import { MASK } from '../core/redact.js';
import type { Value } from '../core/value.js';
import type { AddressFacts, DnsRecordFacts, GuestFacts, MonitorFacts } from '../provider/inventory-facts.js';
import type { InventoryResource } from './inventory-resource.js';
import { isPassthrough } from './resource-facts.js';

/** A resource with the facts of its kind. */
export interface WithFacts<F> {
  resource: InventoryResource;
  facts: F;
}

export type Guest = WithFacts<GuestFacts>;
export type Device = WithFacts<AddressFacts>;
export type DnsRecord = WithFacts<DnsRecordFacts>;
export type Monitor = WithFacts<MonitorFacts>;

/** What may belong to guests, each list sorted by address. */
export interface LinkCandidates {
  devices: readonly Device[];
  records: readonly DnsRecord[];
  monitors: readonly Monitor[];
  /** Passthrough and every other resource that is not a guest. */
  attachments: readonly InventoryResource[];
}

export interface GuestLinks {
  /** Its own config's addresses first, then those from MAAS; no duplicates. */
  ips: string[];
  /** Lower case, without a trailing dot. */
  dnsNames: string[];
  devices: Device[];
  records: DnsRecord[];
  monitors: Monitor[];
  /** Passthrough and other resources naming the guest. */
  attachments: InventoryResource[];
}

/** Whose a device, record, monitor or attachment is. */
export interface Attribution {
  /** The guest's address; absent when unattributed or ambiguous. */
  guest?: string;
  /** What matched: `MAC bc:24:11:00:00:05`, `IP 192.168.4.20`, `DNS name docker.maas`, ... */
  by?: string;
  /** The guests that matched equally (two or more: ambiguous), by address. */
  ambiguous: string[];
}

export interface Links {
  /** By guest address. */
  byGuest: Map<string, GuestLinks>;
  /** By the linked resource's address; attachments that name no guest are left out. */
  attribution: Map<string, Attribution>;
}

/** A rule's verdict for one guest: undefined (no match) or what matched. */
type Rule = (g: Guest, links: GuestLinks) => string | undefined;

export function linkToGuests(guests: readonly Guest[], candidates: LinkCandidates): Links {
  const byGuest = new Map<string, GuestLinks>();
  for (const g of guests) {
    byGuest.set(g.resource.address, { ips: [...g.facts.ips], dnsNames: [], devices: [], records: [], monitors: [], attachments: [] });
  }
  const attribution = new Map<string, Attribution>();
  /** The first rule that matches any guest decides: one guest, or ambiguous. */
  const attribute = (r: InventoryResource, rules: Rule[]): Guest | undefined => {
    for (const rule of rules) {
      const hits = guests.flatMap((g) => {
        const by = rule(g, byGuest.get(g.resource.address)!);
        return by === undefined ? [] : [{ g, by }];
      });
      if (hits.length === 1) {
        attribution.set(r.address, { guest: hits[0]!.g.resource.address, by: hits[0]!.by, ambiguous: [] });
        return hits[0]!.g;
      }
      if (hits.length > 1) {
        attribution.set(r.address, { ambiguous: hits.map((h) => h.g.resource.address), by: hits[0]!.by });
        return undefined;
      }
    }
    attribution.set(r.address, { ambiguous: [] });
    return undefined;
  };
  const linksOf = (g: Guest): GuestLinks => byGuest.get(g.resource.address)!;

  for (const device of candidates.devices) {
    const f = device.facts;
    const rule: Rule =
      f.macs.length > 0
        ? (g) =>
            prefixed(
              'MAC',
              f.macs.find((m) => g.facts.macs.includes(m)),
            )
        : (g) => (f.hostname !== undefined && sameName(g, firstLabel(f.hostname)) ? `name ${f.hostname.toLowerCase()}` : undefined);
    const g = attribute(device.resource, [rule]);
    if (g === undefined) continue;
    const l = linksOf(g);
    l.devices.push(device);
    for (const ip of f.ips) addUnique(l.ips, ip);
    if (f.fqdn !== undefined) addUnique(l.dnsNames, dnsName(f.fqdn));
  }

  const isAddress = (r: DnsRecord): boolean => r.facts.recordType === 'A' || r.facts.recordType === 'AAAA';
  const addressesFirst = [...candidates.records.filter(isAddress), ...candidates.records.filter((r) => !isAddress(r))];
  for (const record of addressesFirst) {
    const f = record.facts;
    const rule: Rule = (_g, l) => {
      if (isAddress(record))
        return prefixed(
          'IP',
          f.data.find((ip) => l.ips.includes(ip)),
        );
      if (f.recordType === 'CNAME')
        return prefixed(
          'DNS name',
          f.data.map(dnsName).find((t) => l.dnsNames.includes(t)),
        );
      return undefined;
    };
    const g = attribute(record.resource, [rule]);
    if (g === undefined) continue;
    const l = linksOf(g);
    l.records.push(record);
    if (f.fqdn !== undefined) addUnique(l.dnsNames, dnsName(f.fqdn));
    if (isAddress(record)) for (const ip of f.data) addUnique(l.ips, ip);
  }

  for (const monitor of candidates.monitors) {
    const host = monitor.facts.host === undefined ? undefined : dnsName(monitor.facts.host);
    const rules: Rule[] =
      host === undefined
        ? []
        : [
            (_g, l) => (l.ips.includes(host) ? `IP ${host}` : l.dnsNames.includes(host) ? `DNS name ${host}` : undefined),
            (g, l) =>
              !host.includes('.') && !host.includes(':') && (sameName(g, host) || l.dnsNames.some((n) => firstLabel(n) === host))
                ? `name ${host}`
                : undefined,
          ];
    const g = attribute(monitor.resource, rules);
    if (g !== undefined) linksOf(g).monitors.push(monitor);
  }

  for (const r of candidates.attachments) {
    const refs = guestReferences(r);
    if (refs.length === 0 && !isPassthrough(r)) continue;
    const node = typeof r.attributes['node'] === 'string' ? r.attributes['node'] : undefined;
    const rule: Rule = (g) => {
      const keys = [g.resource.address, g.resource.id].map((k) => k.toLowerCase());
      const named = refs.find((ref) => keys.includes(ref));
      if (named !== undefined) return `id ${named}`;
      const vmid = g.facts.vmid;
      if (!isPassthrough(r) || vmid === undefined || (node !== undefined && node !== g.facts.node)) return undefined;
      return refs.includes(String(vmid)) ? `VMID ${vmid}` : undefined;
    };
    const g = attribute(r, [rule]);
    if (g !== undefined) linksOf(g).attachments.push(r);
    else if (attribution.get(r.address)!.ambiguous.length === 0 && !isPassthrough(r)) attribution.delete(r.address);
  }
  return { byGuest, attribution };
}

function prefixed(what: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : `${what} ${value}`;
}

function sameName(g: Guest, name: string): boolean {
  return g.facts.name !== undefined && g.facts.name.toLowerCase() === name;
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

function dnsName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function firstLabel(name: string): string {
  return name.toLowerCase().split('.')[0]!;
}

function addUnique(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}
