/**
 * `placementDemand` of the proxmox provider (pure): what a VM or container asks of its node
 * from config, planned or prior attributes — PVE's defaults for what is left out, nothing for
 * what a template or the server decides, unknowns left undefined, the storages of its volumes
 * and the `placement` preferences; and the `placement` attribute itself: planned from config,
 * never in a PVE config, kept by a read.
 */
import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Attributes } from '../../src/core/value.js';
import { ProxmoxProvider } from '../../providers/proxmox/proxmox-provider.js';
import { lxcAttributesFromConfig } from '../../providers/proxmox/mapping/lxc-config-mapping.js';
import { vmAttributesFromConfig } from '../../providers/proxmox/mapping/vm-config-mapping.js';

const MiB = 1024 ** 2;
const provider = new ProxmoxProvider();
const demand = (type: string, attributes: Attributes) => provider.placementDemand({ type, attributes });

describe('proxmox placementDemand: VMs', () => {
  const cases: { reason: string; attributes: Attributes; want: Record<string, unknown>; absent?: string[] }[] = [
    {
      reason: 'cores × sockets, memory in MiB, disk and cloud-init storages',
      attributes: {
        node: 'pve',
        cores: 4,
        sockets: 2,
        memory: 8192,
        disks: { scsi0: { storage: 'local-lvm', size: '32G' }, scsi1: { storage: 'tank', size: '1T' } },
        cloud_init: { user: 'ubuntu', storage: 'local-zfs' },
      },
      want: { node: 'pve', nodePath: ['node'], vcpus: 8, memoryBytes: 8192 * MiB, running: true, storages: ['local-lvm', 'local-zfs', 'tank'] },
    },
    {
      reason: "PVE's defaults for what a plain VM leaves out: 1 core, 1 socket, 512 MiB",
      attributes: { node: 'pve' },
      want: { vcpus: 1, memoryBytes: 512 * MiB, storages: [] },
    },
    {
      reason: "a clone has its template's cores and memory, which are not known here",
      attributes: { node: 'pve', clone: { source: 9000 }, memory: 2048 },
      want: { memoryBytes: 2048 * MiB },
      absent: ['vcpus'],
    },
    {
      reason: 'unknown values stay undefined; a disk read from PVE names its storage in its volume',
      attributes: { node: UNKNOWN, cores: UNKNOWN, memory: UNKNOWN, disks: { scsi0: { storage: null, volume: 'local-lvm:vm-101-disk-0' } } },
      want: { node: undefined, storages: ['local-lvm'] },
      absent: ['vcpus', 'memoryBytes'],
    },
    {
      reason: 'node: auto passes through with the placement preferences; a stopped guest is not running',
      attributes: { node: 'auto', started: false, placement: { prefer: ['pumped-piglet', 'pve'], avoid: ['fun-bedbug'], spread: true } },
      want: { node: 'auto', running: false, prefer: ['pumped-piglet', 'pve'], avoid: ['fun-bedbug'], spread: true },
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      const d = demand('proxmox_vm', c.attributes)!;
      expect(d).toMatchObject(c.want);
      for (const k of c.absent ?? []) expect(d).not.toHaveProperty(k);
    });
  }
});

describe('proxmox placementDemand: containers', () => {
  it('cores and memory, rootfs and mount point storages, a bind mount has none', () => {
    const d = demand('proxmox_lxc', {
      node: 'fun-bedbug',
      cores: 2,
      memory: 4096,
      rootfs: { storage: 'local-lvm', size: '16G' },
      mount_points: {
        mp0: { storage: 'tank', size: '100G', path: '/data' },
        mp1: { host_path: '/srv/media', path: '/media', storage: null },
      },
    });
    expect(d).toEqual({ node: 'fun-bedbug', nodePath: ['node'], vcpus: 2, memoryBytes: 4096 * MiB, running: true, storages: ['local-lvm', 'tank'] });
  });

  it('a container with no core limit counts no vCPUs; memory defaults to 512 MiB', () => {
    const d = demand('proxmox_lxc', { node: 'pve', cores: null })!;
    expect(d.vcpus).toBeUndefined();
    expect(d.memoryBytes).toBe(512 * MiB);
  });

  it('is undefined for a type that is not a guest', () => {
    expect(demand('coral_passthrough', { node: 'pve' })).toBeUndefined();
  });
});

describe('the placement attribute', () => {
  const config: Attributes = { node: 'auto', hostname: 'web', placement: { prefer: [' pumped-piglet '], avoid: ['pve', 'chief-horse'] } };

  it('is planned from config, canonical (lists trimmed, avoid as a set, spread false)', () => {
    const p = provider.planResource({ type: 'proxmox_lxc', prior: null, config, providerConfig: {} });
    expect(p.planned.placement).toEqual({ prefer: ['pumped-piglet'], avoid: ['chief-horse', 'pve'], spread: false });
    expect(provider.planResource({ type: 'proxmox_vm', prior: null, config: { node: 'pve' }, providerConfig: {} }).planned.placement).toBeNull();
  });

  it('is kept by a read (PVE has no such setting) and plans no change afterwards', () => {
    const planned = provider.planResource({ type: 'proxmox_lxc', prior: null, config, providerConfig: {} }).planned;
    const read = lxcAttributesFromConfig({
      node: 'pumped-piglet',
      vmid: 120,
      config: { hostname: 'web', memory: '512', rootfs: 'local-zfs:subvol-120-disk-0,size=8G' },
      status: 'running',
      pool: null,
      pending: [],
      prior: planned,
    });
    expect(read.placement).toEqual(planned.placement);
    const again = provider.planResource({ type: 'proxmox_lxc', prior: read, config: { ...config, node: 'pumped-piglet' }, providerConfig: {} });
    expect(again.planned.placement).toEqual(read.placement);
    const vm = vmAttributesFromConfig({ node: 'pve', vmid: 130, config: { memory: '512' }, status: 'stopped', pool: null, pending: [], prior: null });
    expect(vm.placement).toBeNull();
  });
});
