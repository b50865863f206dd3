/**
 * How long an emulated migration takes (guest-migration.ts migrationDurationMs): the local
 * volumes, and a live VM's RAM, copied at the profile's link rate or the request's `bwlimit`,
 * plus a fixed overhead and a container's restart; shared storage copies nothing.
 */
import { describe, expect, it } from 'vitest';
import type { EmulatorCore } from '../../providers/pve/emulator/emulator-core.js';
import { migrationDurationMs, type MigrationJob } from '../../providers/pve/emulator/guest-migration.js';
import { pveProfile } from '../../providers/pve/emulator/pve-profile.js';

const GiB = 1024 ** 3;
const emu = { profile: pveProfile('9.1') } as EmulatorCore;
const job = (over: Partial<MigrationJob>): MigrationJob => ({
  type: 'qemu',
  vmid: 101,
  source: 'pve',
  target: 'pumped-piglet',
  copies: [],
  shared: [],
  mode: 'offline',
  ...over,
});
const disk32 = { volid: 'local-lvm:vm-101-disk-0', targetStorage: 'local-zfs', sizeBytes: 32 * GiB };

describe('Proxmox emulator: migration duration', () => {
  it('copies local disks at about 110 MB/s after a fixed overhead', () => {
    // 32 GiB over a 1 Gbit/s link: a little over five minutes
    expect(migrationDurationMs(emu, job({ copies: [disk32] }))).toBeCloseTo(4000 + ((32 * GiB) / 110e6) * 1000, 3);
    expect(migrationDurationMs(emu, job({ copies: [disk32] })) / 60_000).toBeGreaterThan(5);
  });

  it('copies nothing from shared storage: only the overhead', () => {
    expect(migrationDurationMs(emu, job({ shared: ['ceph-vm:vm-101-disk-0'] }))).toBe(4000);
  });

  it("adds a live VM's RAM and a container's restart", () => {
    expect(migrationDurationMs(emu, job({ mode: 'online', ramBytes: 2 * GiB }))).toBeCloseTo(4000 + ((2 * GiB) / 110e6) * 1000, 3);
    expect(migrationDurationMs(emu, job({ type: 'lxc', mode: 'restart' }))).toBe(4000 + 6000);
  });

  it('copies no faster than bwlimit (KiB/s); 0 is no limit', () => {
    expect(migrationDurationMs(emu, job({ copies: [disk32], bwlimitKiBps: 10 * 1024 }))).toBeCloseTo(4000 + ((32 * GiB) / (10 * 1024 * 1024)) * 1000, 3);
    expect(migrationDurationMs(emu, job({ copies: [disk32], bwlimitKiBps: 0 }))).toBe(migrationDurationMs(emu, job({ copies: [disk32] })));
  });
});
