/**
 * planResource for a guest whose node changes (issue 22): an in-place update carrying a
 * migration, not a replacement — how it is done for a running or stopped VM or container,
 * the storage map when volumes change storage with the node, a storage change alone still a
 * replacement, what the config alone refuses (at `node`), and the rest of the plan applied
 * after the move.
 */
import { describe, expect, it } from 'vitest';
import { isUnknown, UNKNOWN, type Attributes } from '../../src/core/value.js';
import { lxcAttributesFromConfig } from '../../providers/proxmox/mapping/lxc-config-mapping.js';
import { vmAttributesFromConfig } from '../../providers/proxmox/mapping/vm-config-mapping.js';
import { storageMap, targetStorageParam, volumeMoves } from '../../providers/proxmox/planning/migration-plan.js';
import { ProxmoxProvider } from '../../providers/proxmox/proxmox-provider.js';

const provider = new ProxmoxProvider();

const VM_LIVE = {
  name: 'opnsense',
  cores: '2',
  memory: '4096',
  scsihw: 'virtio-scsi-single',
  scsi0: 'local-lvm:vm-101-disk-0,iothread=1,size=32G',
  scsi1: 'local-lvm:vm-101-disk-1,size=8G',
  net0: 'virtio=BC:24:11:5A:1E:01,bridge=vmbr0',
};
const CT_LIVE = {
  hostname: 'docker',
  cores: '2',
  memory: '4096',
  rootfs: 'local-lvm:vm-100-disk-0,size=32G',
  mp0: 'local-lvm:vm-100-disk-1,mp=/srv,size=8G',
  net0: 'name=eth0,bridge=vmbr0,hwaddr=BC:24:11:D0:C1:00,ip=dhcp,type=veth',
  unprivileged: '1',
};

function vm(status: string, config: Record<string, string> = VM_LIVE): Attributes {
  return vmAttributesFromConfig({ node: 'pve', vmid: 101, config, status, pool: null, pending: [], prior: null });
}
function ct(status: string, config: Record<string, string> = CT_LIVE): Attributes {
  return lxcAttributesFromConfig({ node: 'pve', vmid: 100, config, status, pool: null, pending: [], prior: null });
}
function planOf(type: string, prior: Attributes, config: Attributes) {
  return provider.planResource({ type, prior, config, providerConfig: {} });
}

describe('a node change migrates the guest', () => {
  it('a running VM that stays started: online migration, local disks copied to their storage; the id moves', () => {
    const p = planOf('proxmox_vm', vm('running'), { node: 'pumped-piglet' });
    expect(p.requiresReplace).toEqual([]);
    expect(p.problems).toEqual([]);
    expect(p.migration).toEqual({ path: ['node'], from: 'pve', to: 'pumped-piglet', how: 'online migration, local disks copied to local-lvm' });
    expect(p.planned.node).toBe('pumped-piglet');
    expect(p.planned.id).toBe('pumped-piglet/101');
    expect(p.planned.vmid).toBe(101);
    expect(p.planned.status).toBe('running');
    expect(p.notes.join('\n')).not.toMatch(/migrate/);
    // Same storage name on the target: the volume keeps its id.
    expect(((p.planned.disks as Attributes).scsi0 as Attributes).volume).toBe('local-lvm:vm-101-disk-0');
  });

  it('a stopped VM: offline migration', () => {
    const p = planOf('proxmox_vm', vm('stopped'), { node: 'chief-horse' });
    expect(p.migration?.how).toBe('offline migration, local disks copied to local-lvm');
    expect(p.planned.status).toBe('stopped');
  });

  it('a running VM planned to stop is shut down, then moved offline', () => {
    const p = planOf('proxmox_vm', vm('running'), { node: 'chief-horse', started: false });
    expect(p.migration?.how).toBe('offline migration after the VM is shut down, local disks copied to local-lvm');
  });

  it('a running container: restart migration, volumes copied', () => {
    const p = planOf('proxmox_lxc', ct('running'), { node: 'chief-horse' });
    expect(p.requiresReplace).toEqual([]);
    expect(p.migration).toEqual({
      path: ['node'],
      from: 'pve',
      to: 'chief-horse',
      how: 'restart migration (the container is stopped, moved and started again on chief-horse), volumes copied to local-lvm',
    });
    expect(p.planned.id).toBe('chief-horse/100');
    const nic = (p.planned.networks as Attributes).net0 as Attributes;
    expect(nic.mac).toBe('BC:24:11:D0:C1:00');
  });

  it('a stopped container: offline migration', () => {
    const p = planOf('proxmox_lxc', ct('stopped'), { node: 'chief-horse' });
    expect(p.migration?.how).toBe('offline migration, volumes copied to local-lvm');
  });

  it('an unknown node (from another resource) is no migration yet and no replacement', () => {
    const p = planOf('proxmox_vm', vm('running'), { node: UNKNOWN });
    expect(p.migration).toBeUndefined();
    expect(p.requiresReplace).toEqual([]);
  });

  it('the same node is no migration', () => {
    const p = planOf('proxmox_vm', vm('running'), { node: 'pve', memory: 4096 });
    expect(p.migration).toBeUndefined();
    expect(p.planned.id).toBe('pve/101');
  });
});

describe('storage with a migration', () => {
  it('a storage change together with a node change is the migration target, not a replacement', () => {
    const p = planOf('proxmox_vm', vm('running'), {
      node: 'pumped-piglet',
      disks: { scsi0: { storage: 'local-zfs', size: '32G' }, scsi1: { storage: 'local-zfs', size: '8G' } },
    });
    expect(p.requiresReplace).toEqual([]);
    expect(p.migration?.how).toBe('online migration, local disks copied to local-zfs');
    // Copied to another storage, a disk gets a new volume id there.
    expect(isUnknown(((p.planned.disks as Attributes).scsi0 as Attributes).volume)).toBe(true);
    const moves = volumeMoves('VM', vm('running'), p.planned);
    expect(targetStorageParam(storageMap(moves).map)).toBe('local-lvm:local-zfs');
  });

  it('a container rootfs and mount point to another storage: one pair in the map', () => {
    const prior = ct('running');
    const p = planOf('proxmox_lxc', prior, {
      node: 'pumped-piglet',
      rootfs: { storage: 'local-zfs' },
      mount_points: { mp0: { storage: 'local-zfs', size: '8G', path: '/srv' } },
    });
    expect(p.requiresReplace).toEqual([]);
    expect(p.migration?.how).toMatch(/volumes copied to local-zfs$/);
    expect(targetStorageParam(storageMap(volumeMoves('container', prior, p.planned)).map)).toBe('local-lvm:local-zfs');
  });

  it('two volumes of one storage going to two storages is a problem at the second', () => {
    const p = planOf('proxmox_vm', vm('running'), {
      node: 'pumped-piglet',
      disks: { scsi0: { storage: 'local-zfs', size: '32G' }, scsi1: { storage: 'tank', size: '8G' } },
    });
    expect(p.problems).toEqual([
      {
        path: ['disks', 'scsi1', 'storage'],
        message:
          'disks.scsi1.storage goes to storage "tank", but disks.scsi0.storage on the same storage "local-lvm" goes to "local-zfs": a migration moves all volumes of one storage to one storage',
      },
    ]);
  });

  it('several source storages map each to its own target', () => {
    const prior = vm('stopped', { ...VM_LIVE, scsi1: 'fast:vm-101-disk-1,size=8G' });
    const p = planOf('proxmox_vm', prior, {
      node: 'pumped-piglet',
      disks: { scsi0: { storage: 'local-zfs', size: '32G' }, scsi1: { storage: 'fast', size: '8G' } },
    });
    expect(p.problems).toEqual([]);
    expect(targetStorageParam(storageMap(volumeMoves('VM', prior, p.planned)).map)).toBe('local-lvm:local-zfs');
    expect(p.migration?.how).toBe('offline migration, local disks copied to fast, local-zfs');
  });

  it('a storage change without a node change is still a replacement', () => {
    const p = planOf('proxmox_vm', vm('running'), { node: 'pve', disks: { scsi0: { storage: 'local-zfs', size: '32G' }, scsi1: { storage: 'local-lvm', size: '8G' } } });
    expect(p.migration).toBeUndefined();
    expect(p.requiresReplace).toEqual([
      {
        path: ['disks', 'scsi0', 'storage'],
        reason:
          'disks.scsi0.storage cannot change from local-lvm to local-zfs in place: hl moves a volume to another storage only when the guest migrates to another node',
      },
    ]);
  });

  it('a shrink with a migration is still a replacement; a growth is an update after the move', () => {
    const shrink = planOf('proxmox_vm', vm('running'), { node: 'pumped-piglet', disks: { scsi0: { storage: 'local-lvm', size: '16G' }, scsi1: { storage: 'local-lvm', size: '8G' } } });
    expect(shrink.requiresReplace.map((r) => r.path)).toEqual([['disks', 'scsi0', 'size']]);
    const grow = planOf('proxmox_vm', vm('running'), { node: 'pumped-piglet', disks: { scsi0: { storage: 'local-lvm', size: '64G' }, scsi1: { storage: 'local-lvm', size: '8G' } } });
    expect(grow.requiresReplace).toEqual([]);
    expect(grow.migration?.to).toBe('pumped-piglet');
    expect(((grow.planned.disks as Attributes).scsi0 as Attributes).size).toBe('64G');
  });
});

describe('a migration with other changes', () => {
  it('memory and tags change on the new node; a running VM keeps the reboot note', () => {
    const p = planOf('proxmox_vm', vm('running'), { node: 'pumped-piglet', memory: 8192, tags: ['fw'] });
    expect(p.migration?.to).toBe('pumped-piglet');
    expect(p.planned.memory).toBe(8192);
    expect(p.planned.tags).toEqual(['fw']);
    expect(p.notes.join('\n')).toMatch(/memory 4096 → 8192: the running VM takes this change only at its next start/);
  });

  it('a restart migration applies what the container had pending', () => {
    const prior = { ...ct('running'), pending_changes: ['features'] };
    const moved = planOf('proxmox_lxc', prior, { node: 'chief-horse' });
    expect(moved.planned.pending_changes).toEqual([]);
    const stays = planOf('proxmox_lxc', prior, { node: 'pve' });
    expect(stays.planned.pending_changes).toEqual(['features']);
  });
});

describe('what the config alone refuses, at node', () => {
  it('a VM with a USB device by host port and a PCI device without a mapping', () => {
    const prior = vm('running', { ...VM_LIVE, usb0: 'host=2-1', usb1: 'mapping=coral', usb2: 'host=spice', hostpci0: 'host=0000:01:00.0' });
    const p = planOf('proxmox_vm', prior, { node: 'pumped-piglet' });
    expect(p.problems).toEqual([
      {
        path: ['node'],
        message: 'the VM cannot be migrated from pve: usb.usb0 is the host USB device 2-1 of pve (use a resource mapping with an entry for each node)',
      },
      {
        path: ['node'],
        message: 'the VM cannot be migrated from pve: hostpci.hostpci0 is the PCI device 0000:01:00.0 of pve (use a resource mapping with an entry for each node)',
      },
    ]);
  });

  it('a container with a device node and a bind mount', () => {
    const prior = ct('running', { ...CT_LIVE, dev0: 'path=/dev/apex_0,mode=0660', mp1: '/srv/media,mp=/media' });
    const p = planOf('proxmox_lxc', prior, { node: 'pumped-piglet' });
    expect(p.problems.map((x) => [x.path, x.message])).toEqual([
      [['node'], 'the container cannot be migrated from pve: mount_points.mp1 binds /srv/media of pve (PVE cannot migrate a local bind mount point)'],
      [['node'], 'the container cannot be migrated from pve: dev.dev0 passes /dev/apex_0 of pve through (the device stays on pve)'],
    ]);
  });

  it('the same guest on its node has no such problem', () => {
    const prior = vm('running', { ...VM_LIVE, usb0: 'host=2-1' });
    expect(planOf('proxmox_vm', prior, { node: 'pve' }).problems).toEqual([]);
  });
});
