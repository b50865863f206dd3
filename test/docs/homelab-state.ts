/** A small homelab state for the docs tests: guests on two nodes and what links to them. */
import type { ResourceState, State } from '../../src/state/state-types.js';
import type { Attributes } from '../../src/core/value.js';

/** Values that must never appear in the documentation. */
export const SECRETS = ['hunter2-cloudinit', 'ct-root-pw-99', 'kuma-url-pw', 'push-token-123'];

function resource(address: string, id: string, attributes: Attributes, extra: Partial<ResourceState> = {}): ResourceState {
  const [type, name] = address.split('.') as [string, string];
  return {
    address,
    mode: 'managed',
    type,
    name,
    index: null,
    provider: type.split('_')[0]!,
    id,
    attributes,
    sensitivePaths: [],
    dependencies: [],
    status: 'ready',
    ...extra,
  };
}

export function homelabResources(): ResourceState[] {
  return [
    resource(
      'proxmox_vm.frigate',
      'fun-bedbug/105',
      {
        node: 'fun-bedbug',
        vmid: 105,
        name: 'frigate',
        status: 'running',
        cores: 4,
        sockets: 1,
        memory: 8192,
        disks: { scsi1: { size: '500G', storage: 'tank' }, scsi0: { size: '64G', storage: 'local-lvm' } },
        networks: { net0: { mac: 'BC:24:11:00:00:05', bridge: 'vmbr0', tag: 40 } },
        cloud_init: { user: 'ubuntu', password: 'hunter2-cloudinit', ipconfig: { ipconfig0: { ip: '192.168.4.50/24', gw: '192.168.4.1' } } },
        usb: { usb0: { host: '18d1:9302', mapping: null, usb3: true } },
        hostpci: { hostpci0: { host: '0000:01:00.0', mapping: null, pcie: true } },
      },
      { sensitivePaths: [['cloud_init', 'password']] },
    ),
    resource(
      'proxmox_lxc.pihole',
      'pve/110',
      {
        node: 'pve',
        vmid: 110,
        hostname: 'pihole',
        cores: 1,
        memory: 512,
        swap: 512,
        rootfs: { storage: 'local-lvm', size: '8G' },
        mount_points: { mp0: { host_path: '/srv/pihole', path: '/etc/pihole' } },
        networks: { net0: { name: 'eth0', bridge: 'vmbr0', mac: 'BC:24:11:00:00:10', ip: '192.168.4.53/24' } },
        password: 'ct-root-pw-99',
      },
      { sensitivePaths: [['password']] },
    ),
    resource('proxmox_vm.k3s', 'pve/101', { node: 'pve', vmid: 101, name: 'k3s', cores: 2, sockets: 2, memory: 4096, networks: { net0: { mac: 'BC:24:11:00:00:01', bridge: 'vmbr0' } } }),
    resource(
      'maas_device.frigate',
      'abc123',
      { hostname: 'frigate', domain: 'maas', fqdn: 'frigate.maas', mac_addresses: ['bc:24:11:00:00:05'], interfaces: { lan: { mac: 'bc:24:11:00:00:05', subnet: '192.168.4.0/24', ip: '192.168.4.50' } }, ip_addresses: ['192.168.4.50'] },
      { dependencies: ['proxmox_vm.frigate'] },
    ),
    resource('maas_device.k3s', 'def456', { hostname: 'K3S', domain: 'maas', fqdn: 'k3s.maas', mac_addresses: [], interfaces: {}, ip_addresses: ['192.168.4.20'] }),
    resource('maas_dns_record.nvr', 'CNAME:nvr.maas', { type: 'CNAME', fqdn: 'nvr.maas', data: ['frigate.maas'] }),
    resource('maas_dns_record.dns', 'A:dns.maas', { type: 'A', fqdn: 'dns.maas', data: ['192.168.4.53'] }),
    resource('kuma_monitor.frigate', '12', { name: 'Frigate UI', type: 'http', url: 'https://admin:kuma-url-pw@frigate.maas:5000/api?token=push-token-123' }),
    resource('kuma_monitor.dns', '13', { name: 'Pi-hole DNS', type: 'dns', hostname: 'dns.maas', port: 53 }, { dependencies: ['maas_dns_record.dns'] }),
    resource('kuma_monitor.k3s', '15', { name: 'k3s API', type: 'port', hostname: '192.168.4.20', port: 6443 }),
    resource('kuma_monitor.internet', '14', { name: 'Internet | upstream', type: 'ping', hostname: '8.8.8.8' }),
    resource('coral_passthrough.frigate', 'fun-bedbug/105/usb', { node: 'fun-bedbug', vmid: 105, device: 'Coral USB Accelerator' }, { dependencies: ['proxmox_vm.frigate'] }),
    resource('fake_resource.note', 'fake-1', { name: 'note' }),
  ];
}

export function homelabState(resources: ResourceState[] = homelabResources()): State {
  return { version: 1, lineage: '11111111-2222-4333-8444-555555555555', serial: 7, hlVersion: '0.1.0', resources, outputs: {} };
}
