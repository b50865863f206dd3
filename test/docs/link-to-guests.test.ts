/**
 * Attribution by identity (src/docs/link-to-guests.ts), rule by rule: what names a guest
 * decides, block dependencies never do, and what names none or several is said to be
 * unattributed or ambiguous rather than guessed.
 */
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { buildInventory } from '../../src/docs/build-inventory.js';
import { inventoryResources } from '../../src/docs/inventory-resource.js';
import type { Attribution } from '../../src/docs/link-to-guests.js';
import type { ResourceState } from '../../src/state/state-types.js';
import { builtinInventoryFacts, renderInventoryMarkdown } from './builtin-inventory-docs.js';
import { homelabState } from './homelab-state.js';

function resource(address: string, attributes: Attributes, dependencies: string[] = []): ResourceState {
  const m = /^(?:.*\.)?([a-z]+_[a-z_]+)\.([a-z_]+)(\[.*\])?$/.exec(address)!;
  return {
    address,
    mode: 'managed',
    type: m[1]!,
    name: m[2]!,
    index: null,
    provider: m[1]!.split('_')[0]!,
    id: String(attributes['node'] !== undefined ? `${attributes['node']}/${attributes['vmid']}` : address),
    attributes,
    sensitivePaths: [],
    dependencies,
    status: 'ready',
  };
}

const docker = resource('proxmox_lxc.docker', { node: 'pve', vmid: 100, hostname: 'docker', networks: { net0: { mac: 'BC:24:11:D0:C1:00' } } });
const kuma = resource('proxmox_lxc.uptime_kuma', {
  node: 'fun-bedbug',
  vmid: 112,
  hostname: 'uptime-kuma',
  networks: { net0: { mac: 'BC:24:11:E3:A2:FA' } },
});
const device = (key: string, hostname: string, mac: string | undefined, ip: string): ResourceState =>
  resource(
    `maas_device.kuma_host["${key}"]`,
    { hostname, domain: 'maas', interfaces: mac === undefined ? {} : { lan: { mac, ip } }, ip_addresses: [ip] },
    ['proxmox_lxc.docker', 'proxmox_lxc.uptime_kuma'],
  );
const monitor = (name: string, attributes: Attributes): ResourceState =>
  resource(`kuma_monitor.${name}`, { name, type: 'http', ...attributes }, ['maas_device.kuma_host']);

function attributionOf(resources: ResourceState[], address: string): Attribution | undefined {
  return buildInventory(inventoryResources(homelabState(resources)), builtinInventoryFacts()).attribution.get(address);
}

const cases: { reason: string; resources: ResourceState[]; address: string; want: Attribution | undefined }[] = [
  {
    reason: 'a device belongs to the guest whose MAC it carries, whatever the case, not to the other guest its block depends on',
    resources: [docker, kuma, device('pve', 'docker', 'bc:24:11:d0:c1:00', '192.168.4.20')],
    address: 'maas_device.kuma_host["pve"]',
    want: { guest: 'proxmox_lxc.docker', by: 'MAC bc:24:11:d0:c1:00', ambiguous: [] },
  },
  {
    reason: 'a device whose MAC is no guest\'s is unattributed, though its hostname is a guest\'s name and it depends on the guest',
    resources: [docker, kuma, device('pve', 'docker', 'bc:24:11:00:00:99', '192.168.4.20')],
    address: 'maas_device.kuma_host["pve"]',
    want: { ambiguous: [] },
  },
  {
    reason: 'a device that carries no MAC is matched by its hostname',
    resources: [docker, kuma, device('fun-bedbug', 'Uptime-Kuma', undefined, '192.168.4.21')],
    address: 'maas_device.kuma_host["fun-bedbug"]',
    want: { guest: 'proxmox_lxc.uptime_kuma', by: 'name uptime-kuma', ambiguous: [] },
  },
  {
    reason: 'two guests with the device\'s MAC: ambiguous, given to neither',
    resources: [
      docker,
      resource('proxmox_lxc.clone', { node: 'pve', vmid: 101, hostname: 'clone', networks: { net0: { mac: 'bc:24:11:d0:c1:00' } } }),
      device('pve', 'docker', 'BC-24-11-D0-C1-00', '192.168.4.20'),
    ],
    address: 'maas_device.kuma_host["pve"]',
    want: { by: 'MAC bc:24:11:d0:c1:00', ambiguous: ['proxmox_lxc.clone', 'proxmox_lxc.docker'] },
  },
  {
    reason: 'a monitor belongs to the guest whose DNS name (from its device) its URL names',
    resources: [docker, kuma, device('pve', 'docker', 'bc:24:11:d0:c1:00', '192.168.4.20'), monitor('peer', { url: 'http://Docker.maas:3001' })],
    address: 'kuma_monitor.peer',
    want: { guest: 'proxmox_lxc.docker', by: 'DNS name docker.maas', ambiguous: [] },
  },
  {
    reason: 'a monitor belongs to the guest whose IP its hostname is',
    resources: [docker, kuma, device('fun-bedbug', 'uptime-kuma', 'bc:24:11:e3:a2:fa', '192.168.4.21'), monitor('ping', { hostname: '192.168.4.21' })],
    address: 'kuma_monitor.ping',
    want: { guest: 'proxmox_lxc.uptime_kuma', by: 'IP 192.168.4.21', ambiguous: [] },
  },
  {
    reason: 'a monitor whose host is a bare name matches the guest of that name',
    resources: [docker, kuma, monitor('bare', { hostname: 'docker' })],
    address: 'kuma_monitor.bare',
    want: { guest: 'proxmox_lxc.docker', by: 'name docker', ambiguous: [] },
  },
  {
    reason: 'a monitor of a host no guest has is unattributed, though it depends on a device of a guest',
    resources: [docker, kuma, device('pve', 'docker', 'bc:24:11:d0:c1:00', '192.168.4.20'), monitor('other', { url: 'https://docker.example.org/' })],
    address: 'kuma_monitor.other',
    want: { ambiguous: [] },
  },
  {
    reason: 'a TXT record names no guest',
    resources: [docker, resource('maas_dns_record.txt', { type: 'TXT', fqdn: 'docker.maas', data: ['v=spf1 -all'] }, ['proxmox_lxc.docker'])],
    address: 'maas_dns_record.txt',
    want: { ambiguous: [] },
  },
  {
    reason: 'a passthrough names its guest by VMID on its node',
    resources: [docker, kuma, resource('coral_passthrough.tpu', { node: 'fun-bedbug', vmid: 112, kind: 'usb' })],
    address: 'coral_passthrough.tpu',
    want: { guest: 'proxmox_lxc.uptime_kuma', by: 'VMID 112', ambiguous: [] },
  },
  {
    reason: 'a passthrough naming a VMID on another node is unattributed',
    resources: [docker, kuma, resource('coral_passthrough.tpu', { node: 'pve', vmid: 112, kind: 'usb' }, ['proxmox_lxc.uptime_kuma'])],
    address: 'coral_passthrough.tpu',
    want: { ambiguous: [] },
  },
  {
    reason: 'a passthrough naming no guest at all is unattributed',
    resources: [docker, resource('coral_passthrough.tpu', { node: 'pve', kind: 'usb' }, ['proxmox_lxc.docker'])],
    address: 'coral_passthrough.tpu',
    want: { ambiguous: [] },
  },
  {
    reason: 'another resource naming no guest has no attribution (it need not belong to one)',
    resources: [docker, resource('crucible_disk.data', { name: 'data', size: '10G' }, ['proxmox_lxc.docker'])],
    address: 'crucible_disk.data',
    want: undefined,
  },
  {
    reason: 'another resource belongs to the guest whose id it names',
    resources: [docker, kuma, resource('crucible_attachment.data', { vm: 'pve/100' })],
    address: 'crucible_attachment.data',
    want: { guest: 'proxmox_lxc.docker', by: 'id pve/100', ambiguous: [] },
  },
];

describe('which guest a resource belongs to', () => {
  for (const c of cases) {
    it(c.reason, () => {
      expect(attributionOf(c.resources, c.address)).toEqual(c.want);
    });
  }

  it('the page says unattributed and ambiguous in the Guest column', () => {
    const clone = resource('proxmox_lxc.clone', { node: 'pve', vmid: 101, hostname: 'clone', networks: { net0: { mac: 'bc:24:11:d0:c1:00' } } });
    const text = renderInventoryMarkdown(
      inventoryResources(homelabState([docker, clone, device('pve', 'docker', 'bc:24:11:d0:c1:00', '192.168.4.20'), monitor('x', { hostname: '10.0.0.1' })])),
    );
    expect(text).toContain('| `maas_device.kuma_host["pve"]` | `docker.maas` | `192.168.4.20` | `bc:24:11:d0:c1:00` | _ambiguous:_ `clone`, `docker` (MAC bc:24:11:d0:c1:00) |');
    expect(text).toContain('| `kuma_monitor.x` | x | `kuma` | http | `10.0.0.1` | _unattributed_ |');
    expect(text).toContain('| unattributed | — | `192.168.4.20` | 1 | — |');
  });
});
