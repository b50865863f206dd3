/**
 * The emulated MAAS region's data ("the world"): domains, zones, fabrics/VLANs, subnets and
 * their IP ranges, nodes (devices and the region controller) with interfaces and static
 * links, DNS resources and DNS data. Plain JSON, so it persists as one file.
 */

export const WORLD_FORMAT = 1;

export interface WorldDomain {
  id: number;
  name: string;
  ttl: number | null;
  authoritative: boolean;
  is_default: boolean;
}

export interface WorldZone {
  id: number;
  name: string;
  description: string;
}

export interface WorldFabric {
  id: number;
  name: string;
}

export interface WorldVlan {
  id: number;
  vid: number;
  name: string;
  fabric_id: number;
  mtu: number;
  dhcp_on: boolean;
  primary_rack: string | null;
}

export interface WorldSubnet {
  id: number;
  name: string;
  cidr: string;
  description: string;
  vlan_id: number;
  gateway_ip: string | null;
  dns_servers: string[];
  managed: boolean;
  allow_dns: boolean;
  allow_proxy: boolean;
  active_discovery: boolean;
  rdns_mode: number;
}

export interface WorldIpRange {
  id: number;
  type: 'dynamic' | 'reserved';
  subnet_id: number;
  start_ip: string;
  end_ip: string;
  comment: string;
}

/** A static IP address linked to an interface (MAAS: a StaticIPAddress of type STICKY). */
export interface WorldLink {
  id: number;
  mode: 'static';
  subnet_id: number;
  ip: string;
}

/**
 * A LINK_UP link: a STICKY StaticIPAddress without an address. MAAS leaves one on an enabled
 * interface whose last link was removed (src/maasserver/models/interface.py `unlink_ip_address`
 * → `ensure_link_up`; its subnet is that of an address discovered on the interface's VLAN,
 * none here) and removes it when a STATIC link is made (`_link_subnet_static` → `remove_link_up`).
 */
export interface WorldLinkUp {
  id: number;
  mode: 'link_up';
  subnet_id: number | null;
  ip: null;
}

export interface WorldInterface {
  id: number;
  name: string;
  type: 'physical';
  mac_address: string;
  vlan_id: number | null;
  links: (WorldLink | WorldLinkUp)[];
}

/** node_type: 1 device, 4 region and rack controller (MAAS NODE_TYPE). */
export interface WorldNode {
  system_id: string;
  hostname: string;
  node_type: number;
  domain_id: number;
  zone_id: number;
  description: string;
  parent: string | null;
  owner: string | null;
  tag_names: string[];
  address_ttl: number | null;
  interfaces: WorldInterface[];
}

export interface WorldDnsResource {
  id: number;
  name: string;
  domain_id: number;
  address_ttl: number | null;
  /**
   * The addresses it points at (MAAS: a many-to-many link to StaticIPAddress). Each is a
   * node's link (STICKY) or one of `reserved_ips` (USER_RESERVED), which outlives the link.
   */
  ip_addresses: string[];
}

/**
 * A StaticIPAddress of type USER_RESERVED not on any interface: what a DNS resource's
 * address becomes (forms/dnsresource.py DNSResourceForm.save). It stays allocated when the
 * resource stops pointing at it, until `ipaddresses/?op=release` (and, from MAAS 3.6.1, when
 * the resource is deleted: see maas-profile.ts).
 */
export interface WorldUserReservedAddress {
  id: number;
  ip: string;
  subnet_id: number | null;
  /** The username it belongs to. */
  user: string;
  created: string;
}

export interface WorldDnsData {
  id: number;
  dnsresource_id: number;
  rrtype: string;
  rrdata: string;
  ttl: number | null;
}

/**
 * A tag (src/maasserver/models/tag.py): a label of nodes of any type, devices included (its
 * `node_set` is Node's). Which nodes carry it is kept on the nodes (`tag_names`).
 */
export interface WorldTag {
  id: number;
  name: string;
  comment: string;
  /** XPath over lshw output; empty for a tag whose nodes are set by hand (update_nodes). */
  definition: string;
  kernel_opts: string;
}

/** A reserved IP, MAAS 3.6+ (src/maasserver/models/reservedip.py): a DHCP lease pinned to a MAC. */
export interface WorldReservedIp {
  id: number;
  ip: string;
  subnet_id: number;
  mac_address: string;
  comment: string;
}

export interface MaasWorld {
  format: number;
  maas_name: string;
  version: string;
  /** The user the API keys belong to. */
  admin_user: string;
  next_id: Record<
    'domain' | 'zone' | 'subnet' | 'iprange' | 'interface' | 'ip' | 'dnsresource' | 'dnsdata' | 'vlan' | 'fabric' | 'tag' | 'reservedip',
    number
  >;
  /** Seeded PRNG state (system ids, nonces of generated hostnames). */
  rng: number;
  domains: WorldDomain[];
  zones: WorldZone[];
  fabrics: WorldFabric[];
  vlans: WorldVlan[];
  subnets: WorldSubnet[];
  ipranges: WorldIpRange[];
  nodes: WorldNode[];
  dnsresources: WorldDnsResource[];
  dnsdata: WorldDnsData[];
  /** USER_RESERVED addresses; absent in worlds written before they were modelled. */
  reserved_ips?: WorldUserReservedAddress[];
  tags: WorldTag[];
  reservedips: WorldReservedIp[];
}

/** A world saved before tags and reserved IPs were modelled, completed with empty lists. */
export function withWorldDefaults(world: MaasWorld): MaasWorld {
  world.tags ??= [];
  world.reservedips ??= [];
  world.next_id.tag ??= 1;
  world.next_id.reservedip ??= 1;
  return world;
}

export function nextId(world: MaasWorld, kind: keyof MaasWorld['next_id']): number {
  const id = world.next_id[kind];
  world.next_id[kind] = id + 1;
  return id;
}

/** mulberry32: small deterministic PRNG, state kept in the world so ids stay reproducible. */
export function nextRandom(world: MaasWorld): number {
  let t = (world.rng = (world.rng + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const SYSTEM_ID_ALPHABET = 'abcdefghkmnpqrstwxy34678';

/** A fresh 6-character system_id (MAAS style), unique in the world. */
export function newSystemId(world: MaasWorld): string {
  for (;;) {
    let id = '';
    for (let i = 0; i < 6; i++) id += SYSTEM_ID_ALPHABET[Math.floor(nextRandom(world) * SYSTEM_ID_ALPHABET.length)];
    if (!world.nodes.some((n) => n.system_id === id)) return id;
  }
}
