/**
 * Writes merge into live property strings by meaning (mapping/config-changes.ts): explicit
 * defaults and a MAC's case are no change, a changed field is the only one touched; and the
 * machine rules (pve-rules/qemu-machine-rules.ts). Pure, table-driven.
 */
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../src/core/value.js';
import { LivePropertyError, mergeProps } from '../../providers/proxmox/mapping/config-changes.js';
import { lxcConfigChanges } from '../../providers/proxmox/mapping/lxc-config-mapping.js';
import { vmConfigChanges } from '../../providers/proxmox/mapping/vm-config-mapping.js';
import { LXC_NET_FORMAT, QEMU_HOSTPCI_FORMAT, QEMU_NET_FORMAT, QEMU_SCSI_FORMAT } from '../../providers/pve/property-string.js';
import { machineSatisfies, windowsPinnedMachine } from '../../providers/pve/pve-rules/qemu-machine-rules.js';

describe('mergeProps', () => {
  const cases = [
    { reason: 'cache none is no cache', live: 'local-lvm:vm-1-disk-0,cache=none,size=4G', format: QEMU_SCSI_FORMAT, updates: { cache: null }, want: 'same' },
    { reason: 'backup=1 is the default', live: 'local-lvm:vm-1-disk-0,backup=1,size=4G', format: QEMU_SCSI_FORMAT, updates: { backup: null }, want: 'same' },
    { reason: 'iothread=0 and ssd=off are false', live: 'local-lvm:vm-1-disk-0,iothread=0,ssd=off', format: QEMU_SCSI_FORMAT, updates: { iothread: null, ssd: null }, want: 'same' },
    { reason: 'discard ignore is the default', live: 'local-lvm:vm-1-disk-0,discard=ignore', format: QEMU_SCSI_FORMAT, updates: { discard: null }, want: 'same' },
    { reason: 'a lowercase MAC is the same MAC', live: 'virtio=bc:24:11:aa:bb:cc,bridge=vmbr0,firewall=0', format: QEMU_NET_FORMAT, updates: { macaddr: 'BC:24:11:AA:BB:CC', firewall: null }, want: 'same' },
    { reason: 'tag 010 is 10', live: 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,tag=010', format: QEMU_NET_FORMAT, updates: { tag: '10' }, want: 'same' },
    { reason: 'rombar=1 is the default', live: 'mapping=coral,rombar=1', format: QEMU_HOSTPCI_FORMAT, updates: { rombar: null, pcie: null }, want: 'same' },
    { reason: 'container NIC: lowercase hwaddr, firewall=0', live: 'name=eth0,bridge=vmbr0,firewall=0,hwaddr=bc:24:11:aa:bb:cc,ip=dhcp,type=veth', format: LXC_NET_FORMAT, updates: { hwaddr: 'BC:24:11:AA:BB:CC', firewall: null, ip: 'dhcp' }, want: 'same' },
    { reason: 'one changed field, the others as written', live: 'virtio=bc:24:11:aa:bb:cc,bridge=vmbr0,firewall=0', format: QEMU_NET_FORMAT, updates: { macaddr: 'BC:24:11:AA:BB:CC', bridge: 'vmbr1', firewall: null }, want: 'virtio=bc:24:11:aa:bb:cc,bridge=vmbr1,firewall=0' },
    { reason: 'turning backup off writes backup=0', live: 'local-lvm:vm-1-disk-0,backup=1,cache=none', format: QEMU_SCSI_FORMAT, updates: { backup: '0', cache: null }, want: 'local-lvm:vm-1-disk-0,backup=0,cache=none' },
    { reason: 'a different MAC is written', live: 'virtio=bc:24:11:aa:bb:cc,bridge=vmbr0', format: QEMU_NET_FORMAT, updates: { macaddr: 'BC:24:11:00:00:01' }, want: 'virtio=BC:24:11:00:00:01,bridge=vmbr0' },
  ] as const;
  for (const c of cases) {
    it(c.reason, () => {
      const got = mergeProps(c.live, c.format, { ...c.updates }, 'k');
      expect(got).toBe(c.want === 'same' ? c.live : c.want);
    });
  }

  it('refuses a live value that does not parse, naming the key', () => {
    expect(() => mergeProps('virtio=BC:24:11:AA:BB:CC,bridge=a,bridge=b', QEMU_NET_FORMAT, { firewall: '1' }, 'net0')).toThrow(LivePropertyError);
    expect(() => mergeProps('virtio=BC:24:11:AA:BB:CC,bridge=a,bridge=b', QEMU_NET_FORMAT, { firewall: '1' }, 'net0')).toThrow(/^config key net0 holds "virtio=BC:24:11:AA:BB:CC,bridge=a,bridge=b", which is not a valid value \(duplicate key/);
  });
});

describe('whole configs with explicit defaults plan no write', () => {
  it('VM: drive, NIC, USB and PCI strings with defaults written out', () => {
    const live = {
      scsi0: 'local-lvm:vm-101-disk-0,backup=1,cache=none,discard=ignore,iothread=0,replicate=1,size=32G,ssd=0',
      net0: 'virtio=bc:24:11:12:34:56,bridge=vmbr0,firewall=0,link_down=0',
      usb0: 'mapping=coral,usb3=0',
      hostpci0: 'mapping=gpu,pcie=0,rombar=1,x-vga=0',
    };
    const planned: Attributes = {
      vmid: 101,
      disks: { scsi0: { storage: 'local-lvm', size: '32G', cache: null, discard: false, ssd: false, iothread: false, backup: true } },
      networks: { net0: { model: 'virtio', mac: 'BC:24:11:12:34:56', bridge: 'vmbr0', firewall: false, tag: null, rate: null, mtu: null, link_down: false } },
      usb: { usb0: { host: null, mapping: 'coral', usb3: false } },
      hostpci: { hostpci0: { host: null, mapping: 'gpu', pcie: false, rombar: true, x_vga: false } },
    };
    expect(vmConfigChanges({ planned, live, prior: null }).keys()).toEqual([]);
  });

  it('container: NIC, mount point and device strings with defaults written out', () => {
    const live = {
      rootfs: 'local-lvm:vm-200-disk-0,size=8G',
      net0: 'name=eth0,bridge=vmbr0,firewall=0,hwaddr=bc:24:11:aa:bb:cc,ip=dhcp,link_down=0,type=veth',
      mp0: 'local-lvm:vm-200-disk-1,mp=/data,backup=0,ro=0,size=4G',
      dev0: '/dev/apex_0,deny-write=0',
    };
    const planned: Attributes = {
      networks: { net0: { name: 'eth0', bridge: 'vmbr0', ip: 'dhcp', gw: null, ip6: null, gw6: null, mac: 'BC:24:11:AA:BB:CC', firewall: false, tag: null, rate: null, mtu: null, link_down: false } },
      mount_points: { mp0: { storage: 'local-lvm', size: '4G', path: '/data', host_path: null, backup: false, read_only: false } },
      dev: { dev0: { path: '/dev/apex_0', mode: null, uid: null, gid: null, deny_write: false } },
    };
    expect(lxcConfigChanges({ planned, live }).keys()).toEqual([]);
  });
});

describe('machine rules (qemu-server Machine.pm)', () => {
  it('pins Windows guests only, to the family given or the arch default', () => {
    expect(windowsPinnedMachine('q35', 'win11', undefined, '10.1')).toBe('pc-q35-10.1');
    expect(windowsPinnedMachine(undefined, 'win10', undefined, '9.2+pve1')).toBe('pc-i440fx-9.2+pve1');
    expect(windowsPinnedMachine('pc', 'w2k8', undefined, '10.1')).toBe('pc-i440fx-10.1');
    expect(windowsPinnedMachine(undefined, 'win11', 'aarch64', '10.1')).toBe('virt-10.1');
    expect(windowsPinnedMachine('pc-q35-8.1', 'win11', undefined, '10.1')).toBeUndefined();
    expect(windowsPinnedMachine('q35', 'l26', undefined, '10.1')).toBeUndefined();
  });

  it('takes a pinned type as meeting its bare family, not another family or version', () => {
    expect(machineSatisfies('q35', 'pc-q35-10.1+pve0')).toBe(true);
    expect(machineSatisfies('pc', 'pc-i440fx-9.2+pve1')).toBe(true);
    expect(machineSatisfies('q35', 'pc-i440fx-10.1')).toBe(false);
    expect(machineSatisfies('pc-q35-9.2', 'pc-q35-10.1')).toBe(false);
    expect(machineSatisfies('q35', 'q35')).toBe(true);
  });
});
