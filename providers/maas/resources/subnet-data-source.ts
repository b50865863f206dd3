/**
 * The `maas_subnet` data source: a subnet looked up by `cidr` or `id`, with what planning
 * needs to check static IPs (CIDR, gateway, dynamic ranges). Its whole value can be given as
 * a `maas_device` interface's `subnet`, which lets the plan catch an IP inside a DHCP range.
 *
 * Output: id, name, cidr, description, vlan {id, vid, name, fabric, fabric_id, mtu, dhcp_on},
 * gateway_ip, dns_servers, managed, space, dynamic_ranges [{start, end}],
 * reserved_ranges [{start, end, comment-free purpose list}]. Only stable facts are exposed:
 * per-address usage (assigned IPs) changes with every device and is left out.
 */
import { ProviderError, type AttributeProblem } from '../../../src/provider/contract.js';
import type { Attributes, ValueMap } from '../../../src/core/value.js';
import { isUnknownValue } from '../unknown-value.js';
import type { MaasApi } from '../client/maas-api.js';
import type { MaasReservedRange, MaasSubnet } from '../client/maas-types.js';
import { formatCidr, sameCidr } from '../net/ip-address.js';
import { parseSubnetRef, type SubnetRef } from './device-config.js';

export function subnetAttributes(subnet: MaasSubnet, reserved: MaasReservedRange[]): ValueMap {
  const vlan = subnet.vlan;
  return {
    id: subnet.id,
    name: subnet.name,
    cidr: subnet.cidr,
    description: subnet.description ?? '',
    vlan: {
      id: vlan.id,
      vid: vlan.vid,
      name: vlan.name,
      fabric: vlan.fabric,
      fabric_id: vlan.fabric_id,
      mtu: vlan.mtu,
      dhcp_on: vlan.dhcp_on,
    },
    gateway_ip: subnet.gateway_ip ?? null,
    dns_servers: [...(subnet.dns_servers ?? [])],
    managed: subnet.managed,
    space: subnet.space ?? 'undefined',
    dynamic_ranges: reserved.filter((r) => r.purpose.includes('dynamic')).map((r) => ({ start: r.start, end: r.end })),
    reserved_ranges: reserved
      .filter((r) => r.purpose.includes('reserved'))
      .map((r) => ({ start: r.start, end: r.end, purpose: [...r.purpose] })),
  };
}

export function validateSubnetDataSourceConfig(config: Attributes): AttributeProblem[] {
  const hasCidr = config.cidr !== undefined && config.cidr !== null;
  const hasId = config.id !== undefined && config.id !== null;
  if (hasCidr === hasId) {
    return [{ path: [], message: 'maas_subnet needs exactly one of cidr or id', severity: 'error' }];
  }
  const v = hasCidr ? config.cidr : config.id;
  if (isUnknownValue(v)) return [];
  const ref = parseSubnetRef(v);
  if ('problem' in ref) return [{ path: [hasCidr ? 'cidr' : 'id'], message: ref.problem, severity: 'error' }];
  return [];
}

/** True when the reference names this MAAS subnet (by id when it has one, else by CIDR). */
export function refNamesSubnet(ref: SubnetRef, subnet: Pick<MaasSubnet, 'id' | 'cidr'>): boolean {
  const id = ref.kind === 'id' ? ref.id : ref.kind === 'object' ? ref.id : undefined;
  if (id !== undefined) return subnet.id === id;
  const cidr = ref.kind === 'id' ? undefined : ref.cidr;
  return cidr !== undefined && sameCidr(subnet.cidr, formatCidr(cidr));
}

/** The MAAS subnet a reference names, from the list of all subnets. */
export function findSubnet(subnets: MaasSubnet[], ref: SubnetRef): MaasSubnet | undefined {
  return subnets.find((s) => refNamesSubnet(ref, s));
}

export function knownCidrs(subnets: MaasSubnet[]): string {
  return subnets.length ? subnets.map((s) => `${s.cidr} (id ${s.id})`).join(', ') : 'none';
}

export async function readSubnetDataSource(api: MaasApi, config: Attributes, signal?: AbortSignal): Promise<Attributes> {
  const problems = validateSubnetDataSourceConfig(config);
  if (problems.length) throw new ProviderError(`maas_subnet: ${problems.map((p) => p.message).join('; ')}`);
  const given = config.cidr ?? config.id ?? null;
  const ref = parseSubnetRef(given);
  if (!('ok' in ref)) throw new ProviderError('maas_subnet: the subnet reference is not known');
  const subnets = await api.listSubnets(signal);
  const subnet = findSubnet(subnets, ref.ok);
  if (!subnet) {
    throw new ProviderError(`maas_subnet: no subnet ${String(given)} in MAAS (known: ${knownCidrs(subnets)})`);
  }
  const reserved = await api.reservedRanges(subnet.id, signal);
  return subnetAttributes(subnet, reserved);
}
