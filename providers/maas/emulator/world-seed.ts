/**
 * The homelab as MAAS knows it before hl registers anything: only infrastructure.
 * - domain `maas` (the default; hosts resolve as `pve.maas`, `fun-bedbug.maas`), zone `default`;
 * - fabric-0 / untagged VLAN with MAAS DHCP on, subnet 192.168.4.0/24, gateway 192.168.4.1
 *   (the OPNsense VM), dynamic range .100–.199, a reserved range .2–.9 for network gear;
 * - the region+rack controller `ubuntumaas` (VM 102 on pve) at 192.168.4.53;
 * - the four online Proxmox nodes as devices with static addresses .10–.13.
 * The k3s VMs and the Uptime Kuma hosts are left for hl to register.
 */
import { WORLD_FORMAT, type MaasWorld, type WorldNode } from './world.js';

function device(
  system_id: string,
  hostname: string,
  mac: string,
  ip: string,
  ids: { iface: number; link: number },
  description: string,
): WorldNode {
  return {
    system_id,
    hostname,
    node_type: 1,
    domain_id: 0,
    zone_id: 1,
    description,
    parent: null,
    owner: 'admin',
    tag_names: [],
    address_ttl: null,
    interfaces: [
      {
        id: ids.iface,
        name: 'eth0',
        type: 'physical',
        mac_address: mac,
        vlan_id: 5001,
        links: [{ id: ids.link, mode: 'static', subnet_id: 1, ip }],
      },
    ],
  };
}

export function seedHomelabWorld(seed = 1): MaasWorld {
  return {
    format: WORLD_FORMAT,
    maas_name: 'ubuntumaas',
    version: '3.5.4',
    admin_user: 'admin',
    next_id: {
      domain: 1,
      zone: 2,
      subnet: 2,
      iprange: 3,
      interface: 10,
      ip: 20,
      dnsresource: 1,
      dnsdata: 1,
      vlan: 5002,
      fabric: 1,
      tag: 1,
      reservedip: 1,
    },
    rng: seed | 0,
    domains: [{ id: 0, name: 'maas', ttl: null, authoritative: true, is_default: true }],
    zones: [{ id: 1, name: 'default', description: '' }],
    fabrics: [{ id: 0, name: 'fabric-0' }],
    vlans: [{ id: 5001, vid: 0, name: 'untagged', fabric_id: 0, mtu: 1500, dhcp_on: true, primary_rack: 'xk7nbd' }],
    subnets: [
      {
        id: 1,
        name: '192.168.4.0/24',
        cidr: '192.168.4.0/24',
        description: 'homelab LAN',
        vlan_id: 5001,
        gateway_ip: '192.168.4.1',
        dns_servers: [],
        managed: true,
        allow_dns: true,
        allow_proxy: true,
        active_discovery: false,
        rdns_mode: 2,
      },
    ],
    ipranges: [
      { id: 1, type: 'dynamic', subnet_id: 1, start_ip: '192.168.4.100', end_ip: '192.168.4.199', comment: 'MAAS DHCP' },
      { id: 2, type: 'reserved', subnet_id: 1, start_ip: '192.168.4.2', end_ip: '192.168.4.9', comment: 'switches and access points' },
    ],
    nodes: [
      {
        system_id: 'xk7nbd',
        hostname: 'ubuntumaas',
        node_type: 4,
        domain_id: 0,
        zone_id: 1,
        description: 'UbuntuMAAS VM 102 on pve: region and rack controller',
        parent: null,
        owner: null,
        tag_names: [],
        address_ttl: null,
        interfaces: [
          {
            id: 1,
            name: 'ens18',
            type: 'physical',
            mac_address: 'bc:24:11:4d:41:53',
            vlan_id: 5001,
            links: [{ id: 1, mode: 'static', subnet_id: 1, ip: '192.168.4.53' }],
          },
        ],
      },
      device('pqd3ht', 'pve', 'a8:a1:59:3c:10:01', '192.168.4.10', { iface: 2, link: 2 }, 'Proxmox node: primary controller'),
      device('c8rw4m', 'chief-horse', 'a8:a1:59:3c:10:02', '192.168.4.11', { iface: 3, link: 3 }, 'Proxmox node'),
      device('hf6x7a', 'fun-bedbug', 'a8:a1:59:3c:10:03', '192.168.4.12', { iface: 4, link: 4 }, 'Proxmox node: Frigate with Coral TPU'),
      device('tw8ykq', 'pumped-piglet', 'a8:a1:59:3c:10:04', '192.168.4.13', { iface: 5, link: 5 }, 'Proxmox node'),
    ],
    dnsresources: [],
    dnsdata: [],
    tags: [],
    reservedips: [],
  };
}
