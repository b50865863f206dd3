/**
 * migrationBlockers (pure): the rules the emulator tests do not reach — a shared storage is
 * neither mapped nor owner-checked, a local CD-ROM image refuses and the cloud-init drive does
 * not, a mapped PCI device refuses a running VM unless live-migration-capable, a serial port
 * that is a host device refuses and a socket does not, a USB device by vendor:product id.
 */
import { describe, expect, it } from 'vitest';
import { migrationBlockers, type MigrationFacts, type NodeStorage } from '../../providers/proxmox/checks/migration-blockers.js';

const local = (content: string[]): NodeStorage => ({ content, enabled: true, active: true, shared: false });
const shared = (content: string[]): NodeStorage => ({ content, enabled: true, active: true, shared: true });

function facts(config: Record<string, unknown>, extra: Partial<MigrationFacts> = {}): MigrationFacts {
  return {
    type: 'qemu',
    vmid: 120,
    from: 'pve',
    to: 'pumped-piglet',
    running: true,
    config,
    storageMap: new Map([['local-lvm', 'local-zfs']]),
    sourceStorages: new Map([
      ['local-lvm', local(['images', 'rootdir'])],
      ['local', local(['iso', 'vztmpl'])],
      ['nas', shared(['images', 'iso'])],
    ]),
    targetStorages: new Map([
      ['local-zfs', local(['images', 'rootdir'])],
      ['local', local(['iso', 'vztmpl'])],
      ['nas', shared(['images', 'iso'])],
    ]),
    mappings: new Map(),
    sourceUsb: [],
    ...extra,
  };
}

describe('migrationBlockers', () => {
  it('maps local volumes and leaves shared ones, whoever owns them', () => {
    expect(
      migrationBlockers(
        facts({ scsi0: 'local-lvm:vm-120-disk-0,size=8G', scsi1: 'nas:110/vm-110-disk-0.qcow2,size=8G', ide2: 'nas:iso/x.iso,media=cdrom' }),
      ),
    ).toEqual([]);
  });

  it('refuses a planned storage change of a volume on shared storage (PVE does not move it)', () => {
    expect(
      migrationBlockers(facts({ scsi1: 'nas:120/vm-120-disk-1.qcow2,size=8G' }, { storageMap: new Map([['nas', 'local-zfs']]) })),
    ).toEqual([
      'scsi1 (nas:120/vm-120-disk-1.qcow2) is on shared storage "nas", which a migration does not copy to "local-zfs" (PVE moves only local volumes); keep its storage',
    ]);
  });

  it('refuses a local CD-ROM image but copies the cloud-init drive', () => {
    expect(
      migrationBlockers(facts({ ide2: 'local:iso/ubuntu.iso,media=cdrom', ide0: 'local-lvm:vm-120-cloudinit,media=cdrom' })),
    ).toEqual(['ide2: local:iso/ubuntu.iso, a CD-ROM image on storage local of pve (PVE does not migrate a local CD-ROM image; eject it first)']);
  });

  it('refuses a mapped PCI device on a running VM unless the mapping is live-migration-capable', () => {
    const config = { hostpci0: 'mapping=gpu' };
    const mapping = (liveMigration: boolean) => new Map([['pci:gpu', { nodes: new Set(['pve', 'pumped-piglet']), liveMigration }]]);
    expect(migrationBlockers(facts(config, { mappings: mapping(false) }))).toEqual([
      'hostpci0: mapping=gpu, a PCI device that cannot move while the VM runs (the mapping is not live-migration-capable; stop the VM first)',
    ]);
    expect(migrationBlockers(facts(config, { mappings: mapping(true) }))).toEqual([]);
    expect(migrationBlockers(facts(config, { mappings: mapping(false), running: false }))).toEqual([]);
  });

  it('refuses a serial port on a host device, not a socket, and names a USB device by id', () => {
    expect(
      migrationBlockers(
        facts(
          { serial0: 'socket', serial1: '/dev/ttyUSB0', usb0: 'host=18d1:9302' },
          { sourceUsb: [{ vendid: '18d1', prodid: '9302', product: 'Coral USB Accelerator', manufacturer: 'Google Inc.' }] },
        ),
      ),
    ).toEqual([
      'serial1: /dev/ttyUSB0, a serial port of pve',
      'usb0: host=18d1:9302, the Coral USB Accelerator (Google Inc.) with id 18d1:9302 of pve',
    ]);
  });

  it('a container: a shared bind mount passes, a volume goes to the mapped storage', () => {
    expect(
      migrationBlockers(
        facts(
          { rootfs: 'local-lvm:vm-120-disk-0,size=8G', mp0: '/mnt/nas,mp=/data,shared=1' },
          { type: 'lxc' },
        ),
      ),
    ).toEqual([]);
    expect(
      migrationBlockers(facts({ rootfs: 'local-lvm:vm-120-disk-0,size=8G' }, { type: 'lxc', storageMap: new Map() })),
    ).toEqual([
      'rootfs (local-lvm:vm-120-disk-0) needs storage "local-lvm" on pumped-piglet, which has no such storage (storages there for container volumes: local-zfs; set the volume\'s storage to one of them to copy it there)',
    ]);
  });
});
