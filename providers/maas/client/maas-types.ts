/**
 * The shapes of the MAAS API 2.0 objects this provider reads (only the fields it uses are
 * typed; MAAS sends more). Field names are MAAS's.
 */

export interface MaasDomain {
  id: number;
  name: string;
  ttl: number | null;
  authoritative: boolean;
  is_default: boolean;
  resource_record_count: number;
}

export interface MaasZone {
  id: number;
  name: string;
  description: string;
}

export interface MaasVlan {
  id: number;
  vid: number;
  name: string;
  fabric: string;
  fabric_id: number;
  mtu: number;
  dhcp_on: boolean;
  space?: string;
}

export interface MaasSubnet {
  id: number;
  name: string;
  cidr: string;
  description?: string;
  vlan: MaasVlan;
  gateway_ip: string | null;
  dns_servers: string[];
  managed: boolean;
  space: string;
  allow_dns?: boolean;
  allow_proxy?: boolean;
}

/** `subnets/{id}/?op=reserved_ip_ranges`: ranges in use, with why. */
export interface MaasReservedRange {
  start: string;
  end: string;
  purpose: string[];
  num_addresses: number;
}

/** `subnets/{id}/?op=unreserved_ip_ranges`. */
export interface MaasUnreservedRange {
  start: string;
  end: string;
  num_addresses: number;
}

/** `subnets/{id}/?op=ip_addresses`. */
export interface MaasSubnetIpAddress {
  ip: string;
  alloc_type: number;
  alloc_type_name?: string;
  user?: string;
  node_summary?: {
    system_id: string;
    node_type: number;
    fqdn: string;
    hostname: string;
    via?: string;
  };
}

export interface MaasLink {
  id: number;
  mode: string;
  ip_address?: string;
  subnet?: MaasSubnet;
}

export interface MaasInterface {
  id: number;
  name: string;
  type: string;
  mac_address: string;
  vlan: MaasVlan | null;
  links: MaasLink[];
}

export interface MaasDevice {
  system_id: string;
  hostname: string;
  fqdn: string;
  description: string;
  domain: MaasDomain;
  zone: MaasZone;
  parent: string | null;
  owner: string | null;
  ip_addresses: string[];
  interface_set: MaasInterface[];
  node_type: number;
  tag_names: string[];
}

/** `nodes/`: any node (machine, device, controller); only the fields used here. */
export interface MaasNode {
  system_id: string;
  hostname: string;
  fqdn: string;
  node_type: number;
  node_type_name?: string;
  interface_set: MaasInterface[];
}

/** An address of a DNS resource, rendered like `ipaddresses/` renders it. */
export interface MaasStaticIp {
  ip: string;
  alloc_type?: number;
  owner?: { username: string } | null;
  interface_set?: unknown[];
}

/** `ipaddresses/`: a StaticIPAddress (only the fields used here). */
export interface MaasIpAddress {
  ip: string;
  alloc_type: number;
  alloc_type_name?: string;
  owner?: { username: string } | null;
  interface_set?: MaasInterface[];
}

export interface MaasDnsResource {
  id: number;
  fqdn: string;
  address_ttl: number | null;
  ip_addresses: MaasStaticIp[];
  resource_records: MaasDnsData[];
}

export interface MaasDnsData {
  id: number;
  fqdn: string;
  ttl: number | null;
  rrtype: string;
  rrdata: string;
}

export interface MaasVersion {
  version: string;
  subversion: string;
  capabilities: string[];
}
