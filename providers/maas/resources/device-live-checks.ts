/**
 * The `maas_device` checks that need MAAS's live data, run by create and update before any
 * write so that a refused apply leaves MAAS untouched:
 * - the domain and zone exist;
 * - no MAC is already used by another node (the owner is named);
 * - each interface's subnet exists, the IP lies inside it, outside its dynamic ranges, and
 *   is not already taken by another node (the owner is named);
 * - on MAAS 3.6+, the MAC and IP do not clash with a reserved IP (reserved-ip-calls.ts).
 * Like MAAS (src/maasserver/forms/interface_link.py `_clean_mode_static`), only dynamic
 * ranges are refused: reserved ranges (network gear, the IPv6 ::1 to ::ffff:ffff a /64
 * reserves, the range an unmanaged subnet lends MAAS) may hold a static address.
 * All problems are reported together in one ProviderError.
 */
import { ProviderError } from '../../../src/provider/contract.js';
import type { MaasApi } from '../client/maas-api.js';
import type { MaasSubnet } from '../client/maas-types.js';
import { cidrContains, formatIp, ipInRange, parseCidr, parseRange, sameIp } from '../net/ip-address.js';
import { normalizeMac } from '../net/mac-address.js';
import { describeSubnetRef, type DeviceInterfaceSpec, type DeviceSpec } from './device-config.js';
import { listReservedIps, releaseHasReservedIps, reservationConflict, serverVersion } from './reserved-ip-calls.js';
import { findSubnet, knownCidrs } from './subnet-data-source.js';

const NODE_TYPE_NAMES: Record<number, string> = {
  0: 'machine',
  1: 'device',
  2: 'rack controller',
  3: 'region controller',
  4: 'region and rack controller',
};

export interface LiveCheckOptions {
  /** The device being updated (its own MACs and IPs are not conflicts); null on create. */
  ownSystemId: string | null;
  /** Only these MACs are checked for conflicts (default: all of the spec's). */
  macsToCheck?: string[];
  /** Only these interfaces get IP checks (default: all). */
  interfacesToCheck?: DeviceInterfaceSpec[];
  /** Check the domain / zone (default true when set). */
  checkDomain?: boolean;
  checkZone?: boolean;
  signal?: AbortSignal;
}

/** Runs the checks; answers each interface's MAAS subnet by label. */
export async function checkDeviceLive(api: MaasApi, spec: DeviceSpec, options: LiveCheckOptions): Promise<Map<string, MaasSubnet>> {
  const problems: string[] = [];
  const signal = options.signal;
  const macs = options.macsToCheck ?? spec.macs;
  const ifaces = options.interfacesToCheck ?? spec.interfaces;

  const [domains, zones, nodes, subnets] = await Promise.all([
    spec.domain !== undefined && options.checkDomain !== false ? api.listDomains(signal) : undefined,
    spec.zone !== undefined && options.checkZone !== false ? api.listZones(signal) : undefined,
    macs.length ? api.listNodes({ mac_address: macs }, signal) : [],
    spec.interfaces.length ? api.listSubnets(signal) : [],
  ]);

  if (domains && !domains.some((d) => d.name === spec.domain)) {
    problems.push(`domain "${spec.domain}" does not exist in MAAS (existing: ${domains.map((d) => d.name).join(', ') || 'none'})`);
  }
  if (zones && !zones.some((z) => z.name === spec.zone)) {
    problems.push(`zone "${spec.zone}" does not exist in MAAS (existing: ${zones.map((z) => z.name).join(', ') || 'none'})`);
  }
  for (const node of nodes) {
    if (node.system_id === options.ownSystemId) continue;
    for (const iface of node.interface_set ?? []) {
      const n = iface.mac_address ? normalizeMac(iface.mac_address) : undefined;
      if (n && macs.includes(n)) {
        const kind = NODE_TYPE_NAMES[node.node_type] ?? 'node';
        problems.push(`MAC ${n} is already used by ${kind} "${node.hostname}" (system_id ${node.system_id}, interface ${iface.name})`);
      }
    }
  }

  const resolved = new Map<string, MaasSubnet>();
  for (const iface of spec.interfaces) {
    const subnet = findSubnet(subnets, iface.subnet);
    if (!subnet) {
      problems.push(
        `interface "${iface.label}": ${describeSubnetRef(iface.subnet)} does not exist in MAAS (known: ${knownCidrs(subnets)})`,
      );
      continue;
    }
    resolved.set(iface.label, subnet);
  }

  const bySubnet = new Map<number, DeviceInterfaceSpec[]>();
  for (const iface of ifaces) {
    const subnet = resolved.get(iface.label);
    if (!subnet) continue;
    const cidr = parseCidr(subnet.cidr);
    if (cidr && !cidrContains(cidr, iface.ip)) {
      problems.push(`interface "${iface.label}": IP ${iface.ipText} is not in subnet ${subnet.cidr} (id ${subnet.id})`);
      continue;
    }
    bySubnet.set(subnet.id, [...(bySubnet.get(subnet.id) ?? []), iface]);
  }
  await Promise.all(
    [...bySubnet.entries()].map(async ([subnetId, list]) => {
      const [reserved, used] = await Promise.all([api.reservedRanges(subnetId, signal), api.subnetIpAddresses(subnetId, signal)]);
      const cidr = subnets.find((s) => s.id === subnetId)?.cidr ?? String(subnetId);
      for (const iface of list) {
        for (const r of reserved) {
          const range = parseRange(r.start, r.end);
          if (!range || !ipInRange(iface.ip, range)) continue;
          if (r.purpose.includes('dynamic')) {
            problems.push(
              `interface "${iface.label}": IP ${iface.ipText} is inside the dynamic range ${r.start} to ${r.end} of ${cidr} ` +
                '(MAAS hands those addresses out by DHCP)',
            );
          }
        }
        const taken = used.find((u) => sameIp(u.ip, iface.ipText));
        if (taken && taken.node_summary?.system_id !== options.ownSystemId) {
          const owner = taken.node_summary
            ? `${NODE_TYPE_NAMES[taken.node_summary.node_type] ?? 'node'} "${taken.node_summary.hostname}" (system_id ${taken.node_summary.system_id})`
            : `an allocation of type "${taken.alloc_type_name ?? taken.alloc_type}"${taken.user ? ` by ${taken.user}` : ''}`;
          problems.push(`interface "${iface.label}": IP ${formatIp(iface.ip)} is already assigned to ${owner}`);
        }
      }
    }),
  );

  if (ifaces.length) {
    const version = await serverVersion(api, signal);
    if (releaseHasReservedIps(version)) {
      const reservations = (await listReservedIps(api, signal)).map((r) => ({
        ip: r.ip,
        mac: r.mac_address,
        source: `reserved IP ${r.id}`,
      }));
      for (const iface of ifaces) {
        const conflict = reservationConflict(reservations, iface.mac, iface.ipText);
        if (conflict) problems.push(`interface "${iface.label}": ${conflict}`);
      }
    }
  }

  if (problems.length) {
    throw new ProviderError(`maas_device "${spec.hostname}" cannot be applied:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      retryable: false,
    });
  }
  return resolved;
}
