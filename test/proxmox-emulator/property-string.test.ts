/**
 * PVE property strings and sizes: default key first, the rest sorted, booleans and sizes
 * canonical, aliases and key aliases resolved, PVE's parse errors.
 */
import { describe, expect, it } from 'vitest';
import {
  formatPropertyString,
  formatSize,
  LXC_MP_FORMAT,
  LXC_NET_FORMAT,
  parseBoolean,
  parsePropertyString,
  parseSize,
  propertyStringsEqual,
  PropertyStringError,
  QEMU_AGENT_FORMAT,
  QEMU_NET_FORMAT,
  QEMU_SCSI_FORMAT,
} from '../../providers/pve/property-string.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('property strings', () => {
  it('parses and prints a QEMU NIC with its model=MAC key alias first', () => {
    const net = parsePropertyString('bridge=vmbr0,virtio=BC:24:11:12:34:56,firewall=on', QEMU_NET_FORMAT);
    expect(net).toEqual({ bridge: 'vmbr0', model: 'virtio', macaddr: 'BC:24:11:12:34:56', firewall: '1' });
    expect(formatPropertyString(net, QEMU_NET_FORMAT)).toBe('virtio=BC:24:11:12:34:56,bridge=vmbr0,firewall=1');
    expect(parsePropertyString('virtio,bridge=vmbr0', QEMU_NET_FORMAT)).toEqual({ model: 'virtio', bridge: 'vmbr0' });
  });

  it('makes drive strings canonical: default key, sorted keys, sizes and booleans', () => {
    const d = parsePropertyString('volume=local-lvm:vm-100-disk-0,ssd=true,size=32768M,iothread=yes', QEMU_SCSI_FORMAT);
    expect(d).toEqual({ file: 'local-lvm:vm-100-disk-0', ssd: '1', size: '32G', iothread: '1' });
    expect(formatPropertyString(d, QEMU_SCSI_FORMAT)).toBe('local-lvm:vm-100-disk-0,iothread=1,size=32G,ssd=1');
    expect(propertyStringsEqual('local-lvm:vm-1-disk-0,size=32G,discard=on', 'discard=on,size=32768M,file=local-lvm:vm-1-disk-0', QEMU_SCSI_FORMAT)).toBe(true);
    expect(propertyStringsEqual('local-lvm:vm-1-disk-0,size=32G', 'local-lvm:vm-1-disk-0,size=33G', QEMU_SCSI_FORMAT)).toBe(false);
  });

  it('prints required keys right after the default key (LXC name=, mp=)', () => {
    expect(formatPropertyString({ bridge: 'vmbr0', hwaddr: 'BC:24:11:00:00:01', ip: 'dhcp', name: 'eth0', type: 'veth' }, LXC_NET_FORMAT)).toBe(
      'name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:01,ip=dhcp,type=veth',
    );
    expect(formatPropertyString({ backup: '1', mp: '/data', size: String(8 * GiB), volume: 'local-lvm:vm-1-disk-1' }, LXC_MP_FORMAT)).toBe(
      'local-lvm:vm-1-disk-1,mp=/data,backup=1,size=8G',
    );
  });

  it('accepts a plain default key name and resolves aliases', () => {
    expect(parsePropertyString('4096', 'current')).toEqual({ current: '4096' });
    expect(parsePropertyString('1,fstrim_cloned_disks=1,guest-fsfreeze=0', QEMU_AGENT_FORMAT)).toEqual({ enabled: '1', fstrim_cloned_disks: '1', 'freeze-fs': '0' });
    expect(formatPropertyString({ enabled: true, type: 'virtio' }, QEMU_AGENT_FORMAT)).toBe('1,type=virtio');
  });

  it('fails like PVE on duplicate keys and bare values without a default key', () => {
    expect(() => parsePropertyString('bridge=a,bridge=b', QEMU_NET_FORMAT)).toThrow(PropertyStringError);
    expect(() => parsePropertyString('bridge=a,bridge=b', QEMU_NET_FORMAT)).toThrow('duplicate key in comma-separated list property: bridge');
    expect(() => parsePropertyString('eth0', LXC_NET_FORMAT)).toThrow('value without key, but schema does not define a default key');
  });

  it('parses and prints sizes in the largest exact unit', () => {
    expect(parseSize('32G')).toBe(32 * GiB);
    expect(parseSize('1.5G')).toBe(1.5 * GiB);
    expect(parseSize('528K')).toBe(540672);
    expect(parseSize('4096')).toBe(4096);
    expect(parseSize('2T')).toBe(2 * 1024 * GiB);
    expect(() => parseSize('12 GB')).toThrow("unable to parse size '12 GB'");
    expect(formatSize(32768 * MiB)).toBe('32G');
    expect(formatSize(1.5 * GiB)).toBe('1536M');
    expect(formatSize(3584 * MiB)).toBe('3584M');
    expect(formatSize(540672)).toBe('528K');
    expect(formatSize(1536)).toBe('1536');
    expect(formatSize(1024 * GiB)).toBe('1T');
  });

  it('knows PVE boolean words', () => {
    for (const w of ['1', 'on', 'yes', 'true', 'TRUE']) expect(parseBoolean(w)).toBe(true);
    for (const w of ['0', 'off', 'no', 'false']) expect(parseBoolean(w)).toBe(false);
    expect(parseBoolean('maybe')).toBeUndefined();
  });
});
