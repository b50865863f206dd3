/**
 * Lookups over the emulated world shared by the handlers: objects by id or name, which
 * addresses are in use and by whom, the ranges of a subnet.
 */
import {
  canonicalIp,
  cidrContains,
  cidrLast,
  formatIp,
  ipInRange,
  parseCidr,
  parseIp,
  parseRange,
  sameCidr,
  sameIp,
} from '../net/ip-address.js';
import { normalizeMac } from '../net/mac-address.js';
import type {
  MaasWorld,
  WorldDomain,
  WorldInterface,
  WorldIpRange,
  WorldLink,
  WorldNode,
  WorldReservedIp,
  WorldUserReservedAddress,
  WorldSubnet,
} from './world.js';

export function nodeBySystemId(world: MaasWorld, systemId: string): WorldNode | undefined {
  return world.nodes.find((n) => n.system_id === systemId);
}

export function deviceBySystemId(world: MaasWorld, systemId: string): WorldNode | undefined {
  return world.nodes.find((n) => n.system_id === systemId && n.node_type === 1);
}

export function domainOf(world: MaasWorld, node: { domain_id: number }): WorldDomain {
  return world.domains.find((d) => d.id === node.domain_id) ?? world.domains.find((d) => d.is_default)!;
}

/** By id (digits) or name, like MAAS's domain specifiers. */
export function domainBySpecifier(world: MaasWorld, spec: string): WorldDomain | undefined {
  const s = spec.trim();
  const m = /^(id|name):(.*)$/.exec(s);
  if (m) return m[1] === 'id' ? world.domains.find((d) => d.id === Number(m[2])) : world.domains.find((d) => d.name === m[2]);
  if (/^\d+$/.test(s)) return world.domains.find((d) => d.id === Number(s));
  return world.domains.find((d) => d.name === s);
}

export function defaultDomain(world: MaasWorld): WorldDomain {
  return world.domains.find((d) => d.is_default) ?? world.domains[0]!;
}

/** By id, `id:`, `cidr:`, `name:` or a bare CIDR / name, like MAAS's subnet specifiers. */
export function subnetBySpecifier(world: MaasWorld, spec: string): WorldSubnet | undefined {
  const s = spec.trim();
  const m = /^(id|cidr|name):(.*)$/.exec(s);
  if (m) {
    if (m[1] === 'id') return world.subnets.find((x) => x.id === Number(m[2]));
    if (m[1] === 'cidr') return world.subnets.find((x) => sameCidr(x.cidr, m[2]!));
    return world.subnets.find((x) => x.name === m[2]);
  }
  if (/^\d+$/.test(s)) return world.subnets.find((x) => x.id === Number(s));
  return world.subnets.find((x) => (parseCidr(s) ? sameCidr(x.cidr, s) : false)) ?? world.subnets.find((x) => x.name === s);
}

export function subnetForIp(world: MaasWorld, ip: string): WorldSubnet | undefined {
  const addr = parseIp(ip);
  if (!addr) return undefined;
  return world.subnets
    .filter((s) => {
      const c = parseCidr(s.cidr);
      return c !== undefined && cidrContains(c, addr);
    })
    .sort((a, b) => (parseCidr(b.cidr)?.prefix ?? 0) - (parseCidr(a.cidr)?.prefix ?? 0))[0];
}

export function fqdnOf(world: MaasWorld, node: WorldNode): string {
  return `${node.hostname}.${domainOf(world, node).name}`;
}

/** The node owning a MAC (any node type). */
export function nodeWithMac(world: MaasWorld, mac: string): { node: WorldNode; iface: WorldInterface } | undefined {
  const n = normalizeMac(mac);
  for (const node of world.nodes) {
    for (const iface of node.interfaces) if (normalizeMac(iface.mac_address) === n) return { node, iface };
  }
  return undefined;
}

export interface IpUse {
  ip: string;
  node?: WorldNode;
  iface?: WorldInterface;
  link?: WorldLink;
  reserved?: WorldUserReservedAddress;
}

/**
 * Every allocated address: node links (STICKY) and USER_RESERVED addresses, which DNS
 * resources point at and which outlive them (static-ip-addresses.ts).
 */
export function ipUses(world: MaasWorld): IpUse[] {
  const out: IpUse[] = [];
  for (const node of world.nodes) {
    for (const iface of node.interfaces) {
      for (const link of iface.links) if (link.mode === 'static') out.push({ ip: link.ip, node, iface, link });
    }
  }
  for (const reserved of world.reserved_ips ?? []) out.push({ ip: reserved.ip, reserved });
  return out;
}

export function ipUse(world: MaasWorld, ip: string): IpUse | undefined {
  return ipUses(world).find((u) => sameIp(u.ip, ip));
}

export function rangesOf(world: MaasWorld, subnet: WorldSubnet): WorldIpRange[] {
  return world.ipranges.filter((r) => r.subnet_id === subnet.id);
}

export function dynamicRangeFor(world: MaasWorld, subnet: WorldSubnet, ip: string): WorldIpRange | undefined {
  const addr = parseIp(ip);
  if (!addr) return undefined;
  return rangesOf(world, subnet).find((r) => {
    const range = parseRange(r.start_ip, r.end_ip);
    return r.type === 'dynamic' && range !== undefined && ipInRange(addr, range);
  });
}

export interface UsedRange {
  start: bigint;
  end: bigint;
  purpose: string[];
}

/** What MAAS's `reserved_ip_ranges` reports: ranges and single addresses in use, with why. */
export function usedRanges(world: MaasWorld, subnet: WorldSubnet): UsedRange[] {
  const cidr = parseCidr(subnet.cidr);
  if (!cidr) return [];
  const out: UsedRange[] = [];
  if (cidr.version === 6) {
    // src/maasserver/models/subnet.py get_ipranges_in_use: a /64 reserves ::1 to ::ffff:ffff
    // for the administrator ("reserved"), and every prefix shorter than /127 its subnet-router
    // anycast address ("rfc-4291-2.6.1"). Both are only kept out of automatic allocation: a
    // STATIC link may still use them (forms/interface_link.py refuses dynamic ranges only).
    if (cidr.prefix === 64) out.push({ start: cidr.network + 1n, end: cidr.network + 0xffffffffn, purpose: ['reserved'] });
    if (cidr.prefix < 127) out.push({ start: cidr.network, end: cidr.network, purpose: ['rfc-4291-2.6.1'] });
  }
  for (const r of rangesOf(world, subnet)) {
    const range = parseRange(r.start_ip, r.end_ip);
    if (range) out.push({ start: range.start.value, end: range.end.value, purpose: [r.type] });
  }
  const single = (ip: string | null, purpose: string) => {
    const a = ip ? parseIp(ip) : undefined;
    if (a && cidrContains(cidr, a)) out.push({ start: a.value, end: a.value, purpose: [purpose] });
  };
  single(subnet.gateway_ip, 'gateway-ip');
  for (const dns of subnet.dns_servers) single(dns, 'dns-server');
  for (const use of ipUses(world)) single(use.ip, 'assigned-ip');
  out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return out;
}

/** The free ranges of a subnet (IPv4: without network and broadcast addresses). */
export function freeRanges(world: MaasWorld, subnet: WorldSubnet): { start: bigint; end: bigint }[] {
  const cidr = parseCidr(subnet.cidr);
  if (!cidr) return [];
  let first = cidr.network;
  let last = cidrLast(cidr);
  if (cidr.version === 4 && cidr.prefix <= 30) {
    first += 1n;
    last -= 1n;
  } else if (cidr.version === 6) {
    first += 1n;
  }
  const used = usedRanges(world, subnet);
  const out: { start: bigint; end: bigint }[] = [];
  let cursor = first;
  for (const u of used) {
    if (u.end < cursor) continue;
    if (u.start > cursor) out.push({ start: cursor, end: u.start - 1n > last ? last : u.start - 1n });
    cursor = u.end + 1n;
    if (cursor > last) break;
  }
  if (cursor <= last) out.push({ start: cursor, end: last });
  return out.filter((r) => r.start <= r.end);
}

/**
 * The reserved IPs a STATIC link of `mac` to `ip` would clash with, as MAAS 3.6+ looks them
 * up (src/maasserver/models/interface.py `_link_subnet_static`: every ReservedIP with this
 * MAC or this IP, on any subnet).
 */
export function reservedIpsFor(world: MaasWorld, mac: string, ip: string): WorldReservedIp[] {
  const m = normalizeMac(mac);
  return world.reservedips.filter((r) => normalizeMac(r.mac_address) === m || sameIp(r.ip, ip));
}

export function ipText(version: 4 | 6, value: bigint): string {
  return formatIp({ version, value });
}

export { canonicalIp };
