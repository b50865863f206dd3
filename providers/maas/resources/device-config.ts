/**
 * The `maas_device` attributes, read into typed views.
 *
 * Shape (see schemas/maas_device.schema.json):
 *   hostname: k3s-vm-pve            # one DNS label
 *   domain: maas                    # optional; MAAS's default domain otherwise
 *   zone: default                   # optional
 *   description: ...                # optional
 *   parent: <system_id>             # optional
 *   mac_addresses: [bc:24:11:...]   # optional when `interfaces` name the MACs
 *   interfaces:                     # static IPs, keyed by a label or by the MAC itself
 *     lan: { mac: bc:24:11:..., subnet: 192.168.4.0/24, ip: 192.168.4.50 }
 *     "bc:24:11:aa:bb:cc": { subnet: 3, ip: 192.168.4.51 }
 * `subnet` is a CIDR, a MAAS subnet id, or a `maas_subnet` data source object (whose
 * `dynamic_ranges` then let the plan check the IP against DHCP ranges).
 *
 * The plan views tolerate unknown values; the apply view (`deviceSpec`) requires known ones.
 */
import { ProviderError } from '../../../src/provider/contract.js';
import { isValueMap, type Attributes, type Path, type Value, type ValueMap } from '../../../src/core/value.js';
import { isUnknownValue } from '../unknown-value.js';
import { canonicalCidr, formatCidr, parseCidr, parseIp, parseRange, type Cidr, type IpAddress, type IpRange } from '../net/ip-address.js';
import { isMac, normalizeMac } from '../net/mac-address.js';

export type SubnetRef =
  | { kind: 'cidr'; cidr: Cidr; text: string }
  | { kind: 'id'; id: number }
  | {
      kind: 'object';
      id?: number;
      cidr?: Cidr;
      dynamicRanges: IpRange[];
      gateway?: IpAddress;
      /** `vlan.dhcp_on` of a `maas_subnet` object: whether MAAS serves DHCP there. */
      dhcpOn?: boolean;
      vlanName?: string;
      /** True when some of its fields are not known yet. */
      partial: boolean;
    };

export type Parsed<T> = { ok: T } | { problem: string } | { unknown: true };

function positiveInt(v: Value | undefined): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  if (typeof v === 'string' && /^[1-9][0-9]*$/.test(v)) return Number(v);
  return undefined;
}

/** Reads a subnet reference: CIDR text, an id, or a `maas_subnet` object. */
export function parseSubnetRef(v: Value | undefined): Parsed<SubnetRef> {
  if (v === undefined || v === null) return { problem: 'subnet is required (a CIDR such as 192.168.4.0/24, or a MAAS subnet id)' };
  if (isUnknownValue(v)) return { unknown: true };
  if (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v.trim()))) {
    const id = positiveInt(typeof v === 'string' ? v.trim() : v);
    return id === undefined ? { problem: `subnet id must be a positive integer, got ${JSON.stringify(v)}` } : { ok: { kind: 'id', id } };
  }
  if (typeof v === 'string') {
    const cidr = parseCidr(v);
    if (!cidr) return { problem: `subnet "${v}" is neither a CIDR (like 192.168.4.0/24) nor a subnet id` };
    if (parseCidr(v, true) === undefined) {
      return { problem: `subnet "${v}" has host bits set; did you mean ${canonicalCidr(v)}?` };
    }
    return { ok: { kind: 'cidr', cidr, text: v } };
  }
  if (isValueMap(v)) {
    let partial = false;
    let id: number | undefined;
    let cidr: Cidr | undefined;
    if (isUnknownValue(v.id) || isUnknownValue(v.cidr)) partial = true;
    if (v.id !== undefined && v.id !== null && !isUnknownValue(v.id)) {
      id = positiveInt(v.id);
      if (id === undefined) return { problem: `subnet.id must be a positive integer, got ${JSON.stringify(v.id)}` };
    }
    if (typeof v.cidr === 'string') {
      cidr = parseCidr(v.cidr, true);
      if (!cidr) return { problem: `subnet.cidr "${v.cidr}" is not a network CIDR` };
    }
    if (id === undefined && cidr === undefined && !partial) {
      return { problem: 'a subnet object needs an id or a cidr (pass a maas_subnet data source, or use a CIDR string)' };
    }
    const dynamicRanges: IpRange[] = [];
    const ranges = v.dynamic_ranges;
    if (isUnknownValue(ranges)) partial = true;
    else if (Array.isArray(ranges)) {
      for (const r of ranges) {
        if (isValueMap(r) && typeof r.start === 'string' && typeof r.end === 'string') {
          const range = parseRange(r.start, r.end);
          if (range) dynamicRanges.push(range);
        } else partial = true;
      }
    }
    let gateway: IpAddress | undefined;
    if (typeof v.gateway_ip === 'string') gateway = parseIp(v.gateway_ip);
    const vlan = isValueMap(v.vlan) ? v.vlan : undefined;
    return {
      ok: {
        kind: 'object',
        ...(id !== undefined ? { id } : {}),
        ...(cidr !== undefined ? { cidr } : {}),
        dynamicRanges,
        ...(gateway !== undefined ? { gateway } : {}),
        ...(typeof vlan?.dhcp_on === 'boolean' ? { dhcpOn: vlan.dhcp_on } : {}),
        ...(typeof vlan?.name === 'string' ? { vlanName: vlan.name } : {}),
        partial,
      },
    };
  }
  return { problem: `subnet must be a CIDR string, a subnet id or a maas_subnet object, got ${typeof v}` };
}

/** The CIDR a subnet reference names, when known without asking MAAS. */
export function subnetRefCidr(ref: SubnetRef): Cidr | undefined {
  return ref.kind === 'id' ? undefined : ref.cidr;
}

export function describeSubnetRef(ref: SubnetRef): string {
  if (ref.kind === 'cidr') return ref.text;
  if (ref.kind === 'id' || ref.cidr === undefined) return `subnet id ${ref.id ?? '?'}`;
  return formatCidr(ref.cidr);
}

/** One entry of `interfaces`, as written (values may be unknown). */
export interface InterfaceEntryView {
  label: string;
  path: Path;
  entry: ValueMap | undefined;
  /** The MAC: the `mac` field, else the key when the key is a MAC. */
  mac: Value | undefined;
  macFromKey: boolean;
}

export function interfaceEntries(attrs: Attributes): InterfaceEntryView[] {
  const ifaces = attrs.interfaces;
  if (!isValueMap(ifaces)) return [];
  return Object.entries(ifaces).map(([label, entry]) => {
    const e = isValueMap(entry) ? entry : undefined;
    const explicit = e?.mac;
    const hasExplicit = explicit !== undefined && explicit !== null;
    return {
      label,
      path: ['interfaces', label],
      entry: e,
      mac: hasExplicit ? explicit : isMac(label) ? label : undefined,
      macFromKey: !hasExplicit && isMac(label),
    };
  });
}

/**
 * The MACs the device should have: `mac_addresses` when set, else the interfaces' MACs.
 * UNKNOWN-containing lists are answered as they are.
 */
export function desiredMacList(attrs: Attributes): Value[] {
  const list = attrs.mac_addresses;
  if (Array.isArray(list)) return list;
  const out: Value[] = [];
  const seen = new Set<string>();
  for (const e of interfaceEntries(attrs)) {
    if (e.mac === undefined) continue;
    if (typeof e.mac === 'string') {
      const n = normalizeMac(e.mac) ?? e.mac;
      if (seen.has(n)) continue;
      seen.add(n);
    }
    out.push(e.mac);
  }
  return out;
}

// --- apply-time view ----------------------------------------------------------------------

export interface DeviceInterfaceSpec {
  label: string;
  /** Normalized MAC. */
  mac: string;
  subnet: SubnetRef;
  ip: IpAddress;
  ipText: string;
}

export interface DeviceSpec {
  hostname: string;
  domain?: string;
  zone?: string;
  description?: string;
  parent?: string;
  /** Normalized MACs, in order. */
  macs: string[];
  interfaces: DeviceInterfaceSpec[];
}

function bug(message: string): never {
  throw new ProviderError(`maas_device: ${message} (the plan should have refused this)`);
}

/** A string attribute; absent, null or (for computed attributes) unknown answer undefined. */
function knownString(v: Value | undefined): string | undefined {
  if (v === undefined || v === null || isUnknownValue(v)) return undefined;
  if (typeof v !== 'string') bug(`expected a string, got ${isUnknownValue(v) ? 'an unknown value' : typeof v}`);
  return v;
}

/** The planned attributes as a typed spec; every value must be known. */
export function deviceSpec(planned: Attributes): DeviceSpec {
  const hostname = knownString(planned.hostname) ?? bug('hostname is missing');
  const macs: string[] = [];
  for (const m of desiredMacList(planned)) {
    const n = typeof m === 'string' ? normalizeMac(m) : undefined;
    if (n === undefined) bug(`invalid MAC address ${JSON.stringify(m)}`);
    if (!macs.includes(n)) macs.push(n);
  }
  const interfaces: DeviceInterfaceSpec[] = [];
  for (const e of interfaceEntries(planned)) {
    const mac = typeof e.mac === 'string' ? normalizeMac(e.mac) : undefined;
    if (mac === undefined || !e.entry) bug(`interface ${e.label} has no valid MAC`);
    const subnet = parseSubnetRef(e.entry.subnet);
    if (!('ok' in subnet)) bug(`interface ${e.label}: ${'problem' in subnet ? subnet.problem : 'subnet not known'}`);
    const ipText = knownString(e.entry.ip) ?? bug(`interface ${e.label} has no ip`);
    const ip = parseIp(ipText) ?? bug(`interface ${e.label}: ${ipText} is not an IP address`);
    interfaces.push({ label: e.label, mac, subnet: subnet.ok, ip, ipText });
  }
  const domain = knownString(planned.domain);
  const zone = knownString(planned.zone);
  const description = knownString(planned.description);
  const parent = knownString(planned.parent);
  return {
    hostname,
    ...(domain !== undefined ? { domain } : {}),
    ...(zone !== undefined ? { zone } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(parent !== undefined ? { parent } : {}),
    macs,
    interfaces,
  };
}
