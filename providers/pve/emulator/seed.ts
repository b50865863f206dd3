/**
 * Seed worlds. `homelab` is the cluster of the seed review (../shared/seed/homelab-review.md):
 * six nodes (four online), VMs 101 OPNsense, 102 UbuntuMAAS, 107 k3s-vm-pve and containers
 * 100 docker and 111 cloudflared on `pve`, all running; plus cloud-init VM templates (9000 on
 * pve, 9001 on pumped-piglet, 9002 on chief-horse), container templates in `local:vztmpl/`,
 * ISOs, and a Coral USB TPU on fun-bedbug. `empty` has the same nodes and storages, no guests.
 * Sizes the review does not give (cores, disks of the containers, storage sizes) are plausible
 * values. Everything is fixed (MACs, UUIDs), so two seeds are identical apart from times.
 */
import { randomBytes } from 'node:crypto';
import { formatConfigText, type ConfigSection } from './config-text.js';
import type { GuestState, NodeState, StorageState, VolumeState, World } from './world.js';

export type SeedKind = 'homelab' | 'empty';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function vol(volid: string, content: VolumeState['content'], format: string, sizeBytes: number, ctime: number, vmid?: number): VolumeState {
  return { volid, content, format, sizeBytes, ctime, ...(vmid !== undefined ? { vmid } : {}) };
}

function localDir(totalGiB: number, usedGiB: number, ctime: number, extra: VolumeState[] = []): StorageState {
  return {
    id: 'local',
    type: 'dir',
    content: ['iso', 'vztmpl', 'backup', 'snippets'],
    shared: false,
    totalBytes: totalGiB * GiB,
    baseUsedBytes: usedGiB * GiB,
    volumes: [
      vol('local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', 'vztmpl', 'tzst', 126 * MiB, ctime),
      vol('local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst', 'vztmpl', 'tzst', 141 * MiB, ctime),
      vol('local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz', 'vztmpl', 'txz', 3 * MiB, ctime),
      ...extra,
    ],
  };
}

function thinPool(id: string, type: 'lvmthin' | 'zfspool', totalGiB: number, volumes: VolumeState[]): StorageState {
  return { id, type, content: ['images', 'rootdir'], shared: false, totalBytes: totalGiB * GiB, baseUsedBytes: 0, volumes };
}

function node(name: string, p: Omit<NodeState, 'name' | 'usb' | 'pci'> & Partial<Pick<NodeState, 'usb' | 'pci'>>): NodeState {
  return { name, usb: [], pci: [], ...p };
}

const ROOT_HUB = (bus: number, speed: string): NodeState['usb'][number] => ({
  busnum: bus,
  devnum: 1,
  port: 0,
  level: 0,
  class: 9,
  vendid: '1d6b',
  prodid: speed === '5000' ? '0003' : '0002',
  speed,
  product: speed === '5000' ? 'xHCI Host Controller' : 'xHCI Host Controller',
  manufacturer: 'Linux 6.8.12-4-pve xhci-hcd',
});

function cfg(main: ConfigSection, style: 'qemu' | 'lxc' = 'qemu'): string {
  return formatConfigText({ main, pending: {}, snapshots: {}, special: {} }, style);
}

function vmTemplate(vmid: number, storage: string, mac: string, uuid: string, genid: string, ctime: number): string {
  return cfg({
    agent: 'enabled=1',
    boot: 'order=scsi0',
    ciuser: 'ubuntu',
    cores: '2',
    cpu: 'x86-64-v2-AES',
    ide2: `${storage}:vm-${vmid}-cloudinit,media=cdrom`,
    ipconfig0: 'ip=dhcp',
    memory: '2048',
    meta: `creation-qemu=9.0.2,ctime=${ctime}`,
    name: 'ubuntu-24.04-cloudinit',
    net0: `virtio=${mac},bridge=vmbr0`,
    ostype: 'l26',
    scsi0: `${storage}:base-${vmid}-disk-0,discard=on,size=3584M`,
    scsihw: 'virtio-scsi-pci',
    serial0: 'socket',
    smbios1: `uuid=${uuid}`,
    template: '1',
    vga: 'serial0',
    vmgenid: genid,
  });
}

/** CPU load of the seeded running guests, as a share of their vCPUs. */
const SEEDED_GUEST_CPU: Record<number, number> = { 101: 0.04, 102: 0.05, 107: 0.08, 100: 0.06, 111: 0.02 };

/** vCPUs of the seeded running guests (their `cores`; one socket each). */
const SEEDED_GUEST_VCPUS: Record<number, number> = { 101: 2, 102: 2, 107: 2, 100: 2, 111: 1 };

/**
 * The host's own load of a node whose inventory figure (`total`, the review's CPU %) includes
 * the seeded guests running on it (`vmids`), so that node status answers the review's figure.
 */
function baseLoad(total: number, cores: number, vmids: number[]): number {
  const guests = vmids.reduce((sum, v) => sum + (SEEDED_GUEST_CPU[v] ?? 0) * (SEEDED_GUEST_VCPUS[v] ?? 0), 0);
  return Math.max(0, total - guests / cores);
}

function homelabGuests(seededAt: number): GuestState[] {
  const started = seededAt - 36 * 3600;
  const run = (vmid: number, type: GuestState['type'], config: string): GuestState => ({
    vmid,
    type,
    node: 'pve',
    config,
    status: 'running',
    startedAt: started,
    pid: 1000 + vmid * 7,
    cpuLoad: SEEDED_GUEST_CPU[vmid] ?? 0,
  });
  const ctime = 1717171717;
  return [
    run(
      101,
      'qemu',
      cfg({
        boot: 'order=scsi0;net0',
        cores: '2',
        cpu: 'host',
        memory: '4096',
        meta: `creation-qemu=8.1.5,ctime=${ctime}`,
        name: 'OPNsense',
        net0: 'virtio=BC:24:11:5A:1E:01,bridge=vmbr0',
        net1: 'virtio=BC:24:11:5A:1E:02,bridge=vmbr1',
        numa: '0',
        onboot: '1',
        ostype: 'other',
        scsi0: 'local-lvm:vm-101-disk-0,iothread=1,size=32G',
        scsihw: 'virtio-scsi-single',
        smbios1: 'uuid=5b0c6f4e-2d3a-4e8f-9b1c-0a1b2c3d4e01',
        sockets: '1',
        startup: 'order=1',
        tags: 'firewall',
        vmgenid: 'c1a7e0b2-8f31-4d2e-a6b5-101101101101',
      }),
    ),
    run(
      102,
      'qemu',
      cfg({
        agent: 'enabled=1',
        boot: 'order=scsi0;ide2;net0',
        cores: '2',
        cpu: 'host',
        ide2: 'none,media=cdrom',
        memory: '5120',
        meta: `creation-qemu=8.1.5,ctime=${ctime + 100}`,
        name: 'UbuntuMAAS',
        net0: 'virtio=BC:24:11:3C:02:01,bridge=vmbr0',
        numa: '0',
        onboot: '1',
        ostype: 'l26',
        scsi0: 'local-lvm:vm-102-disk-0,iothread=1,size=100G',
        scsihw: 'virtio-scsi-single',
        smbios1: 'uuid=5b0c6f4e-2d3a-4e8f-9b1c-0a1b2c3d4e02',
        sockets: '1',
        tags: 'maas',
        vmgenid: 'c1a7e0b2-8f31-4d2e-a6b5-102102102102',
      }),
    ),
    run(
      107,
      'qemu',
      cfg({
        agent: 'enabled=1',
        boot: 'order=scsi0',
        ciuser: 'ubuntu',
        cores: '2',
        cpu: 'host',
        ide2: 'local-lvm:vm-107-cloudinit,media=cdrom',
        ipconfig0: 'ip=dhcp',
        memory: '4096',
        meta: `creation-qemu=9.0.2,ctime=${ctime + 200}`,
        name: 'k3s-vm-pve',
        net0: 'virtio=BC:24:11:6B:07:01,bridge=vmbr0',
        onboot: '1',
        ostype: 'l26',
        scsi0: 'local-lvm:vm-107-disk-0,discard=on,iothread=1,size=200G',
        scsihw: 'virtio-scsi-single',
        serial0: 'socket',
        smbios1: 'uuid=5b0c6f4e-2d3a-4e8f-9b1c-0a1b2c3d4e07',
        tags: 'k3s',
        vga: 'serial0',
        vmgenid: 'c1a7e0b2-8f31-4d2e-a6b5-107107107107',
      }),
    ),
    run(
      100,
      'lxc',
      cfg(
        {
          arch: 'amd64',
          cores: '2',
          features: 'keyctl=1,nesting=1',
          hostname: 'docker',
          memory: '4096',
          net0: 'name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:D0:C1:00,ip=dhcp,type=veth',
          onboot: '1',
          ostype: 'debian',
          rootfs: 'local-lvm:vm-100-disk-0,size=32G',
          swap: '512',
          tags: 'docker',
          unprivileged: '1',
        },
        'lxc',
      ),
    ),
    run(
      111,
      'lxc',
      cfg(
        {
          arch: 'amd64',
          cores: '1',
          hostname: 'cloudflared',
          memory: '512',
          net0: 'name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:CF:11:11,ip=dhcp,type=veth',
          onboot: '1',
          ostype: 'debian',
          rootfs: 'local-lvm:vm-111-disk-0,size=4G',
          swap: '512',
          tags: 'cloudflare',
          unprivileged: '1',
        },
        'lxc',
      ),
    ),
    {
      vmid: 9000,
      type: 'qemu',
      node: 'pve',
      status: 'stopped',
      config: vmTemplate(
        9000,
        'local-lvm',
        'BC:24:11:90:00:01',
        '5b0c6f4e-2d3a-4e8f-9b1c-0a1b2c3d9000',
        'c1a7e0b2-8f31-4d2e-a6b5-900090009000',
        ctime + 300,
      ),
    },
    {
      vmid: 9001,
      type: 'qemu',
      node: 'pumped-piglet',
      status: 'stopped',
      config: vmTemplate(
        9001,
        'local-zfs',
        'BC:24:11:90:01:01',
        '5b0c6f4e-2d3a-4e8f-9b1c-0a1b2c3d9001',
        'c1a7e0b2-8f31-4d2e-a6b5-900190019001',
        ctime + 400,
      ),
    },
    {
      vmid: 9002,
      type: 'qemu',
      node: 'chief-horse',
      status: 'stopped',
      config: vmTemplate(
        9002,
        'local-lvm',
        'BC:24:11:90:02:01',
        '5b0c6f4e-2d3a-4e8f-9b1c-0a1b2c3d9002',
        'c1a7e0b2-8f31-4d2e-a6b5-900290029002',
        ctime + 500,
      ),
    },
  ];
}

/** Builds a fresh world. `nowMs` stamps uptimes and volume creation times. */
export function seedWorld(kind: SeedKind, nowMs: number): World {
  const now = Math.floor(nowMs / 1000);
  const homelab = kind === 'homelab';
  const ct = 1717171717;
  const guestsVols = (list: [string, number, number][]): VolumeState[] =>
    homelab ? list.map(([volid, size, vmid]) => vol(volid, 'images', 'raw', size, ct, vmid)) : [];
  const iso = (): VolumeState[] => [vol('local:iso/ubuntu-24.04.1-live-server-amd64.iso', 'iso', 'iso', 2772 * MiB, ct)];

  const nodes: NodeState[] = [
    node('pve', {
      online: true,
      cpus: 4,
      sockets: 1,
      cpuModel: 'Intel(R) Core(TM) i5-6500T CPU @ 2.50GHz',
      memoryBytes: Math.round(15.36 * GiB),
      memoryUsedBytes: 2 * GiB,
      // 26.5 % in the review, its five running guests included
      cpuLoad: homelab ? baseLoad(0.265, 4, [101, 102, 107, 100, 111]) : 0.265,
      uptimeSeconds: 1 * 86400 + 23 * 3600,
      ip: '192.168.4.122',
      bridges: ['vmbr0', 'vmbr1'],
      storages: [
        localDir(94, 11, ct, [...iso(), vol('local:iso/OPNsense-24.7-dvd-amd64.iso', 'iso', 'iso', 2148 * MiB, ct)]),
        thinPool(
          'local-lvm',
          'lvmthin',
          794,
          guestsVols([
            ['local-lvm:vm-101-disk-0', 32 * GiB, 101],
            ['local-lvm:vm-102-disk-0', 100 * GiB, 102],
            ['local-lvm:vm-107-disk-0', 200 * GiB, 107],
            ['local-lvm:vm-107-cloudinit', 4 * MiB, 107],
            ['local-lvm:vm-100-disk-0', 32 * GiB, 100],
            ['local-lvm:vm-111-disk-0', 4 * GiB, 111],
            ['local-lvm:base-9000-disk-0', 3584 * MiB, 9000],
            ['local-lvm:vm-9000-cloudinit', 4 * MiB, 9000],
          ]),
        ),
      ],
      usb: [ROOT_HUB(1, '480'), ROOT_HUB(2, '5000')],
      pci: [
        {
          id: '0000:00:02.0',
          class: '0x030000',
          vendor: '0x8086',
          device: '0x1912',
          iommugroup: 1,
          vendor_name: 'Intel Corporation',
          device_name: 'HD Graphics 530',
          subsystem_vendor: '0x17aa',
          subsystem_device: '0x30c2',
        },
        {
          id: '0000:00:1f.6',
          class: '0x020000',
          vendor: '0x8086',
          device: '0x15b7',
          iommugroup: 9,
          vendor_name: 'Intel Corporation',
          device_name: 'Ethernet Connection (2) I219-LM',
          subsystem_vendor: '0x17aa',
          subsystem_device: '0x30c2',
        },
      ],
    }),
    node('pumped-piglet', {
      online: true,
      cpus: 12,
      sockets: 1,
      cpuModel: 'AMD Ryzen 5 5600G with Radeon Graphics',
      memoryBytes: Math.round(62.39 * GiB),
      memoryUsedBytes: 5 * GiB,
      cpuLoad: 0.098,
      uptimeSeconds: 1 * 86400 + 15 * 3600,
      ip: '192.168.4.175',
      bridges: ['vmbr0'],
      storages: [
        localDir(100, 9, ct, iso()),
        thinPool(
          'local-zfs',
          'zfspool',
          1690,
          guestsVols([
            ['local-zfs:base-9001-disk-0', 3584 * MiB, 9001],
            ['local-zfs:vm-9001-cloudinit', 4 * MiB, 9001],
          ]),
        ),
      ],
      usb: [ROOT_HUB(1, '480'), ROOT_HUB(2, '10000')],
      pci: [
        {
          id: '0000:01:00.0',
          class: '0x030000',
          vendor: '0x10de',
          device: '0x2484',
          iommugroup: 12,
          vendor_name: 'NVIDIA Corporation',
          device_name: 'GA104 [GeForce RTX 3070]',
          subsystem_vendor: '0x1458',
          subsystem_device: '0x404c',
        },
        {
          id: '0000:01:00.1',
          class: '0x040300',
          vendor: '0x10de',
          device: '0x228b',
          iommugroup: 12,
          vendor_name: 'NVIDIA Corporation',
          device_name: 'GA104 High Definition Audio Controller',
        },
        {
          id: '0000:06:00.0',
          class: '0x030000',
          vendor: '0x1002',
          device: '0x1638',
          iommugroup: 15,
          vendor_name: 'Advanced Micro Devices, Inc. [AMD/ATI]',
          device_name: 'Cezanne [Radeon Vega Series / Radeon Vega Mobile Series]',
        },
      ],
    }),
    node('chief-horse', {
      online: true,
      cpus: 4,
      sockets: 1,
      cpuModel: 'Intel(R) Core(TM) i5-4590T CPU @ 2.00GHz',
      memoryBytes: Math.round(7.66 * GiB),
      memoryUsedBytes: 1 * GiB,
      cpuLoad: 0.177,
      uptimeSeconds: 13 * 7 * 86400 + 3 * 86400,
      ip: '192.168.4.19',
      bridges: ['vmbr0'],
      storages: [
        localDir(68, 7, ct),
        thinPool(
          'local-lvm',
          'lvmthin',
          141,
          guestsVols([
            ['local-lvm:base-9002-disk-0', 3584 * MiB, 9002],
            ['local-lvm:vm-9002-cloudinit', 4 * MiB, 9002],
          ]),
        ),
      ],
      usb: [ROOT_HUB(1, '480')],
      pci: [],
    }),
    node('fun-bedbug', {
      online: true,
      cpus: 2,
      sockets: 1,
      cpuModel: 'Intel(R) Celeron(R) J4025 CPU @ 2.00GHz',
      memoryBytes: Math.round(7.22 * GiB),
      memoryUsedBytes: 1 * GiB,
      cpuLoad: 0.617,
      uptimeSeconds: 8 * 7 * 86400,
      ip: '192.168.4.172',
      bridges: ['vmbr0'],
      storages: [localDir(29, 5, ct), thinPool('local-lvm', 'lvmthin', 56, [])],
      usb: [
        ROOT_HUB(1, '480'),
        ROOT_HUB(2, '5000'),
        {
          busnum: 2,
          devnum: 3,
          port: 1,
          level: 1,
          class: 0,
          vendid: '18d1',
          prodid: '9302',
          speed: '5000',
          usbpath: '1',
          product: 'Coral USB Accelerator',
          manufacturer: 'Google Inc.',
        },
      ],
      pci: [],
    }),
    node('still-fawn', {
      online: false,
      cpus: 8,
      sockets: 1,
      cpuModel: 'Intel(R) Core(TM) i7-4790 CPU @ 3.60GHz',
      memoryBytes: 32 * GiB,
      memoryUsedBytes: 1 * GiB,
      cpuLoad: 0,
      uptimeSeconds: 0,
      ip: '192.168.4.17',
      bridges: ['vmbr0'],
      storages: [localDir(94, 6, ct), thinPool('local-lvm', 'lvmthin', 348, [])],
    }),
    node('rapid-civet', {
      online: false,
      cpus: 4,
      sockets: 1,
      cpuModel: 'Intel(R) Celeron(R) N5105 @ 2.00GHz',
      memoryBytes: 16 * GiB,
      memoryUsedBytes: 1 * GiB,
      cpuLoad: 0,
      uptimeSeconds: 0,
      ip: '192.168.4.11',
      bridges: ['vmbr0'],
      storages: [localDir(94, 6, ct), thinPool('local-lvm', 'lvmthin', 348, [])],
    }),
  ];

  const guests: Record<string, GuestState> = {};
  if (homelab) for (const g of homelabGuests(now)) guests[String(g.vmid)] = g;

  return {
    format: 'hl-pve-emulator-world',
    version: 1,
    clusterName: 'homelab',
    pveVersion: '9.1.3',
    authKey: randomBytes(32).toString('hex'),
    nextPid: 200000,
    seededAt: now,
    nodes,
    guests,
    pools: {},
    tasks: [],
  };
}
