/**
 * World objects rendered as the MAAS API 2.0 JSON (field names and nesting as MAAS emits
 * them: a device's `domain` and `zone` are objects, `interface_set` carries `links` with the
 * full subnet, `ip_addresses` is a list of strings, `resource_uri` everywhere). Where a real
 * handler names its fields (`fields = (...)` in src/maasserver/api/*.py) only those are rendered.
 */
import { sameIp } from '../net/ip-address.js';
import { API_PREFIX } from './maas-responses.js';
import { domainOf, fqdnOf } from './world-queries.js';
import type {
  MaasWorld,
  WorldDnsData,
  WorldDnsResource,
  WorldDomain,
  WorldInterface,
  WorldIpRange,
  WorldNode,
  WorldUserReservedAddress,
  WorldSubnet,
  WorldVlan,
  WorldZone,
} from './world.js';

const NODE_TYPE_NAMES: Record<number, string> = {
  0: 'Machine',
  1: 'Device',
  2: 'Rack controller',
  3: 'Region controller',
  4: 'Region and rack controller',
};

export function renderDomain(world: MaasWorld, d: WorldDomain): Record<string, unknown> {
  const records =
    world.dnsdata.filter((x) => world.dnsresources.find((r) => r.id === x.dnsresource_id)?.domain_id === d.id).length +
    world.dnsresources.filter((r) => r.domain_id === d.id).reduce((n, r) => n + r.ip_addresses.length, 0) +
    world.nodes.filter((n) => n.domain_id === d.id).reduce((n, node) => n + node.interfaces.reduce((m, i) => m + i.links.length, 0), 0);
  return {
    authoritative: d.authoritative,
    ttl: d.ttl,
    resource_record_count: records,
    name: d.name,
    id: d.id,
    is_default: d.is_default,
    resource_uri: `${API_PREFIX}domains/${d.id}/`,
  };
}

export function renderZone(z: WorldZone): Record<string, unknown> {
  return { name: z.name, description: z.description, id: z.id, resource_uri: `${API_PREFIX}zones/${encodeURIComponent(z.name)}/` };
}

export function renderVlan(world: MaasWorld, v: WorldVlan): Record<string, unknown> {
  const fabric = world.fabrics.find((f) => f.id === v.fabric_id);
  return {
    vid: v.vid,
    mtu: v.mtu,
    dhcp_on: v.dhcp_on,
    external_dhcp: null,
    relay_vlan: null,
    fabric: fabric?.name ?? `fabric-${v.fabric_id}`,
    space: 'undefined',
    primary_rack: v.primary_rack,
    secondary_rack: null,
    name: v.name,
    fabric_id: v.fabric_id,
    id: v.id,
    resource_uri: `${API_PREFIX}vlans/${v.id}/`,
  };
}

export function renderSubnet(world: MaasWorld, s: WorldSubnet): Record<string, unknown> {
  const vlan = world.vlans.find((v) => v.id === s.vlan_id)!;
  return {
    name: s.name,
    description: s.description,
    vlan: renderVlan(world, vlan),
    cidr: s.cidr,
    rdns_mode: s.rdns_mode,
    gateway_ip: s.gateway_ip,
    dns_servers: s.dns_servers,
    allow_dns: s.allow_dns,
    allow_proxy: s.allow_proxy,
    active_discovery: s.active_discovery,
    managed: s.managed,
    disabled_boot_architectures: [],
    id: s.id,
    space: 'undefined',
    resource_uri: `${API_PREFIX}subnets/${s.id}/`,
  };
}

export function renderIpRange(world: MaasWorld, r: WorldIpRange): Record<string, unknown> {
  const subnet = world.subnets.find((s) => s.id === r.subnet_id)!;
  return {
    id: r.id,
    type: r.type,
    start_ip: r.start_ip,
    end_ip: r.end_ip,
    comment: r.comment,
    subnet: renderSubnet(world, subnet),
    user: world.admin_user,
    resource_uri: `${API_PREFIX}ipranges/${r.id}/`,
  };
}

export function renderInterface(world: MaasWorld, node: WorldNode, iface: WorldInterface): Record<string, unknown> {
  const vlan = iface.vlan_id === null ? null : world.vlans.find((v) => v.id === iface.vlan_id);
  return {
    system_id: node.system_id,
    id: iface.id,
    name: iface.name,
    type: iface.type,
    vlan: vlan ? renderVlan(world, vlan) : null,
    mac_address: iface.mac_address,
    parents: [],
    children: [],
    tags: [],
    enabled: true,
    // models/interface.py get_links: `ip_address` and `subnet` only when the link has them (a link_up has no address)
    links: iface.links.map((l) => {
      const subnet = l.subnet_id === null ? undefined : world.subnets.find((s) => s.id === l.subnet_id);
      return {
        id: l.id,
        mode: l.mode,
        ...(l.ip !== null ? { ip_address: l.ip } : {}),
        ...(subnet ? { subnet: renderSubnet(world, subnet) } : {}),
      };
    }),
    params: '',
    discovered: null,
    effective_mtu: vlan?.mtu ?? 1500,
    vendor: null,
    product: null,
    firmware_version: null,
    link_connected: true,
    interface_speed: 0,
    link_speed: 0,
    numa_node: null,
    sriov_max_vf: 0,
    resource_uri: `${API_PREFIX}nodes/${node.system_id}/interfaces/${iface.id}/`,
  };
}

export function renderNode(world: MaasWorld, node: WorldNode): Record<string, unknown> {
  const zone = world.zones.find((z) => z.id === node.zone_id)!;
  const ips = node.interfaces.flatMap((i) => i.links.flatMap((l) => (l.ip !== null ? [l.ip] : [])));
  const base = node.node_type === 1 ? 'devices' : 'nodes';
  return {
    system_id: node.system_id,
    hostname: node.hostname,
    description: node.description,
    domain: renderDomain(world, domainOf(world, node)),
    fqdn: fqdnOf(world, node),
    owner: node.owner,
    owner_data: {},
    parent: node.parent,
    tag_names: node.tag_names,
    address_ttl: node.address_ttl,
    ip_addresses: ips,
    interface_set: node.interfaces.map((i) => renderInterface(world, node, i)),
    zone: renderZone(zone),
    node_type: node.node_type,
    node_type_name: NODE_TYPE_NAMES[node.node_type] ?? 'Node',
    workload_annotations: {},
    resource_uri: `${API_PREFIX}${base}/${node.system_id}/`,
  };
}

function dnsFqdn(world: MaasWorld, r: WorldDnsResource): string {
  const domain = world.domains.find((d) => d.id === r.domain_id)!;
  return r.name === '@' ? domain.name : `${r.name}.${domain.name}`;
}

/** api/dnsresourcerecords.py DISPLAYED_DNSDATA_FIELDS: id, fqdn, ttl, rrtype, rrdata. */
export function renderDnsData(world: MaasWorld, d: WorldDnsData): Record<string, unknown> {
  const r = world.dnsresources.find((x) => x.id === d.dnsresource_id)!;
  return {
    id: d.id,
    fqdn: dnsFqdn(world, r),
    ttl: d.ttl,
    rrtype: d.rrtype,
    rrdata: d.rrdata,
    resource_uri: `${API_PREFIX}dnsresourcerecords/${d.id}/`,
  };
}

/** api/users.py UserHandler: fields username, email, is_local, is_superuser. */
export function renderUser(username: string): Record<string, unknown> {
  return {
    is_superuser: true,
    username,
    email: `${username}@example.com`,
    is_local: true,
    resource_uri: `${API_PREFIX}users/${encodeURIComponent(username)}/`,
  };
}

/** Seeded links carry no creation time; MAAS always renders one. */
const LINK_CREATED = '2025-01-22T10:00:00.000';

/**
 * A StaticIPAddress as api/ip_addresses.py IPAddressesHandler renders it (fields alloc_type,
 * alloc_type_name, created, ip, owner, interface_set, subnet; resource_uri `ipaddresses/`),
 * which is also how a DNS resource's `ip_addresses` come out.
 */
export function renderStaticIp(world: MaasWorld, ip: string): Record<string, unknown> {
  const reserved: WorldUserReservedAddress | undefined = (world.reserved_ips ?? []).find((r) => sameIp(r.ip, ip));
  const linked = reserved ? undefined : nodeLinkAt(world, ip);
  const subnetId = reserved ? reserved.subnet_id : linked?.link.subnet_id;
  const subnet = subnetId === null || subnetId === undefined ? undefined : world.subnets.find((x) => x.id === subnetId);
  return {
    alloc_type: reserved ? 4 : 1,
    alloc_type_name: reserved ? 'User reserved' : 'Sticky',
    created: reserved?.created ?? LINK_CREATED,
    ip,
    owner: reserved ? renderUser(reserved.user) : null,
    interface_set: linked ? [renderInterface(world, linked.node, linked.iface)] : [],
    subnet: subnet ? renderSubnet(world, subnet) : null,
    resource_uri: `${API_PREFIX}ipaddresses/`,
  };
}

function nodeLinkAt(
  world: MaasWorld,
  ip: string,
): { node: WorldNode; iface: WorldInterface; link: WorldInterface['links'][number] } | undefined {
  for (const node of world.nodes) {
    for (const iface of node.interfaces)
      for (const link of iface.links) if (link.ip !== null && sameIp(link.ip, ip)) return { node, iface, link };
  }
  return undefined;
}

/** api/dnsresources.py DNSResourceHandler: fields id, fqdn, address_ttl, ip_addresses, resource_records. */
export function renderDnsResource(world: MaasWorld, r: WorldDnsResource): Record<string, unknown> {
  return {
    id: r.id,
    fqdn: dnsFqdn(world, r),
    address_ttl: r.address_ttl,
    ip_addresses: r.ip_addresses.map((ip) => renderStaticIp(world, ip)),
    resource_records: world.dnsdata
      .filter((d) => d.dnsresource_id === r.id)
      .sort((a, b) => a.rrtype.localeCompare(b.rrtype))
      .map((d) => renderDnsData(world, d)),
    resource_uri: `${API_PREFIX}dnsresources/${r.id}/`,
  };
}
